"""planner.xlsx.export: a workbook written by XlsxWriter reads back, through openpyxl, as the same
workbook openpyxl's own writer makes of the same model: every cell's value, type, number format,
font, fill, alignment and comment, the merged ranges, frozen panes, column widths, row heights,
tables, conditional formats, drop-downs, page setup and chart count. A part XlsxWriter cannot
express sends the whole workbook to openpyxl."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from planner.reports.comparison_workbook import comparison_workbook
from planner.reports.frontier_workbook import frontier_workbook
from planner.reports.result_workbook import result_workbook
from planner.solve import solve
from planner.studies.compare import compare
from planner.studies.frontier import frontier
from planner.workbook import read_scenario
from planner.workbook.template import template_workbook
from planner.workbook.writer import scenario_workbook
from planner.xlsx.export import FastWorkbook, unsupported, write_xlsx
from planner.xlsx.files import save_workbook
from tests.studies.test_compare import three_variants, two_units
from tests.support import COUNT_PATH


def _both(model: Workbook) -> tuple[Workbook, Workbook]:
    """(read back from XlsxWriter's file, read back from openpyxl's file) of one model."""
    ours, theirs = io.BytesIO(), io.BytesIO()
    write_xlsx(model, ours)
    Workbook.save(model, theirs)
    return openpyxl.load_workbook(ours), openpyxl.load_workbook(theirs)


def _rgb(colour) -> str | None:
    """A colour as it shows: its RGB (the alpha byte, which Excel ignores, left out); None for
    the theme's default text colour."""
    rgb = getattr(colour, "rgb", None) if colour is not None else None
    return rgb[-6:] if isinstance(rgb, str) else None


def _cells(ws) -> dict:
    found = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None and not cell.has_style:
                continue
            found[cell.coordinate] = (
                cell.value,
                cell.data_type if cell.value is not None else None,
                cell.number_format,
                bool(cell.font.b),
                bool(cell.font.i),
                _rgb(cell.font.color),
                cell.fill.fill_type,
                _rgb(cell.fill.start_color) if cell.fill.fill_type else None,
                bool(cell.alignment.wrap_text),
                cell.alignment.vertical,
                bool(cell.quotePrefix),
                cell.border.top.style,
                cell.comment.text if cell.comment is not None else None,
            )
    return found


def _sheet_facts(ws) -> dict:
    return {
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "freeze": ws.freeze_panes,
        # Widths to a tenth of a character, heights to a point: XlsxWriter stores both in whole
        # pixels (a row of 17 points is 23 pixels, 17.25 points).
        "widths": {  # per column: a file may group equal neighbours into one <col> range
            column: d.width
            for d in ws.column_dimensions.values()
            if d.customWidth
            for column in range(d.min, d.max + 1)
        },
        "heights": {
            k: d.height
            for k, d in ws.row_dimensions.items()
            if d.height is not None and round(d.height) != 15  # 15: the default height
        },
        "tables": sorted((t.displayName, t.ref) for t in ws.tables.values()),
        "colour_scales": sorted(str(r.sqref) for r in ws.conditional_formatting),
        "drop_downs": sorted(
            (str(v.sqref), v.formula1, v.error) for v in ws.data_validations.dataValidation
        ),
        "setup": (
            ws.page_setup.orientation,
            int(ws.page_setup.paperSize or 0),
            int(ws.page_setup.fitToWidth or 1),
            int(ws.page_setup.fitToHeight or 1),
            bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
            ws.print_title_rows,
            ws.print_area,
            ws.oddHeader.center.text,
            ws.oddFooter.right.text,
            sorted(b.id for b in ws.row_breaks.brk),
        ),
        "charts": len(ws._charts),
    }


def _assert_same(model: Workbook) -> None:
    ours, theirs = _both(model)
    assert ours.sheetnames == theirs.sheetnames
    for name in ours.sheetnames:
        assert _cells(ours[name]) == _cells(theirs[name]), name
        facts, expected = _sheet_facts(ours[name]), _sheet_facts(theirs[name])
        for key, tolerance in (("widths", 0.1), ("heights", 0.75)):
            sizes, expected_sizes = facts.pop(key), expected.pop(key)
            assert sizes.keys() == expected_sizes.keys(), (name, key)
            for index, size in sizes.items():
                assert size == pytest.approx(expected_sizes[index], abs=tolerance), (name, index)
        assert facts == expected, name


@pytest.fixture(scope="module")
def bundled_result():
    if not COUNT_PATH.exists():
        pytest.skip(f"bundled scenario {COUNT_PATH.name} not built yet")
    return solve(read_scenario(COUNT_PATH))


def test_result_workbook_reads_back_as_openpyxls(bundled_result):
    """The bundled result: ten sheets, their tables, charts, colour scales and page setup."""
    model = result_workbook(bundled_result)
    assert unsupported(model) == []
    _assert_same(model)


def test_comparison_workbook_reads_back_as_openpyxls():
    """A comparison of three options, with its combined bar and line chart."""
    model = comparison_workbook(compare([two_units(variants=three_variants())]))
    assert unsupported(model) == []
    _assert_same(model)


def test_scenario_and_template_read_back_as_openpyxls(bundled_result):
    """The scenario writer (comments, drop-downs) and the template."""
    for model in (scenario_workbook(bundled_result.scenario), template_workbook()):
        assert unsupported(model) == []
        _assert_same(model)


def _writer_of(path: Path) -> str:
    # XlsxWriter starts every part with an XML declaration; openpyxl's worksheets have none.
    with zipfile.ZipFile(path) as archive:
        head = archive.read("xl/worksheets/sheet1.xml")[:60]
    return "xlsxwriter" if head.startswith(b"<?xml") else "openpyxl"


def test_save_workbook_writes_through_xlsxwriter(bundled_result, tmp_path):
    """save_workbook on a FastWorkbook uses XlsxWriter; on a plain openpyxl Workbook, openpyxl."""
    fast = save_workbook(result_workbook(bundled_result), tmp_path / "fast.xlsx")
    assert _writer_of(fast) == "xlsxwriter"
    plain = Workbook()
    plain.active["A1"] = "plain"
    assert _writer_of(save_workbook(plain, tmp_path / "plain.xlsx")) == "openpyxl"


def test_per_point_markers_send_the_whole_frontier_to_openpyxl(tmp_path):
    """The frontier marks the budgets where extra moves stop helping with per-point markers,
    which XlsxWriter cannot draw: the workbook is written by openpyxl, whole, and keeps them."""
    model = frontier_workbook(frontier(two_units(allow_service_moves=False), budgets=range(6)))
    assert unsupported(model) == ["Frontier: a chart series with per-point markers or colours"]
    assert isinstance(model, FastWorkbook)
    path = save_workbook(model, tmp_path / "frontier.xlsx")
    assert _writer_of(path) == "openpyxl"
    with pytest.raises(ValueError, match="per-point markers"):
        write_xlsx(model, io.BytesIO())


def test_a_formula_is_never_written_by_xlsxwriter():
    """A formula (which planner never writes) is named, not translated."""
    model = FastWorkbook()
    model.active["B2"] = "=1+1"
    assert unsupported(model) == ["Sheet!B2: a formula"]


def test_text_that_looks_like_a_formula_stays_text():
    """Text put with planner's put() beginning with = + - @ comes back as text, not a formula."""
    from planner.xlsx.writing import put

    model = FastWorkbook()
    for row, text in enumerate(("=1+1", "+A1", "-2", "@SUM(A1)", "http://x.example"), start=1):
        put(model.active.cell(row=row, column=1), text)
    ours = openpyxl.load_workbook(io.BytesIO(_bytes(model)))
    values = [(c.value, c.data_type) for c in ours.active["A"]]
    assert values == [
        ("=1+1", "s"), ("+A1", "s"), ("-2", "s"), ("@SUM(A1)", "s"), ("http://x.example", "s"),
    ]  # fmt: skip
    assert not ours.active._hyperlinks


def _bytes(model: Workbook) -> bytes:
    stream = io.BytesIO()
    write_xlsx(model, stream)
    return stream.getvalue()
