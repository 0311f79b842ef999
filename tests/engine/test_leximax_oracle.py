"""leximax against exhaustive enumeration, written from the definition: every allowed plan of a tiny
scenario (tests/engine/oracle.py enumerates them), each plan's cell coefficients sorted from the
highest down, the lexicographically least of those vectors, then the fewest moves among the plans
that have it. The engine's plan must be `optimal` and have that vector and those moves."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from hypothesis import given, note

from planner.domain import CoefficientMode, Objective, Scenario
from planner.solve import solve
from tests.engine import oracle
from tests.engine.test_exhaustive import FAST, scenarios


def leximax_vector(g: oracle.GroupInput, headcount, unit_of) -> tuple[Fraction | float, ...]:
    """Every cell's coefficient, highest first (a cell with load and no staff is infinite)."""
    load = oracle.cell_loads(g, unit_of)
    values = [
        oracle.coefficient(cell_load, headcount.get((u, k), 0) * g.capacity_per_employee[u])
        for (u, k), cell_load in load.items()
    ]
    return tuple(sorted(values, reverse=True))


def leximax_optimum(scenario: Scenario, group: str):
    """(the least vector, the fewest moves among plans with it), or None when no plan is allowed."""
    g = oracle.group_input(scenario, group)
    best: tuple | None = None
    fewest = 0
    for staff in oracle.staff_plans(g):
        for services in oracle.service_plans(g):
            vector = leximax_vector(g, staff.headcount, services.unit_of)
            if oracle.INFINITE in vector:
                continue
            moves = staff.moved + services.moved
            if best is None or vector < best or (vector == best and moves < fewest):
                best, fewest = vector, moves
    return None if best is None else (best, fewest)


def close(a, b) -> bool:
    """Equal up to the engine's certification (1e-6 relative per level)."""
    return abs(a - b) <= oracle.NEAR * max(abs(b), Fraction(1, 10**9))


def assert_leximax_matches(scenario: Scenario) -> None:
    note(repr(scenario))
    result = solve(scenario, sensitivity=False)
    planned = set()
    for group in oracle.groups_of(scenario):
        expected = leximax_optimum(scenario, group)
        got = result.group(group)
        note(f"group {group}: oracle {expected}; planner {got.status} {got.notes}")
        if expected is None:
            assert got.status == "infeasible"
            continue
        assert got.status == "optimal", (got.status, got.stop_reason, got.notes)
        headcount, unit_of = oracle.plan_of(result, group)
        value = oracle.evaluate(scenario, group, headcount, unit_of)
        assert value.broken == ()
        vector = leximax_vector(oracle.group_input(scenario, group), headcount, unit_of)
        best, fewest = expected
        assert all(close(a, b) for a, b in zip(vector, best, strict=True)), (vector, best)
        assert value.moves == fewest, (value.moves, fewest)
        planned.add(group)
    assert all(c.passed for c in result.checks if c.group in planned)


def leximax(scenario: Scenario) -> Scenario:
    return dataclasses.replace(
        scenario, settings=dataclasses.replace(scenario.settings, objective=Objective.LEXIMAX)
    )


@FAST
@given(scenarios(service_moves=False, rules=False))
def test_leximax_staff_only(scenario):
    assert_leximax_matches(leximax(scenario))


@FAST
@given(scenarios(skill_count=None))
def test_leximax_staff_and_services(scenario):
    assert_leximax_matches(leximax(scenario))


@FAST
@given(scenarios(mode=CoefficientMode.HOURS, skill_count=None))
def test_leximax_hours(scenario):
    assert_leximax_matches(leximax(scenario))
