"""A workbook built in memory with openpyxl, written to a file by XlsxWriter.

The sheet modules build their workbooks with openpyxl's object model (cells, styles, tables,
charts, page setup), which tests and the print layout read back in memory; openpyxl's own writer
then spends most of a national result's time serialising (issue 14: 13 s of 17 s). XlsxWriter
writes the same parts five to ten times faster, so `write_xlsx` walks the openpyxl model and
hands every part to XlsxWriter. The model is translated, never guessed: `unsupported` names each
part this module cannot express (a per-point marker, a formula, an image...), and such a workbook
is written by openpyxl whole (files.save_workbook decides), never half by each writer.

Text stays text: strings go through `write_string` and the workbook is opened with
strings_to_formulas, strings_to_urls and strings_to_numbers off.

The plain rows of a table are kept as rows, not cells (planner.xlsx.blocks): they are written
here straight from their values, a block's column at a time, and never become openpyxl cells
unless something asks for those cells (openpyxl's own writer among them).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from math import isfinite
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import xlsxwriter
import xlsxwriter.worksheet
from openpyxl import Workbook
from openpyxl.chart.bar_chart import BarChart
from openpyxl.chart.line_chart import LineChart
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.worksheet import Worksheet
from xlsxwriter.exceptions import OverlappingRange
from xlsxwriter.packager import Packager
from xlsxwriter.utility import xl_col_to_name, xl_range
from xlsxwriter.worksheet import CellBlankTuple, CellNumberTuple, CellStringTuple

from planner.xlsx.blocks import HOLE, BlockSheet, blocks_of, make_cell, raw_cells
from planner.xlsx.files import collection_paused
from planner.xlsx.ooxml import column_number
from planner.xlsx.writing import storable

__all__ = ["FastWorkbook", "unsupported", "write_xlsx"]

_EMU_PER_PIXEL = 9525
_EMU_PER_CM = 360_000
_EMU_PER_POINT = 12_700
_BORDERS = {
    "thin": 1, "medium": 2, "dashed": 3, "dotted": 4, "thick": 5, "double": 6, "hair": 7,
    "mediumDashed": 8, "dashDot": 9, "mediumDashDot": 10, "dashDotDot": 11,
    "mediumDashDotDot": 12, "slantDashDot": 13,
}  # fmt: skip
_VERTICAL = {"top": "top", "center": "vcenter", "bottom": "bottom", "justify": "vjustify"}
_DASHES = {
    "solid": "solid", "sysDot": "round_dot", "sysDash": "square_dot", "dash": "dash",
    "dashDot": "dash_dot", "lgDash": "long_dash", "lgDashDot": "long_dash_dot",
    "lgDashDotDot": "long_dash_dot_dot",
}  # fmt: skip
_LEGEND = {"b": "bottom", "t": "top", "l": "left", "r": "right", "tr": "top_right"}
_MAX_INDEX = 1 << 30
# Shorter text cannot pass Excel's 32,767 UTF-16 units, which XlsxWriter's write_string checks.
_SHORT_TEXT = 16_384
_ABSOLUTE = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
# Deflate level of the parts in the zip (issue 14). A national result's 8.6 MB of XML: zlib's
# default, 6, took 0.15 s for 1.26 MB; level 1 0.06 s for 1.58 MB (level 3: 0.07 s, 1.46 MB).
ZIP_LEVEL = 1


def _colour(colour: Any) -> str | None:
    """'#RRGGBB' from an openpyxl Color (ARGB) or None when it is not a plain RGB colour."""
    rgb = getattr(colour, "rgb", None) if colour is not None else None
    if not isinstance(rgb, str) or len(rgb) not in (6, 8):
        return None
    return "#" + rgb[-6:]


class _IdentityIndexedList(IndexedList):
    """openpyxl's list of a workbook's fonts (fills, borders...), which finds an object it has
    already seen by its identity before hashing it: a style object's hash walks all its fields
    (about 40 us for a Font), and a national result assigns the same few objects 20,000 times.
    The objects are kept, so an identity is never reused while the list lives."""

    def __init__(self, iterable: Any = None) -> None:
        super().__init__(iterable)
        self._seen: dict[int, tuple[object, int]] = {}

    def add(self, value: Any) -> int:
        known = self._seen.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        index = super().add(value)
        self._seen[id(value)] = (value, index)
        return index


class FastWorkbook(Workbook):
    """An openpyxl Workbook that saves through XlsxWriter when every part can be expressed
    there, and through openpyxl otherwise (the whole workbook by one writer, never half)."""

    def __init__(self) -> None:
        super().__init__()
        self._sheets = []  # the first sheet again, as a BlockSheet (planner.xlsx.blocks)
        self._sheets.append(BlockSheet(self))

    def create_sheet(self, title: str | None = None, index: int | None = None) -> Any:
        sheet = BlockSheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet

    def _setup_styles(self) -> None:
        super()._setup_styles()
        for name in ("_fonts", "_alignments", "_borders", "_fills", "_protections"):
            setattr(self, name, _IdentityIndexedList(getattr(self, name)))

    @collection_paused()
    def save(self, filename: Any) -> None:
        if unsupported(self):
            for ws in self.worksheets:
                if isinstance(ws, BlockSheet):
                    ws.materialise()
            super().save(filename)
        else:
            _write_book(self, filename)  # checked just now: unsupported walks every cell


# --- what this writer cannot express ----------------------------------------------------------


def unsupported(workbook: Workbook) -> list[str]:
    """The parts of `workbook` that XlsxWriter would not write as openpyxl would (empty: all
    parts are translated)."""
    found: list[str] = []
    if workbook.chartsheets:
        found.append("chart sheets")
    for ws in workbook.worksheets:
        where = ws.title
        if ws._images:
            found.append(f"{where}: images")
        if ws.auto_filter.ref:
            found.append(f"{where}: an auto filter outside a table")
        if ws.col_breaks.brk:
            found.append(f"{where}: column breaks")
        for cell in raw_cells(ws).values():  # deferred rows (blocks) hold plain values only
            if cell.data_type == "f":
                found.append(f"{where}!{cell.coordinate}: a formula")
            elif cell.hyperlink is not None:
                found.append(f"{where}!{cell.coordinate}: a hyperlink")
        for rules in ws.conditional_formatting:
            for rule in rules.rules:
                if rule.type != "colorScale":
                    found.append(f"{where}: a conditional format of type {rule.type}")
        for validation in ws.data_validations.dataValidation:
            if validation.type != "list":
                found.append(f"{where}: a data validation of type {validation.type}")
        for chart in ws._charts:
            found += [f"{where}: {reason}" for reason in _chart_unsupported(chart)]
    return found


def _chart_unsupported(chart: Any) -> Iterator[str]:
    for part in [chart, *chart._charts[1:]]:
        if not isinstance(part, BarChart | LineChart):
            yield f"a chart of type {type(part).__name__}"
            continue
        for series in part.series:
            if series.dPt:
                yield "a chart series with per-point markers or colours"
            if series.dLbls is not None:
                yield "a chart series with data labels"
            if series.trendline is not None:
                yield "a chart series with a trend line"


# --- the workbook ---------------------------------------------------------------------------


def write_xlsx(workbook: Workbook, stream: IO[bytes]) -> None:
    """Write `workbook` (built with openpyxl) to `stream` through XlsxWriter.

    Raises ValueError when the workbook holds a part that `unsupported` names.
    """
    problems = unsupported(workbook)
    if problems:
        raise ValueError("XlsxWriter cannot write: " + "; ".join(problems))
    _write_book(workbook, stream)


class _Packager(Packager):
    """XlsxWriter's packager, handing the parts it makes (the XML files, in memory) to _Book
    instead of to XlsxWriter's own zip."""

    def __init__(self, parts: list[tuple[Any, str, bool]]) -> None:
        super().__init__()
        self.parts = parts

    def _create_package(self) -> list[tuple[Any, str, bool]]:
        self.parts.extend(super()._create_package())
        return []


class _Book(xlsxwriter.Workbook):
    """XlsxWriter's workbook (in memory), zipping its parts at deflate level ZIP_LEVEL: XlsxWriter
    has no option for the level and zips at zlib's default. Its own zip, left empty, goes to a
    scratch buffer; the parts go to `stream` as XlsxWriter stores them (same names, the same
    1980-01-01 time stamp, text as UTF-8)."""

    def __init__(self, stream: IO[bytes], options: dict[str, Any]) -> None:
        super().__init__(io.BytesIO(), {**options, "in_memory": True})
        self.stream = stream
        self.parts: list[tuple[Any, str, bool]] = []

    def _get_packager(self) -> Packager:  # XlsxWriter's hook for another packager
        return _Packager(self.parts)

    def _store_workbook(self) -> None:
        super()._store_workbook()  # prepares and packages every part (into self.parts)
        with ZipFile(self.stream, "w", ZIP_DEFLATED, allowZip64=self.allow_zip64) as archive:
            for part, name, binary in self.parts:
                info = ZipInfo(name, (1980, 1, 1, 0, 0, 0))
                info.compress_type = ZIP_DEFLATED
                data = part.getvalue()
                # The level given here: a ZipInfo's own is not taken from the ZipFile.
                archive.writestr(info, data if binary else data.encode("utf-8"),
                                 compresslevel=ZIP_LEVEL)  # fmt: skip
        self.parts.clear()


def _write_book(workbook: Workbook, stream: IO[bytes]) -> None:
    """write_xlsx for a workbook that `unsupported` has found nothing in."""
    book = _Book(
        stream,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "nan_inf_to_errors": False,
        },
    )
    book.set_properties(_properties(workbook))
    formats = _Formats(book, workbook)
    sheets = {ws.title: book.add_worksheet(ws.title, _Sheet) for ws in workbook.worksheets}
    for ws in workbook.worksheets:
        _write_sheet(ws, sheets[ws.title], formats, book)
    active = workbook.active
    if isinstance(active, Worksheet) and active.title in sheets:
        sheets[active.title].activate()
    book.close()


def _properties(workbook: Workbook) -> dict[str, object]:
    """The document properties (docProps/core.xml) openpyxl's writer would write, in
    XlsxWriter's names: creator, title and the others a workbook sets."""
    properties = workbook.properties
    names = {
        "author": properties.creator, "title": properties.title,
        "subject": properties.subject, "comments": properties.description,
        "keywords": properties.keywords, "category": properties.category,
    }  # fmt: skip
    # A title made of a file name that is not UTF-8 holds lone surrogates: stored as cells are.
    found: dict[str, object] = {
        name: storable(value) for name, value in names.items() if isinstance(value, str) and value
    }
    if isinstance(properties.created, dt.datetime):
        found["created"] = properties.created
    return found


class _Sheet(xlsxwriter.worksheet.Worksheet):
    """XlsxWriter's worksheet, writing fitToWidth and fitToHeight even when they are 1.

    The format's default is 1 and XlsxWriter leaves it out, but readers (openpyxl among them)
    then report no value at all where the planner set "one page wide"."""

    def _write_page_setup(self) -> None:
        write_tag: Any = getattr(self, "_xml_empty_tag")  # noqa: B009 (untyped base class)

        def tag(name: str, attributes: list[tuple[str, object]] | None = None) -> None:
            if name == "pageSetup" and self.fit_page and attributes is not None:
                present = {key for key, _ in attributes}
                for key, value in (
                    ("fitToWidth", self.fit_width),
                    ("fitToHeight", self.fit_height),
                ):
                    if key not in present:
                        attributes.append((key, value))
            write_tag(name, attributes)

        self._xml_empty_tag = tag
        try:
            super()._write_page_setup()
        finally:
            del self._xml_empty_tag

    def __init__(self) -> None:
        super().__init__()
        self.table_boxes: list[tuple[int, int, int, int]] = []
        self.merge_boxes: list[tuple[int, int, int, int]] = []

    def add_table(self, first_row: int, first_col: int, last_row: int, last_col: int,
                  options: dict[str, Any] | None = None) -> Any:  # fmt: skip
        """XlsxWriter's add_table without its mark on every cell of the table (its check that
        tables and merged ranges do not overlap: 190,000 cells on a national result). The
        ranges are compared as rectangles; the table is added over its header and first row,
        and then given its whole range. Tables of one data row, or with a total row or data,
        go XlsxWriter's whole way (after the same comparison of ranges)."""
        options = options or {}
        box = (min(first_row, last_row), min(first_col, last_col),
               max(first_row, last_row), max(first_col, last_col))  # fmt: skip
        for kind, others in (("table", self.table_boxes), ("merge", self.merge_boxes)):
            for other in others:
                if _overlap(box, other):
                    raise OverlappingRange(
                        f"Table range '{xl_range(*box)}' overlaps previous {kind} range "
                        f"'{xl_range(*other)}'."
                    )
        count = len(self.tables)
        if (
            last_row <= first_row + 1 or first_row > last_row or first_col > last_col
            or options.get("total_row") or not options.get("header_row", True)
            or "data" in options
        ):  # fmt: skip
            outcome = super().add_table(first_row, first_col, last_row, last_col, options)
            if len(self.tables) > count:
                self.table_boxes.append(box)
            return outcome
        if self._check_dimensions(last_row, last_col, True, True):
            return -1
        outcome = super().add_table(first_row, first_col, first_row + 1, last_col, options)
        if len(self.tables) == count:  # refused (a warning said why)
            return outcome
        table = self.tables[-1]
        table["range"] = table["a_range"] = xl_range(*box)
        if table.get("autofilter"):
            table["autofilter"] = table["a_range"]
        self.table_boxes.append(box)
        return outcome

    def merge_range(self, first_row: int, first_col: int, last_row: int, last_col: int,
                    *args: Any, **kwargs: Any) -> Any:  # fmt: skip
        """XlsxWriter's merge_range, checked against the whole range of every table."""
        box = (min(first_row, last_row), min(first_col, last_col),
               max(first_row, last_row), max(first_col, last_col))  # fmt: skip
        for other in self.table_boxes:
            if _overlap(box, other):
                raise OverlappingRange(
                    f"Merge range '{xl_range(*box)}' overlaps previous table range "
                    f"'{xl_range(*other)}'."
                )
        outcome = super().merge_range(first_row, first_col, last_row, last_col, *args, **kwargs)
        if outcome != -1:  # -1: refused (one cell, or out of bounds)
            self.merge_boxes.append(box)
        return outcome

    def _get_range_data(self, row_start: int, col_start: int, row_end: int, col_end: int) -> Any:
        """The cells a chart draws, for the values it caches: deferred rows among them are
        made XlsxWriter's cells first (and written as cells)."""
        deferred: dict[int, list[_Deferred]] = getattr(self, "deferred_rows", {})
        if deferred:
            shared = self.string_index.__getitem__
            for r in range(row_start, row_end + 1):
                segments = deferred.pop(r, None)
                for segment in segments or ():
                    segment.cells(self.table[r], shared)
        return super()._get_range_data(row_start, col_start, row_end, col_end)

    def _write_rows(self) -> None:
        """XlsxWriter's <row> and <c> elements, the same XML made with less work per cell:
        its own loop visits every column of the sheet's bounds in every row and builds each
        element from a list of attributes (a third of a national result's saving time). Rows
        without cells (a height, a comment) and cells other than text, numbers and styled
        blanks still go through XlsxWriter's own methods. A row of deferred values
        (planner.xlsx.blocks) is written from its values, the cells at its holes in their
        places; a row with other cells among them is first made of cells."""
        table, row_info, comments = self.table, self.row_info, self.comments
        deferred: dict[int, list[_Deferred]] = getattr(self, "deferred_rows", {})
        low, high = self.dim_rowmin, self.dim_rowmax
        rows = sorted(
            r for r in {*table, *row_info, *comments, *deferred} if low <= r <= high and (
                table.get(r) or r in row_info or r in comments or r in deferred)
        )  # fmt: skip
        letters = [xl_col_to_name(c) for c in range(self.dim_colmax + 1)]
        column_formats = {c for c, info in self.col_info.items() if info.column_format}
        xf: dict[int, int] = {}
        shared = getattr(self, "string_index", {}).__getitem__  # strings counted already
        write = self.fh.write
        parts: list[str] = []

        def emit(r: int, c: int, cell: Any, number: str, default_format: bool) -> None:
            """One cell's <c> element into `parts`, or through XlsxWriter's _write_cell."""
            cell_format = cell.format
            kind = type(cell)
            if cell_format is None:
                if default_format or c in column_formats or kind is CellBlankTuple:
                    if parts:
                        write("".join(parts))
                        parts.clear()
                    self._write_cell(r, c, cell)  # the row's or column's format applies
                    return
                style = ""
            else:
                index = xf.get(id(cell_format))
                if index is None:
                    index = xf[id(cell_format)] = cell_format._get_xf_index()
                style = f' s="{index}"'
            if kind is CellStringTuple:
                parts.append(f'<c r="{letters[c]}{number}"{style} t="s"><v>{cell.string}</v></c>')
            elif kind is CellNumberTuple:
                parts.append(f'<c r="{letters[c]}{number}"{style}><v>{cell.number:.16G}</v></c>')
            elif kind is CellBlankTuple:
                parts.append(f'<c r="{letters[c]}{number}"{style}/>')
            else:
                if parts:
                    write("".join(parts))
                    parts.clear()
                self._write_cell(r, c, cell)

        # Rows of one block with nothing else in them (no holes, no other cells, no row
        # settings) are made a block's column at a time, when the first of them is reached.
        plain_start = (
            self.default_row_height == self.original_row_height and self.excel_version != 2010
        )
        runs: dict[int, tuple[_Deferred, list[int]]] = {}  # first row -> a segment, the rows
        run_of: dict[tuple[int, int], int] = {}  # (block's formats, left) -> its first row
        if plain_start and not column_formats:
            for r in rows:
                segments = deferred.get(r)
                if segments is None or len(segments) > 1 or r in row_info:
                    continue
                head, cells = segments[0], table.get(r)
                if cells and not (
                    head.holes and head.holes_hold(cells)
                    and all(_inline(cell) for cell in cells.values())
                ):  # fmt: skip
                    continue
                first = run_of.setdefault((id(head.formats), head.left), r)
                runs.setdefault(first, (head, []))[1].append(r)
        made: dict[int, str] = {}

        for r in rows:
            run = runs.get(r)
            if run is not None:
                made.update(self._rows_xml(run[0], run[1], deferred, letters, shared, xf, table))
            xml = made.pop(r, None)
            if xml is not None:
                write(xml)
                continue
            cells = table.get(r)
            info = row_info.get(r)
            default_format = info is not None and info.row_format is not None
            segments = deferred.get(r)
            segment: _Deferred | None = None
            if segments is not None:
                segment = segments[0]
                if (
                    len(segments) > 1 or default_format or column_formats
                    or (cells and not segment.holes_hold(cells))
                ):  # among other cells: made cells, as they are  # fmt: skip
                    for each in segments:
                        each.cells(table[r], shared)
                    cells, segment = table[r], None
            if not cells and segment is None:
                self._write_empty_row(r, None, info)
                continue
            self._write_row(r, None, info)
            number = str(r + 1)
            if segment is None:
                for c in sorted(cells):
                    emit(r, c, cells[c], number, default_format)
            else:
                start, stop = segment.left, segment.left + len(segment.values)
                for c in sorted(c for c in cells or () if c < start):
                    emit(r, c, cells[c], number, default_format)
                segment.xml(parts, number, letters, shared, xf, cells,
                            lambda c, cell, r=r, number=number: emit(r, c, cell, number, False))  # fmt: skip
                for c in sorted(c for c in cells or () if c >= stop):
                    emit(r, c, cells[c], number, default_format)
            parts.append("</row>")
            write("".join(parts))
            parts.clear()

    @staticmethod
    def _rows_xml(
        segment: _Deferred, rows: list[int], deferred: dict[int, list[_Deferred]],
        letters: list[str], shared: Any, xf: dict[int, int], table: dict[int, dict[int, Any]],
    ) -> dict[int, str]:  # fmt: skip
        """The whole <row> elements of deferred rows of one block (no other cells than at
        its holes, each of them text, a number or a styled blank; no row settings), made a
        column at a time."""
        left = segment.left
        styles = _styles(segment.formats, xf)
        numbers = [str(r + 1) for r in rows]
        values = [deferred[r][0].values for r in rows]

        def hole(r: int, c: int, n: str) -> str:
            cell = table[r].get(c) if r in table else None
            return "" if cell is None else _cell_xml(cell, f"{letters[c]}{n}", xf)

        columns = []
        for offset, style in enumerate(styles):
            c = left + offset
            letter = letters[c]
            columns.append([
                (f'<c r="{letter}{n}" t="s"><v>{shared(v)}</v></c>' if v else "")
                if (kind := type(v)) is str
                else f'<c r="{letter}{n}"{style}><v>{v:.16G}</v></c>'
                if kind is float or kind is int
                else "" if v is None
                else hole(r, c, n)
                for r, n, v in zip(rows, numbers, [row[offset] for row in values], strict=True)
            ])  # fmt: skip
        return {
            r: "".join((f'<row r="{n}">', *parts, "</row>"))
            for r, n, *parts in zip(rows, numbers, *columns, strict=True)
        }


def _inline(cell: Any) -> bool:
    """Whether an XlsxWriter cell can be written among deferred values (`_cell_xml`): text, a
    number, or a blank with a format."""
    kind = type(cell)
    return (
        kind is CellStringTuple
        or kind is CellNumberTuple
        or (kind is CellBlankTuple and cell.format is not None)
    )


def _cell_xml(cell: Any, reference: str, xf: dict[int, int]) -> str:
    """The <c> element of a cell that `_inline` accepts."""
    style = _styles([cell.format], xf)[0]
    kind = type(cell)
    if kind is CellStringTuple:
        return f'<c r="{reference}"{style} t="s"><v>{cell.string}</v></c>'
    if kind is CellNumberTuple:
        return f'<c r="{reference}"{style}><v>{cell.number:.16G}</v></c>'
    return f'<c r="{reference}"{style}/>'


def _styles(formats: list[Any], xf: dict[int, int]) -> list[str]:
    """The s="..." attribute of each format (empty for none)."""
    styles = []
    for cell_format in formats:
        if cell_format is None:
            styles.append("")
            continue
        index = xf.get(id(cell_format))
        if index is None:
            index = xf[id(cell_format)] = cell_format._get_xf_index()
        styles.append(f' s="{index}"')
    return styles


class _Deferred:
    """One row's deferred values (planner.xlsx.blocks) from column `left` (0-based): plain
    text shorter than _SHORT_TEXT, finite numbers under their column's format, blanks, and
    HOLE where the value became a cell of its own."""

    __slots__ = ("formats", "holes", "left", "values")

    def __init__(self, left: int, values: list[Any], formats: list[Any], holes: bool) -> None:
        self.left, self.values, self.formats, self.holes = left, values, formats, holes

    def holes_hold(self, cells: dict[int, Any]) -> bool:
        """Whether every cell of the row inside this segment stands at one of its holes."""
        left, values = self.left, self.values
        return all(values[c - left] is HOLE for c in cells if left <= c < left + len(values))

    def cells(self, row: dict[int, Any], shared: Any) -> None:
        """The values as XlsxWriter's cells, into the row's dictionary of cells (a cell there
        already stays)."""
        formats = self.formats
        for offset, value in enumerate(self.values, start=self.left):
            kind = type(value)
            if offset in row:
                continue
            if kind is str:
                if value:
                    row[offset] = CellStringTuple(shared(value), None)
            elif kind is float or kind is int:
                row[offset] = CellNumberTuple(value, formats[offset - self.left])

    def xml(
        self, parts: list[str], number: str, letters: list[str], shared: Any,
        xf: dict[int, int], cells: dict[int, Any] | None, emit: Any,
    ) -> None:  # fmt: skip
        """The row's <c> elements into `parts`; a hole's cell (in `cells`) through `emit`."""
        append = parts.append
        styles = _styles(self.formats, xf)
        for offset, value in enumerate(self.values, start=self.left):
            kind = type(value)
            if kind is str:
                if value:
                    append(f'<c r="{letters[offset]}{number}" t="s"><v>{shared(value)}</v></c>')
            elif kind is float or kind is int:
                append(
                    f'<c r="{letters[offset]}{number}"{styles[offset - self.left]}>'
                    f"<v>{value:.16G}</v></c>"
                )
            elif value is HOLE and cells and offset in cells:
                emit(offset, cells[offset])


class _Formats:
    """XlsxWriter formats for openpyxl styles, made once per distinct style."""

    def __init__(self, book: Any, workbook: Workbook) -> None:
        self._book = book
        self._workbook = workbook
        self._by_style: dict[bytes, Any] = {}

    def of(self, cell: Any) -> Any:
        style = cell._style
        if not style:  # None (never styled) or openpyxl's default style
            return None
        key = style.tobytes()
        made = self._by_style.get(key, False)
        if made is False:
            made = self._by_style[key] = self._make(cell)
        return made

    def _make(self, cell: Any) -> Any:
        properties: dict[str, object] = {}
        font = cell.font
        if font.b:
            properties["bold"] = True
        if font.i:
            properties["italic"] = True
        if font.u:
            properties["underline"] = 1
        if font.strike:
            properties["font_strikeout"] = True
        if font.sz and float(font.sz) != 11:
            properties["font_size"] = float(font.sz)
        if font.name and font.name != "Calibri":
            properties["font_name"] = font.name
        colour = _colour(font.color)
        if colour and colour != "#000000":
            properties["font_color"] = colour
        fill = cell.fill
        if getattr(fill, "fill_type", None) == "solid":
            properties["pattern"] = 1
            properties["bg_color"] = _colour(fill.start_color) or "#FFFFFF"
        border = cell.border
        for side in ("left", "right", "top", "bottom"):
            line = getattr(border, side)
            if line is not None and line.style:
                properties[side] = _BORDERS.get(line.style, 1)
                side_colour = _colour(line.color)
                if side_colour:
                    properties[f"{side}_color"] = side_colour
        alignment = cell.alignment
        if alignment.horizontal and alignment.horizontal != "general":
            properties["align"] = alignment.horizontal
        if alignment.vertical:
            properties["valign"] = _VERTICAL.get(alignment.vertical, alignment.vertical)
        if alignment.wrap_text:
            properties["text_wrap"] = True
        if alignment.indent:
            properties["indent"] = int(alignment.indent)
        if alignment.shrink_to_fit:
            properties["shrink"] = True
        if alignment.text_rotation:
            properties["rotation"] = int(alignment.text_rotation)
        if cell.number_format and cell.number_format != "General":
            properties["num_format"] = cell.number_format
        if cell.quotePrefix:
            properties["quote_prefix"] = True
        if cell.protection.locked is False:
            properties["locked"] = False
        return self._book.add_format(properties) if properties else None


# --- one worksheet --------------------------------------------------------------------------


def _write_sheet(ws: Worksheet, sheet: Any, formats: _Formats, book: Any) -> None:
    if ws.sheet_state == "hidden":
        sheet.hide()
    elif ws.sheet_state == "veryHidden":
        sheet.very_hidden()
    if ws.freeze_panes:
        column, row = _cell(ws.freeze_panes)
        sheet.freeze_panes(row - 1, column - 1)
    view = ws.sheet_view
    if view.showGridLines is False:
        sheet.hide_gridlines(2)
    if view.zoomScale and int(view.zoomScale) != 100:
        sheet.set_zoom(int(view.zoomScale))
    if ws.sheet_properties.tabColor is not None and _colour(ws.sheet_properties.tabColor):
        sheet.set_tab_color(_colour(ws.sheet_properties.tabColor))
    for dimension in ws.column_dimensions.values():
        if dimension.width or dimension.hidden:
            first = (dimension.min or column_number(dimension.index)) - 1
            last = (dimension.max or first + 1) - 1
            options = {"hidden": True} if dimension.hidden else None
            # In pixels (7 to a character of Calibri 11), so that the file holds the width the
            # sheet set, as openpyxl writes it: set_column would add Excel's 5-pixel padding.
            pixels = round(dimension.width * 7) if dimension.width else None
            sheet.set_column_pixels(first, last, pixels, None, options)
    for number, dimension in ws.row_dimensions.items():
        if dimension.height is not None or dimension.hidden:
            options = {"hidden": True} if dimension.hidden else None
            sheet.set_row(number - 1, dimension.height, None, options)
    # Tables first: XlsxWriter writes a table's header cells itself, and the styled header
    # cells written below must replace them.
    for table in ws.tables.values():
        _table(ws, sheet, table)
    merged: set[tuple[int, int]] = set()
    for span in ws.merged_cells.ranges:
        if span.min_row == span.max_row and span.min_col == span.max_col:
            continue  # one cell: nothing to merge
        top_left = ws.cell(row=span.min_row, column=span.min_col)
        sheet.merge_range(
            span.min_row - 1, span.min_col - 1, span.max_row - 1, span.max_col - 1, "",
            formats.of(top_left),
        )  # fmt: skip
        for r in range(span.min_row, span.max_row + 1):
            for c in range(span.min_col, span.max_col + 1):
                if (r, c) != (span.min_row, span.min_col):
                    merged.add((r, c))
    _write_cells(ws, sheet, formats, merged)
    for rules in ws.conditional_formatting:
        for rule in rules.rules:
            sheet.conditional_format(str(rules.sqref), _colour_scale(rule))
    for validation in ws.data_validations.dataValidation:
        _validation(sheet, validation)
    _page_setup(ws, sheet)
    for chart in ws._charts:
        _chart(ws, sheet, chart, book)


def _write_cells(
    ws: Worksheet, sheet: Any, formats: _Formats, merged: set[tuple[int, int]]
) -> None:
    """Every cell of `ws` but the hidden parts of merged ranges, with its format and comment.

    Plain text, numbers and styled blanks (nearly all of a national result's 190,000 cells) go
    straight into XlsxWriter's cell table, as its write_string, write_number and write_blank
    store them, without their per-call argument checks (half of XlsxWriter's time here); the
    sheet's bounds are then set from the corners. Anything else takes XlsxWriter's own methods.
    """
    table, shared = sheet.table, sheet.str_table._get_shared_string_index
    style_of = formats.of
    first_row = first_column = _MAX_INDEX
    last_row = last_column = -1
    # In the order openpyxl made them: XlsxWriter sorts rows and cells itself when it saves.
    for (row, column), cell in raw_cells(ws).items():
        if merged and (row, column) in merged:
            continue
        value = cell._value
        style = style_of(cell)
        r, c = row - 1, column - 1
        kind = type(value)
        if kind is str and value and len(value) < _SHORT_TEXT:
            if "\r" in value:
                # openpyxl writes a carriage return raw, and XML reads it as a line feed;
                # XlsxWriter would keep it (as _x000D_): keep what the planner's files have said.
                value = value.replace("\r\n", "\n").replace("\r", "\n")
            table[r][c] = CellStringTuple(shared(value), style)
        elif (kind is float and isfinite(value)) or kind is int:
            table[r][c] = CellNumberTuple(value, style)
        elif value is None or value == "":  # openpyxl writes "" as an empty cell too
            if style is None:  # nothing to write, and no bounds to widen
                if cell._comment is not None:
                    _comment(sheet, r, c, cell._comment)
                continue
            table[r][c] = CellBlankTuple(style)
        else:
            _write_value(ws, sheet, cell, r, c, style)
        if r < first_row:
            first_row = r
        if r > last_row:
            last_row = r
        if c < first_column:
            first_column = c
        if c > last_column:
            last_column = c
        if cell._comment is not None:
            _comment(sheet, r, c, cell._comment)
    deferred: dict[int, list[_Deferred]] = {}
    for block in blocks_of(ws):  # deferred rows: plain text, finite numbers and blanks
        column_formats = [
            None if style is None else style_of(make_cell(ws, 1, 1, 0, style))
            for style in block.styles
        ]
        left = block.left - 1
        found = [
            (r, values)
            for r, values in enumerate(block.rows, start=block.top - 1)
            if values is not None
            and len(values) > values.count(None) + values.count("") + values.count(HOLE)
        ]
        if not found:
            continue
        first_row = min(first_row, found[0][0])
        last_row = max(last_row, found[-1][0])
        # The first and the last column written (found rows each write one at least).
        first_written = next(
            o for o in range(block.width) if any(_written(v[o]) for _r, v in found)
        )
        last_written = next(
            o for o in reversed(range(block.width)) if any(_written(v[o]) for _r, v in found)
        )
        first_column = min(first_column, left + first_written)
        last_column = max(last_column, left + last_written)
        texts = [v for _r, values in found for v in values if type(v) is str and v]
        long = any(len(text) >= _SHORT_TEXT for text in texts)
        if not long:
            # Each text counted now, row by row: XlsxWriter sorts the strings before saving.
            list(map(shared, texts))
        for r, values in found:
            if long and any(type(v) is str and len(v) >= _SHORT_TEXT for v in values):
                # Text too long for the short way: XlsxWriter's own checks, on this row's cells.
                row_table = table[r]
                for offset, value in enumerate(values, start=left):
                    if type(value) is str and value:
                        sheet.write_string(r, offset, value)
                    elif type(value) is float or type(value) is int:
                        row_table[offset] = CellNumberTuple(value, column_formats[offset - left])
                continue
            if long:
                for value in values:
                    if type(value) is str and value:
                        shared(value)
            deferred.setdefault(r, []).append(
                _Deferred(left, values, column_formats, HOLE in values)
            )
    sheet.deferred_rows = deferred
    # The shared strings' indexes, kept: XlsxWriter replaces this dictionary when it sorts them.
    sheet.string_index = sheet.str_table.string_table
    if last_row >= 0:
        for r, c in ((first_row, first_column), (last_row, last_column)):
            if sheet._check_dimensions(r, c):
                raise ValueError(f"{ws.title}: a cell beyond the sheet's last row or column")


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Whether two ranges (first row, first column, last row, last column) share a cell."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _written(value: object) -> bool:
    """Whether a deferred value is written as a cell (not a blank, "" or a HOLE)."""
    return value is not None and value is not HOLE and value != ""


def _comment(sheet: Any, r: int, c: int, note: Any) -> None:
    sheet.write_comment(
        r, c, note.text,
        {"author": note.author or "", "width": int(note.width), "height": int(note.height)},
    )  # fmt: skip


def _write_value(ws: Worksheet, sheet: Any, cell: Any, r: int, c: int, style: Any) -> None:
    """A value of any other kind, through XlsxWriter's own methods."""
    value = cell._value
    if isinstance(value, str):
        if "\r" in value:  # as in _write_cells
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        sheet.write_string(r, c, value, style)
    elif isinstance(value, bool):
        sheet.write_boolean(r, c, value, style)
    elif isinstance(value, int | float):
        sheet.write_number(r, c, value, style)  # raises on inf and NaN, as it should
    elif isinstance(value, dt.datetime | dt.date | dt.time):
        sheet.write_datetime(r, c, value, style)
    elif isinstance(value, dt.timedelta):
        sheet.write_number(r, c, value.total_seconds() / 86_400, style)
    else:
        raise ValueError(f"{ws.title}!{cell.coordinate}: a value of type {type(value)}")


def _cell(reference: str) -> tuple[int, int]:
    """(column, row), both 1-based, of a reference such as C2 or $C$2."""
    match = _ABSOLUTE.fullmatch(reference)
    if match is None:
        raise ValueError(f"not a cell reference: {reference!r}")
    return column_number(match[1]), int(match[2])


def _table(ws: Worksheet, sheet: Any, table: Any) -> None:
    first_column, first_row, last_column, last_row = range_boundaries(table.ref)
    headers = [
        str(ws.cell(row=first_row, column=c).value or f"Column{c - first_column + 1}")
        for c in range(first_column, last_column + 1)
    ]
    style = table.tableStyleInfo
    options: dict[str, object] = {
        "name": table.displayName,
        "columns": [{"header": header} for header in headers],
        "autofilter": True,  # as openpyxl writes every table
    }
    if style is not None:
        options["style"] = style.name
        options["banded_rows"] = bool(style.showRowStripes)
        options["banded_columns"] = bool(style.showColumnStripes)
        options["first_column"] = bool(style.showFirstColumn)
        options["last_column"] = bool(style.showLastColumn)
    sheet.add_table(first_row - 1, first_column - 1, last_row - 1, last_column - 1, options)


def _colour_scale(rule: Any) -> dict[str, object]:
    points = rule.colorScale.cfvo
    colours = [_colour(c) for c in rule.colorScale.color]
    names = ("min", "mid", "max") if len(points) == 3 else ("min", "max")
    options: dict[str, object] = {"type": f"{len(points)}_color_scale"}
    for name, point, colour in zip(names, points, colours, strict=True):
        options[f"{name}_type"] = point.type
        if point.val is not None:
            options[f"{name}_value"] = float(point.val)
        options[f"{name}_color"] = colour
    return options


def _validation(sheet: Any, validation: Any) -> None:
    formula = validation.formula1 or ""
    if formula.startswith('"') and formula.endswith('"'):
        source: object = formula[1:-1].split(",")
    else:
        source = "=" + formula.lstrip("=")
    options: dict[str, object] = {
        "validate": "list",
        "source": source,
        "ignore_blank": bool(validation.allow_blank),
        "show_error": bool(validation.showErrorMessage),
        "show_input": bool(validation.showInputMessage),
        # openpyxl's showDropDown is the file's flag, which (oddly) hides the arrow when set.
        "dropdown": not validation.showDropDown,
    }
    if validation.errorTitle:
        options["error_title"] = validation.errorTitle
    if validation.error:
        options["error_message"] = validation.error
    if validation.promptTitle:
        options["input_title"] = validation.promptTitle
    if validation.prompt:
        options["input_message"] = validation.prompt
    for ranges in str(validation.sqref).split():
        first_column, first_row, last_column, last_row = range_boundaries(ranges)
        sheet.data_validation(first_row - 1, first_column - 1, last_row - 1, last_column - 1,
                              options)  # fmt: skip


def _page_setup(ws: Worksheet, sheet: Any) -> None:
    setup = ws.page_setup
    if setup.orientation == "landscape":
        sheet.set_landscape()
    elif setup.orientation == "portrait":
        sheet.set_portrait()
    if setup.paperSize:
        sheet.set_paper(int(setup.paperSize))
    properties = ws.sheet_properties.pageSetUpPr
    if properties is not None and properties.fitToPage:
        sheet.fit_to_pages(int(setup.fitToWidth or 0), int(setup.fitToHeight or 0))
    if ws.print_options.horizontalCentered:
        sheet.center_horizontally()
    if ws.print_options.verticalCentered:
        sheet.center_vertically()
    margins = ws.page_margins
    sheet.set_margins(margins.left, margins.right, margins.top, margins.bottom)
    header, footer = str(ws.oddHeader), str(ws.oddFooter)
    if header:
        sheet.set_header(header, {"margin": margins.header})
    if footer:
        sheet.set_footer(footer, {"margin": margins.footer})
    if ws.print_title_rows:
        first, last = (int(part.strip("$")) for part in ws.print_title_rows.split(":"))
        sheet.repeat_rows(first - 1, last - 1)
    if ws.print_area:
        area = str(ws.print_area).rsplit("!", 1)[-1]
        first_column, first_row, last_column, last_row = range_boundaries(area.replace("$", ""))
        sheet.print_area(first_row - 1, first_column - 1, last_row - 1, last_column - 1)
    breaks = sorted(b.id for b in ws.row_breaks.brk)
    if breaks:
        sheet.set_h_pagebreaks(breaks)


# --- charts ---------------------------------------------------------------------------------


def _text(title: Any) -> str | None:
    """The plain text of an openpyxl chart or axis title."""
    if title is None:
        return None
    rich = title.tx.rich if title.tx is not None else None
    if rich is None:
        return None
    return "\n".join("".join(run.t for run in (p.r or [])) for p in rich.p)


def _reference(formula: str) -> str:
    return formula if formula.startswith("=") else "=" + formula


def _line(properties: Any) -> dict[str, object] | None:
    line = properties.ln if properties is not None else None
    if line is None:
        return None
    if line.noFill:
        return {"none": True}
    options: dict[str, object] = {}
    colour = _solid(line.solidFill)
    if colour:
        options["color"] = colour
    if line.w:
        options["width"] = line.w / _EMU_PER_POINT
    if line.prstDash:
        options["dash_type"] = _DASHES.get(line.prstDash, "solid")
    return options or None


def _solid(fill: Any) -> str | None:
    if fill is None:
        return None
    if isinstance(fill, str):
        return "#" + fill[-6:]
    srgb = getattr(fill, "srgbClr", None)
    value = getattr(srgb, "val", None) if srgb is not None else None
    return "#" + value[-6:] if isinstance(value, str) else None


def _series(series: Any, secondary: bool) -> dict[str, object]:
    options: dict[str, object] = {"values": _reference(series.val.numRef.f)}
    if series.cat is not None:
        reference = series.cat.numRef or series.cat.strRef
        options["categories"] = _reference(reference.f)
    if series.tx is not None:
        if series.tx.strRef is not None:
            options["name"] = _reference(series.tx.strRef.f)
        elif series.tx.v is not None:
            options["name"] = series.tx.v
    properties = series.graphicalProperties
    fill = _solid(properties.solidFill) if properties is not None else None
    if fill:
        options["fill"] = {"color": fill}
    line = _line(properties)
    if line:
        options["line"] = line
        options["border"] = line
    marker = series.marker
    if marker is not None and marker.symbol:
        marker_options: dict[str, object] = {"type": marker.symbol}
        if marker.size:
            marker_options["size"] = int(marker.size)
        marker_fill = _solid(marker.spPr.solidFill) if marker.spPr is not None else None
        if marker_fill:
            marker_options["fill"] = {"color": marker_fill}
        marker_line = _line(marker.spPr)
        if marker_line:
            marker_options["border"] = marker_line
        options["marker"] = marker_options
    if series.smooth:
        options["smooth"] = True
    if secondary:
        options["y2_axis"] = True
    return options


def _axis(axis: Any, other: Any) -> dict[str, object]:
    options: dict[str, object] = {}
    name = _text(axis.title)
    if name:
        options["name"] = name
    if axis.numFmt is not None and axis.numFmt.formatCode:
        options["num_format"] = axis.numFmt.formatCode
    if axis.scaling.orientation == "maxMin":
        options["reverse"] = True
    if axis.scaling.min is not None:
        options["min"] = axis.scaling.min
    if axis.scaling.max is not None:
        options["max"] = axis.scaling.max
    if axis.delete:
        options["visible"] = False
    if axis.majorGridlines is None:
        options["major_gridlines"] = {"visible": False}
    else:
        options["major_gridlines"] = {"visible": True}
    # XlsxWriter writes an axis' <c:crosses> from the other axis' options.
    if other.crosses in ("max", "min"):
        options["crossing"] = other.crosses
    size = _font_size(axis.txPr)
    if size:
        options["num_font"] = {"size": size}
    return options


def _font_size(text: Any) -> float | None:
    try:
        size = text.p[0].pPr.defRPr.sz
    except (AttributeError, IndexError):
        return None
    return size / 100 if size else None


def _kind(chart: Any) -> dict[str, str]:
    if isinstance(chart, BarChart):
        kind = "bar" if chart.type == "bar" else "column"
        grouping = {"stacked": "stacked", "percentStacked": "percent_stacked"}.get(chart.grouping)
        return {"type": kind, **({"subtype": grouping} if grouping else {})}
    return {"type": "line"}


def _chart(ws: Worksheet, sheet: Any, chart: Any, book: Any) -> None:
    main = book.add_chart(_kind(chart))
    for series in chart.series:
        main.add_series(_series(series, False))
    for extra in chart._charts[1:]:
        second = book.add_chart(_kind(extra))
        secondary = extra.y_axis.axId != chart.y_axis.axId
        for series in extra.series:
            second.add_series(_series(series, secondary))
        if secondary:
            second.set_y2_axis(_axis(extra.y_axis, extra.x_axis))
        main.combine(second)
    title = _text(chart.title)
    if title:
        main.set_title({"name": title})
    main.set_x_axis(_axis(chart.x_axis, chart.y_axis))
    main.set_y_axis(_axis(chart.y_axis, chart.x_axis))
    if chart.legend is None:
        main.set_legend({"none": True})
    elif chart.legend.position:
        main.set_legend({"position": _LEGEND.get(chart.legend.position, "right")})
    if chart.style:
        main.set_style(int(chart.style))
    main.set_size({
        "width": round(chart.width * _EMU_PER_CM / _EMU_PER_PIXEL),
        "height": round(chart.height * _EMU_PER_CM / _EMU_PER_PIXEL),
    })  # fmt: skip
    anchor = chart.anchor
    if isinstance(anchor, str):
        column, row = _cell(anchor)
    else:
        column, row = anchor._from.col + 1, anchor._from.row + 1
    sheet.insert_chart(row - 1, column - 1, main, {"object_position": 1})
