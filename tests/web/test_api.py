"""The JSON API over TestClient: uploads and their validation, jobs (solve, compare, frontier)
whose figures are the library's own, downloads, and every bad input: not an xlsx, a zip bomb, a
broken workbook, an unknown id, a path-like id, an oversized upload, bad settings."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import time
from pathlib import Path

import openpyxl
import pytest

import planner
from planner.cli import main as cli_main
from planner.web.workspace import display_name
from planner.xlsx.files import HOLD_WRITE_ENVIRONMENT
from tests.corpus.cases import CASES
from tests.web.conftest import API, client_for, submit, upload, wait

TIMED = ("solved_at", "seconds")  # the only fields two solves of one scenario may differ in


def _case(name: str):
    return next(case for case in CASES if case.name == name)


def _without_times(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k not in TIMED}


def test_health(client) -> None:
    """The health endpoint says ok with the pool's size and nothing running."""
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "running": 0, "queued": 0, "workers": 2}


def test_upload_is_stored_by_its_sha256_and_validated(client, base_bytes) -> None:
    """A clean workbook is stored under its SHA-256 (twice the same upload, one id) and its
    summary is validate_workbook's."""
    first = upload(client, base_bytes, "my plan.xlsx")
    again = upload(client, base_bytes, "other name.xlsx")
    sha = hashlib.sha256(base_bytes).hexdigest()
    assert first["id"] == again["id"] == sha
    assert first["valid"] is True and first["problems"] == []
    assert first["name"] == "my plan.xlsx"
    assert first["summary"] == (
        "4 units, 29 staff, 4 services, 2 groups (districts, regional), 1 skills (general), "
        "1 variants, 0 warnings"
    )
    assert first["scenario"]["options"] == ["baseline", "more staff"]
    listed = client.get("/api/uploads").json()
    assert [u["id"] for u in listed] == [sha]
    download = client.get(f"/api/uploads/{sha}/workbook")
    assert download.status_code == 200 and download.content == base_bytes


def test_upload_name_never_becomes_a_path(client, base_bytes, tmp_path) -> None:
    """A name with folders and control characters is kept for display only: its last part,
    cleaned; the file is stored as <sha256>.xlsx inside the workspace."""
    answer = upload(client, base_bytes, "../../etc/evil.xlsx")
    assert answer["name"] == "evil.xlsx"
    assert display_name("C:\\Users\\me\\\x00plan\n.xlsx") == "plan.xlsx"
    assert display_name("") == "workbook.xlsx"
    stored = sorted(p.name for p in (tmp_path / "workspace" / "uploads").iterdir())
    assert stored == [f"{answer['id']}.json", f"{answer['id']}.xlsx"]
    assert not (tmp_path / "etc").exists()


def test_raw_body_upload(client, base_bytes) -> None:
    """The workbook may also be the raw body, its name in ?name=."""
    response = client.post(
        "/api/uploads?name=raw.xlsx", content=base_bytes,
        headers=API | {"Content-Type": "application/octet-stream"},
    )  # fmt: skip
    assert response.status_code == 201
    assert response.json()["name"] == "raw.xlsx"


def test_broken_workbook_lists_its_cells(client, tmp_path) -> None:
    """A broken workbook is stored and its report lists the problem with sheet, cell, value and
    what was expected, and a preview with that cell marked."""
    path = _case("text in a number cell").build(tmp_path)
    answer = upload(client, path.read_bytes(), "broken.xlsx")
    report = planner.validate_workbook(path)
    assert answer["valid"] is False
    assert [(p["sheet"], p["cell"], p["value"], p["expected"]) for p in answer["problems"]] == [
        (p.sheet, p.cell, str(p.value), p.expected) for p in report.problems
    ]
    assert [(p["sheet"], p["cell"]) for p in answer["problems"]] == [("Units", "F2")]
    preview = answer["previews"][0]
    assert preview["sheet"] == "Units"
    marked = [
        (row["row"], preview["columns"][i])
        for row in preview["rows"]
        for i, cell in enumerate(row["cells"])
        if cell["marked"]
    ]
    assert marked == [(2, "F")]
    refused = client.post("/api/jobs", json={"kind": "solve", "upload": answer["id"]}, headers=API)
    assert refused.status_code == 409
    assert refused.json() == {"detail": "the workbook has 1 problem(s): fix them first"}


def test_not_an_xlsx_names_the_users_file(client) -> None:
    """A text file is refused by the reader, and the message names the file as the user called
    it, not the stored <sha256>.xlsx."""
    answer = upload(client, b"Unit ID,Employees\nD01,10\n", "units.csv")
    assert [p["code"] for p in answer["problems"]] == ["not-xlsx"]
    text = answer["problems"][0]["expected"]
    assert text.startswith("units.csv: this is a text file (CSV or similar)")
    assert answer["id"] not in json.dumps(answer["problems"])


@pytest.mark.parametrize(
    ("case", "code"),
    [("zip bomb declared", "unsafe-zip"), ("external entity", "unsafe-xml"),
     ("truncated", "not-xlsx")],
)  # fmt: skip
def test_hostile_files_are_refused_by_the_reader(client, tmp_path, case, code) -> None:
    """Every hostile-file defence of the reader applies to uploads."""
    path = _case(case).build(tmp_path)
    answer = upload(client, path.read_bytes(), "hostile.xlsx")
    assert answer["valid"] is False
    assert [p["code"] for p in answer["problems"]] == [code]


def test_oversized_upload_is_413(tmp_path, base_bytes) -> None:
    """An upload over the limit is refused with 413, declared (Content-Length) or streamed."""
    with client_for(tmp_path / "ws", max_upload=len(base_bytes) - 1) as small:
        declared = small.post(
            "/api/uploads?name=a.xlsx", content=base_bytes + bytes(70_000), headers=API
        )
        assert declared.status_code == 413
        assert declared.json() == {
            "detail": f"the file is larger than the {len(base_bytes) - 1:,} bytes accepted"
        }

        def chunks():
            yield base_bytes[:1000]
            yield base_bytes[1000:]
            yield bytes(70_000)

        streamed = small.post("/api/uploads?name=a.xlsx", content=chunks(), headers=API)
        assert streamed.status_code == 413
        multipart = small.post("/api/uploads", files={"file": ("a.xlsx", base_bytes)}, headers=API)
        assert multipart.status_code == 413
        assert list((tmp_path / "ws" / "uploads").iterdir()) == []


def test_declared_oversize_is_refused_before_reading(tmp_path) -> None:
    """With a Content-Length over the limit the body is never read (receive is not called)."""
    import asyncio

    from planner.web import create_app

    app = create_app(tmp_path / "ws", max_upload=1000)
    sent: list[dict] = []

    async def receive() -> dict:
        raise AssertionError("the body was read")

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http", "method": "POST", "path": "/api/uploads", "raw_path": b"/api/uploads",
        "query_string": b"name=a.xlsx", "root_path": "", "scheme": "http", "http_version": "1.1",
        "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 5000),
        "headers": [(b"host", b"127.0.0.1:8000"), (b"content-length", str(10**9).encode()),
                    (b"x-planner-client", b"t")],
    }  # fmt: skip

    async def run() -> None:
        async with app.router.lifespan_context(app):
            await app(scope, receive, send)

    asyncio.run(run())
    assert sent[0]["status"] == 413


@pytest.mark.parametrize(
    "path",
    ["/api/uploads/" + "0" * 64, "/api/uploads/..%2F..%2Fetc%2Fpasswd", "/api/uploads/abc",
     "/api/uploads/" + "0" * 64 + "/workbook", "/api/jobs/" + "0" * 32, "/api/jobs/..%2Fjob",
     "/api/jobs/%2E%2E/result", "/api/jobs/" + "a" * 32 + "/workbook"],
)  # fmt: skip
def test_unknown_and_path_like_ids_are_404(client, path) -> None:
    """An id that names nothing, or looks like a path, is 404 and touches no file."""
    response = client.get(path)
    assert response.status_code == 404


def test_unknown_ids_in_a_job_are_404(client) -> None:
    response = client.post("/api/jobs", json={"kind": "solve", "upload": "../x"}, headers=API)
    assert response.status_code == 404
    assert response.json() == {"detail": "no such workbook in the workspace"}


@pytest.mark.parametrize(
    ("settings", "message"),
    [({"max_staff_moves": -1}, "max staff moves: must be between 0 and 10,000,000 (found -1)"),
     ({"max_staff_moves": "ten"}, "max staff moves: must be a whole number of 0 or more, or blank "
                                   "for no cap (found 'ten')"),
     ({"time_limit": 0}, "time limit: must be more than 0 and at most 86,400 seconds (found 0)"),
     ({"objective": "fastest"}, "objective: must be minmax or balance (found 'fastest')"),
     ({"solver": "cbc"}, "'solver' is not a setting the workspace can change (choose from "
                          "objective, allow_staff_moves, allow_service_moves, max_staff_moves, "
                          "max_service_moves, time_limit)")],
)  # fmt: skip
def test_bad_settings_are_422(client, base_bytes, settings, message) -> None:
    """Settings changed in a request are checked before anything is queued."""
    answer = upload(client, base_bytes)
    body = {"kind": "solve", "upload": answer["id"], "settings": settings}
    response = client.post("/api/jobs", json=body, headers=API)
    assert response.status_code == 422
    assert response.json() == {"detail": message}
    assert client.get("/api/jobs").json() == []


def test_bad_job_bodies_are_422(client, base_bytes) -> None:
    """An unknown kind, an unknown option, group or field is refused."""
    answer = upload(client, base_bytes)
    for body in (
        {"kind": "dance", "upload": answer["id"]},
        {"kind": "solve", "upload": answer["id"], "colour": "red"},
        {"kind": "compare", "uploads": []},
    ):
        assert client.post("/api/jobs", json=body, headers=API).status_code == 422
    option = client.post("/api/jobs", json={"kind": "solve", "upload": answer["id"],
                                            "option": "nope"}, headers=API)  # fmt: skip
    assert option.json() == {"detail": "no option 'nope' in scenario.xlsx"}
    group = client.post("/api/jobs", json={"kind": "frontier", "upload": answer["id"],
                                           "group": "nowhere"}, headers=API)  # fmt: skip
    assert group.json() == {"detail": "no group 'nowhere' in scenario.xlsx"}


def test_solve_gives_the_json_of_planner_solve(client, base_bytes, tmp_path, capsys) -> None:
    """A solve job's result is the JSON `planner solve --json` prints for the same workbook (up
    to the time of the solve), and its workbook opens with the result sheets."""
    path = tmp_path / "scenario.xlsx"
    path.write_bytes(base_bytes)
    assert (
        cli_main(["solve", str(path), "--json", "--quiet", "--out", str(tmp_path / "o.xlsx")]) == 0
    )
    expected = json.loads(capsys.readouterr().out)

    answer = upload(client, base_bytes, "scenario.xlsx")
    job = submit(client, {"kind": "solve", "upload": answer["id"]})
    assert job["status"] in ("queued", "running")
    state = wait(client, job["id"])
    assert state["status"] == "done", state
    assert state["progress"]["done"] == state["progress"]["total"] == 2
    result = client.get(f"/api/jobs/{job['id']}/result").json()
    assert _without_times(result) == _without_times(expected)
    assert result["max_coefficient_after"] == pytest.approx(0.2)
    download = client.get(f"/api/jobs/{job['id']}/workbook")
    assert download.status_code == 200
    assert download.headers["content-disposition"] == (
        "attachment; filename=\"scenario-result.xlsx\"; filename*=UTF-8''scenario-result.xlsx"
    )
    book = openpyxl.load_workbook(io.BytesIO(download.content), read_only=True)
    assert book.sheetnames[:4] == ["Summary", "Memo", "Units", "Charts"]


def test_solve_with_settings_changed(client, base_bytes) -> None:
    """Settings changed in the request are those of the solve: with no staff moves allowed the
    plan moves nobody, as planner.solve says for the same settings."""
    answer = upload(client, base_bytes)
    job = submit(client, {"kind": "solve", "upload": answer["id"], "sensitivity": False,
                          "settings": {"allow_staff_moves": False}})  # fmt: skip
    wait(client, job["id"])
    result = client.get(f"/api/jobs/{job['id']}/result").json()
    scenario = planner.read_scenario(_save(base_bytes))
    import dataclasses

    fixed = dataclasses.replace(
        scenario, settings=dataclasses.replace(scenario.settings, allow_staff_moves=False)
    )
    expected = planner.solve(fixed, sensitivity=False)
    assert result["staff_moved"] == expected.staff_moved == 0
    assert result["max_coefficient_after"] == pytest.approx(expected.max_coefficient_after)


def _save(data: bytes) -> Path:
    import tempfile

    handle, name = tempfile.mkstemp(suffix=".xlsx")
    os.write(handle, data)
    os.close(handle)
    return Path(name)


def test_compare_and_frontier_are_the_librarys(client, base_bytes) -> None:
    """A comparison job solves the baseline and the variant as planner.compare does; a frontier
    job gives planner.frontier's points."""
    answer = upload(client, base_bytes)
    compare_job = submit(client, {"kind": "compare", "uploads": [answer["id"]]})
    frontier_job = submit(client, {"kind": "frontier", "upload": answer["id"], "group": "regional"})
    assert wait(client, compare_job["id"])["status"] == "done"
    assert wait(client, frontier_job["id"])["status"] == "done"
    scenario = planner.read_scenario(_save(base_bytes))
    comparison = planner.compare([scenario])
    got = client.get(f"/api/jobs/{compare_job['id']}/result").json()
    assert [o["option"] for o in got["options"]] == ["baseline", "more staff"]
    assert [o["result"]["max_coefficient_after"] for o in got["options"]] == pytest.approx(
        [o.result.max_coefficient_after for o in comparison.options]
    )
    curve = planner.frontier(scenario, group="regional")
    points = client.get(f"/api/jobs/{frontier_job['id']}/result").json()["groups"][0]["points"]
    assert [(p["budget"], p["max_coefficient"]) for p in points] == [
        (p.budget, pytest.approx(p.max_coefficient)) for p in curve.group("regional").points
    ]
    book = client.get(f"/api/jobs/{compare_job['id']}/workbook")
    assert openpyxl.load_workbook(io.BytesIO(book.content)).sheetnames[:2] == ["Summary", "Groups"]


def test_compare_picks_options(client, base_bytes) -> None:
    """Options left out of a comparison are not solved (the baseline always is)."""
    answer = upload(client, base_bytes)
    job = submit(client, {"kind": "compare", "uploads": [answer["id"]],
                          "options": {answer["id"]: []}})  # fmt: skip
    wait(client, job["id"])
    got = client.get(f"/api/jobs/{job['id']}/result").json()
    assert [o["option"] for o in got["options"]] == ["baseline"]


def test_cancel_really_stops_the_process(client) -> None:
    """Cancelling a running job ends its worker process; the job shows as cancelled."""
    answer = upload(client, Path(BUNDLED_PATH).read_bytes(), "west.xlsx")
    job = submit(client, {"kind": "compare", "uploads": [answer["id"]]})
    running = wait(client, job["id"], until=lambda s: s["status"] == "running" and s["pid"])
    cancelled = client.post(f"/api/jobs/{job['id']}/cancel", headers=API).json()
    assert cancelled["status"] == "cancelled"
    with pytest.raises(ProcessLookupError):
        os.kill(running["pid"], 0)
    assert client.get(f"/api/jobs/{job['id']}/result").status_code == 409
    assert client.get("/api/health").json()["running"] == 0


def test_a_crash_touches_no_other_job(client, base_bytes) -> None:
    """A worker killed from outside fails its own job only; the next job still succeeds."""
    big = upload(client, Path(BUNDLED_PATH).read_bytes(), "west.xlsx")
    job = submit(client, {"kind": "compare", "uploads": [big["id"]]})
    running = wait(client, job["id"], until=lambda s: s["status"] == "running" and s["pid"])
    os.kill(running["pid"], signal.SIGKILL)
    state = wait(client, job["id"])
    assert state["status"] == "failed"
    assert state["error"] == "the worker process stopped unexpectedly (exit code -9)"
    small = upload(client, base_bytes)
    after = wait(client, submit(client, {"kind": "solve", "upload": small["id"]})["id"])
    assert after["status"] == "done"


def test_timeout_stops_a_job(tmp_path) -> None:
    """A job past its time limit is stopped and shows as timed out."""
    with client_for(tmp_path / "ws", job_timeout=0.5) as short:
        answer = upload(short, Path(BUNDLED_PATH).read_bytes(), "west.xlsx")
        job = submit(short, {"kind": "compare", "uploads": [answer["id"]]})
        state = wait(short, job["id"])
        assert state["status"] == "timed out"
        assert state["error"] == "stopped after its time limit of 0.5 s"


def test_queue_position_and_restart(tmp_path, base_bytes, monkeypatch) -> None:
    """With one worker a second job waits at position 1; a server stopped mid-job leaves both
    interrupted, the upload and finished results survive, and an interrupted job can be rerun."""
    folder = tmp_path / "ws"
    marker = tmp_path / "held"
    with client_for(folder, workers=1) as first:
        small = upload(first, base_bytes)
        finished = submit(first, {"kind": "solve", "upload": small["id"], "sensitivity": False})
        assert wait(first, finished["id"])["status"] == "done"
        big = upload(first, Path(BUNDLED_PATH).read_bytes(), "west.xlsx")
        # The compare job pauses in the middle of writing its workbook (the test hook), so that
        # it is surely still running when the server stops, however fast the machine.
        monkeypatch.setenv(HOLD_WRITE_ENVIRONMENT, str(marker))
        running = submit(first, {"kind": "compare", "uploads": [big["id"]]})
        waiting = submit(first, {"kind": "solve", "upload": small["id"]})
        deadline = time.monotonic() + 300
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.exists(), "the compare job never reached its write"
        assert first.get(f"/api/jobs/{running['id']}").json()["status"] == "running"
        assert first.get(f"/api/jobs/{waiting['id']}").json()["position"] == 1
    monkeypatch.delenv(HOLD_WRITE_ENVIRONMENT)
    with client_for(folder, workers=1) as second:
        states = {s["id"]: s["status"] for s in second.get("/api/jobs").json()}
        assert states == {finished["id"]: "done", running["id"]: "interrupted",
                          waiting["id"]: "interrupted"}  # fmt: skip
        assert second.get(f"/api/jobs/{finished['id']}/result").json()["status"] == "optimal"
        assert [u["id"] for u in second.get("/api/uploads").json()] == [big["id"], small["id"]]
        again = second.post(f"/api/jobs/{waiting['id']}/rerun", headers=API)
        assert again.status_code == 202
        assert wait(second, again.json()["id"])["status"] == "done"


def test_template_download(client) -> None:
    """The template is planner's own, as a download."""
    response = client.get("/api/template")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert {"Units", "Services"} <= set(book.sheetnames)


BUNDLED_PATH = Path(__file__).resolve().parents[2] / "scenarios" / "west-kazakhstan-2024.xlsx"


def test_scenario_endpoint_gives_the_coefficient_today(client, base_bytes) -> None:
    """Units per group with their coefficient today: the `coefficient_before` planner.solve
    reports for each unit; the settings and options of the workbook."""
    answer = upload(client, base_bytes)
    data = client.get(f"/api/uploads/{answer['id']}/scenario").json()
    expected = planner.solve(planner.read_scenario(_save(base_bytes)), sensitivity=False)
    got = {u["unit_id"]: u["coefficient"] for g in data["groups"] for u in g["units"]}
    assert got == pytest.approx({u.unit_id: u.coefficient_before for u in expected.units})
    assert [g["group"] for g in data["groups"]] == ["districts", "regional"]
    assert data["settings"]["max_staff_moves"] == 5
    assert [o["name"] for o in data["options"]] == ["baseline", "more staff"]
    assert client.get("/api/uploads/" + "1" * 64 + "/scenario").status_code == 404


def test_a_job_that_fails_says_why(client, base_bytes) -> None:
    """A solve whose decisions name a unit the workbook does not have fails with the problem in
    plain words, like the reader's."""
    answer = upload(client, base_bytes)
    job = submit(client, {"kind": "solve", "upload": answer["id"], "lock_units": ["NOPE"]})
    state = wait(client, job["id"])
    assert state["status"] == "failed"
    assert state["problems"] == ["Units: is not a unit of this workbook (found 'NOPE')"]
    assert client.get(f"/api/jobs/{job['id']}/result").status_code == 409
    assert "is not a unit of this workbook" in client.get(f"/jobs/{job['id']}").text
