"""`planner serve` as a real process: killed mid-solve (SIGKILL, no goodbye) it loses no upload
and no finished result, the job it was running stops with it and shows as interrupted after a
restart, and can be rerun (the rerun itself is tested in test_api)."""

from __future__ import annotations

import json
import signal
import time
import urllib.request
from pathlib import Path

from tests.web.browser import launch, stop
from tests.web.conftest import BUNDLED, workbook_bytes

HEADERS = {"X-Planner-Client": "tests"}


def _call(url: str, body: bytes | None = None, kind: str = "application/json") -> dict:
    headers = HEADERS | ({"Content-Type": kind} if body is not None else {})
    request = urllib.request.Request(url, data=body, headers=headers,
                                     method="POST" if body is not None else "GET")  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


def _wait(url: str, job_id: str, until, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        state = _call(f"{url}/api/jobs/{job_id}")
        if until(state):
            return state
        assert time.monotonic() < deadline, state
        time.sleep(0.1)


def _gone(pid: int, timeout: float = 10.0) -> bool:
    """Whether the process ended within `timeout` (a zombie that no one reaped has ended: in a
    container, PID 1 may not reap orphans)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.1)
    return False


def test_killed_server_loses_nothing(tmp_path: Path) -> None:
    """Kill -9 the server while a comparison runs: its worker ends too; after a restart the
    uploads and the finished solve are there, the comparison is interrupted and can be rerun."""
    folder = tmp_path / "workspace"
    process, url = launch(folder)
    try:
        small = _call(f"{url}/api/uploads?name=small.xlsx", workbook_bytes(), "application/x")
        west = _call(f"{url}/api/uploads?name=west.xlsx", BUNDLED.read_bytes(), "application/x")
        solve = _call(
            f"{url}/api/jobs", json.dumps({"kind": "solve", "upload": small["id"]}).encode()
        )
        _wait(url, solve["id"], lambda s: s["status"] == "done")
        body = {"kind": "compare", "uploads": [west["id"]]}  # eight options: some seconds
        compare = _call(f"{url}/api/jobs", json.dumps(body).encode())
        running = _wait(url, compare["id"], lambda s: s["status"] == "running" and s["pid"])
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        assert _gone(running["pid"], timeout=5), "the job's worker outlived the server"
    finally:
        stop(process)
    process, url = launch(folder)
    try:
        assert {u["id"] for u in _call(f"{url}/api/uploads")} == {small["id"], west["id"]}
        assert _call(f"{url}/api/jobs/{solve['id']}/result")["status"] == "optimal"
        state = _call(f"{url}/api/jobs/{compare['id']}")
        assert state["status"] == "interrupted"
        assert state["error"] == "the server stopped before this job finished; rerun it"
        again = _call(f"{url}/api/jobs/{compare['id']}/rerun", b"{}")
        assert again["params"] == state["params"] and again["status"] in ("queued", "running")
        assert _call(f"{url}/api/jobs/{again['id']}/cancel", b"{}")["status"] == "cancelled"
    finally:
        stop(process)
