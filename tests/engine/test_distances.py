"""Geography: among plans that reach the objective with the fewest moves, the least total
distance; `longest transfer` caps each transfer; with distances, a pair without one is not used.

The case (count mode, keep staff share 0.25): A has 1 employee and 3 services (3.0), B and C
4 employees and 2 services each. t* = 1.0 needs 2 employees to join A (A 3/3 = 1.0; the giver
keeps 2 for its 2 services), from B twice, C twice or one each: which one is the distance's
choice.
"""

from __future__ import annotations

import pytest

from planner.domain import (
    Decision,
    DecisionKind,
    Distance,
    DistanceMeasure,
    Scenario,
    Service,
    Settings,
    StaffCell,
    Unit,
)
from planner.errors import InputError, ProblemCode
from planner.result import Status
from planner.solve import solve


def case(*distances: Distance, longest: float | None = None, decisions=()) -> Scenario:
    units = (Unit("A", name="Alpha"), Unit("B", name="Beta"), Unit("C", name="Gamma"))
    staff = (StaffCell("A", "general", 1), StaffCell("B", "general", 4),
             StaffCell("C", "general", 4))  # fmt: skip
    services = tuple(Service(f"S{i}", "A" if i < 3 else "B" if i < 5 else "C") for i in range(7))
    return Scenario("geo", units, staff, services, Settings(longest_transfer=longest),
                    decisions=tuple(decisions), distances=distances)  # fmt: skip


def moves(result) -> list[tuple[str, str, int, float | None]]:
    return sorted((t.source, t.target, t.employees, t.distance) for t in result.transfers)


def test_without_distances_any_two_givers_do():
    """The reference point: t* = 1 with 2 moves, no distances in the result."""
    result = solve(case())
    assert result.max_coefficient_after == pytest.approx(1.0, rel=1e-6)
    assert result.staff_moved == 2
    assert result.total_distance is None


def test_the_nearest_unit_gives():
    """A-B 50 km, A-C 20 km (both ways): both employees come from C, 2 x 20 = 40 km."""
    result = solve(case(Distance("A", "B", 50), Distance("A", "C", 20), Distance("B", "C", 30)))
    assert result.status is Status.OPTIMAL
    assert result.max_coefficient_after == pytest.approx(1.0, rel=1e-6)
    assert moves(result) == [("C", "A", 2, 20.0)]
    assert result.total_distance == 40.0
    table = result.table("transfers")
    assert list(table["total_distance"]) == [40.0]


def test_a_direction_of_its_own():
    """A -> C 20 but C -> A 100 (its own row), A-B 50 both ways: C -> A now costs 100 a head,
    so both come from B: 2 x 50 = 100."""
    result = solve(case(Distance("A", "B", 50), Distance("A", "C", 20), Distance("C", "A", 100),
                        Distance("B", "C", 30)))  # fmt: skip
    assert moves(result) == [("B", "A", 2, 50.0)]
    assert result.total_distance == 100.0


def test_a_pair_without_a_distance_is_not_used():
    """Only A-C is given: no employee may go B -> A, so both come from C."""
    result = solve(case(Distance("A", "C", 70)))
    assert moves(result) == [("C", "A", 2, 70.0)]
    assert result.total_distance == 140.0


def test_the_longest_transfer_caps_each_transfer():
    """Longest 30: A-B 50 is too far, so C gives (A-C 25) although it is listed second; longest
    10: no transfer is allowed, A stays at 3.0 with no move."""
    near = solve(case(Distance("A", "B", 5), Distance("A", "C", 25), longest=30))
    assert moves(near) == [("B", "A", 2, 5.0)]
    far_b = solve(case(Distance("A", "B", 50), Distance("A", "C", 25), longest=30))
    assert moves(far_b) == [("C", "A", 2, 25.0)]
    none = solve(case(Distance("A", "B", 50), Distance("A", "C", 25), longest=10))
    assert none.status is Status.OPTIMAL
    assert none.max_coefficient_after == pytest.approx(3.0, rel=1e-6)
    assert none.transfers == ()
    check = next(c for c in none.checks if c.name == "transfers within the distances allowed")
    assert check.passed and "at most 10" in check.detail


def test_a_pinned_transfer_beyond_the_longest_is_explained():
    """B -> A pinned but 50 km with a longest transfer of 30: no plan; the explanation names the
    setting with the pair's distance (and, instead, the decision)."""
    result = solve(case(Distance("A", "B", 50), Distance("A", "C", 25), longest=30, decisions=(
        Decision(DecisionKind.PIN_TRANSFER, "B", to_unit="A", employees=1, where="Decisions!A2"),
    )))  # fmt: skip
    assert result.status is Status.INFEASIBLE
    text = "\n".join(result.groups[0].explanation)
    assert "Settings, longest transfer = 30: Beta -> Alpha is 50" in text
    assert "Decisions!A2: pin transfer B -> A, 1 general" in text


def test_distances_built_in_code_are_checked():
    """An unknown unit in a Distance is refused with a did-you-mean."""
    with pytest.raises(InputError) as raised:
        solve(case(Distance("A", "Bx", 5)))
    (problem,) = raised.value.problems
    assert problem.code is ProblemCode.UNKNOWN_UNIT
    assert "'Bx' is not a unit of the scenario (did you mean 'B'?)" in problem.expected


def test_minutes_are_a_measure_like_km():
    """The measure is the sheet's; the arithmetic is the same."""
    scenario = case(Distance("A", "B", 50), Distance("A", "C", 20))
    import dataclasses

    result = solve(dataclasses.replace(scenario, distance_measure=DistanceMeasure.MINUTES))
    assert result.total_distance == 40.0
    assert result.scenario.distance_measure is DistanceMeasure.MINUTES


def test_the_json_summary_has_the_distances():
    """--json: each transfer's distance and the total, only with distances."""
    result = solve(case(Distance("A", "B", 50), Distance("A", "C", 20)))
    summary = result.to_dict()
    assert summary["total_distance"] == 40.0
    assert summary["transfers"] == [
        {"from": "C", "to": "A", "skill": "general", "employees": 2, "distance": 20.0}
    ]
    assert "total_distance" not in solve(case()).to_dict()
