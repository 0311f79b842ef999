"""The balance model's hull rows (model._add_secant_row) and deviation bounds: implied for every
plan, so the optimum is the enumeration's, and strong enough that the relaxation of a fixed-load
group already gives the integer optimum."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given
from pytest import approx

from planner.domain import Objective, Scenario, Service, Settings, StaffCell, Unit
from planner.engine.group import group_data
from planner.engine.model import RowFamily, balance_scale, build_group_model
from planner.engine.plan import Plan, current_plan, skill_means
from planner.engine.session import point_of_plan
from planner.engine.solvers import HighsBackend, RunStatus, point_violation
from tests.engine.test_exhaustive import FAST, assert_matches_oracle, scenarios


def _known_group():
    """A 2 staff / 7 services, B 2 / 3; mean 10 / 4 = 2.5, so 2.8 and 1.2 employees would be
    exact; the least deviation is 1.0 at (3, 1) (|7 - 7.5| + |3 - 2.5|; (2, 2) has 4.0)."""
    units = (Unit("A"), Unit("B"))
    staff = (StaffCell("A", "general", 2), StaffCell("B", "general", 2))
    services = tuple(Service(f"A{i}", "A") for i in range(7)) + (
        Service("B1", "B"),
        Service("B2", "B"),
        Service("B3", "B"),
    )
    scenario = Scenario("hull", units, staff, services, Settings(objective=Objective.BALANCE))
    return group_data(scenario, "all")


def test_relaxation_of_fixed_loads_reaches_the_integer_optimum():
    """With every load fixed, the hull rows make the relaxation (no integrality at all) give
    1.0, the integer optimum; without them the relaxation puts 2.8 employees in A and reaches
    0."""
    data = _known_group()
    group_model = build_group_model(data, balance_means=skill_means(data))
    model = group_model.model
    assert len(RowFamily.DEVIATION_HULL.rows(model)) == 2
    model.col_integer = [False] * model.num_cols
    backend = HighsBackend(model)
    costs = np.zeros(model.num_cols)
    costs[group_model.deviation_cols] = 1.0
    backend.set_objective(costs)
    run = backend.solve()
    assert run.status is RunStatus.OPTIMAL
    assert run.objective * balance_scale(data) == approx(
        1.0, rel=1e-8
    )  # the rows keep a margin of 1e-9
    for row in RowFamily.DEVIATION_HULL.rows(model):  # the relaxation without them: 0
        backend.set_row_bounds(row, -np.inf, np.inf)
    assert backend.solve().objective == approx(0.0, abs=1e-9)


def test_every_whole_headcount_keeps_the_hull_rows():
    """Every headcount split of the 4 employees that keeps a unit staffed is a point of the
    model (the hull rows and the deviation bounds cut no plan)."""
    data = _known_group()
    group_model = build_group_model(data, balance_means=skill_means(data))
    assignment = current_plan(data).assignment
    for in_a in range(1, 4):
        plan = Plan(np.array([[in_a], [4 - in_a]]), assignment)
        assert point_violation(group_model.model, point_of_plan(group_model, plan)) == 0.0


@FAST
@given(scenarios(objective=Objective.BALANCE, service_moves=False, mode=None, skill_count=None))
def test_balance_staff_only(scenario):
    """balance with only staff moving (every cell's load fixed, so every staffed cell has its hull
    row): the least total deviation and the fewest moves at it equal the enumeration's."""
    assert_matches_oracle(scenario)


def test_hull_row_is_the_chord_of_the_deviation():
    """For loads and per-employee capacities of a grid, the hull row at each whole headcount is
    at most the deviation |load - a n| and equal to it at the two whole numbers around load / a."""
    from planner.engine.model import LinearModel, _add_secant_row

    for load, per_employee in itertools.product((0.3, 2.0, 7.0, 13.7), (0.5, 2.25, 4.0)):
        model = LinearModel()
        over, under = model.add_col("over", 0, np.inf), model.add_col("under", 0, np.inf)
        n = model.add_col("n", 0, 20, integer=True)
        _add_secant_row(model, n, over, under, load, per_employee, "hull", 0, 0)
        if model.num_rows == 0:
            assert load / per_employee == int(load / per_employee)
            continue
        low = int(np.floor(load / per_employee))
        for headcount in range(21):
            deviation = abs(load - per_employee * headcount)
            point = np.array([max(load - per_employee * headcount, 0.0),
                              max(per_employee * headcount - load, 0.0), headcount])  # fmt: skip
            assert point_violation(model, point) == 0.0
            chord = -model.entry_value[2] * headcount + model.row_lower[0]
            assert chord <= deviation + 1e-9
            if headcount in (low, low + 1):
                assert chord == approx(deviation, abs=1e-7)  # less the rows' 1e-9 margin
