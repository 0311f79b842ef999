"""Hostile and damaged files are refused (or read) within a time and memory bound."""

from __future__ import annotations

import gc
import os
import random
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from planner.workbook import validate
from planner.workbook.validate import validate_workbook
from planner.xlsx import reading as xlsx
from tests.corpus.base import base_workbook, rewrite_member, sheet_part
from tests.corpus.cases import CASES

HOSTILE = {"entity bomb", "external entity", "zip bomb declared", "zip bomb ratio", "xlsm read without macros"}  # fmt: skip


def _measured(path: Path):
    """validate_workbook(path) with its wall time (s) and peak Python memory (MB)."""
    tracemalloc.start()
    started = time.process_time()  # CPU seconds: a runaway guard, not a speed test
    try:
        report = validate_workbook(path)
    finally:
        elapsed = time.process_time() - started
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    return report, elapsed, peak


@pytest.mark.parametrize("case", [c for c in CASES if c.name in HOSTILE], ids=lambda c: c.name)
def test_hostile_file_bounded(case, tmp_path: Path) -> None:
    """Entity bombs, external entities, zip bombs and macro workbooks are handled in under 8 CPU
    seconds (traced) and 50 MB: nothing is expanded or inflated before it is refused."""
    report, elapsed, peak = _measured(case.build(tmp_path))
    assert sorted((p.code, p.location) for p in report.problems) == sorted(case.errors)
    assert elapsed < 8.0
    assert peak < 50


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _validate_sampling_memory(path: Path):
    """validate_workbook(path), its wall time, and the growth of the process's resident memory
    (sampled every 5 ms: it counts C allocations too, and does not slow the parser down)."""
    baseline = _rss_mb()
    peak = baseline
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss_mb())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.process_time()  # CPU seconds: a runaway guard, not a speed test
    try:
        report = validate_workbook(path)
    finally:
        elapsed = time.process_time() - started
        done.set()
        sampler.join()
    return report, elapsed, peak - baseline


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux /proc for RSS")
def test_million_row_sheet_bounded(tmp_path: Path) -> None:
    """A sheet declaring A1:XFD1048576 and holding a million formatted empty rows (46 MB of XML)
    reads the four real units within 60 CPU seconds, the process growing by less than 100 MB."""
    path = tmp_path / "million.xlsx"
    base_workbook().save(path)

    def add_rows(xml: str) -> str:
        rows = "".join(f'<row r="{n}"><c r="A{n}" s="0"/></row>' for n in range(6, 1_048_577))
        xml = xml.replace('ref="A1:L5"', 'ref="A1:XFD1048576"')
        return xml.replace("</sheetData>", rows + "</sheetData>")

    rewrite_member(path, sheet_part(path, "Units"), add_rows)
    gc.collect()
    report, elapsed, growth = _validate_sampling_memory(path)
    assert report.problems == ()
    assert [u.unit_id for u in report.scenario.units] == ["D01", "D02", "D03", "D04"]
    assert elapsed < 60
    assert growth < 100


def test_cell_at_the_last_column_and_row(tmp_path: Path) -> None:
    """A stray value at XFD1048576 costs little and is named: it sits far below the table."""
    workbook = base_workbook()
    workbook["Units"]["XFD1048576"] = "x"
    path = tmp_path / "corner.xlsx"
    workbook.save(path)
    report, elapsed, peak = _measured(path)
    assert [(p.code, p.location) for p in report.problems] == [("far-below", "Units")]
    assert "row 1048576" in str(report.problems[0])
    assert elapsed < 20
    assert peak < 64


def test_too_many_rows_refused(tmp_path: Path, monkeypatch) -> None:
    """A sheet with more data rows than the bound is refused by name (bound lowered to 3 here)."""
    monkeypatch.setattr(xlsx, "MAX_DATA_ROWS", 3)
    path = tmp_path / "long.xlsx"
    base_workbook().save(path)
    report = validate_workbook(path)
    assert ("sheet-too-large", "Units") in [(p.code, p.location) for p in report.problems]
    assert "more than" in str(report.problems[0])


def test_too_large_file_refused_before_reading(tmp_path: Path, monkeypatch) -> None:
    """A file above the size bound is refused from its size alone (bound lowered here)."""
    monkeypatch.setattr(xlsx, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.xlsx"
    base_workbook().save(path)
    (problem,) = validate_workbook(path).problems
    assert (problem.code, problem.location) == ("file-too-large", "workbook")
    assert "big.xlsx: the file is" in str(problem)


def test_unexpected_failure_becomes_a_problem(tmp_path: Path, monkeypatch) -> None:
    """Whatever goes wrong inside reading is reported as a Problem naming the file, not raised."""
    path = tmp_path / "odd.xlsx"
    base_workbook().save(path)

    def broken(book, problems):
        raise KeyError("xl/sharedStrings.xml")

    monkeypatch.setattr(validate, "_build", broken)
    (problem,) = validate_workbook(path).problems
    assert problem.code == "unreadable"
    assert "odd.xlsx: the file could not be read as an Excel workbook: KeyError" in str(problem)


def test_damaged_bytes_never_raise(tmp_path: Path) -> None:
    """Sixty copies of a workbook with random bytes overwritten each give a Report (valid or
    with problems), never an exception."""
    path = tmp_path / "base.xlsx"
    base_workbook().save(path)
    original = path.read_bytes()
    generator = random.Random(20240601)
    for attempt in range(60):
        damaged = bytearray(original)
        for _ in range(generator.randint(1, 8)):
            damaged[generator.randrange(len(damaged))] = generator.randrange(256)
        target = tmp_path / f"damaged{attempt}.xlsx"
        target.write_bytes(bytes(damaged))
        report = validate_workbook(target)
        assert report.ok == (report.scenario is not None)
        assert all(p.code and p.expected for p in report.problems)
