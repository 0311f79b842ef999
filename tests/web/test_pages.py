"""The HTML pages over TestClient: start, example, upload, validation, scenario, solve with
progress and cancel, result, compare and frontier; each reachable by its URL, forms answered by
a redirect to what they made, figures equal to the library's."""

from __future__ import annotations

import hashlib
import re

import pytest

import planner
from tests.corpus.base import base_workbook
from tests.web.conftest import BUNDLED, upload, wait, workbook_bytes


def _csrf(client) -> str:
    client.get("/")
    return client.cookies["planner_csrf"]


def _post(client, url: str, data=None, files=None):
    return client.post(f"{url}?csrf_token={_csrf(client)}", data=data, files=files,
                       follow_redirects=False)  # fmt: skip


def test_start_page(client) -> None:
    """The start page offers the upload (with a label), the bundled examples and the template."""
    html = client.get("/").text
    assert '<label for="file">Scenario workbook (.xlsx)</label>' in html
    assert "Open west-kazakhstan-2024.xlsx" in html
    assert 'href="/template.xlsx"' in html
    assert client.get("/template.xlsx").status_code == 200


def test_open_example_then_scenario_page(client) -> None:
    """Opening an example stores it under its SHA-256 and shows its units with the coefficient
    today (the published 1.714 of Uralsk City's land department) and its options."""
    response = _post(client, "/examples/west-kazakhstan-2024")
    sha = hashlib.sha256(BUNDLED.read_bytes()).hexdigest()
    assert (response.status_code, response.headers["location"]) == (303, f"/workbooks/{sha}")
    html = client.get(f"/workbooks/{sha}").text
    assert "<h3>Uralsk City departments</h3>" in html
    assert ">1.714<" in html
    assert '<option value="at most 20 staff moves">' in html
    assert '<label for="max_staff_moves">Max staff moves per group</label>' in html
    assert _post(client, "/examples/nope").status_code == 404


def test_upload_broken_workbook_shows_its_cells(client) -> None:
    """Uploading a broken workbook leads to its validation page: the cell, the value found,
    what was expected, and the row with the cell marked."""
    workbook = base_workbook()
    workbook["Units"]["F3"] = "eight"
    files = {"file": ("broken.xlsx", workbook_bytes(workbook))}
    response = _post(client, "/upload", files=files)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/validation")
    html = client.get(response.headers["location"]).text
    assert "1 problem must be fixed" in html
    assert re.search(r"<td>Units</td><td>F3</td><td>eight</td><td>Employees must be", html)
    assert '<td class="marked"><mark>eight</mark></td>' in html
    # the scenario page of an invalid workbook sends back to its validation
    scenario = client.get(response.headers["location"].removesuffix("/validation"),
                          follow_redirects=False)  # fmt: skip
    assert scenario.status_code == 303


def test_solve_from_the_page_and_read_the_result(client, base_bytes) -> None:
    """The scenario form starts a job (settings changed in the page); the job page polls its
    progress with htmx and, once done, shows the plan with the figures planner.solve gives."""
    answer = upload(client, base_bytes)
    form = {"option": "baseline", "objective": "minmax", "max_staff_moves": "1",
            "max_service_moves": "", "time_limit": "", "allow_staff_moves": ["no", "yes"],
            "allow_service_moves": ["no", "yes"]}  # fmt: skip
    response = _post(client, f"/workbooks/{answer['id']}/solve", data=form)
    assert response.status_code == 303
    job_url = response.headers["location"]
    job_id = job_url.rsplit("/", 1)[1]
    first = client.get(job_url).text
    assert f'hx-get="/jobs/{job_id}/progress"' in first or "Plan for scenario" in first
    wait(client, job_id)
    fragment = client.get(f"/jobs/{job_id}/progress")
    assert fragment.headers["hx-redirect"] == f"/jobs/{job_id}"
    html = client.get(job_url).text
    scenario = planner.read_scenario(_save(base_bytes))
    import dataclasses

    limited = dataclasses.replace(
        scenario, settings=dataclasses.replace(scenario.settings, max_staff_moves=1)
    )
    expected = planner.solve(limited, sensitivity=False)
    assert f'<strong id="max-after">{expected.max_coefficient_after:.3f}</strong>' in html
    assert f'<strong id="staff-moved">{expected.staff_moved}</strong>' in html
    assert '<h2 id="transfers">Transfers</h2>' in html and '<h2 id="checks">Checks</h2>' in html
    assert f'href="/jobs/{job_id}/workbook"' in html


def test_pin_units_and_solve_again(client, base_bytes) -> None:
    """Pinning units on the result page solves again with them locked: planner.solve with the
    same units locked gives the same figures."""
    answer = upload(client, base_bytes)
    form = {"option": "baseline", "sensitivity": ""}
    job_id = _post(client, f"/workbooks/{answer['id']}/solve", data=form).headers["location"]
    job_id = job_id.rsplit("/", 1)[1]
    wait(client, job_id)
    again = _post(client, f"/jobs/{job_id}/decide", data={"lock": ["D01", "D02"]})
    new_id = again.headers["location"].rsplit("/", 1)[1]
    state = wait(client, new_id)
    assert state["params"]["lock_units"] == ["D01", "D02"]
    result = client.get(f"/api/jobs/{new_id}/result").json()
    scenario = planner.read_scenario(_save(base_bytes))
    import dataclasses

    units = tuple(
        dataclasses.replace(u, locked=u.unit_id in ("D01", "D02")) for u in scenario.units
    )
    expected = planner.solve(dataclasses.replace(scenario, units=units))
    assert result["staff_moved"] == expected.staff_moved
    assert result["max_coefficient_after"] == pytest.approx(expected.max_coefficient_after)
    assert "Pinned units: D01, D02" in client.get(f"/jobs/{new_id}").text


def test_keep_a_service_and_solve_again(client) -> None:
    """Keeping a reassigned service at its unit solves again with it not movable: the new plan
    moves it no more, and its figures are planner.solve's with that service fixed (the bundled
    scenario, whose plan moves 20 services)."""
    answer = upload(client, BUNDLED.read_bytes(), BUNDLED.name)
    first = _post(client, f"/workbooks/{answer['id']}/solve", data={"option": "baseline"})
    job_id = first.headers["location"].rsplit("/", 1)[1]
    wait(client, job_id)
    result = client.get(f"/api/jobs/{job_id}/result").json()
    kept = result["reassignments"][0]["service_id"]
    assert f'name="keep" value="{kept}"' in client.get(f"/jobs/{job_id}").text
    again = _post(client, f"/jobs/{job_id}/decide", data={"keep": kept})
    new_id = again.headers["location"].rsplit("/", 1)[1]
    assert wait(client, new_id)["params"]["keep_services"] == [kept]
    result = client.get(f"/api/jobs/{new_id}/result").json()
    assert kept not in [r["service_id"] for r in result["reassignments"]]
    scenario = planner.read_scenario(BUNDLED)
    import dataclasses

    services = tuple(
        dataclasses.replace(s, movable=False) if s.service_id == kept else s
        for s in scenario.services
    )
    expected = planner.solve(dataclasses.replace(scenario, services=services), sensitivity=False)
    assert result["max_coefficient_after"] == pytest.approx(expected.max_coefficient_after)
    assert result["staff_moved"] == expected.staff_moved
    assert f"Services kept at their unit: {kept}" in client.get(f"/jobs/{new_id}").text


def test_cancel_from_the_page(client) -> None:
    """The Cancel button of a running job stops it; the page then offers to run it again."""
    answer = upload(client, BUNDLED.read_bytes(), "west.xlsx")
    response = _post(client, "/compare", data={"upload": answer["id"]})
    job_id = response.headers["location"].rsplit("/", 1)[1]
    wait(client, job_id, until=lambda s: s["status"] == "running")
    assert "Cancel</button>" in client.get(f"/jobs/{job_id}").text
    assert _post(client, f"/jobs/{job_id}/cancel").status_code == 303
    html = client.get(f"/jobs/{job_id}").text
    assert 'id="job-status">cancelled<' in html and "Run it again" in html


def test_compare_page(client, base_bytes) -> None:
    """The compare page lists valid workbooks with their options; the comparison shows each
    option's figures as planner.compare gives them."""
    answer = upload(client, base_bytes)
    page = client.get("/compare").text
    assert f'name="option-{answer["id"]}" value="more staff" checked' in page
    form = {"upload": answer["id"], f"option-{answer['id']}": "more staff"}
    job_id = _post(client, "/compare", data=form).headers["location"].rsplit("/", 1)[1]
    wait(client, job_id)
    html = client.get(f"/jobs/{job_id}").text
    comparison = planner.compare([planner.read_scenario(_save(base_bytes))])
    for option in comparison.options:
        assert f"<td>{option.name}" in html
        assert f'<td class="num">{option.result.max_coefficient_after:.3f}</td>' in html
    assert 'id="download-comparison"' in html
    assert _post(client, "/compare", data={}).status_code == 422


def test_frontier_page(client, base_bytes) -> None:
    """The frontier page draws each group's curve with its points and offers each point's
    plan."""
    answer = upload(client, base_bytes)
    response = _post(client, f"/workbooks/{answer['id']}/frontier", data={"group": "regional"})
    job_id = response.headers["location"].rsplit("/", 1)[1]
    wait(client, job_id)
    html = client.get(f"/jobs/{job_id}").text
    curve = planner.frontier(planner.read_scenario(_save(base_bytes)), group="regional")
    points = curve.group("regional").points
    assert html.count("Open plan</button>") == len(points)
    for point in points:
        assert f'<td class="num">{point.max_coefficient:.4f}' in html
    assert "<polyline" in html


def test_unknown_pages_are_404_pages(client) -> None:
    """An unknown workbook or job is a 404 page (HTML, not a traceback)."""
    for path in ("/workbooks/" + "0" * 64, "/jobs/" + "0" * 32, "/workbooks/..%2F..%2Fetc"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Something is not right (404)" in response.text


def _save(data: bytes):
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp())
    path = folder / "scenario.xlsx"
    path.write_bytes(data)
    return path
