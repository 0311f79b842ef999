"""The write path of the output workbooks (issue 14): a generated region's result written by
XlsxWriter reads back as openpyxl's own writer writes the same model, with and without services
moved; the shortcuts taken while building (merging rows, column widths from each column's lowest
and highest number) give the layout the plain rules give; the document properties are set; and
the frontier's note rows are sized at the widths they print at."""

from __future__ import annotations

import dataclasses
import io

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell

from planner.datasets.generate import generate
from planner.domain import Objective
from planner.reports.frontier_workbook import frontier_workbook
from planner.reports.result_workbook import result_workbook
from planner.solve import solve
from planner.studies.frontier import frontier
from planner.xlsx.export import FastWorkbook, unsupported, write_xlsx
from planner.xlsx.writing import COEFFICIENT_CHANGE, PEOPLE, fit_columns, merge
from tests.studies.test_compare import two_units
from tests.xlsx.test_export import _assert_same


def _region_result(seed: int, services: bool):
    """Minmax on a generated region, with staff moves and (services) service moves."""
    scenario = generate("region", seed)
    settings = dataclasses.replace(
        scenario.settings, objective=Objective.MINMAX, allow_service_moves=services
    )
    return solve(dataclasses.replace(scenario, settings=settings))


@pytest.fixture(scope="module")
def region_staff():
    return _region_result(1, services=False)


@pytest.fixture(scope="module")
def region_services():
    return _region_result(2, services=True)  # seed 2: the plan moves 3 services


def test_generated_region_reads_back_as_openpyxls(region_staff):
    """A generated region (staff moves only): every sheet's cells, merged ranges, comments,
    drop-downs, tables, widths and heights as openpyxl writes them."""
    assert region_staff.staff_moved > 0
    model = result_workbook(region_staff)
    assert unsupported(model) == []
    _assert_same(model)


def test_generated_region_with_services_moved_reads_back_as_openpyxls(region_services):
    """A region whose plan moves services too: the Reassignments sheet has rows."""
    assert region_services.services_moved == 3
    model = result_workbook(region_services)
    assert unsupported(model) == []
    _assert_same(model)


def test_result_workbook_names_its_creator_and_title(region_staff):
    """docProps/core.xml: creator 'planner' and the plan's title, through XlsxWriter too."""
    stream = io.BytesIO()
    write_xlsx(result_workbook(region_staff), stream)
    properties = openpyxl.load_workbook(stream).properties
    assert properties.creator == "planner"
    assert properties.title == f"Workload plan: {region_staff.scenario.name}"


def test_units_sheet_cells_of_the_generated_region(region_staff):
    """The Units sheet read back: its header, and the first unit's row against the Result."""
    stream = io.BytesIO()
    write_xlsx(result_workbook(region_staff), stream)
    ws = openpyxl.load_workbook(stream)["Units"]
    header = [c.value for c in ws[1]][:7]
    assert header == [
        "Unit ID", "Name", "Level", "Parent", "Group", "Employees before", "Employees after",
    ]  # fmt: skip
    unit = region_staff.units[0]
    row = [c.value for c in ws[2]][:7]
    assert row == [
        unit.unit_id, unit.name, unit.level, unit.parent, unit.group,
        unit.employees_before, unit.employees_after,
    ]  # fmt: skip
    assert ws["K2"].number_format == "0.0000"
    assert ws["K2"].value == pytest.approx(unit.coefficient_before)


def test_merge_makes_what_merge_cells_makes():
    """writing.merge: the same merged range and hidden MergedCells as openpyxl's merge_cells;
    a range merged twice is kept once."""
    ours, theirs = Workbook().active, Workbook().active
    for ws in (ours, theirs):
        ws.cell(row=3, column=1, value="a heading")
    merge(ours, 3, 1, 4)
    merge(ours, 3, 1, 4)
    theirs.merge_cells(start_row=3, start_column=1, end_row=3, end_column=4)
    assert [str(r) for r in ours.merged_cells.ranges] == ["A3:D3"]
    assert [str(r) for r in theirs.merged_cells.ranges] == ["A3:D3"]
    assert [type(ours.cell(row=3, column=c)) for c in range(1, 5)] == [
        type(theirs.cell(row=3, column=c)) for c in range(1, 5)
    ]
    assert isinstance(ours.cell(row=3, column=4), MergedCell)
    assert ours["A3"].value == "a heading"


def test_fit_columns_from_the_lowest_and_highest_number():
    """Widths from the widest shown number: under +#,##0.00 (signed) the widest of -1,234.50,
    +3.00 and +99,999.25 is +99,999.25 (10 characters, width 12); under #,##0 the widest of
    -1,234,567 and 12 is -1,234,567 (width 12); General numbers each count by their own text
    (0.123457 beats 1e+06: width 10)."""
    ws = FastWorkbook().active
    for row, (change, people, general) in enumerate(
        [(-1234.5, -1_234_567, 1_000_000.0), (3, 12, 0.1234567), (99_999.25, 5, 1)], start=2
    ):
        ws.cell(row=row, column=1, value=change).number_format = COEFFICIENT_CHANGE
        ws.cell(row=row, column=2, value=people).number_format = PEOPLE
        ws.cell(row=row, column=3, value=general)
    fit_columns(ws, header_rows=())
    assert [ws.column_dimensions[letter].width for letter in "ABC"] == [12, 12, 10]


def test_frontier_note_rows_sized_at_their_printed_widths():
    """A note of 40 words under the Frontier table spans A:H, which print at 85 width units
    once the numeric columns are narrowed: three wrapped lines, 3 x 15 + 2 = 47 points (sized
    before the narrowing, the row had two lines' height, 32 points, and cut the note off)."""
    result = frontier(two_units(allow_service_moves=False), budgets=range(6))
    result = dataclasses.replace(result, notes=("word " * 40,))
    ws = frontier_workbook(result).active
    assert [str(r) for r in ws.merged_cells.ranges] == ["A9:H9"]
    assert sum(ws.column_dimensions[letter].width for letter in "ABCDEFGH") == 85
    assert ws.row_dimensions[9].height == 47.0
    stream = io.BytesIO()
    frontier_workbook(result).save(stream)  # by openpyxl: its chart marks points
    assert openpyxl.load_workbook(stream).active.row_dimensions[9].height == pytest.approx(47.0)


def test_a_title_with_lone_surrogates_is_stored_with_replacement_characters():
    """A scenario named after a file name that is not UTF-8 (os.fsdecode of b'\\xff'): the
    document title keeps U+FFFD where the byte was, as its cells do, instead of failing."""
    workbook = FastWorkbook()
    workbook.properties.title = "Workload plan: \udcff"
    stream = io.BytesIO()
    write_xlsx(workbook, stream)
    assert openpyxl.load_workbook(stream).properties.title == "Workload plan: \ufffd"
