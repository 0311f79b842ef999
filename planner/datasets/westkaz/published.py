"""The published West Kazakhstan tables (planner/datasets/data): reading them, the ids given to
their units, the groups, and the helpers both bundled scenarios share (service slots, unit records,
which services may move between which departments).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from planner.domain import (
    Unit,
)

__all__ = [
    "Assumption",
    "CITY_GROUP",
    "CITY_ID",
    "CITY_NAME",
    "COUNT_SCENARIO_NAME",
    "DISTRICT_GROUP",
    "GROUP_OF_TABLE",
    "HOURS_PER_FTE",
    "HOURS_SCENARIO_NAME",
    "ID_PREFIX_OF_TABLE",
    "MOVABLE_PAIRS",
    "PublishedUnit",
    "PublishedVolumes",
    "REGION_GROUP",
    "SKILLS",
    "ServiceSlot",
    "UNITS_FILE",
    "VOLUMES_FILE",
    "default_data_dir",
    "largest_remainder",
    "partners",
    "read_units",
    "read_volumes",
    "service_id",
    "own_employees",
    "service_slots",
    "unit_records",
]

UNITS_FILE = "west_kazakhstan_2024_units.csv"
# The units' names in Kazakh and Russian, by (table, English name as published): written here in
# the official naming pattern (басқарма / управление, бөлім / отдел, ауданы / район), not copied
# from the paper, whose tables are used in English (data/README.md).
UNIT_NAMES_FILE = "west_kazakhstan_unit_names.csv"
VOLUMES_FILE = "west_kazakhstan_service_volumes.csv"

COUNT_SCENARIO_NAME = "west-kazakhstan-2024"
HOURS_SCENARIO_NAME = "west-kazakhstan-2024-hours"

# Groups: one per published table. Staff and services move only inside a group.
REGION_GROUP = "Region departments"
DISTRICT_GROUP = "Districts"
CITY_GROUP = "Uralsk City departments"
GROUP_OF_TABLE: Mapping[int, str] = {1: REGION_GROUP, 2: DISTRICT_GROUP, 3: CITY_GROUP}
ID_PREFIX_OF_TABLE: Mapping[int, str] = {1: "R", 2: "D", 3: "C"}
CITY_NAME = "Uralsk City"
CITY_ID = "D13"  # Uralsk City is the 13th and last row of Table 2

# Illustrative working time: 52 weeks x 40 h less 24 days of annual leave, public holidays and
# some sickness absence, rounded.
HOURS_PER_FTE = 1720.0

SKILLS = ("general", "legal", "social", "technical")


class Assumption(NamedTuple):
    """One row of a workbook's Assumptions sheet."""

    assumption: str
    value: str
    basis: str  # "published: Table N" or "illustrative: why"


@dataclass(frozen=True)
class PublishedUnit:
    """One row of the published Tables 1-3, with the stable unit id given to it here."""

    unit_id: str
    table: int
    level: str
    name: str
    employees: int
    services: int
    published_coefficient: float
    names: tuple[tuple[str, str], ...] = ()  # (language, name): kk and ru

    @property
    def group(self) -> str:
        return GROUP_OF_TABLE[self.table]


@dataclass(frozen=True)
class PublishedVolumes:
    """One year of Table 4: services delivered in the region and their electronic part."""

    year: int
    services_provided: int
    paper: int
    electronic: int
    electronic_share_percent: float


# --- reading the published data --------------------------------------------------------------


def default_data_dir() -> Path:
    """`planner/datasets/data`, where the published tables are kept (inside the package)."""
    return Path(__file__).resolve().parent.parent / "data"


def read_units(data_dir: str | Path | None = None) -> tuple[PublishedUnit, ...]:
    """The 34 published units in table order, with ids R01-R15, D01-D13 and C01-C06."""
    path = Path(data_dir or default_data_dir()) / UNITS_FILE
    with open(path, newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    with open(path.with_name(UNIT_NAMES_FILE), newline="", encoding="utf-8") as stream:
        translated = {
            (int(r["table"]), r["unit"].strip()): (
                ("kk", r["name_kk"].strip()),
                ("ru", r["name_ru"].strip()),
            )
            for r in csv.DictReader(stream)
        }
    counters: dict[int, int] = {}
    units = []
    for row in rows:
        table = int(row["table"])
        counters[table] = counters.get(table, 0) + 1
        units.append(
            PublishedUnit(
                unit_id=f"{ID_PREFIX_OF_TABLE[table]}{counters[table]:02d}",
                table=table,
                level=row["level"].strip(),
                name=row["unit"].strip(),
                employees=int(row["employees"]),
                services=int(row["services"]),
                published_coefficient=float(row["published_coefficient"]),
                names=translated[(table, row["unit"].strip())],
            )
        )
    city = [u for u in units if u.name == CITY_NAME]
    if len(city) != 1 or city[0].unit_id != CITY_ID:
        raise ValueError(f"{path}: expected {CITY_NAME} as the last row of table 2 ({CITY_ID})")
    city_departments = [u for u in units if u.table == 3]
    if sum(u.services for u in city_departments) != city[0].services:
        # The whole construction rests on Table 3 breaking Uralsk City's services down.
        raise ValueError(f"{path}: Table 3 services do not add up to {CITY_NAME}'s")
    return tuple(units)


def read_volumes(data_dir: str | Path | None = None) -> dict[int, PublishedVolumes]:
    """Table 4 by year."""
    path = Path(data_dir or default_data_dir()) / VOLUMES_FILE
    with open(path, newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    return {
        int(row["year"]): PublishedVolumes(
            year=int(row["year"]),
            services_provided=int(row["services_provided"]),
            paper=int(row["paper"]),
            electronic=int(row["electronic_via_information_systems"]),
            electronic_share_percent=float(row["electronic_share_percent"]),
        )
        for row in rows
    }


# --- helpers ---------------------------------------------------------------------------------


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Whole numbers proportional to `weights` that add up to exactly `total`.

    Hamilton's method: floor every quota, then give the remaining units to the largest remainders
    (ties to the earlier position, so the result is deterministic).
    """
    weight_sum = math.fsum(weights)
    if total < 0 or weight_sum <= 0:
        raise ValueError("largest_remainder needs a total >= 0 and a positive weight")
    quotas = [total * w / weight_sum for w in weights]
    floors = [math.floor(q) for q in quotas]
    missing = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - floors[i]), i))
    for i in order[:missing]:
        floors[i] += 1
    return floors


def service_id(unit_id: str, number: int) -> str:
    """`R01-S03`: the third service of unit R01."""
    return f"{unit_id}-S{number:02d}"


@dataclass(frozen=True)
class ServiceSlot:
    """One published service: where it sits, its number there, and its display name."""

    unit_id: str
    number: int
    name: str


def own_employees(unit: PublishedUnit, units: Sequence[PublishedUnit]) -> int:
    """A unit's own staff, its children's excluded: the workbook's rule (a parent's totals are
    roll-ups, never its own record), so nobody is counted twice. Table 2's Uralsk City (192)
    includes its departments' 73 (Table 3): its own record has the other 119."""
    if unit.unit_id != CITY_ID:
        return unit.employees
    return unit.employees - sum(u.employees for u in units if u.table == 3)


def service_slots(units: Sequence[PublishedUnit]) -> list[ServiceSlot]:
    """One slot per distinct published service. Uralsk City's 49 (Table 2) are its departments'
    49 (Table 3): they are listed once, on the departments, and the city's own record has none
    (its 49 come back in its roll-up)."""
    return [
        ServiceSlot(unit.unit_id, k, f"{unit.name}, service {k}")
        for unit in units
        if unit.unit_id != CITY_ID
        for k in range(1, unit.services + 1)
    ]


# --- which services may move -----------------------------------------------------------------

# Pairs of departments of one group whose functions may be redistributed between them (the
# paper's third recommendation). Each is illustrative; the basis says why it is plausible.
# Districts: none - a district akimat serves its own residents, so a service cannot move to
# another district.
MOVABLE_PAIRS: tuple[tuple[str, str, str], ...] = (
    (
        "R01",
        "R10",
        "Uralsk City runs agriculture and entrepreneurship in one department (Table 3: "
        "Department of Entrepreneurship and Agriculture)",
    ),
    (
        "R07",
        "R12",
        "land relations and architectural and construction control share land-plot and "
        "building procedures (as C02-C05)",
    ),
    (
        "R08",
        "R15",
        "Uralsk City runs housing and utilities, transport and roads in one department (Table 3: "
        "Department of Housing and Utilities, Transport and Roads)",
    ),
    (
        "C02",
        "C05",
        "land relations, architecture and urban planning share land-plot and building-permit "
        "procedures and are often one department in district akimats",
    ),
    (
        "C05",
        "C06",
        "architecture and urban planning and housing, utilities and roads share construction "
        "and utility-connection procedures",
    ),
)


def partners() -> dict[str, tuple[str, ...]]:
    """Unit id -> the units its services may move to (besides staying)."""
    result: dict[str, set[str]] = {}
    for a, b, _reason in MOVABLE_PAIRS:
        result.setdefault(a, set()).add(b)
        result.setdefault(b, set()).add(a)
    return {unit: tuple(sorted(others)) for unit, others in sorted(result.items())}


def unit_records(units: Sequence[PublishedUnit], shares: Mapping[str, float]) -> tuple[Unit, ...]:
    return tuple(
        Unit(
            unit_id=u.unit_id,
            name=u.name,
            names=u.names,
            level=u.level,
            parent=CITY_ID if u.table == 3 else None,
            group=u.group,
            service_share=shares.get(u.unit_id, 1.0),
        )
        for u in units
    )
