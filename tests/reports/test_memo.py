"""The Memo sheet of the result workbook: the recommendation, the headline figures, what holds the
plan back and what must be decided, on small scenarios with plans worked out by hand.

SMALL (tests/reports/test_result_workbook.py): north moves 6 employees (3 from North A, 3 from
North C to North B: 2.00 -> 6/7), south moves 2 services from South A to South B (locked units,
both at 0.80). Before the plan North B (8/4 against the north mean 16/20 = 0.8) and South A (6/5
against 8/10) are overloaded, after it none.
LIMITED: North A (10 employees, 6 services) and North B (4, 8) with at most 2 staff moves: North B
gets 2 (8/6 = 1.33); a third move would give 8/7 = 1.14.
"""

from __future__ import annotations

import openpyxl
import pytest

from planner.domain import Scenario, Settings, StaffCell, Unit
from planner.reports.result_workbook import write_result
from planner.solve import solve
from tests.reports.test_result_workbook import SMALL, _services

LIMITED = Scenario(
    name="limited",
    units=SMALL.units[:2],
    staff=SMALL.staff[:2],
    services=tuple(s for s in SMALL.services if s.unit_id in ("N1", "N2")),
    settings=Settings(max_staff_moves=2),
)


def _memo(scenario: Scenario, tmp_path) -> openpyxl.worksheet.worksheet.Worksheet:
    path = write_result(solve(scenario), tmp_path / f"{scenario.name}.xlsx")
    return openpyxl.load_workbook(path)["Memo"]


def _after(ws, heading: str) -> list[str]:
    """The texts in column A under a section heading, up to the next blank row."""
    values = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    start = values.index(heading) + 1
    found = []
    for value in values[start:]:
        if value is None:
            break
        found.append(value)
    return found


def _figures(ws) -> dict[str, tuple]:
    """The headline figures table: figure -> (before, after, note)."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == "Figure")
    table = {}
    for row in rows[start + 1 :]:
        if row[0] is None:
            break
        table[row[0]] = row[1:4]
    return table


@pytest.fixture(scope="module")
def small_memo(tmp_path_factory):
    return _memo(SMALL, tmp_path_factory.mktemp("memo"))


def test_memo_is_the_second_sheet_and_recommends_the_plan_in_a_sentence(small_memo, tmp_path):
    """The Memo follows the Summary; its recommendation names the figures worked out by hand."""
    ws = small_memo
    assert ws.parent.sheetnames[:2] == ["Summary", "Memo"]
    assert ws["A1"].value == "Memo: workload plan for small"
    assert _after(ws, "Recommendation") == [
        "Recommended: adopt the plan. It lowers the highest coefficient from 2.00 to 0.86 by "
        "moving 6 employees and reassigning 2 services, and leaves 0 unit(s) above the overload "
        "threshold instead of 2."
    ]


def test_memo_headline_figures_before_and_after(small_memo):
    """Highest coefficient 2.00 -> 6/7 (North A's general staff), 2 -> 0 overloaded units, 30
    employees, 6 staff and 2 services moved, no hires, no unit halved."""
    figures = _figures(small_memo)
    before, after, whose = figures["Highest coefficient"]
    assert (before, after) == (pytest.approx(2.0), pytest.approx(6 / 7))
    assert whose == "after the plan: North A (general staff)"
    assert figures["Units above the overload threshold"][:2] == (2, 0)
    assert figures["Employees"][:2] == (30, 30)
    assert figures["Staff moved"][:2] == (None, 6)
    assert figures["Services moved"][:2] == (None, 2)
    assert figures["New hires"][:2] == (None, 0)
    assert figures["Units losing more than half their staff"][:2] == (None, 0)
    assert figures["Change in the highest coefficient"][1] == pytest.approx(6 / 7 - 2)


def test_memo_says_what_holds_the_plan_back_in_the_summary_s_words(small_memo):
    """The held-back sentences are narrative's: the locks of south do not hold its maximum up."""
    assert _after(small_memo, "What holds the plan back") == [
        "north: No lock, headcount limit or move limit holds the highest coefficient up: the "
        "staff and services themselves set it (see Sensitivity).",
        "south: Held back: South A is locked. Re-solved with that relaxed (unlocked for one "
        "move), the highest coefficient would not fall.",
        "south: Held back: South B is locked. Re-solved with that relaxed (unlocked for one "
        "move), the highest coefficient would not fall.",
    ]
    assert _after(small_memo, "To decide")[:2] == [
        "1. Approve the transfer of 6 employees in 2 transfer(s) between 3 units (Transfers "
        "sheet).",
        "2. Approve the reassignment of 2 services to other units (Reassignments sheet).",
    ]


def test_memo_asks_whether_to_relax_the_move_limit_that_holds_the_maximum(tmp_path):
    """LIMITED: the move limit holds 8/6 up; the Memo says so and puts relaxing it to the head of
    department with the re-solved 8/7."""
    ws = _memo(LIMITED, tmp_path)
    held = _after(ws, "What holds the plan back")
    assert len(held) == 1 and held[0].startswith("Held back: ")
    assert "the highest coefficient would be 1.14" in held[0]
    decisions = _after(ws, "To decide")
    assert decisions[0] == (
        "1. Approve the transfer of 2 employees in 1 transfer(s) between 2 units (Transfers sheet)."
    )
    assert decisions[1].startswith("2. Whether to relax ")
    assert decisions[1].endswith("the highest coefficient would be 1.14 instead of 1.33.")


def test_memo_of_an_infeasible_plan_recommends_nothing_and_names_the_limit(tmp_path):
    """Minimums of 8 and 8 on 10 employees: no plan, so nothing is recommended and the decision
    is which limit to relax, with the explanation's first sentence."""
    scenario = Scenario(
        name="stuck",
        units=(Unit("A", "Alpha", min_employees=8), Unit("B", "Beta", min_employees=8)),
        staff=(StaffCell("A", "general", 5), StaffCell("B", "general", 5)),
        services=tuple(_services("A", 3) + _services("B", 1)),
    )
    result = solve(scenario)
    ws = openpyxl.load_workbook(write_result(result, tmp_path / "stuck.xlsx"))["Memo"]
    assert _after(ws, "Recommendation") == [
        "No plan can be recommended: no group has a plan within its limits; the limits named "
        "under 'To decide' must change first."
    ]
    assert _after(ws, "To decide")[0] == (
        f"1. Which limit of group 'all' to relax: it has no plan. {result.groups[0].explanation[0]}"
    )
    assert _figures(ws)["Highest coefficient"][1] is None
