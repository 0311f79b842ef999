"""A WHO WISN study in the web workspace (TestClient): the result page shows the WISN table
(category, current, required, difference, ratio, pressure, before and after the plan) and, with the
`wisn target` setting, the fewest hires (how many, where, proven or not); the job's JSON is
`planner solve --json`'s and its workbook has the WISN and Hires sheets.

The study is the README's district (scripts/wisn_example.py), hand-computed in
tests/reports/test_wisn_sheet.py and tests/studies/test_wisn_hires.py: the Central clinic's 4
clinicians for 5.88 required (ratio 0.68) become 6 (1.02); at target 1.00 one clinician is hired
there, proven fewest."""

from __future__ import annotations

import io
import re

import openpyxl

from tests.support import wisn_district_workbook
from tests.web.conftest import submit, upload, wait, workbook_bytes


def _solved(client, *settings) -> tuple[str, str]:
    answer = upload(client, workbook_bytes(wisn_district_workbook(*settings)), "district.xlsx")
    job = submit(client, {"kind": "solve", "upload": answer["id"], "sensitivity": False})
    state = wait(client, job["id"], timeout=120)
    assert state["status"] == "done", state
    return job["id"], client.get(f"/jobs/{job['id']}").text


def _row(html: str, table: str, cell: str) -> list[str]:
    """The cell texts of one row (data-cell="unit/category") of a table on the page."""
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    row = re.search(rf'<tr data-cell="{re.escape(cell)}"[^>]*>(.*?)</tr>', body, re.S)
    assert row is not None, cell
    return re.findall(r"<td[^>]*>(.*?)</td>", row[1], re.S)


def test_wisn_table_on_the_result_page(client) -> None:
    """Every unit and category with the published rounding (the pressure in a word, the
    manual's reading of it as the cell's title); the plan moves 2 clinicians to the
    Central clinic, lifting the smallest WISN ratio from 0.68 to 0.90 (the Lake clinic's 2 for
    2.22); no Hires section without the setting."""
    job_id, html = _solved(client)
    assert '<h2 id="wisn">WISN</h2>' in html
    assert _row(html, "wisn-table", "C1/clinician") == [
        "Central clinic", "clinician", "4", "5.88", "-1.88", "0.68",
        "shortage (32% short)", "6", "5.88", "0.12", "1.02", "surplus",
    ]  # fmt: skip
    assert _row(html, "wisn-table", "C2/clinician")[2:11] == [
        "3", "2.22", "0.78", "1.35", "surplus", "2", "2.22",
        "-0.22", "0.90",
    ]  # fmt: skip
    assert 'title="staff shortage: high workload pressure (32% short)"' in html
    assert len(re.findall(r'<tr data-cell="', html.split('id="wisn-table"')[1])) == 6
    assert 'id="hires"' not in html
    result = client.get(f"/api/jobs/{job_id}/result").json()
    assert "hires" not in result and len(result["wisn"]) == 6


def test_fewest_hires_with_the_wisn_target_setting(client) -> None:
    """wisn target 1.00: one hire, at the Central clinic's clinicians, proven fewest; with it
    every ratio reaches 1.00 (smallest 1.02). The JSON has `hires` as `planner solve --json`, and
    the downloaded workbook has the Hires sheet after WISN."""
    job_id, html = _solved(client, ("wisn target", 1))
    assert '<h2 id="hires">Hires</h2>' in html
    assert '<strong id="hires-total">1</strong>' in html
    assert '<strong id="hires-bound">1</strong>' in html
    assert '<strong id="hires-proven">yes</strong>' in html
    assert '<strong id="hires-smallest">1.02</strong>' in html
    assert (
        '<p id="hires-proof">1 hire, proven fewest: every cell needs ceil(target x required) '
        "staff, so no plan reaches a WISN ratio of 1.00 in every cell with fewer than 1.</p>"
    ) in html
    assert _row(html, "hires-table", "C1/clinician") == [
        "Central clinic", "clinician", "4", "5.88", "0.68", "1", "6", "1.02",
    ]  # fmt: skip
    assert _row(html, "hires-table", "C2/nurse")[5] == "0"
    result = client.get(f"/api/jobs/{job_id}/result").json()
    assert result["hires"]["total"] == 1 and result["hires"]["proven_fewest"] is True
    assert result["hires"]["hires"] == [{"unit_id": "C1", "skill": "clinician", "employees": 1}]
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/api/jobs/{job_id}/workbook").content))
    assert book.sheetnames[:3] == ["Summary", "WISN", "Hires"]
    assert (book["Hires"]["B4"].value, book["Hires"]["H10"].value) == (1, 1)


def test_wisn_page_in_russian(client) -> None:
    """The page in Russian: decimal commas and the translated pressure reading."""
    client.cookies.set("lang", "ru")
    _, html = _solved(client, ("wisn target", 1))
    row = _row(html, "wisn-table", "C1/clinician")
    assert row[3:7] == ["5,88", "-1,88", "0,68", "нехватка 32%"]
    assert 'title="нехватка сотрудников: высокая нагрузка (недостаёт 32%)"' in html
    assert '<strong id="hires-total">1</strong>' in html
