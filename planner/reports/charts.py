"""Presentation helpers for output workbooks: named tables, number formats, widths and bar charts.

The result workbook (planner.reports.result_workbook) and the comparison and frontier workbooks build their sheets
from these pieces, so that every output looks and behaves alike: a styled header row, an Excel
table with a unique name, number formats that say what a figure is, columns as wide as their
content, and native bar charts that Excel and LibreOffice both draw.

Every value goes through `write`, which stores text with `planner.xlsx.writing.put`: text from an
input workbook stays text even when it begins with `=`, `+`, `-`, `@`, a tab or a carriage return.
The number formats and `fit_columns` come from planner.xlsx.writing and are part of this kit.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.text import RichText, RichTextProperties
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from planner.i18n import N_, _
from planner.xlsx.blocks import BlockSheet, CellBlock, blocks_of, make_cell, raw_cells
from planner.xlsx.writing import (
    ALIGNMENT_ID,
    COEFFICIENT,
    COEFFICIENT_CHANGE,
    COEFFICIENT_FINE,
    COUNT,
    FILL_ID,
    FORMULA_STARTS,
    FRACTION_COUNT,
    HEADER_ALIGNMENT,
    HEADER_FILL,
    HEADER_FONT,
    HEADER_LINE_HEIGHT,
    HOURS,
    MAX_ROW_HEIGHT,
    NUMBER_FORMAT_ID,
    PEOPLE,
    PEOPLE_CHANGE,
    PERCENT,
    SECONDS,
    SECTION_FONT,
    SHARE,
    TITLE_FONT,
    WRAP_TOP,
    NumberFormats,
    column_width,
    comment,
    fit_columns,
    merge,
    merged_cells,
    put,
    widest_number,
    wrapped_lines,
)

__all__ = [
    # number formats and fonts (from planner.xlsx.writing)
    "COEFFICIENT",
    "COEFFICIENT_CHANGE",
    "COEFFICIENT_FINE",
    "COUNT",
    "FRACTION_COUNT",
    "HOURS",
    "PEOPLE",
    "PEOPLE_CHANGE",
    "PERCENT",
    "SECONDS",
    "SECTION_FONT",
    "SHARE",
    "TITLE_FONT",
    # this module
    "AFTER_COLOUR",
    "ALERT_FILL",
    "BEFORE_COLOUR",
    "GOOD_FILL",
    "MAX_CELL_TEXT",
    "NOTE_FONT",
    "NO_STAFF",
    "TABLE_STYLE",
    "TOTAL_BORDER",
    "TOTAL_FONT",
    "Col",
    "add_table",
    "before_after_chart",
    "fit_columns",
    "landscape",
    "note",
    "compact_numeric_columns",
    "print_sheet",
    "size_wrapped_rows",
    "plain",
    "prose",
    "show_axes",
    "size_prose_rows",
    "small_labels",
    "style_header",
    "title",
    "total_row",
    "wrapped_lines",
    "write",
]

NO_STAFF = N_(
    "no staff"
)  # shown, translated, for an infinite coefficient: load with no one to carry it

TABLE_STYLE = "TableStyleMedium2"
NOTE_FONT = Font(italic=True, color="595959")
TOTAL_FONT = Font(bold=True)
TOTAL_BORDER = Border(top=Side(style="thin"))
ALERT_FILL = PatternFill("solid", start_color="F8CBAD", end_color="F8CBAD")
GOOD_FILL = PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE")
BEFORE_COLOUR = "A5A5A5"
AFTER_COLOUR = "305496"
MAX_CELL_TEXT = 32_767  # characters: Excel's longest cell text


@dataclass(frozen=True)
class Col:
    """One column of an output table: header, number format and an optional header comment."""

    header: str
    number_format: str | None = None
    comment: str = ""


def translated(columns: Sequence[Col]) -> list[Col]:
    """The columns with their headers and comments (marked N_ where defined) in the current
    language, as the tables write them."""
    return [Col(_(c.header), c.number_format, _(c.comment) if c.comment else "") for c in columns]


def plain(value: float | None) -> float | None:
    """The number itself, or None for no value, infinity and NaN: what a chart can draw."""
    return value if value is not None and math.isfinite(value) else None


def write(cell: Cell, value: object, number_format: str | None = None) -> Cell:
    """Store `value` safely: text via `put`, inf as 'no staff', NaN as blank; apply the format."""
    if isinstance(value, float) and not math.isfinite(value):
        # openpyxl would write 'inf' into a numeric cell, which Excel reports as damaged.
        value = _(NO_STAFF) if value > 0 else None
    if isinstance(value, str) and len(value) > MAX_CELL_TEXT:
        # Excel refuses a file with a longer cell; the full text is in the planner's other outputs.
        value = value[: MAX_CELL_TEXT - 20] + _(" ... (cut short)")
    put(cell, value)
    if number_format and isinstance(value, int | float) and not isinstance(value, bool):
        cell.number_format = number_format
    return cell


def style_header(cells: Sequence[Cell], comments: Sequence[str] = ()) -> None:
    """Header look shared with the scenario template; text wraps so columns can stay narrow."""
    for index, cell in enumerate(cells):
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
        if index < len(comments) and comments[index]:
            cell.comment = comment(comments[index])


def add_table(
    ws: Worksheet,
    name: str,
    columns: Sequence[Col],
    rows: Sequence[Sequence[object]],
    *,
    top: int = 1,
    left: int = 1,
    freeze: str | None = None,
    empty: str | None = None,
) -> tuple[int, int]:
    """Write a header and rows at (top, left) as an Excel table named `name`.

    Returns (first data row, last row used). Excel repairs a table that has a header only, so an
    empty table keeps one blank data row; or, when `empty` is given, there is no table at all and
    that text stands under the header instead. `freeze` sets the sheet's frozen panes.
    """
    header_cells = []
    for offset, column in enumerate(columns):
        cell = ws.cell(row=top, column=left + offset)
        put(cell, column.header)
        header_cells.append(cell)
    style_header(header_cells, [c.comment for c in columns])
    _write_rows(ws, top + 1, left, [c.number_format for c in columns], rows)
    last = top + max(len(rows), 1)
    if freeze:
        ws.freeze_panes = freeze
    if not rows and empty is not None:
        write(ws.cell(row=top + 1, column=left), empty).font = NOTE_FONT
        return top + 1, last
    ref = f"{get_column_letter(left)}{top}:{get_column_letter(left + len(columns) - 1)}{last}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    ws.add_table(table)
    return top + 1, last


def _write_rows(
    ws: Worksheet,
    top: int,
    left: int,
    number_formats: Sequence[str | None],
    rows: Sequence[Sequence[object]],
) -> None:
    """The cells of `rows` from (top, left), exactly as `write` stores each of them, but made
    directly: a national result has 190,000 table cells, and openpyxl's `ws.cell` and value
    setter cost about 10 us a cell where this costs about 1. Plain text, numbers and blanks take
    the direct way; anything else (text that needs a quote prefix, dates, enums...) goes
    through `write`. On a BlockSheet (planner.xlsx.blocks) the rows of plain values are kept as
    rows, not cells; a row with any other value is made of cells."""
    cells = raw_cells(ws)
    no_staff = _(NO_STAFF)
    width = len(number_formats)
    styles: list[StyleArray | None] = [None] * width  # made at a column's first number

    def number_style(offset: int) -> StyleArray | None:
        number_format = number_formats[offset]
        style = styles[offset]
        if number_format and style is None:
            template = Cell(ws)
            template.number_format = number_format
            style = styles[offset] = template._style
        return style

    block = None
    taken: set[int] = set()  # rows of the table where a cell is made already
    if isinstance(ws, BlockSheet):
        for offset in range(width):
            number_style(offset)
        block = CellBlock(top, left, list(number_formats), styles)
        bottom, right = top + len(rows), left + width
        taken = {r for r, c in cells if top <= r < bottom and left <= c < right}
    value: Any  # any cell value; its type is tested below
    for r, row in enumerate(rows, start=top):
        if len(row) != width:
            raise ValueError(f"a row of {len(row)} values for {width} columns")
        if block is not None:
            plain_row = _plain_row(row, no_staff)
            if plain_row is not None and r not in taken:
                block.rows.append(plain_row)
                continue
            block.rows.append(None)
        for offset, value in enumerate(row):
            if (r, left + offset) in cells:  # a cell already made keeps its style, as in `write`
                write(ws.cell(row=r, column=left + offset), value, number_formats[offset])
                continue
            kind = type(value)
            if kind is float and not math.isfinite(value):
                value, kind = (no_staff, str) if value > 0 else (None, type(None))
            if kind is str:
                if not _plain_text(value):
                    write(ws.cell(row=r, column=left + offset), value)
                    continue
                style = None
            elif kind is int or kind is float:
                style = number_style(offset)
            elif value is None:
                style = None
            else:
                write(ws.cell(row=r, column=left + offset), value, number_formats[offset])
                continue
            cells[(r, left + offset)] = make_cell(ws, r, left + offset, value, style)
    if block is not None and any(row is not None for row in block.rows):
        ws.defer(block)
    if rows:  # as openpyxl's own _add_cell keeps it (append writes below this row)
        ws._current_row = max(ws._current_row, top + len(rows) - 1)


def _plain_text(value: str) -> bool:
    """Text stored as it is (no quote prefix, no cut, no character to clean)."""
    return (
        len(value) <= MAX_CELL_TEXT and not value.startswith(FORMULA_STARTS) and value.isprintable()
    )


_PLAIN_KINDS = frozenset({str, int, float, type(None)})


def _plain_row(row: Sequence[object], no_staff: str) -> list[object] | None:
    """The row's values as `write` stores them (inf as 'no staff', NaN and -inf blank), or None
    when one of them is not plain text, a finite number or a blank. Checked a kind at a time
    (a national result asks of 18,000 rows): the texts together, the numbers by their sum."""
    if not _PLAIN_KINDS.issuperset(map(type, row)):
        return None
    texts = [v for v in row if type(v) is str]
    if texts and (
        max(map(len, texts)) > MAX_CELL_TEXT
        or not "".join(texts).isprintable()
        or [t for t in texts if t.startswith(FORMULA_STARTS)]
    ):
        return None
    values = list(row)
    if not math.isfinite(sum([v for v in row if type(v) is float])):
        for index, value in enumerate(values):  # inf, -inf or NaN among them (or a sum that is)
            if type(value) is float and not math.isfinite(value):
                values[index] = no_staff if value > 0 else None
    return values


def total_row(ws: Worksheet, row: int, left: int, values: Sequence[object], formats) -> None:
    """A bold row under a table (outside it, so that sorting or filtering the table leaves it)."""
    for offset, (value, number_format) in enumerate(zip(values, formats, strict=True)):
        cell = write(ws.cell(row=row, column=left + offset), value, number_format)
        cell.font = TOTAL_FONT
        cell.border = TOTAL_BORDER


def title(ws: Worksheet, row: int, text: str, *, size: str = "title", span: int = 8) -> None:
    """A title (or, with size="section", a section heading) over `span` merged columns."""
    cell = ws.cell(row=row, column=1)
    put(cell, text)
    cell.font = TITLE_FONT if size == "title" else SECTION_FONT
    # Merged, so that a long heading never widens column A (fit_columns skips merged cells).
    merge(ws, row, 1, span)


def prose(ws: Worksheet, row: int, text: str, *, column: int = 1, span: int = 8) -> Cell:
    """A sentence merged over `span` columns and wrapped; `size_prose_rows` sets its height."""
    cell = write(ws.cell(row=row, column=column), text)
    cell.alignment = WRAP_TOP
    if span > 1:
        merge(ws, row, column, column + span - 1)
    return cell


def note(ws: Worksheet, row: int, text: str, *, span: int = 8) -> int:
    """An explanatory line in grey italics, wrapped over `span` columns; returns the next row."""
    prose(ws, row, text, span=span).font = NOTE_FONT
    return row + 1


def size_prose_rows(ws: Worksheet) -> None:
    """Give every wrapped merged row a height that shows its text (call after fit_columns).

    Neither Excel nor LibreOffice grows a merged row to fit its text, so the lines are counted by
    wrapping the words at the merged width.
    """
    for merged in ws.merged_cells.ranges:
        if merged.min_row != merged.max_row:
            continue
        cell = ws.cell(row=merged.min_row, column=merged.min_col)
        if not (cell.alignment and cell.alignment.wrap_text) or not isinstance(cell.value, str):
            continue
        width = sum(column_width(ws, c) for c in range(merged.min_col, merged.max_col + 1))
        # Ordinary text is narrower than the digit '0' that defines a column width unit.
        lines = wrapped_lines(cell.value, width * 1.15)
        height = min(HEADER_LINE_HEIGHT * lines + 2, MAX_ROW_HEIGHT)
        ws.row_dimensions[merged.min_row].height = height


def landscape(ws: Worksheet) -> None:
    """Print (and convert to PDF) one page wide, landscape: how a planner will print the sheet."""
    print_sheet(ws)


# --- printing --------------------------------------------------------------------------------
# A4 in cm, and the margins every sheet gets (the header and footer sit inside the top and bottom).
A4 = (21.0, 29.7)
SIDE_MARGIN_CM = 1.5
TOP_MARGIN_CM = 2.0
CM_PER_WIDTH_UNIT = 0.2  # one column width unit (the '0' of Calibri 11 and its padding), printed
CM_PER_POINT = 2.54 / 72
DEFAULT_ROW_POINTS = 15.0


def _column_cm(ws: Worksheet, column: int) -> float:
    return column_width(ws, column) * CM_PER_WIDTH_UNIT


def _row_cm(ws: Worksheet, row: int) -> float:
    height = ws.row_dimensions[row].height if row in ws.row_dimensions else None
    return (height or DEFAULT_ROW_POINTS) * CM_PER_POINT


def _chart_cells(ws: Worksheet, chart) -> tuple[int, int, int, int]:
    """(first column, first row, last column, last row) that a chart anchored at a cell covers,
    from its size in cm and the sheet's column widths and row heights."""
    anchor = chart.anchor
    if not isinstance(anchor, str):  # anchored by openpyxl objects: the marker of its top left
        column, row = anchor._from.col + 1, anchor._from.row + 1
    else:
        letters, row = coordinate_from_string(anchor)
        column = column_index_from_string(letters)
    last_column, width = column, 0.0
    while width < chart.width:
        width += _column_cm(ws, last_column)
        last_column += 1
    last_row, height = row, 0.0
    while height < chart.height:
        height += _row_cm(ws, last_row)
        last_row += 1
    return column, row, last_column - 1, last_row - 1


def print_sheet(
    ws: Worksheet,
    *,
    portrait: bool = False,
    one_page: bool = False,
    title_rows: int | None = None,
    columns: int | None = None,
) -> None:
    """Page setup for printing and PDF: A4, landscape (or portrait), one page wide (or one page
    altogether), the sheet's name and page numbers in the header and footer, the header row
    repeated on every page (`title_rows`: the rows 1..n), and a print area over the cells and the
    charts (`columns`: only the first n columns). Charts are kept whole: a page break is put above
    a chart that would otherwise be cut across two pages."""
    setup = ws.page_setup
    setup.orientation = "portrait" if portrait else "landscape"
    setup.paperSize = ws.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = False
    margins = ws.page_margins
    margins.left = margins.right = SIDE_MARGIN_CM / 2.54
    margins.top = margins.bottom = TOP_MARGIN_CM / 2.54
    margins.header = margins.footer = 0.8 / 2.54
    ws.oddHeader.center.text = "&A"  # the sheet's name
    ws.oddHeader.center.size = 9
    # &P and &N are Excel's codes for the page number and the page count.
    ws.oddFooter.right.text = _("Page {page} of {pages}").format(page="&P", pages="&N")
    ws.oddFooter.right.size = 9
    if title_rows:
        ws.print_title_rows = f"1:{title_rows}"
    last_column = ws.max_column
    last_row = ws.max_row
    spans = [_chart_cells(ws, chart) for chart in ws._charts]
    for _left, _top, chart_column, chart_row in spans:
        last_column, last_row = max(last_column, chart_column), max(last_row, chart_row)
    if columns is not None:
        last_column = columns
    ws.print_area = f"A1:{get_column_letter(last_column)}{last_row}"
    if not one_page:
        _keep_charts_whole(ws, spans, last_column, portrait=portrait, title_rows=title_rows or 0)


def _keep_charts_whole(
    ws: Worksheet,
    spans: Sequence[tuple[int, int, int, int]],
    last_column: int,
    *,
    portrait: bool,
    title_rows: int,
) -> None:
    """Row breaks so that no chart straddles two pages: the pages are estimated from the scale
    that fits the print area to the page width."""
    if not spans:
        return
    page_width, page_height = A4 if portrait else (A4[1], A4[0])
    printable_width = page_width - 2 * SIDE_MARGIN_CM
    printable_height = page_height - 2 * TOP_MARGIN_CM
    content_width = sum(_column_cm(ws, c) for c in range(1, last_column + 1))
    scale = min(1.0, printable_width / content_width) if content_width else 1.0
    repeated = sum(_row_cm(ws, r) for r in range(1, title_rows + 1))
    # A margin of 5%: the estimate of widths and heights is not LibreOffice's own.
    room = printable_height / scale * 0.95
    page_top, used = 1, 0.0
    row = 1
    breaks: list[int] = []
    tops = sorted(spans, key=lambda span: span[1])
    last_row = max(ws.max_row, max(span[3] for span in spans))
    while row <= last_row:
        height = _row_cm(ws, row)
        if used + height > room:
            page_top, used = row, repeated
        chart = next((span for span in tops if span[1] == row), None)
        if chart is not None:
            chart_height = sum(_row_cm(ws, r) for r in range(chart[1], chart[3] + 1))
            if used + chart_height > room and row > page_top and chart_height <= room - repeated:
                # A heading just above the chart (its group's name) goes with it.
                top = row
                while top > page_top + 1 and top > row - 2 and _heading(ws, top - 1):
                    top -= 1
                breaks.append(top - 1)
                page_top, used = top, repeated + sum(_row_cm(ws, r) for r in range(top, row))
        used += height
        row += 1
    for after in breaks:
        ws.row_breaks.append(Break(id=after))


def _heading(ws: Worksheet, row: int) -> bool:
    """A row with text in column A only (a section heading)."""
    cells = [ws.cell(row=row, column=c).value for c in range(1, 4)]
    return isinstance(cells[0], str) and cells[1] is None and cells[2] is None


def _is_header(cell: Cell) -> bool:
    fill = cell.fill
    return (
        fill is not None
        and fill.fill_type == "solid"
        and (fill.start_color is not None and fill.start_color.rgb == HEADER_FILL.start_color.rgb)
    )


def compact_numeric_columns(ws: Worksheet, *, minimum: float = 8.0) -> None:
    """Narrow every column that holds only numbers under its header to what the numbers need
    (the header wraps over more lines instead), and give the header rows the height their wrapped
    text then takes: wide headers over short numbers make a printout needlessly small."""
    merged = merged_cells(ws)
    # (column, number format id) -> its numbers, whose widest text is the lowest's or the
    # highest's under every format _shown_number knows
    numbers: defaultdict[tuple[int, int], list[float]] = defaultdict(list)
    needs: dict[int, float] = {}  # column -> width its numbers need
    other: set[int] = set()
    headers: list[Cell] = []
    header_fills: dict[int, bool] = {}  # fill id -> the header's fill (looked up once per fill)
    formats = NumberFormats()
    for (row, column), cell in raw_cells(ws).items():
        value = cell._value
        if value is None or (merged and (row, column) in merged):
            continue
        style = cell._style
        fill_id = style[FILL_ID] if style else 0
        header = header_fills.get(fill_id)
        if header is None:
            header = header_fills[fill_id] = _is_header(cell)
        if header:
            headers.append(cell)
            continue
        kind = type(value)
        if kind is float or kind is int:
            if -math.inf < value < math.inf:
                format_id = style[NUMBER_FORMAT_ID] if style else 0
                if format_id not in formats:
                    formats.of(cell)
                numbers[column, format_id].append(value)
            else:  # NaN or infinite: its own text
                need = len(_shown_number(value, formats.of(cell))) + 2.0
                needs[column] = max(needs.get(column, 0.0), need)
        else:
            other.add(column)
    for (column, format_id), values in numbers.items():
        need = widest_number(values, formats.code(format_id), _shown_number) + 2.0
        needs[column] = max(needs.get(column, 0.0), need)
    for block in blocks_of(ws):  # deferred rows: plain text, finite numbers, blanks
        for offset, number_format in enumerate(block.formats):
            column = block.left + offset
            values = block.column(offset)
            if any(type(v) is str for v in values):
                other.add(column)
            found = [v for v in values if type(v) is not str and v is not None]
            if found:
                need = widest_number(found, number_format or "General", _shown_number) + 2.0
                needs[column] = max(needs.get(column, 0.0), need)
    for column, need in needs.items():
        if column in other:
            continue
        longest_word = max(
            (len(w) for c in headers if c.column == column for w in str(c.value).split()),
            default=0,
        )
        width = max(minimum, need, longest_word + 1.5)
        if width < column_width(ws, column):
            ws.column_dimensions[get_column_letter(column)].width = width
    by_row: dict[int, int] = {}
    for cell in headers:
        lines = wrapped_lines(str(cell.value), column_width(ws, cell.column) - 1.5)
        by_row[cell.row] = max(by_row.get(cell.row, 1), lines)
    for row_number, lines in by_row.items():
        height = min(HEADER_LINE_HEIGHT * lines + 2, MAX_ROW_HEIGHT)
        current = ws.row_dimensions[row_number].height
        if current is None or current < height:
            ws.row_dimensions[row_number].height = height


def _shown_number(value: float, number_format: str | None) -> str:
    """Roughly what a number looks like under its format (for widths)."""
    decimals = 0
    if number_format and "." in number_format:
        decimals = len(number_format.split(".")[1].split(";")[0].rstrip("#%"))
    text = f"{value:,.{decimals}f}"
    return text + ("%" if number_format and "%" in number_format else "")


def size_wrapped_rows(ws: Worksheet, *, skip: Sequence[int] = ()) -> None:
    """Give every row with wrapped text (not merged) the height its longest cell needs, never
    lowering a height already set: LibreOffice does not grow such rows itself, and the lines of a
    wrapped cell would otherwise overlap the next row when printed."""
    merged = merged_cells(ws)
    needed: dict[int, int] = {}
    wraps: dict[int, bool] = {}  # alignment id -> wraps text (looked up once per alignment)
    skipped = set(skip)
    # Deferred rows (planner.xlsx.blocks) are never wrapped: a wrapped cell is a cell.
    for (row, column), cell in raw_cells(ws).items():
        if not isinstance(cell._value, str) or row in skipped or (row, column) in merged:
            continue
        style = cell._style
        alignment_id = style[ALIGNMENT_ID] if style else 0
        wrapped = wraps.get(alignment_id)
        if wrapped is None:
            wrapped = wraps[alignment_id] = bool(cell.alignment and cell.alignment.wrap_text)
        if not wrapped:
            continue
        # Ordinary text is narrower than the '0' of a width unit (as in size_prose_rows).
        lines = wrapped_lines(cell.value, column_width(ws, cell.column) * 1.15)
        needed[cell.row] = max(needed.get(cell.row, 1), lines)
    for r, lines in needed.items():
        if lines < 2:
            continue
        height = min(HEADER_LINE_HEIGHT * lines + 2, MAX_ROW_HEIGHT)
        current = ws.row_dimensions[r].height
        if current is None or current < height:
            ws.row_dimensions[r].height = height


def show_axes(chart: BarChart | LineChart) -> None:
    """Show both axes: openpyxl 3.1 leaves `delete` unset, and Excel then hides them."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def small_labels(axis, *, slanted: bool = False) -> None:
    """An axis's labels in 8 point (slanted: at 45 degrees, for many numeric categories)."""
    small = CharacterProperties(sz=800)
    axis.txPr = RichText(
        bodyPr=RichTextProperties(rot=-2_700_000, vert="horz") if slanted else None,
        p=[Paragraph(pPr=ParagraphProperties(defRPr=small), endParaRPr=small)],
    )


def before_after_chart(
    data_ws: Worksheet,
    *,
    title_text: str,
    categories: tuple[int, int, int],
    series: tuple[int, int, int],
    horizontal: bool,
    axis_title: str,
    number_format: str = COEFFICIENT,
) -> BarChart:
    """A clustered bar chart of two adjacent columns (before, after) against category labels.

    categories: (column, first row, last row) of the labels; series: (first column, header row,
    last row) of the two value columns, whose header cells name the series.
    """
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.grouping = "clustered"
    chart.title = title_text
    chart.style = 10
    column, first, last = categories
    value_column, header_row, value_last = series
    data = Reference(
        data_ws,
        min_col=value_column,
        max_col=value_column + 1,
        min_row=header_row,
        max_row=value_last,
    )
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(data_ws, min_col=column, min_row=first, max_row=last))
    for bar_series, colour in zip(chart.series, (BEFORE_COLOUR, AFTER_COLOUR), strict=False):
        bar_series.graphicalProperties.solidFill = colour
        bar_series.graphicalProperties.line.solidFill = colour
    show_axes(chart)
    chart.y_axis.title = axis_title
    chart.y_axis.number_format = number_format
    if horizontal:
        # First unit on top, as in the table; the value axis then belongs at the bottom.
        chart.x_axis.scaling.orientation = "maxMin"
        chart.y_axis.crosses = "max"
    chart.legend.position = "b"
    small_labels(chart.x_axis)
    count = last - first + 1
    chart.width = 20
    chart.height = max(7.5, 0.75 * count + 4) if horizontal else 8.5
    return chart
