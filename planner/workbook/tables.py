"""Sheets as tables: the header row, the data rows, and cells parsed with their problems recorded.

The building blocks of validation, shared by the sheet readers: `read_table` finds the header row
and checks the table's shape (merged cells, duplicate or unknown columns), `read_cell` parses one
cell or records why it cannot, `IdIndex` and `Spelling` catch ids and names that differ only in
case. Problems are collected, never raised, so that one pass reports everything.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import methodcaller
from typing import Any

from planner.checks import RANGES, range_problem
from planner.domain import char_name, shown, skeleton
from planner.errors import Problem, ProblemCode, Severity
from planner.i18n import _, pgettext
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
    normalised_headers,
)
from planner.workbook.nearmiss import near_miss
from planner.xlsx import reading as xlsx_reading
from planner.xlsx.ooxml import column_letters as get_column_letter
from planner.xlsx.ooxml import range_last_row
from planner.xlsx.reading import HEADER_SEARCH_ROWS, MAX_BLANK_RUN, RawSheet

INVALID: Any = object()  # a cell that could not be read; its problem is already recorded


class Problems:
    """The errors and warnings found so far."""

    def __init__(self) -> None:
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        # (kind of name, name as read) -> (first spelling as typed, its sheet and cell)
        self._spellings: dict[tuple[str, str], tuple[str, str, str]] = {}
        self._spellings_warned: set[tuple[str, str]] = set()

    def error(self, sheet: str, cell: str, value: object, expected: str, code: ProblemCode) -> None:
        self.errors.append(Problem(sheet, cell, _shown(value), expected, code, Severity.ERROR))

    def warn(self, sheet: str, cell: str, value: object, expected: str, code: ProblemCode) -> None:
        self.warnings.append(Problem(sheet, cell, _shown(value), expected, code, Severity.WARNING))

    def note_spelling_at(
        self, kind: str, sheet: str, letters: str, row: int, typed: str, name: str, label: str
    ) -> None:
        """note_spelling with the cell named by its column letters and row, the text built only
        when it is needed."""
        first = self._spellings.get((kind, name))
        if first is None:
            self._spellings[(kind, name)] = (typed, sheet, f"{letters}{row}")
        elif first[0] != typed:
            self.note_spelling(kind, sheet, f"{letters}{row}", typed, name, label)

    def note_spelling(
        self, kind: str, sheet: str, cell: str, typed: str, name: str, label: str
    ) -> None:
        """Remember how a name (`name`, normalised) was typed; warn, naming both cells, the first
        time another spelling that normalises to the same name is met."""
        first, first_sheet, first_cell = self._spellings.setdefault(
            (kind, name), (typed, sheet, cell)
        )
        if first != typed and (kind, typed) not in self._spellings_warned:
            location = f"{first_sheet}!{first_cell}"
            self._spellings_warned.add((kind, typed))
            self.warn(
                sheet,
                cell,
                None,
                _(
                    "{label} {value1} is typed differently from {value2} ({location}) but is the same once Unicode forms and spaces are normalised: both are read as {name!r}"
                ).format(
                    label=label,
                    value1=shown(typed),
                    value2=shown(first),
                    location=location,
                    name=name,
                ),
                ProblemCode.SPELLING_NORMALISED,
            )


# The kind of name each id column holds: spellings are compared within a kind.
NAME_KINDS = {
    "unitid": "unit",
    "parent": "unit",
    "group": "group",
    "skill": "skill",
    "serviceid": "service",
}


def _shown(value: object) -> object:
    """The value found as a planner would read it: dates as 2024-01-05, not datetime(...)."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return _duration(value)
    return value


def _duration(value: dt.timedelta) -> str:
    """A duration as Excel shows [h]:mm:ss: 36:30:00, not datetime.timedelta(days=1, ...)."""
    seconds = round(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"


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
            for value, kind in cells.values()
            if kind != "x" and isinstance(value, str) and normalise_header(value) in known
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
    _report_bad_cells(raw, problems)
    if raw.content_below is not None:
        problems.error(
            name,
            "",
            None,
            _(
                "there is a value in row {raw.content_below}, more than {MAX_BLANK_RUN:,} blank rows below the table: delete it or move it up"
            ).format(raw=raw, MAX_BLANK_RUN=MAX_BLANK_RUN),
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
            _(
                "no header row found in the {name} sheet: row 1 must hold the column names (such as {expected})"
            ).format(name=name, expected=expected),
            ProblemCode.MISSING_HEADERS,
        )
        return None
    header_row = found[0]
    if header_row != 1:
        problems.warn(
            name,
            f"A{header_row}",
            None,
            _(
                "the column headers are on row {header_row}, not row 1; the rows above are ignored"
            ).format(header_row=header_row),
            ProblemCode.HEADER_ROW_MOVED,
        )
    for merged in raw.merged:
        try:
            last_row = range_last_row(merged)
        except (TypeError, ValueError):
            continue
        if last_row is not None and last_row >= header_row:
            problems.error(
                name,
                merged,
                None,
                _(
                    "merged cells {merged} are ambiguous in a table: unmerge them and fill every cell"
                ).format(merged=merged),
                ProblemCode.MERGED_CELLS,
            )

    header_cells = next(cells for number, cells in raw.rows if number == header_row)
    data_rows = [(n, cells) for n, cells in raw.rows if n > header_row]
    if raw.too_many_rows or len(data_rows) > xlsx_reading.MAX_DATA_ROWS:
        problems.error(
            name,
            "",
            None,
            _(
                "the {name} sheet has more than {xlsx_reading.MAX_DATA_ROWS:,} data rows; it was not read"
            ).format(name=name, xlsx_reading=xlsx_reading),
            ProblemCode.SHEET_TOO_LARGE,
        )
    outside = _blocks_beside(raw, header_row, header_cells, data_rows, known_keys, problems)
    data_rows = _rows_before_a_second_table(
        raw, header_row, header_cells, data_rows, known_keys, problems
    )
    columns: dict[str, int] = {}
    for column_number in sorted(header_cells):
        value, kind = header_cells[column_number]
        if kind == "x":
            continue
        key = normalise_header(value) if isinstance(value, str) else normalise_header(str(value))
        coordinate = f"{get_column_letter(column_number)}{header_row}"
        if column_number in outside and key in known_keys:
            continue  # a column of a second table: refused above, never read
        if key in columns:
            first = f"{get_column_letter(columns[key])}{header_row}"
            problems.error(
                name,
                coordinate,
                value,
                _("the column {value1} appears twice ({first} and {coordinate}): keep one").format(
                    value1=clean_text(str(value)), first=first, coordinate=coordinate
                ),
                ProblemCode.DUPLICATE_COLUMN,
            )
        elif key in known_keys:
            columns[key] = column_number
            if raw.column_hidden(column_number):
                letter = get_column_letter(column_number)
                problems.error(
                    name,
                    coordinate,
                    value,
                    _(
                        "column {letter} ({value1}) is hidden: unhide it, or delete it if it is not part of the scenario (what is read must be what you see)"
                    ).format(letter=letter, value1=clean_text(str(value))),
                    ProblemCode.HIDDEN_CELLS,
                )
        else:
            problems.warn(
                name, coordinate, value, _("unknown column, ignored"), ProblemCode.UNKNOWN_COLUMN
            )
    _report_hidden_rows(raw, header_row, data_rows, problems)
    unnamed = sorted(
        {c for _, cells in data_rows for c in cells if c not in header_cells and c not in outside}
    )
    for column_number in unnamed:
        letter = get_column_letter(column_number)
        problems.warn(
            name,
            f"{letter}{header_row}",
            None,
            _("column {letter} has values but no header; it is ignored").format(letter=letter),
            ProblemCode.UNNAMED_COLUMN,
        )
    return Table(name, header_row, columns, data_rows)


def _report_bad_cells(raw: RawSheet, problems: Problems) -> None:
    """Cells whose stored value breaks the file format's rules, each named (at most 20)."""
    for coordinate, why in raw.bad_cells[:20]:
        problems.error(
            raw.title,
            coordinate,
            None,
            _(
                "{why}: the file was not saved by Excel or is damaged; retype the cell in Excel or LibreOffice and save the file again"
            ).format(why=why),
            ProblemCode.BAD_CELL_XML,
        )
    if len(raw.bad_cells) > 20:
        problems.error(
            raw.title,
            "",
            None,
            _("{value1:,} more cells break the file format").format(value1=len(raw.bad_cells) - 20),
            ProblemCode.BAD_CELL_XML,
        )


def _runs(numbers: Iterable[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs


def _report_hidden_rows(
    raw: RawSheet, header_row: int, data_rows: list, problems: Problems
) -> None:
    """Hidden rows holding values in the table (the header row or data rows) are refused, one
    error per run of rows: a person reading the sheet does not see them."""
    for row, column in raw.invisible_cells:
        if row >= header_row:
            problems.error(
                raw.title,
                f"{get_column_letter(column)}{row}",
                None,
                _(
                    "the cell's number format (such as ;;;) hides its value: give it a visible format, or clear it if it is not part of the scenario (what is read must be what you see)"
                ),
                ProblemCode.HIDDEN_CELLS,
            )
    hidden = [n for n in raw.hidden_rows if n >= header_row]
    for first, last in _runs(hidden):
        if first == last:
            rows, them = (
                _("row {first} is hidden but holds").format(first=first),
                _("it, or delete it if it is"),
            )
        else:
            rows, them = (
                _("rows {first} to {last} are hidden but hold").format(first=first, last=last),
                _("them, or delete them if they are"),
            )
        problems.error(
            raw.title,
            f"{first}:{last}",
            None,
            _(
                "{rows} values: unhide {them} not part of the scenario (what is read must be what you see)"
            ).format(rows=rows, them=them),
            ProblemCode.HIDDEN_CELLS,
        )


def _blocks_beside(
    raw: RawSheet,
    header_row: int,
    header_cells: dict[int, tuple[object, str]],
    data_rows: list[tuple[int, dict[int, tuple[object, str]]]],
    known: set[str],
    problems: Problems,
) -> set[int]:
    """The columns of blocks beside the table (separated from it by an empty column). A block
    whose headers name columns of this sheet is read as part of the table only when its values
    sit on exactly the table's rows (with a warning); otherwise it is a second table and refused
    (it would supply those columns). A block naming none of them is ignored with a warning.
    Returns the columns outside the table."""
    occupied = set(header_cells) | {c for _, cells in data_rows for c in cells}
    blocks = _runs(occupied)
    if len(blocks) < 2:
        return set()

    def known_in(block: tuple[int, int]) -> dict[int, str]:
        return {
            c: normalise_header(str(header_cells[c][0]))
            for c in range(block[0], block[1] + 1)
            if c in header_cells
            and header_cells[c][1] != "x"
            and normalise_header(str(header_cells[c][0])) in known
        }

    def rows_of(block: tuple[int, int]) -> set[int]:
        return {n for n, cells in data_rows if any(block[0] <= c <= block[1] for c in cells)}

    main = max(blocks, key=lambda b: (len(known_in(b)), -b[0]))
    in_main = set(known_in(main).values())
    main_rows = rows_of(main)
    outside: set[int] = set()
    for block in blocks:
        if block == main:
            continue
        if known_in(block) and rows_of(block) == main_rows:
            # Its values sit on exactly the table's rows: the same table with empty columns in
            # between (a column moved to the right); read, and said.
            first = get_column_letter(block[0])
            problems.warn(
                raw.title,
                f"{first}{header_row}",
                None,
                _(
                    "columns {first} to {value1} are separated from the rest of the table by empty columns; they are read as part of it, row by row"
                ).format(first=first, value1=get_column_letter(block[1])),
                ProblemCode.SECOND_TABLE,
            )
            continue
        # A header repeating one of the table's is left in: it is reported as a duplicate column.
        repeats = {c for c, key in known_in(block).items() if key in in_main}
        columns = range(block[0], block[1] + 1)
        outside.update(c for c in columns if c not in repeats)
        last_row = max(
            [header_row] + [n for n, cells in data_rows if any(c in cells for c in columns)]
        )
        where = f"{get_column_letter(block[0])}{header_row}:{get_column_letter(block[1])}{last_row}"
        names = [clean_text(str(header_cells[c][0])) for c in known_in(block) if c not in repeats]
        if repeats and not names:
            continue
        if names:
            listed = ", ".join(names)
            problems.error(
                raw.title,
                where,
                None,
                _(
                    "a second table beside the {raw.title} table ({where}) has the column {listed}, which would be read as part of it: keep one table per sheet (move the second table to its own sheet)"
                ).format(raw=raw, where=where, listed=listed),
                ProblemCode.SECOND_TABLE,
            )
        else:
            problems.warn(
                raw.title,
                where,
                None,
                _("a second table beside the {raw.title} table ({where}) is ignored").format(
                    raw=raw, where=where
                ),
                ProblemCode.SECOND_TABLE,
            )
    return outside


def _rows_before_a_second_table(
    raw: RawSheet,
    header_row: int,
    header_cells: dict[int, tuple[object, str]],
    data_rows: list[tuple[int, dict[int, tuple[object, str]]]],
    known: set[str],
    problems: Problems,
) -> list[tuple[int, dict[int, tuple[object, str]]]]:
    """The data rows above a second table below the first, which is refused: a row holding two
    or more of this sheet's column names, or, after a blank row, one repeated in its own column,
    starts a second table."""
    # A row can start a second table only if one of its text cells names a column of this sheet.
    # Each distinct text is normalised once (a national Services sheet has 400,000 text cells,
    # far fewer distinct ones); when none names a column, no row can, and the rows stand.
    texts_met = {
        value
        for _, cells in data_rows
        for value, kind in cells.values()
        if kind == "s" and isinstance(value, str)
    }
    if known.isdisjoint(normalised_headers(texts_met)):
        return data_rows
    header_keys = {
        c: normalise_header(str(v)) for c, (v, kind) in header_cells.items() if kind != "x"
    }
    previous = header_row
    for index, (row_number, cells) in enumerate(data_rows):
        texts = {
            c: normalise_header(v)
            for c, (v, kind) in cells.items()
            if kind == "s" and isinstance(v, str)
        }
        named = [c for c, key in texts.items() if key in known]
        repeated = [c for c in named if header_keys.get(c) == texts[c]]
        if len(named) >= 2 or (repeated and row_number > previous + 1):
            names = ", ".join(clean_text(str(cells[c][0])) for c in sorted(named))
            problems.error(
                raw.title,
                f"A{row_number}",
                None,
                _(
                    "row {row_number} starts a second table below the first (it holds the column names {names}): keep one table per sheet (move the second table to its own sheet)"
                ).format(row_number=row_number, names=names),
                ProblemCode.SECOND_TABLE,
            )
            return data_rows[:index]
        previous = row_number
    return data_rows


def require_columns(
    table: Table, keys: Iterable[str], sheet: SheetFormat, problems: Problems, reason: str = ""
) -> bool:
    """Record an error for each missing required column; True when all are there."""
    ok = True
    for key in keys:
        if not table.has(key):
            header = sheet.column(key).label
            problems.error(
                table.sheet,
                "",
                None,
                _("the {table.sheet} sheet has no {header} column{reason}").format(
                    table=table, header=header, reason=reason
                ),
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


_UNREAD: Any = object()  # what a quick reader returns for a cell it leaves to read_cell


def quick_reader(kind: Kind, key: str) -> Callable[[tuple[object, str] | None], Any] | None:
    """For the cells of a column of this kind, the common clean cell read without read_cell: a
    number the sheet stores as one, within the kind's rule and the key's range, (ids) plain
    ASCII text with nothing to trim or collapse, or (text) text with nothing to trim. It returns exactly what read_cell and the range
    check would give such a cell, and _UNREAD for every other cell (which then takes the full
    path, with its problem recorded). None when the kind has no quick reader."""
    if kind is Kind.ID:

        def read_id(entry: tuple[object, str] | None) -> Any:
            if entry is None or entry[1] != "s":
                return _UNREAD
            text = entry[0]
            if (
                type(text) is str
                and text.isascii()
                and text.isprintable()
                and "  " not in text
                and text.strip() == text
                and text
            ):
                return text  # parse_id: clean_text, no invisible mark, normalise_name, one script
            return _UNREAD

        return read_id
    if kind in (Kind.TEXT, Kind.LIST):  # parser_for's parse_text

        def read_text(entry: tuple[object, str] | None) -> Any:
            if entry is None or entry[1] != "s":
                return _UNREAD
            text = entry[0]
            if type(text) is str and text and clean_text(text) == text:
                return text  # parse_text: clean_text(text), which is text itself
            return _UNREAD

        return read_text
    if kind not in (Kind.WHOLE, Kind.NUMBER, Kind.POSITIVE, Kind.SHARE):
        return None
    whole, share, positive = kind is Kind.WHOLE, kind is Kind.SHARE, kind is Kind.POSITIVE
    limit = RANGES.get(key)
    most = limit.most if limit is not None and limit.most is not None else math.inf
    least = limit.least if limit is not None and limit.least is not None else 0.0

    def read_number(entry: tuple[object, str] | None) -> Any:
        if entry is None:
            return _UNREAD
        value = entry[0]
        kind_of = type(value)
        if kind_of is not int and kind_of is not float:
            return _UNREAD
        number = float(value)  # type: ignore[arg-type]
        # parse_number's clean case, then range_problem's two limits (most, and least above 0)
        if (
            0 <= number < math.inf
            and not (share and number > 1)
            and not (positive and number == 0)
            and not (whole and not number.is_integer())
            and number <= most
            and not (0 < number < least)
        ):
            return int(number) if whole else number
        return _UNREAD

    return read_number


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
    if data_type == "x":  # breaks the file format: reported with the sheet (_report_bad_cells)
        return INVALID
    if data_type == "f":
        problems.error(
            sheet,
            coordinate,
            None,
            _(
                "{label} is a formula whose result was never saved: open the file in Excel or LibreOffice, let it calculate and save it again (or type the value)"
            ).format(label=label),
            ProblemCode.FORMULA_NO_VALUE,
        )
        return INVALID
    if data_type == "e":
        problems.error(
            sheet,
            coordinate,
            value,
            _("{label} shows the Excel error {value}: fix the formula or type the value").format(
                label=label, value=value
            ),
            ProblemCode.ERROR_CELL,
        )
        return INVALID
    if is_blank(value):
        if required:
            problems.error(
                sheet,
                coordinate,
                None,
                _("{label} is required here").format(label=label),
                ProblemCode.BLANK_REQUIRED,
            )
            return INVALID
        return default
    try:
        return parse(value)
    except CellError as error:
        problems.error(sheet, coordinate, value, error.expected, error.code)
        return INVALID


class RowCells(Mapping[str, str]):
    """The coordinate of each column's cell in one row ("C17"), built only when a message or a
    check asks for it: a national Services sheet has nearly a million cells, few of them named."""

    __slots__ = ("_letters", "_row")

    def __init__(self, letters: dict[str, str], row: int) -> None:
        self._letters = letters  # column key -> column letters, shared by the table's rows
        self._row = row

    def __getitem__(self, key: str) -> str:
        return f"{self._letters[key]}{self._row}"

    def __iter__(self) -> Iterator[str]:
        return iter(self._letters)

    def __len__(self) -> int:
        return len(self._letters)


class RowRaw(Mapping[str, object]):
    """Each column's value as read from the sheet (None when blank), looked up on demand."""

    __slots__ = ("_columns", "_cells")

    def __init__(self, columns: dict[str, int], cells: dict[int, tuple[object, str]]) -> None:
        self._columns = columns  # column key -> column number, shared by the table's rows
        self._cells = cells

    def __getitem__(self, key: str) -> object:
        entry = self._cells.get(self._columns[key])
        return None if entry is None else entry[0]

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)


@dataclass(slots=True)
class Record:
    """One data row: parsed values by column key, and the coordinate of each column's cell."""

    row: int
    values: dict[str, Any]
    cells: Mapping[str, str]
    raw: Mapping[str, object] = field(default_factory=dict)

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
    # Everything that depends on the column only is worked out once, not once per cell: the
    # label (a catalogue look-up), the parser, the column letters.
    present = [
        (
            column,
            column.key,
            table.columns[column.key],
            None if column.key in skipped else parser_for(column.kind, column.label),
            column.required or column.key in also_required,
            column.label,
            NAME_KINDS.get(column.key, column.key) if column.kind is Kind.ID else None,
        )
        for column in sheet.columns
        if column.key in table.columns
    ]
    letters = {key: get_column_letter(index) for _, key, index, *_ in present}
    columns = {key: index for _, key, index, *_ in present}
    name = table.sheet
    rows = table.rows
    parsed = [
        (key, index, parse, is_required, label, name_kind, quick_reader(column.kind, key))
        for column, key, index, parse, is_required, label, name_kind in present
        if parse is not None
    ]
    # Column by column, the cells that read cleanly: no problem recorded, and (ids) only their
    # spelling to note, which is done below in the rows' order. A cell is clean when a quick
    # reader takes it, or when its stored value, read once on a scratch list of problems, gives
    # none: values repeat (a national Services sheet has nearly a million cells, far fewer
    # distinct ones). Every other cell is read in full below, in the rows' order, each problem
    # recorded at its own coordinate.
    column_entries: list[list[tuple[object, str] | None]] = []
    column_values: list[list[Any]] = []
    scratch = Problems()  # where a cell read on trial records its problems (then dropped)
    row_cells = [cells for _, cells in rows]
    for key, index, parse, is_required, label, _kind, quick in parsed:

        def trial(entry: tuple[object, str] | None) -> Any:
            """The value of a cell read on trial; _UNREAD when it has a problem."""
            value = _read_one(scratch, name, "", entry, parse, label, is_required, key)  # noqa: B023
            found = scratch.errors
            scratch.errors = []
            return _UNREAD if found or value is INVALID else value

        entries = list(map(methodcaller("get", index), row_cells))
        values: list[Any] | None = None
        if quick is not None:
            blank = trial(None)  # a blank cell: its default, or an error where it is required
            blanks = entries.count(None)
            if blanks == len(entries):  # a column left blank (the ranges, often)
                values = [blank] * blanks
            else:
                values = list(map(quick, entries))  # _UNREAD for a blank cell
                if blanks:
                    values = [
                        blank if entry is None else value
                        for entry, value in zip(entries, values, strict=True)
                    ]
            unread = (
                {e for e, v in zip(entries, values, strict=True) if v is _UNREAD}
                if _UNREAD in values
                else set()
            )
            unread.discard(None)  # tried above
        else:
            unread = set(entries)
        clean: dict[tuple[object, str] | None, Any] = {}
        for entry in unread:
            if _rereadable(entry):
                value = trial(entry)
                if value is not _UNREAD:
                    clean[entry] = value
        if values is None or clean:
            # A yes/no value equals 0 or 1 (and hashes alike) but reads otherwise: never looked
            # up (a set of a column's cells may have kept the 0 or 1 for it).
            if values is None:
                values = [_UNREAD] * len(entries)
            values = [
                clean.get(entry, _UNREAD)
                if value is _UNREAD and (entry is None or type(entry[0]) is not bool)
                else value
                for entry, value in zip(entries, values, strict=True)
            ]
        column_entries.append(entries)
        column_values.append(values)
    keys = [key for key, *_ in parsed]
    row_values = list(zip(*column_values, strict=True)) if parsed else [()] * len(rows)
    # The cells left, read in full in the rows' order (their problems in that order).
    for position, values_of_row in enumerate(row_values):
        if _UNREAD not in values_of_row:
            continue
        row_number = rows[position][0]
        fixed = list(values_of_row)
        for at, (key, _index, parse, is_required, label, _kind, _quick) in enumerate(parsed):
            if fixed[at] is _UNREAD:
                fixed[at] = _read_one(
                    problems, name, f"{letters[key]}{row_number}", column_entries[at][position],
                    parse, label, is_required, key,
                )  # fmt: skip
        row_values[position] = tuple(fixed)
    # The spelling of each id read, in the rows' order (a warning names the first spelling).
    ids = [
        (at, key, name_kind, label)
        for at, (key, _i, _p, _r, label, name_kind, _q) in enumerate(parsed)
        if name_kind is not None
    ]
    if ids:
        # Per id column, the texts noted already: only the first note of a text does anything
        # (it is the name's first spelling then, or warned about once), so each is noted once.
        quiet: list[set[str]] = [set() for _ in ids]
        for position, values_of_row in enumerate(row_values):
            for (at, key, name_kind, label), same in zip(ids, quiet, strict=True):
                value = values_of_row[at]
                if isinstance(value, str):
                    entry = column_entries[at][position]
                    if entry is not None and isinstance(entry[0], str):
                        typed = entry[0]
                        if typed in same:
                            continue
                        typed = typed if typed is value else clean_text(typed)
                        problems.note_spelling_at(
                            name_kind, name, letters[key], rows[position][0], typed, value, label,
                        )  # fmt: skip
                        same.add(entry[0])
    return [
        Record(
            row_number,
            dict(zip(keys, values_of_row, strict=True)),
            RowCells(letters, row_number),
            RowRaw(columns, cells),
        )
        for (row_number, cells), values_of_row in zip(rows, row_values, strict=True)
    ]


def _read_one(
    problems: Problems,
    sheet: str,
    coordinate: str,
    entry: tuple[object, str] | None,
    parse: Callable[[object], Any],
    label: str,
    required: bool,
    key: str,
) -> Any:
    """One cell read by read_cell and checked against its key's range (INVALID, the problem
    recorded, when it breaks either)."""
    value = read_cell(problems, sheet, coordinate, entry, parse, label=label, required=required)
    if isinstance(value, int | float) and not isinstance(value, bool):
        reason = range_problem(key, label, value)
        if reason is not None:
            problems.error(
                sheet, coordinate, entry[0] if entry else None, reason, ProblemCode.OUT_OF_RANGE
            )
            return INVALID
    return value


def _rereadable(entry: tuple[object, str] | None) -> bool:
    """Whether a cell equal to this one reads the same (a value equal to another of another type,
    such as 1 and 1.0 or a date and a datetime, is not taken for it)."""
    if entry is None:
        return True
    kind = type(entry[0])
    return kind is str or kind is int or kind is float


# --- ids --------------------------------------------------------------------------------------

FORBIDDEN_IN_UNIT_ID = (";", "=", ":")
FORBIDDEN_IN_ID = (";", "=")


def check_id_characters(
    problems: Problems, sheet: str, cell: str, value: str, label: str, forbidden: tuple[str, ...]
) -> bool:
    """Ids may not hold the separators of the Eligible units and Scenarios mini-languages."""
    for ch in forbidden:  # a loop, not any(...): 100,000 ids on a national workbook
        if ch in value:
            break
    else:
        return True
    problems.error(
        sheet,
        cell,
        value,
        _("{label} may not contain {value1} (they separate ids in lists)").format(
            label=label, value1=" or ".join(repr(ch) for ch in forbidden)
        ),
        ProblemCode.ID_CHARACTER,
    )
    return False


class IdIndex:
    """Ids of one kind with the cell each was defined in; finds near misses (case, spaces)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.cells: dict[str, str] = {}  # id -> "Units!A3"
        self._folded: dict[str, str] = {}  # casefolded id -> id
        self._looks: dict[str, str] = {}  # skeleton (look-alike letters as Latin) -> id

    def add(self, problems: Problems, sheet: str, cell: str, value: str, label: str) -> bool:
        """Register an id; record a duplicate-id error and return False if it is taken."""
        location = f"{sheet}!{cell}"
        folded = value.casefold()
        if value in self.cells:
            problems.error(
                sheet,
                cell,
                value,
                _(
                    "{label} {value!r} appears twice: {value1} and {location}; ids must be unique"
                ).format(label=label, value=value, value1=self.cells[value], location=location),
                ProblemCode.DUPLICATE_ID,
            )
            return False
        if folded in self._folded:
            other = self._folded[folded]
            problems.error(
                sheet,
                cell,
                value,
                _(
                    "{label} {value!r} differs only in case from {other!r} ({value1}); ids must be unique"
                ).format(label=label, value=value, other=other, value1=self.cells[other]),
                ProblemCode.DUPLICATE_ID,
            )
            return False
        looks = folded if value.isascii() else skeleton(value)  # skeleton's ASCII case
        if looks in self._looks:
            other = self._looks[looks]
            problems.error(
                sheet,
                cell,
                value,
                _(
                    "{label} {value!r} looks the same as {other!r} ({value1}) but is spelt with letters of another alphabet ({value2}); ids must be told apart by eye"
                ).format(
                    label=label,
                    value=value,
                    other=other,
                    value1=self.cells[other],
                    value2=_lookalikes(value, other),
                ),
                ProblemCode.CONFUSABLE,
            )
            return False
        self.cells[value] = location
        self._folded[folded] = value
        self._looks[looks] = value
        return True

    def __contains__(self, value: object) -> bool:
        return value in self.cells

    def hint(self, value: str) -> str:
        """' (did you mean 'D05', Units!A6?)' for a near miss (case, or look-alike letters of
        another alphabet, which are named; else spaces, O/0, l/1 or one or two edits:
        planner.workbook.nearmiss), else ''."""
        text = clean_text(value)
        near = self._folded.get(text.casefold())
        if near:
            return _(" (did you mean {near!r}, {value1}?)").format(
                near=near, value1=self.cells[near]
            )
        near = self._looks.get(skeleton(text))
        if near:
            return _(" (did you mean {near!r}, {value1}? this one is spelt with {value2})").format(
                near=near, value1=self.cells[near], value2=_lookalikes(text, near)
            )
        near = near_miss(text, self.cells)
        return (
            _(" (did you mean {near!r}, {value1}?)").format(near=near, value1=self.cells[near])
            if near
            else ""
        )

    def unknown(self, value: str) -> str:
        return _("{value!r} is not a {what} of this workbook{value1}").format(
            value=value, what=pgettext("noun", self.what), value1=self.hint(value)
        )


def _lookalikes(value: str, other: str) -> str:
    """The look-alike letters that tell `value` from `other`, named ('U+0421 CYRILLIC CAPITAL
    LETTER ES'): of each pair of letters that differ, the one that is not plain Latin."""
    letters: list[str] = []
    for a, b in zip(value, other, strict=False):
        if a != b and a.casefold() != b.casefold():
            letters.extend(ch for ch in (a, b) if not ch.isascii())
    return ", ".join(dict.fromkeys(char_name(ch) for ch in letters)) or _("other letters")


class Spelling:
    """Names compared by exact text (groups, skills), after the one normalisation of ids: a second
    spelling differing only in case, or only by look-alike letters of another alphabet, is an
    error, because it would silently make two groups or skills."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.first: dict[str, tuple[str, str]] = {}  # skeleton -> (spelling, location)
        self._clean: set[str] = set()  # names met that are their skeleton's first spelling

    def check(self, problems: Problems, sheet: str, cell: str, value: str) -> None:
        if value in self._clean:  # met before and written as its first spelling: nothing to say
            return
        spelling, location = self.first.setdefault(skeleton(value), (value, f"{sheet}!{cell}"))
        if spelling == value:
            self._clean.add(value)
            return
        if spelling.casefold() == value.casefold():
            problems.error(
                sheet,
                cell,
                value,
                _(
                    "{what} {value!r} differs only in case from {spelling!r} ({location}): write it the same way everywhere"
                ).format(
                    what=pgettext("header", self.what),
                    value=value,
                    spelling=spelling,
                    location=location,
                ),
                ProblemCode.CASE_MISMATCH,
            )
        else:
            problems.error(
                sheet,
                cell,
                value,
                _(
                    "{what} {value!r} looks the same as {spelling!r} ({location}) but is spelt with letters of another alphabet ({value1}): write it the same way everywhere"
                ).format(
                    what=pgettext("header", self.what),
                    value=value,
                    spelling=spelling,
                    location=location,
                    value1=_lookalikes(value, spelling),
                ),
                ProblemCode.CONFUSABLE,
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
    label = _("The setting {setting.name!r}").format(setting=setting)
    if entry is not None and isinstance(entry[0], str):
        if clean_text(entry[0]).casefold() in NONE_WORDS:
            if setting.field in OPTIONAL_SETTING_FIELDS:
                return None
    parse = parser_for(setting.kind, label, setting.choices)
    value = read_cell(problems, sheet, coordinate, entry, parse, label=label, default=INHERIT)
    if value is INVALID or value is INHERIT:
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        reason = range_problem(setting.key, label, value)
        if reason is not None:
            problems.error(
                sheet, coordinate, entry[0] if entry else None, reason, ProblemCode.OUT_OF_RANGE
            )
            return INVALID
    return setting.value_type(value) if setting.value_type is not None else value
