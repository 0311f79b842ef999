"""The `wisn` coefficient on the existing engine: a cell's load is its WISN required staff, its
coefficient required / current (1 / the WISN ratio); minmax lifts the smallest WISN ratio. Checked
on a hand-solved case and against the exhaustive oracle (tests/engine/oracle.py)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain import (
    CoefficientMode,
    Objective,
    Scenario,
    Service,
    Settings,
    StaffCell,
    Unit,
    service_load,
)
from planner.solve import solve
from planner.wisn import (
    CategoryAllowance,
    IndividualAllowance,
    WisnCell,
    WisnError,
    WorkingTime,
    apply_wisn,
    wisn_gaps,
)
from tests.engine.test_exhaustive import FAST, assert_matches_oracle, scenarios

# 260 days - 47 days of leave = 213 days x 8 h = 1,704 h; CAS 20% -> CAF 1.25.
NURSE_TIME = WorkingTime(260, 12, 20, 10, 5, hours_per_day=8)
NURSE_CAS = (CategoryAllowance("meetings", percent=10), CategoryAllowance("reports", percent=10))


def two_clinics() -> Scenario:
    """Clinic A: 1 nurse, 10,224 visits of 20 min (2.00 staff needed); clinic B: 4 nurses, the
    same visits. With CAF 1.25 each requires 2.50; A's nurses also have 213 h of individual
    allowances (IAF 0.125): A requires 2.625."""
    units = (Unit("A", group="g"), Unit("B", group="g"))
    staff = (StaffCell("A", "nurse", 1), StaffCell("B", "nurse", 4))
    services = (
        Service("SA", "A", skill="nurse", volume=10_224, minutes=20),
        Service("SB", "B", skill="nurse", volume=10_224, minutes=20),
    )
    base = Scenario("clinics", units, staff, services, Settings(allow_service_moves=False))
    cells = (
        WisnCell("nurse", NURSE_TIME, category_allowances=NURSE_CAS),
        WisnCell(
            "nurse",
            NURSE_TIME,
            unit_id="A",
            category_allowances=NURSE_CAS,
            individual_allowances=(IndividualAllowance("supervision", 213),),
        ),
    )
    return apply_wisn(base, cells)


def test_loads_are_the_required_staff():
    """apply_wisn: SA and SB each load 2.00 x 1.25 = 2.50 staff, A's individual allowances add a
    fixed activity of 0.125 staff (213 h / 1,704 h): A requires 2.625, B 2.50."""
    scenario = two_clinics()
    assert scenario.settings.coefficient is CoefficientMode.WISN
    loads = {s.service_id: service_load(s, scenario.settings) for s in scenario.services}
    assert loads == pytest.approx({"IAS A nurse": 0.125, "SA": 2.5, "SB": 2.5})
    allowance = next(s for s in scenario.services if s.allowance)
    assert (allowance.unit_id, allowance.movable) == ("A", False)


def test_wisn_minmax_lifts_the_smallest_ratio():
    """Before: A 1 nurse for 2.625 (ratio 0.38), B 4 for 2.50 (1.60). Hand-solved over the five
    nurses: (2, 3) gives max(2.625/2, 2.5/3) = 1.3125, (3, 2) gives max(0.875, 1.25) = 1.25, so
    t* = 1.25 (smallest WISN ratio 0.80) with 2 nurses moved B -> A."""
    result = solve(two_clinics(), sensitivity=False)
    group = result.group("g")
    assert group.status == "optimal"
    assert group.max_coefficient_before == pytest.approx(2.625)
    assert group.max_coefficient_after == pytest.approx(1.25)
    assert 1 / group.max_coefficient_after == pytest.approx(0.8)
    assert group.staff_moved == 2
    assert all(check.passed for check in result.checks)


def test_gaps_name_what_is_missing():
    """A service with no working time for its skill, a service with no Minutes, and a movable
    service whose other eligible unit has another CAF are each reported."""
    units = (Unit("A", group="g"), Unit("B", group="g"))
    staff = (StaffCell("A", "nurse", 1), StaffCell("B", "nurse", 1))
    services = (
        Service("S1", "A", skill="nurse", volume=10, minutes=None),
        Service("S2", "A", skill="doctor", volume=10, minutes=10),
        Service("S3", "A", skill="nurse", volume=10, minutes=10, movable=True),
    )
    scenario = Scenario("gaps", units, staff, services)
    cells = (
        WisnCell("nurse", NURSE_TIME, category_allowances=NURSE_CAS),
        WisnCell("nurse", NURSE_TIME, unit_id="B"),
    )
    messages = [(g.service.service_id if g.service else None, g.message) for g in
                wisn_gaps(scenario, cells)]  # fmt: skip
    assert [m[0] for m in messages] == ["S1", "S2", "S3"]
    assert "Minutes" in messages[0][1]
    assert "no working time for skill 'doctor'" in messages[1][1]
    assert "another AWT or CAF" in messages[2][1]
    with pytest.raises(WisnError):
        apply_wisn(scenario, cells)


WORKING_TIMES = (NURSE_TIME, WorkingTime(230, 10, 25, 10, hours_per_day=7.5))
CAS_CHOICES = ((), NURSE_CAS, (CategoryAllowance("training", time_per_year=80),))


@st.composite
def wisn_scenarios(draw, **kwargs) -> Scenario:
    """A tiny hours-mode scenario of the exhaustive tests, read the WISN way: per skill one
    working time and CAS for every unit, and for some units the same plus individual allowances
    (so movable services keep their staff per hour in every eligible unit)."""
    base = draw(scenarios(mode=CoefficientMode.HOURS, **kwargs))
    cells = []
    for skill in base.skills:
        time = draw(st.sampled_from(WORKING_TIMES))
        cas = draw(st.sampled_from(CAS_CHOICES))
        cells.append(WisnCell(skill, time, category_allowances=cas))
        for unit in base.units:
            if draw(st.sampled_from((False, False, True))):
                ias = IndividualAllowance(
                    "extra", draw(st.sampled_from((40.0, 200.0, 600.0))), draw(st.integers(1, 2))
                )
                cells.append(WisnCell(skill, time, unit.unit_id, cas, individual_allowances=(ias,)))
    return apply_wisn(base, cells)


@settings(FAST, max_examples=30)
@given(wisn_scenarios(skill_count=None))
def test_wisn_matches_the_oracle(scenario):
    """wisn minmax (staff and service moves, rules, one or two skills, individual allowances as
    fixed load): same status, t* and fewest moves as the exhaustive enumeration."""
    assert_matches_oracle(scenario)


@settings(FAST, max_examples=20)
@given(wisn_scenarios(service_moves=False, skill_count=2, hires=True))
def test_wisn_staff_only_with_hires_matches_the_oracle(scenario):
    """wisn with staff moves only and new hires, two skills: the oracle's optimum."""
    assert_matches_oracle(scenario)


def test_validate_scenario_refuses_wisn_mode_without_the_wisn_inputs():
    """A scenario built in code with coefficient wisn but no staff per hour would load nothing:
    validate_scenario names each such service; after apply_wisn there is no problem."""
    from planner.checks import validate_scenario
    from planner.errors import ProblemCode

    mapped = two_clinics()
    assert validate_scenario(mapped) == []
    bare = dataclasses.replace(
        mapped,
        services=tuple(
            dataclasses.replace(s, staff_per_hour=None) for s in mapped.services if not s.allowance
        ),
    )
    assert [p.code for p in validate_scenario(bare)] == [ProblemCode.MISSING_FOR_WISN] * 2


@settings(FAST, max_examples=25)
@given(wisn_scenarios(skill_count=None, objective=Objective.BALANCE))
def test_wisn_balance_matches_the_oracle(scenario):
    """wisn with objective balance (the smallest total deviation of each cell's required staff
    from its share of the skill's mean; staff and service moves, rules, individual allowances):
    same status, objective and fewest moves as the exhaustive enumeration."""
    assert scenario.settings.objective is Objective.BALANCE
    assert_matches_oracle(scenario)
