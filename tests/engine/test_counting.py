"""The exact staff-only path (planner/engine/counting.py) against the MILP path and enumeration.

On every generated staff-only scenario of the counting shape: the same status, the same t* and the
same fewest staff moved as the MILP search (solve_minmax on a GroupSolver, which the fast path
bypasses) and as the brute-force oracle (tests/engine/oracle.py); the fast path's plan breaks no
rule (the oracle re-evaluates it). Hand-solved cases pin t*, the moves and the budget rule; the
shapes outside counting keep the MILP.
"""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

from hypothesis import HealthCheck, given, note, settings

from planner.domain import CoefficientMode, Objective, Scenario, Service, Settings, StaffCell, Unit
from planner.engine.counting import fewest_moves, solve_staff_only, staff_only_shape, staff_pool
from planner.engine.group import group_data
from planner.engine.search import GroupSolver, solve_minmax
from planner.result import Status
from planner.solve import solve
from tests.engine import oracle
from tests.engine.test_exhaustive import scenarios

EQUIVALENCE = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _moves(data, plan) -> int:
    return int((plan.headcount - data.start).clip(0).sum())


@EQUIVALENCE
@given(scenarios(service_moves=False, skill_count=None, mode=None, hires=True))
def test_counting_equals_milp_and_enumeration(scenario):
    """Fast path, MILP path and enumeration agree on feasibility, t* and the fewest moves."""
    note(repr(scenario))
    for group in scenario.groups:
        data = group_data(scenario, group)
        if not staff_only_shape(data):
            continue
        fast = solve_staff_only(data)
        milp = solve_minmax(GroupSolver(data))
        best = oracle.solve_group(scenario, group)
        if fast is None:  # the fast path hands a group without a plan to the MILP path
            assert not best.feasible
            assert milp.status is Status.INFEASIBLE
            continue
        assert best.feasible and milp.status is Status.OPTIMAL
        assert best.best is not None and milp.objective_value is not None
        assert math.isclose(fast.t_star, float(best.best), rel_tol=1e-12)
        assert math.isclose(fast.t_star, milp.objective_value, rel_tol=1e-6)
        assert fast.t_star <= milp.objective_value * (1 + 1e-12)
        assert fast.staff_moved == _moves(data, milp.plan)
        # The moves stage allows t* (1 + 1e-6), as the MILP's does: the oracle's count "near".
        assert fast.staff_moved == best.fewest_moves_near
        assert fast.t_star <= fast.value <= fast.t_star * (1 + 1e-6)
        # The min-cost flow alone (most groups never need it: _built finds D moves) agrees.
        pool = staff_pool(data)
        bounds = pool.bounds_at(fast.t_star * (1 + 1e-6)) if fast.t_star > 0 else None
        if bounds is not None:
            assert fewest_moves(pool, *bounds)[1] == fast.staff_moved
        headcount = {
            (unit.unit_id, skill): int(fast.plan.headcount[u, k])
            for u, unit in enumerate(data.units)
            for k, skill in enumerate(data.skills)
        }
        value = oracle.evaluate(
            scenario, group, headcount, {s.service_id: s.unit_id for s in data.services}
        )
        assert value.broken == ()
        assert value.staff_moved == fast.staff_moved
        assert value.max_coefficient <= best.best * (1 + oracle.NEAR)


def _two_units(**settings_changes) -> Scenario:
    """A holds 1 employee and 6 services, B 5 employees and 2 (count mode, emptying allowed)."""
    units = (Unit("A"), Unit("B"))
    staff = (StaffCell("A", "general", 1), StaffCell("B", "general", 5))
    services = tuple(Service(f"A{i}", "A") for i in range(6)) + tuple(
        Service(f"B{i}", "B") for i in range(2)
    )
    base = Settings(
        coefficient=CoefficientMode.COUNT,
        allow_service_moves=False,
        keep_staff_share=0.0,
    )
    return Scenario(
        "two units", units, staff, services, dataclasses.replace(base, **settings_changes)
    )


def test_hand_solved_case():
    """6 staff over loads 6 and 2: A needs ceil(6 / t) and B ceil(2 / t) employees, so t* = 1.5
    (A 4, B 2); every plan at 1.5 has A at 4 or more, so 3 moves are the fewest."""
    scenario = _two_units()
    fast = solve_staff_only(group_data(scenario, scenario.groups[0]))
    assert fast is not None
    assert fast.t_star == 1.5
    assert fast.staff_moved == 3
    assert fast.plan.headcount.tolist() == [[4], [2]]
    result = solve(scenario, sensitivity=False)
    group = result.groups[0]
    assert group.status == "optimal"
    assert group.max_coefficient_after == 1.5
    assert group.lower_bound == 1.5
    assert group.staff_moved == 3
    assert group.report.solver_runs == 0
    assert any("by counting" in n for n in group.notes)


def test_budget_binds():
    """With at most 2 staff moves A reaches 3 employees: t* = max(6/3, 2/3) = 2, with 2 moves."""
    fast = solve_staff_only(group_data(s := _two_units(max_staff_moves=2), s.groups[0]))
    assert fast is not None
    assert (fast.t_star, fast.staff_moved) == (2.0, 2)
    assert oracle.solve_group(s, s.groups[0]).best == Fraction(2)


def test_unit_limits_couple_the_skills():
    """Unit B may hold at most 3 employees: of its clerk and lawyer, the lawyer's load (3) needs
    B's room, so A's spare clerk cannot both go to B and leave B's lawyer 2 more. Loads: B clerk 2,
    B legal 3; A has 3 clerks and 3 lawyers with nothing to do; B starts with 1 of each.
    B's 3 places: (1 clerk, 2 legal) gives max(2, 1.5) = 2; (2, 1) gives 3: t* = 2, 1 move."""
    units = (Unit("A"), Unit("B", max_employees=3))
    staff = (
        StaffCell("A", "clerk", 3), StaffCell("A", "legal", 3),
        StaffCell("B", "clerk", 1), StaffCell("B", "legal", 1),
    )  # fmt: skip
    services = (
        *(Service(f"C{i}", "B", skill="clerk") for i in range(2)),
        *(Service(f"L{i}", "B", skill="legal") for i in range(3)),
    )
    scenario = Scenario(
        "coupled", units, staff, services,
        Settings(allow_service_moves=False, keep_staff_share=0.0),
    )  # fmt: skip
    fast = solve_staff_only(group_data(scenario, scenario.groups[0]))
    assert fast is not None
    assert (fast.t_star, fast.staff_moved) == (2.0, 1)
    assert fast.plan.headcount.tolist() == [[3, 2], [1, 2]]
    best = oracle.solve_group(scenario, scenario.groups[0])
    assert (best.best, best.fewest_moves) == (Fraction(2), 1)


def test_shapes_outside_counting_keep_the_milp():
    """Max moves of 1, movable services, balance and leximax are not of the counting shape."""
    base = _two_units()
    limited = dataclasses.replace(
        base, units=(dataclasses.replace(base.units[0], max_moves=1), base.units[1])
    )
    movable = dataclasses.replace(
        base,
        services=(dataclasses.replace(base.services[0], movable=True), *base.services[1:]),
        settings=dataclasses.replace(base.settings, allow_service_moves=True),
    )
    for scenario in (
        limited,
        movable,
        dataclasses.replace(
            base, settings=dataclasses.replace(base.settings, objective=Objective.BALANCE)
        ),
        dataclasses.replace(
            base, settings=dataclasses.replace(base.settings, objective=Objective.LEXIMAX)
        ),
    ):
        data = group_data(scenario, scenario.groups[0])
        assert not staff_only_shape(data)
        assert solve_staff_only(data) is None
    # A locked unit (or Max moves 0) only fixes its cells: still counting. Locked A keeps 1.
    locked = dataclasses.replace(
        base, units=(dataclasses.replace(base.units[0], locked=True), base.units[1])
    )
    fast = solve_staff_only(group_data(locked, locked.groups[0]))
    assert fast is not None
    assert (fast.t_star, fast.staff_moved) == (6.0, 0)
