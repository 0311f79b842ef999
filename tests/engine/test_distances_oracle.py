"""The distance stage against an exhaustive oracle written here from the definition: every plan
of a small group is enumerated (tests/engine/oracle.py's staff and service plans), a plan's
transfers may use only pairs with a distance within the longest transfer, and among the plans at
the optimum with the fewest moves the oracle takes the least total distance, each plan's
cheapest pairing found by trying every assignment of its moved employees. Planner must reach the
same optimum, moves and total distance."""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import pytest

from planner.domain import (
    Distance,
    Scenario,
    Service,
    Settings,
    StaffCell,
    Unit,
    distance_table,
)
from planner.result import Status
from planner.solve import solve
from tests.engine import oracle


def cheapest_pairing(scenario: Scenario, headcount, start) -> Fraction | float:
    """The least total distance that sends every net loss to the net gains over the pairs
    allowed, by trying every receiver for every moved employee; inf when there is none."""
    table = {pair: Fraction(repr(v)) for pair, v in distance_table(scenario.distances).items()}
    longest = scenario.settings.longest_transfer
    total: Fraction | float = Fraction(0)
    for skill in sorted({k for (_, k) in headcount}):
        change = {u: headcount.get((u, skill), 0) - start.get((u, skill), 0)
                  for (u, k) in headcount if k == skill}  # fmt: skip
        leaving = [u for u, c in sorted(change.items()) for _ in range(max(0, -c))]
        seats = [u for u, c in sorted(change.items()) for _ in range(max(0, c))]
        best: Fraction | float = math.inf
        for order in set(itertools.permutations(seats)):
            cost: Fraction | float = Fraction(0)
            for a, b in zip(leaving, order, strict=True):
                d = table.get((a, b))
                if d is None or (longest is not None and d > Fraction(repr(longest))):
                    cost = math.inf
                    break
                cost += d
            best = min(best, cost)
        total += best
    return total


def exhaustive(scenario: Scenario):
    """(t*, fewest moves, least total distance) of the scenario's one group, or None."""
    (group,) = scenario.groups
    g = oracle.group_input(scenario, group)
    plans = []
    for staff in oracle.staff_plans(g):
        distance = cheapest_pairing(scenario, staff.headcount, g.start)
        if distance == math.inf:
            continue
        for services in oracle.service_plans(g):
            value = oracle.evaluate(scenario, group, staff.headcount, services.unit_of)
            if not value.broken:
                plans.append((value.max_coefficient, value.moves, distance))
    return min(plans) if plans else None


def random_case(seed: int) -> Scenario:
    rng = random.Random(seed)
    ids = ["A", "B", "C", "D"][: rng.choice((3, 4))]
    skills = ["x", "y"][: 1 if len(ids) == 4 else rng.choice((1, 2))]  # enumeration stays small
    units = tuple(Unit(u) for u in ids)
    staff = tuple(StaffCell(u, k, rng.randint(1, 3)) for u in ids for k in skills)
    services = tuple(
        Service(f"S{i}", rng.choice(ids), skill=rng.choice(skills), movable=rng.random() < 0.2)
        for i in range(rng.randint(4, 9))
    )
    distances = tuple(
        Distance(a, b, float(rng.randint(1, 9) * 10))
        for a, b in itertools.combinations(ids, 2)
        if rng.random() < 0.85
    ) + tuple(Distance(b, a, float(rng.randint(1, 9) * 10)) for a, b in
              itertools.combinations(ids, 2) if rng.random() < 0.2)  # fmt: skip
    longest = rng.choice((None, None, 50.0, 70.0))
    settings = Settings(keep_staff_share=rng.choice((0.0, 0.25)), longest_transfer=longest,
                        max_service_moves=1)  # fmt: skip
    return Scenario(f"geo {seed}", units, staff, services, settings, distances=distances)


@pytest.mark.parametrize("seed", range(16))
def test_least_distance_agrees_with_the_exhaustive_oracle(seed):
    """Optimum, fewest moves and least total distance equal the oracle's."""
    scenario = random_case(seed)
    expected = exhaustive(scenario)
    result = solve(scenario, sensitivity=False)
    if expected is None:
        assert result.status is Status.INFEASIBLE
        return
    best, moves, distance = expected
    assert result.status is Status.OPTIMAL
    assert result.max_coefficient_after == pytest.approx(float(best), rel=1e-6)
    assert result.staff_moved + round(result.services_moved) == moves
    assert result.total_distance == pytest.approx(float(distance), abs=1e-9)
