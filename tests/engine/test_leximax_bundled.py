"""leximax on the bundled West Kazakhstan count scenario: every group's levels are tied (several
cells at a level), so each is proven by counting (search._levels_by_count). The cost is printed
(run with -s), never asserted: about 9 s against 0.2 s for minmax on an idle machine."""

from __future__ import annotations

import dataclasses
import time

import pytest

from planner import Objective, Status, bundled_scenario, read_scenario, solve


def test_bundled_count_scenario_is_proven_level_by_level():
    scenario = read_scenario(bundled_scenario("west-kazakhstan-2024"))
    leximax = dataclasses.replace(
        scenario, settings=dataclasses.replace(scenario.settings, objective=Objective.LEXIMAX)
    )
    started = time.perf_counter()
    result = solve(leximax, sensitivity=False)
    print(f"\nbundled count scenario, leximax: {time.perf_counter() - started:.1f} s")
    statuses = {g.group: (g.status, g.stop_reason) for g in result.groups}
    assert statuses == {
        "Districts": (Status.OPTIMAL, None),
        "Region departments": (Status.OPTIMAL, None),
        "Uralsk City departments": (Status.OPTIMAL, None),
    }
    # The highest coefficient is minmax's t* (leximax only goes on below it) ...
    assert {g.group: g.max_coefficient_after for g in result.groups} == pytest.approx(
        {"Districts": 49 / 124, "Region departments": 0.4, "Uralsk City departments": 15 / 22}
    )
    # ... and the levels below it, worst first, with the cells at each.
    notes = {g.group: g.notes for g in result.groups}
    assert (
        "leximax levels, worst first: 0.681818 (1 cell); 0.677419 (1 cell); 0.666667 (3 cells); "
        "0.5 (1 cell)"
    ) in notes["Uralsk City departments"]
    assert (
        "leximax levels, worst first: 0.4 (2 cells); 0.395833 (1 cell); 0.391304 (2 cells); "
        "0.384615 (1 cell); 0.375 (4 cells); 0.363636 (2 cells); 0.333333 (2 cells); 0.25 (1 cell)"
    ) in notes["Region departments"]
    assert all(c.passed for c in result.checks)
