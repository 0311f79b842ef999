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

from planner.domain import (
    DEFAULT_SKILL,
    CoefficientMode,
    Hire,
    Service,
    ServiceAdjustment,
    Settings,
    Variant,
)
from planner.errors import ProblemCode
from planner.options import BASELINE
from planner.workbook.cells import CellError, clean_text, parse_number, parse_text
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
            near = near_miss(target, context.service_ids)
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
