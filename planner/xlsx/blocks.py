"""Table rows kept as rows until a workbook is written: openpyxl's model without a cell object
per value (issue 14).

A national result holds 190,000 table cells. Made as openpyxl cells, each is walked five
times before its bytes are written (widths, numeric columns, wrapped rows, what XlsxWriter
cannot write, the translation into XlsxWriter's cells). A `BlockSheet` keeps the plain rows of
a table (text, finite numbers, blanks; one number format per column) as a `CellBlock`: the
width passes read its columns, and planner.xlsx.export writes its rows straight to the file.

The sheet is still openpyxl's model to everyone else. Any use of the cell dictionary that this
module does not know (openpyxl's own writer, iter_rows over a range, a test reading
`ws._cells`) first makes every deferred cell (`materialise`), exactly as
planner.reports.charts made them before; `ws.cell(row, column)` makes just that one cell
(`promote`), so a cell that is styled or read afterwards is an ordinary cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["HOLE", "BlockSheet", "CellBlock", "blocks_of", "make_cell", "raw_cells"]


class _Hole:
    """The place of a deferred value that has become a cell of the sheet (`promote`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "HOLE"


HOLE: Any = _Hole()


@dataclass
class CellBlock:
    """Rows of plain values from (top, left), 1-based; a row of None is not deferred (its
    cells are the sheet's), a value HOLE has been made a cell. `formats` holds each column's
    number format (None: General) and `styles` the StyleArray its numbers get."""

    top: int
    left: int
    formats: list[str | None]
    styles: list[StyleArray | None]
    rows: list[list[Any] | None] = field(default_factory=list)
    # offset -> `column(offset)`, kept while no value becomes a cell (the width passes ask twice)
    _columns: dict[int, list[Any]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def width(self) -> int:
        return len(self.formats)

    def holds(self, row: int, column: int) -> bool:
        index = row - self.top
        return (
            0 <= index < len(self.rows)
            and self.left <= column < self.left + len(self.formats)
            and self.rows[index] is not None
        )

    def last_row(self) -> int | None:
        """The last row that has deferred cells (None: none)."""
        for index in range(len(self.rows) - 1, -1, -1):
            if self.rows[index] is not None:
                return self.top + index
        return None

    def column(self, offset: int) -> list[Any]:
        """The deferred values of one column (0-based offset), blanks included."""
        found = self._columns.get(offset)
        if found is None:
            found = self._columns[offset] = [
                value for row in self.rows if row is not None and (value := row[offset]) is not HOLE
            ]
        return found


def make_cell(ws: Worksheet, row: int, column: int, value: Any, style: StyleArray | None) -> Cell:
    """A cell of a plain value as `openpyxl`'s own value setter would store it (text "s",
    anything else "n"), made without its checks: the value is plain text, a finite number or
    None. Not added to the sheet."""
    cell = Cell.__new__(Cell)
    cell.parent = ws
    cell._style = StyleArray(style) if style is not None else None
    cell.row = row
    cell.column = column
    cell._value = value
    cell.data_type = "s" if type(value) is str else "n"
    cell._hyperlink = None
    cell._comment = None
    return cell


class BlockSheet(Worksheet):
    """An openpyxl worksheet whose table rows may be deferred (see the module docstring)."""

    def __init__(self, parent: Any, title: str | None = None) -> None:
        self._raw: dict[tuple[int, int], Any] = {}
        self._blocks: list[CellBlock] = []
        super().__init__(parent, title)

    # openpyxl reads and writes self._cells everywhere: every deferred cell is made first.
    @property
    def _cells(self) -> dict[tuple[int, int], Any]:
        if self._blocks:
            self.materialise()
        return self._raw

    @_cells.setter
    def _cells(self, cells: dict[tuple[int, int], Any]) -> None:
        self._raw = cells

    def defer(self, block: CellBlock) -> None:
        self._blocks.append(block)

    def materialise(self) -> None:
        """Make every deferred cell an ordinary cell of the sheet."""
        blocks, self._blocks = self._blocks, []
        raw = self._raw
        for block in blocks:
            styles = block.styles
            for r, row in enumerate(block.rows, start=block.top):
                if row is None:
                    continue
                for offset, value in enumerate(row):
                    if value is HOLE:
                        continue
                    column = block.left + offset
                    style = styles[offset] if type(value) is not str and value is not None else None
                    raw[r, column] = make_cell(self, r, column, value, style)

    def promote(self, row: int, column: int) -> None:
        """Make the deferred cell at (row, column), if there is one, an ordinary cell."""
        for block in self._blocks:
            if block.holds(row, column):
                values = block.rows[row - block.top]
                assert values is not None  # holds() says so
                offset = column - block.left
                value = values[offset]
                if value is HOLE:
                    return
                values[offset] = HOLE
                block._columns.clear()
                style = (
                    block.styles[offset] if type(value) is not str and value is not None else None
                )
                self._raw[row, column] = make_cell(self, row, column, value, style)
                return

    def _get_cell(self, row: int, column: int) -> Cell:
        if not 0 < row < 1048577:
            raise ValueError(
                f"Row numbers must be between 1 and 1048576. Row number supplied was {row}"
            )
        coordinate = (row, column)
        cell = self._raw.get(coordinate)
        if cell is None:
            if self._blocks:
                self.promote(row, column)
                cell = self._raw.get(coordinate)
            if cell is None:
                cell = Cell(self, row=row, column=column)
                self._add_cell(cell)
        return cell

    def _add_cell(self, cell: Cell) -> None:
        self._current_row: int = max(cell.row, self._current_row)
        self._raw[cell.row, cell.col_idx] = cell

    @property
    def max_row(self) -> int:
        rows = [max(self._raw)[0]] if self._raw else []
        rows += [r for b in self._blocks if (r := b.last_row()) is not None]
        return max(rows, default=1)

    @property
    def max_column(self) -> int:
        columns = [max(c for _r, c in self._raw)] if self._raw else []
        columns += [b.left + b.width - 1 for b in self._blocks if b.last_row() is not None]
        return max(columns, default=1)


def raw_cells(ws: Worksheet) -> dict[tuple[int, int], Any]:
    """The sheet's cell dictionary without making its deferred cells."""
    return ws._raw if isinstance(ws, BlockSheet) else ws._cells


def blocks_of(ws: Worksheet) -> Sequence[CellBlock]:
    """The sheet's deferred rows (none for an ordinary worksheet)."""
    return ws._blocks if isinstance(ws, BlockSheet) else ()
