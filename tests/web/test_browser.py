"""End to end in a real browser: Debian's chromium, headless, driven by Playwright for Python,
against `planner serve` on 127.0.0.1. Upload the bundled scenario and see the figures `planner
solve --json` gives; upload a broken workbook (by drag and drop) and see its cells listed; solve;
compare two options; download both workbooks and open them; use a form with the keyboard alone;
nothing cut off at 1280 px or at a 390 px phone width; switch the language, also on a finished
plan's page.

Skipped, with the reason shown, when chromium or Playwright is not installed."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

from planner.cli import main as cli_main
from tests.corpus.base import base_workbook
from tests.support import wisn_district_workbook
from tests.web.browser import chromium_path, running_server
from tests.web.conftest import BUNDLED, workbook_bytes

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed (pip install playwright)"
)
CHROMIUM = chromium_path()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"
)
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> str:
    with running_server(tmp_path_factory.mktemp("workspace")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert errors == []  # no CSP violation, no script error


def _open_xlsx(download, tmp_path: Path, name: str) -> openpyxl.Workbook:
    path = tmp_path / name
    download.save_as(path)
    return openpyxl.load_workbook(path, read_only=True)


def test_bundled_scenario_shows_the_figures_of_planner_solve_json(
    server, page, tmp_path, capsys
) -> None:
    """Upload the bundled scenario with the file picker, solve it from the page, and see the
    status, maxima and moves that `planner solve --json` prints; download the result workbook
    and open it."""
    out = tmp_path / "cli.xlsx"
    assert cli_main(["solve", str(BUNDLED), "--json", "--quiet", "--no-sensitivity",
                     "--out", str(out)]) == 0  # fmt: skip
    expected = json.loads(capsys.readouterr().out)

    page.goto(server + "/")
    page.set_input_files("#file", str(BUNDLED))
    page.click("text=Upload and check")
    page.wait_for_url("**/workbooks/*")
    assert page.inner_text("h1") == "west-kazakhstan-2024.xlsx"
    page.uncheck("#sensitivity")
    page.click("#solve-form button[type=submit]")
    page.wait_for_selector("#max-after")
    assert page.inner_text("#status") == expected["status"] == "optimal"
    assert page.inner_text("#max-before") == f"{expected['max_coefficient_before']:.3f}"
    assert page.inner_text("#max-after") == f"{expected['max_coefficient_after']:.3f}" == "0.682"
    assert page.inner_text("#staff-moved") == str(expected["staff_moved"])
    with page.expect_download() as info:
        page.click("#download-result")
    assert info.value.suggested_filename == "west-kazakhstan-2024-result.xlsx"
    book = _open_xlsx(info.value, tmp_path, "result.xlsx")
    assert book.sheetnames[:3] == ["Summary", "Memo", "Units"]


def test_broken_workbook_dropped_shows_its_cells(server, page) -> None:
    """A broken workbook dropped on the upload box leads to its check: the cell, the value and
    what was expected, and the row with the cell marked."""
    workbook = base_workbook()
    workbook["Units"]["F2"] = "ten"
    data = list(workbook_bytes(workbook))
    page.goto(server + "/")
    transfer = page.evaluate_handle(
        "(data) => { const t = new DataTransfer();"
        " t.items.add(new File([new Uint8Array(data)], 'broken.xlsx')); return t; }",
        data,
    )
    page.dispatch_event("#upload-form", "drop", {"dataTransfer": transfer})
    page.wait_for_url("**/validation")
    cells = page.locator("#problems tbody tr").first.locator("td").all_inner_texts()
    assert cells[:3] == ["Units", "F2", "ten"]
    assert cells[3].startswith("Employees must be a whole number of 0 or more")
    assert page.inner_text("td.marked") == "ten"


def test_compare_two_options_and_download(server, page, tmp_path) -> None:
    """Compare the baseline and the variant of a workbook from its page; the table has both
    rows; the comparison workbook downloads and opens."""
    path = tmp_path / "two options.xlsx"
    path.write_bytes(workbook_bytes())
    page.goto(server + "/")
    page.set_input_files("#file", str(path))
    page.click("text=Upload and check")
    page.wait_for_url("**/workbooks/*")
    page.click("#compare-form button[type=submit]")
    page.wait_for_selector("#comparison")
    rows = page.locator("#comparison tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator("td").nth(1).inner_text().startswith("baseline")
    assert rows.nth(1).locator("td").nth(1).inner_text().startswith("more staff")
    with page.expect_download() as info:
        page.click("#download-comparison")
    book = _open_xlsx(info.value, tmp_path, "comparison.xlsx")
    assert book.sheetnames[:2] == ["Summary", "Groups"]


def test_wisn_study_shows_its_table_and_the_fewest_hires(server, page, tmp_path) -> None:
    """The README's WISN district with `wisn target` 1.00, uploaded and solved from the page: the
    WISN table shows the Central clinic's clinicians at 4 for 5.88 required (ratio 0.68, 32%
    short) and 6 after the plan (1.02); the Hires section one hire there, proven fewest (hand-
    solved in tests/studies/test_wisn_hires.py); the workbook has the Hires sheet."""
    path = tmp_path / "wisn district.xlsx"
    wisn_district_workbook(("wisn target", 1)).save(path)
    page.goto(server + "/")
    page.set_input_files("#file", str(path))
    page.click("text=Upload and check")
    page.wait_for_url("**/workbooks/*")
    page.uncheck("#sensitivity")
    page.click("#solve-form button[type=submit]")
    page.wait_for_selector("#wisn-table")
    central = page.locator('#wisn-table tr[data-cell="C1/clinician"] td').all_inner_texts()
    assert central == [
        "Central clinic", "clinician", "4", "5.88", "-1.88", "0.68",
        "shortage (32% short)", "6", "5.88", "0.12", "1.02", "surplus",
    ]  # fmt: skip
    assert page.locator("#wisn-table tbody tr").count() == 6
    assert page.inner_text("#hires-total") == "1"
    assert page.inner_text("#hires-proven") == "yes"
    assert page.inner_text("#hires-smallest") == "1.02"
    hired = page.locator('#hires-table tr[data-cell="C1/clinician"] td').all_inner_texts()
    assert hired == ["Central clinic", "clinician", "4", "5.88", "0.68", "1", "6", "1.02"]
    assert page.inner_text("#hires-proof").startswith("1 hire, proven fewest")
    with page.expect_download() as info:
        page.click("#download-result")
    book = _open_xlsx(info.value, tmp_path, "wisn-result.xlsx")
    assert book.sheetnames[:3] == ["Summary", "WISN", "Hires"]


def test_keyboard_alone(server, page, tmp_path) -> None:
    """The skip link comes first; the solve form is filled and sent with the keyboard only;
    tables sort from the keyboard."""
    path = tmp_path / "keys.xlsx"
    path.write_bytes(workbook_bytes())
    page.goto(server + "/")
    page.set_input_files("#file", str(path))
    page.click("text=Upload and check")
    page.wait_for_url("**/workbooks/*")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.focus("#max_staff_moves")
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    page.wait_for_selector("#max-after")
    assert page.inner_text("#headline").count("staff moved") == 1
    sort = page.locator("#units-1 thead button").first
    sort.focus()
    page.keyboard.press("Enter")
    assert page.locator("#units-1 thead th").first.get_attribute("aria-sort") == "ascending"


def test_openapi_page_draws_every_endpoint(server, page) -> None:
    """The OpenAPI page (Swagger UI from the package) draws an entry per API operation, with no
    script error or CSP violation."""
    import urllib.request

    with urllib.request.urlopen(server + "/openapi.json", timeout=30) as answer:
        schema = json.load(answer)
    operations = sum(len(methods) for methods in schema["paths"].values())
    page.goto(server + "/api/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() == operations


def _api(server: str, path: str, body: bytes | None = None, kind: str = "json"):
    """A request to the running server's API (POSTs carry the client header)."""
    import urllib.request

    headers = {"X-Planner-Client": "tests"}
    if body is not None and kind == "json":
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(server + path, data=body, headers=headers,
                                     method="POST" if body is not None else "GET")  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


def _finished_job(server: str, body: dict) -> str:
    import time

    job = _api(server, "/api/jobs", json.dumps(body).encode())
    deadline = time.monotonic() + 60
    while _api(server, f"/api/jobs/{job['id']}")["status"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    return job["id"]


@pytest.fixture(scope="module")
def every_page(server) -> list[str]:
    """The URL of every kind of page, with a solved plan, a comparison and a frontier."""
    upload_id = _api(server, "/api/uploads?name=layout.xlsx", workbook_bytes(), kind="raw")["id"]
    broken = base_workbook()
    broken["Units"]["F2"] = "ten"
    broken_id = _api(server, "/api/uploads?name=broken.xlsx", workbook_bytes(broken), kind="raw")[
        "id"
    ]
    solved = _finished_job(server, {"kind": "solve", "upload": upload_id})
    compared = _finished_job(server, {"kind": "compare", "uploads": [upload_id]})
    curve = _finished_job(server, {"kind": "frontier", "upload": upload_id})
    district = io.BytesIO()
    wisn_district_workbook(("wisn target", 1)).save(district)
    wisn_id = _api(server, "/api/uploads?name=wisn.xlsx", district.getvalue(), kind="raw")["id"]
    wisn = _finished_job(server, {"kind": "solve", "upload": wisn_id, "sensitivity": False})
    return ["/", f"/workbooks/{upload_id}", f"/workbooks/{broken_id}/validation", "/compare",
            "/api", f"/jobs/{solved}", f"/jobs/{compared}", f"/jobs/{curve}", "/login",
            f"/jobs/{wisn}"]  # fmt: skip


@pytest.mark.parametrize("width", [1280, 390])
def test_nothing_cut_off(server, browser, every_page, width) -> None:
    """At 1280 x 800 and at a 390 px phone width no page is wider than the window (wide tables
    scroll in their own box) and every input has a label."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        for path in every_page:
            page.goto(server + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} is {overflow} px too wide at {width} px"
            unlabelled = page.evaluate(
                "Array.from(document.querySelectorAll('input:not([type=hidden]), select'))"
                ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))"
                ".map(e => e.name || e.id)"
            )
            assert unlabelled == [], f"{path}: inputs without a label: {unlabelled}"
    finally:
        context.close()


def test_language_switch_in_the_browser(server, page) -> None:
    """Clicking Қазақша in the header turns the page into Kazakh (lang="kk"), and the choice is
    remembered on the next page; English switches back."""
    page.goto(server + "/")
    page.click("nav.languages >> text=Қазақша")
    page.wait_for_selector("html[lang=kk]")
    assert page.inner_text("h1") == "Жүктеме жоспарлаушысы"
    page.goto(server + "/compare")
    assert page.get_attribute("html", "lang") == "kk"
    page.click("nav.languages >> text=English")
    page.wait_for_selector("html[lang=en]")
    assert page.get_attribute("nav.languages a[aria-current]", "lang") == "en"


def test_a_plan_solved_in_english_is_read_in_kazakh_and_russian(server, page) -> None:
    """A plan solved with the switch on English: clicking Қазақша, then Русский, on its result
    page turns its explanation (the first group's headline) and its unit names into that
    language; the figures stay."""
    from tests.web.test_language import PLAN_IN_WORDS

    page.goto(server + "/lang/en?next=/")
    page.set_input_files("#file", str(BUNDLED))
    page.click("text=Upload and check")
    page.wait_for_url("**/workbooks/*")
    page.uncheck("#sensitivity")
    page.click("#solve-form button[type=submit]")
    page.wait_for_selector("#max-after")
    headline = page.locator("section.group").first.locator("ul li").first
    d01 = page.locator('tr[data-unit="D01"] td').nth(1)
    assert (headline.inner_text(), d01.inner_text()) == PLAN_IN_WORDS["en"]
    for lang, name in (("kk", "Қазақша"), ("ru", "Русский")):
        page.click(f"nav.languages >> text={name}")
        page.wait_for_selector(f"html[lang={lang}]")
        assert (headline.inner_text(), d01.inner_text()) == PLAN_IN_WORDS[lang]
        assert page.inner_text("#max-after") == "0,682"
