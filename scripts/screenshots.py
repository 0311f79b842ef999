"""Render the README's pictures: the result Summary and the comparison chart, as LibreOffice draws them.

    python scripts/screenshots.py [--scenario PATH] [--out DIR] [--dpi N]

Solves the bundled scenario (default `scenarios/west-kazakhstan-2024.xlsx`), writes its result
workbook and the comparison of its options to a temporary folder, converts each to PDF with
LibreOffice headless and turns one page into a PNG with poppler's `pdftoppm`, trimmed to its content:
- `docs/summary.png`: the first page of the result workbook's Summary sheet;
- `docs/screenshots/result-summary-kk.png`, `-ru.png`: the same Summary solved and written in Kazakh
  and in Russian (the Kazakh one shows every Kazakh letter, ә ғ қ ң ө ұ ү һ і);
- `docs/comparison.png`: the comparison chart (the comparison Summary, printed from the chart only);
- `docs/forecast.png`: the Forecast sheet of `planner forecast` on the bundled hours scenario (2026);
- `docs/uncertainty.png`: the first page of the Uncertainty sheet of `planner solve --samples 1000
  --seed 1 --robust 30` on that forecast (the groups' P50/P90/P95, robust against nominal, and the
  first group's histogram chart).

Needs `soffice` (LibreOffice) and `pdftoppm`/`pdftotext` (Debian: libreoffice-calc-nogui,
poppler-utils; .ci/run installs both). The pictures differ between runs only by the solve time stamp.
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    # Runs from a checkout without `pip install -e .` too.
    sys.path.insert(0, str(REPO))

from openpyxl.utils import get_column_letter, range_boundaries  # noqa: E402

from planner.i18n import _, using  # noqa: E402
from planner.reports import comparison_workbook, write_result  # noqa: E402
from planner.solve import solve  # noqa: E402
from planner.studies.compare import compare  # noqa: E402
from planner.workbook import read_scenario  # noqa: E402
from planner.xlsx.files import save_workbook  # noqa: E402

DEFAULT_SCENARIO = Path("scenarios") / "west-kazakhstan-2024.xlsx"  # relative: shown on the page
DEFAULT_OUT = REPO / "docs"
WHITE = 245  # grey level above which a pixel counts as background when trimming
MARGIN = 12  # pixels of background kept around the content
LANGUAGE_DPI = 200  # the Kazakh and Russian Summaries: fine enough to read every letter
CM_PER_WIDTH_UNIT = 0.2  # a column width unit (the digit '0' of the default font) in cm
CM_PER_ROW = 0.53  # a default row (15 pt)


class ScreenshotError(RuntimeError):
    """A tool is missing or a conversion produced nothing."""


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ScreenshotError(f"{name} not found: install LibreOffice and poppler-utils")
    return path


def to_pdf(workbook: Path, out_dir: Path) -> Path:
    """Convert with LibreOffice headless and a fresh profile; soffice exits 0 even on failure."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [_tool("soffice"), f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", "pdf", "--outdir", str(out_dir), str(workbook)],
            capture_output=True, timeout=300, check=False,
        )  # fmt: skip
    pdf = out_dir / f"{workbook.stem}.pdf"
    if not pdf.exists():
        raise ScreenshotError(f"LibreOffice did not convert {workbook} to PDF")
    return pdf


def page_with(pdf: Path, marker: str) -> int:
    """The first page (1-based) whose text contains `marker`."""
    text = subprocess.run(
        [_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for number, page in enumerate(text.split("\f"), start=1):
        if marker in page:
            return number
    raise ScreenshotError(f"no page of {pdf.name} shows {marker!r}")


def _read_pgm(path: Path) -> np.ndarray:
    """A binary PGM (P5, 8 bit) as a 2-D array; pdftoppm -gray writes exactly that."""
    data = path.read_bytes()
    fields, position = [], 0
    while len(fields) < 4:  # magic, width, height, maxval, separated by white space
        while data[position : position + 1].isspace():
            position += 1
        end = position
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    width, height = int(fields[1]), int(fields[2])
    pixels = np.frombuffer(data, dtype=np.uint8, count=width * height, offset=position + 1)
    return pixels.reshape(height, width)


def page_png(pdf: Path, page: int, png: Path, dpi: int) -> Path:
    """Render one page to `png`, cropped to its content plus a small margin."""
    pdftoppm = _tool("pdftoppm")
    with tempfile.TemporaryDirectory() as scratch:
        gray = Path(scratch) / "page"
        subprocess.run(
            [pdftoppm, "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
             str(pdf), str(gray)],
            check=True, capture_output=True,
        )  # fmt: skip
        pixels = _read_pgm(gray.with_suffix(".pgm"))
    rows = np.flatnonzero((pixels < WHITE).any(axis=1))
    columns = np.flatnonzero((pixels < WHITE).any(axis=0))
    if rows.size == 0:
        raise ScreenshotError(f"page {page} of {pdf.name} is blank")
    top, left = max(rows[0] - MARGIN, 0), max(columns[0] - MARGIN, 0)
    bottom = min(rows[-1] + MARGIN, pixels.shape[0] - 1)
    right = min(columns[-1] + MARGIN, pixels.shape[1] - 1)
    png.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [pdftoppm, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
         "-x", str(left), "-y", str(top), "-W", str(right - left + 1), "-H", str(bottom - top + 1),
         str(pdf), str(png.with_suffix(""))],
        check=True, capture_output=True,
    )  # fmt: skip
    return png


def summary_workbook(scenario_path: Path, work: Path, code: str = "en") -> Path:
    """The scenario's result workbook, solved and written in the language `code`."""
    with using(code):
        result = solve(read_scenario(scenario_path))
        return write_result(result, work / f"result-{code}.xlsx", inputs=(scenario_path,))


def summary_png(scenario_path: Path, png: Path, work: Path, dpi: int, code: str = "en") -> Path:
    """The first page of the Summary sheet of the scenario's result workbook in `code`."""
    pdf = to_pdf(summary_workbook(scenario_path, work, code), work)
    with using(code):
        marker = _("Workload plan: {name}").format(name="").strip()
    return page_png(pdf, page_with(pdf, marker), png, dpi)


def _chart_print_area(ws) -> str:
    """The cells under the first chart of `ws`, from its anchor, sized by the chart's cm."""
    chart = ws._charts[0]
    anchor = chart.anchor if isinstance(chart.anchor, str) else "A1"
    first_column, first_row, _, _ = range_boundaries(anchor + ":" + anchor)
    column, width = first_column, 0.0
    while width < chart.width * 1.15:  # estimates vary between programs: leave room, trim later
        letter = get_column_letter(column)
        width += (ws.column_dimensions[letter].width or 8.43) * CM_PER_WIDTH_UNIT
        column += 1
    last_row = first_row + math.ceil(chart.height * 1.15 / CM_PER_ROW)
    return f"{anchor}:{get_column_letter(column)}{last_row}"


def comparison_png(scenario_path: Path, png: Path, work: Path, dpi: int) -> Path:
    """The chart of the comparison workbook (maximum coefficient and staff moved per option)."""
    workbook = comparison_workbook(compare([read_scenario(scenario_path)]))
    summary = workbook.worksheets[0]
    if not summary._charts:
        raise ScreenshotError("the comparison workbook has no chart on its first sheet")
    title = summary._charts[0].title.tx.rich.p[0].r[0].t
    # Print only the chart, on one page: the wide table above it makes the page small otherwise.
    summary.print_area = _chart_print_area(summary)
    summary.page_setup.orientation = "landscape"
    summary.page_setup.fitToWidth = summary.page_setup.fitToHeight = 1
    summary.sheet_properties.pageSetUpPr.fitToPage = True
    path = save_workbook(workbook, work / "comparison.xlsx", inputs=(scenario_path,))
    pdf = to_pdf(path, work)
    return page_png(pdf, page_with(pdf, title), png, dpi)


HOURS_SCENARIO = Path("scenarios") / "west-kazakhstan-2024-hours.xlsx"
FORECAST_YEAR = 2026


def forecast_png(png: Path, work: Path, dpi: int) -> Path:
    """The first page of the Forecast sheet of `planner forecast` on the bundled hours scenario."""
    from planner.reports.charts import landscape
    from planner.reports.forecast_workbook import forecast_workbook
    from planner.studies.forecast import forecast

    book = forecast_workbook(forecast(read_scenario(HOURS_SCENARIO), FORECAST_YEAR))
    for name in book.sheetnames:
        if name != "Forecast":
            del book[name]
    landscape(book["Forecast"])
    path = save_workbook(book, work / "forecast.xlsx")
    pdf = to_pdf(path, work)
    return page_png(pdf, 1, png, dpi)


UNCERTAINTY_SAMPLES, UNCERTAINTY_ROBUST, UNCERTAINTY_SEED = 1000, 30, 1


def uncertainty_png(png: Path, work: Path, dpi: int) -> Path:
    """The first page of the Uncertainty sheet of the bundled hours scenario forecast to 2026,
    solved with a Monte Carlo of the volumes and robust plans (as README's figures)."""
    from planner.reports.charts import print_sheet
    from planner.reports.result_workbook import result_workbook
    from planner.studies.forecast import forecast, forecast_scenario
    from planner.studies.robust import robust_study

    scenario = forecast_scenario(forecast(read_scenario(HOURS_SCENARIO), FORECAST_YEAR))
    result = solve(scenario, sensitivity=False)
    study = robust_study(
        scenario, UNCERTAINTY_ROBUST, UNCERTAINTY_SAMPLES, UNCERTAINTY_SEED, nominal=result
    )
    book = result_workbook(result, study.evaluation)
    sheet = book.worksheets[-1]
    if not sheet._charts:
        raise ScreenshotError("the Uncertainty sheet has no histogram chart")
    for name in book.sheetnames:
        if book[name] is not sheet:
            del book[name]
    # One page from the title to the first group's histogram and its chart (the sheet prints the
    # chart on a page of its own otherwise).
    print_sheet(sheet, portrait=True, one_page=True)
    _, _, last_column, _ = range_boundaries(sheet.print_area.split("!")[-1].replace("$", ""))
    _, _, _, last_row = range_boundaries(sheet.tables["UncertaintyHistogram1"].ref)
    sheet.print_area = f"A1:{get_column_letter(last_column)}{last_row}"
    sheet.oddFooter.right.text = None  # "Page 1 of 1": nothing to say in a picture
    path = save_workbook(book, work / "uncertainty.xlsx")
    pdf = to_pdf(path, work)
    return page_png(pdf, 1, png, dpi)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--dpi", type=int, default=110, help="resolution of the Summary picture")
    parser.add_argument("--only", choices=("summary", "summary-kk", "summary-ru", "comparison",
                                           "forecast", "uncertainty"),
                        help="render this picture alone")  # fmt: skip
    args = parser.parse_args(argv)
    out = args.out.resolve()
    scenario = args.scenario if args.scenario == DEFAULT_SCENARIO else args.scenario.resolve()
    os.chdir(REPO)  # the default scenario path is relative to the repository, as the page shows it
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        pictures = {
            "summary": lambda: summary_png(scenario, out / "summary.png", work, args.dpi),
            # The Summary in Kazakh and Russian (every Kazakh letter shows in the kk one).
            **{
                f"summary-{code}": functools.partial(
                    summary_png, scenario, out / "screenshots" / f"result-summary-{code}.png",
                    work, LANGUAGE_DPI, code,
                )
                for code in ("kk", "ru")
            },
            # The chart alone is smaller on its page than the Summary: draw it finer.
            "comparison": lambda: comparison_png(
                scenario, out / "comparison.png", work, round(args.dpi * 1.5)
            ),
            "forecast": lambda: forecast_png(out / "forecast.png", work, args.dpi),
            "uncertainty": lambda: uncertainty_png(out / "uncertainty.png", work, args.dpi),
        }
        for name, render in pictures.items():
            if args.only in (None, name):
                print(f"written {render()}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ScreenshotError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
