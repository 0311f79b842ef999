"""The WISN calculation (planner/wisn.py): a published study reproduced, and hand-computed
examples for every formula of the WHO WISN user's manual (2010), to the published rounding."""

from __future__ import annotations

import math

import pytest

from planner.wisn import (
    Activity,
    CategoryAllowance,
    IndividualAllowance,
    Pressure,
    TimeUnit,
    WisnError,
    WisnInputs,
    WorkingTime,
    available_working_time,
    calculate,
    cas_percent,
    category_allowance_factor,
    individual_allowance_factor,
    pressure_percent,
    published,
    required_staff,
    staff_needed,
    standard_workload,
    wisn_difference,
    wisn_ratio,
    workload_pressure,
)

# --- the published case -------------------------------------------------------------------------
# Burmen B, Owuor N, Mitei P. An assessment of staffing needs at a HIV clinic in a Western Kenya
# using the WHO workload indicators of staffing need WISN, 2011. Human Resources for Health 2017;
# 15:9. doi 10.1186/s12960-017-0186-3, Table 3 "Computation of estimating staffing requirements
# using WISN" (https://human-resources-health.biomedcentral.com/articles/10.1186/s12960-017-0186-3/
# tables/3). Published inputs and figures, as the table gives them:
KENYA_DAYS_ON_CONSULTATIONS = 234  # 4.5 days a week x 52 weeks
KENYA_PUBLIC_HOLIDAYS = 10  # -> 224 days
KENYA_ANNUAL_LEAVE = 30  # -> 194 days
KENYA_SICK_LEAVE = 15  # -> 179 days
KENYA_HOURS_PER_DAY = 8
KENYA_APPOINTMENTS = 100_000  # 10,000 patients x 10 appointments a year
KENYA_HOURS_PER_APPOINTMENT = 0.25  # a consultation of 15 minutes
KENYA_CATEGORY_ALLOWANCE_DAYS = 10  # training sessions, "10/179" of the working time
# Published results: AWT 179 days, workload 25,000 h = 3,125 days, baseline 17.46 staff.
KENYA_PUBLISHED_AWT_DAYS = 179
KENYA_PUBLISHED_WORKLOAD_HOURS = 25_000
KENYA_PUBLISHED_WORKLOAD_DAYS = 3_125
KENYA_PUBLISHED_BASELINE_STAFF = 17.46
KENYA_CLINICIANS = 12  # the abstract: clinicians n = 12


def kenya_inputs(unit: TimeUnit) -> WisnInputs:
    return WisnInputs(
        category="clinicians",
        current=KENYA_CLINICIANS,
        working_time=WorkingTime(
            working=KENYA_DAYS_ON_CONSULTATIONS,
            public_holidays=KENYA_PUBLIC_HOLIDAYS,
            annual_leave=KENYA_ANNUAL_LEAVE,
            sick_leave=KENYA_SICK_LEAVE,
            hours_per_day=KENYA_HOURS_PER_DAY,
        ),
        activities=(
            Activity(
                "consultation",
                KENYA_APPOINTMENTS,
                unit_time=KENYA_HOURS_PER_APPOINTMENT
                / (KENYA_HOURS_PER_DAY if unit is TimeUnit.DAYS else 1),
            ),
        ),
        category_allowances=(
            CategoryAllowance(
                "training sessions",
                time_per_year=KENYA_CATEGORY_ALLOWANCE_DAYS
                * (1 if unit is TimeUnit.DAYS else KENYA_HOURS_PER_DAY),
            ),
        ),
        standard_unit=unit,
    )


def test_kenya_hiv_clinic_published_figures():
    """Burmen et al. 2017, Table 3: 234 - 10 - 30 - 15 = 179 days of AWT; 100,000 appointments of
    0.25 h = 25,000 h = 3,125 days; baseline requirement 3,125 / 179 = 17.46 clinicians."""
    awt = available_working_time(kenya_inputs(TimeUnit.DAYS).working_time)
    assert awt.days == KENYA_PUBLISHED_AWT_DAYS
    assert awt.hours == KENYA_PUBLISHED_AWT_DAYS * KENYA_HOURS_PER_DAY  # 1,432 h
    assert KENYA_APPOINTMENTS * KENYA_HOURS_PER_APPOINTMENT == KENYA_PUBLISHED_WORKLOAD_HOURS
    assert KENYA_PUBLISHED_WORKLOAD_HOURS / KENYA_HOURS_PER_DAY == KENYA_PUBLISHED_WORKLOAD_DAYS
    for unit in TimeUnit:  # the same in days and in hours
        result = calculate(kenya_inputs(unit))
        assert published(result.staff_for_activities_total) == KENYA_PUBLISHED_BASELINE_STAFF
        # standard workload: 1,432 h / 0.25 h = 5,728 consultations a clinician a year
    assert standard_workload(1432, unit_time=0.25) == 5728


def test_kenya_hiv_clinic_allowance_and_ratio_from_the_published_inputs():
    """From the published inputs, further than the stored table text reaches (these figures are
    computed here, not quoted): CAS 10/179 = 5.59% of AWT, CAF = 179/169 = 1.06, required
    3,125/169 = 18.49 clinicians without individual allowances, and 12 clinicians give a WISN
    ratio of 0.65 (shortage) and a difference of -6.49, the same in days and in hours."""
    for unit in TimeUnit:
        inputs = kenya_inputs(unit)
        result = calculate(inputs)
        awt = result.awt.days if unit is TimeUnit.DAYS else result.awt.hours
        assert awt is not None
        assert published(cas_percent(inputs.category_allowances[0], awt)) == 5.59
        assert math.isclose(result.caf, 179 / 169)
        assert published(result.caf) == 1.06
        assert result.iaf == 0.0
        assert math.isclose(result.required, 3125 / 169)
        assert published(result.required) == 18.49
        assert published(result.difference) == -6.49
        assert published(result.ratio) == 0.65
        assert result.pressure is Pressure.SHORTAGE


# --- hand-computed examples of every part -------------------------------------------------------
# A nurse category: 260 possible working days, 12 public holidays, 20 days of annual leave,
# 10 of sick leave, 5 of other leave (training), 8 hours a day.
DAYS = WorkingTime(260, 12, 20, 10, 5, hours_per_day=8)
# The same in hours: 40 h x 52 weeks = 2,080 h less 96 + 160 + 80 + 40 h.
HOURS = WorkingTime(2080, 96, 160, 80, 40, hours_per_day=8, unit=TimeUnit.HOURS)


def test_available_working_time_in_days_and_hours():
    """AWT = (260 - (12 + 20 + 10 + 5)) x 8 = 213 days = 1,704 h; given in hours,
    2,080 - 376 = 1,704 h = 213 days; without hours per day no conversion."""
    assert available_working_time(DAYS).days == 213
    assert available_working_time(DAYS).hours == 1704
    assert available_working_time(HOURS).hours == 1704
    assert available_working_time(HOURS).days == 213
    no_hours = available_working_time(WorkingTime(260, 12, 20, 10, 5))
    assert (no_hours.days, no_hours.hours) == (213, None)


def test_standard_workload_from_a_unit_time_or_a_rate():
    """1,704 h / 20 min (1/3 h) = 5,112 visits a year; a rate of 3 an hour gives the same;
    10,224 visits / 5,112 = 2.00 nurses."""
    assert math.isclose(standard_workload(1704, unit_time=1 / 3), 5112)
    assert standard_workload(1704, rate=3) == 5112
    assert staff_needed(10_224, 5112) == 2.0
    with pytest.raises(WisnError):
        standard_workload(1704, unit_time=0.5, rate=2)


def test_category_allowances_as_percent_and_as_time():
    """CAS 10% plus 170.4 h a year (170.4 / 1,704 = 10%): 20% in all, CAF = 1 / (1 - 0.20) =
    1.25; no CAS gives CAF 1."""
    allowances = (
        CategoryAllowance("meetings", percent=10),
        CategoryAllowance("reports", time_per_year=170.4),
    )
    assert cas_percent(allowances[1], 1704) == pytest.approx(10.0)
    assert category_allowance_factor(allowances, 1704) == pytest.approx(1.25)
    assert category_allowance_factor((), 1704) == 1.0
    with pytest.raises(WisnError, match="100%"):
        category_allowance_factor((CategoryAllowance("all", percent=100),), 1704)
    with pytest.raises(WisnError, match="not both"):
        cas_percent(CategoryAllowance("x", percent=5, time_per_year=10), 1704)


def test_individual_allowances_for_part_of_the_staff():
    """IAS 85.2 h a year for 2 of the nurses (supervision) and 42.6 h for 1 (committee):
    total 213 h, IAF = 213 / 1,704 = 0.125 staff."""
    allowances = (
        IndividualAllowance("supervision", 85.2, staff=2),
        IndividualAllowance("committee", 42.6, staff=1),
    )
    assert individual_allowance_factor(allowances, 1704) == pytest.approx(0.125)
    assert individual_allowance_factor((), 1704) == 0.0


def test_required_difference_ratio_and_pressure():
    """Required = (2.00 + 1.00) x 1.25 + 0.125 = 3.875, published 3.88; with 3 nurses the
    difference is -0.875 (-0.88) and the ratio 3 / 3.875 = 0.77: a shortage, pressure 22.58%."""
    required = required_staff((2.0, 1.0), 1.25, 0.125)
    assert required == 3.875
    assert published(required) == 3.88
    assert wisn_difference(3, required) == -0.875
    assert published(wisn_difference(3, required)) == -0.88
    ratio = wisn_ratio(3, required)
    assert published(ratio) == 0.77
    assert workload_pressure(ratio) is Pressure.SHORTAGE
    assert published(pressure_percent(ratio)) == 22.58
    assert Pressure.SHORTAGE.reading == "staff shortage: high workload pressure"


def test_pressure_reading_at_the_published_rounding():
    """5 nurses for 3.875: ratio 1.29, surplus, no pressure; 3.875 for 3.875 is balanced, and so
    is a ratio of 0.996 (shown 1.00); nothing required and nobody there reads 1."""
    assert published(wisn_ratio(5, 3.875)) == 1.29
    assert workload_pressure(wisn_ratio(5, 3.875)) is Pressure.SURPLUS
    assert pressure_percent(wisn_ratio(5, 3.875)) == 0.0
    assert workload_pressure(wisn_ratio(3.875, 3.875)) is Pressure.BALANCED
    assert workload_pressure(0.996) is Pressure.BALANCED
    assert workload_pressure(0.994) is Pressure.SHORTAGE
    assert wisn_ratio(0, 0) == 1.0
    assert wisn_ratio(2, 0) == math.inf


def test_the_whole_calculation_in_days_and_in_hours():
    """The nurse category through `calculate`: 10,224 visits of 20 min (2.00 staff) and 1,704
    home visits of 1 h (1.00), CAS 10% and 170.4 h
    (21.3 days), IAS 85.2 h (10.65 days) x 2 and 42.6 h (5.325 days) x 1: required 3.875 in
    hours and in days, ratio 0.77 for 3 nurses."""
    common = dict(category="nurse", current=3)
    hours = WisnInputs(
        working_time=DAYS,
        activities=(
            Activity("visits", 10_224, unit_time=1 / 3),
            Activity("home visits", 1704, unit_time=1),
        ),
        category_allowances=(
            CategoryAllowance("meetings", percent=10),
            CategoryAllowance("reports", time_per_year=170.4),
        ),
        individual_allowances=(
            IndividualAllowance("supervision", 85.2, staff=2),
            IndividualAllowance("committee", 42.6),
        ),
        **common,  # type: ignore[arg-type]
    )
    days = WisnInputs(
        working_time=HOURS,
        activities=(
            Activity("visits", 10_224, unit_time=1 / 24),
            Activity("home visits", 1704, unit_time=1 / 8),
        ),
        category_allowances=(
            CategoryAllowance("meetings", percent=10),
            CategoryAllowance("reports", time_per_year=21.3),
        ),
        individual_allowances=(
            IndividualAllowance("supervision", 10.65, staff=2),
            IndividualAllowance("committee", 5.325),
        ),
        standard_unit=TimeUnit.DAYS,
        **common,  # type: ignore[arg-type]
    )
    for inputs in (hours, days):
        result = calculate(inputs)
        assert result.required == pytest.approx(3.875)
        assert published(result.caf) == 1.25
        assert result.iaf == pytest.approx(0.125)
        assert published(result.ratio) == 0.77
        assert result.pressure is Pressure.SHORTAGE


def test_inputs_the_formulas_refuse():
    """Leave that takes the whole year, negative components and zero hours a day are refused."""
    with pytest.raises(WisnError, match="no working time"):
        available_working_time(WorkingTime(20, annual_leave=20))
    with pytest.raises(WisnError, match="negative"):
        available_working_time(WorkingTime(200, sick_leave=-1))
    with pytest.raises(WisnError, match="hours per day"):
        available_working_time(WorkingTime(200, hours_per_day=0))
    with pytest.raises(WisnError, match="no working hours per day"):
        calculate(
            WisnInputs("x", 1, WorkingTime(200), activities=(Activity("a", 10, unit_time=1),))
        )
