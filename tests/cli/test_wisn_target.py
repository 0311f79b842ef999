"""The `wisn target` setting (issue 18): `planner solve` on a WISN study also finds the fewest hires
that bring every WISN ratio to the target, prints them and puts them in the JSON summary with the
study's WISN figures; the setting is refused, naming its cell, outside coefficient wisn.

The study is the README's district (scripts/wisn_example.py), whose hires are hand-solved in
tests/studies/test_wisn_hires.py: at target 1.00 one clinician at the Central clinic, proven."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from planner.cli import main
from tests.support import wisn_district_workbook


def _district(tmp_path: Path, *settings: tuple[str, object]) -> Path:
    """The district study saved to a file; a `coefficient` setting replaces the study's own
    (Settings!B2), others are appended."""
    book = wisn_district_workbook(*(s for s in settings if s[0] != "coefficient"))
    for name, value in settings:
        if name == "coefficient":
            book["Settings"]["B2"] = value
    path = tmp_path / "district.xlsx"
    book.save(path)
    return path


def test_solve_json_has_the_wisn_cells_and_the_fewest_hires(tmp_path: Path, capsys) -> None:
    """Target 1.00: clinicians need 6 + 3 + 2 = 11 of 10 (1 hire), nurses 10 of 12 (none); the
    hire goes to the Central clinic (C1), where the shortfall is, and a plan then has a smallest
    ratio of 1.02. Without hires the plan's smallest ratio is 0.90 (C2's clinicians 2 / 2.22)."""
    path = _district(tmp_path, ("wisn target", 1))
    assert main(["solve", str(path), "--json", "--no-sensitivity"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["hires"] == {
        "target": 1.0,
        "total": 1,
        "lower_bound": 1,
        "proven_fewest": True,
        "hires": [{"unit_id": "C1", "skill": "clinician", "employees": 1}],
        "smallest_ratio_with_hires": pytest.approx(1.0199688, abs=1e-6),
    }
    cells = {(c["unit_id"], c["category"]): c for c in summary["wisn"]}
    assert len(cells) == 6
    central = cells["C1", "clinician"]
    assert (central["staff"], round(central["required"], 2), round(central["ratio"], 2)) == (
        4, 5.88, 0.68,
    )  # fmt: skip
    assert (central["pressure"], central["staff_after"], central["pressure_after"]) == (
        "shortage", 6, "surplus",
    )  # fmt: skip
    assert round(central["difference_after"], 2) == 0.12
    hill = cells["C2", "clinician"]
    assert (hill["staff_after"], round(hill["ratio_after"], 2)) == (2, 0.90)
    assert round(1 / summary["max_coefficient_after"], 2) == 0.90


def test_solve_prints_the_hires_and_writes_the_hires_sheet(tmp_path: Path, capsys) -> None:
    """Target 1.20: 3 clinicians and 1 nurse at the Central clinic, proven (hand-solved in
    tests/studies/test_wisn_hires.py); the result workbook has the Hires sheet after WISN."""
    path = _district(tmp_path, ("wisn target", 1.2))
    out_path = tmp_path / "result.xlsx"
    assert main(["solve", str(path), "--no-sensitivity", "--out", str(out_path)]) == 0
    out = capsys.readouterr().out
    assert (
        "4 hires, proven fewest: every cell needs ceil(target x required) staff, so no plan "
        "reaches a WISN ratio of 1.20 in every cell with fewer than 4.\n"
        "  C1 clinician: +3\n"
        "  C1 nurse: +1\n"
    ) in out
    book = openpyxl.load_workbook(out_path)
    assert book.sheetnames[:3] == ["Summary", "WISN", "Hires"]
    hires = book["Hires"]
    assert (hires["B3"].value, hires["B4"].value, hires["B6"].value) == (1.2, 4, "yes")
    assert (hires["A10"].value, hires["H10"].value) == ("Central clinic / clinician", 3)


def test_no_hires_without_the_setting(tmp_path: Path, capsys) -> None:
    path = _district(tmp_path)
    assert main(["solve", str(path), "--json", "--no-sensitivity"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert "hires" not in summary and len(summary["wisn"]) == 6


def test_the_setting_outside_wisn_is_refused_with_its_cell(tmp_path: Path, capsys) -> None:
    """Coefficient hours with `wisn target`: a silent no-op would be a guess; refused on the
    setting's Value cell (the fourth row of the Settings sheet), exit 2."""
    path = _district(tmp_path, ("coefficient", "hours"), ("hours per fte", 1600),
                     ("wisn target", 1))  # fmt: skip
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr()
    text = err.out + err.err
    assert "Settings!B5" in text
    assert (
        "the setting 'wisn target' is for coefficient wisn (a WISN ratio needs the Working time "
        "sheet), but this workbook's coefficient is hours"
    ) in text


def test_the_target_range_is_checked(tmp_path: Path, capsys) -> None:
    path = _district(tmp_path, ("wisn target", 0))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr()
    text = err.out + err.err
    assert "Settings!B4" in text and "wisn target" in text
