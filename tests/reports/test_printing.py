"""Every workbook prints well: page setup on every sheet (A4, fit to width, the sheet's name and
page numbers, repeated header rows, print areas over cells and charts, charts kept whole, heights
for wrapped rows), and printed through LibreOffice (headless PDF, then one PNG per page with
pdftoppm) the result's Summary and Memo and the comparison's Summary take one page each.

The workbooks are written and converted once for the module: the bundled West Kazakhstan result
(the CLI's `planner solve`), the comparison of the small two-unit case of tests/studies and its
staff frontier. Each printed page carries its sheet's name in its header, which is how the pages
are counted per sheet.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from planner.reports import write_comparison, write_frontier
from planner.reports.charts import _chart_cells
from planner.reports.figures import Figures
from planner.reports.result_workbook import SHEETS, result_workbook, write_result
from planner.result import Result
from planner.solve import solve
from planner.studies.compare import compare, overloaded_units
from planner.studies.frontier import frontier
from planner.workbook import read_scenario
from tests.studies.test_compare import three_variants, two_units
from tests.support import COUNT_PATH, SOFFICE

A4 = 9  # openpyxl's PAPERSIZE_A4
needs_soffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui",
)
needs_bundled = pytest.mark.skipif(
    not COUNT_PATH.exists(), reason=f"bundled scenario {COUNT_PATH.name} not built yet"
)


@pytest.fixture(scope="module")
def bundled() -> Result:
    if not COUNT_PATH.exists():
        pytest.skip(f"bundled scenario {COUNT_PATH.name} not built yet")
    return solve(read_scenario(COUNT_PATH))


@pytest.fixture(scope="module")
def written(bundled, tmp_path_factory) -> dict[str, Path]:
    """kind -> workbook written: result (bundled), comparison and frontier (small)."""
    folder = tmp_path_factory.mktemp("printing")
    result = bundled
    small = two_units(variants=three_variants())
    return {
        "result": write_result(result, folder / "result.xlsx", inputs=(COUNT_PATH,)),
        "comparison": write_comparison(compare([small]), folder / "comparison.xlsx"),
        "frontier": write_frontier(
            frontier(two_units(allow_service_moves=False), budgets=range(6)),
            folder / "frontier.xlsx",
        ),
    }


@pytest.fixture(scope="module")
def printed(written) -> dict[str, dict[str, int]]:
    """kind -> sheet -> pages, from one LibreOffice run (a fresh profile) over the three files."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = next(iter(written.values())).parent
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
             "pdf", "--outdir", str(folder), *map(str, written.values())],
            capture_output=True, timeout=240, check=False,
        )  # fmt: skip
    pages: dict[str, dict[str, int]] = {}
    for kind, path in written.items():
        pdf = path.with_suffix(".pdf")
        assert pdf.is_file(), f"LibreOffice did not convert {path.name}"  # it exits 0 regardless
        # One PNG per page (a low resolution is enough to count them).
        subprocess.run(["pdftoppm", "-r", "10", "-png", str(pdf), str(folder / kind)], check=True)
        images = sorted(folder.glob(f"{kind}-*.png"))
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout  # fmt: skip
        headers = [
            next((line.strip() for line in page.splitlines() if line.strip()), "")
            for page in text.split("\f")[: len(images)]
        ]
        assert len(headers) == len(images)
        pages[kind] = dict(Counter(headers))
    return pages


# --- page setup, read back from the files ----------------------------------------------------


@needs_bundled
def test_every_sheet_of_every_workbook_has_a_page_setup(written):
    """A4, one page wide (fit to page on), the sheet's name in the header, page numbers in the
    footer and a print area, on every sheet of the three workbooks."""
    for path in written.values():
        for ws in openpyxl.load_workbook(path).worksheets:
            where = f"{path.name}!{ws.title}"
            assert int(ws.page_setup.paperSize) == A4, where
            assert ws.sheet_properties.pageSetUpPr.fitToPage, where
            assert int(ws.page_setup.fitToWidth) == 1, where
            assert ws.oddHeader.center.text == "&A", where
            assert ws.oddFooter.right.text == "Page &P of &N", where
            assert ws.print_area, where


@needs_bundled
def test_orientation_title_rows_and_print_areas(written):
    """The Memo is portrait and one page; the result's Summary one page landscape; table sheets
    repeat their header row; the comparison's Summary prints its first 15 columns (up to 'Why
    this rank') and its chart."""
    result = openpyxl.load_workbook(written["result"])
    memo, summary = result["Memo"], result["Summary"]
    assert memo.page_setup.orientation == "portrait" and int(memo.page_setup.fitToHeight) == 1
    assert summary.page_setup.orientation == "landscape"
    assert int(summary.page_setup.fitToHeight) == 1
    for name in ("Units", "Transfers", "Reassignments", "Skills", "Sensitivity", "Checks"):
        assert result[name].print_title_rows == "$1:$1", name
        assert int(result[name].page_setup.fitToHeight) == 0, name  # as many pages as it needs
    comparison = openpyxl.load_workbook(written["comparison"])["Summary"]
    assert comparison.cell(row=1, column=15).value == "Why this rank"
    area = comparison.print_area
    assert area.startswith("'Summary'!$A$1:$O$")
    last_row = int(area.rsplit("$", 1)[1])
    assert last_row >= 20  # the table (5 rows), the sentences below it and the chart


@needs_bundled
def test_charts_are_kept_whole_by_row_breaks(bundled, written):
    """The result's Charts sheet: a row break stands above each chart that would not fit on the
    page before it, and none falls inside a chart."""
    ws = openpyxl.load_workbook(written["result"])["Charts"]
    breaks = sorted(b.id for b in ws.row_breaks.brk)
    assert len(breaks) >= 1
    # openpyxl does not read charts back: build the workbook in memory to see their anchors.
    built = result_workbook(bundled)["Charts"]
    assert sorted(b.id for b in built.row_breaks.brk) == breaks
    for chart in built._charts:
        _, top, _, bottom = _chart_cells(built, chart)
        assert not [b for b in breaks if top <= b < bottom], (top, bottom, breaks)


@needs_bundled
def test_wrapped_rows_get_the_height_of_their_lines(written):
    """A wrapped reason on the comparison's Summary and the frontier's moves get a row height of
    at least one line per wrapped line (LibreOffice does not grow rows itself)."""
    summary = openpyxl.load_workbook(written["comparison"])["Summary"]
    reason = summary.cell(row=3, column=15)  # staff only: 'after 'baseline', which has ...'
    assert (
        reason.value
        == "after 'baseline', which has a lower highest coefficient: 1.429 against 1.500"
    )
    assert reason.alignment.wrap_text
    frontier_ws = openpyxl.load_workbook(written["frontier"])["Frontier"]
    assert frontier_ws.cell(row=1, column=10).value == "Moves this budget adds"
    assert frontier_ws.cell(row=3, column=10).value == "+ 1 general: Beta -> Alpha"
    assert frontier_ws.cell(row=2, column=10).value == "no change"


@needs_bundled
def test_the_comparison_counts_overloaded_units_as_the_result_does(bundled):
    """compare's overloaded_units (the rule's second figure) equals the result workbook's count
    (planner.reports.figures) on the bundled plan, before and after."""
    result = bundled
    figures = Figures.of(result)
    assert overloaded_units(result) == sum(len(f.overloaded_after) for f in figures.groups.values())
    assert overloaded_units(result, after=False) == sum(
        len(f.overloaded_before) for f in figures.groups.values()
    )


# --- printed through LibreOffice -------------------------------------------------------------


@needs_bundled
@needs_soffice
def test_result_summary_and_memo_print_on_one_page_each(printed):
    """The bundled result: Summary one page, Memo one page, and every sheet prints."""
    pages = printed["result"]
    assert pages["Summary"] == 1
    assert pages["Memo"] == 1
    assert set(pages) == set(SHEETS)
    assert pages["Charts"] == 3  # one page per group: no chart cut across two


@needs_bundled
@needs_soffice
def test_comparison_summary_prints_on_one_page(printed):
    """The comparison's Summary on one page; each option's sheet on one page too."""
    pages = printed["comparison"]
    assert pages["Summary"] == 1
    assert {name: pages[name] for name in ("baseline", "staff only", "services only", "limit 1")} == {
        "baseline": 1, "staff only": 1, "services only": 1, "limit 1": 1,
    }  # fmt: skip
    assert printed["frontier"] == {"Frontier": 1, "Groups": 1, "Inputs": 1}
