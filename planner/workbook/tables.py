"""Sheets as tables: the header row, the data rows, and cells parsed with their problems recorded.

The building blocks of validation, shared by the sheet readers: `read_table` finds the header row
and checks the table's shape (merged cells, duplicate or unknown columns), `read_cell` parses one
cell or records why it cannot, `IdIndex` and `Spelling` catch ids and names that differ only in
case. Problems are collected, never raised, so that one pass reports everything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

from planner.errors import Problem, ProblemCode, Severity
from planner.workbook.cells import (
    CellError,
    clean_text,
    is_blank,
    parse_choice,
    parse_id,
    parse_number,
    parse_text,
    parse_yes_no,
)
from planner.workbook.layout import (
    NONE_WORDS,
    OPTIONAL_SETTING_FIELDS,
    Kind,
    SettingFormat,
    SheetFormat,
    normalise_header,
)
from planner.workbook.nearmiss import near_miss
from planner.xlsx.reading import MAX_BLANK_RUN, RawSheet

HEADER_SEARCH_ROWS = 10  # a title may sit above the table; headers are looked for this far down

INVALID: Any = object()  # a cell that could not be read; its problem is already recorded


class Problems:
    """The errors and warnings found so far."""

    def __init__(self) -> None:
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, sheet: str, cell: str, value: object, expected: str, code: ProblemCode) -> None:
        self.errors.append(Problem(sheet, cell, _shown(value), expected, code, Severity.ERROR))

    def warn(self, sheet: str, cell: str, value: object, expected: str, code: ProblemCode) -> None:
        self.warnings.append(Problem(sheet, cell, _shown(value), expected, code, Severity.WARNING))


def _shown(value: object) -> object:
    """The value found as a planner would read it: dates as 2024-01-05, not datetime(...)."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


# --- tables: a sheet's header row and data rows -----------------------------------------------


@dataclass
class Table:
    """A sheet as a header (normalised name -> column number) and its data rows."""

    sheet: str
    header_row: int
    columns: dict[str, int]
    rows: list[tuple[int, dict[int, tuple[object, str]]]]

    def has(self, key: str) -> bool:
        return key in self.columns

    def coordinate(self, key: str, row_number: int) -> str:
        return f"{get_column_letter(self.columns[key])}{row_number}"

    def header_cell(self, key: str) -> str:
        return self.coordinate(key, self.header_row)


def _header_row(raw: RawSheet, known: set[str]) -> tuple[int, int] | None:
    """(row number, number of known headers) of the likeliest header row among the first rows."""
    best: tuple[int, int] | None = None
    for row_number, cells in raw.rows:
        if row_number > HEADER_SEARCH_ROWS:
            break
        matches = sum(
            1
            for value, _ in cells.values()
            if isinstance(value, str) and normalise_header(value) in known
        )
        if matches and (best is None or matches > best[1]):
            best = (row_number, matches)
    return best


def read_table(
    raw: RawSheet, sheet: SheetFormat, problems: Problems, known: Iterable[str] = ()
) -> Table | None:
    """Find the header row, map headers to columns and check the table's shape.

    Headers belong on row 1; a title above them is accepted with a warning when the header row
    is within the first ten rows. Returns None when no header row is found (an error).
    """
    name = raw.title
    known_keys = {c.key for c in sheet.columns} | set(known)
    if raw.too_many_rows:
        problems.error(
            name,
            "",
            None,
            f"the {name} sheet has more than 100,000 rows; it was not read",
            ProblemCode.SHEET_TOO_LARGE,
        )
    if raw.content_below is not None:
        problems.error(
            name,
            "",
            None,
            f"there is a value in row {raw.content_below}, more than {MAX_BLANK_RUN:,} blank rows "
            "below the table: delete it or move it up",
            ProblemCode.FAR_BELOW,
        )
    found = _header_row(raw, known_keys)
    if found is None:
        expected = (
            ", ".join(c.header for c in sheet.columns if c.required) or sheet.columns[0].header
        )
        problems.error(
            name,
            "A1",
            None,
            f"no header row found in the {name} sheet: row 1 must hold the column names "
            f"(such as {expected})",
            ProblemCode.MISSING_HEADERS,
        )
        return None
    header_row = found[0]
    if header_row != 1:
        problems.warn(
            name,
            f"A{header_row}",
            None,
            f"the column headers are on row {header_row}, not row 1; the rows above are ignored",
            ProblemCode.HEADER_ROW_MOVED,
        )
    for merged in raw.merged:
        try:
            _, _, _, last_row = range_boundaries(merged)
        except (TypeError, ValueError):
            continue
        if last_row is not None and last_row >= header_row:
            problems.error(
                name,
                merged,
                None,
                f"merged cells {merged} are ambiguous in a table: unmerge them and fill every cell",
                ProblemCode.MERGED_CELLS,
            )

    header_cells = next(cells for number, cells in raw.rows if number == header_row)
    columns: dict[str, int] = {}
    for column_number in sorted(header_cells):
        value, _ = header_cells[column_number]
        key = normalise_header(value) if isinstance(value, str) else normalise_header(str(value))
        coordinate = f"{get_column_letter(column_number)}{header_row}"
        if key in columns:
            first = f"{get_column_letter(columns[key])}{header_row}"
            problems.error(
                name,
                coordinate,
                value,
                f"the column {clean_text(str(value))} appears twice ({first} and {coordinate}): "
                "keep one",
                ProblemCode.DUPLICATE_COLUMN,
            )
        elif key in known_keys:
            columns[key] = column_number
        else:
            problems.warn(
                name, coordinate, value, "unknown column, ignored", ProblemCode.UNKNOWN_COLUMN
            )
    data_rows = [(n, cells) for n, cells in raw.rows if n > header_row]
    unnamed = sorted({c for _, cells in data_rows for c in cells if c not in header_cells})
    for column_number in unnamed:
        letter = get_column_letter(column_number)
        problems.warn(
            name,
            f"{letter}{header_row}",
            None,
            f"column {letter} has values but no header; it is ignored",
            ProblemCode.UNNAMED_COLUMN,
        )
    return Table(name, header_row, columns, data_rows)


def require_columns(
    table: Table, keys: Iterable[str], sheet: SheetFormat, problems: Problems, reason: str = ""
) -> bool:
    """Record an error for each missing required column; True when all are there."""
    ok = True
    for key in keys:
        if not table.has(key):
            header = sheet.column(key).header
            problems.error(
                table.sheet,
                "",
                None,
                f"the {table.sheet} sheet has no {header} column{reason}",
                ProblemCode.MISSING_COLUMN,
            )
            ok = False
    return ok


# --- cells ------------------------------------------------------------------------------------


def parser_for(kind: Kind, label: str, choices: tuple[str, ...] = ()) -> Callable[[object], Any]:
    """The function that reads a cell of this kind; it raises CellError with a message."""
    match kind:
        case Kind.ID:
            return lambda value: parse_id(value, label)
        case Kind.WHOLE:
            return lambda value: parse_number(value, label, whole=True)
        case Kind.NUMBER:
            return lambda value: parse_number(value, label)
        case Kind.POSITIVE:
            return lambda value: parse_number(value, label, positive=True)
        case Kind.SHARE:
            return lambda value: parse_number(value, label, share=True)
        case Kind.YES_NO:
            return lambda value: parse_yes_no(value, label)
        case Kind.CHOICE:
            return lambda value: parse_choice(value, label, choices)
        case _:
            return parse_text


def read_cell(
    problems: Problems,
    sheet: str,
    coordinate: str,
    entry: tuple[object, str] | None,
    parse: Callable[[object], Any],
    *,
    label: str,
    required: bool = False,
    default: Any = None,
) -> Any:
    """One cell parsed, or `default` when blank, or INVALID after recording the problem."""
    value, data_type = entry if entry is not None else (None, "n")
    if data_type == "f":
        problems.error(
            sheet,
            coordinate,
            None,
            f"{label} is a formula whose result was never saved: open the file in Excel or "
            "LibreOffice, let it calculate and save it again (or type the value)",
            ProblemCode.FORMULA_NO_VALUE,
        )
        return INVALID
    if data_type == "e":
        problems.error(
            sheet,
            coordinate,
            value,
            f"{label} shows the Excel error {value}: fix the formula or type the value",
            ProblemCode.ERROR_CELL,
        )
        return INVALID
    if is_blank(value):
        if required:
            problems.error(
                sheet, coordinate, None, f"{label} is required here", ProblemCode.BLANK_REQUIRED
            )
            return INVALID
        return default
    try:
        return parse(value)
    except CellError as error:
        problems.error(sheet, coordinate, value, error.expected, error.code)
        return INVALID


@dataclass
class Record:
    """One data row: parsed values by column key, and the coordinate of each column's cell."""

    row: int
    values: dict[str, Any]
    cells: dict[str, str]
    raw: dict[str, object] = field(default_factory=dict)

    def ok(self, key: str) -> bool:
        return self.values.get(key) is not INVALID

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key, default)
        return default if value is INVALID else value


def read_records(
    table: Table,
    sheet: SheetFormat,
    problems: Problems,
    *,
    skip: Iterable[str] = (),
    required: Iterable[str] = (),
) -> list[Record]:
    """Every data row of a table parsed by its columns' kinds; `skip` columns are kept raw only,
    `required` columns are required on top of those the format requires."""
    skipped = set(skip)
    also_required = set(required)
    # Everything that depends on the column only is worked out once, not once per cell.
    present = [
        (
            column,
            column.key,
            table.columns[column.key],
            None if column.key in skipped else parser_for(column.kind, column.header),
            column.required or column.key in also_required,
        )
        for column in sheet.columns
        if column.key in table.columns
    ]
    records = []
    for row_number, cells in table.rows:
        record = Record(row_number, {}, {})
        for column, key, index, parse, is_required in present:
            coordinate = table.coordinate(key, row_number)
            entry = cells.get(index)
            record.cells[key] = coordinate
            record.raw[key] = None if entry is None else entry[0]
            if parse is None:
                continue
            record.values[key] = read_cell(
                problems,
                table.sheet,
                coordinate,
                entry,
                parse,
                label=column.header,
                required=is_required,
            )
        records.append(record)
    return records


# --- ids --------------------------------------------------------------------------------------

FORBIDDEN_IN_UNIT_ID = (";", "=", ":")
FORBIDDEN_IN_ID = (";", "=")


def check_id_characters(
    problems: Problems, sheet: str, cell: str, value: str, label: str, forbidden: tuple[str, ...]
) -> bool:
    """Ids may not hold the separators of the Eligible units and Scenarios mini-languages."""
    bad = [ch for ch in forbidden if ch in value]
    if bad:
        problems.error(
            sheet,
            cell,
            value,
            f"{label} may not contain {' or '.join(repr(ch) for ch in forbidden)} "
            "(they separate ids in lists)",
            ProblemCode.ID_CHARACTER,
        )
        return False
    return True


class IdIndex:
    """Ids of one kind with the cell each was defined in; finds near misses (case, spaces)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.cells: dict[str, str] = {}  # id -> "Units!A3"
        self._folded: dict[str, str] = {}  # casefolded id -> id

    def add(self, problems: Problems, sheet: str, cell: str, value: str, label: str) -> bool:
        """Register an id; record a duplicate-id error and return False if it is taken."""
        location = f"{sheet}!{cell}"
        folded = value.casefold()
        if value in self.cells:
            problems.error(
                sheet,
                cell,
                value,
                f"{label} {value!r} appears twice: {self.cells[value]} and {location}; "
                "ids must be unique",
                ProblemCode.DUPLICATE_ID,
            )
            return False
        if folded in self._folded:
            other = self._folded[folded]
            problems.error(
                sheet,
                cell,
                value,
                f"{label} {value!r} differs only in case from {other!r} "
                f"({self.cells[other]}); ids must be unique",
                ProblemCode.DUPLICATE_ID,
            )
            return False
        self.cells[value] = location
        self._folded[folded] = value
        return True

    def __contains__(self, value: object) -> bool:
        return value in self.cells

    def hint(self, value: str) -> str:
        """' (did you mean 'D05', Units!A6?)' for a near miss (planner.workbook.nearmiss: case,
        spaces, O/0, l/1, one or two edits), else ''."""
        near = near_miss(clean_text(value), self.cells)
        return f" (did you mean {near!r}, {self.cells[near]}?)" if near else ""

    def unknown(self, value: str) -> str:
        return f"{value!r} is not a {self.what} of this workbook{self.hint(value)}"


class Spelling:
    """Names compared by exact text (groups, skills): a second spelling differing only in case is
    an error, because it would silently make two groups or skills."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.first: dict[str, tuple[str, str]] = {}  # casefolded -> (spelling, location)

    def check(self, problems: Problems, sheet: str, cell: str, value: str) -> None:
        folded = value.casefold()
        spelling, location = self.first.setdefault(folded, (value, f"{sheet}!{cell}"))
        if spelling != value:
            problems.error(
                sheet,
                cell,
                value,
                f"{self.what} {value!r} differs only in case from {spelling!r} ({location}): "
                "write it the same way everywhere",
                ProblemCode.CASE_MISMATCH,
            )


INHERIT: Any = object()  # a blank setting cell: keep the default (or the base, in a variant)


def read_setting_value(
    problems: Problems,
    sheet: str,
    coordinate: str,
    entry: tuple[object, str] | None,
    setting: SettingFormat,
) -> Any:
    """A setting's value typed as the Settings field wants it; blank gives INHERIT and the words
    'none' or 'no cap' give None for settings that may be unset (so a variant can lift a cap)."""
    label = f"The setting {setting.name!r}"
    if entry is not None and isinstance(entry[0], str):
        if clean_text(entry[0]).casefold() in NONE_WORDS:
            if setting.field in OPTIONAL_SETTING_FIELDS:
                return None
    parse = parser_for(setting.kind, label, setting.choices)
    value = read_cell(problems, sheet, coordinate, entry, parse, label=label, default=INHERIT)
    if value is INVALID or value is INHERIT:
        return value
    return setting.value_type(value) if setting.value_type is not None else value
