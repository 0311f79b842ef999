"""The Scenarios sheet: named variants, each a set of overrides on top of the base scenario.

Cells of the four list columns use a small language, one item per `;`:
- New hires:     `unit[:skill]=count`, e.g. `D05=10; D07:legal=2` (skill `general` when left out);
- Volume scale:  `target=factor`, target a Service ID, `skill:<skill>` or `*` (every service);
- Digital share: `target=share`, share in 0..1 or a percentage (`62.6%`);
- Lock units:    `unit; unit; ...`.
Setting columns hold a setting's value; blank inherits the Settings sheet, `none` lifts a cap.

Applying a variant to a scenario (`apply_variant`, `options`) is planner.options: it is not part of
the workbook format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from types import MappingProxyType
from typing import Any

from planner.checks import range_problem
from planner.domain import (
    DEFAULT_SKILL,
    CoefficientMode,
    Hire,
    Service,
    ServiceAdjustment,
    Settings,
    Variant,
    normalise_name,
    skeleton,
)
from planner.errors import ProblemCode
from planner.i18n import N_, NP_, _
from planner.options import BASELINE
from planner.workbook.cells import CellError, clean_text, id_text, parse_number, parse_text
from planner.workbook.layout import SCENARIOS, SETTINGS_LIST
from planner.workbook.nearmiss import near_miss
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

RESERVED_NAMES = frozenset({BASELINE})
_HIRE = re.compile(r"(?P<unit>[^:=]+?)\s*(?::\s*(?P<skill>[^=]+?)\s*)?=\s*(?P<count>.+)")
_ADJUSTMENT = re.compile(r"(?P<target>.+?)\s*=\s*(?P<value>.+)")

HIRES_SYNTAX = N_(
    "New hires must look like D05=10; D07:legal=2 (unit[:skill]=count, separated by ;)"
)
SCALE_SYNTAX = N_(
    "Volume scale must look like S001=1.2; skill:legal=0.9; *=1.1 (target=factor, target a Service ID, skill:<skill> or *)"
)
SHARE_SYNTAX = N_(
    "Digital share must look like S001=0.7; skill:legal=80%; *=0.626 (target=share, target a Service ID, skill:<skill> or *)"
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
        self.service_looks = {skeleton(s.service_id): s.service_id for s in services}
        self.service_skills = {s.skill for s in services}
        self.skills = skills

    def error(self, cell: str, value: object, expected: str, code: ProblemCode) -> None:
        self.problems.error(self.sheet, cell, value, expected, code)


def _items(text: str) -> list[str]:
    return [item for item in (clean_text(part) for part in text.split(";")) if item]


def _name(context: _Context, cell: str, typed: str, kind: str, label: str) -> str | None:
    """An id of a list item, normalised by the one identity rule (its spelling noted), or None
    after recording why it cannot be read."""
    try:
        name = id_text(typed, label)
    except CellError as error:
        context.error(cell, typed, error.expected, error.code)
        return None
    context.problems.note_spelling(kind, context.sheet, cell, typed, name, label)
    return name


def _parse_hires(text: str, cell: str, context: _Context) -> tuple[Hire, ...] | Any:
    hires: list[Hire] = []
    ok = True
    for item in _items(text):
        match = _HIRE.fullmatch(item)
        if not match:
            context.error(
                cell,
                text,
                _("{HIRES_SYNTAX}; cannot read {item!r}").format(
                    HIRES_SYNTAX=_(HIRES_SYNTAX), item=item
                ),
                ProblemCode.BAD_SYNTAX,
            )
            ok = False
            continue
        unit_id = _name(context, cell, clean_text(match["unit"]), "unit", _("New hires: unit"))
        skill_typed = clean_text(match["skill"] or "")
        skill = (
            _name(context, cell, skill_typed, "skill", _("New hires: skill"))
            if skill_typed
            else DEFAULT_SKILL
        )
        if unit_id is None or skill is None:
            ok = False
            continue
        if unit_id not in context.units:
            context.error(
                cell,
                text,
                _("New hires: {value1}").format(value1=context.units.unknown(unit_id)),
                ProblemCode.UNKNOWN_UNIT,
            )
            ok = False
            continue
        context.skills.check(context.problems, context.sheet, cell, skill)
        try:
            label = _("New hires for {unit_id}").format(unit_id=unit_id)
            count = parse_number(clean_text(match["count"]), label, whole=True)
            reason = range_problem("newhires", label, count)
            if reason is not None:
                raise CellError(ProblemCode.OUT_OF_RANGE, reason)
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
            context.error(
                cell,
                text,
                _("{syntax}; cannot read {item!r}").format(syntax=_(syntax), item=item),
                ProblemCode.BAD_SYNTAX,
            )
            ok = False
            continue
        target = clean_text(match["target"])
        if target.casefold().startswith("skill:"):
            skill = _name(context, cell, clean_text(target[len("skill:") :]), "skill", "Skill")
            if skill is None:
                ok = False
                continue
            target = f"skill:{skill}"
            context.skills.check(context.problems, context.sheet, cell, skill)
            if skill not in context.service_skills:
                context.problems.warn(
                    context.sheet,
                    cell,
                    text,
                    _(
                        "{label}: no service needs skill {skill!r}, so {target!r} changes nothing"
                    ).format(label=label, skill=skill, target=target),
                    ProblemCode.UNKNOWN_SKILL,
                )
        elif target != "*":
            service_id = _name(context, cell, target, "service", _("Service ID"))
            if service_id is None:
                ok = False
                continue
            if service_id not in context.service_ids:
                near = (
                    context.service_folded.get(service_id.casefold())
                    or context.service_looks.get(skeleton(service_id))
                    or near_miss(service_id, context.service_ids)
                )
                hint = _(" (did you mean {near!r}?)").format(near=near) if near else ""
                context.error(
                    cell,
                    text,
                    _("{label}: {service_id!r} is not a Service ID of this workbook{hint}").format(
                        label=label, service_id=service_id, hint=hint
                    ),
                    ProblemCode.UNKNOWN_SERVICE,
                )
                ok = False
                continue
            target = service_id
        try:
            value = parse_value(clean_text(match["value"]))
        except CellError as error:
            context.error(cell, text, error.expected, error.code)
            ok = False
            continue
        adjustments.append(ServiceAdjustment(target=target, value=float(value)))
    return tuple(adjustments) if ok else INVALID


def _scale_factor(text: str) -> float:
    factor = parse_number(text, _("Volume scale factor"))
    reason = range_problem("volumescale", _("Volume scale factor"), factor)
    if reason is not None:
        raise CellError(ProblemCode.OUT_OF_RANGE, reason)
    return float(factor)


def _parse_locks(text: str, cell: str, context: _Context) -> tuple[str, ...] | Any:
    locks: list[str] = []
    ok = True
    for typed in _items(text):
        unit_id = _name(context, cell, typed, "unit", _("Lock units:"))
        if unit_id is None:
            ok = False
            continue
        if unit_id not in context.units:
            hint = _(" (separate unit ids with ;)") if "," in unit_id else ""
            context.error(
                cell,
                text,
                _("Lock units: {value1}{hint}").format(
                    value1=context.units.unknown(unit_id), hint=hint
                ),
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
            sheet, "", None, _("the Scenarios sheet has no Name column"), ProblemCode.MISSING_COLUMN
        )
        return [], []
    context = _Context(problems, sheet, units, services, skills)
    names = IdIndex(NP_("noun", "variant"))
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
                _("the name {name!r} is reserved for the base settings: choose another").format(
                    name=name
                ),
                ProblemCode.RESERVED_NAME,
            )
            continue
        name = normalise_name(name)  # the identity rule: a variant name is a name too
        if not names.add(problems, sheet, name_cell, name, _("Variant name")):
            continue
        overrides: dict[str, Any] = {}
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
        description, _cell = text_of("description", row_number, cells)
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
            _("Volume scale"),
            _scale_factor,
        )
        digital_share = _parse_adjustments(
            share_text,
            share_cell,
            context,
            SHARE_SYNTAX,
            _("Digital share"),
            lambda text: parse_number(text, _("Digital share"), share=True),
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
