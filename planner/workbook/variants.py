"""The Scenarios sheet: named variants, each a set of overrides on top of the base scenario.

Cells of the four list columns use a small language, one item per `;`:
- New hires:     `unit[:skill]=count`, e.g. `D05=10; D07:legal=2` (skill `general` when left out);
- Volume scale:  `target=factor`, target a Service ID, `skill:<skill>` or `*` (every service);
- Digital share: `target=share`, share in 0..1 or a percentage (`62.6%`);
- Lock units:    `unit; unit; ...`.
Setting columns hold a setting's value; blank inherits the Settings sheet, `none` lifts a cap.

`apply_variant` turns a base scenario and a variant into the scenario the variant describes, and
`options` lists every option of a workbook (its `baseline` first) for `planner compare`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from types import MappingProxyType
from typing import Any

from planner.domain import (
    DEFAULT_SKILL,
    CoefficientMode,
    Hire,
    Scenario,
    Service,
    ServiceAdjustment,
    Settings,
    Variant,
)
from planner.errors import InputError, Problem, ProblemCode
from planner.workbook.cells import CellError, clean_text, parse_number, parse_text
from planner.workbook.layout import SCENARIOS, SETTINGS_BY_FIELD, SETTINGS_LIST
from planner.workbook.tables import (
    INHERIT,
    INVALID,
    IdIndex,
    Problems,
    Spelling,
    Table,
    read_cell,
    read_setting_value,
)

RESERVED_NAMES = frozenset({"baseline"})
_HIRE = re.compile(r"(?P<unit>[^:=]+?)\s*(?::\s*(?P<skill>[^=]+?)\s*)?=\s*(?P<count>.+)")
_ADJUSTMENT = re.compile(r"(?P<target>.+?)\s*=\s*(?P<value>.+)")

HIRES_SYNTAX = "New hires must look like D05=10; D07:legal=2 (unit[:skill]=count, separated by ;)"
SCALE_SYNTAX = (
    "Volume scale must look like S001=1.2; skill:legal=0.9; *=1.1 "
    "(target=factor, target a Service ID, skill:<skill> or *)"
)
SHARE_SYNTAX = (
    "Digital share must look like S001=0.7; skill:legal=80%; *=0.626 "
    "(target=share, target a Service ID, skill:<skill> or *)"
)


class _Context:
    """What a variant's cells may refer to, and where problems go."""

    def __init__(
        self,
        problems: Problems,
        sheet: str,
        units: IdIndex,
        services: Sequence[Service],
        skills: Spelling,
    ) -> None:
        self.problems = problems
        self.sheet = sheet
        self.units = units
        self.service_ids = {s.service_id for s in services}
        self.service_folded = {s.service_id.casefold(): s.service_id for s in services}
        self.service_skills = {s.skill for s in services}
        self.skills = skills

    def error(self, cell: str, value: object, expected: str, code: ProblemCode) -> None:
        self.problems.error(self.sheet, cell, value, expected, code)


def _items(text: str) -> list[str]:
    return [item for item in (clean_text(part) for part in text.split(";")) if item]


def _parse_hires(text: str, cell: str, context: _Context) -> tuple[Hire, ...] | Any:
    hires: list[Hire] = []
    ok = True
    for item in _items(text):
        match = _HIRE.fullmatch(item)
        if not match:
            context.error(
                cell, text, f"{HIRES_SYNTAX}; cannot read {item!r}", ProblemCode.BAD_SYNTAX
            )
            ok = False
            continue
        unit_id = clean_text(match["unit"])
        skill = clean_text(match["skill"] or "") or DEFAULT_SKILL
        if unit_id not in context.units:
            context.error(
                cell, text, f"New hires: {context.units.unknown(unit_id)}", ProblemCode.UNKNOWN_UNIT
            )
            ok = False
            continue
        context.skills.check(context.problems, context.sheet, cell, skill)
        try:
            count = parse_number(clean_text(match["count"]), f"New hires for {unit_id}", whole=True)
        except CellError as error:
            context.error(cell, text, error.expected, error.code)
            ok = False
            continue
        hires.append(Hire(unit_id=unit_id, employees=int(count), skill=skill))
    return tuple(hires) if ok else INVALID


def _parse_adjustments(
    text: str,
    cell: str,
    context: _Context,
    syntax: str,
    label: str,
    parse_value: Callable[[str], float],
) -> tuple[ServiceAdjustment, ...] | Any:
    adjustments: list[ServiceAdjustment] = []
    ok = True
    for item in _items(text):
        match = _ADJUSTMENT.fullmatch(item)
        if not match:
            context.error(cell, text, f"{syntax}; cannot read {item!r}", ProblemCode.BAD_SYNTAX)
            ok = False
            continue
        target = clean_text(match["target"])
        if target.casefold().startswith("skill:"):
            skill = clean_text(target[len("skill:") :])
            target = f"skill:{skill}"
            context.skills.check(context.problems, context.sheet, cell, skill)
            if skill not in context.service_skills:
                context.problems.warn(
                    context.sheet,
                    cell,
                    text,
                    f"{label}: no service needs skill {skill!r}, so {target!r} changes nothing",
                    ProblemCode.UNKNOWN_SKILL,
                )
        elif target != "*" and target not in context.service_ids:
            near = context.service_folded.get(target.casefold())
            hint = f" (did you mean {near!r}?)" if near else ""
            context.error(
                cell,
                text,
                f"{label}: {target!r} is not a Service ID of this workbook{hint}",
                ProblemCode.UNKNOWN_SERVICE,
            )
            ok = False
            continue
        try:
            value = parse_value(clean_text(match["value"]))
        except CellError as error:
            context.error(cell, text, error.expected, error.code)
            ok = False
            continue
        adjustments.append(ServiceAdjustment(target=target, value=float(value)))
    return tuple(adjustments) if ok else INVALID


def _parse_locks(text: str, cell: str, context: _Context) -> tuple[str, ...] | Any:
    locks: list[str] = []
    ok = True
    for unit_id in _items(text):
        if unit_id not in context.units:
            hint = " (separate unit ids with ;)" if "," in unit_id else ""
            context.error(
                cell,
                text,
                f"Lock units: {context.units.unknown(unit_id)}{hint}",
                ProblemCode.UNKNOWN_UNIT,
            )
            ok = False
        elif unit_id not in locks:
            locks.append(unit_id)
    return tuple(locks) if ok else INVALID


def read_variants(
    table: Table | None,
    problems: Problems,
    units: IdIndex,
    services: Sequence[Service],
    skills: Spelling,
    settings: Settings,
) -> tuple[list[Variant], list[tuple[str, str, float | None]]]:
    """The variants of the Scenarios sheet, in sheet order, and the variants that switch to hours
    mode as (name, Coefficient cell, their hours-per-FTE default) for the hours-mode check."""
    if table is None:
        return [], []
    sheet = table.sheet
    if "name" not in table.columns:
        problems.error(
            sheet, "", None, "the Scenarios sheet has no Name column", ProblemCode.MISSING_COLUMN
        )
        return [], []
    context = _Context(problems, sheet, units, services, skills)
    names = IdIndex("variant")
    variants: list[Variant] = []
    hours_variants: list[tuple[str, str, float | None]] = []
    setting_columns = [s for s in SETTINGS_LIST if s.key in table.columns]

    def text_of(key: str, row_number: int, cells: dict) -> tuple[str, str]:
        if key not in table.columns:
            return "", ""
        cell = table.coordinate(key, row_number)
        value = read_cell(
            problems,
            sheet,
            cell,
            cells.get(table.columns[key]),
            parse_text,
            label=SCENARIOS.column(key).header,
            default="",
        )
        return ("" if value is INVALID else value), cell

    for row_number, cells in table.rows:
        name_cell = table.coordinate("name", row_number)
        name = read_cell(
            problems,
            sheet,
            name_cell,
            cells.get(table.columns["name"]),
            parse_text,
            label="Name",
            required=True,
        )
        if name is INVALID:
            continue
        if name.casefold() in RESERVED_NAMES:
            problems.error(
                sheet,
                name_cell,
                name,
                f"the name {name!r} is reserved for the base settings: choose another",
                ProblemCode.RESERVED_NAME,
            )
            continue
        if not names.add(problems, sheet, name_cell, name, "Variant name"):
            continue
        overrides: dict[str, object] = {}
        valid = True
        for setting in setting_columns:
            cell = table.coordinate(setting.key, row_number)
            value = read_setting_value(
                problems, sheet, cell, cells.get(table.columns[setting.key]), setting
            )
            if value is INVALID:
                valid = False
            elif value is not INHERIT:
                overrides[setting.field] = value
        if overrides.get("coefficient") is CoefficientMode.HOURS:
            hours_default = overrides.get("hours_per_fte", settings.hours_per_fte)
            hours_variants.append(
                (name, table.coordinate("coefficient", row_number), hours_default)
            )
        description, _ = text_of("description", row_number, cells)
        hires_text, hires_cell = text_of("newhires", row_number, cells)
        scale_text, scale_cell = text_of("volumescale", row_number, cells)
        share_text, share_cell = text_of("digitalshare", row_number, cells)
        locks_text, locks_cell = text_of("lockunits", row_number, cells)
        hires = _parse_hires(hires_text, hires_cell, context)
        volume_scale = _parse_adjustments(
            scale_text,
            scale_cell,
            context,
            SCALE_SYNTAX,
            "Volume scale",
            lambda text: parse_number(text, "Volume scale factor"),
        )
        digital_share = _parse_adjustments(
            share_text,
            share_cell,
            context,
            SHARE_SYNTAX,
            "Digital share",
            lambda text: parse_number(text, "Digital share", share=True),
        )
        locks = _parse_locks(locks_text, locks_cell, context)
        if not valid or INVALID in (hires, volume_scale, digital_share, locks):
            continue
        variants.append(
            Variant(
                name=name,
                description=description,
                settings=MappingProxyType(overrides),
                hires=hires,
                volume_scale=volume_scale,
                digital_share=digital_share,
                lock_units=locks,
                row=row_number,
            )
        )
    return variants, hours_variants


# --- applying a variant ------------------------------------------------------------------------

BASELINE = "baseline"


def _matches(target: str, service: Service) -> bool:
    """Whether an adjustment's target (service id, `skill:<skill>` or `*`) names this service."""
    if target == "*":
        return True
    if target.startswith("skill:"):
        return service.skill == target[len("skill:") :]
    return service.service_id == target


def _problem(variant: Variant, expected: str, value: object, code: ProblemCode) -> Problem:
    # A variant made in code has no row; one read from a workbook points at its Name cell.
    cell = f"A{variant.row}" if variant.row is not None else ""
    return Problem(SCENARIOS.name, cell, value, f"variant {variant.name!r}: {expected}", code)


def _check(scenario: Scenario, variant: Variant) -> None:
    """Refuse a variant that names things the scenario does not have (variants built in code are
    not checked by the reader; a silent no-op would compare an option that was never applied)."""
    problems: list[Problem] = []
    for name in variant.settings:
        if name not in SETTINGS_BY_FIELD:
            problems.append(_problem(variant, "unknown setting", name, ProblemCode.UNKNOWN_SETTING))
    unit_ids = {u.unit_id for u in scenario.units}
    for hire in variant.hires:
        if hire.unit_id not in unit_ids:
            problems.append(
                _problem(variant, "New hires: unknown unit", hire.unit_id, ProblemCode.UNKNOWN_UNIT)
            )
        if hire.employees < 0:
            problems.append(
                _problem(
                    variant, "New hires must be 0 or more", hire.employees, ProblemCode.NEGATIVE
                )
            )
    for unit_id in variant.lock_units:
        if unit_id not in unit_ids:
            problems.append(
                _problem(variant, "Lock units: unknown unit", unit_id, ProblemCode.UNKNOWN_UNIT)
            )
    for adjustment in variant.volume_scale:
        if not adjustment.value >= 0:  # also refuses NaN
            problems.append(
                _problem(
                    variant,
                    "a volume scale must be 0 or more",
                    adjustment.value,
                    ProblemCode.NEGATIVE,
                )
            )
    for adjustment in variant.digital_share:
        if not 0.0 <= adjustment.value <= 1.0:
            problems.append(
                _problem(
                    variant,
                    "a digital share must be between 0 and 1",
                    adjustment.value,
                    ProblemCode.SHARE_RANGE,
                )
            )
    service_ids = {s.service_id for s in scenario.services}
    for adjustment in (*variant.volume_scale, *variant.digital_share):
        target = adjustment.target
        if target != "*" and not target.startswith("skill:") and target not in service_ids:
            problems.append(
                _problem(
                    variant,
                    "not a Service ID of this scenario",
                    target,
                    ProblemCode.UNKNOWN_SERVICE,
                )
            )
    if problems:
        raise InputError(problems)


def _adjusted(service: Service, variant: Variant) -> Service:
    """A service with the variant's volume scales and digital shares applied, left to right:
    scales multiply (`*=1.1; S001=1.2` gives S001 x1.32), a later share replaces an earlier one
    (`*=0.5; S001=0.8` gives S001 0.8), as a planner reads the cell."""
    volume, share = service.volume, service.digital_share
    for adjustment in variant.volume_scale:
        if _matches(adjustment.target, service):
            volume *= adjustment.value
    for adjustment in variant.digital_share:
        if _matches(adjustment.target, service):
            share = adjustment.value
    if volume == service.volume and share == service.digital_share:
        return service
    return dataclasses.replace(service, volume=volume, digital_share=share)


def apply_variant(scenario: Scenario, variant: Variant) -> Scenario:
    """The scenario a variant describes: the base with the variant's setting overrides, new hires
    (added to `Scenario.hires`, on top of any already there), volume scales, digital shares and
    locked units. Pure: the base scenario is not changed.

    The result is named `<scenario>: <variant>` and has no variants of its own. Raises InputError
    when the variant names a setting, unit or service the scenario does not have.
    """
    _check(scenario, variant)
    settings = dataclasses.replace(scenario.settings, **dict(variant.settings))
    locks = set(variant.lock_units)
    units = tuple(
        dataclasses.replace(u, locked=True) if u.unit_id in locks and not u.locked else u
        for u in scenario.units
    )
    services = tuple(_adjusted(s, variant) for s in scenario.services)
    return dataclasses.replace(
        scenario,
        name=f"{scenario.name}: {variant.name}",
        units=units,
        services=services,
        settings=settings,
        variants=(),
        hires=scenario.hires + tuple(variant.hires),
    )


def options(scenario: Scenario) -> list[tuple[str, Scenario]]:
    """Every option of a scenario for a comparison: `baseline` (the base settings) first, then each
    variant by name, in the order of the Scenarios sheet."""
    baseline = dataclasses.replace(scenario, name=f"{scenario.name}: {BASELINE}", variants=())
    return [(BASELINE, baseline)] + [
        (v.name, apply_variant(scenario, v)) for v in scenario.variants
    ]
