"""planner.xlsx.blocks: table rows kept as rows (deferred) until the workbook is written.

Written straight from the rows, a workbook reads back as the same workbook written from the
cells the rows make (`materialise`): every cell, width, height, table, chart cache and part of
the file. The cells a sheet function styles or reads afterwards (`ws.cell`) are ordinary cells;
any other use of the cell dictionary makes them all first. XlsxWriter's check that tables and
merged ranges do not overlap still holds for the rows below a table's first data row."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import openpyxl
import pytest
from xlsxwriter.exceptions import OverlappingRange

from planner.datasets.generate import generate
from planner.domain import Objective
from planner.reports.charts import ALERT_FILL, Col, add_table, fit_columns
from planner.reports.result_workbook import result_workbook
from planner.solve import solve
from planner.xlsx.blocks import HOLE, BlockSheet, blocks_of, raw_cells
from planner.xlsx.export import FastWorkbook, write_xlsx
from planner.xlsx.writing import COEFFICIENT, PEOPLE, WRAP_TOP, merge
from tests.xlsx.test_export import _cells, _sheet_facts

# Parts that name the time of writing, or whose order of strings follows the order of writing.
_VOLATILE = {"docProps/core.xml", "xl/sharedStrings.xml"}


def _region(services: bool):
    scenario = generate("region", 3)
    settings = dataclasses.replace(
        scenario.settings, objective=Objective.MINMAX, allow_service_moves=services
    )
    return solve(dataclasses.replace(scenario, settings=settings))


def _written(workbook) -> bytes:
    stream = io.BytesIO()
    write_xlsx(workbook, stream)
    return stream.getvalue()


@pytest.mark.parametrize("services", [False, True], ids=["staff", "services"])
def test_deferred_rows_write_the_workbook_their_cells_write(services):
    """A generated region's result, written from its deferred rows and written from the cells
    they make: the same cells, widths, heights, tables and page setup read back, and every
    part of the file but the sheets, the shared strings and the time of writing is the same
    byte for byte (the charts' cached values among them)."""
    result = _region(services)
    deferred = result_workbook(result)
    units = deferred["Units"]
    assert sum(len(b.rows) for b in blocks_of(units)) == len(result.units) + len(
        result.scenario.groups
    ) + len({u.parent for u in result.units if u.parent})  # units, group totals, roll-ups
    made = result_workbook(result)
    for ws in made.worksheets:
        ws.materialise()
        assert blocks_of(ws) == []
    direct, from_cells = _written(deferred), _written(made)
    ours, theirs = (openpyxl.load_workbook(io.BytesIO(data)) for data in (direct, from_cells))
    assert ours.sheetnames == theirs.sheetnames
    for name in ours.sheetnames:
        assert _cells(ours[name]) == _cells(theirs[name]), name
        assert _sheet_facts(ours[name]) == _sheet_facts(theirs[name]), name
    with zipfile.ZipFile(io.BytesIO(direct)) as a, zipfile.ZipFile(io.BytesIO(from_cells)) as b:
        assert a.namelist() == b.namelist()
        for part in a.namelist():
            if part not in _VOLATILE and not part.startswith("xl/worksheets/sheet"):
                assert a.read(part) == b.read(part), part


def _sheet_with_table() -> BlockSheet:
    ws = FastWorkbook().active
    columns = [Col("Unit"), Col("Employees", PEOPLE), Col("Coefficient", COEFFICIENT)]
    add_table(ws, "T", columns, [["a", 3, 0.5], ["b", 12, float("inf")], ["c", None, 1.25]])
    return ws


def test_a_table_is_kept_as_rows_and_reads_as_cells():
    """The three rows of a table stay rows (no cell made); ws.cell makes the one cell asked
    for, with its value and number format, and leaves a hole in the rows; an infinite
    coefficient reads 'no staff'. Reading the cell dictionary makes every other cell."""
    ws = _sheet_with_table()
    assert isinstance(ws, BlockSheet)
    assert sorted(raw_cells(ws)) == [(1, 1), (1, 2), (1, 3)]  # the header only
    (block,) = blocks_of(ws)
    assert block.rows == [["a", 3, 0.5], ["b", 12, "no staff"], ["c", None, 1.25]]
    assert (ws.max_row, ws.max_column) == (4, 3)
    cell = ws.cell(row=3, column=2)
    assert (cell.value, cell.number_format, cell.data_type) == (12, PEOPLE, "n")
    assert block.rows[1] == ["b", HOLE, "no staff"]
    assert ws.cell(row=3, column=2) is cell
    assert ws["C4"].number_format == COEFFICIENT and ws["C4"].value == 1.25
    assert ws["C3"].value == "no staff" and ws["C3"].number_format == "General"
    assert len(ws._cells) == 12  # header, and every row made cells (blank B4 too)
    assert blocks_of(ws) == []
    assert ws["A2"].value == "a" and ws["B4"].value is None


def test_rows_with_other_values_are_cells():
    """A row with text that could be read as a formula is made of cells (quote prefix kept);
    the plain rows around it stay rows."""
    ws = FastWorkbook().active
    add_table(ws, "T", [Col("Name"), Col("Staff", PEOPLE)], [["a", 1], ["=b", 2], ["c", 3]])
    (block,) = blocks_of(ws)
    assert block.rows == [["a", 1], None, ["c", 3]]
    assert raw_cells(ws)[3, 1].value == "=b" and raw_cells(ws)[3, 1].quotePrefix
    assert raw_cells(ws)[3, 2].value == 2


def test_long_text_in_rows_wraps_and_a_merge_makes_cells():
    """fit_columns: a text of 70 characters in a deferred row widens its column to the most
    (60) and is wrapped, as a cell; a merge over a deferred row makes its cells first."""
    ws = FastWorkbook().active
    add_table(ws, "T", [Col("Detail"), Col("Staff", PEOPLE)], [["x" * 70, 1], ["short", 22]])
    fit_columns(ws)
    assert ws.column_dimensions["A"].width == 60
    assert ws.column_dimensions["B"].width == 8  # "Staff": the header's 5 + 2, at least 8
    assert raw_cells(ws)[2, 1].alignment == WRAP_TOP
    merge(ws, 3, 1, 2)
    assert [str(r) for r in ws.merged_cells.ranges] == ["A3:B3"]
    assert raw_cells(ws)[3, 1].value == "short"
    assert type(raw_cells(ws)[3, 2]).__name__ == "MergedCell"


def test_styled_cells_of_a_table_read_back():
    """A fill put on one deferred cell (ws.cell) is written with it; the other rows' values
    and formats read back as written."""
    ws = _sheet_with_table()
    ws.cell(row=2, column=3).fill = ALERT_FILL
    back = openpyxl.load_workbook(io.BytesIO(_written(ws.parent))).active
    assert [[c.value for c in row] for row in back.iter_rows(min_row=2)] == [
        ["a", 3, 0.5], ["b", 12, "no staff"], ["c", None, 1.25],
    ]  # fmt: skip
    assert back["C2"].fill.start_color.rgb.endswith("F8CBAD")
    assert back["C4"].fill.fill_type is None
    assert (back["B3"].number_format, back["C4"].number_format) == (PEOPLE, COEFFICIENT)
    assert [t.ref for t in back.tables.values()] == ["A1:C4"]


def test_overlapping_tables_and_merges_are_refused_below_the_first_row():
    """Two tables sharing row 6 (the fourth data row of the first), and a merge over row 8 of
    a table: XlsxWriter's error, as its own check of every cell raised it."""
    ws = FastWorkbook().active
    columns = [Col("Unit"), Col("Staff", PEOPLE)]
    add_table(ws, "First", columns, [[f"u{i}", i] for i in range(10)])
    add_table(ws, "Second", columns, [["v", 1]], top=6, left=2)
    with pytest.raises(OverlappingRange, match="A1:B11"):
        _written(ws.parent)
    ws = FastWorkbook().active
    add_table(ws, "Only", columns, [[f"u{i}", i] for i in range(10)])
    ws.cell(row=8, column=1)  # the merge's top left, an ordinary cell
    merge(ws, 8, 1, 3)
    with pytest.raises(OverlappingRange, match="A8:C8"):
        _written(ws.parent)
