"""The Decisions sheet: read cell by cell, its problems named with their cell (unknown ids with a
did-you-mean, contradictions naming both cells), and a workbook's decisions kept by the plan."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

import planner
from planner.domain import Decision, DecisionKind
from planner.errors import ProblemCode

HEADERS = ("Decision", "Unit", "To unit", "Skill", "Service ID", "Employees", "Note")


def _workbook(path, rows, headers=HEADERS):
    """U1: 3 employees and 4 services, U2: 3 employees and 2 services (count mode): the
    optimum without decisions is U1 4, U2 2 (4/4 = 1 = 2/2), 1 employee U2 -> U1."""
    book = Workbook()
    units = book.active
    units.title = "Units"
    units.append(["Unit ID", "Employees"])
    units.append(["U1", 3])
    units.append(["U2", 3])
    services = book.create_sheet("Services")
    services.append(["Service ID", "Unit ID", "Movable"])
    for i in range(4):
        services.append([f"S{i}", "U1", "yes" if i == 0 else "no"])
    services.append(["S4", "U2", "no"])
    services.append(["S5", "U2", "no"])
    decisions = book.create_sheet("Decisions")
    decisions.append(list(headers))
    for row in rows:
        decisions.append(list(row))
    book.save(path)
    return path


def test_decisions_are_read_with_their_cells(tmp_path):
    """Every kind is read (any case and spacing of its words), with its cell."""
    scenario = planner.read_scenario(_workbook(tmp_path / "d.xlsx", [
        ("Fix headcount", "U2", None, None, None, 3, "agreed with the head"),
        ("pin  service", "U1", None, None, "S0"),
        ("forbid transfer", "U2", "U1"),
    ]))  # fmt: skip
    assert scenario.decisions == (
        Decision(DecisionKind.FIX_HEADCOUNT, "U2", employees=3, row=2, where="Decisions!A2"),
        Decision(DecisionKind.PIN_SERVICE, "U1", service_id="S0", row=3, where="Decisions!A3"),
        Decision(DecisionKind.FORBID_TRANSFER, "U2", to_unit="U1", row=4, where="Decisions!A4"),
    )


def test_a_workbook_decision_is_kept_and_shown_beside_the_proposal(tmp_path):
    """U2 fixed at 3 and S0 kept off U2: nothing can move, U1 stays at 4/3; the proposal
    reached 1 (one move: an employee U2 -> U1 or S0 to U2, equally few)."""
    scenario = planner.read_scenario(_workbook(tmp_path / "d.xlsx", [
        ("fix headcount", "U2", None, None, None, 3),
        ("forbid service", "U2", None, None, "S0"),
    ]))  # fmt: skip
    result = planner.solve(scenario)
    assert result.max_coefficient_after == pytest.approx(4 / 3, rel=1e-6)
    assert (result.transfers, result.reassignments) == ((), ())
    assert result.proposal is not None
    assert result.proposal.max_coefficient_after == pytest.approx(1.0, rel=1e-6)
    rows = {(r.kind, r.source): r for r in result.decision_rows()}
    headcount = rows[("headcount", "U2")]
    assert (headcount.final, headcount.where) == (3, "Decisions!A2")
    moved = sum(r.auto for r in result.decision_rows() if r.kind != "headcount")
    assert moved == 1 and all(r.final == 0 for r in result.decision_rows() if r.kind != "headcount")


@pytest.mark.parametrize(
    ("rows", "cell", "code", "words"),
    [
        ([("fix headcount", "U3", None, None, None, 2)], "B2", ProblemCode.UNKNOWN_UNIT,
         "'U3' is not a unit of the scenario"),
        ([("pin transfer", "U2", "UI", None, None, 1)], "C2", ProblemCode.UNKNOWN_UNIT,
         "'UI' is not a unit of the scenario (did you mean 'U1'?)"),
        ([("pin service", "U2", None, None, "SO")], "E2", ProblemCode.UNKNOWN_SERVICE,
         "(did you mean 'S0'?)"),
        ([("forbid transfer", "U2", "U1", "nurse")], "D2", ProblemCode.UNKNOWN_SKILL,
         "no employee or service of group 'all' has skill 'nurse'"),
        ([("pin transfers", "U2", "U1", None, None, 1)], "A2", ProblemCode.BAD_CHOICE,
         "(did you mean 'pin transfer'?)"),
        ([("pin transfer", "U2", "U1", None, None, 0)], "F2", ProblemCode.INVALID_DECISION,
         "a pinned transfer moves 1 or more employees"),
        ([("pin service", "U2", None, None, "S1")], "B2", ProblemCode.INVALID_DECISION,
         "service S1 is not Movable: it stays at U1"),
        ([("fix headcount", "U2", None, None, None, 2), ("fix headcount", "U2", None, None, None, 4)],
         "F3", ProblemCode.CONTRADICTORY_DECISIONS,
         "U2's headcount is fixed at 2 and at 4: it contradicts Decisions!A2 (fix headcount U2 = 2)"),
        ([("pin transfer", "U2", "U1", None, None, 1), ("forbid transfer", "U2", "U1")],
         "B3", ProblemCode.CONTRADICTORY_DECISIONS,
         "this transfer is forbidden and pinned: it contradicts Decisions!A2"),
        ([("pin service", "U1", None, None, "S0"), ("forbid service", "U1", None, None, "S0")],
         "B3", ProblemCode.CONTRADICTORY_DECISIONS,
         "service S0 is forbidden at U1 and pinned there: it contradicts Decisions!A2"),
    ],
)  # fmt: skip
def test_bad_decisions_are_named_with_their_cell(tmp_path, rows, cell, code, words):
    """Each problem names the Decisions cell it is about, with its reason code."""
    report = planner.validate_workbook(_workbook(tmp_path / "bad.xlsx", rows))
    assert report.scenario is None
    (problem,) = report.problems
    assert (problem.sheet, problem.cell, problem.code) == ("Decisions", cell, code)
    assert words in problem.expected


def test_an_infeasible_decision_is_explained_with_its_cell(tmp_path):
    """U2 fixed at 0 breaks 'keep staff share' (U2 keeps 1 of 3): the explanation names the
    decision's cell (and, instead, the setting)."""
    scenario = planner.read_scenario(
        _workbook(tmp_path / "d.xlsx", [("fix headcount", "U2", None, None, None, 0)])
    )
    result = planner.solve(scenario)
    assert result.status is planner.Status.INFEASIBLE
    text = "\n".join(result.groups[0].explanation)
    assert "Decisions!A2: fix headcount U2 = 0: the decision cannot be kept" in text


def test_the_result_workbook_shows_auto_and_final(tmp_path):
    """The Transfers sheet of the result lists, below the transfers, each decided row with the
    proposal (Auto), the decided plan (Final), the decision and its cell."""
    from openpyxl import load_workbook

    scenario = planner.read_scenario(
        _workbook(tmp_path / "d.xlsx", [("fix headcount", "U2", None, None, None, 3),
                                        ("forbid service", "U2", None, None, "S0")])
    )  # fmt: skip
    path = planner.write_result(planner.solve(scenario), tmp_path / "plan.xlsx")
    rows = [r for r in load_workbook(path)["Transfers"].iter_rows(values_only=True) if any(r)]
    header = rows.index(("Kind", "From / unit", "To", "Skill or service", "Auto", "Final",
                         "Decision", "Cell"))  # fmt: skip
    decided = {r[0]: r for r in rows[header + 1 :]}
    assert decided["headcount"][:2] == ("headcount", "U2")
    assert decided["headcount"][5:] == (3, "fix headcount U2 = 3", "Decisions!A2")


def _geo_workbook(path, rows, headers=("From unit", "To unit", "Km"), longest=None):
    """A: 1 employee, 3 services; B and C: 4 employees, 2 services each (tests/engine/
    test_distances.py solves it by hand: 2 employees join A)."""
    book = Workbook()
    units = book.active
    units.title = "Units"
    units.append(["Unit ID", "Employees"])
    for unit, employees in (("A", 1), ("B", 4), ("C", 4)):
        units.append([unit, employees])
    services = book.create_sheet("Services")
    services.append(["Service ID", "Unit ID"])
    for i in range(7):
        services.append([f"S{i}", "A" if i < 3 else "B" if i < 5 else "C"])
    if longest is not None:
        settings = book.create_sheet("Settings")
        settings.append(["Setting", "Value"])
        settings.append(["longest transfer", longest])
    distances = book.create_sheet("Distances")
    distances.append(list(headers))
    for row in rows:
        distances.append(list(row))
    book.save(path)
    return path


def test_the_distances_sheet_is_read_and_used(tmp_path):
    """Km rows, symmetric: the nearest unit gives, and the result shows the total distance."""
    from planner.domain import Distance, DistanceMeasure

    scenario = planner.read_scenario(_geo_workbook(
        tmp_path / "geo.xlsx", [("A", "B", 50), ("C", "A", 20)], longest=60))  # fmt: skip
    assert scenario.distances == (Distance("A", "B", 50.0, row=2), Distance("C", "A", 20.0, row=3))
    assert scenario.distance_measure is DistanceMeasure.KM
    assert scenario.settings.longest_transfer == 60.0
    result = planner.solve(scenario)
    assert [(t.source, t.target, t.employees, t.distance) for t in result.transfers] == [
        ("C", "A", 2, 20.0)
    ]
    assert result.total_distance == 40.0
    minutes = planner.read_scenario(_geo_workbook(
        tmp_path / "min.xlsx", [("A", "B", 50)], headers=("From unit", "To unit", "Minutes")))  # fmt: skip
    assert minutes.distance_measure is DistanceMeasure.MINUTES


@pytest.mark.parametrize(
    ("rows", "headers", "cell", "code", "words"),
    [
        ([("A", "Bx", 5)], ("From unit", "To unit", "Km"), "B2", ProblemCode.UNKNOWN_UNIT,
         "'Bx' is not a unit of this workbook (did you mean 'B', Units!A3?)"),
        ([("A", "B", 5), ("A", "B", 6)], ("From unit", "To unit", "Km"), "A3",
         ProblemCode.DUPLICATE_ID, "the distance from A to B is given twice: Distances!A2 and "
         "Distances!A3"),
        ([("A", "A", 5)], ("From unit", "To unit", "Km"), "B2", ProblemCode.INVALID_DECISION,
         "a distance is between two different units"),
        ([("A", "B", -5)], ("From unit", "To unit", "Km"), "C2", ProblemCode.NEGATIVE, ""),
        ([("A", "B", 5, 9)], ("From unit", "To unit", "Km", "Minutes"), "",
         ProblemCode.MISSING_COLUMN, "has both a Km and a Minutes column"),
    ],
)  # fmt: skip
def test_bad_distances_are_named_with_their_cell(tmp_path, rows, headers, cell, code, words):
    """Each problem of the Distances sheet names its cell and reason code."""
    report = planner.validate_workbook(_geo_workbook(tmp_path / "bad.xlsx", rows, headers))
    assert report.scenario is None
    (problem,) = report.problems
    assert (problem.sheet, problem.cell, problem.code) == ("Distances", cell, code)
    assert words in problem.expected


def test_distances_are_written_back(tmp_path):
    """write_scenario writes the Distances sheet in its measure: read back, the same pairs (so
    `planner apply` keeps them for next year)."""
    import dataclasses

    from planner.domain import DistanceMeasure

    scenario = planner.read_scenario(_geo_workbook(
        tmp_path / "geo.xlsx", [("A", "B", 50), ("C", "A", 20.5)],
        headers=("From unit", "To unit", "Minutes")))  # fmt: skip
    again = planner.read_scenario(planner.write_scenario(scenario, tmp_path / "again.xlsx"))
    assert again.distance_measure is DistanceMeasure.MINUTES
    assert [dataclasses.replace(d, row=None) for d in again.distances] == [
        dataclasses.replace(d, row=None) for d in scenario.distances
    ]


def test_the_result_workbook_shows_the_distances(tmp_path):
    """The Transfers sheet states the total distance and each transfer's distance."""
    from openpyxl import load_workbook

    scenario = planner.read_scenario(
        _geo_workbook(tmp_path / "geo.xlsx", [("A", "B", 50), ("C", "A", 20)])
    )
    path = planner.write_result(planner.solve(scenario), tmp_path / "plan.xlsx")
    rows = [r for r in load_workbook(path)["Transfers"].iter_rows(values_only=True) if any(r)]
    assert any("Distance of the transfers (km): 40 in total" in str(r[0]) for r in rows)
    heading = ("From unit ID", "To unit ID", "Skill", "Employees", "Distance (km)", "Total (km)")
    header = next(i for i, r in enumerate(rows) if r[:6] == heading)
    assert rows[header + 1][:6] == ("C", "A", "general", 2, 20, 40)


def test_the_template_documents_decisions_and_distances():
    """The template's Instructions describe both optional sheets, column by column."""
    from planner.workbook import template_workbook

    cells = [c for row in template_workbook()["Instructions"].iter_rows(values_only=True)
             for c in row if c]  # fmt: skip
    for heading in ("Sheet Decisions", "Sheet Distances"):
        assert heading in cells
    assert {"Decision", "To unit", "Employees", "From unit", "Km", "Minutes"} <= set(cells)
    assert "longest transfer" in cells
