"""solve()'s processes: the default (the cores available, for a large scenario), the largest groups
started first, and the same Result whatever the number of processes."""

from __future__ import annotations

import dataclasses
import importlib
import os
from concurrent.futures import Future

from planner.domain import Scenario, Service, Settings, StaffCell, Unit
from planner.engine.group import GroupData
from planner.solve import PARALLEL_MIN_SERVICES, default_processes, solve

# planner.solve, the attribute, is the function; the module is imported by name.
solve_module = importlib.import_module("planner.solve")


def _groups(sizes: dict[str, int], *, service_moves: bool = True) -> Scenario:
    """One group per entry: 3 units, the first with `size` services (half movable) and 1
    employee, the others with 2 employees and one service each."""
    units, staff, services = [], [], []
    for group, size in sizes.items():
        ids = [f"{group}{i}" for i in range(3)]
        units += [Unit(u, group=group) for u in ids]
        staff += [StaffCell(ids[0], "general", 1)] + [StaffCell(u, "general", 2) for u in ids[1:]]
        services += [Service(f"{ids[0]}-{s}", ids[0], movable=s % 2 == 0) for s in range(size)]
        services += [Service(f"{u}-0", u) for u in ids[1:]]
    settings = Settings(allow_service_moves=service_moves, keep_staff_share=0.0)
    return Scenario("groups", tuple(units), tuple(staff), tuple(services), settings)


def test_same_result_for_any_processes():
    """Three groups of 4, 9 and 6 services: one process and two give the same plans, records and
    checks, group by group in the scenario's order."""
    scenario = _groups({"G1": 4, "G2": 9, "G3": 6})
    serial = solve(scenario, sensitivity=False, processes=1)
    parallel = solve(scenario, sensitivity=False, processes=2)
    assert [g.group for g in parallel.groups] == ["G1", "G2", "G3"]
    assert serial.status == "optimal"
    # G1: unit 0's 4 services on 3 of the 5 employees (2 moves), the others 1 on 1: 4/3. G2: 7
    # services on 3 at unit 0 (2 moved away), 2 on 1 elsewhere: 7/3. G3: 6 on 3 and 2 on 1: 2.
    assert [(g.max_coefficient_after, g.staff_moved, g.services_moved) for g in serial.groups] == [
        (4 / 3, 2, 0.0),
        (7 / 3, 2, 2.0),
        (2.0, 2, 0.0),
    ]
    assert [g.max_coefficient_after for g in serial.groups] == [
        g.max_coefficient_after for g in parallel.groups
    ]
    for field in (
        "status",
        "units",
        "staff",
        "assignments",
        "transfers",
        "reassignments",
        "checks",
    ):
        assert getattr(serial, field) == getattr(parallel, field), field
    assert [(g.staff_moved, g.services_moved) for g in serial.groups] == [
        (g.staff_moved, g.services_moved) for g in parallel.groups
    ]


class _InlinePool:
    """A stand-in for ProcessPoolExecutor that runs each task when submitted, recording the order."""

    submitted: list[str] = []

    def __init__(self, max_workers, **options):
        self.max_workers = max_workers

    def submit(self, function, *args):
        (data,) = [a for a in args if isinstance(a, GroupData)]  # beside the language it speaks
        _InlinePool.submitted.append(data.group)
        future: Future = Future()
        future.set_result(function(*args))
        return future

    def shutdown(self, **options):
        pass


def test_largest_groups_start_first(monkeypatch):
    """Groups are handed to the pool largest first (services and cells), ties in group order,
    and the Result keeps the scenario's order."""
    monkeypatch.setattr(solve_module, "ProcessPoolExecutor", _InlinePool)
    _InlinePool.submitted = []
    result = solve(_groups({"G1": 4, "G2": 9, "G3": 6, "G4": 6}), sensitivity=False, processes=2)
    assert _InlinePool.submitted == ["G2", "G3", "G4", "G1"]
    assert [g.group for g in result.groups] == ["G1", "G2", "G3", "G4"]


def test_default_processes():
    """A small scenario is solved in this process; from PARALLEL_MIN_SERVICES services on, by as
    many processes as this process may use cores."""
    small = _groups({"G1": 4, "G2": 9})
    assert default_processes(small) == 1
    many = tuple(Service(f"X{i}", "G10", movable=False) for i in range(PARALLEL_MIN_SERVICES))
    large = dataclasses.replace(small, services=small.services + many)
    assert default_processes(large) == len(os.sched_getaffinity(0))
