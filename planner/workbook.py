"""Scenario workbooks: read one (`read_scenario`), write one back (`write_scenario`), or write the
empty template with instructions (`write_template`).

Reading and checking are one step (see planner.validate); the writers produce exactly the format
the reader reads, described once in planner.layout.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from enum import Enum
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planner.domain import DEFAULT_SKILL, Scenario, ServiceAdjustment, Settings, Variant
from planner.errors import InputError
from planner.layout import (
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
from planner.validate import validate_workbook
from planner.xlsx.files import save_workbook
from planner.xlsx.writing import (
    HEADER_FILL,
    HEADER_FONT,
    SECTION_FONT,
    TITLE_FONT,
    comment,
    fit_columns,
    put,
)

__all__ = ["read_scenario", "write_scenario", "write_template"]


def read_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and check a scenario workbook.

    Returns the Scenario (name = file stem, source path and SHA-256, warnings filled) or raises
    InputError carrying every problem found, each naming its sheet and cell.
    """
    report = validate_workbook(path)
    if report.problems or report.scenario is None:
        raise InputError(report.problems, report.warnings)
    return report.scenario


# --- writing helpers -------------------------------------------------------------------------


def _column_comment(column: Column) -> str:
    if column.required:
        return f"{column.meaning}.\nRequired: cannot be blank."
    return f"{column.meaning}.\nDefault: {column.default}."


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
        errorTitle="Not a valid choice",
        error="Choose one of: " + ", ".join(choices),
    )
    validation.add(cells)
    ws.add_data_validation(validation)


def _write_table(
    ws: Worksheet,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
) -> None:
    """Header, data rows and drop-downs of one sheet in the scenario format."""
    _write_header(ws, [c.header for c in columns], [_column_comment(c) for c in columns])
    for row_index, row in enumerate(rows, start=2):
        for column_index, value in enumerate(row, start=1):
            if value is not None and value != "":
                put(ws.cell(row=row_index, column=column_index), value)
    for column_index, column in enumerate(columns, start=1):
        letter = get_column_letter(column_index)
        cells = f"{letter}2:{letter}1048576"
        if column.kind is Kind.YES_NO:
            _add_choice_validation(ws, ("yes", "no"), cells)
        elif column.field and column.field in SETTINGS_BY_FIELD:
            choices = SETTINGS_BY_FIELD[column.field].choices
            if choices:
                _add_choice_validation(ws, choices, cells)
    # Headers here stay on one line: header_rows=() measures them in full.
    minimum = {i: max(c.width, len(c.header) + 4) for i, c in enumerate(columns, start=1)}
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
    columns = [c for c in UNITS.columns if with_employees or c.key != "employees"]
    rows = []
    for unit in scenario.units:
        values = {
            "unitid": unit.unit_id,
            "name": unit.name,
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
        }
        rows.append([values[c.key] for c in SERVICES.columns])
    return rows


def _settings_rows(settings: Settings) -> list[list]:
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


def _write_settings_sheet(ws: Worksheet, rows: Sequence[Sequence[object]]) -> None:
    _write_table(ws, SETTINGS.columns, rows)
    # Per-row drop-downs: the Value cell of each choice or yes/no setting.
    for row_index, (name, _value) in enumerate(rows, start=2):
        setting = next((s for s in SETTINGS_LIST if s.name == name), None)
        if setting is None:
            continue
        choices = setting.choices or (("yes", "no") if setting.kind is Kind.YES_NO else ())
        if choices:
            _add_choice_validation(ws, choices, f"B{row_index}")
        ws.cell(row=row_index, column=1).comment = comment(
            f"{setting.meaning}.\nDefault: {setting.default}."
        )


def _write_assumptions(ws: Worksheet, assumptions: Sequence[tuple[str, str, str]]) -> None:
    _write_header(
        ws,
        ASSUMPTIONS_HEADERS,
        (
            "What is assumed",
            "The value used in this workbook",
            "Where it comes from; 'illustrative' when it is not a published figure",
        ),
    )
    for row_index, assumption in enumerate(assumptions, start=2):
        for column_index, value in enumerate(assumption, start=1):
            put(ws.cell(row=row_index, column=column_index), value)
    fit_columns(ws, header_rows=(), minimum={1: 30, 2: 14, 3: 40})


def _scenario_workbook(
    scenario: Scenario, assumptions: Sequence[tuple[str, str, str]] = ()
) -> Workbook:
    workbook = Workbook()
    staff_sheet = _uses_staff_sheet(scenario)
    units_ws = workbook.active
    units_ws.title = UNITS.name
    columns, rows = _units_rows(scenario, with_employees=not staff_sheet)
    _write_table(units_ws, columns, rows)
    if staff_sheet:
        staff_rows = [[c.unit_id, c.skill, c.employees] for c in scenario.staff]
        _write_table(workbook.create_sheet(STAFF.name), STAFF.columns, staff_rows)
    _write_table(workbook.create_sheet(SERVICES.name), SERVICES.columns, _services_rows(scenario))
    _write_settings_sheet(workbook.create_sheet(SETTINGS.name), _settings_rows(scenario.settings))
    if scenario.variants:
        scenario_columns = _scenario_columns(scenario.variants)
        _write_table(
            workbook.create_sheet(SCENARIOS.name),
            scenario_columns,
            [_variant_row(v, scenario_columns) for v in scenario.variants],
        )
    if assumptions:
        _write_assumptions(workbook.create_sheet("Assumptions"), assumptions)
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
    return save_workbook(_scenario_workbook(scenario, assumptions), path, inputs=inputs)


# --- the template ----------------------------------------------------------------------------

_EXAMPLE_UNIT = {
    "unitid": "U01",
    "name": "Department of Agriculture",
    "level": "department",
    "parent": None,
    "group": "all",
    "employees": 10,
    "minemployees": 5,
    "maxemployees": 15,
    "maxmoves": 3,
    "locked": "no",
    "serviceshare": 1,
    "hoursperfte": 1776,
}
_EXAMPLE_STAFF = {"unitid": "U01", "skill": "general", "employees": 10}
_EXAMPLE_SERVICE = {
    "serviceid": "S001",
    "name": "Land plot registration",
    "unitid": "U01",
    "skill": "general",
    "volume": 1200,
    "minutes": 15,
    "digitalshare": 0.3,
    "movable": "no",
    "eligibleunits": None,
}
_EXAMPLE_VARIANT = {
    "name": "two more staff",
    "description": "Two new hires in U01",
    "newhires": "U01=2",
    "volumescale": None,
    "digitalshare": None,
    "lockunits": None,
}

_INSTRUCTIONS_INTRO = (
    "How to fill this workbook",
    "Fill one row per unit in Units and one row per service in Services; Staff, Settings and "
    "Scenarios are optional. Each sheet has one example row: overwrite it.",
    "Headers are on row 1 and may be in any order; they are matched ignoring case, spaces and "
    "underscores. Hover over a header to read what it means and its default.",
    "Blank cells take the default. Fully blank rows are skipped. Decimal commas (0,52) and "
    "thousands separators (1 531) are read as numbers. Shares are numbers from 0 to 1 (0.626) or "
    "percentages typed as text (62.6%). Yes/no cells accept yes/no, y/n, true/false, 1/0.",
    "Ids (Unit ID, Service ID, Skill, Group) are unique ignoring case and must be spelt the same "
    'everywhere; a number such as 1 is the id "1". Ids may not contain ; or =, and unit ids not : '
    "either: these separate items in lists such as Eligible units (D01; D02).",
    "In Settings and Scenarios, write none (or no cap) to leave a cap or limit unset; in "
    "Scenarios a blank cell keeps the Settings value.",
    "Check the workbook with: planner validate THIS_FILE.xlsx. It lists every problem with its "
    "cell. Sheets with other names (such as this one) are ignored.",
)


def _write_instructions(ws: Worksheet, sheets: Sequence[tuple[str, str, Sequence[Column]]]) -> None:
    put(ws.cell(row=1, column=1), _INSTRUCTIONS_INTRO[0])
    ws.cell(row=1, column=1).font = TITLE_FONT
    row = 2
    for paragraph in _INSTRUCTIONS_INTRO[1:]:
        put(ws.cell(row=row, column=1), paragraph)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = 32
        row += 1
    for sheet_name, purpose, columns in sheets:
        row += 1
        put(ws.cell(row=row, column=1), f"Sheet {sheet_name}")
        ws.cell(row=row, column=1).font = SECTION_FONT
        put(ws.cell(row=row, column=2), purpose)
        row += 1
        for index, header in enumerate(("Column", "Meaning", "Default", "Required"), start=1):
            cell = ws.cell(row=row, column=index)
            put(cell, header)
            cell.font = Font(bold=True)
        row += 1
        for column in columns:
            put(ws.cell(row=row, column=1), column.header)
            put(ws.cell(row=row, column=2), column.meaning)
            put(ws.cell(row=row, column=3), column.default)
            put(ws.cell(row=row, column=4), "yes" if column.required else "")
            row += 1
    row += 1
    put(ws.cell(row=row, column=1), "Settings (sheet Settings, column Setting)")
    ws.cell(row=row, column=1).font = SECTION_FONT
    row += 1
    for index, header in enumerate(("Setting", "Meaning", "Default", "Values"), start=1):
        cell = ws.cell(row=row, column=index)
        put(cell, header)
        cell.font = Font(bold=True)
    row += 1
    for setting in SETTINGS_LIST:
        values = ", ".join(setting.choices) or str(setting.kind)
        for index, value in enumerate(
            (setting.name, setting.meaning, setting.default, values), start=1
        ):
            put(ws.cell(row=row, column=index), value)
        row += 1
    for letter, width in zip("ABCD", (26, 80, 30, 26), strict=True):
        ws.column_dimensions[letter].width = width


def template_workbook() -> Workbook:
    """The template as an openpyxl Workbook (see write_template)."""
    workbook = Workbook()
    instructions = workbook.active
    instructions.title = "Instructions"
    _write_instructions(
        instructions,
        [
            (sheet.name, sheet.purpose, sheet.columns)
            for sheet in (UNITS, STAFF, SERVICES, SETTINGS, SCENARIOS)
        ],
    )
    for sheet, example in (
        (UNITS, _EXAMPLE_UNIT),
        (STAFF, _EXAMPLE_STAFF),
        (SERVICES, _EXAMPLE_SERVICE),
    ):
        ws = workbook.create_sheet(sheet.name)
        _write_table(ws, sheet.columns, [[example[c.key] for c in sheet.columns]])
    _write_settings_sheet(workbook.create_sheet(SETTINGS.name), _settings_rows(Settings()))
    scenarios_ws = workbook.create_sheet(SCENARIOS.name)
    _write_table(
        scenarios_ws,
        SCENARIOS.columns,
        [[None if c.field else _EXAMPLE_VARIANT[c.key] for c in SCENARIOS.columns]],
    )
    return workbook


def write_template(path: str | os.PathLike[str]) -> Path:
    """Write the scenario template: an Instructions sheet, then Units, Staff, Services, Settings
    and Scenarios, each with one example row, header comments, frozen headers and drop-downs.

    The template validates clean as written. Raises OutputError when the path cannot be written.
    """
    return save_workbook(template_workbook(), path)
