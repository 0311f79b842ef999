"""Synthetic scenarios shaped like the published West Kazakhstan tables, from one region to a nation.

`generate(profile, seed, pooled=False)` returns a valid hours-mode `Scenario`:

- "national": 20 regions, each with about 20 regional departments and about 12 districts of
  about 12 departments plus a regional city with about 14: about 3,900 units, 99,000 employees,
  1,400 service kinds and 57,000 service rows, about 12% of them movable.
- "region": one region the size of West Kazakhstan: 15 regional departments, 12 districts and a
  city with 6 departments (34 units, about 1,900 employees and 780 service rows).
- "small": one region with a handful of units, for tests.

Structure, as in the bundled scenario: regional departments (level `region-department`), district
akimats (`district`; the last one is the regional city) and their departments
(`district-department`, `city-department`, Parent = the district). Groups, inside which staff
and services may move, are one per region and level: "R03 region departments", "R03 districts"
(the district akimats of the region) and "R03 D05 departments" (the departments of one district).
With `pooled=True` each region is one group, so staff may move between all its units.

Rules that keep every generated scenario valid and solvable:
- every unit with load has at least one employee of each skill its services need (staff are
  split in proportion to hours by skill), and Min employees <= current <= Max employees;
- a movable service lists its eligible units: units of its own (unpooled) group in the same
  family of functions that already have staff of its skill; services of district akimats never
  move (an akimat serves its own residents);
- each unit's coefficient before optimisation is drawn like the published ones (0.05 to 1.7).

Deterministic: the only randomness is numpy's Generator(PCG64(seed)), drawn in a fixed order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from planner.domain import (
    CoefficientMode,
    Objective,
    Scenario,
    Service,
    Settings,
    StaffCell,
    Unit,
    Variant,
)

__all__ = ["PROFILES", "Profile", "generate"]

HOURS_PER_FTE = 1720.0
OTHER_SKILLS = ("legal", "technical", "social", "finance", "medical")


@dataclass(frozen=True)
class Profile:
    """Sizes of a generated scenario; (low, high) ranges are inclusive, drawn per region/unit."""

    regions: int
    region_departments: tuple[int, int]
    districts: tuple[int, int]  # district-level units per region, the regional city included
    district_departments: tuple[int, int]  # per ordinary district; (0, 0): none
    city_departments: tuple[int, int]
    district_employees: float  # median headcount of a district akimat
    district_services: float  # median service rows of a district akimat
    movable_share: float = 0.2  # of the services that have a partner unit to move to
    # Fixed department functions (labels) instead of drawn ones: the small profile uses them so
    # that its few departments share families and some services can move.
    region_functions: tuple[str, ...] = ()
    district_functions: tuple[str, ...] = ()


PROFILES: dict[str, Profile] = {
    "small": Profile(
        regions=1,
        region_departments=(3, 3),
        districts=(2, 2),
        district_departments=(2, 2),
        city_departments=(2, 2),
        district_employees=20.0,
        district_services=8.0,
        movable_share=0.5,
        region_functions=("Agriculture", "Veterinary Services", "Land Relations"),
        district_functions=("Land Relations", "Architecture and Urban Planning"),
    ),
    # West Kazakhstan: Tables 1-3 (15 + 13 + 6 units, 1,911 employees, 779 services).
    "region": Profile(
        regions=1,
        region_departments=(15, 15),
        districts=(13, 13),
        district_departments=(0, 0),
        city_departments=(6, 6),
        district_employees=112.0,
        district_services=46.0,
        movable_share=0.6,
    ),
    "national": Profile(
        regions=20,
        region_departments=(17, 23),
        districts=(11, 15),
        district_departments=(9, 15),
        city_departments=(12, 16),
        district_employees=30.0,
        district_services=10.0,
    ),
}


@dataclass(frozen=True)
class _Function:
    """A kind of department: its label, family (functions that may share services), skill mix."""

    label: str
    family: str
    skills: tuple[tuple[str, float], ...]
    service_share: float = 1.0  # planning and analytical departments: less time for services


def _f(label: str, family: str, share: float = 1.0, **skills: float) -> _Function:
    return _Function(label, family, tuple(sorted(skills.items())), share)


# Regional departments (the 15 published ones and a few more found in other regions).
REGION_FUNCTIONS: tuple[_Function, ...] = (
    _f("Agriculture", "agriculture", general=0.5, technical=0.5),
    _f("Veterinary Services", "agriculture", technical=0.8, general=0.2),
    _f("Entrepreneurship and Industry", "economy", 0.6, general=0.7, legal=0.3),
    _f("Strategy and Economic Development", "economy", 0.3, general=1.0),
    _f("Finance", "economy", 0.5, finance=0.8, general=0.2),
    _f("Public Procurement", "economy", 0.7, legal=0.5, finance=0.5),
    _f("Education", "social", general=0.5, social=0.5),
    _f("Healthcare", "health", medical=0.6, general=0.4),
    _f("Public Health Protection", "health", medical=0.7, technical=0.3),
    _f("Employment and Social Programmes", "social", social=0.8, general=0.2),
    _f("Labour Inspection", "social", legal=0.7, social=0.3),
    _f("Physical Culture and Sports", "culture", general=1.0),
    _f("Culture and Archives", "culture", general=0.8, legal=0.2),
    _f("Tourism", "culture", general=1.0),
    _f("Youth Policy", "culture", social=0.5, general=0.5),
    _f("Religious Affairs", "internal", legal=0.5, general=0.5),
    _f("Internal Policy", "internal", general=0.7, legal=0.3),
    _f("Land Relations", "land", legal=0.5, technical=0.5),
    _f("Architecture and Urban Planning", "land", technical=0.7, legal=0.3),
    _f("Construction", "construction", technical=0.8, general=0.2),
    _f("State Construction Control", "construction", technical=0.6, legal=0.4),
    _f("Passenger Transport and Roads", "infrastructure", technical=0.6, general=0.4),
    _f("Energy and Housing", "infrastructure", 0.5, technical=1.0),
    _f("Natural Resources", "environment", technical=0.6, legal=0.4),
)
# Departments of a district or city akimat.
DISTRICT_FUNCTIONS: tuple[_Function, ...] = (
    _f("Agriculture", "agriculture", general=0.5, technical=0.5),
    _f("Veterinary", "agriculture", technical=0.8, general=0.2),
    _f("Entrepreneurship", "economy", general=0.8, legal=0.2),
    _f("Economy and Finance", "economy", 0.4, finance=0.7, general=0.3),
    _f("Education", "social", general=0.5, social=0.5),
    _f("Employment and Social Programmes", "social", social=0.8, general=0.2),
    _f("Civil Registration", "internal", legal=0.6, general=0.4),
    _f("Internal Policy", "internal", general=1.0),
    _f("Culture and Sport", "culture", general=1.0),
    _f("Land Relations", "land", legal=0.5, technical=0.5),
    _f("Architecture and Urban Planning", "land", technical=0.7, legal=0.3),
    _f("Land Control", "land", legal=0.6, technical=0.4),
    _f("Construction", "construction", technical=0.8, general=0.2),
    _f("Housing and Utilities", "infrastructure", technical=0.7, general=0.3),
    _f("Passenger Transport and Roads", "infrastructure", technical=0.6, general=0.4),
    _f("Housing Inspection", "infrastructure", technical=0.5, legal=0.5),
)
AKIMAT = _f("Akimat", "akimat", general=0.5, legal=0.3, social=0.2)

# Service kinds per function: 24 x 20 + 16 x 50 + 120 = 1,400, the size of the national register
# of public services (1,360).
REGION_POOL = 20
DISTRICT_POOL = 50
AKIMAT_POOL = 120


@dataclass(frozen=True)
class _Kind:
    """A kind of public service in the national register."""

    kind_id: str
    label: str
    skill: str
    minutes: float
    digital_share: float


@dataclass
class _Catalogue:
    kinds: list[_Kind]
    pools: dict[tuple[str, str], np.ndarray]  # (level, function label) -> kind indices


def _catalogue(rng: np.random.Generator) -> _Catalogue:
    """The service kinds, with their skill, minutes and digital share (the same in every region)."""
    kinds: list[_Kind] = []
    pools: dict[tuple[str, str], np.ndarray] = {}
    plan = [("region", f, REGION_POOL) for f in REGION_FUNCTIONS]
    plan += [("district", f, DISTRICT_POOL) for f in DISTRICT_FUNCTIONS]
    plan.append(("akimat", AKIMAT, AKIMAT_POOL))
    for level, function, size in plan:
        skills = [s for s, _ in function.skills]
        weights = np.array([w for _, w in function.skills])
        chosen = rng.choice(len(skills), size=size, p=weights / weights.sum())
        # Minutes per transaction: lognormal around half an hour, 5 to 240 minutes.
        minutes = np.clip(np.round(rng.lognormal(math.log(30.0), 0.6, size)), 5, 240)
        # About a tenth of services are paper-only (the paper: 17 of 176 local services).
        paper = rng.random(size) < 0.1
        digital = np.where(paper, 0.0, np.round(rng.uniform(0.3, 0.9, size), 2))
        start = len(kinds)
        for i in range(size):
            kinds.append(
                _Kind(
                    kind_id=f"K{len(kinds) + 1:04d}",
                    label=f"{function.label} service {i + 1}",
                    skill=skills[int(chosen[i])],
                    minutes=float(minutes[i]),
                    digital_share=float(digital[i]),
                )
            )
        pools[(level, function.label)] = np.arange(start, start + size)
    return _Catalogue(kinds, pools)


@dataclass
class _Draft:
    """A unit being generated, before its staff and services are final."""

    unit_id: str
    name: str
    level: str
    parent: str | None
    group: str  # unpooled group: the pool its movable services stay in
    family: str
    service_share: float
    employees: int
    kinds: np.ndarray  # kind indices of its services


def _between(rng: np.random.Generator, bounds: tuple[int, int]) -> int:
    low, high = bounds
    return int(rng.integers(low, high + 1))


def _lognormal_int(
    rng: np.random.Generator, median: float, sigma: float, low: int, high: int
) -> int:
    return int(np.clip(round(float(rng.lognormal(math.log(median), sigma))), low, high))


def _pick(rng: np.random.Generator, pool: np.ndarray, count: int) -> np.ndarray:
    count = max(1, min(count, pool.size))
    return np.sort(rng.choice(pool, size=count, replace=False))


def _functions(
    rng: np.random.Generator,
    functions: tuple[_Function, ...],
    count: int,
    fixed: tuple[str, ...],
) -> list[_Function]:
    """`count` distinct functions in catalogue order: the fixed labels, else drawn."""
    if fixed:
        by_label = {f.label: f for f in functions}
        return [by_label[label] for label in fixed[:count]]
    chosen = rng.choice(len(functions), size=min(count, len(functions)), replace=False)
    return [functions[int(i)] for i in sorted(chosen)]


def _drafts(rng: np.random.Generator, profile: Profile, catalogue: _Catalogue) -> list[_Draft]:
    """Every unit of every region, with headcount and the kinds of service it delivers."""
    drafts: list[_Draft] = []
    district_kinds = np.concatenate(
        [catalogue.pools[("akimat", AKIMAT.label)]]
        + [catalogue.pools[("district", f.label)] for f in DISTRICT_FUNCTIONS]
    )
    for r in range(1, profile.regions + 1):
        region = f"R{r:02d}"
        # Regional departments (Table 1: 8-36 employees, 1-34 services).
        group = f"{region} region departments"
        count = _between(rng, profile.region_departments)
        for d, function in enumerate(
            _functions(rng, REGION_FUNCTIONS, count, profile.region_functions), 1
        ):
            drafts.append(
                _Draft(
                    unit_id=f"{region}-RD{d:02d}",
                    name=f"Region {r:02d} Department of {function.label}",
                    level="region-department",
                    parent=None,
                    group=group,
                    family=function.family,
                    service_share=function.service_share,
                    employees=_lognormal_int(rng, 18.0, 0.4, 3, 80),
                    kinds=_pick(
                        rng,
                        catalogue.pools[("region", function.label)],
                        _lognormal_int(rng, 5.0, 0.8, 1, REGION_POOL),
                    ),
                )
            )
        # District akimats; the last one is the regional city (Table 2).
        districts = _between(rng, profile.districts)
        for k in range(1, districts + 1):
            district = f"{region}-D{k:02d}"
            city = k == districts
            departments = _between(
                rng, profile.city_departments if city else profile.district_departments
            )
            if departments:
                pool = catalogue.pools[("akimat", AKIMAT.label)]
            else:
                pool = district_kinds  # the akimat delivers every district function itself
            district_name = f"Region {r:02d} City" if city else f"Region {r:02d} District {k:02d}"
            drafts.append(
                _Draft(
                    unit_id=district,
                    name=district_name,
                    level="district",
                    parent=None,
                    group=f"{region} districts",
                    family="akimat",
                    service_share=1.0,
                    employees=_lognormal_int(rng, profile.district_employees, 0.3, 3, 600),
                    kinds=_pick(
                        rng, pool, _lognormal_int(rng, profile.district_services, 0.15, 1, 120)
                    ),
                )
            )
            # The akimat's departments (Table 3: 3-28 employees, 1-15 services).
            if departments == 0:
                continue
            level = "city-department" if city else "district-department"
            median_employees = 10.0 if city else 24.0
            median_services = 6.0 if city else 15.0
            chosen = _functions(rng, DISTRICT_FUNCTIONS, departments, profile.district_functions)
            for d, function in enumerate(chosen, 1):
                drafts.append(
                    _Draft(
                        unit_id=f"{district}-{d:02d}",
                        name=f"{district_name} Department of {function.label}",
                        level=level,
                        parent=district,
                        group=f"{region} D{k:02d} departments",
                        family=function.family,
                        service_share=function.service_share,
                        employees=_lognormal_int(rng, median_employees, 0.5, 2, 120),
                        kinds=_pick(
                            rng,
                            catalogue.pools[("district", function.label)],
                            _lognormal_int(rng, median_services, 0.5, 1, DISTRICT_POOL),
                        ),
                    )
                )
    return drafts


def _split_staff(employees: int, hours_by_skill: dict[str, float]) -> dict[str, int]:
    """Headcount by skill in proportion to hours, at least one per skill with load."""
    needed = sorted(k for k, h in hours_by_skill.items() if h > 0)
    if not needed:
        return {"general": employees}
    rest = employees - len(needed)
    weights = np.array([hours_by_skill[k] for k in needed])
    quotas = rest * weights / weights.sum()
    counts = np.floor(quotas).astype(np.int64)
    # Largest remainder, ties to the first skill in sorted order.
    order = np.lexsort((np.arange(len(needed)), -(quotas - counts)))
    counts[order[: rest - int(counts.sum())]] += 1
    return {k: 1 + int(c) for k, c in zip(needed, counts, strict=True)}


def generate(profile: str, seed: int, pooled: bool = False) -> Scenario:
    """A valid hours-mode scenario of the given profile ("national", "region" or "small").

    The same profile, seed and pooled flag always give an equal Scenario. `pooled=True` puts all
    units of a region in one group (the largest single problems); eligible units of movable
    services stay those of the unpooled group.
    """
    try:
        sizes = PROFILES[profile]
    except KeyError:
        raise ValueError(
            f"unknown profile {profile!r}: choose one of {', '.join(sorted(PROFILES))}"
        ) from None
    rng = np.random.Generator(np.random.PCG64(seed))
    catalogue = _catalogue(rng)
    drafts = _drafts(rng, sizes, catalogue)

    # Skills: every region has general and 2 to 5 others, so 3 to 6 in all. A service whose
    # kind needs a skill the region does not employ is delivered by general staff.
    region_skills: dict[str, set[str]] = {}
    for region in sorted({d.unit_id[:3] for d in drafts}):
        others = rng.choice(len(OTHER_SKILLS), size=int(rng.integers(2, 6)), replace=False)
        region_skills[region] = {"general", *(OTHER_SKILLS[int(i)] for i in others)}

    units: list[Unit] = []
    staff: list[StaffCell] = []
    rows: list[tuple[_Draft, _Kind, str, int]] = []  # (unit, kind, skill, volume)
    skills_of_unit: dict[str, set[str]] = {}
    for draft in drafts:
        kinds = [catalogue.kinds[int(i)] for i in draft.kinds]
        skills = [
            k.skill if k.skill in region_skills[draft.unit_id[:3]] else "general" for k in kinds
        ]
        employees = max(draft.employees, len(set(skills)))
        # Coefficient before optimisation spread like the published ones (0.05 to 1.71).
        coefficient = float(np.clip(rng.lognormal(math.log(0.5), 0.55), 0.05, 1.7))
        hours = coefficient * employees * HOURS_PER_FTE * draft.service_share
        weights = rng.dirichlet(np.ones(len(kinds)))
        staff_minutes = np.array([k.minutes * (1.0 - k.digital_share) for k in kinds])
        volumes = np.maximum(1, np.rint(hours * weights * 60.0 / staff_minutes)).astype(np.int64)
        hours_by_skill: dict[str, float] = {}
        for kind, skill, volume in zip(kinds, skills, volumes, strict=True):
            rows.append((draft, kind, skill, int(volume)))
            load = volume * kind.minutes * (1.0 - kind.digital_share) / 60.0
            hours_by_skill[skill] = hours_by_skill.get(skill, 0.0) + load
        split = _split_staff(employees, hours_by_skill)
        skills_of_unit[draft.unit_id] = set(split)
        staff.extend(StaffCell(draft.unit_id, k, n) for k, n in sorted(split.items()))
        units.append(
            Unit(
                unit_id=draft.unit_id,
                name=draft.name,
                level=draft.level,
                parent=draft.parent,
                group=draft.unit_id[:3] if pooled else draft.group,
                # Illustrative limits: no unit shrinks below 60% or grows above 150% of today.
                min_employees=math.floor(0.6 * employees),
                max_employees=math.ceil(1.5 * employees),
                service_share=draft.service_share,
            )
        )

    # Movable services: a partner is a unit of the same group and family with staff of the skill.
    partners: dict[tuple[str, str], list[str]] = {}
    for draft in drafts:
        if draft.family != "akimat":
            partners.setdefault((draft.group, draft.family), []).append(draft.unit_id)
    draws = rng.random(len(rows))
    services: list[Service] = []
    for (draft, kind, skill, volume), draw in zip(rows, draws, strict=True):
        candidates = [
            u
            for u in partners.get((draft.group, draft.family), ())
            if u != draft.unit_id and skill in skills_of_unit[u]
        ]
        movable = bool(candidates) and draw < sizes.movable_share
        services.append(
            Service(
                service_id=f"{draft.unit_id}-{kind.kind_id}",
                unit_id=draft.unit_id,
                name=kind.label,
                skill=skill,
                volume=float(volume),
                minutes=kind.minutes,
                digital_share=kind.digital_share,
                movable=movable,
                eligible_units=(draft.unit_id, *sorted(candidates)) if movable else (),
            )
        )

    suffix = "-pooled" if pooled else ""
    return Scenario(
        name=f"generated-{profile}-seed{seed}{suffix}",
        units=tuple(sorted(units, key=lambda u: u.unit_id)),
        staff=tuple(sorted(staff, key=lambda c: (c.unit_id, c.skill))),
        services=tuple(sorted(services, key=lambda s: s.service_id)),
        settings=Settings(
            coefficient=CoefficientMode.HOURS,
            objective=Objective.MINMAX,
            hours_per_fte=HOURS_PER_FTE,
        ),
        variants=(
            Variant(
                name="staff moves only",
                description="Staff may move inside a group; every service stays put.",
                settings={"allow_staff_moves": True, "allow_service_moves": False},
            ),
            Variant(
                name="staff and services",
                description="Staff and movable services may both move.",
                settings={"allow_staff_moves": True, "allow_service_moves": True},
            ),
        ),
    )
