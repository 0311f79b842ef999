"""Frozen input data: what a validated scenario workbook says, and the one definition of load,
capacity and workload coefficient that the checker, the reports and the studies all use.

Variants of a scenario are made with `dataclasses.replace`, never by mutation. Every record keeps the
workbook row it came from (`row`, 1-based as Excel shows it; None when made in code) so that later
stages (infeasibility explanations, reports) can point a planner at the right line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from functools import cached_property, lru_cache
from types import MappingProxyType
from unicodedata import category, normalize
from unicodedata import name as unicode_name

from planner.errors import Problem
from planner.i18n import language as current_language

DEFAULT_SKILL = "general"
DEFAULT_GROUP = "all"


class CoefficientMode(StrEnum):
    """How a workload coefficient is measured."""

    COUNT = "count"  # services per employee, as the published tables
    HOURS = "hours"  # staff hours needed / staff hours available (WHO WISN): 1.0 is a full load
    # WHO WISN required staff / current staff (1 / the WISN ratio): a service brings its staff
    # needed x CAF (Service.staff_per_hour), an individual allowance its IAF; docs/wisn.md.
    WISN = "wisn"


class Objective(StrEnum):
    MINMAX = "minmax"  # smallest maximum coefficient, then fewest moves
    BALANCE = "balance"  # smallest total deviation from the group mean, then fewest moves
    # The worst first, then the next worst: minmax, then with the cells that must sit at the
    # maximum fixed there, the smallest maximum of the rest, level by level, then fewest moves.
    LEXIMAX = "leximax"

    @property
    def minimises_the_maximum(self) -> bool:
        """minmax and leximax: the headline objective is the highest coefficient."""
        return self is not Objective.BALANCE


class SolverName(StrEnum):
    HIGHS = "highs"  # HiGHS through highspy, the model handed over as arrays (fast)
    PULP_HIGHS = "pulp-highs"  # HiGHS through PuLP's HiGHS interface
    CBC = "cbc"  # CBC, shipped with PuLP 3


class SensitivityKind(StrEnum):
    """What a sensitivity item relaxes (SensitivityItem.kind): a str, so `kind == "binding unit"`
    holds for the member and its value alike."""

    BINDING_UNIT = "binding unit"  # a unit-skill cell at the maximum: one more employee there
    GROUP_STAFF_MOVE_LIMIT = "group staff move limit"
    GROUP_SERVICE_MOVE_LIMIT = "group service move limit"
    LOCKED_UNIT = "locked unit"
    UNIT_MAX_MOVES = "unit max moves"
    MAX_EMPLOYEES = "max employees"


@dataclass(frozen=True)
class Unit:
    """An organisational unit (department, district) that employs staff and delivers services."""

    unit_id: str
    name: str = ""
    level: str = ""
    parent: str | None = None
    group: str = DEFAULT_GROUP
    min_employees: int = 0
    max_employees: int | None = None
    max_moves: int | None = None
    locked: bool = False
    service_share: float = 1.0
    hours_per_fte: float | None = None
    row: int | None = None
    # The name in other languages, (language, name) pairs sorted by language: the Units sheet's
    # optional `Name (kk)` and `Name (ru)` columns. `name` is the name as written in Name.
    names: tuple[tuple[str, str], ...] = ()

    def name_in(self, language: str) -> str:
        """The name in `language` (kk, ru), else the Name, else the id."""
        return dict(self.names).get(language) or self.name or self.unit_id

    @property
    def label(self) -> str:
        """The name a planner reads, in the current language, falling back to Name and the id."""
        if self.names:
            return self.name_in(current_language())
        return self.name or self.unit_id


@dataclass(frozen=True)
class StaffCell:
    """Current headcount of one skill in one unit."""

    unit_id: str
    skill: str
    employees: int
    row: int | None = None


@dataclass(frozen=True)
class Service:
    """A public service and the unit currently responsible for delivering it."""

    service_id: str
    unit_id: str
    name: str = ""
    skill: str = DEFAULT_SKILL
    volume: float = 1.0
    minutes: float | None = None
    digital_share: float = 0.0
    movable: bool = False
    eligible_units: tuple[str, ...] = ()  # empty: any unit of the same group
    row: int | None = None
    # wisn mode: staff required per hour of this service's yearly workload, CAF / AWT in hours
    # of its unit and skill (1 / AWT for an individual allowance); set by planner.wisn.
    staff_per_hour: float | None = None
    allowance: bool = False  # wisn mode: a cell's individual allowances, not a service to deliver
    # The 80% range of the yearly volume (P10, P90) for Monte Carlo; None: the volume is certain.
    volume_low: float | None = None
    volume_high: float | None = None
    # The same for minutes per transaction and for the digital share.
    minutes_low: float | None = None
    minutes_high: float | None = None
    digital_share_low: float | None = None
    digital_share_high: float | None = None

    @property
    def hours(self) -> float:
        """Staff hours per year this service needs: volume x minutes / 60 x (1 - digital share)."""
        return self.volume * (self.minutes or 0.0) / 60.0 * (1.0 - self.digital_share)


@dataclass(frozen=True)
class Settings:
    """Solve settings from the Settings sheet (or a variant's overrides)."""

    coefficient: CoefficientMode = CoefficientMode.COUNT
    objective: Objective = Objective.MINMAX
    allow_staff_moves: bool = True
    allow_service_moves: bool = True
    max_staff_moves: int | None = None  # per group
    max_service_moves: int | None = None  # per group
    time_limit: float | None = None  # seconds for each group's whole search
    mip_gap: float | None = None  # relative; None: prove optimality
    split_services: bool = False
    solver: SolverName = SolverName.HIGHS
    hours_per_fte: float | None = None  # default for units whose Hours per FTE is blank
    overload_margin: float = 0.10  # a unit is flagged overloaded above group mean x (1 + margin)
    # A plan keeps at least this share of each unit's staff, and one employee of each skill its
    # services need (staff_to_keep); 0 allows a plan to empty a unit. Abolishing a department is
    # not a staffing decision, so a plan does not do it unless the workbook says it may.
    keep_staff_share: float = 0.25
    samples: int | None = None  # Monte Carlo samples of `planner solve` (--samples); None: none
    # The longest transfer allowed, in the measure of the Distances sheet (km or minutes); None:
    # no limit. With a Distances sheet, a transfer between units with no distance is not allowed.
    longest_transfer: float | None = None
    # wisn: the smallest WISN ratio (current / required staff) every cell should reach; with it,
    # `planner solve` also finds the fewest new hires that reach it (planner.studies.wisn_hires).
    wisn_target: float | None = None
    # The language of messages and results (kk, ru, en); None: the command's --lang or the
    # computer's locale decides (planner.i18n.resolve_language).
    language: str | None = None


def staff_to_keep(employees: int, share: float) -> int:
    """The fewest employees a plan leaves in a unit that starts with `employees`: the share
    rounded up (a unit of 3 at 0.25 keeps 1), 0 when the share is 0 (emptying allowed). The model
    and the independent check both use this one definition."""
    if share <= 0 or employees <= 0:
        return 0
    return min(employees, math.ceil(employees * share - 1e-9))


def skills_to_keep(
    staffed: Iterable[str], services: Iterable[Service], share: float
) -> frozenset[str]:
    """The skills of which a unit keeps at least one employee: those its own services need and
    it has staff of (none when the share is 0)."""
    if share <= 0:
        return frozenset()
    return frozenset(staffed) & {s.skill for s in services}


# The names of the settings (the fields of Settings, in order); the workbook format describes each
# of them once in planner.workbook.layout.SETTINGS_LIST.
SETTING_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Settings))


@dataclass(frozen=True)
class Hire:
    """New headcount added by a variant (it does not come from another unit)."""

    unit_id: str
    employees: int
    skill: str = DEFAULT_SKILL


@dataclass(frozen=True)
class ServiceAdjustment:
    """A variant's change to services: `target` is a service id, `skill:<skill>` or `*` (all)."""

    target: str
    value: float


@dataclass(frozen=True)
class Variant:
    """A named option from the Scenarios sheet: overrides applied on top of the base scenario."""

    name: str
    description: str = ""
    settings: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    hires: tuple[Hire, ...] = ()
    volume_scale: tuple[ServiceAdjustment, ...] = ()  # multiply Volume
    digital_share: tuple[ServiceAdjustment, ...] = ()  # set Digital share
    lock_units: tuple[str, ...] = ()
    row: int | None = None

    # The settings are a read-only mapping, which does not pickle: pickled as a dict.
    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "settings": dict(self.settings)}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state, settings=MappingProxyType(dict(state["settings"])))  # type: ignore[call-overload]


class DecisionKind(StrEnum):
    """What a planner decided about one part of the plan (the Decisions sheet's Decision)."""

    PIN_TRANSFER = "pin transfer"  # at least `employees` of `skill` go from `unit_id` to `to_unit`
    FORBID_TRANSFER = "forbid transfer"  # none of `skill` (blank: any) go from unit_id to to_unit
    PIN_SERVICE = "pin service"  # `service_id` is delivered at `unit_id`
    FORBID_SERVICE = "forbid service"  # `service_id` is not delivered at `unit_id`
    FIX_HEADCOUNT = "fix headcount"  # `unit_id` ends with `employees` (of `skill`, if given)

    @property
    def is_transfer(self) -> bool:
        return self in (DecisionKind.PIN_TRANSFER, DecisionKind.FORBID_TRANSFER)

    @property
    def is_service(self) -> bool:
        return self in (DecisionKind.PIN_SERVICE, DecisionKind.FORBID_SERVICE)


@dataclass(frozen=True)
class Decision:
    """A planner's decision that every plan must keep; the planner re-optimises around it.

    Transfers are of net headcount, as the result lists them (a unit that loses staff sends, one
    that gains receives): pinning 2 nurses from A to B means the plan's transfers have at least 2
    nurses from A to B. `where` is the cell a problem with it names ("Decisions!A3")."""

    kind: DecisionKind
    unit_id: str  # the unit: the sending unit of a transfer
    to_unit: str | None = None  # the receiving unit of a transfer
    skill: str | None = None  # transfers and headcounts; None: the unit's only skill / all skills
    service_id: str | None = None  # pin / forbid service
    employees: int | None = None  # pin transfer: how many (>= 1); fix headcount: the headcount
    row: int | None = None
    where: str = ""  # sheet and cell of the decision ("Decisions!A3"); "" when made in code

    @property
    def label(self) -> str:
        """The decision in words: 'pin transfer A -> B, 2 nurse'."""
        if self.kind.is_transfer:
            amount = f", {self.employees}" if self.employees is not None else ""
            skill = f" {self.skill}" if self.skill else ""
            return f"{self.kind} {self.unit_id} -> {self.to_unit}{amount}{skill}".rstrip(",")
        if self.kind.is_service:
            return f"{self.kind} {self.service_id} at {self.unit_id}"
        skill = f" {self.skill}" if self.skill else ""
        return f"{self.kind} {self.unit_id} = {self.employees}{skill}"

    @property
    def source(self) -> str:
        """Where the decision came from, for messages: its cell, or the decision itself."""
        return self.where or f"decision {self.label!r}"


class DistanceMeasure(StrEnum):
    """What the Distances sheet measures (its column header)."""

    KM = "km"
    MINUTES = "minutes"


@dataclass(frozen=True)
class Distance:
    """How far staff travel from one unit to another (the Distances sheet); the same both ways
    unless the other direction has a row of its own."""

    from_unit: str
    to_unit: str
    value: float
    row: int | None = None


def distance_table(distances: Iterable[Distance]) -> dict[tuple[str, str], float]:
    """(from, to) -> distance, both directions: a row's own direction, and the other direction
    too unless that has a row of its own. The one reading of the sheet everyone uses."""
    listed = list(distances)
    table = {(d.to_unit, d.from_unit): d.value for d in listed}
    table.update({(d.from_unit, d.to_unit): d.value for d in listed})
    return table


@dataclass(frozen=True)
class HistoryPoint:
    """One year of a History sheet series: the volume of `target` (a service id, a unit id,
    `skill:<skill>` or `*`, as in Volume scale) and, optionally, its digital share that year."""

    target: str
    year: int
    volume: float
    digital_share: float | None = None
    row: int | None = None


@dataclass
class GroupRecords:
    """The records of one group, in scenario order (see Scenario.by_group)."""

    units: list[Unit] = field(default_factory=list)
    staff: list[StaffCell] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    hires: list[Hire] = field(default_factory=list)


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: units, staff by skill, services, settings and named variants.

    Sequences are sorted by id so that everything built from a scenario is deterministic.
    """

    name: str
    units: tuple[Unit, ...]
    staff: tuple[StaffCell, ...]
    services: tuple[Service, ...]
    settings: Settings = Settings()
    variants: tuple[Variant, ...] = ()
    hires: tuple[Hire, ...] = ()  # set by a variant: headcount added from outside
    history: tuple[HistoryPoint, ...] = ()  # the History sheet, sorted by (target, year)
    decisions: tuple[Decision, ...] = ()  # the Decisions sheet: what every plan must keep
    distances: tuple[Distance, ...] = ()  # the Distances sheet: how far transfers travel
    distance_measure: DistanceMeasure = DistanceMeasure.KM
    source_path: str | None = None
    source_sha256: str | None = None
    warnings: tuple[Problem, ...] = ()  # found while reading; shown, never fatal

    def unit(self, unit_id: str) -> Unit:
        return self._units_by_id[unit_id]

    def __getstate__(self) -> dict[str, object]:
        # The cached indexes (read-only mappings, which do not pickle) are left out: they are
        # rebuilt from the records on first use, so a Scenario and a Result pickle whole (a
        # worker process, a cluster, a cache of finished jobs).
        return {k: v for k, v in self.__dict__.items() if k not in _SCENARIO_CACHES}

    @cached_property
    def _units_by_id(self) -> Mapping[str, Unit]:
        # cached_property writes to the instance __dict__, which a frozen dataclass allows.
        return MappingProxyType({u.unit_id: u for u in self.units})

    @cached_property
    def by_group(self) -> Mapping[str, GroupRecords]:
        """Each group's units, staff, services and hires, in one pass over the scenario (a
        national scenario has 300 groups and 57,000 services: filtering per group is quadratic)."""
        group_of = {u.unit_id: u.group for u in self.units}
        records: dict[str, GroupRecords] = {
            g: GroupRecords() for g in sorted(set(group_of.values()))
        }
        for unit in self.units:
            records[unit.group].units.append(unit)
        for name, items in (
            ("staff", self.staff),
            ("services", self.services),
            ("hires", self.hires),
        ):
            for item in items:
                group = group_of.get(item.unit_id)
                if group is not None:
                    getattr(records[group], name).append(item)
        return MappingProxyType(records)

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(sorted({u.group for u in self.units}))

    @property
    def skills(self) -> tuple[str, ...]:
        return tuple(sorted({c.skill for c in self.staff} | {s.skill for s in self.services}))

    def employees(self, unit_id: str) -> int:
        return sum(c.employees for c in self.staff if c.unit_id == unit_id)

    @property
    def total_employees(self) -> int:
        return sum(c.employees for c in self.staff)


# The cached indexes of a Scenario (left out when it is pickled).
_SCENARIO_CACHES = frozenset(
    name for name, value in vars(Scenario).items() if isinstance(value, cached_property)
)


# --- load, capacity and coefficient: the one definition --------------------------------------


def service_load(service: Service, settings: Settings) -> float:
    """Load of one service: 1 in count mode, its staff hours per year in hours mode, the staff it
    requires in wisn mode (hours x CAF / AWT: WISN staff needed x CAF, or an IAF)."""
    if settings.coefficient is CoefficientMode.HOURS:
        return service.hours
    if settings.coefficient is CoefficientMode.WISN:
        return service.hours * (service.staff_per_hour or 0.0)
    return 1.0


def unit_capacity(unit: Unit, settings: Settings) -> float:
    """Load one employee of the unit carries at coefficient 1: its service share in count mode,
    times its hours per FTE (or the settings' default) in hours mode, 1 in wisn mode (one
    employee is one staff; the CAS are in the load through the CAF)."""
    if settings.coefficient is CoefficientMode.WISN:
        return 1.0
    if settings.coefficient is CoefficientMode.HOURS:
        hours = unit.hours_per_fte or settings.hours_per_fte or 0.0
        return unit.service_share * hours
    return unit.service_share


def coefficient(load: float, capacity: float) -> float:
    """The workload coefficient load / capacity: infinite for load with no capacity, 0 for none."""
    if capacity > 0:
        return load / capacity
    return math.inf if load > 0 else 0.0


# --- identity: how ids, groups and skills are compared ---------------------------------------
#
# One rule everywhere (the workbook reader, validate_scenario): a name is compared after Unicode
# NFKC normalisation with every run of whitespace collapsed to one space and the ends trimmed, so
# "é" typed precomposed (NFC) or as e + combining accent (NFD), a no-break or doubled inner space,
# and full-width letters all give one name. What normalisation cannot settle is refused, never
# guessed: invisible format characters inside a name (zero-width space, right-to-left mark, soft
# hyphen), a word that mixes Latin with Cyrillic or Greek look-alike letters ("Сity" with a
# Cyrillic С), and two names that differ only by such look-alikes.

# Cyrillic and Greek letters that look like a Latin letter (the confusables that matter for the
# Kazakh, Russian and English workbooks this planner reads), with their Latin twin.
_LOOKALIKE_LATIN: dict[str, str] = {
    # Cyrillic capitals, then small letters
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K", "М": "M",
    "О": "O", "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y", "Ү": "Y", "Ԛ": "Q", "Ԝ": "W",
    "Ӏ": "I",
    "а": "a", "с": "c", "е": "e", "і": "i", "ј": "j", "о": "o", "р": "p", "ѕ": "s", "х": "x",
    "у": "y", "ү": "y", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    # Greek capitals, then small letters
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    "ο": "o", "ν": "v",
}  # fmt: skip
# The other way, for a Latin letter slipped into a Cyrillic word (first Cyrillic twin wins).
_LOOKALIKE_CYRILLIC: dict[str, str] = {}
for _other, _latin in _LOOKALIKE_LATIN.items():
    if "CYRILLIC" in unicode_name(_other):
        _LOOKALIKE_CYRILLIC.setdefault(_latin, _other)
_CONFUSABLE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


def normalise_name(text: str) -> str:
    """A name as compared and stored: NFKC, whitespace runs collapsed to one space, trimmed."""
    if text.isascii():
        return " ".join(text.split()) if ("  " in text or not text.isprintable()) else text.strip()
    return _normalise_unicode(text)


@lru_cache(maxsize=65536)
def _normalise_unicode(text: str) -> str:
    return " ".join(normalize("NFKC", text).split())


def char_name(ch: str) -> str:
    """'U+0421 CYRILLIC CAPITAL LETTER ES'."""
    return f"U+{ord(ch):04X} {unicode_name(ch, 'unnamed character')}"


def invisible_characters(text: str) -> list[str]:
    """The invisible format characters (Unicode category Cf) in `text`, in order."""
    if text.isascii():
        return []
    return [ch for ch in text if category(ch) == "Cf"]


def shown(text: str) -> str:
    """`text` quoted with what the eye cannot tell apart escaped: combining marks, invisible
    and unusual spaces, and characters that NFKC changes ('Caf' + 'e\\u0301')."""
    if text.isascii() and text.isprintable():
        return repr(text)
    parts = []
    for ch in text:
        kind = category(ch)
        odd = kind in ("Mn", "Me", "Cf", "Cc", "Zl", "Zp") or (kind == "Zs" and ch != " ")
        if odd or normalize("NFKC", ch) != ch:
            parts.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            parts.append(ch)
    return "'" + "".join(parts).replace("'", "\\'") + "'"


def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    head = unicode_name(ch, "").split(" ", 1)[0]
    return head if head in _CONFUSABLE_SCRIPTS else None


def mixed_script(text: str) -> tuple[str, list[str]] | None:
    """For a name with a word mixing Latin and Cyrillic (or Greek) letters where a minority
    letter looks like a letter of the word's main script: (the name with those letters replaced,
    the look-alike letters). None when every word is in one script (words may differ: "ЦОН Uralsk"
    is fine)."""
    if text.isascii():
        return None
    suggestion = list(text)
    lookalikes: list[str] = []
    start = 0
    while start < len(text):
        if not text[start].isalpha():
            start += 1
            continue
        end = start
        while end < len(text) and text[end].isalpha():
            end += 1
        scripts = [_script(ch) for ch in text[start:end]]
        counted = {s: scripts.count(s) for s in set(scripts) if s is not None}
        if len(counted) > 1:
            # The word's main script: the most letters; a tie goes to Latin.
            main = max(counted, key=lambda s: (counted[s], s == "LATIN"))
            for index in range(start, end):
                ch = text[index]
                if scripts[index - start] in (None, main):
                    continue
                twin = (
                    _LOOKALIKE_LATIN.get(ch)
                    if main == "LATIN"
                    else _LOOKALIKE_CYRILLIC.get(_LOOKALIKE_LATIN.get(ch, ch))
                    if main == "CYRILLIC"
                    else None
                )
                if twin is not None:
                    suggestion[index] = twin
                    lookalikes.append(ch)
        start = end
    return ("".join(suggestion), lookalikes) if lookalikes else None


def skeleton(text: str) -> str:
    """What a name looks like: look-alike Cyrillic and Greek letters as their Latin twins, case
    folded. Two names with one skeleton but different spellings cannot be told apart by eye."""
    if text.isascii():
        return text.casefold()
    return "".join(_LOOKALIKE_LATIN.get(ch, ch) for ch in text).casefold()


def lookalike_letters(text: str, other: str) -> list[str]:
    """The letters of `text` that differ from `other` only by being look-alikes."""
    return [a for a, b in zip(text, other, strict=False) if a != b and a in _LOOKALIKE_LATIN]
