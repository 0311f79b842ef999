"""Writing a Scenario as a scenario workbook (`write_scenario`) that the reader reads back to the
same Scenario, and the table writer the template shares.

The format is described once in planner.workbook.layout; cells are stored with
planner.xlsx.writing.put, so text stays text.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from enum import Enum
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planner.domain import (
    DEFAULT_SKILL,
    DecisionKind,
    Scenario,
    ServiceAdjustment,
    Settings,
    Variant,
)
from planner.i18n import _, pgettext
from planner.workbook.decision_rules import kind_word
from planner.workbook.decisions import DECISIONS, decision_rows
from planner.workbook.distances import DISTANCES, distance_rows
from planner.workbook.history import HISTORY, history_rows
from planner.workbook.layout import (
    ASSUMPTIONS_HEADERS,
    SCENARIOS,
    SERVICES,
    SETTINGS,
    SETTINGS_BY_FIELD,
    SETTINGS_LIST,
    STAFF,
    UNITS,
    Column,
    Kind,
)
from planner.xlsx.export import FastWorkbook
from planner.xlsx.files import save_workbook
from planner.xlsx.writing import HEADER_FILL, HEADER_FONT, comment, fit_columns, put

__all__ = [
    "column_header",
    "scenario_workbook",
    "settings_rows",
    "write_scenario",
    "write_settings_sheet",
    "write_table",
]


# --- writing helpers -------------------------------------------------------------------------


def _column_comment(column: Column) -> str:
    if column.required:
        return f"{column.meaning_text}.\n" + _("Required: cannot be blank.")
    return f"{column.meaning_text}.\n" + _("Default: {default}.").format(
        default=column.default_text
    )


def column_header(column: Column) -> str:
    """The column's header in the current language. A Scenarios column that overrides a setting
    is named by the setting (pgettext "setting"), which the reader accepts as its header too."""
    setting = SETTINGS_BY_FIELD.get(column.field) if column.field else None
    if setting is None or column.label != column.header:
        return column.label
    name = pgettext("setting", setting.name)
    return column.header if name == setting.name else name[:1].upper() + name[1:]


def _write_header(ws: Worksheet, headers: Sequence[str], comments: Sequence[str]) -> None:
    for index, (header, text) in enumerate(zip(headers, comments, strict=True), start=1):
        cell = ws.cell(row=1, column=index)
        put(cell, header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        if text:
            cell.comment = comment(text)
    ws.freeze_panes = "A2"


def _add_choice_validation(ws: Worksheet, choices: Sequence[str], cells: str) -> None:
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Not a valid choice"),
        error=_("Choose one of: {choices}").format(choices=", ".join(choices)),
    )
    validation.add(cells)
    ws.add_data_validation(validation)


def write_table(
    ws: Worksheet,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
) -> None:
    """Header, data rows and drop-downs of one sheet in the scenario format, in the current
    language: headers (pgettext "header", the names the reader accepts back) and yes/no words."""
    _write_header(ws, [column_header(c) for c in columns], [_column_comment(c) for c in columns])
    yes_no = {i for i, c in enumerate(columns) if c.kind is Kind.YES_NO}
    for row_index, row in enumerate(rows, start=2):
        for column_index, value in enumerate(row, start=1):
            if column_index - 1 in yes_no and value in ("yes", "no"):
                value = _(str(value))  # да / нет, иә / жоқ: the reader's yes/no words
            if value is not None and value != "":
                put(ws.cell(row=row_index, column=column_index), value)
    for column_index, column in enumerate(columns, start=1):
        letter = get_column_letter(column_index)
        cells = f"{letter}2:{letter}1048576"
        if column.kind is Kind.YES_NO:
            _add_choice_validation(ws, (_("yes"), _("no")), cells)
        elif column.field and column.field in SETTINGS_BY_FIELD:
            choices = SETTINGS_BY_FIELD[column.field].choices
            if choices:
                _add_choice_validation(ws, choices, cells)
    # Headers here stay on one line: header_rows=() measures them in full.
    minimum = {i: max(c.width, len(column_header(c)) + 4) for i, c in enumerate(columns, start=1)}
    fit_columns(ws, header_rows=(), minimum=minimum)


# --- values as written -----------------------------------------------------------------------


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _number_text(value: float | int) -> str:
    """A number inside a mini-language cell, written so that it reads back exactly."""
    if isinstance(value, bool):
        raise TypeError("a yes/no is not a number")
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _setting_value(field: str, value: object) -> object:
    """A Settings value as a planner would type it (None means the setting's 'none')."""
    if value is None:
        return "none"
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return _yes_no(value)
    return value


def _adjustments(adjustments: Sequence[ServiceAdjustment]) -> str:
    return "; ".join(f"{a.target}={_number_text(a.value)}" for a in adjustments)


def _hires(variant: Variant) -> str:
    parts = []
    for hire in variant.hires:
        skill = "" if hire.skill == DEFAULT_SKILL else f":{hire.skill}"
        parts.append(f"{hire.unit_id}{skill}={hire.employees}")
    return "; ".join(parts)


def _uses_staff_sheet(scenario: Scenario) -> bool:
    """The Staff sheet is needed unless every employee is `general` (zero rows would be lost)."""
    return any(c.skill != DEFAULT_SKILL or c.employees == 0 for c in scenario.staff)


def _units_rows(scenario: Scenario, with_employees: bool) -> tuple[list[Column], list[list]]:
    named = {code for unit in scenario.units for code, _name in unit.names}
    columns = [
        c
        for c in UNITS.columns
        if (with_employees or c.key != "employees")
        and (not c.key.startswith("name(") or c.key[5:-1] in named)  # only the languages given
    ]
    rows = []
    for unit in scenario.units:
        given = dict(unit.names)
        values = {
            "unitid": unit.unit_id,
            "name": unit.name,
            "name(kk)": given.get("kk"),
            "name(ru)": given.get("ru"),
            "level": unit.level,
            "parent": unit.parent,
            "group": unit.group,
            "employees": scenario.employees(unit.unit_id),
            "minemployees": unit.min_employees,
            "maxemployees": unit.max_employees,
            "maxmoves": unit.max_moves,
            "locked": _yes_no(unit.locked),
            "serviceshare": unit.service_share,
            "hoursperfte": unit.hours_per_fte,
        }
        rows.append([values[c.key] for c in columns])
    return columns, rows


def _services_rows(scenario: Scenario) -> list[list]:
    rows = []
    for service in scenario.services:
        values = {
            "serviceid": service.service_id,
            "name": service.name,
            "unitid": service.unit_id,
            "skill": service.skill,
            "volume": service.volume,
            "minutes": service.minutes,
            "digitalshare": service.digital_share,
            "movable": _yes_no(service.movable),
            "eligibleunits": "; ".join(service.eligible_units),
            "volumelow": service.volume_low,
            "volumehigh": service.volume_high,
            "minuteslow": service.minutes_low,
            "minuteshigh": service.minutes_high,
            "digitalsharelow": service.digital_share_low,
            "digitalsharehigh": service.digital_share_high,
        }
        rows.append([values[c.key] for c in SERVICES.columns])
    return rows


def settings_rows(settings: Settings) -> list[list]:
    rows = []
    for setting in SETTINGS_LIST:
        value = getattr(settings, setting.field)
        rows.append([setting.name, None if value is None else _setting_value(setting.field, value)])
    return rows


def _scenario_columns(variants: Sequence[Variant]) -> list[Column]:
    used_fields = {field for v in variants for field in v.settings}
    return [c for c in SCENARIOS.columns if not c.field or c.field in used_fields]


def _variant_row(variant: Variant, columns: Sequence[Column]) -> list[object]:
    values: dict[str, object] = {
        "name": variant.name,
        "description": variant.description,
        "newhires": _hires(variant),
        "volumescale": _adjustments(variant.volume_scale),
        "digitalshare": _adjustments(variant.digital_share),
        "lockunits": "; ".join(variant.lock_units),
    }
    row = []
    for column in columns:
        if column.field:
            if column.field in variant.settings:
                row.append(_setting_value(column.field, variant.settings[column.field]))
            else:
                row.append(None)
        else:
            row.append(values[column.key])
    return row


def write_settings_sheet(ws: Worksheet, rows: Sequence[Sequence[object]]) -> None:
    """The Settings sheet of `rows` (English setting names), written in the current language:
    the setting names (pgettext "setting") and yes/no values the reader accepts back."""
    settings = [next((s for s in SETTINGS_LIST if s.name == name), None) for name, _v in rows]
    written = []
    for (name, value), setting in zip(rows, settings, strict=True):
        if setting is not None and setting.kind is Kind.YES_NO and value in ("yes", "no"):
            value = _(str(value))
        written.append([pgettext("setting", str(name)) if setting else name, value])
    write_table(ws, SETTINGS.columns, written)
    # Per-row drop-downs: the Value cell of each choice or yes/no setting.
    for row_index, setting in enumerate(settings, start=2):
        if setting is None:
            continue
        choices = setting.choices or ((_("yes"), _("no")) if setting.kind is Kind.YES_NO else ())
        if choices:
            _add_choice_validation(ws, choices, f"B{row_index}")
        ws.cell(row=row_index, column=1).comment = comment(
            f"{setting.meaning_text}.\n"
            + _("Default: {default}.").format(default=setting.default_text)
        )


def _write_assumptions(ws: Worksheet, assumptions: Sequence[tuple[str, str, str]]) -> None:
    _write_header(
        ws,
        [pgettext("header", h) for h in ASSUMPTIONS_HEADERS],
        (
            _("What is assumed"),
            _("The value used in this workbook"),
            _("Where it comes from; 'illustrative' when it is not a published figure"),
        ),
    )
    for row_index, assumption in enumerate(assumptions, start=2):
        for column_index, value in enumerate(assumption, start=1):
            put(ws.cell(row=row_index, column=column_index), value)
    fit_columns(ws, header_rows=(), minimum={1: 30, 2: 14, 3: 40})


def scenario_workbook(
    scenario: Scenario, assumptions: Sequence[tuple[str, str, str]] = ()
) -> Workbook:
    workbook = FastWorkbook()
    staff_sheet = _uses_staff_sheet(scenario)
    units_ws = workbook.active
    units_ws.title = pgettext("sheet", UNITS.name)
    columns, rows = _units_rows(scenario, with_employees=not staff_sheet)
    write_table(units_ws, columns, rows)
    if staff_sheet:
        staff_rows = [[c.unit_id, c.skill, c.employees] for c in scenario.staff]
        write_table(workbook.create_sheet(pgettext("sheet", STAFF.name)), STAFF.columns, staff_rows)
    write_table(
        workbook.create_sheet(pgettext("sheet", SERVICES.name)),
        SERVICES.columns,
        _services_rows(scenario),
    )
    write_settings_sheet(
        workbook.create_sheet(pgettext("sheet", SETTINGS.name)), settings_rows(scenario.settings)
    )
    if scenario.variants:
        scenario_columns = _scenario_columns(scenario.variants)
        write_table(
            workbook.create_sheet(pgettext("sheet", SCENARIOS.name)),
            scenario_columns,
            [_variant_row(v, scenario_columns) for v in scenario.variants],
        )
    if scenario.history:
        write_table(
            workbook.create_sheet(pgettext("sheet", HISTORY.name)),
            HISTORY.columns,
            history_rows(scenario.history),
        )
    if scenario.distances:  # the Distances sheet, in its measure's column (issue 13)
        columns = [c for c in DISTANCES.columns if c.key in ("fromunit", "tounit",
                                                              scenario.distance_measure.value)]  # fmt: skip
        write_table(
            workbook.create_sheet(pgettext("sheet", DISTANCES.name)),
            columns,
            distance_rows(scenario),
        )
    if scenario.decisions:
        decisions_ws = workbook.create_sheet(pgettext("sheet", DECISIONS.name))
        write_table(decisions_ws, DECISIONS.columns, decision_rows(scenario))
        _add_choice_validation(decisions_ws, [kind_word(k) for k in DecisionKind], "A2:A1048576")
    if assumptions:
        _write_assumptions(workbook.create_sheet(pgettext("sheet", "Assumptions")), assumptions)
    return workbook


def write_scenario(
    scenario: Scenario,
    path: str | os.PathLike[str],
    *,
    assumptions: Sequence[tuple[str, str, str]] = (),
) -> Path:
    """Write `scenario` as a workbook that read_scenario reads back to the same Scenario.

    Sheets: Units, Staff (only when some skill is not `general`; otherwise Units has Employees),
    Services, Settings (every setting), Scenarios (when there are variants), and Assumptions
    (columns Assumption, Value, Basis) when `assumptions` are given. Writes atomically; raises
    OutputError when the path cannot be written. Returns the path written.
    """
    inputs = [scenario.source_path] if scenario.source_path else []
    return save_workbook(scenario_workbook(scenario, assumptions), path, inputs=inputs)
