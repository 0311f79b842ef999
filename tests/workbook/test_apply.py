"""`planner apply RESULT.xlsx`: the accepted plan as a new scenario workbook that next year's
planning starts from; solving it again gives the same coefficients with no move."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

import planner
from planner.cli import main
from planner.domain import Scenario, Service, Settings, StaffCell, Unit

NURSE, DOCTOR = "nurse", "doctor"


def _scenario() -> Scenario:
    """A: 1 doctor, 2 nurses, 6 nurse services and D0-D2 (movable doctor services); B: 2 doctors,
    4 nurses, 2 nurse services and S8 (a doctor service); at most 2 staff moves. The plan: 2
    nurses B -> A (A 6/4 = 1.5) and two of D0-D2 to B (B 3/2 = 1.5): t* = 1.5 with 4 moves."""
    units = (Unit("A", name="Alpha"), Unit("B", name="Beta"))
    staff = (StaffCell("A", DOCTOR, 1), StaffCell("A", NURSE, 2),
             StaffCell("B", DOCTOR, 2), StaffCell("B", NURSE, 4))  # fmt: skip
    services = (
        *(Service(f"N{i}", "A", skill=NURSE) for i in range(6)),
        *(Service(f"M{i}", "B", skill=NURSE) for i in range(2)),
        *(Service(f"D{i}", "A", skill=DOCTOR, movable=True) for i in range(3)),
        Service("S8", "B", skill=DOCTOR),
    )
    settings = Settings(keep_staff_share=0.0, max_staff_moves=2)
    return Scenario("clinic", units, staff, services, settings)


@pytest.fixture
def solved(tmp_path):
    """The scenario as a workbook, solved, and its result workbook."""
    source = planner.write_scenario(_scenario(), tmp_path / "clinic.xlsx")
    scenario = planner.read_scenario(source)
    result = planner.solve(scenario, sensitivity=False)
    assert (result.max_coefficient_after, result.staff_moved, result.services_moved) == (
        pytest.approx(1.5, rel=1e-6),
        2,
        2,
    )
    return source, result, planner.write_result(result, tmp_path / "clinic-result.xlsx")


def test_apply_writes_the_plan_as_the_new_baseline(solved, tmp_path, capsys):
    """The applied scenario has every unit-skill headcount and every service where the plan put
    them; solved again it has the result's coefficients, optimal, with 0 moves; its Assumptions
    name the source result and its SHA-256."""
    source, result, result_path = solved
    out = tmp_path / "next-year.xlsx"
    assert main(["apply", str(result_path), "--out", str(out), "-q"]) == 0
    assert f"applied scenario written to {out}" in capsys.readouterr().out
    applied = planner.read_scenario(out)
    assert {(c.unit_id, c.skill): c.employees for c in applied.staff} == {
        (row.unit_id, row.skill): row.after for row in result.staff if row.after
    }
    assert {s.service_id: s.unit_id for s in applied.services} == {
        a.service_id: a.unit_id for a in result.assignments
    }
    again = planner.solve(applied, sensitivity=False)
    assert again.status is planner.Status.OPTIMAL
    assert (again.staff_moved, again.services_moved) == (0, 0)
    assert again.max_coefficient_before == pytest.approx(result.max_coefficient_after, rel=1e-12)
    assert {u.unit_id: u.coefficient_after for u in again.units} == pytest.approx(
        {u.unit_id: u.coefficient_after for u in result.units}, rel=1e-12
    )
    facts = {r[0]: r[1] for r in load_workbook(out)["Assumptions"].iter_rows(values_only=True)}
    import hashlib

    assert facts["Source result"] == "clinic-result.xlsx"
    assert (
        facts["SHA-256 of the source result"]
        == hashlib.sha256(result_path.read_bytes()).hexdigest()
    )
    assert facts["SHA-256 of the source scenario"] == result.scenario.source_sha256


def test_apply_never_writes_over_a_file(solved, tmp_path, capsys):
    """An existing output needs --force; the result and its input are refused even with it."""
    source, _, result_path = solved
    out = tmp_path / "taken.xlsx"
    out.write_bytes(b"keep me")
    assert main(["apply", str(result_path), "--out", str(out), "-q"]) == 2
    assert "already exists: pass --force (-f)" in capsys.readouterr().err
    assert out.read_bytes() == b"keep me"
    assert main(["apply", str(result_path), "--out", str(result_path), "-f", "-q"]) == 2
    assert main(["apply", str(result_path), "--out", str(source), "-f", "-q"]) == 2
    assert main(["apply", str(result_path), "--out", str(out), "-f", "-q"]) == 0
    assert planner.read_scenario(out).name == "taken"


def test_apply_refuses_a_changed_input(solved, tmp_path, capsys):
    """An input edited after the solve is not the scenario that was solved: refused, exit 2,
    naming the Inputs cell of the recorded SHA-256."""
    import dataclasses

    source, _, result_path = solved
    edited = _scenario()
    edited = dataclasses.replace(edited, units=(Unit("A", name="Alpha clinic"), edited.units[1]))
    planner.write_scenario(edited, source)
    assert main(["apply", str(result_path), "--out", str(tmp_path / "x.xlsx"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "Inputs!B" in err and "has changed since the result was made" in err
    assert not (tmp_path / "x.xlsx").exists()


def test_apply_refuses_a_workbook_that_is_not_a_result(tmp_path, capsys):
    """A scenario workbook given as the result: exit 2, naming the missing sheet."""
    source = planner.write_scenario(_scenario(), tmp_path / "clinic.xlsx")
    assert main(["apply", str(source), "--out", str(tmp_path / "x.xlsx"), "-q"]) == 2
    assert "has no Inputs sheet: this is not a result workbook of planner" in (
        capsys.readouterr().err
    )
