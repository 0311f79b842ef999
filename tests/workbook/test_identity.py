"""Issue 12, class 1, end to end: a group typed in two Unicode forms is one pool, solved as one."""

from __future__ import annotations

from pathlib import Path

import planner
from planner.workbook import read_scenario
from tests.corpus.base import base_workbook

NFC = "R\u00e9gion"
NFD = "Re\u0301gion"


def test_group_in_nfc_and_nfd_is_one_pool(tmp_path: Path) -> None:
    """D01 in 'Région' typed NFC and D02 typed NFD: one group of two units (with a warning naming
    both cells), and the solve treats them as one pool: the same plan as when both are typed
    alike."""
    mixed, alike = base_workbook(), base_workbook()
    mixed["Units"]["E2"], mixed["Units"]["E3"] = NFC, NFD
    alike["Units"]["E2"], alike["Units"]["E3"] = NFC, NFC
    mixed.save(tmp_path / "mixed.xlsx")
    alike.save(tmp_path / "alike.xlsx")

    scenario = read_scenario(tmp_path / "mixed.xlsx")
    reference = read_scenario(tmp_path / "alike.xlsx")

    assert scenario.groups == ("Région", "districts")
    assert [u.unit_id for u in scenario.by_group["Région"].units] == ["D01", "D02"]
    assert [(w.code, w.location) for w in scenario.warnings] == [
        ("spelling-normalised", "Units!E3")
    ]
    result = planner.solve(scenario, sensitivity=False)
    expected = planner.solve(reference, sensitivity=False)
    assert [g.group for g in result.groups] == ["Région", "districts"]
    assert result.max_coefficient_after == expected.max_coefficient_after
    assert result.staff_moved == expected.staff_moved
