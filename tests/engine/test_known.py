"""Small hand-solvable scenarios with their known optimum written in the test.

Each docstring shows the arithmetic. Figures are asserted exactly (counts, headcounts, transfers)
or to 1e-6 relative (coefficients, which the engine certifies to that precision).
"""

from __future__ import annotations

import dataclasses
import math
import random
import time

import pytest

from planner.domain import (
    CoefficientMode,
    Hire,
    Objective,
    Scenario,
    Service,
    Settings,
    SolverName,
    StaffCell,
    Unit,
)
from planner.engine.transfers import pair_transfers
from planner.result import NEW_HIRES, Result, Transfer
from planner.solve import solve
from tests.engine import oracle

GENERAL = "general"


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-6, abs=1e-12)


def headcounts(result: Result) -> dict[str, int]:
    """Employees after the plan per unit."""
    return {row.unit_id: row.employees_after for row in result.units}


def staff_after(result: Result) -> dict[tuple[str, str], int]:
    return {(row.unit_id, row.skill): row.after for row in result.staff}


def where(result: Result) -> dict[str, str]:
    """Unit of every (whole) service after the plan."""
    return {a.service_id: a.unit_id for a in result.assignments}


def two_units(**settings) -> Scenario:
    """A: 10 employees, 30 services; B: 10 employees, 10 services (count mode)."""
    units = (Unit("A", name="Alpha"), Unit("B", name="Beta"))
    staff = (StaffCell("A", GENERAL, 10), StaffCell("B", GENERAL, 10))
    services = tuple(Service(f"S{i:02d}", "A" if i < 30 else "B") for i in range(40))
    return Scenario("two units", units, staff, services, Settings(**settings))


def with_units(scenario: Scenario, **changes: dict) -> Scenario:
    """The scenario with some unit fields changed, e.g. with_units(s, B={"locked": True})."""
    import dataclasses

    units = tuple(
        dataclasses.replace(u, **changes[u.unit_id]) if u.unit_id in changes else u
        for u in scenario.units
    )
    return dataclasses.replace(scenario, units=units)


def both_moves() -> Scenario:
    """A: 2 employees, 8 services (A0, A1 movable, to C only); B: 4 employees, 2 services;
    C: locked with 2 employees and no services (count mode)."""
    units = (Unit("A"), Unit("B"), Unit("C", locked=True))
    staff = (StaffCell("A", GENERAL, 2), StaffCell("B", GENERAL, 4), StaffCell("C", GENERAL, 2))
    services = tuple(
        Service(f"A{i}", "A", movable=i < 2, eligible_units=("C",) if i < 2 else ())
        for i in range(8)
    ) + (Service("B1", "B"), Service("B2", "B"))
    return Scenario("both", units, staff, services)


# -- staff only ---------------------------------------------------------------------------------


def test_two_units_one_overloaded():
    """A 30 services / 10 staff = 3.0, B 10 / 10 = 1.0. With 20 staff, max(30/nA, 10/(20-nA)) is
    smallest at nA = 15: 30/15 = 2.0 = 10/5. So t* = 2.0 and 5 employees move from B to A."""
    result = solve(two_units())
    group = result.group("all")
    assert result.status == "optimal"
    assert group.max_coefficient_before == approx(3.0)
    assert group.max_coefficient_after == approx(2.0)
    assert group.objective_value == approx(2.0)
    assert headcounts(result) == {"A": 15, "B": 5}
    assert (group.staff_moved, group.services_moved) == (5, 0)
    assert result.transfers == (Transfer("B", "A", GENERAL, 5),)
    assert result.unit("A").coefficient_after == approx(2.0)
    assert result.unit("B").coefficient_after == approx(2.0)
    assert result.checks_passed


def test_min_employees_binding():
    """B keeps at least 7 employees, so nA <= 13: t* = 30/13 = 2.3077 (B 10/7 = 1.43),
    3 employees move."""
    result = solve(with_units(two_units(), B={"min_employees": 7}))
    assert result.max_coefficient_after == approx(30 / 13)
    assert headcounts(result) == {"A": 13, "B": 7}
    assert result.staff_moved == 3


def test_max_employees_binding():
    """A may have at most 12 employees: t* = 30/12 = 2.5 (B 10/8 = 1.25), 2 employees move."""
    result = solve(with_units(two_units(), A={"max_employees": 12}))
    assert result.max_coefficient_after == approx(2.5)
    assert headcounts(result) == {"A": 12, "B": 8}
    assert result.staff_moved == 2


def test_unit_max_moves_binding():
    """B allows 3 moves (leavers + joiners): nB >= 7, so t* = 30/13 with 3 employees moved."""
    result = solve(with_units(two_units(), B={"max_moves": 3}))
    assert result.max_coefficient_after == approx(30 / 13)
    assert headcounts(result) == {"A": 13, "B": 7}
    assert result.staff_moved == 3


def test_locked_unit_keeps_its_staff():
    """B (10 staff, 10 services) is locked; C has 5 staff and no services. Only C can give:
    all 5 go to A: 30/15 = 2.0; B stays 10/10 = 1.0. (Unlocked, t* would be 5/3.)"""
    base = two_units()
    scenario = Scenario(
        "locked",
        (*base.units, Unit("C")),
        (*base.staff, StaffCell("C", GENERAL, 5)),
        base.services,
        Settings(keep_staff_share=0.0),  # C may give all its staff (test_keep_staff_share: not)
    )
    locked = solve(with_units(scenario, B={"locked": True}))
    assert locked.max_coefficient_after == approx(2.0)
    assert headcounts(locked) == {"A": 15, "B": 10, "C": 0}
    assert locked.transfers == (Transfer("C", "A", GENERAL, 5),)
    unlocked = solve(scenario)
    # 25 staff: nA = 18 or 19 with nB = 6 or 7 gives max(30/18, 10/6) = 5/3 at best.
    assert unlocked.max_coefficient_after == approx(5 / 3)


@pytest.mark.parametrize(
    ("limit", "t_star", "moved", "a_after"),
    [(0, 3.0, 0, 10), (2, 2.5, 2, 12), (None, 2.0, 5, 15)],
)
def test_group_staff_move_limit(limit, t_star, moved, a_after):
    """max staff moves 0: nothing moves, t* = 30/10 = 3.0; 2: nA = 12, t* = 30/12 = 2.5;
    no limit: nA = 15, t* = 2.0."""
    result = solve(two_units(max_staff_moves=limit))
    assert result.status == "optimal"
    assert result.max_coefficient_after == approx(t_star)
    assert result.staff_moved == moved
    assert headcounts(result)["A"] == a_after


def test_two_skills_move_only_the_skill_that_binds():
    """clerk: A 2 staff / 6 services, B 2 / 2; legal: A 2 / 1, B 2 / 3. Clerks: nA = 3 gives
    max(6/3, 2/1) = 2.0 (nA = 4 leaves B's clerk services unstaffed). Legal already within 2.0
    (1/2, 3/2), so t* = 2.0 with one move: one clerk B -> A; legal stays. Unit coefficients
    (all skills): A 7 services / 5 staff = 1.4, B 5 / 3."""
    units = (Unit("A"), Unit("B"))
    staff = tuple(StaffCell(u, k, 2) for u in "AB" for k in ("clerk", "legal"))
    services = (
        *(Service(f"AC{i}", "A", skill="clerk") for i in range(6)),
        Service("AL1", "A", skill="legal"),
        *(Service(f"BC{i}", "B", skill="clerk") for i in range(2)),
        *(Service(f"BL{i}", "B", skill="legal") for i in range(3)),
    )
    result = solve(Scenario("skills", units, staff, services))
    assert result.max_coefficient_after == approx(2.0)
    assert staff_after(result) == {
        ("A", "clerk"): 3,
        ("A", "legal"): 2,
        ("B", "clerk"): 1,
        ("B", "legal"): 2,
    }
    assert result.transfers == (Transfer("B", "A", "clerk", 1),)
    assert result.staff_moved == 1
    # A unit's published coefficient is its total load over its total staff: A 7/5, B 5/3.
    assert result.unit("A").coefficient_after == approx(7 / 5)
    assert result.unit("B").coefficient_after == approx(5 / 3)


# -- services -----------------------------------------------------------------------------------


def test_services_only_best_assignment():
    """Staff fixed: A 2 employees with 6 services (4 movable), B 4 employees with 2. Moving m
    services to B: m = 2: max(4/2, 4/4) = 2.0; m = 3: max(3/2, 5/4) = 1.5; m = 4: max(2/2, 6/4)
    = 1.5. t* = 1.5 and the fewest moves reaching it is 3."""
    units = (Unit("A"), Unit("B"))
    staff = (StaffCell("A", GENERAL, 2), StaffCell("B", GENERAL, 4))
    services = tuple(Service(f"A{i}", "A", movable=i < 4) for i in range(6)) + (
        Service("B1", "B"),
        Service("B2", "B"),
    )
    result = solve(Scenario("services", units, staff, services, Settings(allow_staff_moves=False)))
    assert result.max_coefficient_after == approx(1.5)
    assert (result.staff_moved, result.services_moved) == (0, 3)
    assert len(result.reassignments) == 3
    assert all((r.source, r.target) == ("A", "B") for r in result.reassignments)
    assert {r.service_id for r in result.reassignments} < {"A0", "A1", "A2", "A3"}
    assert headcounts(result) == {"A": 2, "B": 4}


def test_staff_and_services_together():
    """m of A0, A1 go to C (2 locked staff), nA + nB = 6: m = 2, nA = 4: max(6/4, 2/2, 2/2) = 1.5;
    m = 2, nA = 5: B 2/1 = 2.0; m = 1: 7/4 = 1.75 at best; m = 0: 8/4 = 2.0 or 8/5 with B 2/1.
    t* = 1.5, reached only by nA = 4 with both services at C: 2 staff + 2 services moved."""
    result = solve(both_moves())
    assert result.max_coefficient_after == approx(1.5)
    assert headcounts(result) == {"A": 4, "B": 2, "C": 2}
    assert where(result)["A0"] == where(result)["A1"] == "C"
    assert (result.staff_moved, result.services_moved) == (2, 2)
    assert result.transfers == (Transfer("B", "A", GENERAL, 2),)


def test_group_service_move_limit():
    """The scenario above with max service moves 1: m = 1, nA = 4: max(7/4, 2/2, 1/2) = 1.75
    (nA = 5: 7/5 but B 2/1); 2 staff + 1 service move."""
    import dataclasses

    scenario = both_moves()
    scenario = dataclasses.replace(scenario, settings=Settings(max_service_moves=1))
    result = solve(scenario)
    assert result.max_coefficient_after == approx(1.75)
    assert (result.staff_moved, result.services_moved) == (2, 1)


def test_split_services_reach_the_lp_bound():
    """split services = yes, staff fixed (3, 2, 1), 7 services at A all movable: shares can give
    every unit exactly load = t x n, so t* = 7 / 6 = 1.16667; A keeps 3 x 7/6 = 3.5 services,
    so 3.5 services' worth move out."""
    units = (Unit("A"), Unit("B"), Unit("C"))
    staff = (StaffCell("A", GENERAL, 3), StaffCell("B", GENERAL, 2), StaffCell("C", GENERAL, 1))
    services = tuple(Service(f"S{i}", "A", movable=True) for i in range(7))
    settings = Settings(split_services=True, allow_staff_moves=False)
    result = solve(Scenario("split", units, staff, services, settings))
    assert result.status == "optimal"
    assert result.max_coefficient_after == approx(7 / 6)
    assert result.services_moved == approx(3.5)
    for unit_id, employees in (("A", 3), ("B", 2), ("C", 1)):
        assert result.unit(unit_id).load_after == approx(employees * 7 / 6)
    shares: dict[str, float] = {}
    for a in result.assignments:
        shares[a.service_id] = shares.get(a.service_id, 0.0) + a.share
    assert shares == {f"S{i}": approx(1.0) for i in range(7)}


def test_split_services_with_staff_moves():
    """split services = yes with staff moves. Shares can spread the 5 services in proportion to
    capacity (share x n), so t* = 5 / the most capacity a headcount can have. C is fixed (Max
    moves 0): 3; D must drop to its Max 2 (0.75 x 2 = 1.5); the spare employee and A's one
    (share 0.75) are worth most at B (share 1): 0 + 4 + 3 + 1.5 = 8.5, t* = 5 / 8.5 = 10/17
    (A keeping its employee gives 0.75 + 3 + 3 + 1.5 = 8.25, t = 0.606)."""
    units = (
        Unit("A", service_share=0.75),
        Unit("B"),
        Unit("C", max_employees=3, max_moves=0),
        Unit("D", max_employees=2, max_moves=1, service_share=0.75),
    )
    staff = (
        StaffCell("A", GENERAL, 1),
        StaffCell("B", GENERAL, 2),
        StaffCell("C", GENERAL, 3),
        StaffCell("D", GENERAL, 3),
    )
    services = (
        Service("S1", "D", movable=True),
        Service("S2", "B", movable=True, eligible_units=("D", "B")),
        Service("S3", "C", movable=True, eligible_units=("D",)),
        Service("S4", "B", movable=True),
        Service("S5", "B"),
    )
    settings = Settings(split_services=True, max_staff_moves=3, keep_staff_share=0.0)
    result = solve(Scenario("split staff", units, staff, services, settings), sensitivity=False)
    assert result.status == "optimal"
    assert result.max_coefficient_after == approx(10 / 17)
    assert headcounts(result) == {"A": 0, "B": 4, "C": 3, "D": 2}
    assert result.staff_moved == 2


# -- hours mode ---------------------------------------------------------------------------------


def test_hours_mode_with_service_share_and_hours_per_fte():
    """Hours mode. A: share 0.5, 1,600 h per FTE -> 800 h per employee; 2 employees; S1 = 1,200
    transactions x 60 min x (1 - 0.25 digital) = 900 h. B: share 1, the Settings default 1,500 h;
    2 employees; S2 = 600 x 30 min = 300 h. nA = 2: 900/1600 = 0.5625 (before);
    nA = 3: 900/2400 = 0.375, B 300/1500 = 0.2; nA = 4 leaves S2 unstaffed. t* = 0.375, 1 move."""
    units = (Unit("A", service_share=0.5, hours_per_fte=1600), Unit("B"))
    staff = (StaffCell("A", GENERAL, 2), StaffCell("B", GENERAL, 2))
    services = (
        Service("S1", "A", volume=1200, minutes=60, digital_share=0.25),
        Service("S2", "B", volume=600, minutes=30),
    )
    settings = Settings(coefficient=CoefficientMode.HOURS, hours_per_fte=1500)
    result = solve(Scenario("hours", units, staff, services, settings))
    assert result.max_coefficient_before == approx(0.5625)
    assert result.max_coefficient_after == approx(0.375)
    assert headcounts(result) == {"A": 3, "B": 1}
    assert result.unit("A").load_after == approx(900.0)
    assert result.unit("B").coefficient_after == approx(0.2)
    assert result.staff_moved == 1


def test_hours_mode_small_coefficients():
    """Hours mode, 1,500 h per FTE. A has no staff and 4 fixed services of 10 x 6 min = 1 h;
    B has 3 employees and S1 (40 x 6 min = 4 h, movable). Staff at A are needed; all 3 at A with
    S1 moved there gives 8 h / 4,500 h = 2/1125 = 0.0017778, which beats 1 employee at A
    (4 h / 1,500 h = 0.0026667). Coefficients this small must be optimised like any others:
    multiplying hours per FTE by 1/1000 must give the same plan."""
    units = (Unit("A"), Unit("B"))
    staff = (StaffCell("B", GENERAL, 3),)
    services = (Service("S1", "B", volume=40, minutes=6, movable=True),) + tuple(
        Service(f"S{i}", "A", volume=10, minutes=6) for i in range(2, 6)
    )
    for hours, t_star in ((1500.0, 2 / 1125), (1.5, 2000 / 1125)):
        # B gives all 3 of its staff: emptying allowed (Settings.keep_staff_share = 0).
        settings = Settings(
            coefficient=CoefficientMode.HOURS, hours_per_fte=hours, keep_staff_share=0.0
        )
        result = solve(Scenario("small", units, staff, services, settings), sensitivity=False)
        assert result.status == "optimal"
        assert result.max_coefficient_after == approx(t_star), hours
        assert headcounts(result) == {"A": 3, "B": 0}
        assert where(result)["S1"] == "A"
        assert (result.staff_moved, result.services_moved) == (3, 1)


# -- balance ------------------------------------------------------------------------------------


def test_balance_known_deviation():
    """balance: A 2 staff / 7 services, B 2 / 2; mean = 9 / 4 = 2.25. nA = 2: |7 - 4.5| +
    |2 - 4.5| = 5.0 (before); nA = 3: |7 - 6.75| + |2 - 2.25| = 0.5; nA = 4 leaves B's services
    unstaffed. Minimum deviation 0.5 with 1 move (coefficients 7/3 and 2)."""
    units = (Unit("A"), Unit("B"))
    staff = (StaffCell("A", GENERAL, 2), StaffCell("B", GENERAL, 2))
    services = tuple(Service(f"A{i}", "A") for i in range(7)) + (
        Service("B1", "B"),
        Service("B2", "B"),
    )
    result = solve(
        Scenario("balance", units, staff, services, Settings(objective=Objective.BALANCE))
    )
    group = result.group("all")
    assert group.status == "optimal"
    assert group.objective_value == approx(0.5)
    assert headcounts(result) == {"A": 3, "B": 1}
    assert group.max_coefficient_after == approx(7 / 3)
    assert result.staff_moved == 1


def test_balance_differs_from_minmax():
    """A 2 staff / 6 services, B 2 / 4, C 4 / 2: 8 staff, 12 services, mean 1.5.
    minmax: below t = 2 every unit needs ceil(6/t) + ceil(4/t) + ceil(2/t) >= 4 + 3 + 2 = 9 > 8
    staff; at t = 2, (3, 2, 3) suffices: t* = 2.0 with 1 move (C -> A).
    balance: deviation |6 - 1.5 nA| + |4 - 1.5 nB| + |2 - 1.5 nC|: (2, 2, 4) = 3 + 1 + 4 = 8.0
    before; (4, 3, 1) = 0 + 0.5 + 0.5 = 1.0 is the minimum ((4, 2, 2) = 2.0, (3, 3, 2) = 3.0,
    (5, 2, 1) = 3.0, nC = 0 leaves C's services unstaffed): 3 moves."""
    units = (Unit("A"), Unit("B"), Unit("C"))
    staff = (StaffCell("A", GENERAL, 2), StaffCell("B", GENERAL, 2), StaffCell("C", GENERAL, 4))
    services = tuple(
        Service(f"{u}{i}", u) for u, n in (("A", 6), ("B", 4), ("C", 2)) for i in range(n)
    )
    balance = solve(
        Scenario("b", units, staff, services, Settings(objective=Objective.BALANCE)),
        sensitivity=False,
    )
    assert balance.group("all").objective_value == approx(1.0)
    assert headcounts(balance) == {"A": 4, "B": 3, "C": 1}
    assert balance.staff_moved == 3
    minmax = solve(Scenario("m", units, staff, services), sensitivity=False)
    assert minmax.max_coefficient_after == approx(2.0)
    assert headcounts(minmax) == {"A": 3, "B": 2, "C": 3}
    assert minmax.staff_moved == 1


# -- transfers, hires, determinism --------------------------------------------------------------


def test_transfers_use_fewest_pairs():
    """No services; A (5) and B (4) may keep at most 2, C and D need at least 3 and 2. The
    fewest moves are forced: A loses 3, B loses 2, C gains 3, D gains 2. Matching equal amounts
    gives 2 pairs (A -> C 3, B -> D 2) instead of the 3 a largest-first greedy split would use."""
    units = (
        Unit("A", max_employees=2),
        Unit("B", max_employees=2),
        Unit("C", min_employees=3),
        Unit("D", min_employees=2),
    )
    staff = (StaffCell("A", GENERAL, 5), StaffCell("B", GENERAL, 4))
    result = solve(Scenario("transfers", units, staff, ()))
    assert result.status == "optimal"
    assert result.staff_moved == 5
    assert result.transfers == (
        Transfer("A", "C", GENERAL, 3),
        Transfer("B", "D", GENERAL, 2),
    )


def test_pair_transfers_fewest_pairs():
    """losses {A:4, B:1, E:2}, gains {C:3, D:2, F:2}: E -> F 2 balances on its own; A and B
    (5) to C and D (5) need at least 3 pairs (no sub-group balances): 4 pairs in all."""
    pairs = pair_transfers({"A": 4, "B": 1, "E": 2}, {"C": 3, "D": 2, "F": 2})
    assert len(pairs) == 4
    assert ("E", "F", 2) in pairs
    assert sum(n for _, _, n in pairs) == 7
    assert pair_transfers({"A": 3, "B": 2}, {"C": 3, "D": 2}) == [("A", "C", 3), ("B", "D", 2)]


def test_pair_transfers_above_the_exact_limit():
    """18 units change (above EXACT_LIMIT): equal amounts first, each sender in order with the
    first receiver of its amount (S1-R1 5, S2-R3 3, S4-R4 2, S6..S9 to R5..R8 1 each); then the
    largest left with the largest left: S3 3 to R2 (4), and S5 2 to R9 and R2, tied at 1, the
    greater id first. 10 pairs, at most senders + receivers - 1."""
    losses = dict(zip([f"S{i}" for i in range(1, 10)], [5, 3, 3, 2, 2, 1, 1, 1, 1], strict=True))
    gains = dict(zip([f"R{i}" for i in range(1, 10)], [5, 4, 3, 2, 1, 1, 1, 1, 1], strict=True))
    assert pair_transfers(losses, gains) == [
        ("S1", "R1", 5), ("S2", "R3", 3), ("S3", "R2", 3), ("S4", "R4", 2), ("S5", "R2", 1),
        ("S5", "R9", 1), ("S6", "R5", 1), ("S7", "R6", 1), ("S8", "R7", 1), ("S9", "R8", 1),
    ]  # fmt: skip


def test_new_hires_count_as_start():
    """4 new hires at B: start A 10, B 14 (24 staff, 40 services). max(30/nA, 10/(24 - nA)) is
    5/3 at nA = 18, nB = 6: 8 employees move B -> A; the hires show as a separate transfer.
    "Before" is the published state without hires: 30/10 = 3.0."""
    import dataclasses

    scenario = dataclasses.replace(two_units(), hires=(Hire("B", 4),))
    result = solve(scenario)
    assert result.max_coefficient_before == approx(3.0)
    assert result.max_coefficient_after == approx(5 / 3)
    assert headcounts(result) == {"A": 18, "B": 6}
    assert result.staff_moved == 8
    assert set(result.transfers) == {
        Transfer("B", "A", GENERAL, 8),
        Transfer(NEW_HIRES, "B", GENERAL, 4),
    }
    b = next(row for row in result.staff if row.unit_id == "B")
    assert (b.before, b.after, b.hired) == (10, 6, 4)


def test_same_scenario_same_plan():
    """Many plans tie (4 movable services of which any 3 reach t* = 1.5; staff and services
    both move): three solves of the same scenario give identical staff, assignments, transfers
    and reassignments."""
    units = (Unit("A"), Unit("B"), Unit("C"))
    staff = (StaffCell("A", GENERAL, 2), StaffCell("B", GENERAL, 4), StaffCell("C", GENERAL, 3))
    services = tuple(Service(f"A{i}", "A", movable=True) for i in range(9)) + tuple(
        Service(f"B{i}", "B", movable=True) for i in range(3)
    )
    plans = []
    for _ in range(3):
        r = solve(Scenario("ties", units, staff, services, Settings(max_staff_moves=1)))
        plans.append(
            (r.staff, r.assignments, r.transfers, r.reassignments, r.max_coefficient_after)
        )
    assert plans[0] == plans[1] == plans[2]
    # 12 services on 9 staff: t* >= 4/3, reached by 4 services per 3 staff... with A at 2 or 3.
    assert plans[0][4] == approx(4 / 3)


def test_groups_in_parallel_give_the_same_plan():
    """Two groups solved in one process and in a pool of two give the same records: North is the
    two-unit case (t* = 2.0, 5 moves), South the staff-and-services case (t* = 1.5, 4 moves)."""
    import dataclasses

    north, south = two_units(), both_moves()
    units = tuple(dataclasses.replace(u, group="North") for u in north.units) + tuple(
        dataclasses.replace(u, unit_id=f"S{u.unit_id}", group="South") for u in south.units
    )
    staff = north.staff + tuple(
        dataclasses.replace(c, unit_id=f"S{c.unit_id}") for c in south.staff
    )
    services = north.services + tuple(
        dataclasses.replace(
            s,
            service_id=f"S{s.service_id}",
            unit_id=f"S{s.unit_id}",
            eligible_units=tuple(f"S{u}" for u in s.eligible_units),
        )
        for s in south.services
    )
    scenario = Scenario("groups", units, staff, services)
    serial = solve(scenario, sensitivity=False)
    parallel = solve(scenario, sensitivity=False, processes=2)
    assert serial.group("North").max_coefficient_after == approx(2.0)
    assert serial.group("South").max_coefficient_after == approx(1.5)
    assert (serial.group("South").staff_moved, serial.group("South").services_moved) == (2, 2)
    assert serial.max_coefficient_after == approx(2.0)
    assert serial.staff_moved == 7
    for field in ("status", "units", "staff", "assignments", "transfers", "reassignments"):
        assert getattr(serial, field) == getattr(parallel, field), field


# -- sensitivity ----------------------------------------------------------------------------------


def test_sensitivity_binding_unit_and_move_limit():
    """max staff moves 2: nA = 12, t* = 30/12 = 2.5 (B 10/8). A is binding. One more employee
    hired at A (start 11 + 10, 2 moves): nA = 13, t* = 30/13. One more allowed move (3): nA = 13,
    t* = 30/13 as well. B is not at the maximum, so it is not listed."""
    result = solve(two_units(max_staff_moves=2))
    items = {item.kind: item for item in result.group("all").sensitivity}
    assert set(items) == {"binding unit", "group staff move limit"}
    binding = items["binding unit"]
    assert binding.unit_id == "A"
    assert binding.max_coefficient_now == approx(2.5)
    assert binding.max_coefficient_after_change == approx(30 / 13)
    assert binding.improvement == approx(2.5 - 30 / 13)
    assert items["group staff move limit"].max_coefficient_after_change == approx(30 / 13)


def test_sensitivity_one_more_employee_can_be_worth_nothing():
    """No limit, t* = 2.0 with A 15 / B 5 (both binding). One more employee at A: 21 staff,
    nA = 15: max(2.0, 10/6) = 2.0, nA = 16: max(1.875, 10/5 = 2.0) = 2.0. Integer headcount:
    t* stays 2.0 -- a dual price would have promised 40/21."""
    result = solve(two_units())
    items = result.group("all").sensitivity
    assert {item.unit_id for item in items} == {"A", "B"}
    for item in items:
        assert item.kind == "binding unit"
        assert item.max_coefficient_after_change == approx(2.0)
        assert item.improvement == approx(0.0)


def test_sensitivity_shares_the_group_time_limit():
    """The re-solves of sensitivity get what the group's time limit left, not a fresh limit each:
    with the deadline already past, both items of the move-limit case are listed with no figure
    after the change (None: not computed), never a guess; with time left, the figures above."""
    from planner.engine.group import group_data
    from planner.engine.search import search_group
    from planner.engine.sensitivity import group_sensitivity

    data = group_data(two_units(max_staff_moves=2), "all")
    search = search_group(data)
    late = group_sensitivity(data, search.plan, search.objective_value, time.perf_counter() - 1)
    assert [(i.kind, i.max_coefficient_after_change) for i in late] == [
        ("binding unit", None), ("group staff move limit", None),
    ]  # fmt: skip
    timely = group_sensitivity(data, search.plan, search.objective_value, time.perf_counter() + 600)
    assert [i.max_coefficient_after_change for i in timely] == [approx(30 / 13), approx(30 / 13)]


# -- solvers and limits ---------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PuLP 3.3's v4 migration notices
@pytest.mark.parametrize("solver", [SolverName.CBC, SolverName.PULP_HIGHS])
def test_pulp_solvers_agree(solver):
    """CBC and HiGHS through PuLP reach the same t* and moves as the default HiGHS backend on the
    two-unit case (t* = 2.0, 5 moves) and the staff-and-services case (t* = 1.5, 2 + 2 moves)."""
    import dataclasses

    for scenario, t_star, moves in ((two_units(), 2.0, (5, 0)), (both_moves(), 1.5, (2, 2))):
        variant = dataclasses.replace(
            scenario, settings=dataclasses.replace(scenario.settings, solver=solver)
        )
        default = solve(scenario, sensitivity=False)
        result = solve(variant, sensitivity=False)
        assert result.status == "optimal"
        assert result.report.solver == solver.value
        assert result.max_coefficient_after == approx(t_star)
        assert result.max_coefficient_after == approx(default.max_coefficient_after)
        assert (result.staff_moved, result.services_moved) == moves


def _hard_scenario(time_limit: float, unstaffed_first_unit: bool) -> Scenario:
    """30 units, 200 movable services in hours mode: a MILP no solver call finishes in 1 ms (the
    full solve takes minutes). Optionally U00 has no staff and its services cannot move, so the
    current allocation is no plan and only staff moving in (a solver's plan) can make one."""
    rng = random.Random(7)
    units = tuple(Unit(f"U{i:02d}") for i in range(30))
    staff = tuple(StaffCell(u.unit_id, GENERAL, rng.randint(2, 12)) for u in units)
    if unstaffed_first_unit:
        staff = staff[1:]
    services = tuple(
        Service(
            f"S{i:03d}",
            f"U{rng.randrange(30):02d}",
            volume=rng.choice([50, 100, 300, 700]),
            minutes=rng.choice([10, 20, 45]),
            movable=True,
        )
        for i in range(200)
    )
    if unstaffed_first_unit:
        services = tuple(
            dataclasses.replace(s, movable=False) if s.unit_id == "U00" else s for s in services
        )
    settings = Settings(
        coefficient=CoefficientMode.HOURS, hours_per_fte=1500, time_limit=time_limit
    )
    return Scenario("hard", units, staff, services, settings)


def test_time_limit_before_any_plan_is_unknown():
    """The hard scenario with U00 unstaffed (its services make the current allocation no plan)
    and a 1 ms limit: no plan is found in time, which proves nothing: status 'unknown', never
    'infeasible' or 'optimal', no figures after, and the notes say the time limit ran out."""
    result = solve(_hard_scenario(0.001, unstaffed_first_unit=True), sensitivity=False)
    group = result.group("all")
    assert result.status == "unknown"
    assert group.status == "unknown"
    assert group.max_coefficient_after is None
    assert any("time limit" in note for note in group.notes)


def test_time_limit_gives_feasible_never_optimal():
    """The hard scenario (every unit staffed) with a 1 ms limit: the search stops early, so the
    result must be 'feasible' (never 'optimal'), with a positive gap and a proven lower bound
    below the plan, and the plan still passes every independent check and is no worse than the
    current allocation."""
    result = solve(_hard_scenario(0.001, unstaffed_first_unit=False), sensitivity=False)
    group = result.group("all")
    assert result.status == "feasible"
    assert group.status == "feasible"
    assert group.gap is not None and group.gap > 0
    assert group.lower_bound < group.max_coefficient_after
    assert group.max_coefficient_after <= group.max_coefficient_before * (1 + 1e-9)
    assert result.checks and result.checks_passed
    assert any("time limit" in note for note in group.notes)


# -- the oracle itself ----------------------------------------------------------------------------


def test_oracle_agrees_on_the_hand_cases():
    """The brute-force oracle used by the property tests reproduces the hand-solved optima above:
    t* = 1.5 with 4 moves (both moves) and t* = 2/1125 with 4 moves (hours, small)."""
    best = oracle.solve(both_moves())["all"]
    assert (best.best, best.fewest_moves) == (oracle.Fraction(3, 2), 4)
    units = (Unit("A"), Unit("B"))
    services = (Service("S1", "B", volume=40, minutes=6, movable=True),) + tuple(
        Service(f"S{i}", "A", volume=10, minutes=6) for i in range(2, 6)
    )
    settings = Settings(coefficient=CoefficientMode.HOURS, hours_per_fte=1500, keep_staff_share=0.0)
    small = oracle.solve(Scenario("s", units, (StaffCell("B", GENERAL, 3),), services, settings))[
        "all"
    ]
    assert (small.best, small.fewest_moves) == (oracle.Fraction(2, 1125), 4)
    assert math.isclose(small.best_float, 0.0017777777777777779)


# -- nobody's unit emptied (Settings.keep_staff_share) -------------------------------------------


def test_keep_staff_share():
    """The locked case above with the default keep rule: C (5 staff, no services) keeps
    ceil(0.25 x 5) = 2, so only 3 go to A: t* = 30/13 (B locked at 1.0), not 2.0."""
    base = two_units()
    scenario = Scenario(
        "kept",
        (Unit("A"), Unit("B", locked=True), Unit("C")),
        (*base.staff, StaffCell("C", GENERAL, 5)),
        base.services,
    )
    result = solve(scenario)
    assert Settings().keep_staff_share == 0.25
    assert result.status == "optimal"
    assert result.max_coefficient_after == approx(30 / 13)
    assert headcounts(result) == {"A": 13, "B": 10, "C": 2}
    assert result.transfers == (Transfer("C", "A", GENERAL, 3),)
    assert oracle.solve(scenario)["all"].best == oracle.Fraction(30, 13)


def test_a_unit_keeps_one_of_each_skill_its_services_need():
    """A: 1 clerk and 3 legal staff, one movable clerk service and 3 legal ones; B: 1 clerk with
    6 clerk services. Emptying allowed, A's clerk and service go to B: 7/2 = 3.5. By default A keeps
    its clerk (its total rule, ceil(0.25 x 4) = 1, is met by the legal staff alone), and moving
    the service alone gives B 7/1: t* = 6 with nothing moved."""
    units = (Unit("A"), Unit("B"))
    staff = (StaffCell("A", "clerk", 1), StaffCell("A", "legal", 3), StaffCell("B", "clerk", 1))
    services = (
        Service("AC", "A", skill="clerk", movable=True),
        *(Service(f"AL{i}", "A", skill="legal") for i in range(3)),
        *(Service(f"BC{i}", "B", skill="clerk") for i in range(6)),
    )
    kept = solve(Scenario("keep", units, staff, services))
    assert kept.max_coefficient_after == approx(6.0)
    assert (kept.staff_moved, kept.services_moved) == (0, 0.0)
    assert [c.name for c in kept.checks if c.name.startswith("units keep")] == [
        "units keep their share of staff"
    ]
    emptied = solve(Scenario("empty", units, staff, services, Settings(keep_staff_share=0.0)))
    assert emptied.max_coefficient_after == approx(3.5)
    assert staff_after(emptied) == {("A", "clerk"): 0, ("A", "legal"): 3, ("B", "clerk"): 2}
    assert where(emptied)["AC"] == "B"


def _lpt(jobs: list[int], machines: int) -> int:
    """Longest processing time first, written here apart from the planner's: the makespan."""
    loads = [0] * machines
    for job in sorted(jobs, reverse=True):
        loads[loads.index(min(loads))] += job
    return max(loads)


def test_a_time_limited_plan_is_never_worse_than_largest_first():
    """P||Cmax as a scenario (one employee per unit, hours per FTE 1, Minutes 60, staff fixed):
    60 jobs of 1-97 hours on 12 machines, all starting on the first. With a 1 ms limit no solver
    call finishes, yet the plan reported is no worse than LPT's makespan, computed here."""
    rng = random.Random(19)
    jobs = [rng.randint(1, 97) for _ in range(60)]
    units = tuple(Unit(f"M{i:02d}") for i in range(12))
    staff = tuple(StaffCell(u.unit_id, GENERAL, 1) for u in units)
    services = tuple(
        Service(f"J{i:02d}", "M00", volume=float(p), minutes=60.0, movable=True)
        for i, p in enumerate(jobs)
    )
    settings = Settings(
        coefficient=CoefficientMode.HOURS, hours_per_fte=1.0, allow_staff_moves=False,
        time_limit=0.001,
    )  # fmt: skip
    result = solve(Scenario("pcmax", units, staff, services, settings), sensitivity=False)
    group = result.group("all")
    assert group.status in ("feasible", "optimal")
    assert group.max_coefficient_after <= _lpt(jobs, 12)
    assert result.checks_passed


def test_no_more_worker_processes_than_groups(monkeypatch):
    """processes=1000 on a scenario of two groups starts two workers, not a thousand."""
    import importlib

    # planner.solve, the attribute, is the function; the module is imported by name.
    solve_module = importlib.import_module("planner.solve")
    started: list[int] = []
    real = solve_module.ProcessPoolExecutor

    def pool(max_workers, **options):
        started.append(max_workers)
        return real(max_workers=max_workers, **options)

    monkeypatch.setattr(solve_module, "ProcessPoolExecutor", pool)
    base = two_units()
    units = (*base.units, Unit("C", group="other"), Unit("D", group="other"))
    staff = (*base.staff, StaffCell("C", GENERAL, 2), StaffCell("D", GENERAL, 2))
    services = (*base.services, Service("C1", "C"), Service("D1", "D"))
    result = solve(
        Scenario("two groups", units, staff, services), sensitivity=False, processes=1000
    )
    assert started == [2]
    assert result.status == "optimal"
    assert [g.group for g in result.groups] == ["all", "other"]
