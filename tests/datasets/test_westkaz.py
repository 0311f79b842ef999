"""The bundled West Kazakhstan scenarios reproduce the published figures and are built, not edited.

The published values are written out here (Tables 1-4 of the paper) so that the committed workbooks
are checked against the paper itself; the tests that rebuild them read the published tables from
planner/datasets/data, inside the repository (they skip only if that folder is missing).
"""

from __future__ import annotations

import importlib.util
import math
from collections import defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook

from planner import Scenario, read_scenario
from planner.datasets.westkaz import (
    CITY_GROUP,
    DISTRICT_GROUP,
    MOVABLE_PAIRS,
    REGION_GROUP,
    default_data_dir,
    largest_remainder,
    read_units,
    read_volumes,
)
from tests.support import COUNT_PATH, DOCS_PATH, HOURS_PATH, REPO

DATA = default_data_dir()
needs_data = pytest.mark.skipif(
    not (DATA / "west_kazakhstan_2024_units.csv").is_file(),
    reason=f"published data not found at {DATA}",
)

# Tables 1-3 as published: unit id (ours, table order) -> (name, employees, services, coefficient).
PUBLISHED: dict[str, tuple[str, int, int, float]] = {
    "R01": ("Department of Agriculture", 29, 15, 0.52),
    "R02": ("Department of Education", 33, 34, 1.03),
    "R03": ("Department of Veterinary Services", 24, 5, 0.21),
    "R04": ("Department of Physical Culture and Sports", 15, 6, 0.40),
    "R05": ("Department of Healthcare", 36, 19, 0.53),
    "R06": ("Department for Religious Affairs", 8, 4, 0.50),
    "R07": ("Department of Land Relations", 12, 12, 1.00),
    "R08": ("Department of Passenger Transport and Highways", 16, 4, 0.25),
    "R09": ("Department of Employment Coordination and Social Programs", 29, 3, 0.10),
    "R10": ("Department of Entrepreneurship and Industrial-Innovative Development", 21, 3, 0.14),
    "R11": ("Department of Culture, Language Development and Archival Affairs", 22, 4, 0.18),
    "R12": ("Department of State Architectural and Construction Control", 11, 5, 0.45),
    "R13": ("Department of Strategy and Economic Development", 16, 1, 0.06),
    "R14": ("Department of Natural Resources and Environmental Regulation", 16, 3, 0.19),
    "R15": ("Department of Energy and Housing and Utilities", 19, 1, 0.05),
    "D01": ("Akzhaik District", 140, 41, 0.29),
    "D02": ("Baiterek District", 182, 42, 0.23),
    "D03": ("Bokeiordyn District", 77, 44, 0.57),
    "D04": ("Burlin District", 136, 44, 0.32),
    "D05": ("Zhangala District", 93, 62, 0.67),
    "D06": ("Zhanibek District", 79, 49, 0.62),
    "D07": ("Kaztalov District", 139, 46, 0.33),
    "D08": ("Karatobe District", 81, 44, 0.54),
    "D09": ("Syrym District", 99, 44, 0.44),
    "D10": ("Taskala District", 83, 53, 0.64),
    "D11": ("Terekty District", 148, 49, 0.33),
    "D12": ("Shyngyrlau District", 82, 44, 0.54),
    "D13": ("Uralsk City", 192, 49, 0.26),
    "C01": ("Department of Physical Culture and Sport", 3, 1, 0.33),
    "C02": ("Department of Land Relations", 7, 12, 1.71),
    "C03": ("Department of Employment and Social Programmes", 22, 15, 0.68),
    "C04": ("Department of Entrepreneurship and Agriculture", 6, 4, 0.67),
    "C05": ("Department of Architecture and Urban Planning", 7, 10, 1.43),
    "C06": ("Department of Housing and Utilities, Transport and Roads", 28, 7, 0.25),
}
TOTAL_2024 = 4_018_049  # Table 4: services provided in 2024
ELECTRONIC_2024 = 2_515_645  # Table 4: of which electronic, through information systems
HOURS_PER_FTE = 1720.0


@pytest.fixture(scope="module")
def count() -> Scenario:
    return read_scenario(COUNT_PATH)


@pytest.fixture(scope="module")
def hours() -> Scenario:
    return read_scenario(HOURS_PATH)


def _services_by_unit(scenario: Scenario) -> dict[str, list]:
    by_unit: dict[str, list] = defaultdict(list)
    for service in scenario.services:
        by_unit[service.unit_id].append(service)
    return by_unit


def _rolled_up(scenario: Scenario, unit_id: str) -> tuple[int, int]:
    """Employees and services of a unit with every unit below it (by Parent), each counted once:
    what a published table gives for a parent."""
    below = [u.unit_id for u in scenario.units if u.parent == unit_id]
    employees, services = scenario.employees(unit_id), len(_services_by_unit(scenario)[unit_id])
    for child in below:
        e, s = _rolled_up(scenario, child)
        employees, services = employees + e, services + s
    return employees, services


def _hours_coefficient(scenario: Scenario, unit_id: str) -> float:
    unit = scenario.unit(unit_id)
    needed = sum(s.hours for s in scenario.services if s.unit_id == unit_id)
    available = scenario.employees(unit_id) * HOURS_PER_FTE * unit.service_share
    return needed / available


# --- the count workbook ----------------------------------------------------------------------


def test_count_workbook_reproduces_all_34_published_coefficients(count: Scenario) -> None:
    """Every unit's services / employees, read from the committed workbook and rolled up over the
    units below it (Uralsk City: its own record and its six departments), is the published value."""
    found = {}
    for u in count.units:
        employees, services = _rolled_up(count, u.unit_id)
        found[u.unit_id] = round(services / employees, 2)
    assert found == {unit_id: row[3] for unit_id, row in PUBLISHED.items()}
    assert len(found) == 34
    assert found["C02"] == 1.71 and found["R15"] == 0.05


def test_count_workbook_units_names_headcount_and_services(count: Scenario) -> None:
    """Names, employees and service counts are the published ones, rolled up; every person and
    service is on one record only: 307 + 1,531 employees (Table 2 includes Table 3's 73), 119 + 611
    services (Table 2's Uralsk City 49 are Table 3's)."""
    for unit in count.units:
        name, employees, services, _ = PUBLISHED[unit.unit_id]
        assert (unit.name, *_rolled_up(count, unit.unit_id)) == (name, employees, services)
    totals = defaultdict(int)
    for unit in count.units:
        totals[unit.group] += count.employees(unit.unit_id)
    assert dict(totals) == {REGION_GROUP: 307, DISTRICT_GROUP: 1531 - 73, CITY_GROUP: 73}
    assert sum(totals.values()) == 307 + 1531
    assert len(count.services) == 119 + 611
    assert {s.volume for s in count.services} == {1.0}
    assert {s.skill for s in count.services} == {"general"}


def test_count_workbook_groups_levels_and_parent(count: Scenario) -> None:
    """Three groups of 15, 13 and 6 units; the city departments sit inside Uralsk City (D13)."""
    members = defaultdict(list)
    for unit in count.units:
        members[unit.group].append(unit.unit_id)
    assert {g: len(ids) for g, ids in members.items()} == {
        REGION_GROUP: 15,
        DISTRICT_GROUP: 13,
        CITY_GROUP: 6,
    }
    assert {count.unit(f"C0{i}").parent for i in range(1, 7)} == {"D13"}
    assert count.unit("D13").name == "Uralsk City"
    assert {u.level for u in count.units} == {"region-department", "district", "city-department"}
    assert count.settings.coefficient.value == "count"
    assert count.settings.objective.value == "minmax"


def test_uralsk_city_is_counted_once(count: Scenario, hours: Scenario) -> None:
    """D13's own record holds the 119 employees of its units that deliver no listed service, and no
    service; its 49 services and 73 employees are its departments'. Rolled up: 192 and 49."""
    for scenario in (count, hours):
        assert scenario.employees("D13") == 119
        assert not [s for s in scenario.services if s.unit_id == "D13"]
        assert _rolled_up(scenario, "D13") == (192, 49)


def test_only_paired_departments_have_movable_services(count: Scenario, hours: Scenario) -> None:
    """Services move only to the documented partner department; districts never move services."""
    partner = defaultdict(set)
    for a, b, _ in MOVABLE_PAIRS:
        partner[a].add(b)
        partner[b].add(a)
    for scenario in (count, hours):
        for service in scenario.services:
            if service.movable:
                assert service.eligible_units[0] == service.unit_id
                assert set(service.eligible_units[1:]) <= partner[service.unit_id]
                group = scenario.unit(service.unit_id).group
                assert {scenario.unit(u).group for u in service.eligible_units} == {group}
            else:
                assert service.eligible_units == ()
        assert not any(s.movable for s in scenario.services if s.unit_id.startswith("D"))
    # All 15+3+12+5+4+1+12+10+7 services of the paired count departments move.
    assert sum(s.movable for s in count.services) == 69


def test_scenarios_sheet_has_the_required_options(count: Scenario, hours: Scenario) -> None:
    """Both workbooks offer staff only, services only, both, a move limit of 20, and more."""
    for scenario in (count, hours):
        variants = {v.name: v for v in scenario.variants}
        assert len(variants) >= 5
        assert variants["staff moves only"].settings == {
            "allow_staff_moves": True,
            "allow_service_moves": False,
        }
        assert variants["services only"].settings == {
            "allow_staff_moves": False,
            "allow_service_moves": True,
        }
        assert variants["staff and services"].settings["allow_service_moves"] is True
        assert variants["at most 20 staff moves"].settings["max_staff_moves"] == 20
        assert variants["keep Uralsk City"].lock_units == ("D13",)
    digital = next(v for v in hours.variants if v.name == "more digital services")
    assert [(a.target, a.value) for a in digital.digital_share] == [("*", 0.8)]


# --- the hours workbook ----------------------------------------------------------------------


def test_hours_volumes_add_up_to_the_published_2024_total(hours: Scenario) -> None:
    """The Volume column adds up to exactly 4,018,049, in whole transactions."""
    volumes = [s.volume for s in hours.services]
    assert sum(volumes) == TOTAL_2024
    assert all(v >= 1 and float(v).is_integer() for v in volumes)
    by_group = defaultdict(float)
    for service in hours.services:
        by_group[hours.unit(service.unit_id).group] += service.volume
    assert dict(by_group) == {
        REGION_GROUP: 657_394,
        DISTRICT_GROUP: 3_161_404,  # the city's volume is on its departments only
        CITY_GROUP: 199_251,
    }


def test_hours_digital_share_is_the_published_electronic_share(hours: Scenario) -> None:
    """The volume-weighted digital share is 62.6% (2,515,645 / 4,018,049), to three decimals."""
    weighted = sum(s.volume * s.digital_share for s in hours.services) / TOTAL_2024
    assert round(weighted, 3) == 0.626
    assert abs(weighted - ELECTRONIC_2024 / TOTAL_2024) < 1e-4
    # The "more digital services" option (80%) raises every service.
    assert max(s.digital_share for s in hours.services) < 0.8
    assert sum(s.digital_share == 0 for s in hours.services) == 60  # paper-only


def test_hours_uralsk_city_volume_is_counted_once(hours: Scenario) -> None:
    """The city's whole volume (its share of the 2024 total) is on its departments' 49 rows."""
    city = [s for s in hours.services if s.unit_id.startswith("C")]
    assert len(city) == 49
    assert sum(s.volume for s in city) == 199_251


def test_hours_staff_split_keeps_published_headcount(hours: Scenario) -> None:
    """Staff by skill add up to the published employees; each needed skill has staff."""
    for unit_id, (_, employees, _, _) in PUBLISHED.items():
        assert _rolled_up(hours, unit_id)[0] == employees
    for service in hours.services:
        cells = [
            c for c in hours.staff if c.unit_id == service.unit_id and c.skill == service.skill
        ]
        assert cells and cells[0].employees >= 1
    assert hours.skills == ("general", "legal", "social", "technical")


def test_hours_settings_and_service_shares(hours: Scenario) -> None:
    """Hours mode at 1,720 h per FTE; planning departments give part of their time to services."""
    assert hours.settings.coefficient.value == "hours"
    assert hours.settings.hours_per_fte == HOURS_PER_FTE
    shares = {u.unit_id: u.service_share for u in hours.units if u.service_share != 1}
    assert shares == {"R10": 0.5, "R13": 0.3, "R15": 0.6}


def test_hours_coefficients_look_plausible(hours: Scenario) -> None:
    """Most units sit between 0.3 and 1.5; the city's architecture and land relations departments
    are the most loaded (as in the count figures, 1.43 and 1.71), then the region's land relations;
    Uralsk City's own record delivers no service (0)."""
    coefficients = {u.unit_id: _hours_coefficient(hours, u.unit_id) for u in hours.units}
    inside = [u for u, c in coefficients.items() if 0.3 <= c <= 1.5]
    assert len(inside) == 27
    assert round(coefficients["R07"], 2) == 1.47
    assert round(coefficients["C01"], 2) == 0.22
    assert sorted(coefficients, key=coefficients.get)[-3:] == ["R07", "C02", "C05"]
    assert coefficients["D13"] == 0.0


def test_assumptions_sheets_mark_every_basis(hours: Scenario) -> None:
    """Each Assumptions row says whether it is published, derived or illustrative."""
    for path in (COUNT_PATH, HOURS_PATH):
        sheet = load_workbook(path, read_only=True)["Assumptions"]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == ("Assumption", "Value", "Basis")
        assert all(str(r[2]).startswith(("published", "illustrative", "derived")) for r in rows[1:])
    values = {
        r[0]: r[1] for r in load_workbook(HOURS_PATH)["Assumptions"].iter_rows(values_only=True)
    }
    assert values["Hours per FTE"].startswith("1,720 h")


# --- building ---------------------------------------------------------------------------------


def _build_module():
    spec = importlib.util.spec_from_file_location(
        "build_scenarios", REPO / "scripts" / "build_scenarios.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cell_values(path: Path) -> dict[str, list[tuple]]:
    workbook = load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}


@pytest.fixture(scope="module")
def fresh_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (DATA / "west_kazakhstan_2024_units.csv").is_file():
        pytest.skip(f"published data not found at {DATA}")
    out = tmp_path_factory.mktemp("build")
    _build_module().main(["--data", str(DATA), "--out", str(out), "--docs", str(out / "a.md")])
    return out


@needs_data
def test_build_is_deterministic(fresh_build: Path, tmp_path: Path) -> None:
    """Two builds give workbooks with equal cell values in every sheet."""
    _build_module().build(DATA, tmp_path, tmp_path / "a.md")
    sheets = {
        "west-kazakhstan-2024.xlsx": ["Units", "Services", "Settings", "Scenarios", "Assumptions"],
        "west-kazakhstan-2024-hours.xlsx": [
            "Units",
            "Staff",
            "Services",
            "Settings",
            "Scenarios",
            "Assumptions",
        ],
    }
    for name, expected_sheets in sheets.items():
        first, second = _cell_values(fresh_build / name), _cell_values(tmp_path / name)
        assert first == second
        assert list(first) == expected_sheets


@needs_data
def test_committed_workbooks_equal_a_fresh_build(fresh_build: Path) -> None:
    """Nobody edits scenarios/*.xlsx or docs/assumptions.md by hand: they equal a rebuild."""
    assert _cell_values(COUNT_PATH) == _cell_values(fresh_build / "west-kazakhstan-2024.xlsx")
    assert _cell_values(HOURS_PATH) == _cell_values(fresh_build / "west-kazakhstan-2024-hours.xlsx")
    assert DOCS_PATH.read_text(encoding="utf-8") == (fresh_build / "a.md").read_text(
        encoding="utf-8"
    )


@needs_data
def test_published_csv_matches_the_figures_tested_here() -> None:
    """The data folder holds the same 34 rows and the same 2024 totals as written in this file."""
    units = read_units(DATA)
    assert {
        u.unit_id: (u.name, u.employees, u.services, u.published_coefficient) for u in units
    } == (PUBLISHED)
    for u in units:
        assert round(u.services / u.employees, 2) == u.published_coefficient
    volumes = read_volumes(DATA)[2024]
    assert (volumes.services_provided, volumes.electronic) == (TOTAL_2024, ELECTRONIC_2024)


def test_largest_remainder_is_exact_and_stable() -> None:
    """Whole parts add up to the total, ties go to the earlier position."""
    assert largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    assert largest_remainder(7, [0.5, 0.25, 0.25]) == [3, 2, 2]
    parts = largest_remainder(TOTAL_2024, [math.sqrt(k) for k in range(1, 731)])
    assert sum(parts) == TOTAL_2024
