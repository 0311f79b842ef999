"""Sensible workbooks, however typed, read into the right Scenario."""

from __future__ import annotations

import builtins
import hashlib
import time
from pathlib import Path

import pytest
from openpyxl.styles import PatternFill

from planner.domain import (
    CoefficientMode,
    Hire,
    Objective,
    Scenario,
    ServiceAdjustment,
    SolverName,
    StaffCell,
)
from planner.workbook import read_scenario
from planner.workbook.validate import validate_workbook
from tests.corpus.base import base_workbook, rewrite_member, set_cached_value, sheet_part
from tests.corpus.examples import content


def _save(workbook, folder: Path, name: str = "scenario.xlsx") -> Path:
    path = folder / name
    workbook.save(path)
    return path


@pytest.fixture
def base_scenario(tmp_path: Path) -> Scenario:
    return read_scenario(_save(base_workbook(), tmp_path, "base.xlsx"))


def test_base_workbook_reads_every_field(tmp_path: Path) -> None:
    """The clean base gives the units, staff, services, settings and variant it spells out."""
    path = _save(base_workbook(), tmp_path)
    scenario = read_scenario(path)

    assert scenario.name == "scenario"
    assert scenario.source_path == str(path)
    assert scenario.source_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert scenario.warnings == ()
    assert [u.unit_id for u in scenario.units] == ["D01", "D02", "D03", "D04"]
    d04 = scenario.unit("D04")
    assert (d04.parent, d04.group, d04.max_moves, d04.locked, d04.row) == (
        "D03",
        "districts",
        2,
        True,
        5,
    )
    assert scenario.unit("D02").service_share == 0.8
    assert scenario.staff == (
        StaffCell("D01", "general", 10, row=2),
        StaffCell("D02", "general", 8, row=3),
        StaffCell("D03", "general", 5, row=4),
        StaffCell("D04", "general", 6, row=5),
    )
    s01 = scenario.services[0]
    assert (s01.service_id, s01.eligible_units, s01.movable, s01.digital_share) == (
        "S01",
        ("D01", "D02"),
        True,
        0.5,
    )
    assert scenario.services[2].skill == "general"  # blank Skill takes the default
    assert scenario.settings.max_staff_moves == 5
    assert scenario.settings.coefficient is CoefficientMode.COUNT
    (variant,) = scenario.variants
    assert variant.name == "more staff"
    assert dict(variant.settings) == {"max_staff_moves": 3}
    assert variant.hires == (Hire("D01", 1), Hire("D03", 1))
    assert variant.volume_scale == (ServiceAdjustment("S01", 1.5),)
    assert variant.digital_share == (ServiceAdjustment("*", 0.7),)
    assert variant.lock_units == ("D02",)


def test_numbers_typed_as_planners_type_them(tmp_path: Path) -> None:
    """Decimal commas, thousands separators (space, no-break, narrow no-break, comma in whole
    columns), percentages in shares and padded text all read as the numbers they mean."""
    workbook = base_workbook()
    units, services = workbook["Units"], workbook["Services"]
    units["H2"] = None
    units["F2"] = "1\u202f531"
    units["F3"] = "1,531"
    units["F4"] = " 12 "
    units["K3"] = "0,8"
    services["E2"] = "1 531,5"
    services["E3"] = "1\u00a0000"
    services["G2"] = "0,52"
    services["G3"] = "62.6%"
    services["G4"] = "62,6 %"
    scenario = read_scenario(_save(workbook, tmp_path))

    assert [scenario.employees(u) for u in ("D01", "D02", "D03")] == [1531, 1531, 12]
    assert scenario.unit("D02").service_share == 0.8
    volumes = {s.service_id: s.volume for s in scenario.services}
    shares = {s.service_id: s.digital_share for s in scenario.services}
    assert (volumes["S01"], volumes["S02"]) == (1531.5, 1000.0)
    assert (shares["S01"], shares["S02"], shares["S03"]) == (0.52, 0.626, 0.626)


def test_yes_no_spellings(tmp_path: Path) -> None:
    """Y, TRUE (an Excel boolean), 1 and ' No ' are read as yes/no."""
    workbook = base_workbook()
    workbook["Units"]["J2"] = "Y"
    workbook["Units"]["J3"] = True
    workbook["Units"]["J4"] = 1
    workbook["Units"]["J5"] = " No "
    scenario = read_scenario(_save(workbook, tmp_path))
    assert [u.locked for u in scenario.units] == [True, True, True, False]


def test_numeric_ids_match_their_text(tmp_path: Path) -> None:
    """A unit id typed as the number 1 in Units and as the text "1" elsewhere is one unit "1"."""
    workbook = base_workbook()
    workbook["Units"]["A2"] = 1
    workbook["Units"]["A3"] = 2.0
    workbook["Services"]["C2"] = "1"
    workbook["Services"]["I2"] = "1; 2"
    workbook["Services"]["C3"] = 2
    workbook["Scenarios"]["D2"] = "1=1"
    workbook["Scenarios"]["G2"] = 2
    scenario = read_scenario(_save(workbook, tmp_path))
    assert [u.unit_id for u in scenario.units] == ["1", "2", "D03", "D04"]
    assert scenario.services[0].unit_id == "1"
    assert scenario.services[0].eligible_units == ("1", "2")
    assert scenario.variants[0].hires == (Hire("1", 1),)
    assert scenario.variants[0].lock_units == ("2",)


def test_cyrillic_and_kazakh_names_and_ids(tmp_path: Path) -> None:
    """Ids and names in Cyrillic and Kazakh letters are read and matched as written."""
    workbook = base_workbook()
    workbook["Units"]["A4"] = "Ақжайық"
    workbook["Units"]["B4"] = "Ақжайық ауданы"
    workbook["Units"]["D5"] = "Ақжайық"
    workbook["Services"]["C4"] = "Ақжайық"
    workbook["Services"]["D4"] = "жер"
    workbook["Scenarios"]["D2"] = "Ақжайық:жер=1"
    workbook.create_sheet("Staff").append(["Unit ID", "Skill", "Employees"])
    for row in (["D01", "general", 10], ["D02", "general", 8], ["Ақжайық", "жер", 5],
                ["D04", "general", 6]):  # fmt: skip
        workbook["Staff"].append(row)
    scenario = read_scenario(_save(workbook, tmp_path))
    assert scenario.unit("Ақжайық").label == "Ақжайық ауданы"
    assert scenario.unit("D04").parent == "Ақжайық"
    assert scenario.services[2].skill == "жер"
    assert scenario.variants[0].hires == (Hire("Ақжайық", 1, "жер"),)
    assert scenario.warnings == ()


def test_columns_in_another_order(tmp_path: Path, base_scenario: Scenario) -> None:
    """Columns may come in any order and headers in any case, spacing or with underscores."""
    workbook = base_workbook()
    units = workbook["Units"]
    units.move_range("A1:A5", cols=20)  # Unit ID moves to column U
    units["G1"] = "MIN_EMPLOYEES"
    units["H1"] = "  max  employees "
    scenario = read_scenario(_save(workbook, tmp_path))
    assert content(scenario) == content(base_scenario)


def test_headers_under_a_title(tmp_path: Path, base_scenario: Scenario) -> None:
    """A title and a blank row above the headers are skipped with a warning naming row 3."""
    workbook = base_workbook()
    workbook["Units"].insert_rows(1, 2)
    workbook["Units"]["A1"] = "West Kazakhstan units, 2024"
    scenario = read_scenario(_save(workbook, tmp_path))
    assert content(scenario) == content(base_scenario)
    assert [(w.code, w.location) for w in scenario.warnings] == [("header-row-moved", "Units!A3")]
    assert scenario.unit("D01").row == 4


def test_formula_read_by_its_cached_value(tmp_path: Path) -> None:
    """A formula saved with its result (as Excel and LibreOffice save) is read by that result."""
    workbook = base_workbook()
    workbook["Units"]["F2"] = "=4+6+1"
    path = _save(workbook, tmp_path)
    set_cached_value(path, "Units", "F2", "11")
    assert read_scenario(path).employees("D01") == 11


def test_ten_thousand_blank_formatted_rows(tmp_path: Path, base_scenario: Scenario) -> None:
    """Ten thousand formatted but empty rows after the data are skipped quickly."""
    workbook = base_workbook()
    fill = PatternFill("solid", start_color="FFFF00")
    for row in range(6, 10_006):
        workbook["Units"].cell(row=row, column=1).fill = fill
        workbook["Units"].cell(row=row, column=2).value = "  "
    path = _save(workbook, tmp_path)
    started = time.process_time()  # CPU seconds: a runaway guard, not a speed test
    scenario = read_scenario(path)
    assert time.process_time() - started < 8.0
    assert content(scenario) == content(base_scenario)


def test_wrong_dimension_does_not_drop_rows(tmp_path: Path) -> None:
    """A sheet whose <dimension> claims A1:B2 still gives all four units."""
    path = _save(base_workbook(), tmp_path)
    rewrite_member(
        path, sheet_part(path, "Units"), lambda xml: xml.replace('ref="A1:L5"', 'ref="A1:B2"')
    )
    assert [u.unit_id for u in read_scenario(path).units] == ["D01", "D02", "D03", "D04"]


def test_staff_sheet_gives_headcount_by_skill(tmp_path: Path) -> None:
    """With a Staff sheet, staff come by skill and the Units Employees column is ignored."""
    scenario = read_scenario(_save(base_workbook(staff=True), tmp_path))
    assert scenario.staff[:2] == (
        StaffCell("D01", "general", 7, row=2),
        StaffCell("D01", "legal", 3, row=3),
    )
    assert scenario.employees("D01") == 10
    assert scenario.skills == ("general", "legal")
    assert scenario.warnings == ()


def test_hidden_staff_sheet_is_ignored(tmp_path: Path) -> None:
    """A hidden Staff sheet is ignored with a warning: headcount comes from Units."""
    workbook = base_workbook(staff=True)
    workbook["Staff"]["C2"] = 70
    workbook["Staff"].sheet_state = "hidden"
    scenario = read_scenario(_save(workbook, tmp_path))
    assert scenario.employees("D01") == 10
    assert [(w.code, w.location) for w in scenario.warnings] == [("hidden-sheet", "Staff")]


def test_zero_headcount_unit_is_kept_without_staff(tmp_path: Path) -> None:
    """A unit with 0 employees stays in Units but has no staff cell."""
    workbook = base_workbook()
    workbook["Units"]["F3"] = 0
    workbook["Units"]["G3"] = 0
    scenario = read_scenario(_save(workbook, tmp_path))
    assert "D02" in {u.unit_id for u in scenario.units}
    assert [c.unit_id for c in scenario.staff] == ["D01", "D03", "D04"]


def test_one_unit_scenario(tmp_path: Path) -> None:
    """A scenario with a single unit and service is valid."""
    workbook = base_workbook(scenarios=False)
    workbook["Units"].delete_rows(3, 3)
    workbook["Services"].delete_rows(3, 3)
    workbook["Services"]["I2"] = None
    scenario = read_scenario(_save(workbook, tmp_path))
    assert (len(scenario.units), len(scenario.services), scenario.total_employees) == (1, 1, 10)


def test_every_setting_typed(tmp_path: Path) -> None:
    """Every setting is read into its typed Settings field, percentages included."""
    workbook = base_workbook()
    settings = workbook["Settings"]
    settings.delete_rows(2, 10)
    for row in (
        ["Coefficient", "HOURS"], ["objective", "balance"], ["allow_staff_moves", "no"],
        ["Allow service moves", False], ["max staff moves", 4], ["max service moves", "none"],
        ["time limit", "2,5"], ["mip gap", "1%"], ["split services", "yes"], ["solver", "CBC"],
        ["hours per fte", "1 776"], ["overload margin", 0.2],
    ):  # fmt: skip
        settings.append(row)
    s = read_scenario(_save(workbook, tmp_path)).settings
    assert (s.coefficient, s.objective, s.solver) == (
        CoefficientMode.HOURS,
        Objective.BALANCE,
        SolverName.CBC,
    )
    assert (s.allow_staff_moves, s.allow_service_moves, s.split_services) == (False, False, True)
    assert (s.max_staff_moves, s.max_service_moves) == (4, None)
    assert (s.time_limit, s.mip_gap, s.hours_per_fte, s.overload_margin) == (2.5, 0.01, 1776.0, 0.2)


def test_variant_none_lifts_a_cap_and_blank_inherits(tmp_path: Path) -> None:
    """In Scenarios, 'none' sets a capped setting to None and a blank cell inherits."""
    workbook = base_workbook()
    workbook["Scenarios"]["C2"] = "no cap"
    workbook["Scenarios"]["H1"] = "Objective"
    workbook["Scenarios"].append(["second", None, None, "D02:legal=2", "skill:general=2"])
    variants = read_scenario(_save(workbook, tmp_path)).variants
    assert dict(variants[0].settings) == {"max_staff_moves": None}
    assert dict(variants[1].settings) == {}
    assert variants[1].hires == (Hire("D02", 2, "legal"),)
    assert variants[1].volume_scale == (ServiceAdjustment("skill:general", 2.0),)


def test_input_is_only_opened_for_reading(tmp_path: Path, monkeypatch) -> None:
    """Reading never opens the input with a writing mode, and leaves its bytes unchanged."""
    path = _save(base_workbook(), tmp_path)
    before = path.read_bytes()
    modes: list[str] = []
    real_open = builtins.open

    def spy(file, mode="r", *args, **kwargs):
        if Path(str(file)) == path:
            modes.append(mode)
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    report = validate_workbook(path)
    assert report.ok
    assert modes == ["rb"]
    assert path.read_bytes() == before
