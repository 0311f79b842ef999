"""The WISN sheet of the result workbook (planner/reports/wisn_sheet.py) on the README's district
study (scripts/wisn_example.py): required staff, difference, ratio and pressure before and after
the plan, hand-computed, and the plan that lifts the smallest WISN ratio."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from planner.reports.result_workbook import result_workbook
from planner.reports.wisn_sheet import WISN_SHEET, pressure_text, wisn_rows
from planner.solve import solve
from planner.wisn import published
from planner.workbook import read_scenario

REPO = Path(__file__).resolve().parents[2]


def _example():
    spec = importlib.util.spec_from_file_location(
        "wisn_example", REPO / "scripts" / "wisn_example.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    path = tmp_path_factory.mktemp("wisn") / "district.xlsx"
    _example().district_workbook().save(path)
    scenario = read_scenario(path)
    return solve(scenario, sensitivity=False)


def test_required_staff_before_and_after(district):
    """Clinicians (AWT 179 days = 1,432 h, CAF 179/169): C1 7,500 h -> 5.55 + the manager's
    480 h (IAF 0.34) = 5.88 required for 4 (ratio 0.68, 32% short); C2 3,000 h -> 2.22 for 3
    (1.35); C3 1,500 h -> 1.11 for 3 (2.70). Nurses (1,704 h, CAF 1/0.9): C1 8,333 h -> 5.43 for 5
    (0.92). The plan moves 2 clinicians to C1 (6, 2, 2): ratios 1.02, 0.90, 1.80; the smallest
    WISN ratio rises from 0.68 to 0.90, the best any allocation of the 10 clinicians reaches."""
    assert district.status == "optimal"
    assert district.staff_moved == 2
    rows = {(r.unit_id, r.category): r for r in wisn_rows(district)}
    c1 = rows["C1", "clinician"]
    assert (c1.current, published(c1.required), published(c1.difference)) == (4, 5.88, -1.88)
    assert published(c1.ratio) == 0.68
    assert pressure_text(c1.ratio) == "staff shortage: high workload pressure (32% short)"
    assert (c1.staff_after, published(c1.ratio_after)) == (6, 1.02)
    assert published(rows["C2", "clinician"].required) == 2.22
    assert published(rows["C3", "clinician"].ratio) == 2.70
    assert published(rows["C1", "nurse"].required) == 5.43
    assert [published(rows[c, "clinician"].ratio_after) for c in ("C1", "C2", "C3")] == [
        1.02,
        0.90,
        1.80,
    ]
    assert published(min(r.ratio for r in rows.values())) == 0.68
    assert published(min(r.ratio_after for r in rows.values())) == 0.90
    assert published(1 / district.max_coefficient_after) == 0.90


def test_wisn_sheet_in_the_result_workbook(district):
    """The sheet follows Summary, lists the six cells with the published columns and rounding,
    and draws one chart of the WISN ratio before and after."""
    workbook = result_workbook(district)
    assert workbook.sheetnames[:2] == ["Summary", WISN_SHEET]
    ws = workbook[WISN_SHEET]
    header = [c.value for c in ws[4]]
    assert header[4:9] == [
        "Current staff",
        "Required",
        "Difference",
        "WISN ratio before",
        "WISN ratio after",
    ]
    assert ws["A5"].value == "Central clinic / clinician"
    assert round(ws["F5"].value, 2) == 5.88
    assert ws["F5"].number_format == "#,##0.00"
    assert ws["M5"].value == "staff shortage: high workload pressure (32% short)"
    assert ws["N5"].value == "staff surplus: low workload pressure"
    assert ws.max_row >= 10 and ws["A11"].value is None
    assert len(ws._charts) == 1
