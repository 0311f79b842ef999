"""The WHO Workload Indicators of Staffing Need (WISN) calculation, as pure functions on frozen
records.

Every formula is a step of the WISN method (user's manual, WHO 2010, Steps 2-8) as the published
studies that apply it state it; docs/wisn.md gives each with its source, and says that the
manual's own formula text could not be read to cite it by page. Nothing here rounds: the published rounding (two
decimals for staff, factors and ratios) is `published`, applied only where a figure is shown.

- available working time  AWT = (working days - public holidays - annual leave - sick leave -
  other leave) x working hours per day (the components may also be given in hours);
- standard workload = AWT / service standard (time per unit of activity), or AWT x a rate;
- staff needed for an activity = annual volume / standard workload;
- category allowance factor  CAF = 1 / (1 - total CAS / 100), each CAS a percentage of working
  time or a time per year (as a percentage of AWT);
- individual allowance factor  IAF = total IAS / AWT, total IAS = sum of time per year x the
  number of staff doing it;
- required staff = (sum of staff needed) x CAF + IAF;
- WISN difference = current - required; WISN ratio = current / required.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from planner.domain import CoefficientMode, Scenario, Service
from planner.i18n import N_, _, pgettext

# WISN studies publish staff, factors and ratios to two decimals (e.g. "17.46 staff").
PUBLISHED_DECIMALS = 2


class TimeUnit(StrEnum):
    """The unit the components of available working time (and allowance times) are given in."""

    DAYS = "days"
    HOURS = "hours"


class Pressure(StrEnum):
    """The reading of a WISN ratio (Step 8, as WISN studies give it): below 1 the staff are fewer
    than the workload requires, and the smaller the ratio the higher the workload pressure."""

    SHORTAGE = "shortage"  # ratio < 1: fewer staff than required, high workload pressure
    BALANCED = "balanced"  # ratio = 1: staffing matches the workload
    SURPLUS = "surplus"  # ratio > 1: more staff than required, low workload pressure

    @property
    def reading(self) -> str:
        """The words a WISN report uses for this reading, in the current language."""
        return {
            Pressure.SHORTAGE: _("staff shortage: high workload pressure"),
            Pressure.BALANCED: _("staffing in balance with the workload"),
            Pressure.SURPLUS: _("staff surplus: low workload pressure"),
        }[self]


# The components of working time, as messages name them.
_TIME_NAMES = {
    "working": N_("working"),
    "public_holidays": N_("public holidays"),
    "annual_leave": N_("annual leave"),
    "sick_leave": N_("sick leave"),
    "other_leave": N_("other leave"),
}


class WisnError(ValueError):
    """Inputs the WISN formulas cannot take (negative time, allowances of 100% or more)."""


@dataclass(frozen=True)
class WorkingTime:
    """The components of available working time of one staff category (Step 2).

    `working` is the possible working time in a year (days, or hours when `unit` is hours);
    the leave components are in the same unit. `hours_per_day` converts days to hours."""

    working: float
    public_holidays: float = 0.0
    annual_leave: float = 0.0
    sick_leave: float = 0.0
    other_leave: float = 0.0
    hours_per_day: float | None = None
    unit: TimeUnit = TimeUnit.DAYS

    @property
    def absences(self) -> float:
        return self.public_holidays + self.annual_leave + self.sick_leave + self.other_leave


@dataclass(frozen=True)
class AvailableTime:
    """Available working time in days and in hours (None when no hours per day converts)."""

    days: float | None
    hours: float | None


def available_working_time(time: WorkingTime) -> AvailableTime:
    """AWT = (working - public holidays - annual leave - sick leave - other leave), in the unit
    given, and converted with the working hours per day (AWT in hours = AWT in days x hours)."""
    for name in ("working", "public_holidays", "annual_leave", "sick_leave", "other_leave"):
        if getattr(time, name) < 0:
            raise WisnError(_("{name} may not be negative").format(name=_(_TIME_NAMES[name])))
    if time.hours_per_day is not None and time.hours_per_day <= 0:
        raise WisnError(_("working hours per day must be above 0"))
    available = time.working - time.absences
    if available <= 0:
        raise WisnError(
            _("leave and holidays ({absences}) leave no working time of {working}").format(
                absences=f"{time.absences:g}", working=f"{time.working:g}"
            )
        )
    per_day = time.hours_per_day
    if time.unit is TimeUnit.DAYS:
        return AvailableTime(available, available * per_day if per_day else None)
    return AvailableTime(available / per_day if per_day else None, available)


def standard_workload(
    awt: float, unit_time: float | None = None, rate: float | None = None
) -> float:
    """Standard workload (Step 5): the units of an activity one worker can do in a year,
    AWT / unit time (service standard as a time per unit) or AWT x rate (units per unit of time),
    with AWT in the same unit of time as the standard."""
    if (unit_time is None) == (rate is None):
        raise WisnError("give the service standard as a unit time or as a rate, not both")
    if unit_time is not None:
        if unit_time <= 0:
            raise WisnError("the unit time of a service standard must be above 0")
        return awt / unit_time
    assert rate is not None
    if rate <= 0:
        raise WisnError("the rate of a service standard must be above 0")
    return awt * rate


def staff_needed(annual_volume: float, workload: float) -> float:
    """Staff needed for one health-service activity (Step 7): annual volume / standard workload."""
    if workload <= 0:
        raise WisnError("a standard workload must be above 0")
    return annual_volume / workload


@dataclass(frozen=True)
class CategoryAllowance:
    """A support activity done by every member of a category (CAS): a percentage of working time
    or a time per year (in the unit of the category's working time, see `cas_percent`)."""

    activity: str
    percent: float | None = None
    time_per_year: float | None = None


@dataclass(frozen=True)
class IndividualAllowance:
    """An additional activity done by some members of a category (IAS): time per year for each
    of the `staff` who do it."""

    activity: str
    time_per_year: float
    staff: float = 1.0

    @property
    def total(self) -> float:
        return self.time_per_year * self.staff


def cas_percent(allowance: CategoryAllowance, awt: float) -> float:
    """A CAS as a percentage of working time: as given, or time per year / AWT x 100 (time and
    AWT in the same unit)."""
    if (allowance.percent is None) == (allowance.time_per_year is None):
        raise WisnError(
            _("category allowance {activity!r}: give a percentage or a time, not both").format(
                activity=allowance.activity
            )
        )
    if allowance.percent is not None:
        value = allowance.percent
    else:
        assert allowance.time_per_year is not None
        value = allowance.time_per_year / awt * 100.0
    if value < 0:
        raise WisnError(
            _("category allowance {activity!r} may not be negative").format(
                activity=allowance.activity
            )
        )
    return value


def category_allowance_factor(allowances: Iterable[CategoryAllowance], awt: float) -> float:
    """CAF = 1 / (1 - total CAS / 100) (Step 6), the CAS as percentages of working time."""
    total = sum(cas_percent(a, awt) for a in allowances)
    if total >= 100.0:
        raise WisnError(
            # The percent signs are the argument's: a msgid with "% o" would read as a
            # %-format to gettext's tools.
            _("category allowances add up to {total} of working time: {limit} or more").format(
                total=f"{total:g}%", limit="100%"
            )
        )
    return 1.0 / (1.0 - total / 100.0)


def individual_allowance_factor(allowances: Iterable[IndividualAllowance], awt: float) -> float:
    """IAF = total IAS / AWT (Step 6): the staff the additional activities take, total IAS the
    sum of time per year x staff doing it, in the unit of AWT."""
    total = 0.0
    for allowance in allowances:
        if allowance.time_per_year < 0 or allowance.staff < 0:
            raise WisnError(
                _("individual allowance {activity!r} may not be negative").format(
                    activity=allowance.activity
                )
            )
        total += allowance.total
    return total / awt


def required_staff(staff_for_activities: Iterable[float], caf: float, iaf: float) -> float:
    """Total required staff (Step 7): (sum of staff needed for the health-service activities) x
    CAF + IAF."""
    return sum(staff_for_activities) * caf + iaf


def wisn_difference(current: float, required: float) -> float:
    """WISN difference (Step 8): current - required; negative is a shortage."""
    return current - required


def wisn_ratio(current: float, required: float) -> float:
    """WISN ratio (Step 8): current / required; infinite when nothing is required but staff are
    there, 1 when neither."""
    if required > 0:
        return current / required
    return math.inf if current > 0 else 1.0


def published(value: float, decimals: int = PUBLISHED_DECIMALS) -> float:
    """A figure at the rounding WISN studies publish (half away from zero, as a spreadsheet)."""
    if not math.isfinite(value):
        return value
    scale = 10**decimals
    return math.copysign(math.floor(abs(value) * scale + 0.5 + 1e-9) / scale, value)


def workload_pressure(ratio: float) -> Pressure:
    """The reading of a WISN ratio at the published rounding: 1.00 is balanced, below a shortage
    (high workload pressure), above a surplus."""
    shown = published(ratio)
    if shown < 1.0:
        return Pressure.SHORTAGE
    if shown > 1.0:
        return Pressure.SURPLUS
    return Pressure.BALANCED


def pressure_percent(ratio: float) -> float:
    """Workload pressure as studies quote it: the share of the required staff that is missing,
    (1 - ratio) x 100, 0 when there is no shortage (Namaganda et al. 2015: 42% of the nurses
    required is a workload pressure of 58%)."""
    return max(0.0, (1.0 - ratio) * 100.0) if math.isfinite(ratio) else 0.0


@dataclass(frozen=True)
class Activity:
    """A health-service activity of a category: its annual volume and its service standard
    (unit time or rate, in the unit of `WisnInputs.standard_unit`)."""

    name: str
    annual_volume: float
    unit_time: float | None = None
    rate: float | None = None


@dataclass(frozen=True)
class WisnInputs:
    """One category in one facility, as a WISN study lists it: current staff, working time,
    activities and allowances. Service standards and allowance times are in `standard_unit`."""

    category: str
    current: float
    working_time: WorkingTime
    activities: tuple[Activity, ...] = ()
    category_allowances: tuple[CategoryAllowance, ...] = ()
    individual_allowances: tuple[IndividualAllowance, ...] = ()
    standard_unit: TimeUnit = TimeUnit.HOURS


@dataclass(frozen=True)
class WisnResult:
    """Every figure of a WISN calculation, unrounded."""

    category: str
    current: float
    awt: AvailableTime
    staff_for_activities: tuple[float, ...]
    caf: float
    iaf: float
    required: float
    difference: float
    ratio: float
    pressure: Pressure

    @property
    def staff_for_activities_total(self) -> float:
        return sum(self.staff_for_activities)


def _in_unit(awt: AvailableTime, unit: TimeUnit, category: str) -> float:
    value = awt.hours if unit is TimeUnit.HOURS else awt.days
    if value is None:
        raise WisnError(
            _(
                "{category}: standards are in {unit} but the available working time has no "
                "working hours per day to convert it"
            ).format(category=category, unit=pgettext("value", unit.value))
        )
    return value


def calculate(inputs: WisnInputs) -> WisnResult:
    """The whole WISN calculation of one category (Steps 2-8)."""
    awt = available_working_time(inputs.working_time)
    awt_in_standard_unit = _in_unit(awt, inputs.standard_unit, inputs.category)
    needed = tuple(
        staff_needed(
            a.annual_volume,
            standard_workload(awt_in_standard_unit, unit_time=a.unit_time, rate=a.rate),
        )
        for a in inputs.activities
    )
    caf = category_allowance_factor(inputs.category_allowances, awt_in_standard_unit)
    iaf = individual_allowance_factor(inputs.individual_allowances, awt_in_standard_unit)
    required = required_staff(needed, caf, iaf)
    ratio = wisn_ratio(inputs.current, required)
    return WisnResult(
        category=inputs.category,
        current=inputs.current,
        awt=awt,
        staff_for_activities=needed,
        caf=caf,
        iaf=iaf,
        required=required,
        difference=wisn_difference(inputs.current, required),
        ratio=ratio,
        pressure=workload_pressure(ratio),
    )


# --- a WISN study as a planner scenario ---------------------------------------------------------
# The engine divides each unit-skill cell's load by its capacity. In wisn mode one employee is a
# capacity of 1 and a service's load is the staff it requires: its yearly hours (volume x minutes /
# 60 x (1 - digital share)) x CAF / AWT, that is WISN's staff needed x CAF; each cell's individual
# allowances are one more service that cannot move, of IAS hours x 1 / AWT = the IAF. A cell's
# load is then its required staff and its coefficient required / current = 1 / the WISN ratio.


@dataclass(frozen=True)
class WisnCell:
    """The WISN inputs of one staff category (skill) in one unit, or in every unit without a row
    of its own (`unit_id` None): working time, category and individual allowances. Allowance
    times are in `allowance_unit` (days convert with the working hours per day)."""

    skill: str
    working_time: WorkingTime
    unit_id: str | None = None
    category_allowances: tuple[CategoryAllowance, ...] = ()
    individual_allowances: tuple[IndividualAllowance, ...] = ()
    allowance_unit: TimeUnit = TimeUnit.HOURS
    row: int | None = None


@dataclass(frozen=True)
class CellFactors:
    """What a cell's WISN inputs come to: AWT in hours, CAF, IAF and total IAS hours."""

    awt_hours: float
    caf: float
    iaf: float
    ias_hours: float

    @property
    def staff_per_hour(self) -> float:
        """Staff required per hour of health-service workload: CAF / AWT."""
        return self.caf / self.awt_hours


def cell_factors(cell: WisnCell) -> CellFactors:
    """AWT (hours), CAF and IAF of one cell (Steps 2 and 6)."""
    awt = available_working_time(cell.working_time)
    if awt.hours is None:
        raise WisnError(_("the working time needs its working hours per day"))
    awt_in_allowance_unit = _in_unit(awt, cell.allowance_unit, cell.skill)
    caf = category_allowance_factor(cell.category_allowances, awt_in_allowance_unit)
    iaf = individual_allowance_factor(cell.individual_allowances, awt_in_allowance_unit)
    return CellFactors(awt.hours, caf, iaf, iaf * awt.hours)


def cell_for(cells: Iterable[WisnCell], unit_id: str, skill: str) -> WisnCell | None:
    """The WISN inputs that apply to a unit's skill: its own row, else the row for every unit."""
    default = None
    for cell in cells:
        if cell.skill != skill:
            continue
        if cell.unit_id == unit_id:
            return cell
        if cell.unit_id is None:
            default = cell
    return default


def individual_allowance_id(unit_id: str, skill: str) -> str:
    """The id of the fixed activity that carries a cell's individual allowances."""
    return f"IAS {unit_id} {skill}"


@dataclass(frozen=True)
class WisnGap:
    """Why a scenario cannot be read the WISN way: the service or WISN row at fault and why."""

    message: str
    service: Service | None = None
    cell: WisnCell | None = None
    column: str = "unitid"  # the Services column at fault (normalised header), with a service


def wisn_gaps(scenario: Scenario, cells: Iterable[WisnCell]) -> list[WisnGap]:
    """Everything that stops `apply_wisn`: a row whose formulas refuse its inputs, a service with
    no Minutes (its service standard) or with no working time for its unit and skill, a movable
    service whose eligible units count its staff differently (a different AWT or CAF), and an
    individual-allowance id already used by a service."""
    cells = tuple(cells)
    gaps: list[WisnGap] = []
    factors: dict[WisnCell, CellFactors] = {}
    for cell in cells:
        try:
            factors[cell] = cell_factors(cell)
        except WisnError as error:
            gaps.append(WisnGap(str(error), cell=cell))
    ids = {s.service_id.casefold() for s in scenario.services}
    group_units = {g: [u.unit_id for u in r.units] for g, r in scenario.by_group.items()}
    for service in scenario.services:
        if service.minutes is None:
            gaps.append(
                WisnGap(
                    _("Minutes (the service standard) is required in wisn mode"),
                    service,
                    column="minutes",
                )
            )
        found = cell_for(cells, service.unit_id, service.skill)
        if found is None:
            gaps.append(
                WisnGap(
                    _(
                        "no working time for skill {skill!r} in unit {unit!r}: add a Working "
                        "time row for it (or one with a blank Unit ID)"
                    ).format(skill=service.skill, unit=service.unit_id),
                    service,
                )
            )
            continue
        if not service.movable or found not in factors:
            continue
        own = factors[found].staff_per_hour
        group = scenario.unit(service.unit_id).group
        for unit_id in service.eligible_units or tuple(group_units[group]):
            other = cell_for(cells, unit_id, service.skill)
            if other is None or other not in factors:
                gaps.append(
                    WisnGap(
                        _(
                            "movable service: no working time for skill {skill!r} in eligible "
                            "unit {unit!r}"
                        ).format(skill=service.skill, unit=unit_id),
                        service,
                    )
                )
            elif not math.isclose(factors[other].staff_per_hour, own, rel_tol=1e-12):
                gaps.append(
                    WisnGap(
                        _(
                            "movable service: unit {unit!r} has another AWT or CAF for skill "
                            "{skill!r} than {home!r}, so the staff it needs would change with "
                            "the unit; make them equal or the service not movable"
                        ).format(unit=unit_id, skill=service.skill, home=service.unit_id),
                        service,
                    )
                )
    for unit in scenario.units:
        for skill in scenario.skills:
            row = cell_for(cells, unit.unit_id, skill)
            if row is not None and row in factors and factors[row].ias_hours > 0:
                if individual_allowance_id(unit.unit_id, skill).casefold() in ids:
                    gaps.append(
                        WisnGap(
                            _(
                                "service id {service!r} is reserved for the individual "
                                "allowances of that cell"
                            ).format(service=individual_allowance_id(unit.unit_id, skill)),
                            cell=row,
                        )
                    )
    return gaps


def apply_wisn(scenario: Scenario, cells: Iterable[WisnCell]) -> Scenario:
    """The scenario in wisn terms: every service's staff per hour (CAF / AWT of its unit and
    skill) set, one fixed activity per unit-skill cell with individual allowances added (IAS
    hours at 1 / AWT: its IAF), coefficient `wisn`. Raises WisnError when `wisn_gaps` finds any."""
    cells = tuple(cells)
    gaps = wisn_gaps(scenario, cells)
    if gaps:
        raise WisnError("; ".join(g.message for g in gaps))
    factors = {cell: cell_factors(cell) for cell in cells}
    services = []
    for service in scenario.services:
        cell = cell_for(cells, service.unit_id, service.skill)
        assert cell is not None  # wisn_gaps
        services.append(replace(service, staff_per_hour=factors[cell].staff_per_hour))
    staffed = {(c.unit_id, c.skill) for c in scenario.staff} | {
        (s.unit_id, s.skill) for s in scenario.services
    }
    for unit_id, skill in sorted(staffed):
        cell = cell_for(cells, unit_id, skill)
        if cell is None or factors[cell].ias_hours <= 0:
            continue
        f = factors[cell]
        services.append(
            Service(
                individual_allowance_id(unit_id, skill),
                unit_id,
                name="individual allowances (IAF)",
                skill=skill,
                volume=f.ias_hours,
                minutes=60.0,
                staff_per_hour=1.0 / f.awt_hours,
                allowance=True,
                row=cell.row,
            )
        )
    services.sort(key=lambda s: s.service_id)
    settings = replace(scenario.settings, coefficient=CoefficientMode.WISN)
    return replace(scenario, services=tuple(services), settings=settings)
