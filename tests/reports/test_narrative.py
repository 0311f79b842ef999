"""The plan in plain words and the Summary's headline: what holds a plan back, where the headline
figure sits, and wording that cannot be read as a failure of the tool."""

from __future__ import annotations

import openpyxl
import pytest

from planner import Scenario, Service, Settings, StaffCell, Unit, solve, write_result
from planner.reports.figures import Cell, Figures
from planner.reports.narrative import group_account


def _two_units(**alpha) -> Scenario:
    """Alpha: 10 employees, 30 services; Beta: 10 employees, 10 services (count mode)."""
    units = (Unit("A", name="Alpha", **alpha), Unit("B", name="Beta"))
    staff = (StaffCell("A", "general", 10), StaffCell("B", "general", 10))
    services = tuple(Service(f"S{i:02d}", "A" if i < 30 else "B") for i in range(40))
    return Scenario("held", units, staff, services)


def _two_skills() -> Scenario:
    """clerk: A 2 staff / 6 services, B 2 / 2; legal: A 2 / 1, B 2 / 3 (test_known: t* = 2.0 with
    one clerk B -> A; A as a whole 7 services / 5 staff = 1.4)."""
    units = (Unit("A"), Unit("B"))
    staff = tuple(StaffCell(u, k, 2) for u in "AB" for k in ("clerk", "legal"))
    services = (
        *(Service(f"AC{i}", "A", skill="clerk") for i in range(6)),
        Service("AL1", "A", skill="legal"),
        *(Service(f"BC{i}", "B", skill="clerk") for i in range(2)),
        *(Service(f"BL{i}", "B", skill="legal") for i in range(3)),
    )
    return Scenario("skills", units, staff, services)


def test_a_lock_that_holds_the_maximum_is_said_in_words():
    """Alpha (the worst, 30/10 = 3.0) is locked: nothing can move. The account says so, naming the
    lock and the re-solved figure: unlocked for one move, Alpha gets 11 employees, 30/11."""
    result = solve(_two_units(locked=True))
    lines = group_account(result, "all", Figures.of(result).groups["all"])
    assert lines[:3] == [
        "No move within the limits lowers the highest coefficient (3.000): the plan keeps the "
        "current allocation.",
        "The highest coefficient after the plan, 3.000, is that of Alpha (general staff).",
        "Held back: Alpha is locked. Re-solved with that relaxed (unlocked for one move), the "
        "highest coefficient would be 2.727.",
    ]


def test_the_headline_cell_is_named_where_the_unit_figure_differs():
    result = solve(_two_skills())
    figures = Figures.of(result)
    assert figures.groups["all"].highest_after == Cell("A", "clerk", 2.0)
    assert figures.groups["all"].highest_before == Cell("A", "clerk", 3.0)
    assert figures.unit_highest("A") == (3.0, 2.0)
    assert figures.unit_highest("B") == pytest.approx((1.5, 2.0))
    lines = group_account(result, "all", figures.groups["all"])
    assert lines[1] == (
        "The highest coefficient after the plan, 2.000, is that of A's clerk staff (Skills sheet); "
        "A as a whole, all skills together, is at 1.400 (Units sheet)."
    )


def test_the_workbook_shows_the_headline_cell_and_words_checks_plainly(tmp_path):
    """Summary: the unit and skill of each group's highest coefficient; Units: each unit's highest
    skill coefficient beside its own; the checks line counts checks of the plan."""
    result = solve(_two_skills())
    book = openpyxl.load_workbook(write_result(result, tmp_path / "skills.xlsx"))
    summary = book["Summary"]
    values = [[c.value for c in row] for row in summary.iter_rows()]
    facts = {row[0]: row[1] for row in values if row and row[0]}
    passed = sum(c.passed for c in result.checks)
    assert facts["Independent checks"] == (
        f"all {passed} checks of the plan passed (the plan re-checked against every rule, without "
        "the model)"
    )
    header = next(row for row in values if row[0] == "Group")
    group_row = values[values.index(header) + 1]
    assert group_row[header.index("Highest after: unit")] == "A"
    assert group_row[header.index("Highest after: skill")] == "clerk"
    units = book["Units"]
    head = [c.value for c in units[1]]
    first = {units.cell(row=r, column=1).value: r for r in range(2, 4)}
    column = head.index("Highest skill coefficient after") + 1
    assert units.cell(row=first["A"], column=column).value == pytest.approx(2.0)
    assert units.cell(row=first["A"], column=head.index("Coefficient after") + 1).value == (
        pytest.approx(1.4)
    )


def test_an_infeasible_result_has_no_plan_to_check(tmp_path):
    """Min 30 employees in a group of 20: no plan; the checks line says there is none to check."""
    scenario = _two_units(min_employees=30)
    result = solve(scenario)
    assert result.status == "infeasible"
    book = openpyxl.load_workbook(write_result(result, tmp_path / "none.xlsx"))
    facts = {row[0].value: row[1].value for row in book["Summary"].iter_rows() if row[0].value}
    assert facts["Independent checks"] == (
        "no plan to check: no group has a plan within its limits (see below)"
    )


def test_emptying_allowed_names_every_unit_that_loses_more_than_half():
    """Keep share 0: Beta (10 employees, 2 services) gives 8 to Alpha (30 services): 18/2 -> 30/18
    = 1.67 vs 2/2 = 1.0. The account names Beta's loss, whatever the number of units."""
    units = (Unit("A", name="Alpha"), Unit("B", name="Beta"))
    staff = (StaffCell("A", "general", 2), StaffCell("B", "general", 10))
    services = tuple(Service(f"S{i:02d}", "A" if i < 30 else "B") for i in range(32))
    result = solve(Scenario("halved", units, staff, services, Settings(keep_staff_share=0.0)))
    lines = group_account(result, "all", Figures.of(result).groups["all"])
    after = {u.unit_id: u.employees_after for u in result.units}
    assert f"Beta loses more than half its staff: 10 -> {after['B']}." in lines
    assert after["B"] < 5
