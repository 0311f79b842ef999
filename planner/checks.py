"""Checking a Scenario built in code: `validate_scenario` finds what the workbook reader would refuse.

The reader checks a workbook cell by cell (planner.workbook); a Scenario made in Python never passes
through it, and the engine trusts what it is given (a service whose unit does not exist would be
silently left out of every group). So the same rules are checked here on the records themselves:
every problem is collected, none is fatal on its own, and each names the record it is about (unit
id, service id, the unit and skill of a staff cell) in the vocabulary of the workbook (the sheet
the record would sit in, and its column headers).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from numbers import Integral, Real

from planner.domain import (
    CoefficientMode,
    Scenario,
    Settings,
    char_name,
    invisible_characters,
    mixed_script,
    normalise_name,
    shown,
    skeleton,
)
from planner.errors import Problem, ProblemCode
from planner.i18n import N_, _, pgettext, pinned

__all__ = ["MAX_FRONTIER_BUDGETS", "RANGES", "Range", "range_problem", "validate_scenario"]

UNITS, STAFF, SERVICES, SETTINGS, SCENARIOS = "Units", "Staff", "Services", "Settings", "Scenarios"
RESERVED_VARIANT_NAMES = frozenset({"baseline"})


def _where(row: int | None) -> str:
    return f" (row {row})" if row is not None else ""


def _is_number(value: object) -> bool:
    # int and float first: a national scenario checks a few hundred thousand numbers.
    kind = type(value)
    if kind is float or kind is int:
        return True
    return isinstance(value, Real) and not isinstance(value, bool)


def _finite(value: object) -> bool:
    if type(value) is float:
        return math.isfinite(value)
    return _is_number(value) and math.isfinite(float(value))  # type: ignore[arg-type]


def _whole(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, Integral) or (_finite(value) and float(value).is_integer())  # type: ignore[arg-type]


@dataclass(frozen=True)
class Range:
    """The documented range of a numeric input beyond its sign: at most `most`, and when above
    0, at least `least` (None: any value above 0). `reason` says why, in a planner's words."""

    most: float | None  # None: the kind's own rule bounds it (a share is at most 1)
    reason: str
    least: float | None = None


_HEADCOUNT = Range(
    1_000_000,
    N_(
        "no unit has a million staff, and beyond that the solver's arithmetic is no longer exact enough to prove a plan optimal to one part in a million"
    ),
)
# Keyed by the input's name as the workbook reader compares headers and settings (lower case,
# no spaces): the same limits for a workbook cell and for a Scenario built in code.
RANGES: dict[str, Range] = {
    "employees": _HEADCOUNT,
    "minemployees": _HEADCOUNT,
    "maxemployees": _HEADCOUNT,
    "maxmoves": _HEADCOUNT,
    "newhires": _HEADCOUNT,
    "maxstaffmoves": _HEADCOUNT,
    "maxservicemoves": _HEADCOUNT,
    "volume": Range(
        1e12,
        N_(
            "a trillion transactions a year is more than any public service delivers, and larger loads lose the precision the proof of optimality needs"
        ),
    ),
    "volumescale": Range(1_000_000, N_("the scaled volume is checked against its own range too")),
    "minutes": Range(
        1_000_000,
        N_(
            "a million minutes, about ten years of one person's working time, per transaction is a typing error; and volume x minutes must stay within what the proof can carry exactly"
        ),
    ),
    "hoursperfte": Range(
        8_784, N_("the hours in a leap year; below 1 an employee has no time"), 1.0
    ),
    "serviceshare": Range(
        None,
        N_(
            "a share above 0 but below 0.0001 would make coefficients too large for the solver's tolerances"
        ),
        0.0001,
    ),
    "timelimit": Range(31_622_400, N_("the seconds in a leap year")),
    "wisntarget": Range(
        10,
        N_("a WISN ratio of 10 is ten times the staff the workload requires; studies aim at 1"),
    ),
}


# A group's model has one headcount per unit and skill: bounded so that a workbook cannot ask
# for a model that exhausts memory (5,000 skills x 1,000 units needed 22 GB).
MAX_SKILLS_PER_GROUP = 500
MAX_CELLS_PER_GROUP = 1_000_000  # units x skills of one group
# A frontier solves one model per budget: a thousand points is already hours on a national group,
# and a range like 0:100000000:1 must be refused when counted, never listed.
MAX_FRONTIER_BUDGETS = 1000


def group_size_problems(
    units_by_group: dict[str, int], skills_by_group: dict[str, set[str]]
) -> list[tuple[str, str]]:
    """(group, why) for each group with more skills, or unit-skill cells, than the bounds."""
    found = []
    for group in sorted(units_by_group):
        skills = len(skills_by_group.get(group, ()))
        cells = skills * units_by_group[group]
        if skills > MAX_SKILLS_PER_GROUP:
            found.append(
                (group, _("group {group!r} has {skills:,} skills, more than the {MAX_SKILLS_PER_GROUP:,} a group may have (each skill is a pool of its own: merge skills or split the group)").format(group=group, skills=skills, MAX_SKILLS_PER_GROUP=MAX_SKILLS_PER_GROUP))
            )  # fmt: skip
        elif cells > MAX_CELLS_PER_GROUP:
            found.append(
                (group, _("group {group!r} has {value1:,} units x {skills:,} skills = {cells:,} unit-skill cells, more than the {MAX_CELLS_PER_GROUP:,} a group may have (split the group)").format(group=group, value1=units_by_group[group], skills=skills, cells=cells, MAX_CELLS_PER_GROUP=MAX_CELLS_PER_GROUP))
            )  # fmt: skip
    return found


def scenario_group_sizes(
    scenario: Scenario,
) -> tuple[dict[str, int], dict[str, set[str]]]:
    units: dict[str, int] = {}
    skills: dict[str, set[str]] = {}
    group_of = {u.unit_id: u.group for u in scenario.units}
    for unit in scenario.units:
        units[unit.group] = units.get(unit.group, 0) + 1
    pairs = [(c.unit_id, c.skill) for c in scenario.staff]
    pairs += [(s.unit_id, s.skill) for s in scenario.services]
    pairs += [(h.unit_id, h.skill) for h in scenario.hires]
    for unit_id, skill in pairs:
        group = group_of.get(unit_id)
        if group is not None:
            skills.setdefault(group, set()).add(skill)
    return units, skills


def _plain(number: float) -> str:
    return f"{int(number):,}" if float(number).is_integer() else f"{number:g}"


def range_problem(key: str, label: str, value: object) -> str | None:
    """Why a number is outside its documented range (RANGES[key]), or None when it is inside
    (or is not a finite number: other checks name that)."""
    limit = RANGES.get(key)
    if limit is None or isinstance(value, bool) or not _finite(value):
        return None
    number = float(value)  # type: ignore[arg-type]
    if limit.most is not None and number > limit.most:
        return _("{label} must be at most {value1} ({reason})").format(
            label=label, value1=_plain(limit.most), reason=_(limit.reason)
        )
    if limit.least is not None and 0 < number < limit.least:
        return _("{label} must be at least {value1} ({reason})").format(
            label=label, value1=_plain(limit.least), reason=_(limit.reason)
        )
    return None


class _Found:
    """The problems found so far, in the order the checks run."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, sheet: str, value: object, expected: str, code: ProblemCode) -> None:
        self.problems.append(Problem(sheet, "", value, expected, code))


Describe = Callable[[], str]  # the record's description, built only when a problem is found


def _describe(text: str, *values: object, row: int | None = None) -> Describe:
    """`text` with `values` put in as repr (`{!r}`), and the row when known; formatted only when
    a problem is reported (a national scenario has tens of thousands of records)."""
    return lambda: text.format(*(repr(v) for v in values)) + _where(row)


def _check_count(
    found: _Found, sheet: str, what: Describe, label: str, value: object, *, optional: bool = True
) -> None:
    """A whole number of 0 or more (None allowed when `optional`)."""
    if value is None and optional:
        return
    if not _whole(value):
        found.add(
            sheet,
            value,
            _("{value1}: {label} must be a whole number").format(value1=what(), label=label),
            ProblemCode.NOT_WHOLE,
        )
    elif value < 0:  # type: ignore[operator]
        found.add(
            sheet,
            value,
            _("{value1}: {label} must be 0 or more").format(value1=what(), label=label),
            ProblemCode.NEGATIVE,
        )


def _check_amount(found: _Found, sheet: str, what: Describe, label: str, value: object) -> None:
    """A finite number of 0 or more."""
    if not _finite(value):
        found.add(
            sheet,
            value,
            _("{value1}: {label} must be an ordinary number").format(value1=what(), label=label),
            ProblemCode.NOT_FINITE,
        )
    elif value < 0:  # type: ignore[operator]
        found.add(
            sheet,
            value,
            _("{value1}: {label} must be 0 or more").format(value1=what(), label=label),
            ProblemCode.NEGATIVE,
        )


def _check_share(found: _Found, sheet: str, what: Describe, label: str, value: object) -> None:
    """A share between 0 and 1."""
    if not (_finite(value) and 0.0 <= value <= 1.0):  # type: ignore[operator]
        found.add(
            sheet,
            value,
            _("{value1}: {label} must be a share between 0 and 1").format(
                value1=what(), label=label
            ),
            ProblemCode.SHARE_RANGE,
        )


def _check_positive(
    found: _Found, sheet: str, what: Describe, label: str, value: object | None
) -> None:
    """None, or a finite number above 0."""
    if value is not None and not (_finite(value) and value > 0):  # type: ignore[operator]
        found.add(
            sheet,
            value,
            _("{value1}: {label} must be a number above 0").format(value1=what(), label=label),
            ProblemCode.NOT_POSITIVE,
        )


def _duplicates(
    found: _Found, sheet: str, label: str, ids: Iterable[tuple[str, int | None]]
) -> None:
    """Ids must be unique, ignoring case (as the reader compares them); blank ids are refused."""
    first: dict[str, str] = {}
    for value, row in ids:
        if not isinstance(value, str) or not value.strip():
            found.add(
                sheet, value, _("{label} is required (found a blank one){value1}").format(label=label, value1=_where(row)),
                ProblemCode.BLANK_REQUIRED,
            )  # fmt: skip
            continue
        folded = value.casefold()
        if folded in first:
            other = first[folded]
            same = (
                _("twice")
                if other == value
                else _("differs only in case from {other!r}").format(other=other)
            )
            found.add(
                sheet, value, _("{label} {value!r} is given {same}{value1}: ids must be unique").format(label=label, value=value, same=same, value1=_where(row)),
                ProblemCode.DUPLICATE_ID,
            )  # fmt: skip
        else:
            first[folded] = value


def _check_units(found: _Found, scenario: Scenario) -> None:
    _duplicates(
        found, UNITS, pgettext("header", "Unit ID"), ((u.unit_id, u.row) for u in scenario.units)
    )
    unit_ids = {u.unit_id for u in scenario.units}
    groups: dict[str, str] = {}
    # The labels translated once, not once per unit (a national scenario has thousands).
    min_label, max_label = pgettext("header", "Min employees"), pgettext("header", "Max employees")
    moves_label, share_label = pgettext("header", "Max moves"), pgettext("header", "Service share")
    hours_label = pgettext("header", "Hours per FTE")
    for unit in scenario.units:
        what = _describe("unit {}", unit.unit_id, row=unit.row)
        _check_count(
            found,
            UNITS,
            what,
            min_label,
            unit.min_employees,
            optional=False,
        )
        _check_count(found, UNITS, what, max_label, unit.max_employees)
        _check_count(found, UNITS, what, moves_label, unit.max_moves)
        low, high = unit.min_employees, unit.max_employees
        if _whole(low) and _whole(high) and low > high:  # type: ignore[operator]
            found.add(
                UNITS, low, _("{value1}: Min employees ({low}) is above Max employees ({high})").format(value1=what(), low=low, high=high),
                ProblemCode.MIN_ABOVE_MAX,
            )  # fmt: skip
        _check_share(found, UNITS, what, share_label, unit.service_share)
        _check_positive(found, UNITS, what, hours_label, unit.hours_per_fte)
        spelling = groups.setdefault(unit.group.casefold(), unit.group)
        if spelling != unit.group:
            found.add(
                UNITS, unit.group,
                _("{value1}: Group {unit.group!r} differs only in case from {spelling!r}: write it the same way everywhere").format(value1=what(), unit=unit, spelling=spelling),
                ProblemCode.CASE_MISMATCH,
            )  # fmt: skip
        if unit.parent is None:
            continue
        if unit.parent == unit.unit_id:
            found.add(
                UNITS,
                unit.parent,
                _("{value1} cannot be its own parent").format(value1=what()),
                ProblemCode.PARENT_CYCLE,
            )
        elif unit.parent not in unit_ids:
            found.add(
                UNITS, unit.parent, _("{value1}: Parent {unit.parent!r} is not a unit of the scenario").format(value1=what(), unit=unit),
                ProblemCode.UNKNOWN_PARENT,
            )  # fmt: skip
    _check_parent_cycles(found, scenario)


def _check_parent_cycles(found: _Found, scenario: Scenario) -> None:
    parents: dict[str, str] = {
        u.unit_id: u.parent
        for u in scenario.units
        if u.parent is not None and u.parent != u.unit_id
    }
    reported: set[str] = set()
    for start in sorted(parents):
        path = [start]
        while path[-1] in parents and parents[path[-1]] not in path:
            path.append(parents[path[-1]])
        last = path[-1]
        if last not in parents:
            continue
        loop = path[path.index(parents[last]) :]
        if reported & set(loop):
            continue
        reported |= set(loop)
        first = min(loop)
        cycle = loop[loop.index(first) :] + loop[: loop.index(first)] + [first]
        found.add(
            UNITS, first, _("the Parent of units goes round in a circle: ") + " -> ".join(cycle),
            ProblemCode.PARENT_CYCLE,
        )  # fmt: skip


def _check_staff(found: _Found, scenario: Scenario, unit_ids: set[str]) -> None:
    seen: dict[tuple[str, str], int | None] = {}
    staff_of = _("staff of unit {}, skill {}")  # once, not once per cell
    for cell in scenario.staff:
        what = _describe(staff_of, cell.unit_id, cell.skill, row=cell.row)
        if cell.unit_id not in unit_ids:
            found.add(
                STAFF, cell.unit_id, _("{value1}: Unit ID {cell.unit_id!r} is not a unit of the scenario").format(value1=what(), cell=cell),
                ProblemCode.UNKNOWN_UNIT,
            )  # fmt: skip
        _check_count(found, STAFF, what, "Employees", cell.employees, optional=False)
        key = (cell.unit_id, cell.skill)
        if key in seen:
            found.add(
                STAFF, f"{cell.unit_id} / {cell.skill}",
                _("{value1} is given twice: one headcount per unit and skill").format(value1=what()),
                ProblemCode.DUPLICATE_ID,
            )  # fmt: skip
        seen[key] = cell.row


def _check_services(found: _Found, scenario: Scenario, unit_ids: set[str]) -> None:
    _duplicates(
        found,
        SERVICES,
        pgettext("header", "Service ID"),
        ((s.service_id, s.row) for s in scenario.services),
    )
    group_of = {u.unit_id: u.group for u in scenario.units}
    digital_label = pgettext("header", "Digital share")  # once, not once per service
    for service in scenario.services:
        what = _describe("service {}", service.service_id, row=service.row)
        if service.unit_id not in unit_ids:
            found.add(
                SERVICES, service.unit_id,
                _("{value1}: Unit ID {service.unit_id!r} is not a unit of the scenario").format(value1=what(), service=service),
                ProblemCode.UNKNOWN_UNIT,
            )  # fmt: skip
        _check_amount(found, SERVICES, what, "Volume", service.volume)
        if service.minutes is not None:
            _check_amount(found, SERVICES, what, "Minutes", service.minutes)
        _check_share(found, SERVICES, what, digital_label, service.digital_share)
        own_group = group_of.get(service.unit_id)
        for unit_id in service.eligible_units:
            if unit_id not in unit_ids:
                found.add(
                    SERVICES, unit_id,
                    _("{value1}: Eligible units: {unit_id!r} is not a unit of the scenario").format(value1=what(), unit_id=unit_id),
                    ProblemCode.UNKNOWN_UNIT,
                )  # fmt: skip
            elif own_group is not None and group_of[unit_id] != own_group:
                found.add(
                    SERVICES, unit_id,
                    _("{value1}: Eligible units: {unit_id!r} is in group {value2!r}, but the service's unit is in group {own_group!r}; services move only within a group").format(value1=what(), unit_id=unit_id, value2=group_of[unit_id], own_group=own_group),
                    ProblemCode.ELIGIBLE_OTHER_GROUP,
                )  # fmt: skip


def _check_hires(found: _Found, scenario: Scenario, unit_ids: set[str]) -> None:
    for hire in scenario.hires:
        what = _describe(_("new hires for unit {}, skill {}"), hire.unit_id, hire.skill)
        if hire.unit_id not in unit_ids:
            found.add(
                SCENARIOS, hire.unit_id, _("{value1}: {hire.unit_id!r} is not a unit of the scenario").format(value1=what(), hire=hire),
                ProblemCode.UNKNOWN_UNIT,
            )  # fmt: skip
        _check_count(
            found, SCENARIOS, what, pgettext("header", "New hires"), hire.employees, optional=False
        )


def _check_settings(found: _Found, settings: Settings) -> None:
    what = _describe("settings")
    _check_count(
        found, SETTINGS, what, pgettext("setting", "max staff moves"), settings.max_staff_moves
    )
    _check_count(
        found, SETTINGS, what, pgettext("setting", "max service moves"), settings.max_service_moves
    )
    _check_positive(found, SETTINGS, what, pgettext("setting", "time limit"), settings.time_limit)
    if settings.mip_gap is not None:
        _check_share(found, SETTINGS, what, pgettext("setting", "mip gap"), settings.mip_gap)
    _check_positive(
        found, SETTINGS, what, pgettext("setting", "hours per fte"), settings.hours_per_fte
    )
    _check_positive(
        found, SETTINGS, what, pgettext("setting", "longest transfer"), settings.longest_transfer
    )
    _check_amount(
        found, SETTINGS, what, pgettext("setting", "overload margin"), settings.overload_margin
    )
    _check_share(
        found, SETTINGS, what, pgettext("setting", "keep staff share"), settings.keep_staff_share
    )
    _check_positive(found, SETTINGS, what, pgettext("setting", "wisn target"), settings.wisn_target)


def _check_hours_mode(found: _Found, scenario: Scenario) -> None:
    """In hours mode every unit needs Hours per FTE (its own or the default), every service its
    Minutes."""
    if scenario.settings.coefficient is not CoefficientMode.HOURS:
        return
    if scenario.settings.hours_per_fte is None:
        for unit in scenario.units:
            if unit.hours_per_fte is None:
                found.add(
                    UNITS, None,
                    _("unit {unit.unit_id!r}{value1}: Hours per FTE is required in hours mode (or set the settings' hours per fte)").format(unit=unit, value1=_where(unit.row)),
                    ProblemCode.MISSING_FOR_HOURS,
                )  # fmt: skip
    for service in scenario.services:
        if service.minutes is None:
            found.add(
                SERVICES, None,
                _("service {service.service_id!r}{value1}: Minutes is required in hours mode").format(service=service, value1=_where(service.row)),
                ProblemCode.MISSING_FOR_HOURS,
            )  # fmt: skip


def _check_wisn_mode(found: _Found, scenario: Scenario) -> None:
    """In wisn mode every service needs its staff per hour (set by planner.wisn.apply_wisn)."""
    if scenario.settings.coefficient is not CoefficientMode.WISN:
        return
    for service in scenario.services:
        if service.staff_per_hour is None or service.minutes is None:
            found.add(
                SERVICES, None,
                _("service {service.service_id!r}{value1}: wisn mode needs Minutes and the staff per hour of planner.wisn.apply_wisn").format(service=service, value1=_where(service.row)),
                ProblemCode.MISSING_FOR_WISN,
            )  # fmt: skip


def _check_variants(found: _Found, scenario: Scenario) -> None:
    """Variant names: unique and not `baseline` (their contents are checked when applied)."""
    seen: set[str] = set()
    for variant in scenario.variants:
        folded = variant.name.casefold()
        if folded in RESERVED_VARIANT_NAMES:
            found.add(
                SCENARIOS, variant.name,
                _("variant {variant.name!r}: the name is reserved for the base settings").format(variant=variant),
                ProblemCode.RESERVED_NAME,
            )  # fmt: skip
        elif folded in seen:
            found.add(
                SCENARIOS, variant.name, _("variant {variant.name!r} is given twice").format(variant=variant),
                ProblemCode.DUPLICATE_ID,
            )  # fmt: skip
        seen.add(folded)


def _check_names(found: _Found, sheet: str, label: str, names: Iterable[str]) -> None:
    """The identity rule of the reader (planner.domain.normalise_name) on names made in code: the
    engine compares names exactly, so two spellings that the reader would read as one name
    (Unicode form, spacing), or that only look alike (letters of another alphabet), would silently
    be two; invisible characters and words mixing alphabets are refused as in a workbook."""
    by_form: dict[str, str] = {}
    by_look: dict[str, str] = {}
    for name in sorted({n for n in names if isinstance(n, str)}):
        hidden = invisible_characters(name)
        if hidden:
            what = ", ".join(dict.fromkeys(char_name(ch) for ch in hidden))
            found.add(
                sheet, name, _("{label} {value1} holds an invisible character ({what})").format(label=label, value1=shown(name), what=what),
                ProblemCode.INVISIBLE_CHARACTER,
            )  # fmt: skip
            continue
        form = normalise_name(name)
        mixed = mixed_script(form)
        if mixed is not None:
            letters = ", ".join(dict.fromkeys(char_name(ch) for ch in mixed[1]))
            found.add(
                sheet, name,
                _("{label} {name!r} mixes look-alike letters of two alphabets in one word ({letters}); did you mean {value1!r}?").format(label=label, name=name, letters=letters, value1=mixed[0]),
                ProblemCode.CONFUSABLE,
            )  # fmt: skip
            continue
        other = by_form.setdefault(form, name)
        if other != name:
            found.add(
                sheet, name,
                _("{label} {value1} and {value2} differ only in Unicode form or spacing: the workbook reader reads both as {form!r}; use one spelling").format(label=label, value1=shown(name), value2=shown(other), form=form),
                ProblemCode.SPELLING_NORMALISED,
            )  # fmt: skip
            continue
        other = by_look.setdefault(skeleton(form), name)
        if other != name and other.casefold() != name.casefold():
            found.add(
                sheet, name,
                _("{label} {name!r} looks the same as {other!r} but is spelt with letters of another alphabet: names must be told apart by eye").format(label=label, name=name, other=other),
                ProblemCode.CONFUSABLE,
            )  # fmt: skip


def _check_sizes(found: _Found, scenario: Scenario) -> None:
    for group, why in group_size_problems(*scenario_group_sizes(scenario)):
        found.add(UNITS, group, why, ProblemCode.TOO_MANY_SKILLS)


def _check_identity(found: _Found, scenario: Scenario) -> None:
    _check_names(found, UNITS, pgettext("header", "Unit ID"), (u.unit_id for u in scenario.units))
    _check_names(found, UNITS, "Group", (u.group for u in scenario.units))
    _check_names(
        found, SERVICES, pgettext("header", "Service ID"), (s.service_id for s in scenario.services)
    )
    skills = [c.skill for c in scenario.staff] + [s.skill for s in scenario.services]
    _check_names(found, STAFF, "Skill", skills + [h.skill for h in scenario.hires])


def _check_ranges(found: _Found, scenario: Scenario) -> None:
    """Every number within its documented range (RANGES), as the workbook reader checks it."""

    def check(sheet: str, what: Describe, key: str, label: str, value: object) -> None:
        reason = range_problem(key, label, value)
        if reason is not None:
            found.add(sheet, value, f"{what()}: {reason}", ProblemCode.OUT_OF_RANGE)

    # The labels translated once, not once per record.
    min_label, max_label = pgettext("header", "Min employees"), pgettext("header", "Max employees")
    moves_label, share_label = pgettext("header", "Max moves"), pgettext("header", "Service share")
    hours_label, staff_of = pgettext("header", "Hours per FTE"), _("staff of unit {}, skill {}")
    for unit in scenario.units:
        what = _describe("unit {}", unit.unit_id, row=unit.row)
        check(UNITS, what, "minemployees", min_label, unit.min_employees)
        check(UNITS, what, "maxemployees", max_label, unit.max_employees)
        check(UNITS, what, "maxmoves", moves_label, unit.max_moves)
        check(UNITS, what, "serviceshare", share_label, unit.service_share)
        check(UNITS, what, "hoursperfte", hours_label, unit.hours_per_fte)
    for cell in scenario.staff:
        what = _describe(staff_of, cell.unit_id, cell.skill, row=cell.row)
        check(STAFF, what, "employees", "Employees", cell.employees)
    for service in scenario.services:
        what = _describe("service {}", service.service_id, row=service.row)
        check(SERVICES, what, "volume", "Volume", service.volume)
        check(SERVICES, what, "minutes", "Minutes", service.minutes)
    for hire in scenario.hires:
        what = _describe(_("new hires for unit {}, skill {}"), hire.unit_id, hire.skill)
        check(SCENARIOS, what, "newhires", pgettext("header", "New hires"), hire.employees)
    settings, what = scenario.settings, _describe("settings")
    check(
        SETTINGS,
        what,
        "maxstaffmoves",
        pgettext("setting", "max staff moves"),
        settings.max_staff_moves,
    )
    check(
        SETTINGS,
        what,
        "maxservicemoves",
        pgettext("setting", "max service moves"),
        settings.max_service_moves,
    )
    check(SETTINGS, what, "timelimit", pgettext("setting", "time limit"), settings.time_limit)
    check(
        SETTINGS, what, "hoursperfte", pgettext("setting", "hours per fte"), settings.hours_per_fte
    )
    check(SETTINGS, what, "wisntarget", pgettext("setting", "wisn target"), settings.wisn_target)


@pinned  # the locale looked up once, not for each of the records' labels
def validate_scenario(scenario: Scenario) -> list[Problem]:
    """Every problem of a Scenario that the workbook reader would refuse, in one pass.

    Checks units (ids unique and not blank, Min/Max employees and Max moves whole and not negative,
    Min not above Max, service share in 0..1, hours per FTE above 0, one spelling per group,
    parents that exist and form no circle), staff (a known unit, a whole headcount of 0 or more,
    one row per unit and skill), services (ids unique, a known unit, volume and minutes finite and
    not negative, digital share in 0..1, eligible units known and in the same group), new hires
    (a known unit, not negative), settings (limits not negative, time limit above 0, mip gap in
    0..1), what hours mode needs, and variant names. Returns the problems (empty: the scenario is
    sound); each names its record and has the reason code the reader uses.
    """
    found = _Found()
    unit_ids = {u.unit_id for u in scenario.units}
    _check_units(found, scenario)
    _check_identity(found, scenario)
    _check_ranges(found, scenario)
    _check_sizes(found, scenario)
    _check_staff(found, scenario, unit_ids)
    _check_services(found, scenario, unit_ids)
    _check_hires(found, scenario, unit_ids)
    _check_settings(found, scenario.settings)
    _check_hours_mode(found, scenario)
    _check_wisn_mode(found, scenario)
    _check_variants(found, scenario)
    return found.problems
