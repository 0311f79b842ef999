"""Choosing between options: the ranking rule of the comparison (planner.studies.compare
RANKING_RULE), the difference to the baseline in words, and the moves each budget of the frontier
adds, on cases worked out by hand.

The two-unit case is the one of tests/studies/test_compare.py (A: 4 employees, 12 services, 3
movable; B: 6 employees, 2 services). After the plan the group's mean is 14 / 10 = 1.4, so a unit
is overloaded above 1.54:
- baseline: A 10/7, B 4/3: highest 1.429, none overloaded, mean 1.381, spread 0.048;
- staff only: A 12/8 = 1.5, B 2/2 = 1.0: highest 1.5, none overloaded;
- limit 1: A 9/5 = 1.8, B 5/5: highest 1.8, A overloaded;
- services only: A 9/4 = 2.25, B 5/6: highest 2.25, A overloaded.
So the ranks are baseline 1, staff only 2, limit 1 3, services only 4.

The locked case: L (locked) carries 2 services on 1 employee (2.0, the highest, which nothing can
lower), A 3 services on 2 (1.5), B 1 service on 4 (0.25); 6 services on 7 employees, mean 6/7, so
a unit is overloaded above 0.943. Every option ends at 2.0 and the rule's later figures decide:
- leximax: after 2.0, the next highest is lowest at A 4, B 2 (0.75, 0.5): 2 moves, only L
  overloaded;
- leximax, 1 move: A 3, B 3 (1.0, 0.333): L and A overloaded, spread 0.685;
- baseline (minmax): 2.0 cannot fall, so the fewest moves is none: L and A overloaded, spread
  0.736 (coefficients 2, 1.5, 0.25);
- frozen (no moves allowed): the same figures as the baseline, so the workbook's order decides.
"""

from __future__ import annotations

from types import MappingProxyType

import pytest

from planner.domain import Objective, Scenario, Service, StaffCell, Unit, Variant
from planner.reports.terminal import comparison_lines, comparison_markdown
from planner.studies.compare import compare, difference_words, overloaded_units
from planner.studies.frontier import frontier
from tests.studies.test_compare import three_variants, two_units


@pytest.fixture(scope="module")
def two() -> object:
    return compare([two_units(variants=three_variants())])


def locked_case() -> Scenario:
    """The locked case of the module docstring, with its three variants."""
    services = (
        [Service(f"L{i}", "L") for i in range(2)]
        + [Service(f"A{i}", "A") for i in range(3)]
        + [Service("B0", "B")]
    )
    return Scenario(
        name="locked",
        units=(Unit("L", "Locked", locked=True), Unit("A", "Alpha"), Unit("B", "Beta")),
        staff=(
            StaffCell("L", "general", 1),
            StaffCell("A", "general", 2),
            StaffCell("B", "general", 4),
        ),  # fmt: skip
        services=tuple(services),
        variants=(
            Variant(
                "leximax", "the next worst too", MappingProxyType({"objective": Objective.LEXIMAX})
            ),
            Variant(
                "leximax, 1 move",
                "one move",
                MappingProxyType({"objective": Objective.LEXIMAX, "max_staff_moves": 1}),
            ),
            Variant(
                "frozen",
                "nothing moves",
                MappingProxyType({"allow_staff_moves": False, "allow_service_moves": False}),
            ),
        ),  # fmt: skip
    )


@pytest.mark.parametrize(
    ("difference", "words"),
    [(0.251, "worse by 0.251"), (-0.018, "better by 0.018"), (0.0004, "same"), (-0.0, "same"),
     (None, ""), (0.0005, "worse by 0.001")],
)  # fmt: skip
def test_difference_to_the_baseline_is_said_in_words(difference, words):
    """A higher maximum is worse: positive differences read 'worse by', negative 'better by',
    and below the 3 decimals shown 'same'."""
    assert difference_words(difference) == words


def test_options_are_ranked_by_the_highest_coefficient_first(two):
    """The two-unit case: ranks 1, 2, 4, 3 in the workbook's order, the baseline recommended with
    the reason, mean, spread and overloaded units per option as worked out by hand."""
    standings = {s.option.name: s for s in two.standings}
    assert {name: s.rank for name, s in standings.items()} == {
        "baseline": 1, "staff only": 2, "services only": 4, "limit 1": 3,
    }  # fmt: skip
    assert [s.option.name for s in two.recommended()] == ["baseline"]
    baseline = standings["baseline"]
    assert baseline.reason == (
        "recommended: the lowest highest coefficient: 1.429 against 1.500 for 'staff only', "
        "the next best"
    )
    assert standings["limit 1"].reason == (
        "after 'staff only', which has a lower highest coefficient: 1.500 against 1.800"
    )
    assert baseline.mean == pytest.approx((10 / 7 + 4 / 3) / 2)
    assert baseline.spread == pytest.approx((10 / 7 - 4 / 3) / 2)
    assert {name: s.overloaded_after for name, s in standings.items()} == {
        "baseline": 0, "staff only": 0, "services only": 1, "limit 1": 1,
    }  # fmt: skip
    assert baseline.overloaded_before == 1  # A at 3.0 against the mean 1.4 x 1.1
    assert [two.versus_baseline(o) for o in two.options] == [
        "the baseline", "worse by 0.071", "worse by 0.821", "worse by 0.371",
    ]  # fmt: skip


def test_a_tie_on_the_highest_coefficient_is_broken_by_the_rule():
    """The locked case: all four options end at 2.0; fewer overloaded units, then the smaller
    spread, then the workbook's order rank them, and each reason names the figure that decided."""
    comparison = compare([locked_case()])
    by_name = {o.name: o for o in comparison.options}
    for option in comparison.options:
        assert option.result.max_coefficient_after == pytest.approx(2.0)
    assert by_name["leximax"].result.staff_moved == 2
    assert by_name["leximax, 1 move"].result.staff_moved == 1
    assert by_name["baseline"].result.staff_moved == 0
    standings = {s.option.name: s for s in comparison.standings}
    assert {n: (s.rank, s.overloaded_after) for n, s in standings.items()} == {
        "baseline": (3, 2), "leximax": (1, 1), "leximax, 1 move": (2, 2), "frozen": (4, 2),
    }  # fmt: skip
    assert standings["leximax"].reason == (
        "recommended: the same highest coefficient as 'leximax, 1 move' (2.000) and fewer "
        "overloaded units: 1 against 2"
    )
    assert standings["baseline"].reason == (
        "after 'leximax, 1 move', which has the same highest coefficient (2.000), as many "
        "overloaded units (2) and a smaller spread of unit coefficients: 0.685 against 0.736"
    )
    assert standings["frozen"].reason == (
        "after 'baseline', which has the same highest coefficient (2.000), as many overloaded "
        "units (2) and every other figure of the rule, and comes first in the workbook"
    )
    assert comparison.versus_baseline(by_name["frozen"]) == "same"
    lines = comparison_lines(comparison)
    assert "(the same as the baseline)" in lines[4]
    assert lines[2].endswith(standings["leximax"].reason)
    assert lines[2].startswith("  leximax ")
    assert "rank 1, recommended: the same highest coefficient" in lines[2]
    markdown = comparison_markdown(comparison)
    # leximax: coefficients 2, 0.75, 0.5: mean 1.083, standard deviation 0.656
    assert markdown[3].endswith("| same | 1.0833 | 0.6562 | 1 | 2 | 0 | 0 | 1 (recommended) |")


def test_an_option_without_a_plan_is_not_ranked(tmp_path):
    """An infeasible option gets no rank and says why; the others are ranked without it."""
    base = two_units(variants=(Variant("impossible", "", MappingProxyType({})),))
    base = Scenario(
        name=base.name, units=(base.units[0], Unit("B", "Beta", min_employees=20)),
        staff=base.staff, services=base.services,
        variants=(Variant("possible", "", MappingProxyType({})),),
    )  # fmt: skip
    comparison = compare([base])
    for standing in comparison.standings:
        assert standing.rank is None and not standing.recommended
        assert standing.reason == "not ranked: no plan (infeasible)"
    assert comparison.recommended() == ()
    assert overloaded_units(comparison.options[0].result) is None


def test_the_frontier_lists_the_moves_each_budget_adds():
    """Staff frontier of the two-unit case: each budget from 1 to 4 adds one general employee
    from Beta to Alpha to the plan before it; budget 0 and 5 add nothing. Service budgets: 2
    services move to Beta and the plan then needs one staff move fewer (dropped)."""
    result = frontier(two_units(allow_service_moves=False), budgets=range(6))
    points = result.groups[0].points
    assert [p.moves_text() for p in points] == [
        "", *["+ 1 general: Beta -> Alpha"] * 4, "",
    ]  # fmt: skip
    assert points[4].plan is not None and points[4].plan.headcount[:, 0].tolist() == [8, 2]
    added = points[1].moves_added[0]
    assert (added.kind, added.source, added.target, added.amount) == ("staff", "B", "A", 1.0)

    services = frontier(two_units(), service_moves=True).groups[0].points
    assert [p.budget for p in services] == [0, 1, 2]
    assert services[0].moves_text() == "+ 4 general: Beta -> Alpha"
    assert services[1].moves_text() == ""
    assert services[2].moves_text() == (
        "+ service S01: Alpha -> Beta; + service S02: Alpha -> Beta; - 1 general: Beta -> Alpha"
    )
