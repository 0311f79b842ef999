"""Infeasible scenarios of every kind: status 'infeasible', no plan, and an explanation in plain
words that names the conflicting units and rows (planner/explain.py wording).

Each scenario is also enumerated by tests/engine/oracle.py to prove it really has no plan.
"""

from __future__ import annotations

from planner.domain import Scenario, Service, Settings, StaffCell, Unit
from planner.result import Result
from planner.solve import solve
from tests.engine import oracle

G = "general"


def infeasible(units, staff, services, **settings) -> tuple[Result, str]:
    """Solve a scenario that the oracle proves has no plan; return the result and its explanation."""
    # Emptying allowed unless a test says otherwise: these cases are about Min, Max, locks and
    # limits, and their shortfalls are counted with every unit free to give all its staff.
    settings = {"keep_staff_share": 0.0} | settings
    scenario = Scenario(
        "infeasible", tuple(units), tuple(staff), tuple(services), Settings(**settings)
    )
    for group, best in oracle.solve(scenario).items():
        assert not best.feasible, f"test scenario error: group {group} has a plan"
    result = solve(scenario)
    assert result.status == "infeasible"
    assert result.staff_moved == 0 and result.services_moved == 0
    assert result.max_coefficient_after is None
    for group in result.groups:
        assert group.status == "infeasible"
        assert group.max_coefficient_after is None and group.objective_value is None
        assert group.explanation, "an infeasible group must say why"
    return result, "\n".join(line for g in result.groups for line in g.explanation)


def alpha_beta(**alpha) -> tuple[Unit, Unit]:
    return Unit("A", name="Alpha", row=2, **alpha), Unit("B", name="Beta", row=3)


def test_min_employees_above_headcount():
    """Min 8 (Alpha) + 5 (Beta) = 13 > the group's 10 employees: the total is named, then the row
    that must give: Alpha can only reach 10 - 5 = 5 of its 8, 3 short."""
    _, text = infeasible(
        (
            Unit("A", name="Alpha", min_employees=8, row=2),
            Unit("B", name="Beta", min_employees=5, row=3),
            Unit("C", name="Gamma", row=4),
        ),
        (StaffCell("A", G, 4), StaffCell("B", G, 4), StaffCell("C", G, 2)),
        (Service("S1", "A"),),
    )
    assert (
        "group all: Min employees of Alpha (8), Beta (5) add up to 13 but the group has "
        "10 employees" in text
    )
    assert "Units row 2, Min employees: Alpha needs at least 8 employees; 3 of them" in text


def test_max_employees_below_headcount():
    """Max 3 + 3 = 6 places for 10 employees: the totals are named, and both Max rows."""
    _, text = infeasible(
        (
            Unit("A", name="Alpha", max_employees=3, row=2),
            Unit("B", name="Beta", max_employees=3, row=3),
        ),
        (StaffCell("A", G, 5), StaffCell("B", G, 5)),
        (Service("S1", "A"),),
    )
    assert (
        "group all: Max employees of its units add up to 6 but its 10 employees must all be placed"
        in text
    )
    assert "Units row 2, Max employees: Alpha may have at most 3 employees" in text
    assert "Units row 3, Max employees: Beta may have at most 3 employees" in text


def test_lock_strands_load():
    """Alpha is locked with no staff but delivers S1 (not movable): the lock is the planner's
    choice that conflicts with S1, and the explanation must name it (explain.py's Locked line)."""
    _, text = infeasible(
        alpha_beta(locked=True),
        (StaffCell("B", G, 5),),
        (Service("S1", "A", row=2), Service("S2", "B", row=3)),
    )
    assert "Units row 2, Locked: Alpha is locked" in text


def test_unit_max_moves_zero_strands_load():
    """Alpha allows 0 moves and has no staff, but delivers S1: its Max moves row must be named."""
    _, text = infeasible(
        alpha_beta(max_moves=0),
        (StaffCell("B", G, 5),),
        (Service("S1", "A"), Service("S2", "B")),
    )
    assert "Units row 2, Max moves: Alpha allows 0 moves" in text


def test_staff_moves_off_strands_load():
    """allow staff moves = no, and Alpha has S1 but no staff: the setting must be named."""
    _, text = infeasible(
        alpha_beta(),
        (StaffCell("B", G, 5),),
        (Service("S1", "A"), Service("S2", "B")),
        allow_staff_moves=False,
    )
    assert "Settings, allow staff moves = no: Alpha needs 1" in text


def test_group_staff_move_limit_too_tight():
    """max staff moves = 0, Alpha has S1 and no staff: one staff move is needed."""
    _, text = infeasible(
        alpha_beta(),
        (StaffCell("B", G, 5),),
        (Service("S1", "A"), Service("S2", "B")),
        max_staff_moves=0,
    )
    assert "Settings, max staff moves = 0: group all needs 1 more staff move" in text


def test_unit_max_moves_too_tight_for_min():
    """Alpha has 1 employee, Min 3, Max moves 1: reaching 3 needs 2 joiners, 1 more than allowed."""
    _, text = infeasible(
        alpha_beta(max_moves=1, min_employees=3),
        (StaffCell("A", G, 1), StaffCell("B", G, 5)),
        (Service("S1", "A"), Service("S2", "B")),
    )
    assert "Units row 2, Max moves: Alpha allows 1 move" in text
    assert "needs 1 more" in text


def test_group_service_move_limit_too_tight():
    """Staff fixed, Alpha has no staff and the movable S1; max service moves = 0 keeps S1 there."""
    _, text = infeasible(
        alpha_beta(),
        (StaffCell("B", G, 5),),
        (Service("S1", "A", movable=True), Service("S2", "B")),
        allow_staff_moves=False,
        max_service_moves=0,
    )
    assert "Settings, max service moves = 0: group all needs 1 more service move" in text


def test_skill_that_no_unit_has():
    """S1 needs skill 'legal' and nobody in the group has it: named from the totals alone."""
    _, text = infeasible(
        alpha_beta(),
        (StaffCell("A", G, 2), StaffCell("B", G, 2)),
        (Service("S1", "A", skill="legal"), Service("S2", "B")),
    )
    assert (
        "group all: services S1 need staff with skill 'legal', and no employee of the group has it"
        in text
    )


def test_locked_unit_below_min():
    """Alpha is locked at 1 employee with Min 2 while Beta has 3 free employees: the conflict is
    Locked against Min employees, not a shortage of staff in the group."""
    _, text = infeasible(
        alpha_beta(min_employees=2, locked=True),
        (StaffCell("A", G, 1), StaffCell("B", G, 3)),
        (Service("S1", "A"), Service("S2", "B")),
    )
    assert "Alpha is locked" in text
    assert "cannot be found in group" not in text  # false: Beta's 3 employees are there


def test_staff_moves_off_below_min():
    """allow staff moves = no while Alpha (1 employee) has Min 2: infeasible (never a failed
    check), naming Alpha's Min employees row."""
    _, text = infeasible(
        alpha_beta(min_employees=2),
        (StaffCell("A", G, 1), StaffCell("B", G, 3)),
        (Service("S1", "A"), Service("S2", "B")),
        allow_staff_moves=False,
    )
    assert "Units row 2, Min employees: Alpha needs at least 2 employees" in text


def test_staff_moves_off_above_max():
    """allow staff moves = no while Alpha (4 employees) has Max 2: infeasible, naming the Max row."""
    _, text = infeasible(
        alpha_beta(max_employees=2),
        (StaffCell("A", G, 4), StaffCell("B", G, 3)),
        (Service("S1", "A"), Service("S2", "B")),
        allow_staff_moves=False,
    )
    assert "Units row 2, Max employees: Alpha may have at most 2 employees" in text


def test_mins_against_a_lock():
    """Alpha and Gamma need 3 each (6), the group has 6 employees, 2 of them in locked Beta, which
    delivers S2 and so needs at least one of its own: 3 + 3 + 1 = 7 > 6. Unlocking Beta alone does
    not help (it would strand S2), so the smallest sets that must give are Alpha's Min or Gamma's
    Min, and both are named, the second as an alternative."""
    _, text = infeasible(
        (
            Unit("A", name="Alpha", min_employees=3, row=2),
            Unit("B", name="Beta", locked=True, row=3),
            Unit("C", name="Gamma", min_employees=3, row=4),
        ),
        (StaffCell("A", G, 2), StaffCell("B", G, 2), StaffCell("C", G, 2)),
        (Service("S1", "A"), Service("S2", "B")),
    )
    assert "Units row 2, Min employees: Alpha needs at least 3 employees" in text
    assert "or instead: Units row 4, Min employees: Gamma needs at least 3 employees" in text
    assert "Beta is locked" not in text


def test_mins_against_a_lock_that_holds_idle_staff():
    """As above, but Beta delivers nothing: Alpha and Gamma need 3 + 3 = 6, the group has 6, and
    the 2 short are idle in locked Beta. Unlocking Beta is now a smallest fix too, and is named
    first (a lock is a planner's choice), with each Min as an alternative."""
    _, text = infeasible(
        (
            Unit("A", name="Alpha", min_employees=3, row=2),
            Unit("B", name="Beta", locked=True, row=3),
            Unit("C", name="Gamma", min_employees=3, row=4),
        ),
        (StaffCell("A", G, 2), StaffCell("B", G, 2), StaffCell("C", G, 2)),
        (Service("S1", "A"),),
    )
    assert "Units row 3, Locked: Beta is locked, but a plan needs 2 employees to move" in text
    assert "or instead: Units row 2, Min employees: Alpha needs at least 3 employees" in text
    assert "or instead: Units row 4, Min employees: Gamma needs at least 3 employees" in text


def test_locked_unit_lacks_the_skill():
    """Two skills: locked Alpha has clerks only but delivers the legal service S1; the skill and
    the unit are named."""
    _, text = infeasible(
        alpha_beta(locked=True),
        (StaffCell("A", "clerk", 2), StaffCell("B", "legal", 2), StaffCell("B", "clerk", 2)),
        (Service("S1", "A", skill="legal"), Service("S2", "B", skill="clerk")),
    )
    assert "Alpha" in text
    assert "'legal'" in text or "is locked" in text


def test_eligible_units_have_no_staff():
    """S1 sits at locked, unstaffed Alpha and may only go to locked, unstaffed Beta: a lock must
    give, and the explanation names one."""
    _, text = infeasible(
        (
            Unit("A", name="Alpha", locked=True, row=2),
            Unit("B", name="Beta", locked=True, row=3),
            Unit("C", name="Gamma", row=4),
        ),
        (StaffCell("C", G, 2),),
        (Service("S1", "A", movable=True, eligible_units=("B",)), Service("S2", "C")),
    )
    assert "Alpha is locked" in text or "Beta is locked" in text


def test_one_infeasible_group_leaves_the_other_solved():
    """North: Min 9 at Alpha, 6 employees -> infeasible, explained by name; South: 4 employees at
    Gamma, S3 (movable) at unstaffed Delta moves to Gamma -> optimal, t* = 2/4 = 0.5, 1 move.
    The scenario's status is infeasible."""
    scenario = Scenario(
        "two groups",
        (
            Unit("A", name="Alpha", group="North", min_employees=9, row=2),
            Unit("B", name="Beta", group="North", row=3),
            Unit("C", name="Gamma", group="South", row=4),
            Unit("D", name="Delta", group="South", row=5),
        ),
        (StaffCell("A", G, 3), StaffCell("B", G, 3), StaffCell("C", G, 4)),
        (Service("S1", "A"), Service("S2", "C"), Service("S3", "D", movable=True)),
    )
    result = solve(scenario)
    assert result.status == "infeasible"
    north, south = result.group("North"), result.group("South")
    assert north.status == "infeasible"
    assert any("group North" in line and "Alpha (9)" in line for line in north.explanation)
    assert "Units row 2, Min employees: Alpha needs at least 9 employees" in "\n".join(
        north.explanation
    )
    assert south.status == "optimal"
    assert south.max_coefficient_after == 0.5
    assert (south.staff_moved, south.services_moved) == (0, 1)
    assert south.explanation == ()


def test_the_keep_rule_is_named_when_it_blocks_a_minimum():
    """Alpha needs 9 of the group's 10 employees, but by default Beta keeps 1 of its 4 and Gamma
    1 of its 2: either Min gives, or one of the two keep rules (alternatives, equally small)."""
    _, text = infeasible(
        (
            Unit("A", name="Alpha", min_employees=9, row=2),
            Unit("B", name="Beta", row=3),
            Unit("C", name="Gamma", row=4),
        ),
        (StaffCell("A", G, 4), StaffCell("B", G, 4), StaffCell("C", G, 2)),
        (Service("S1", "A"),),
        keep_staff_share=0.25,
    )
    assert text.splitlines() == [
        "Units row 2, Min employees: Alpha needs at least 9 employees; 1 of them cannot be "
        "brought in by any allowed move",
        "or instead: Settings, keep staff share = 0.25: Beta keeps at least 1 employee of its 4, "
        "but a plan needs 1 more to leave",
        "or instead: Settings, keep staff share = 0.25: Gamma keeps at least 1 employee of its 2, "
        "but a plan needs 1 more to leave",
    ]
