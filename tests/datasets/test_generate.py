"""The scenario generator: deterministic, the sizes it promises, and always a valid scenario."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from pathlib import Path

import pytest

from planner import Scenario, read_scenario, solve, write_scenario
from planner.datasets.generate import HOURS_PER_FTE, generate


@pytest.fixture(scope="module")
def national() -> Scenario:
    return generate("national", 2025)


def _kind(service_id: str) -> str:
    return service_id.rsplit("-", 1)[1]


def _region(unit_id: str) -> str:
    return unit_id.split("-", 1)[0]


def _coefficients(scenario: Scenario) -> dict[str, float]:
    hours: dict[str, float] = defaultdict(float)
    for service in scenario.services:
        hours[service.unit_id] += service.hours
    return {
        u.unit_id: hours[u.unit_id]
        / (scenario.employees(u.unit_id) * HOURS_PER_FTE * u.service_share)
        for u in scenario.units
    }


def _assert_valid(scenario: Scenario) -> None:
    """Every load has staff of its skill, limits hold today, movable services stay in group."""
    staff = {(c.unit_id, c.skill): c.employees for c in scenario.staff}
    for service in scenario.services:
        assert staff.get((service.unit_id, service.skill), 0) >= 1, service.service_id
        assert service.volume >= 1 and service.minutes and 0 <= service.digital_share < 1
        if service.movable:
            group = scenario.unit(service.unit_id).group
            assert service.eligible_units[0] == service.unit_id
            for unit_id in service.eligible_units:
                assert scenario.unit(unit_id).group == group
                assert staff.get((unit_id, service.skill), 0) >= 1
    for unit in scenario.units:
        assert unit.min_employees <= scenario.employees(unit.unit_id) <= unit.max_employees


def test_same_seed_gives_an_equal_scenario() -> None:
    """generate is a function of (profile, seed, pooled): equal Scenarios; another seed differs."""
    assert generate("region", 7) == generate("region", 7)
    assert generate("small", 7, pooled=True) == generate("small", 7, pooled=True)
    assert generate("region", 7) != generate("region", 8)


def test_national_profile_sizes(national: Scenario) -> None:
    """About 20 regions, 4,000 units, 100,000 employees, 1,400 kinds and 60,000 service rows."""
    assert len({_region(u.unit_id) for u in national.units}) == 20
    assert 3_400 <= len(national.units) <= 4_400
    assert 85_000 <= national.total_employees <= 115_000
    assert 50_000 <= len(national.services) <= 70_000
    assert 1_300 <= len({_kind(s.service_id) for s in national.services}) <= 1_400
    movable = sum(s.movable for s in national.services) / len(national.services)
    assert 0.05 <= movable <= 0.25
    assert national.settings.coefficient.value == "hours"


def test_national_profile_skills_groups_and_spread(national: Scenario) -> None:
    """3 to 6 skills per region; groups per region and level; coefficients from 0.05 to 1.7."""
    skills: dict[str, set[str]] = defaultdict(set)
    for cell in national.staff:
        skills[_region(cell.unit_id)].add(cell.skill)
    assert all(3 <= len(s) <= 6 for s in skills.values())
    groups = national.groups
    assert "R01 region departments" in groups and "R01 districts" in groups
    assert "R01 D01 departments" in groups
    assert 250 <= len(groups) <= 340
    coefficients = sorted(_coefficients(national).values())
    assert coefficients[0] >= 0.049 and coefficients[-1] <= 1.71
    assert coefficients[len(coefficients) // 2] == pytest.approx(0.5, abs=0.1)
    _assert_valid(national)


def test_pooled_makes_each_region_one_group(national: Scenario) -> None:
    """With pooled=True the 20 regions are the 20 groups; staff and services are unchanged."""
    pooled = generate("national", 2025, pooled=True)
    assert pooled.groups == tuple(f"R{r:02d}" for r in range(1, 21))
    assert pooled.services == national.services
    assert pooled.staff == national.staff
    _assert_valid(pooled)


def test_region_profile_is_west_kazakhstan_sized() -> None:
    """34 units (15 regional departments, 12 districts and a city with 6 departments)."""
    region = generate("region", 1)
    levels = defaultdict(int)
    for unit in region.units:
        levels[unit.level] += 1
    assert dict(levels) == {"region-department": 15, "district": 13, "city-department": 6}
    assert 1_600 <= region.total_employees <= 2_200
    assert 700 <= len(region.services) <= 860
    assert sum(s.movable for s in region.services) >= 10
    assert {u.parent for u in region.units if u.level == "city-department"} == {"R01-D13"}
    _assert_valid(region)


def test_small_profile_round_trips_through_a_workbook(tmp_path: Path) -> None:
    """The small scenario written with write_scenario reads back equal and without warnings."""
    small = generate("small", 3)
    assert len(small.units) == 9 and any(s.movable for s in small.services)
    path = write_scenario(small, tmp_path / "small.xlsx")
    read = read_scenario(path)
    assert read.warnings == ()

    def rows_cleared(records):
        return tuple(dataclasses.replace(r, row=None) for r in records)

    assert rows_cleared(read.units) == small.units
    assert rows_cleared(read.staff) == small.staff
    assert rows_cleared(read.services) == small.services
    assert read.settings == small.settings
    assert [v.name for v in read.variants] == ["staff moves only", "staff and services"]


@pytest.mark.parametrize("profile", ["small", "region"])
def test_generated_scenarios_solve_to_optimality(profile: str) -> None:
    """The planner proves an optimal plan on the small and region profiles (they are feasible)."""
    scenario = generate(profile, 3)
    result = solve(scenario, sensitivity=False)
    assert result.status.value == "optimal"
    assert result.max_coefficient_after <= result.max_coefficient_before + 1e-9


def test_unknown_profile_is_refused() -> None:
    """A profile name that does not exist raises ValueError naming the choices."""
    with pytest.raises(ValueError, match="national, region, small"):
        generate("country", 1)
