"""One error hierarchy: every error `planner` raises on purpose descends from PlannerError.

The CLI maps them to exit codes: InputError -> 2, InfeasibleError -> 3, anything else -> 1.
`solve()` does not raise InfeasibleError: a scenario with no plan is a Result whose status is
`infeasible` (with the explanation per group), and the CLI exits 3 for that status too.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from planner.i18n import _, ngettext


class ProblemCode(StrEnum):
    """The stable reason code of a Problem, for tests and tools (the values never change)."""

    # the file itself (planner.xlsx)
    FILE_NOT_FOUND = "file-not-found"
    FILE_TOO_LARGE = "file-too-large"
    UNREADABLE = "unreadable"
    NOT_XLSX = "not-xlsx"
    UNSAFE_ZIP = "unsafe-zip"
    UNSAFE_XML = "unsafe-xml"
    MACROS_IGNORED = "macros-ignored"
    TOO_MANY_PARTS = "too-many-parts"  # cell styles or shared strings beyond the bound read
    # sheets and tables
    WORKBOOK_EMPTY = "workbook-empty"
    MISSING_SHEET = "missing-sheet"
    DUPLICATE_SHEET = "duplicate-sheet"
    HIDDEN_SHEET = "hidden-sheet"
    SHEET_EMPTY = "sheet-empty"
    SHEET_TOO_LARGE = "sheet-too-large"
    NO_ROWS = "no-rows"
    FAR_BELOW = "far-below"
    MISSING_HEADERS = "missing-headers"
    HEADER_ROW_MOVED = "header-row-moved"
    MERGED_CELLS = "merged-cells"
    MISSING_COLUMN = "missing-column"
    DUPLICATE_COLUMN = "duplicate-column"
    UNKNOWN_COLUMN = "unknown-column"
    UNNAMED_COLUMN = "unnamed-column"
    HIDDEN_CELLS = "hidden-cells"  # hidden rows or columns holding values
    SECOND_TABLE = "second-table"  # a block beside the table that would supply its columns
    # one cell's value
    BLANK_REQUIRED = "blank-required"
    FORMULA_NO_VALUE = "formula-no-value"
    ERROR_CELL = "error-cell"
    ID_TYPE = "id-type"
    ID_CHARACTER = "id-character"
    NOT_A_NUMBER = "not-a-number"
    NOT_FINITE = "not-finite"
    AMBIGUOUS_NUMBER = "ambiguous-number"
    BOOL_NOT_NUMBER = "bool-not-number"
    DATE_NOT_NUMBER = "date-not-number"
    NEGATIVE = "negative"
    NOT_POSITIVE = "not-positive"
    NOT_WHOLE = "not-whole"
    SHARE_RANGE = "share-range"
    NOT_YES_NO = "not-yes-no"
    BAD_CHOICE = "bad-choice"
    BAD_SYNTAX = "bad-syntax"
    BAD_CELL_XML = "bad-cell-xml"  # a cell whose stored value breaks the file format's rules
    OUT_OF_RANGE = "out-of-range"  # above the documented range of its column
    INVISIBLE_CHARACTER = "invisible-character"
    # ids and references between records
    DUPLICATE_ID = "duplicate-id"
    CASE_MISMATCH = "case-mismatch"
    SPELLING_NORMALISED = "spelling-normalised"  # two spellings read as one name (a warning)
    CONFUSABLE = "confusable"  # look-alike letters of another script
    UNKNOWN_UNIT = "unknown-unit"
    UNKNOWN_PARENT = "unknown-parent"
    PARENT_CYCLE = "parent-cycle"
    UNKNOWN_SERVICE = "unknown-service"
    UNKNOWN_SKILL = "unknown-skill"
    UNKNOWN_GROUP = "unknown-group"
    ELIGIBLE_OTHER_GROUP = "eligible-other-group"
    # the scenario's rules
    MIN_ABOVE_MAX = "min-above-max"
    HEADCOUNT_OUTSIDE_LIMITS = "headcount-outside-limits"
    EMPLOYEES_IGNORED = "employees-ignored"
    NO_STAFF_OF_SKILL = "no-staff-of-skill"
    GROUP_NO_STAFF = "group-no-staff"
    MISSING_FOR_HOURS = "missing-for-hours"
    TOO_MANY_SKILLS = "too-many-skills"
    MISSING_FOR_WISN = "missing-for-wisn"  # the WISN sheets (planner.workbook.wisn_sheets)
    # settings and variants
    UNKNOWN_SETTING = "unknown-setting"
    DUPLICATE_SETTING = "duplicate-setting"
    SETTING_NEEDS_WISN = "setting-needs-wisn"  # a WISN-only setting in another coefficient mode
    RESERVED_NAME = "reserved-name"
    # the History sheet (planner.workbook.history)
    DUPLICATE_YEAR = "duplicate-year"
    SHORT_HISTORY = "short-history"
    HISTORY_GAP = "history-gap"
    AMBIGUOUS_TARGET = "ambiguous-target"
    UNKNOWN_TARGET = "unknown-target"
    HISTORY_INCOMPLETE = "history-incomplete"
    # the Decisions sheet (planner.workbook.decisions)
    INVALID_DECISION = "invalid-decision"  # a decision no plan can keep on its own
    CONTRADICTORY_DECISIONS = "contradictory-decisions"  # two decisions no plan keeps together
    # arguments of a study (frontier budgets)
    BAD_BUDGET_RANGE = "bad-budget-range"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or suspicious) in an input workbook, in words a planner understands.

    `cell` is an A1 reference without the sheet ("E7"), or "" when the problem concerns a whole
    sheet or column. `code` is a short stable reason code (ProblemCode.DUPLICATE_ID, which equals
    the string "duplicate-id") for tests and tools.
    """

    sheet: str
    cell: str
    value: object
    expected: str
    code: ProblemCode
    severity: Severity = Severity.ERROR

    @property
    def location(self) -> str:
        """`Units!E7`, `Units` for a whole sheet, or `workbook` when no sheet applies."""
        if not self.sheet:
            return _("workbook")
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def __str__(self) -> str:
        found = (
            ""
            if self.value is None or self.value == ""
            else " " + _("(found {value})").format(value=repr(self.value))
        )
        return f"{self.location}: {self.expected}{found}"


class PlannerError(Exception):
    """Base class of every error raised by planner on purpose."""


class InputError(PlannerError):
    """The input workbook is unusable. Carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], warnings=()) -> None:
        self.problems = tuple(problems)
        self.warnings = tuple(warnings)
        count = len(self.problems)
        head = ngettext(
            "{count} problem in the input", "{count} problems in the input", count
        ).format(count=count)
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


class InfeasibleError(PlannerError):
    """No plan satisfies the scenario's constraints; `explanation` says which rows conflict."""

    def __init__(self, message: str, explanation: tuple[str, ...] = ()) -> None:
        self.explanation = tuple(explanation)
        super().__init__(message + "".join(f"\n  - {line}" for line in self.explanation))


class SolverError(PlannerError):
    """The solver failed or returned a status that cannot be trusted."""


class VerificationError(PlannerError):
    """A plan failed the independent check. This is a bug in planner, never a result."""


class OutputError(PlannerError):
    """An output file could not be written (folder missing, read-only, locked by Excel...)."""
