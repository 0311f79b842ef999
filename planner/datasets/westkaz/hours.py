"""The hours-mode West Kazakhstan scenario: the same units with skills, yearly volumes adding up
to the published 2024 total, minutes, digital shares and service shares, its variants and every
assumption that is not a published figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from planner.datasets.westkaz.count import (
    LAND_HIRES,
    MORE_DIGITAL,
    MORE_DIGITAL_SHARE,
    SOCIAL_DEMAND,
    common_assumptions,
    common_variants,
    lock_city_variant,
)
from planner.datasets.westkaz.published import (
    CITY_ID,
    HOURS_PER_FTE,
    HOURS_SCENARIO_NAME,
    SKILLS,
    Assumption,
    PublishedUnit,
    largest_remainder,
    own_employees,
    partners,
    read_units,
    read_volumes,
    service_id,
    service_slots,
    unit_records,
)
from planner.domain import (
    DEFAULT_SKILL,
    CoefficientMode,
    Hire,
    Objective,
    Scenario,
    Service,
    ServiceAdjustment,
    Settings,
    StaffCell,
    Variant,
)

__all__ = [
    "DEMAND_EXPONENT",
    "DIGITAL_BY_SKILL",
    "DISTRICT_SKILL_MIX",
    "MAX_DIGITAL_SHARE",
    "MINUTES_BY_SKILL",
    "MINUTES_PATTERN",
    "PAPER_ONLY_EVERY",
    "SERVICE_SHARE",
    "SKILL_MIX",
    "ZIPF_EXPONENT",
    "hours_assumptions",
    "hours_scenario",
    "hours_variants",
]


# --- the hours scenario ----------------------------------------------------------------------

# Skill mix of each unit's services (illustrative: what the department's name suggests).
# Districts deliver a broad mix; Uralsk City's services are its departments' (Table 3).
SKILL_MIX: Mapping[str, Mapping[str, float]] = {
    "R01": {"general": 0.6, "technical": 0.4},  # Agriculture
    "R02": {"general": 0.5, "social": 0.5},  # Education
    "R03": {"technical": 0.8, "general": 0.2},  # Veterinary Services
    "R04": {"general": 1.0},  # Physical Culture and Sports
    "R05": {"social": 0.6, "general": 0.4},  # Healthcare
    "R06": {"legal": 0.5, "general": 0.5},  # Religious Affairs
    "R07": {"legal": 0.5, "technical": 0.5},  # Land Relations
    "R08": {"technical": 0.5, "general": 0.5},  # Passenger Transport and Highways
    "R09": {"social": 0.7, "general": 0.3},  # Employment Coordination and Social Programs
    "R10": {"general": 0.7, "legal": 0.3},  # Entrepreneurship and Industrial-Innovative Dev.
    "R11": {"general": 1.0},  # Culture, Language Development and Archival Affairs
    "R12": {"technical": 0.6, "legal": 0.4},  # State Architectural and Construction Control
    "R13": {"general": 1.0},  # Strategy and Economic Development
    "R14": {"technical": 0.6, "legal": 0.4},  # Natural Resources and Environmental Regulation
    "R15": {"technical": 1.0},  # Energy and Housing and Utilities
    "C01": {"general": 1.0},  # Physical Culture and Sport
    "C02": {"legal": 0.5, "technical": 0.5},  # Land Relations
    "C03": {"social": 0.7, "general": 0.3},  # Employment and Social Programmes
    "C04": {"general": 0.75, "technical": 0.25},  # Entrepreneurship and Agriculture
    "C05": {"technical": 0.6, "legal": 0.4},  # Architecture and Urban Planning
    "C06": {"technical": 0.7, "general": 0.3},  # Housing and Utilities, Transport and Roads
}
DISTRICT_SKILL_MIX: Mapping[str, float] = {
    "general": 0.4,
    "social": 0.3,
    "legal": 0.15,
    "technical": 0.15,
}

# Staff minutes per transaction handled by staff, by skill (illustrative), and a repeating
# pattern that varies them between services of one unit (simple and complex services).
MINUTES_BY_SKILL: Mapping[str, float] = {
    "general": 45.0,
    "social": 60.0,
    "legal": 80.0,
    "technical": 90.0,
}
MINUTES_PATTERN: tuple[float, ...] = (1.0, 0.5, 1.5, 0.75, 1.25)

# Digital share by skill before calibration (illustrative); every tenth service of a unit is
# paper-only (the paper: 17 of 176 local services are delivered on paper only).
DIGITAL_BY_SKILL: Mapping[str, float] = {
    "general": 0.8,
    "social": 0.7,
    "legal": 0.5,
    "technical": 0.45,
}
PAPER_ONLY_EVERY = 10
MAX_DIGITAL_SHARE = 0.95

# Share of staff time that goes to citizen services: planning and analytical departments spend
# most of theirs on other work (the paper's explanation of their low coefficients).
SERVICE_SHARE: Mapping[str, float] = {
    "R10": 0.5,  # Entrepreneurship and Industrial-Innovative Development (economy)
    "R13": 0.3,  # Strategy and Economic Development
    "R15": 0.6,  # Energy and Housing and Utilities
}

# Within a unit, service k's share of the unit's volume is proportional to 1 / k**ZIPF_EXPONENT:
# a few services carry most transactions, as in any public-service register.
ZIPF_EXPONENT = 0.8
DEMAND_EXPONENT = 0.4


def _skill_sequence(count: int, mix: Mapping[str, float]) -> list[str]:
    """`count` skills in the proportions of `mix`, interleaved so that neighbours differ."""
    skills = sorted(mix)
    counts = largest_remainder(count, [mix[s] for s in skills])
    # Spread each skill evenly over the positions: skill s's j-th service sits at (j + 0.5) / n_s.
    keyed = [
        ((j + 0.5) / n, skill) for skill, n in zip(skills, counts, strict=True) for j in range(n)
    ]
    return [skill for _position, skill in sorted(keyed)]


def _skills_of_slots(units: Sequence[PublishedUnit]) -> dict[tuple[str, int], str]:
    """(unit id, service number) -> skill, for every service row."""
    skills: dict[tuple[str, int], str] = {}
    for unit in units:
        if unit.unit_id == CITY_ID:
            continue
        mix = SKILL_MIX.get(unit.unit_id, DISTRICT_SKILL_MIX)
        for k, skill in enumerate(_skill_sequence(unit.services, mix), start=1):
            skills[(unit.unit_id, k)] = skill
    return skills


def _zipf(count: int) -> list[float]:
    return [1.0 / k**ZIPF_EXPONENT for k in range(1, count + 1)]


def _demand(unit: PublishedUnit) -> float:
    """Relative yearly volume of a unit: services**a x employees**(1 - a)."""
    return unit.services**DEMAND_EXPONENT * unit.employees ** (1.0 - DEMAND_EXPONENT)


def _volume_weights(units: Sequence[PublishedUnit]) -> dict[tuple[str, int], float]:
    """Share of the published total for each distinct service (Tables 1-3, each listed once).

    A unit's yearly volume is taken proportional to sqrt(services x employees): demand grows with
    the number of services and staffing follows demand in part. Uralsk City's services are its
    departments' (Table 3), each with its own demand; its own record delivers none.
    """
    weights: dict[tuple[str, int], float] = {}
    for unit in units:
        if unit.unit_id == CITY_ID:
            continue
        unit_weight = _demand(unit)
        zipf = _zipf(unit.services)
        for k, z in enumerate(zipf, start=1):
            weights[(unit.unit_id, k)] = unit_weight * z / sum(zipf)
    return weights


@dataclass(frozen=True)
class _HoursService:
    """Hours-mode figures of one distinct service (before the city split)."""

    key: tuple[str, int]  # (unit id, number) of the row that delivers it
    skill: str
    volume: int
    minutes: float
    base_digital: float


def _calibrate_digital(
    services: Sequence[_HoursService], target: float
) -> dict[tuple[str, int], float]:
    """Digital shares, two decimals, whose volume-weighted mean is as close to `target` as can be.

    Scales the illustrative shares by one factor (found by bisection), rounds them, then moves the
    largest services by 0.01 at a time until the weighted mean is the closest reachable.
    """
    total = sum(s.volume for s in services)

    def shares_for(factor: float) -> list[float]:
        return [min(MAX_DIGITAL_SHARE, s.base_digital * factor) for s in services]

    low, high = 0.0, 1.0 / min(s.base_digital for s in services if s.base_digital > 0)
    for _ in range(100):
        middle = (low + high) / 2
        mean = sum(v * s.volume for v, s in zip(shares_for(middle), services, strict=True)) / total
        low, high = (middle, high) if mean < target else (low, middle)
    shares = [round(v, 2) for v in shares_for((low + high) / 2)]
    # Work in integer hundredths so that the fine adjustment is exact.
    hundredths = [round(v * 100) for v in shares]
    target_sum = target * total * 100
    current = sum(h * s.volume for h, s in zip(hundredths, services, strict=True))
    by_volume = sorted(range(len(services)), key=lambda i: (-services[i].volume, i))
    for i in by_volume:
        step = 1 if current < target_sum else -1
        volume = services[i].volume
        if hundredths[i] == 0 or not 0 < hundredths[i] + step <= MAX_DIGITAL_SHARE * 100:
            continue  # paper-only services stay paper-only
        if abs(current + step * volume - target_sum) < abs(current - target_sum):
            hundredths[i] += step
            current += step * volume
    return {s.key: h / 100 for s, h in zip(services, hundredths, strict=True)}


def _hours_services(units: Sequence[PublishedUnit], total: int) -> list[_HoursService]:
    """The 730 distinct services (Tables 1 and 2, Uralsk City's via Table 3) with hours figures."""
    skills = _skills_of_slots(units)
    weights = _volume_weights(units)
    keys = list(weights)
    volumes = largest_remainder(total, [weights[k] for k in keys])
    result = []
    for key, volume in zip(keys, volumes, strict=True):
        _unit_id, number = key
        skill = skills[key]
        minutes = MINUTES_BY_SKILL[skill] * MINUTES_PATTERN[(number - 1) % len(MINUTES_PATTERN)]
        paper_only = number % PAPER_ONLY_EVERY == 0
        result.append(
            _HoursService(
                key=key,
                skill=skill,
                volume=volume,
                minutes=minutes,
                base_digital=0.0 if paper_only else DIGITAL_BY_SKILL[skill],
            )
        )
    return result


def _staff_by_skill(employees: int, hours_by_skill: Mapping[str, float]) -> dict[str, int]:
    """Split a unit's headcount over the skills its services need, in proportion to their hours.

    Every needed skill gets at least one employee (a load with no staff of its skill cannot be
    delivered); a unit with no service load keeps everyone as general.
    """
    needed = sorted(k for k, h in hours_by_skill.items() if h > 0)
    if not needed or employees == 0:
        return {DEFAULT_SKILL: employees}
    if employees < len(needed):
        raise ValueError("a unit has fewer employees than skills its services need")
    # One each first, then the rest in proportion to hours.
    rest = largest_remainder(employees - len(needed), [hours_by_skill[k] for k in needed])
    return {k: 1 + r for k, r in zip(needed, rest, strict=True)}


def hours_scenario(data_dir: str | Path | None = None) -> Scenario:
    """The published units in hours mode: staff hours needed / staff hours available.

    Volumes add up to the published 2024 total, digital shares average the published electronic
    share (volume-weighted), and every other figure is illustrative (see hours_assumptions).
    """
    units = read_units(data_dir)
    volumes_2024 = read_volumes(data_dir)[2024]
    target_share = volumes_2024.electronic / volumes_2024.services_provided
    distinct = _hours_services(units, volumes_2024.services_provided)
    digital = _calibrate_digital(distinct, target_share)
    by_key = {s.key: s for s in distinct}
    movable_to = partners()
    slots = service_slots(units)

    rows: list[Service] = []
    for slot in slots:
        source = by_key[(slot.unit_id, slot.number)]
        volume = source.volume
        rows.append(
            Service(
                service_id=service_id(slot.unit_id, slot.number),
                unit_id=slot.unit_id,
                name=slot.name,
                skill=source.skill,
                volume=float(volume),
                minutes=source.minutes,
                digital_share=digital[source.key],
            )
        )

    # Staff by skill, in proportion to each unit's hours by skill.
    hours: dict[str, dict[str, float]] = {}
    for service in rows:
        unit_hours = hours.setdefault(service.unit_id, {})
        unit_hours[service.skill] = unit_hours.get(service.skill, 0.0) + service.hours
    staff: list[StaffCell] = []
    for unit in units:
        split = _staff_by_skill(own_employees(unit, units), hours.get(unit.unit_id, {}))
        staff.extend(StaffCell(unit.unit_id, skill, n) for skill, n in sorted(split.items()) if n)
    skills_of_unit = {u.unit_id: {c.skill for c in staff if c.unit_id == u.unit_id} for u in units}

    # A service of a paired department may move to the partner when the partner has its skill.
    services = []
    for service in rows:
        others = tuple(
            p for p in movable_to.get(service.unit_id, ()) if service.skill in skills_of_unit[p]
        )
        if others:
            service = replace(service, movable=True, eligible_units=(service.unit_id, *others))
        services.append(service)

    return Scenario(
        name=HOURS_SCENARIO_NAME,
        units=unit_records(units, SERVICE_SHARE),
        staff=tuple(sorted(staff, key=lambda c: (c.unit_id, c.skill))),
        services=tuple(sorted(services, key=lambda s: s.service_id)),
        settings=Settings(
            coefficient=CoefficientMode.HOURS,
            objective=Objective.MINMAX,
            hours_per_fte=HOURS_PER_FTE,
        ),
        variants=hours_variants(),
    )


def hours_variants() -> tuple[Variant, ...]:
    """The named options of the hours scenario."""
    return (
        *common_variants(),
        Variant(
            name=MORE_DIGITAL,
            description=(
                "The paper's first recommendation: every service 80% digital (now 0-79%; the "
                "national register is 92.3% electronic); staff and services may move."
            ),
            settings={"allow_staff_moves": True, "allow_service_moves": True},
            digital_share=(ServiceAdjustment("*", MORE_DIGITAL_SHARE),),
        ),
        Variant(
            name=SOCIAL_DEMAND,
            description=(
                "Demand for social services grows by a fifth; staff and services may move."
            ),
            settings={"allow_staff_moves": True, "allow_service_moves": True},
            volume_scale=(ServiceAdjustment("skill:social", 1.2),),
        ),
        Variant(
            name=LAND_HIRES,
            description=(
                "No moves; instead 5 new hires for the most loaded units: 1 legal and 2 "
                "technical in Land Relations (R07), 2 technical in State Architectural and "
                "Construction Control (R12)."
            ),
            settings={"allow_staff_moves": False, "allow_service_moves": False},
            hires=(
                Hire("R07", 1, "legal"),
                Hire("R07", 2, "technical"),
                Hire("R12", 2, "technical"),
            ),
        ),
        lock_city_variant(),
    )


def _group_volumes(scenario: Scenario) -> dict[str, int]:
    group_of = {u.unit_id: u.group for u in scenario.units}
    totals: dict[str, int] = {}
    for service in scenario.services:
        group = group_of[service.unit_id]
        totals[group] = totals.get(group, 0) + int(service.volume)
    return totals


def hours_assumptions(data_dir: str | Path | None = None) -> tuple[Assumption, ...]:
    """The Assumptions sheet of the hours workbook: every figure that is not published."""
    units = read_units(data_dir)
    volumes_2024 = read_volumes(data_dir)[2024]
    scenario = hours_scenario(data_dir)
    group_volumes = _group_volumes(scenario)
    mixes = "; ".join(
        f"{unit}: " + ", ".join(f"{skill} {share:g}" for skill, share in sorted(mix.items()))
        for unit, mix in SKILL_MIX.items()
    )
    district_mix = ", ".join(f"{k} {v:g}" for k, v in sorted(DISTRICT_SKILL_MIX.items()))
    minutes = ", ".join(f"{k} {v:g}" for k, v in sorted(MINUTES_BY_SKILL.items()))
    pattern = ", ".join(f"{p:g}" for p in MINUTES_PATTERN)
    base_digital = ", ".join(f"{k} {v:g}" for k, v in sorted(DIGITAL_BY_SKILL.items()))
    shares = ", ".join(f"{unit} {share:g}" for unit, share in sorted(SERVICE_SHARE.items()))
    return (
        *common_assumptions(units),
        Assumption(
            "Total volume 2024",
            f"{volumes_2024.services_provided:,} transactions: the Volume column adds up to it",
            "published: Table 4 (services provided in 2024)",
        ),
        Assumption(
            "Volume by group",
            "; ".join(f"{g} {v:,}" for g, v in sorted(group_volumes.items())),
            "derived from the rules below",
        ),
        Assumption(
            "Volume of a unit",
            f"proportional to services^{DEMAND_EXPONENT:g} x employees^{1 - DEMAND_EXPONENT:g}; "
            "Uralsk City's share divided among C01-C06 by the same rule",
            "illustrative: demand grows with the services a unit offers and staffing follows "
            "demand in part; volumes by unit are not published",
        ),
        Assumption(
            "Volume of a service",
            f"service n of a unit gets a share proportional to 1/n^{ZIPF_EXPONENT:g}; whole "
            "numbers by largest-remainder rounding",
            "illustrative: a few services carry most transactions",
        ),
        Assumption(
            "Skills",
            ", ".join(SKILLS),
            "illustrative: the paper publishes no skills",
        ),
        Assumption(
            "Skill of a service",
            f"by department: {mixes}; districts: {district_mix}; {CITY_ID}'s rows as the city "
            "department row they mirror",
            "illustrative: what the department's name suggests",
        ),
        Assumption(
            "Staff by skill",
            "each unit's published headcount split in proportion to its hours by skill, at "
            "least one employee per skill its services need",
            "illustrative (totals published: Tables 1-3)",
        ),
        Assumption(
            "Minutes per transaction",
            f"by skill: {minutes}; times a repeating factor {pattern} over a unit's services",
            "illustrative",
        ),
        Assumption(
            "Digital share",
            f"volume-weighted mean {volumes_2024.electronic:,} / "
            f"{volumes_2024.services_provided:,} = "
            f"{volumes_2024.electronic / volumes_2024.services_provided:.3f}",
            "published: Table 4 (electronic, through information systems, 2024: 62.6%)",
        ),
        Assumption(
            "Digital share of a service",
            f"starting values by skill {base_digital}, every {PAPER_ONLY_EVERY}th service of a "
            "unit paper-only (0), scaled by one factor to the published mean and rounded to 0.01",
            "illustrative (17 of the 176 local services are paper-only: published in the paper)",
        ),
        Assumption(
            "Service share",
            f"{shares}; 1 elsewhere",
            "illustrative: the paper explains the low coefficients of strategy, economy and "
            "energy departments by planning and analytical work that is not a citizen service",
        ),
        Assumption(
            "Hours per FTE",
            f"{HOURS_PER_FTE:,.0f} h a year for every unit (Settings)",
            "illustrative: 40-hour week less annual leave, public holidays and sickness",
        ),
        Assumption(
            "Movable services (hours)",
            "as in the count scenario, only where the partner department has staff of the "
            "service's skill",
            "illustrative: a service moves only to a unit that can deliver it",
        ),
    )
