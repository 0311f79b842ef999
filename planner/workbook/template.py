"""The scenario template: an Instructions sheet, then every sheet of the format with one example
row, header comments, frozen headers and drop-downs (`write_template`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from planner.domain import Settings
from planner.i18n import N_, _, pgettext
from planner.workbook.decisions import DECISIONS
from planner.workbook.distances import DISTANCES
from planner.workbook.history import HISTORY
from planner.workbook.layout import (
    SCENARIOS,
    SERVICES,
    SETTINGS,
    SETTINGS_LIST,
    STAFF,
    UNITS,
    Column,
)
from planner.workbook.writer import (
    column_header,
    settings_rows,
    write_settings_sheet,
    write_table,
)
from planner.xlsx.export import FastWorkbook
from planner.xlsx.files import save_workbook
from planner.xlsx.writing import SECTION_FONT, TITLE_FONT, put

__all__ = ["template_workbook", "write_template"]

_EXAMPLE_UNIT = {
    "unitid": "U01",
    "name": "Department of Agriculture",
    "name(kk)": "Ауыл шаруашылығы басқармасы",
    "name(ru)": "Управление сельского хозяйства",
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
    "volumelow": None,
    "volumehigh": None,
    "minuteslow": None,
    "minuteshigh": None,
    "digitalsharelow": None,
    "digitalsharehigh": None,
}
_EXAMPLE_HISTORY = (
    {"target": "*", "year": 2022, "volume": 1000},
    {"target": "*", "year": 2023, "volume": 1100},
    {"target": "*", "year": 2024, "volume": 1200},
)
_EXAMPLE_VARIANT = {
    "name": "two more staff",
    "description": "Two new hires in U01",
    "newhires": "U01=2",
    "volumescale": None,
    "digitalshare": None,
    "lockunits": None,
}

# Translated where they are written (the template is in the current language).
_INSTRUCTIONS_INTRO = (
    N_("How to fill this workbook"),
    N_("Fill one row per unit in Units and one row per service in Services; Staff, Settings and "
       "Scenarios are optional. Each sheet has one example row: overwrite it."),
    N_("Headers are on row 1 and may be in any order; they are matched ignoring case, spaces and "
       "underscores. Hover over a header to read what it means and its default."),
    N_("Blank cells take the default. Fully blank rows are skipped. Decimal commas (0,52) and "
       "thousands separators (1 531) are read as numbers. Shares are numbers from 0 to 1 (0.626) "
       "or percentages typed as text (62.6%). Yes/no cells accept yes/no, y/n, true/false, 1/0."),
    N_("Ids (Unit ID, Service ID, Skill, Group) are unique ignoring case and must be spelt the "
       'same everywhere; a number such as 1 is the id "1". Ids may not contain ; or =, and unit '
       "ids not : either: these separate items in lists such as Eligible units (D01; D02)."),
    N_("In Settings and Scenarios, write none (or no cap) to leave a cap or limit unset; in "
       "Scenarios a blank cell keeps the Settings value."),
    N_("Check the workbook with: planner validate THIS_FILE.xlsx. It lists every problem with its "
       "cell. Sheets with other names (such as this one) are ignored."),
)  # fmt: skip


def _write_instructions(ws: Worksheet, sheets: Sequence[tuple[str, str, Sequence[Column]]]) -> None:
    put(ws.cell(row=1, column=1), _(_INSTRUCTIONS_INTRO[0]))
    ws.cell(row=1, column=1).font = TITLE_FONT
    row = 2
    for paragraph in _INSTRUCTIONS_INTRO[1:]:
        put(ws.cell(row=row, column=1), _(paragraph))
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = 32
        row += 1
    for sheet_name, purpose, columns in sheets:
        row += 1
        put(
            ws.cell(row=row, column=1), _("Sheet {name}").format(name=pgettext("sheet", sheet_name))
        )
        ws.cell(row=row, column=1).font = SECTION_FONT
        put(ws.cell(row=row, column=2), purpose)
        row += 1
        for index, header in enumerate((_("Column"), _("Meaning"), _("Default"), _("Required")),
                                       start=1):  # fmt: skip
            cell = ws.cell(row=row, column=index)
            put(cell, header)
            cell.font = Font(bold=True)
        row += 1
        for column in columns:
            put(ws.cell(row=row, column=1), column_header(column))  # as the sheet names it
            put(ws.cell(row=row, column=2), column.meaning_text)
            put(ws.cell(row=row, column=3), column.default_text)
            put(ws.cell(row=row, column=4), _("yes") if column.required else "")
            row += 1
    row += 1
    put(
        ws.cell(row=row, column=1),
        _("Settings (sheet {sheet}, column {column})").format(
            sheet=pgettext("sheet", "Settings"), column=pgettext("header", "Setting")
        ),
    )
    ws.cell(row=row, column=1).font = SECTION_FONT
    row += 1
    for index, header in enumerate((_("Setting"), _("Meaning"), _("Default"), _("Values")),
                                   start=1):  # fmt: skip
        cell = ws.cell(row=row, column=index)
        put(cell, header)
        cell.font = Font(bold=True)
    row += 1
    for setting in SETTINGS_LIST:
        values = ", ".join(setting.choices) or setting.kind.text
        for index, value in enumerate(
            (pgettext("setting", setting.name), setting.meaning_text, setting.default_text, values),
            start=1,
        ):
            put(ws.cell(row=row, column=index), value)
        row += 1
    for letter, width in zip("ABCD", (26, 80, 30, 26), strict=True):
        ws.column_dimensions[letter].width = width


def template_workbook() -> Workbook:
    """The template as an openpyxl Workbook (see write_template), in the current language: sheet
    names, headers, setting names and yes/no words are the catalogue's, which the reader accepts
    back, so that a template written in Russian and filled in reads as the English one."""
    workbook = FastWorkbook()
    instructions = workbook.active
    instructions.title = pgettext("sheet", "Instructions")
    _write_instructions(
        instructions,
        [
            (sheet.name, sheet.purpose_text, sheet.columns)
            # Decisions and Distances are described but not written: an example row would change
            # the template's plan (a decision, or transfers limited to the pairs listed).
            for sheet in (
                UNITS,
                STAFF,
                SERVICES,
                SETTINGS,
                SCENARIOS,
                HISTORY,
                DECISIONS,
                DISTANCES,
            )
        ],
    )
    for sheet, example in (
        (UNITS, _EXAMPLE_UNIT),
        (STAFF, _EXAMPLE_STAFF),
        (SERVICES, _EXAMPLE_SERVICE),
    ):
        ws = workbook.create_sheet(pgettext("sheet", sheet.name))
        write_table(ws, sheet.columns, [[example[c.key] for c in sheet.columns]])
    write_settings_sheet(
        workbook.create_sheet(pgettext("sheet", SETTINGS.name)), settings_rows(Settings())
    )
    scenarios_ws = workbook.create_sheet(pgettext("sheet", SCENARIOS.name))
    write_table(
        scenarios_ws,
        SCENARIOS.columns,
        [[None if c.field else _EXAMPLE_VARIANT[c.key] for c in SCENARIOS.columns]],
    )
    # History: three years of every service's volume (target *), so that `planner forecast`
    # runs on the template as it is and any filling of Services keeps it valid.
    write_table(
        workbook.create_sheet(pgettext("sheet", HISTORY.name)),
        HISTORY.columns,
        [[row.get(c.key) for c in HISTORY.columns] for row in _EXAMPLE_HISTORY],
    )
    return workbook


def write_template(path: str | os.PathLike[str]) -> Path:
    """Write the scenario template: an Instructions sheet, then Units, Staff, Services, Settings,
    Scenarios and History, each with example rows, header comments, frozen headers and
    drop-downs.

    The template validates clean as written. Raises OutputError when the path cannot be written.
    """
    return save_workbook(template_workbook(), path)
