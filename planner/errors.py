"""One error hierarchy: every error `planner` raises on purpose descends from PlannerError.

The CLI maps them to exit codes: InputError -> 2, InfeasibleError -> 3, anything else -> 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or suspicious) in an input workbook, in words a planner understands.

    `cell` is an A1 reference without the sheet ("E7"), or "" when the problem concerns a whole
    sheet or column. `code` is a short stable reason code (e.g. "duplicate-id") for tests and tools.
    """

    sheet: str
    cell: str
    value: object
    expected: str
    code: str
    severity: Severity = Severity.ERROR

    @property
    def location(self) -> str:
        """`Units!E7`, `Units` for a whole sheet, or `workbook` when no sheet applies."""
        if not self.sheet:
            return "workbook"
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def __str__(self) -> str:
        found = "" if self.value is None or self.value == "" else f" (found {self.value!r})"
        return f"{self.location}: {self.expected}{found}"


class PlannerError(Exception):
    """Base class of every error raised by planner on purpose."""


class InputError(PlannerError):
    """The input workbook is unusable. Carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], warnings=()) -> None:
        self.problems = tuple(problems)
        self.warnings = tuple(warnings)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the input"
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
