"""The count-mode West Kazakhstan scenario: the three published tables as three groups, one
Services row per published service, its variants and its assumptions.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from planner.datasets.westkaz.published import (
    CITY_GROUP,
    CITY_ID,
    COUNT_SCENARIO_NAME,
    DISTRICT_GROUP,
    MOVABLE_PAIRS,
    REGION_GROUP,
    Assumption,
    PublishedUnit,
    own_employees,
    partners,
    read_units,
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
    Settings,
    StaffCell,
    Variant,
)

__all__ = [
    "BALANCE",
    "BOTH",
    "CITY_HIRES",
    "LAND_HIRES",
    "LOCK_CITY",
    "MORE_DIGITAL",
    "MORE_DIGITAL_SHARE",
    "MOVE_LIMIT",
    "SERVICES_ONLY",
    "SOCIAL_DEMAND",
    "STAFF_ONLY",
    "common_assumptions",
    "common_variants",
    "count_assumptions",
    "count_scenario",
    "count_variants",
    "lock_city_variant",
]


# --- variants --------------------------------------------------------------------------------

STAFF_ONLY = "staff moves only"
SERVICES_ONLY = "services only"
BOTH = "staff and services"
MOVE_LIMIT = "at most 20 staff moves"
CITY_HIRES = "hire for city land"
LOCK_CITY = "keep Uralsk City"
BALANCE = "balance objective"
MORE_DIGITAL = "more digital services"
MORE_DIGITAL_SHARE = 0.8
LAND_HIRES = "hire for land and building"
SOCIAL_DEMAND = "social demand +20%"


def common_variants() -> list[Variant]:
    return [
        Variant(
            name=STAFF_ONLY,
            description="Staff may move between units of a group; every service stays put.",
            settings={"allow_staff_moves": True, "allow_service_moves": False},
        ),
        Variant(
            name=SERVICES_ONLY,
            description=(
                "Only the movable services may move (between the paired departments); "
                "headcounts stay as they are. The Districts group cannot change."
            ),
            settings={"allow_staff_moves": False, "allow_service_moves": True},
        ),
        Variant(
            name=BOTH,
            description="Staff and movable services may both move.",
            settings={"allow_staff_moves": True, "allow_service_moves": True},
        ),
        Variant(
            name=MOVE_LIMIT,
            description="Staff and services may move, but at most 20 employees per group.",
            settings={
                "allow_staff_moves": True,
                "allow_service_moves": True,
                "max_staff_moves": 20,
            },
        ),
    ]


def lock_city_variant() -> Variant:
    return Variant(
        name=LOCK_CITY,
        description=(
            "Staff and services may move, but Uralsk City's own record (D13: the 119 of its 192 "
            "employees who work in units that deliver no listed service) keeps its headcount."
        ),
        settings={"allow_staff_moves": True, "allow_service_moves": True},
        lock_units=(CITY_ID,),
    )


def count_variants() -> tuple[Variant, ...]:
    """The named options of the count scenario."""
    return (
        *common_variants(),
        Variant(
            name=CITY_HIRES,
            description=(
                "No moves; instead 4 new hires in the city's Land Relations (C02) and 2 in "
                "Architecture and Urban Planning (C05), the two most loaded units."
            ),
            settings={"allow_staff_moves": False, "allow_service_moves": False},
            hires=(Hire("C02", 4), Hire("C05", 2)),
        ),
        lock_city_variant(),
        Variant(
            name=BALANCE,
            description="Staff and services may move; minimise the total deviation from the mean.",
            settings={
                "allow_staff_moves": True,
                "allow_service_moves": True,
                "objective": Objective.BALANCE,
            },
        ),
    )


# --- the count scenario ----------------------------------------------------------------------


def count_scenario(data_dir: str | Path | None = None) -> Scenario:
    """The published Tables 1-3 in count mode: coefficient = services / employees.

    One Services row per published service, volume 1, skill general. Services of the paired
    departments in MOVABLE_PAIRS may move to the partner; all others stay.
    """
    units = read_units(data_dir)
    movable_to = partners()
    services = []
    for slot in service_slots(units):
        others = movable_to.get(slot.unit_id, ())
        services.append(
            Service(
                service_id=service_id(slot.unit_id, slot.number),
                unit_id=slot.unit_id,
                name=slot.name,
                skill=DEFAULT_SKILL,
                volume=1.0,
                movable=bool(others),
                eligible_units=(slot.unit_id, *others) if others else (),
            )
        )
    return Scenario(
        name=COUNT_SCENARIO_NAME,
        units=unit_records(units, {}),
        staff=tuple(StaffCell(u.unit_id, DEFAULT_SKILL, own_employees(u, units)) for u in units),
        services=tuple(sorted(services, key=lambda s: s.service_id)),
        settings=Settings(coefficient=CoefficientMode.COUNT, objective=Objective.MINMAX),
        variants=count_variants(),
    )


def _pairs_text() -> str:
    return "; ".join(f"{a} <-> {b}" for a, b, _ in MOVABLE_PAIRS)


def common_assumptions(units: Sequence[PublishedUnit]) -> list[Assumption]:
    tables = {t: [u for u in units if u.table == t] for t in (1, 2, 3)}
    return [
        Assumption(
            "Units and headcount",
            f"{len(units)} units: {len(tables[1])} regional departments (R01-R15), "
            f"{len(tables[2])} districts incl. Uralsk City (D01-D13, Uralsk City = {CITY_ID}), "
            f"{len(tables[3])} Uralsk City departments (C01-C06, parent {CITY_ID})",
            "published: Tables 1-3 (names, levels, employees); ids in table order are ours",
        ),
        Assumption(
            "Groups",
            f"{REGION_GROUP} (Table 1); {DISTRICT_GROUP} (Table 2); {CITY_GROUP} (Table 3)",
            "illustrative: staff and services move only between units of one published table",
        ),
        Assumption(
            "Uralsk City counted once",
            f"{CITY_ID}'s own record (in {DISTRICT_GROUP}) has the 119 employees of its units that "
            f"deliver no listed service and no services; its 49 services and 73 employees are on "
            f"its departments C01-C06 (in {CITY_GROUP}). Its roll-up (the Units sheet of a result) "
            "gives the published 192 employees, 49 services and 0.26",
            "published: Tables 2 and 3 (Table 3 breaks Uralsk City's 49 services down; 119 of its "
            "192 employees sit in units that deliver no listed service). A parent's record is its "
            "own, its children's excluded, so that a plan at one level never moves people the "
            "other level's plan also moves",
        ),
        Assumption(
            "Service names",
            "generic: '<unit name>, service <n>'",
            "illustrative: the paper publishes counts of services per unit, not their names",
        ),
        Assumption(
            "Movable services",
            "services of these department pairs may move to the partner: " + _pairs_text(),
            "illustrative: "
            + "; ".join(f"{a}-{b}: {reason}" for a, b, reason in MOVABLE_PAIRS)
            + ". The paper recommends redistributing functions between departments",
        ),
        Assumption(
            "No service moves between districts",
            "services of D01-D13 are not movable",
            "illustrative: a district akimat serves its own residents",
        ),
        Assumption(
            "Headcount limits",
            "no Min / Max employees, no Max moves",
            "illustrative: none are published; set them before using a plan",
        ),
    ]


def count_assumptions(data_dir: str | Path | None = None) -> tuple[Assumption, ...]:
    """The Assumptions sheet of the count workbook."""
    units = read_units(data_dir)
    return (
        *common_assumptions(units),
        Assumption(
            "Service volume and skill",
            "volume 1 per service; skill general",
            "published: the coefficient counts services, not transactions (Tables 1-3)",
        ),
        Assumption(
            "Coefficient",
            "count: services / employees, equal to the published value to two decimals",
            "published: Tables 1-3",
        ),
    )
