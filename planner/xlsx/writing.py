"""Writing cells safely and sizing columns: the pieces every workbook planner writes is built from.

`put` stores a value so that text stays text (never a formula, an error cell or a link), whatever
an input workbook held; `fit_columns` sets column widths from what the cells show. The scenario
writer (planner.workbook) and the output workbooks (planner.reports) both build on these.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from enum import Enum

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from planner.display import COEFFICIENT_CHANGE_FORMAT, COEFFICIENT_FORMAT
from planner.xlsx.blocks import BlockSheet, CellBlock, blocks_of, raw_cells

__all__ = [
    "COEFFICIENT",
    "COEFFICIENT_CHANGE",
    "COEFFICIENT_FINE",
    "COUNT",
    "FORMULA_STARTS",
    "ALIGNMENT_ID",
    "FILL_ID",
    "FIXED_FORMATS",
    "FRACTION_COUNT",
    "NUMBER_FORMAT_ID",
    "NumberFormats",
    "ShownNumber",
    "HEADER_ALIGNMENT",
    "HEADER_FILL",
    "HEADER_FONT",
    "HEADER_LINE_HEIGHT",
    "HOURS",
    "MAX_COLUMN_WIDTH",
    "MAX_ROW_HEIGHT",
    "MIN_COLUMN_WIDTH",
    "PEOPLE",
    "PEOPLE_CHANGE",
    "PERCENT",
    "SECONDS",
    "SECTION_FONT",
    "SHARE",
    "TITLE_FONT",
    "TOP",
    "WRAP_TOP",
    "column_width",
    "comment",
    "filled_cells",
    "fit_columns",
    "merged_cells",
    "merge",
    "put",
    "storable",
    "widest_number",
    "wrapped_lines",
]

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", start_color="305496", end_color="305496")
# One object per look, shared by every cell that has it: openpyxl hashes a new style object
# field by field to find its index, and finds a shared one at once (FastWorkbook).
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
TITLE_FONT = Font(bold=True, size=14)
SECTION_FONT = Font(bold=True, size=12)
MAX_COLUMN_WIDTH = 60
MIN_COLUMN_WIDTH = 8
HEADER_LINE_HEIGHT = 15.0  # points per wrapped header line
MAX_ROW_HEIGHT = 409.0  # points: Excel's largest row height
# Text starting with one of these is read as a formula (or DDE call) by some spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Number formats: the header names the unit (people, services, hours), the format the precision.
PEOPLE = "#,##0"
PEOPLE_CHANGE = "+#,##0;-#,##0;0"
# Coefficients: the one display rule of planner.display (4 decimals in tables).
COEFFICIENT = COEFFICIENT_FORMAT
COEFFICIENT_CHANGE = COEFFICIENT_CHANGE_FORMAT
COEFFICIENT_FINE = COEFFICIENT_FORMAT  # where small differences matter (sensitivity)
COUNT = "#,##0"  # services (count mode load)
HOURS = "#,##0"  # staff hours per year (hours mode load)
FRACTION_COUNT = "#,##0.00"  # services moved when services may be split
SHARE = "0%"
PERCENT = "0.0%"
SECONDS = "0.0"


def storable(text: str) -> str:
    """Text a workbook can hold: a file name that is not UTF-8 arrives decoded with lone
    surrogates (os.fsdecode), which no XML file can carry; its undecodable bytes are shown as
    U+FFFD, the replacement character."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a lone surrogate that no byte decoded to
            raw = text.encode("utf-8", "replace")
        return raw.decode("utf-8", "replace")
    return text


def put(cell: Cell, value: object) -> None:
    """Store a value in a cell; text always stays text, never a formula, error or link."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str):
        text: str = ILLEGAL_CHARACTERS_RE.sub("", storable(value))
        cell.value = text
        # openpyxl turns "=..." into a formula and "#N/A" into an error cell: force text.
        cell.data_type = "s"
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value


def comment(text: str) -> Comment:
    """A cell comment by `planner`, sized so that `text` shows without scrolling."""
    note = Comment(text, "planner")
    note.width = 320
    note.height = 40 + 18 * (len(text) // 45 + text.count("\n"))
    return note


def merge(ws: Worksheet, row: int, first_column: int, last_column: int) -> None:
    """Merge columns first..last (1-based) of one row, as ws.merge_cells does, without its
    check of the new range against every range already merged (a scan of them all: merging
    a national result's 900 prose rows one by one cost 0.7 s)."""
    if isinstance(ws, BlockSheet):  # the merged cells become ordinary cells first
        for column in range(first_column, last_column + 1):
            ws.promote(row, column)
    # MergedCellRange reads the sheet's cell dictionary: the one without the deferred rows.
    span = MergedCellRange(
        _CellsOf(ws),
        f"{get_column_letter(first_column)}{row}:{get_column_letter(last_column)}{row}",
    )
    span.ws = ws
    ranges = ws.merged_cells.ranges
    if span in ranges:
        return
    ranges.add(span)
    start = span.start_cell._style
    if start is not None and (start.borderId or start.protectionId):
        ws._clean_merge_range(span)  # openpyxl copies the borders and protection outwards
        return
    cells = raw_cells(ws)
    for column in range(first_column + 1, last_column + 1):  # hidden: MergedCells, as openpyxl's
        cells[row, column] = MergedCell(ws, row, column)


class _CellsOf:
    """What MergedCellRange reads of a sheet: its cells made so far, and `cell`."""

    def __init__(self, ws: Worksheet) -> None:
        self._cells = raw_cells(ws)
        self.cell = ws.cell


def wrapped_lines(text: str, width: float) -> int:
    """Lines `text` takes when its words wrap at `width` characters."""
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0
        for word in paragraph.split():
            if used and used + 1 + len(word) > width:
                lines += 1
                used = len(word)
            else:
                used += len(word) + (1 if used else 0)
    return max(lines, 1)


def filled_cells(ws: Worksheet) -> list[Cell]:
    """The cells of a sheet that hold a value, in no particular order.

    openpyxl's iter_rows creates a cell object for every blank position of the sheet's bounding
    box (830,000 on a national result, most of the time spent sizing its columns); the cells
    already made are its dictionary `_cells`, the one private name of openpyxl used here.
    """
    return [cell for cell in ws._cells.values() if cell._value is not None]


class NumberFormats:
    """Cells' number formats, looked up once per format id (openpyxl's number_format property
    costs a few microseconds a call, and sizing a national result asks it 300,000 times)."""

    def __init__(self) -> None:
        self._by_id: dict[int, str] = {}

    def __contains__(self, format_id: int) -> bool:
        return format_id in self._by_id

    def code(self, format_id: int) -> str:
        """The format of an id that `of` has already looked up."""
        return self._by_id[format_id] if format_id else "General"

    def of(self, cell: Cell) -> str:
        style = cell._style
        if not style:
            return "General"
        code = self._by_id.get(style.numFmtId)
        if code is None:
            code = self._by_id[style.numFmtId] = cell.number_format
        return code


def column_width(ws: Worksheet, column: int) -> float:
    """The width of a column (1-based), or Excel's default 8.43 when none is set."""
    width = ws.column_dimensions[get_column_letter(column)].width
    return width if width else 8.43


def _shown(value: object, number_format: str | None) -> str:
    """Roughly the text a spreadsheet shows for a value under a number format."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if number_format == COEFFICIENT_FINE:
        return f"{value:.4f}"
    if number_format in (COEFFICIENT, COEFFICIENT_CHANGE, FRACTION_COUNT):
        return f"{value:+,.2f}" if number_format == COEFFICIENT_CHANGE else f"{value:,.2f}"
    if number_format in (SHARE, PERCENT):
        return f"{value * 100:,.1f}%"
    if number_format in (PEOPLE, PEOPLE_CHANGE, COUNT, HOURS):
        return f"{value:+,.0f}" if number_format == PEOPLE_CHANGE else f"{value:,.0f}"
    if number_format == SECONDS:
        return f"{value:,.1f}"
    return f"{value:.6g}"


# Formats under which a number's shown text grows with its magnitude (fixed decimals): the
# widest of a column's numbers under one of them is its lowest or its highest.
FIXED_FORMATS = frozenset({
    COEFFICIENT, COEFFICIENT_CHANGE, COEFFICIENT_FINE, FRACTION_COUNT, SHARE, PERCENT, PEOPLE,
    PEOPLE_CHANGE, COUNT, HOURS, SECONDS,
})  # fmt: skip
_INFINITY = float("inf")
# Positions in openpyxl's StyleArray, read from its named descriptors: indexing the array is
# done in C, a descriptor is a Python call, and the width passes ask once per cell.
FILL_ID: int = StyleArray.__dict__["fillId"].key
NUMBER_FORMAT_ID: int = StyleArray.__dict__["numFmtId"].key
ALIGNMENT_ID: int = StyleArray.__dict__["alignmentId"].key
ShownNumber = Callable[[float, str], str]


def merged_cells(ws: Worksheet) -> set[tuple[int, int]]:
    """(row, column) of every cell inside a merged range of `ws`, its top left included."""
    return {
        (r, c)
        for span in ws.merged_cells.ranges
        for r in range(span.min_row, span.max_row + 1)
        for c in range(span.min_col, span.max_col + 1)
    }


def _in_rows(block: CellBlock, rows: set[int]) -> bool:
    """Whether one of `rows` has deferred cells of `block`."""
    return any(block.holds(row, block.left) for row in rows)


def _long_texts(ws: Worksheet, block: CellBlock, offset: int) -> list[Cell]:
    """The deferred texts of a column of `block` too wide for a column, made cells."""
    found = []
    column = block.left + offset
    for index, values in enumerate(block.rows):
        if values is not None and type(value := values[offset]) is str:
            if len(value) + 2 > MAX_COLUMN_WIDTH:
                ws.promote(block.top + index, column)
                found.append(raw_cells(ws)[block.top + index, column])
    return found


def widest_number(values: Sequence[float], number_format: str, shown: ShownNumber) -> int:
    """The length of the widest of `values` as `shown` under a fixed-decimals format: that of
    the lowest or of the highest (a longer text has a larger magnitude)."""
    return max(len(shown(min(values), number_format)), len(shown(max(values), number_format)))


def fit_columns(
    ws: Worksheet,
    *,
    header_rows: Sequence[int] = (1,),
    minimum: Mapping[int, float] | None = None,
) -> None:
    """Set column widths from what the cells show (numbers as formatted, not as raw floats).

    Header cells count by their longest word, since headers wrap; merged cells (titles, prose)
    do not count at all. Header rows get a height that shows their wrapped lines.
    """
    widths: dict[int, float] = dict(minimum or {})
    header_set = set(header_rows)
    if any(_in_rows(block, header_set) for block in blocks_of(ws)):
        ws.materialise()  # a header row among deferred rows: read every cell as a cell

    def widen(column: int, width: float) -> None:
        current = widths.get(column)
        if current is None:
            widths[column] = max(width, MIN_COLUMN_WIDTH)
        elif width > current:
            widths[column] = width

    headers: dict[int, list[Cell]] = {}
    merged = merged_cells(ws)
    long_text: list[Cell] = []
    formats = NumberFormats()
    # (column, number format id) -> the numbers under a fixed-decimals format
    numbers: defaultdict[tuple[int, int], list[float]] = defaultdict(list)
    fixed: dict[int, bool] = {}  # number format id -> a fixed-decimals format
    for (row, column), cell in raw_cells(ws).items():
        value = cell._value
        if value is None or (merged and (row, column) in merged):
            continue
        if row in header_set:
            text = str(value)
            longest_word = max((len(w) for w in text.split()), default=0)
            need = max(longest_word, min(len(text), 14))
            headers.setdefault(row, []).append(cell)
        else:
            kind = type(value)
            if kind is str:
                text = value
            elif (kind is float or kind is int) and -_INFINITY < value < _INFINITY:
                style = cell._style
                format_id = style[NUMBER_FORMAT_ID] if style else 0
                is_fixed = fixed.get(format_id)
                if is_fixed is None:
                    is_fixed = fixed[format_id] = formats.of(cell) in FIXED_FORMATS
                if is_fixed:
                    numbers[column, format_id].append(value)
                    continue
                text = _shown(value, formats.of(cell))
            else:
                text = _shown(value, formats.of(cell))
            need = max(len(line) for line in text.split("\n")) if "\n" in text else len(text)
            if need + 2 > MAX_COLUMN_WIDTH:
                long_text.append(cell)
        widen(column, need + 2)
    for (column, format_id), values in numbers.items():
        widen(column, widest_number(values, formats.code(format_id), _shown) + 2)
    for block in blocks_of(ws):  # deferred rows, a column at a time (as the cells above)
        for offset, number_format in enumerate(block.formats):
            column, code = block.left + offset, number_format or "General"
            kept = block.column(offset)
            texts = [len(v) for v in kept if type(v) is str]
            found = [v for v in kept if type(v) is not str and v is not None]
            if texts:
                widen(column, max(texts) + 2)
                if max(texts) + 2 > MAX_COLUMN_WIDTH:
                    long_text += _long_texts(ws, block, offset)
            if not found:
                continue
            if code in FIXED_FORMATS:
                widen(column, widest_number(found, code, _shown) + 2)
            else:
                widen(column, max(len(_shown(v, code)) for v in found) + 2)
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(width, MAX_COLUMN_WIDTH)
    for cell in long_text:  # wider than the widest column: wrap rather than cut it off
        cell.alignment = WRAP_TOP
    for row, cells in headers.items():
        # Bold header text is about as wide as the '0' of a width unit; keep a margin of one.
        lines = max(wrapped_lines(str(c.value), column_width(ws, c.column) - 1.5) for c in cells)
        ws.row_dimensions[row].height = min(HEADER_LINE_HEIGHT * lines + 2, MAX_ROW_HEIGHT)
