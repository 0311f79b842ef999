"""Decisions (Scenario.decisions): the planner re-optimises around them, the plan keeps them, and
the result shows the proposal without them ("auto") beside the decided plan ("final").

Every case is solved by hand in its docstring; figures are asserted exactly (headcounts, moves,
transfers) or to 1e-6 relative (coefficients).
"""

from __future__ import annotations

import dataclasses

import pytest

from planner.domain import (
    Decision,
    DecisionKind,
    Scenario,
    Service,
    Settings,
    StaffCell,
    Unit,
)
from planner.errors import InputError, ProblemCode
from planner.result import Status
from planner.solve import solve
from tests.engine import oracle

GENERAL = "general"


def two_units(*decisions: Decision, **settings) -> Scenario:
    """A: 10 employees, 30 services; B: 10 employees, 10 services (count mode). Without
    decisions the optimum is A 15, B 5 (30/15 = 10/5 = 2), 5 employees B -> A."""
    units = (Unit("A", name="Alpha"), Unit("B", name="Beta"))
    staff = (StaffCell("A", GENERAL, 10), StaffCell("B", GENERAL, 10))
    services = tuple(Service(f"S{i:02d}", "A" if i < 30 else "B") for i in range(40))
    return Scenario("two", units, staff, services, Settings(**settings), decisions=decisions)


def three_units(*decisions: Decision) -> Scenario:
    """A: 4 employees, 12 services; B and C: 4 employees, 4 services each. t* = 2 (A needs 6):
    2 employees join A, from B, C or both (each may give 2: 4 / 2 = 2)."""
    units = (Unit("A"), Unit("B"), Unit("C"))
    staff = tuple(StaffCell(u, GENERAL, 4) for u in "ABC")
    services = tuple(
        Service(f"S{i:02d}", "A" if i < 12 else "B" if i < 16 else "C") for i in range(20)
    )
    return Scenario("three", units, staff, services, Settings(), decisions=decisions)


def services_only(*decisions: Decision) -> Scenario:
    """A and B: 2 employees each, staff fixed; S00-S03 at A, movable. t* = 1: two of them go to
    B (the last two in id order when nothing is decided)."""
    units = (Unit("A"), Unit("B"))
    staff = (StaffCell("A", GENERAL, 2), StaffCell("B", GENERAL, 2))
    services = tuple(Service(f"S{i:02d}", "A", movable=True) for i in range(4))
    settings = Settings(allow_staff_moves=False)
    return Scenario("services", units, staff, services, settings, decisions=decisions)


def transfers(result) -> list[tuple[str, str, int]]:
    return sorted((t.source, t.target, t.employees) for t in result.transfers)


def where(result) -> dict[str, str]:
    return {a.service_id: a.unit_id for a in result.assignments}


def fix(unit: str, employees: int, skill: str | None = None) -> Decision:
    return Decision(DecisionKind.FIX_HEADCOUNT, unit, skill=skill, employees=employees)


def test_fixed_headcount_re_optimises_around_it():
    """B fixed at 7: A gets the other 13, the maximum is 30/13 = 2.3077 (not 2), 3 employees
    move B -> A; the decisions table shows the proposal's 5 beside the decided 3."""
    result = solve(two_units(fix("B", 7)))
    assert result.status is Status.OPTIMAL
    assert result.max_coefficient_after == pytest.approx(30 / 13, rel=1e-6)
    assert transfers(result) == [("B", "A", 3)]
    rows = {(r.kind, r.source, r.target): r for r in result.decision_rows()}
    assert (rows[("transfer", "B", "A")].auto, rows[("transfer", "B", "A")].final) == (5, 3)
    headcount = rows[("headcount", "B", "")]
    assert (headcount.auto, headcount.final, headcount.decision) == (5, 7, "fix headcount B = 7")
    table = result.table("decisions")
    assert list(table.columns[:6]) == ["kind", "source", "target", "subject", "auto", "final"]
    assert len(table) == 2
    check = next(c for c in result.checks if c.name == "the planner's decisions kept")
    assert check.passed and check.detail == "1 decisions"


def test_pinned_transfer_is_in_the_plan():
    """1 employee pinned A -> B: A keeps at most 9, the maximum is 30/9; the fewest moves keep
    it the only transfer."""
    pin = Decision(DecisionKind.PIN_TRANSFER, "A", to_unit="B", employees=1)
    result = solve(two_units(pin))
    assert result.status is Status.OPTIMAL
    assert result.max_coefficient_after == pytest.approx(30 / 9, rel=1e-6)
    assert transfers(result) == [("A", "B", 1)]
    (row,) = [r for r in result.decision_rows() if r.source == "A"]
    assert (row.auto, row.final, row.decision) == (0, 1, "pin transfer A -> B, 1 general")


def test_forbidden_transfer_sends_from_elsewhere():
    """B -> A forbidden: both employees A needs come from C (C keeps 2: 4/2 = 2 = t*)."""
    forbid = Decision(DecisionKind.FORBID_TRANSFER, "B", to_unit="A")
    result = solve(three_units(forbid))
    assert result.status is Status.OPTIMAL
    assert result.max_coefficient_after == pytest.approx(2.0, rel=1e-6)
    assert transfers(result) == [("C", "A", 2)]
    assert result.staff_moved == 2


def test_forbidding_every_way_in_keeps_the_overload():
    """B -> A and C -> A forbidden: nobody can join A, which stays at 12/4 = 3 with no move."""
    result = solve(three_units(
        Decision(DecisionKind.FORBID_TRANSFER, "B", to_unit="A"),
        Decision(DecisionKind.FORBID_TRANSFER, "C", to_unit="A"),
    ))  # fmt: skip
    assert result.status is Status.OPTIMAL
    assert result.max_coefficient_after == pytest.approx(3.0, rel=1e-6)
    assert transfers(result) == []


def test_pinned_and_forbidden_services():
    """S03 pinned at A: S03 stays, and of the others the last two in id order go (S01, S02).
    S00 forbidden at A: it must go, and one more (the last, S03) goes with it."""
    pinned = solve(services_only(Decision(DecisionKind.PIN_SERVICE, "A", service_id="S03")))
    assert where(pinned) == {"S00": "A", "S01": "B", "S02": "B", "S03": "A"}
    assert pinned.max_coefficient_after == pytest.approx(1.0, rel=1e-6)
    forbidden = solve(services_only(Decision(DecisionKind.FORBID_SERVICE, "A", service_id="S00")))
    assert where(forbidden) == {"S00": "B", "S01": "A", "S02": "A", "S03": "B"}
    assert forbidden.services_moved == 2
    rows = {r.subject: r for r in forbidden.decision_rows()}
    assert (rows["S00"].auto, rows["S00"].final) == (0, 1)
    assert rows["S00"].decision == "forbid service S00 at A"
    assert (rows["S02"].auto, rows["S02"].final, rows["S02"].decision) == (1, 0, "")


def test_a_decision_against_a_lock_is_explained():
    """A pinned transfer out of a locked unit has no plan; the explanation names the decision
    and, as the other way out, the lock."""
    units = (Unit("A", locked=True, row=2), Unit("B", row=3))
    scenario = dataclasses.replace(
        two_units(Decision(DecisionKind.PIN_TRANSFER, "A", to_unit="B", employees=1,
                           where="Decisions!A2")),
        units=units,
    )  # fmt: skip
    result = solve(scenario)
    assert result.status is Status.INFEASIBLE
    (group,) = result.groups
    text = "\n".join(group.explanation)
    assert "Decisions!A2: pin transfer A -> B, 1 general: the decision cannot be kept" in text
    assert "Units row 2, Locked" in text


@pytest.mark.parametrize(
    ("decisions", "code", "words"),
    [
        ((fix("Bx", 3),), ProblemCode.UNKNOWN_UNIT, "'Bx' is not a unit of the scenario"),
        ((Decision(DecisionKind.PIN_SERVICE, "A", service_id="S3O"),), ProblemCode.UNKNOWN_SERVICE,
         "(did you mean 'S30'?)"),
        ((fix("B", 3), fix("B", 4)), ProblemCode.CONTRADICTORY_DECISIONS,
         "B's headcount is fixed at 3 and at 4"),
        ((Decision(DecisionKind.PIN_TRANSFER, "A", to_unit="B", employees=1),
          Decision(DecisionKind.FORBID_TRANSFER, "A", to_unit="B")),
         ProblemCode.CONTRADICTORY_DECISIONS, "this transfer is forbidden and pinned"),
        ((Decision(DecisionKind.PIN_SERVICE, "B", service_id="S00"),), ProblemCode.INVALID_DECISION,
         "service S00 is not Movable: it stays at A"),
    ],
)  # fmt: skip
def test_decisions_that_cannot_be_kept_are_refused(decisions, code, words):
    """Unknown ids (with a did-you-mean), contradictions and impossible decisions are refused
    before any solve, each with its reason code."""
    scenario = two_units(*decisions)
    with pytest.raises(InputError) as raised:
        solve(scenario)
    (problem,) = raised.value.problems
    assert problem.code is code
    assert words in str(problem)


@pytest.mark.parametrize(
    "decisions",
    [
        (fix("B", 7),),
        (Decision(DecisionKind.PIN_TRANSFER, "A", to_unit="B", employees=1),),
        (Decision(DecisionKind.FORBID_TRANSFER, "B", to_unit="A"),),
    ],
)
def test_decisions_agree_with_the_brute_force_oracle(decisions):
    """The brute-force oracle (its own reading of the decisions) finds the same optimum and the
    same fewest moves."""
    scenario = three_units(*decisions)
    result = solve(scenario)
    best = oracle.solve_group(scenario, scenario.groups[0])
    assert best.best_float is not None
    assert result.max_coefficient_after == pytest.approx(best.best_float, rel=1e-6)
    assert result.staff_moved + result.services_moved == best.fewest_moves
    headcount, unit_of = oracle.plan_of(result, scenario.groups[0])
    assert oracle.evaluate(scenario, scenario.groups[0], headcount, unit_of).broken == ()


def test_the_json_summary_lists_the_decided_rows():
    """--json with decisions: the auto / final rows; without decisions no such key."""
    summary = solve(two_units(fix("B", 7))).to_dict()
    rows = {(r["kind"], r["source"]): r for r in summary["decisions"]}
    assert (rows[("transfer", "B")]["auto"], rows[("transfer", "B")]["final"]) == (5, 3)
    assert "decisions" not in solve(two_units()).to_dict()
