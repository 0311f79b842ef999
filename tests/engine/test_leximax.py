"""leximax: the worst first, then the next worst, each level certified like t*."""

from __future__ import annotations

import pytest

from planner import (
    Objective,
    Scenario,
    Service,
    Settings,
    StaffCell,
    Status,
    StopReason,
    Unit,
    solve,
)

G = "general"


def locked_worst(objective: Objective) -> Scenario:
    """Alpha (locked) 10 staff, 30 services: 3.0, the worst, and nothing can lower it. Beta 2 staff,
    5 services: 2.5; Gamma 10 staff, 5 services: 0.5."""
    units = (Unit("A", name="Alpha", locked=True), Unit("B", name="Beta"), Unit("C", name="Gamma"))
    staff = (StaffCell("A", G, 10), StaffCell("B", G, 2), StaffCell("C", G, 10))
    services = (
        *(Service(f"A{i:02d}", "A") for i in range(30)),
        *(Service(f"B{i}", "B") for i in range(5)),
        *(Service(f"C{i}", "C") for i in range(5)),
    )
    return Scenario("locked worst", units, staff, services, Settings(objective=objective))


def after(result) -> dict[str, int]:
    return {u.unit_id: u.employees_after for u in result.units}


def test_minmax_stops_at_the_locked_worst_cell():
    """minmax: t* = 3.0 is Alpha's and no move lowers it; the fewest moves are none, so Beta stays
    overloaded at 2.5 beside Gamma's 0.5 (the case of issue 13)."""
    result = solve(locked_worst(Objective.MINMAX))
    assert result.status is Status.OPTIMAL
    assert result.max_coefficient_after == pytest.approx(3.0)
    assert after(result) == {"A": 10, "B": 2, "C": 10}


def test_leximax_relieves_the_next_worst():
    """leximax: level 1 is Alpha at 3.0 (held: locked). Level 2, Beta and Gamma share 12 staff for
    5 + 5 services: 6 and 6 give 5/6 each, and neither can go below 5/6 without the other above it,
    so both are held there, proven. Then nothing free carries load: 4 employees move C -> B."""
    result = solve(locked_worst(Objective.LEXIMAX))
    (group,) = result.groups
    assert result.status is Status.OPTIMAL
    assert group.stop_reason is None
    assert result.max_coefficient_after == pytest.approx(3.0)
    assert after(result) == {"A": 10, "B": 6, "C": 6}
    assert result.staff_moved == 4
    assert {u.unit_id: u.coefficient_after for u in result.units} == pytest.approx(
        {"A": 3.0, "B": 5 / 6, "C": 5 / 6}
    )
    assert "leximax levels, worst first: 3 (1 cell); 0.833333 (2 cells)" in group.notes
    assert result.checks_passed


def test_a_level_held_by_two_cells_together_is_proven_by_the_count():
    """Alpha and Beta: 1 employee and 2 services each; Gamma 1 employee, no services (emptying
    allowed). Gamma's employee can join either, not both: the maximum is 2.0 whatever the plan,
    and each of the two cells could go below it alone. No single cell holds the level; the count
    step proves that one cell must stay at it (not zero), the other goes to 1.0: leximax vector
    (2, 1, 0), `optimal`, with the one move it takes."""
    units = (Unit("A"), Unit("B"), Unit("C"))
    staff = tuple(StaffCell(u, G, 1) for u in "ABC")
    services = (Service("A1", "A"), Service("A2", "A"), Service("B1", "B"), Service("B2", "B"))
    settings = Settings(objective=Objective.LEXIMAX, keep_staff_share=0.0)
    result = solve(Scenario("tie", units, staff, services, settings))
    (group,) = result.groups
    assert group.status is Status.OPTIMAL
    assert group.stop_reason is None
    assert group.max_coefficient_after == pytest.approx(2.0)
    assert sorted(u.coefficient_after for u in result.units) == pytest.approx([0.0, 1.0, 2.0])
    assert result.staff_moved == 1
    assert "leximax levels, worst first: 2 (1 cell); 1 (1 cell)" in group.notes
    assert result.checks_passed


def test_three_cells_tied_of_which_only_one_can_go_below():
    """Alpha, Beta, Gamma: 1 employee and 2 services each (2.0); Delta 1 employee and no services
    (emptying allowed). Delta's employee can relieve one of the three, not two: two cells must stay
    at 2.0, the relieved one goes to 1.0. Leximax vector (2, 2, 1, 0), one move, `optimal`."""
    units = tuple(Unit(u) for u in "ABCD")
    staff = tuple(StaffCell(u, G, 1) for u in "ABCD")
    services = tuple(Service(f"{u}{i}", u) for u in "ABC" for i in (1, 2))
    settings = Settings(objective=Objective.LEXIMAX, keep_staff_share=0.0)
    result = solve(Scenario("three tied", units, staff, services, settings))
    (group,) = result.groups
    assert group.status is Status.OPTIMAL
    assert group.stop_reason is None
    assert sorted(u.coefficient_after for u in result.units) == pytest.approx([0, 1, 2, 2])
    assert after(result)["D"] == 0
    assert result.staff_moved == 1
    assert "leximax levels, worst first: 2 (2 cells); 1 (1 cell)" in group.notes
    assert result.checks_passed


def test_which_cell_stays_at_a_tied_level_is_left_to_the_next_level():
    """U1: 1 employee, 2 services; U2: 2 employees, 1 service; U3 and U4: 3 employees each, no
    services; a unit keeps a quarter of its staff (1 of 3). Level 1 is 0.5, and either U1 (4
    staff) or U2 (2 staff) can be the one cell left at it. Leaving U2 there puts U1 at 2/5 next;
    leaving U1 there puts U2 at 1/3 with 3 staff: the leximax plan is (1/2, 1/3, 0, 0), 4 moves.
    (Fixing the cell the count step happened to leave at the level gave 2/5 on this case.)"""
    units = tuple(Unit(f"U{i}") for i in range(1, 5))
    staff = (StaffCell("U1", G, 1), StaffCell("U2", G, 2), StaffCell("U3", G, 3),
             StaffCell("U4", G, 3))  # fmt: skip
    services = (Service("S1", "U1"), Service("S2", "U1"), Service("S3", "U2"))
    result = solve(
        Scenario("choice", units, staff, services, Settings(objective=Objective.LEXIMAX))
    )
    (group,) = result.groups
    assert group.status is Status.OPTIMAL
    assert after(result) == {"U1": 4, "U2": 3, "U3": 1, "U4": 1}
    assert {u.unit_id: u.coefficient_after for u in result.units} == pytest.approx(
        {"U1": 0.5, "U2": 1 / 3, "U3": 0.0, "U4": 0.0}
    )
    assert result.staff_moved == 4
    assert "leximax levels, worst first: 0.5 (1 cell); 0.333333 (1 cell)" in group.notes
    assert result.checks_passed


def test_more_levels_than_the_limit_is_an_outcome_not_a_proof():
    """27 units of 1 employee with 1..27 services and staff moves off: 27 distinct levels, each
    held by its own cell. The first 25 below the maximum are certified, then the search stops:
    `feasible` with the level limit as the reason, the plan the current one."""
    units = tuple(Unit(f"U{i:02d}") for i in range(1, 28))
    staff = tuple(StaffCell(u.unit_id, G, 1) for u in units)
    services = tuple(
        Service(f"{u.unit_id}-{j}", u.unit_id) for i, u in enumerate(units, 1) for j in range(i)
    )
    settings = Settings(objective=Objective.LEXIMAX, allow_staff_moves=False)
    result = solve(Scenario("many levels", units, staff, services, settings))
    (group,) = result.groups
    assert group.status is Status.FEASIBLE
    assert group.stop_reason is StopReason.LEVEL_LIMIT
    assert group.max_coefficient_after == pytest.approx(27.0)
    assert result.staff_moved == 0
    assert result.checks_passed
