"""The clusters' arithmetic (planner/engine/clusters.py) against the brute-force oracle and the MILP.

Its refutations must be true: on every generated case with movable services, no threshold it
refutes is reached by any plan (the oracle's t* is above it), and the threshold at t* itself is never
refuted. Its plans are checked like any other: the bracket with the arithmetic and the plain
bisection (polishing off: every question to the solver) give the same certified t*, equal to the
oracle's, and the fewest moves at it. A hand-made knife-edge pins the exact least staff.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, note, settings

from planner.domain import CoefficientMode, Scenario, Service, Settings, StaffCell, Unit
from planner.engine.clusters import ClusterBound, applies
from planner.engine.group import group_data
from planner.engine.search import GroupSolver, solve_minmax
from planner.result import Status
from tests.engine import oracle
from tests.engine.test_exhaustive import scenarios

EQUIVALENCE = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class _Plain(GroupSolver):
    """The bisection as it was before the clusters' arithmetic and polishing: every question
    goes to the solver."""

    polishing = False


@EQUIVALENCE
@given(scenarios(skill_count=None, mode=None, hires=True))
def test_refutations_are_true_and_t_star_is_never_refuted(scenario):
    """Every threshold refuted lies below the oracle's t*; t* itself (and above) is not refuted."""
    note(repr(scenario))
    for group in scenario.groups:
        data = group_data(scenario, group)
        if not applies(data):
            continue
        best = oracle.solve_group(scenario, group)
        bound = ClusterBound(data)
        if not best.feasible or best.best is None or best.best == 0:
            continue
        t_star = float(best.best)
        for factor in (0.5, 0.9, 0.99, 1 - 1e-6, 1.0, 1 + 1e-6, 1.1, 2.0):
            verdict = bound.refutes(t_star * factor)
            if factor >= 1.0:
                assert verdict is not True, f"refuted {factor} x t* = {t_star * factor}"


@EQUIVALENCE
@given(scenarios(skill_count=None, mode=None, hires=True))
def test_with_and_without_the_arithmetic_the_same_certified_optimum(scenario):
    """The bracket with the clusters' arithmetic, the plain bisection and the oracle agree on
    feasibility and t*, and on the fewest moves at t*; both are proven optimal."""
    note(repr(scenario))
    for group in scenario.groups:
        data = group_data(scenario, group)
        if not applies(data):
            continue
        best = oracle.solve_group(scenario, group)
        fast = solve_minmax(GroupSolver(data))
        plain = solve_minmax(_Plain(data))
        if not best.feasible:
            assert fast.status is plain.status is Status.INFEASIBLE
            continue
        assert fast.status is plain.status is Status.OPTIMAL
        assert fast.objective_value is not None and plain.objective_value is not None
        assert math.isclose(fast.objective_value, float(best.best), rel_tol=1e-6, abs_tol=1e-12)
        assert math.isclose(fast.objective_value, plain.objective_value, rel_tol=1e-6,
                            abs_tol=1e-12)  # fmt: skip
        assert fast.lower_bound is not None and fast.lower_bound <= float(best.best) * (1 + 1e-12)
        assert fast.plan is not None and plain.plan is not None
        moves = [
            int((r.plan.headcount - data.start).clip(0).sum())
            + int((r.plan.assignment.argmax(axis=1).ravel() != data.service_unit).sum())
            for r in (fast, plain)
        ]
        assert moves[0] == moves[1] == best.fewest_moves


def knife_edge() -> Scenario:
    """Hours mode, one skill, 100 hours per employee: units A (3 employees) and B (2) carry 60
    hours of their own each; services of 90, 70, 50 and 30 hours may go to either. With 2 + 3
    employees the best split puts 50 + 30 at A: max(140 / 200, 220 / 300) = 0.7333...; 3 + 2 is
    the mirror image; 90 at A gives 0.75. So t* = 11/15, and 0.72 (five employees' 360 hours
    exactly, which no subset fills) is refuted by the least staff: 6 > 5."""
    units = (Unit("A", min_employees=0), Unit("B", min_employees=0))
    staff = (StaffCell("A", "general", 3), StaffCell("B", "general", 2))
    own = (
        Service("A0", "A", minutes=60, volume=60),
        Service("B0", "B", minutes=60, volume=60),
    )
    movable = tuple(
        Service(f"M{hours}", "A", minutes=60, volume=hours, movable=True, eligible_units=("A", "B"))
        for hours in (90, 70, 50, 30)
    )
    return Scenario(
        "knife edge", units, staff, own + movable,
        Settings(coefficient=CoefficientMode.HOURS, hours_per_fte=100.0, keep_staff_share=0.0),
    )  # fmt: skip


def test_least_staff_on_a_knife_edge():
    """The arithmetic refutes every threshold below t* = 11/15 (just below it too: the unit limits
    it leaves out do not bind here) and none from t* up; the search proves t* without a solver."""
    scenario = knife_edge()
    data = group_data(scenario, scenario.groups[0])
    assert applies(data)
    bound = ClusterBound(data)
    t_star = 220 / 300
    assert bound.refutes(0.72) is True
    assert bound.refutes(t_star * (1 - 1e-6)) is True
    assert bound.refutes(t_star) is False
    assert bound.refutes(0.75) is False
    unit_of = bound.partition(t_star)
    assert unit_of is not None
    # 140 hours (60 + 50 + 30) on the unit with two employees, 220 (60 + 90 + 70) on the other
    assert sorted(data.load_of(unit_of)[:, 0].tolist()) == [140.0, 220.0]
    solver = GroupSolver(data)
    result = solve_minmax(solver)
    assert result.status is Status.OPTIMAL
    assert result.objective_value == pytest.approx(t_star, rel=1e-12)
    assert result.lower_bound is not None and result.lower_bound >= t_star * (1 - 1e-6)
    best = oracle.solve_group(scenario, scenario.groups[0])
    assert float(best.best) == pytest.approx(t_star, rel=1e-12)
    assert result.objective_value == pytest.approx(float(best.best), rel=1e-12)
