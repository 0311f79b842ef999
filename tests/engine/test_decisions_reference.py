"""Decisions against both oracles: the brute force (tests/engine/oracle.py) and the CP-SAT
reference (tests/reference), each with its own reading of the decisions, on the hand-solved
cases and on small seeded random scenarios with random decisions. Planner's optimum and fewest
moves must equal theirs, and its plan must break no decision by their reading."""

from __future__ import annotations

import random

import pytest

from planner.domain import (
    Decision,
    DecisionKind,
    Objective,
    Scenario,
    Service,
    Settings,
    StaffCell,
    Unit,
)
from planner.result import Status
from planner.solve import solve
from planner.workbook.decision_rules import decision_problems
from tests.engine import oracle
from tests.engine.test_decisions import fix, services_only, three_units, two_units
from tests.reference import Reference, evaluate, group_problem, planner_plan

HAND_CASES = [
    two_units(fix("B", 7)),
    two_units(Decision(DecisionKind.PIN_TRANSFER, "A", to_unit="B", employees=1)),
    three_units(Decision(DecisionKind.FORBID_TRANSFER, "B", to_unit="A")),
    three_units(Decision(DecisionKind.FORBID_TRANSFER, "B", to_unit="A"),
                Decision(DecisionKind.FORBID_TRANSFER, "C", to_unit="A")),
    three_units(Decision(DecisionKind.PIN_TRANSFER, "B", to_unit="A", employees=1),
                Decision(DecisionKind.FORBID_TRANSFER, "C", to_unit="A")),
    services_only(Decision(DecisionKind.PIN_SERVICE, "A", service_id="S03")),
    services_only(Decision(DecisionKind.FORBID_SERVICE, "A", service_id="S00")),
]  # fmt: skip


def random_case(seed: int) -> Scenario:
    """3 or 4 units, one or two skills, a few movable services, 1-3 random decisions; minmax
    (two in three) or balance."""
    rng = random.Random(seed)
    ids = ["A", "B", "C", "D"][: rng.choice((3, 4))]
    skills = ["x", "y"][: rng.choice((1, 2))]
    units = tuple(Unit(u, locked=rng.random() < 0.15) for u in ids)
    staff = tuple(StaffCell(u, k, rng.randint(1, 3)) for u in ids for k in skills)
    services = tuple(
        Service(f"S{i}", rng.choice(ids), skill=rng.choice(skills), movable=rng.random() < 0.3)
        for i in range(rng.randint(4, 8))
    )
    decisions = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(list(DecisionKind))
        a, b = rng.sample(ids, 2)
        skill = rng.choice([*skills, None]) if kind is not DecisionKind.PIN_TRANSFER else (
            rng.choice(skills))  # fmt: skip
        service = rng.choice(services)
        if kind.is_transfer:
            decisions.append(Decision(kind, a, to_unit=b, skill=skill,
                                      employees=1 if kind is DecisionKind.PIN_TRANSFER else None))  # fmt: skip
        elif kind.is_service:
            decisions.append(Decision(kind, rng.choice(ids), service_id=service.service_id))
        else:
            decisions.append(Decision(kind, a, skill=skill, employees=rng.randint(1, 4)))
    objective = rng.choice((Objective.MINMAX, Objective.MINMAX, Objective.BALANCE))
    settings = Settings(keep_staff_share=rng.choice((0.0, 0.25)), objective=objective)
    return Scenario(f"random {seed}", units, staff, services, settings,
                    decisions=tuple(decisions))  # fmt: skip


def _sound_random_cases(count: int) -> list[Scenario]:
    """The first `count` random cases whose decisions validate (the rest are refused)."""
    cases, seed = [], 0
    while len(cases) < count:
        scenario = random_case(seed)
        seed += 1
        if not decision_problems(scenario):  # checked, not solved: collection stays cheap
            cases.append(scenario)
    return cases


RANDOM_CASES = _sound_random_cases(16)


@pytest.fixture(scope="module")
def reference():
    with Reference() as running:
        yield running


@pytest.mark.parametrize("scenario", HAND_CASES + RANDOM_CASES, ids=lambda s: s.name)
def test_decisions_agree_with_both_oracles(reference, scenario):
    """Optimal plans equal the brute force's t* and fewest moves, and CP-SAT's; infeasible only
    where both find no plan; the plan keeps every decision by both oracles' reading."""
    result = solve(scenario, sensitivity=False)
    (group,) = scenario.groups
    brute = oracle.solve_group(scenario, group)
    exact = reference.solve_group(scenario, group)
    if result.status is Status.INFEASIBLE:
        assert not brute.feasible and exact.status == "infeasible"
        return
    assert result.status is Status.OPTIMAL
    assert brute.best_float is not None and exact.best is not None
    assert result.objective_value == pytest.approx(brute.best_float, rel=1e-6, abs=1e-9)
    assert exact.best == brute.best
    moves = result.staff_moved + round(result.services_moved)
    assert moves == brute.fewest_moves == exact.fewest_moves
    headcount, unit_of = planner_plan(result, group)
    assert evaluate(group_problem(scenario, group), headcount, unit_of).broken == ()
    assert oracle.evaluate(scenario, group, headcount, unit_of).broken == ()
