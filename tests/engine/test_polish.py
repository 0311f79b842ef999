"""Polishing plans found on the way (planner/engine/polish.py): headcounts by counting under an
assignment of services, then single moves and swaps, on hand-solved cases."""

from __future__ import annotations

import numpy as np
import pytest

from planner.domain import Scenario, Service, Settings, StaffCell, Unit
from planner.engine import bracket
from planner.engine.counting import AssignedServices
from planner.engine.group import group_data
from planner.engine.plan import Plan, current_plan, max_coefficient
from planner.engine.polish import polish
from planner.result import Status
from planner.solve import solve


def two_units(max_service_moves: int | None = None) -> Scenario:
    """Count mode: A and B with two employees each, who may move; A may have 2 employees at most;
    six services at A that may move to B. The optimum is three services per unit on two employees
    each: t* = 3/2, with three services moved and no staff moved."""
    units = (Unit("A", max_employees=2), Unit("B"))
    staff = (StaffCell("A", "general", 2), StaffCell("B", "general", 2))
    services = tuple(Service(f"S{i}", "A", movable=True) for i in range(6))
    settings = Settings(keep_staff_share=0.0, max_service_moves=max_service_moves)
    return Scenario("two units", units, staff, services, settings)


def test_headcounts_by_counting_under_an_assignment():
    """Five services at A and one at B, four employees with A at most 2: (2, 2) gives
    max(5/2, 1/2) = 5/2, the least (1 + 3 gives 5, and A cannot have 3)."""
    scenario = two_units()
    data = group_data(scenario, scenario.groups[0])
    unit_of = np.array([0, 0, 0, 0, 0, 1])  # six services: five at A, one at B
    plan = AssignedServices(data).best(unit_of)
    assert plan is not None
    assert plan.headcount.ravel().tolist() == [2, 2]
    assert max_coefficient(data, plan) == 2.5


def test_polish_reaches_the_optimum_by_single_moves():
    """From all six services at A (coefficient 6/2 = 3), single moves to B reach t* = 3/2."""
    scenario = two_units()
    data = group_data(scenario, scenario.groups[0])
    start = current_plan(data)
    assert max_coefficient(data, start) == 3.0
    polished = polish(data, start)
    assert polished is not None
    assert max_coefficient(data, polished) == 1.5
    assert polished.headcount.ravel().tolist() == [2, 2]


def test_polish_keeps_the_service_move_budget():
    """With at most two services moved the best is four at A and two at B: max(4/2, 2/2) = 2."""
    scenario = two_units(max_service_moves=2)
    data = group_data(scenario, scenario.groups[0])
    polished = polish(data, current_plan(data))
    assert polished is not None
    assert max_coefficient(data, polished) == 2.0
    moved = int((np.asarray(polished.assignment.argmax(axis=1)).ravel() != 0).sum())
    assert moved == 2


def test_polish_finds_nothing_better_than_an_optimum():
    """An optimal plan (three services per unit, two employees each) is not improved: None."""
    scenario = two_units()
    data = group_data(scenario, scenario.groups[0])
    optimum = AssignedServices(data).best(np.array([0, 0, 0, 1, 1, 1]))
    assert isinstance(optimum, Plan)
    assert polish(data, optimum) is None


@pytest.mark.parametrize("polishing, runs", [(True, 2), (False, 5)])
def test_polished_start_needs_fewer_solver_runs(monkeypatch, polishing, runs):
    """The search proves t* = 3/2 either way (six services over four employees: the bound is
    arithmetic). Polished, the start is the optimum and only the fewest-moves stage asks a solver
    (two runs: the minimum and its confirmation); unpolished, a feasibility MILP first finds the
    optimum: 5 runs."""
    monkeypatch.setattr(bracket.GroupSolver, "polishing", polishing)
    monkeypatch.setattr(bracket, "services_largest_first", lambda data: None)
    result = solve(two_units(), sensitivity=False)
    (group,) = result.groups
    assert group.status is Status.OPTIMAL
    assert group.objective_value == pytest.approx(1.5, rel=1e-9)
    assert (group.staff_moved, group.services_moved) == (0, 3.0)
    assert group.report.solver_runs == runs
