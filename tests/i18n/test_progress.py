"""Progress counts that do not depend on the language: the library's progress messages carry
their counter (planner.solve.Step), and the web workspace's worker writes the counts of a job
speaking Kazakh or Russian to progress.json, as the progress bar reads them."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

import planner
from planner.i18n import using
from planner.solve import Step
from planner.web import worker
from planner.web.workspace import read_json
from tests.corpus.base import base_workbook


@pytest.fixture
def scenario(tmp_path: Path) -> planner.Scenario:
    """The corpus's base workbook: two groups (districts, regional) and the option "more staff"."""
    path = tmp_path / "base.xlsx"
    base_workbook().save(path)
    return planner.read_scenario(path)


class _Clock:
    """A monotonic clock that moves one second at each reading: no progress message is held
    back by the worker's five-writes-a-second limit."""

    def __init__(self) -> None:
        self._ticks = itertools.count(1000)

    def monotonic(self) -> float:
        return float(next(self._ticks))


def _written(monkeypatch, folder: Path) -> list[tuple[str, int, int]]:
    """(message, done, total) of every write of the worker's progress.json, in order."""
    seen: list[tuple[str, int, int]] = []
    write = worker.write_json

    def spy(path: Path, data) -> None:
        write(path, data)
        if path.name == "progress.json":
            state = read_json(path)
            seen.append((state["message"], state["done"], state["total"]))

    monkeypatch.setattr(worker, "write_json", spy)
    monkeypatch.setattr(worker, "time", _Clock())
    return seen


def test_a_kazakh_solve_reports_its_groups_solved(monkeypatch, tmp_path, scenario):
    """A solve job's progress in Kazakh: 1 and then 2 of the 2 groups, under Kazakh words."""
    seen = _written(monkeypatch, tmp_path)
    with using("kk"):
        progress = worker._Progress(tmp_path, len(scenario.groups))
        planner.solve(scenario, sensitivity=False, processes=1, progress=progress)
    assert seen == [
        ("басталуда", 0, 2),
        ("шешілген топтар: 1/2 (districts)", 1, 2),
        ("шешілген топтар: 2/2 (regional)", 2, 2),
    ]


def test_a_russian_comparison_reports_the_options_done(monkeypatch, tmp_path, scenario):
    """A compare job's progress in Russian counts the options done (an option's groups count as
    the option being solved): 0 while the first runs, 1 while the second does."""
    seen = _written(monkeypatch, tmp_path)
    with using("ru"):
        progress = worker._Progress(tmp_path, 2)
        planner.compare([scenario], progress=progress)
    assert [(done, total) for _, done, total in seen] == [(0, 2)] * 4 + [(1, 2)] * 3
    assert seen[1][0].startswith("вариант 1/2: ")
    assert seen[4][0].startswith("вариант 2/2: ")


def test_a_step_is_its_text_and_travels_whole():
    """A Step compares, prints and formats as its text, and pickles with its counts (a message
    made in a worker process keeps them)."""
    import pickle

    step = Step("шешілген топтар: 1/2", 1, 2)
    assert step == "шешілген топтар: 1/2" and f"{step}!" == "шешілген топтар: 1/2!"
    again = pickle.loads(pickle.dumps(step))
    assert (again, again.done, again.total, type(again)) == (step, 1, 2, Step)


def test_a_kazakh_frontier_counts_the_groups_drawn(monkeypatch, tmp_path, scenario):
    """A frontier job's progress in Kazakh counts the groups whose curve is drawn: districts
    (drawn first, flat: no point to solve) is done while regional's two points are solved, each
    with its value in the language's notation."""
    seen = _written(monkeypatch, tmp_path)
    with using("kk"):
        progress = worker._Progress(tmp_path, len(scenario.groups))
        planner.frontier(scenario, progress=progress)
    points = [(message, done, total) for message, done, total in seen if "нүкте" in message]
    assert points == [
        ("шекара regional: нүкте 1/2, шек 0: 0,15625", 1, 2),
        ("шекара regional: нүкте 2/2, шек 1: 0,138889", 1, 2),
    ]
