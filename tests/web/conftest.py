"""Shared set-up of the web workspace tests: an app over a fresh workspace folder, served through
FastAPI's TestClient on 127.0.0.1 (no socket), and small workbooks with known answers."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from planner.web import create_app
from tests.corpus.base import base_workbook
from tests.support import COUNT_PATH

API = {"X-Planner-Client": "tests"}  # what an API client sends with a POST
BUNDLED = COUNT_PATH  # the bundled scenario, package data


def workbook_bytes(workbook=None) -> bytes:
    """A workbook saved to bytes (the corpus's clean base workbook by default)."""
    stream = io.BytesIO()
    (workbook or base_workbook()).save(stream)
    return stream.getvalue()


@pytest.fixture
def base_bytes() -> bytes:
    return workbook_bytes()


def client_for(folder: Path, **options) -> TestClient:
    return TestClient(create_app(folder, **options), base_url="http://127.0.0.1")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """A running workspace (two workers) over tmp_path/workspace; stopped after the test."""
    with client_for(tmp_path / "workspace") as running:
        yield running


def upload(client: TestClient, data: bytes, name: str = "scenario.xlsx") -> dict:
    response = client.post("/api/uploads", files={"file": (name, data)}, headers=API)
    assert response.status_code == 201, response.text
    return response.json()


def submit(client: TestClient, body: dict) -> dict:
    response = client.post("/api/jobs", json=body, headers=API)
    assert response.status_code == 202, response.text
    return response.json()


def wait(client: TestClient, job_id: str, timeout: float = 60.0, until=None) -> dict:
    """Poll a job until it is over (or `until(state)` holds); fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    state: dict = {}
    while time.monotonic() < deadline:
        state = client.get(f"/api/jobs/{job_id}").json()
        if until(state) if until else state["status"] not in ("queued", "running"):
            return state
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {state.get('status')} after {timeout} s")
