"""The WISN form of the scenario workbook: the optional `Working time` and `Allowances` sheets
(docs/wisn.md), read and checked like every other sheet, and the WISN template.

With `coefficient = wisn` in Settings the Working time sheet is required: one row per skill (a
blank Unit ID: every unit) or per unit and skill with the components of available working time.
Allowances lists the category allowances (CAS: a percentage or a time per year, done by every
member of the category) and the individual allowances (IAS: a time per year for each of the Staff
who do it). A unit's WISN inputs are its own Working time row (else the skill's row for every
unit) with the allowances of every unit plus its own. `read_wisn` turns the checked sheets into
`planner.wisn.WisnCell`s and the scenario into wisn terms (`planner.wisn.apply_wisn`).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from planner.domain import DEFAULT_SKILL, CoefficientMode, Scenario, Settings
from planner.errors import ProblemCode
from planner.i18n import LANGUAGES, N_, NP_, _, pgettext, translations
from planner.wisn import (
    CategoryAllowance,
    IndividualAllowance,
    TimeUnit,
    WisnCell,
    WisnError,
    WorkingTime,
    apply_wisn,
    cell_factors,
    wisn_gaps,
)
from planner.workbook.layout import (
    SETTINGS,
    Column,
    Kind,
    SheetFormat,
    normalise_header,
    translated_format,
)
from planner.workbook.tables import Problems, Record, Table, read_records, read_table
from planner.xlsx.reading import OpenedWorkbook

if TYPE_CHECKING:  # the template's writers (openpyxl) are imported when a template is written
    from openpyxl import Workbook

__all__ = [
    "ALLOWANCES",
    "WORKING_TIME",
    "read_wisn",
    "wisn_template_workbook",
    "write_wisn_template",
]

_EVERY_UNIT = NP_("default", "blank: every unit")

WORKING_TIME = SheetFormat(
    name=NP_("sheet", "Working time"),
    required=False,
    purpose=N_(
        "WISN (coefficient wisn): available working time per skill, or per unit and skill: "
        "working time less public holidays, annual, sick and other leave."
    ),
    columns=(
        Column(NP_("header", "Unit ID"), Kind.ID, N_("Unit this row is for"), _EVERY_UNIT),
        Column(
            NP_("header", "Skill"),
            Kind.ID,
            N_("Staff category (skill) this row is for"),
            "general",
        ),
        Column(
            NP_("header", "Time unit"),
            Kind.TEXT,
            N_("days or hours: the unit of the next five columns"),
            "days",
        ),
        Column(
            NP_("header", "Working time"),
            Kind.POSITIVE,
            N_("Possible working days (or hours) in a year"),
            NP_("default", "required"),
            required=True,
        ),
        Column(NP_("header", "Public holidays"), Kind.NUMBER, N_("Public holidays in a year"), "0"),
        Column(NP_("header", "Annual leave"), Kind.NUMBER, N_("Annual leave in a year"), "0"),
        Column(NP_("header", "Sick leave"), Kind.NUMBER, N_("Sick leave in a year"), "0"),
        Column(
            NP_("header", "Other leave"),
            Kind.NUMBER,
            N_("Other leave (training, ...) in a year"),
            "0",
        ),
        Column(
            NP_("header", "Hours per day"),
            Kind.POSITIVE,
            N_("Working hours per day: converts days to hours"),
            NP_("default", "required"),
            required=True,
        ),
    ),
)
translated_format(WORKING_TIME)  # its name and headers read in kk and ru too

ALLOWANCES = SheetFormat(
    name=NP_("sheet", "Allowances"),
    required=False,
    purpose=N_(
        "WISN: category allowances (support activities of every member of a category) and "
        "individual allowances (additional activities of some members)."
    ),
    columns=(
        Column(NP_("header", "Unit ID"), Kind.ID, N_("Unit this allowance is for"), _EVERY_UNIT),
        Column(NP_("header", "Skill"), Kind.ID, N_("Staff category (skill) it is for"), "general"),
        Column(
            NP_("header", "Kind"),
            Kind.TEXT,
            N_("category (CAS, all staff of the category) or individual (IAS, some staff)"),
            NP_("default", "required"),
            required=True,
        ),
        Column(
            NP_("header", "Activity"),
            Kind.TEXT,
            N_("What the time is spent on"),
            NP_("default", "blank"),
            width=28,
        ),
        Column(
            NP_("header", "Percent"),
            Kind.NUMBER,
            N_("Category allowance as a percentage of working time"),
            NP_("default", "blank"),
        ),
        Column(
            NP_("header", "Time per year"),
            Kind.NUMBER,
            N_("Time per year (per staff member doing it)"),
            NP_("default", "blank"),
        ),
        Column(
            NP_("header", "Time unit"),
            Kind.TEXT,
            N_("hours or days: the unit of Time per year"),
            "hours",
        ),
        Column(
            NP_("header", "Staff"),
            Kind.NUMBER,
            N_("Individual allowance: staff who do it"),
            "1",
        ),
    ),
)
translated_format(ALLOWANCES)  # its name and headers read in kk and ru too

_KINDS = ("category", "individual", "cas", "ias")
# The words of the Time unit and Kind columns (context "value"), read in each language: a
# template written in Russian holds «дни», «категориальная», and reads back as days, category.
_VALUE_WORDS = (
    NP_("value", "days"),
    NP_("value", "hours"),
    NP_("value", "category"),
    NP_("value", "individual"),
)


@functools.cache
def _value_words() -> dict[str, str]:
    """Each language's word (folded) -> the English word of the Time unit and Kind columns."""
    found: dict[str, str] = {}
    for code in LANGUAGES:
        for word in _VALUE_WORDS:
            found.setdefault(translations(code).pgettext("value", word).casefold(), word)
    return found


def _value_word(word: str) -> str:
    """An English choice word in the current language (CAS and IAS stay as they are)."""
    return pgettext("value", word) if word in _VALUE_WORDS else word.upper()


def _find(book: OpenedWorkbook, sheet: SheetFormat) -> str | None:
    for title, hidden in book.sheets:
        if normalise_header(title) == sheet.key and not hidden:
            return title
    return None


@dataclass(frozen=True)
class _TimeRow:
    record: Record
    unit_id: str | None
    skill: str
    time: WorkingTime


def _unit_ok(
    scenario: Scenario, record: Record, sheet: str, problems: Problems
) -> tuple[bool, str | None]:
    unit_id = record.get("unitid") or None
    if unit_id is not None and unit_id not in {u.unit_id for u in scenario.units}:
        problems.error(
            sheet,
            record.cells["unitid"],
            unit_id,
            _("Unit ID of a row of the Units sheet, or blank for every unit"),
            ProblemCode.UNKNOWN_UNIT,
        )
        return False, None
    return True, unit_id


def _read_choice(
    record: Record, key: str, choices: tuple[str, ...], sheet: str, problems: Problems
) -> str | None:
    value = record.get(key)
    if value is None:
        return choices[0]
    text = " ".join(str(value).split()).casefold()
    text = _value_words().get(text, text)
    if text not in choices:
        problems.error(
            sheet,
            record.cells[key],
            value,
            _("one of {choices}").format(choices=", ".join(_value_word(c) for c in choices)),
            ProblemCode.BAD_CHOICE,
        )
        return None
    return text


def _working_times(table: Table, scenario: Scenario, problems: Problems) -> list[_TimeRow]:
    rows: list[_TimeRow] = []
    seen: dict[tuple[str | None, str], str] = {}
    for record in read_records(table, WORKING_TIME, problems):
        ok, unit_id = _unit_ok(scenario, record, table.sheet, problems)
        skill = record.get("skill") or DEFAULT_SKILL
        unit = _read_choice(record, "timeunit", ("days", "hours"), table.sheet, problems)
        if not ok or unit is None or not all(record.ok(c.key) for c in WORKING_TIME.columns):
            continue
        if skill not in scenario.skills:
            problems.warn(
                table.sheet,
                record.cells.get("skill", record.cells["workingtime"]),
                skill,
                _("a skill no Staff or Services row has: this row is not used"),
                ProblemCode.UNKNOWN_SKILL,
            )
        first = record.cells.get("unitid", record.cells["workingtime"])
        if (unit_id, skill) in seen:
            problems.error(
                table.sheet,
                first,
                f"{unit_id or _('(every unit)')} / {skill}",
                _("one {sheet} row per unit and skill: {cell} has it already").format(
                    sheet=table.sheet, cell=seen[(unit_id, skill)]
                ),
                ProblemCode.DUPLICATE_ID,
            )
            continue
        seen[(unit_id, skill)] = first
        time = WorkingTime(
            working=record.get("workingtime"),
            public_holidays=record.get("publicholidays") or 0.0,
            annual_leave=record.get("annualleave") or 0.0,
            sick_leave=record.get("sickleave") or 0.0,
            other_leave=record.get("otherleave") or 0.0,
            hours_per_day=record.get("hoursperday"),
            unit=TimeUnit(unit),
        )
        rows.append(_TimeRow(record, unit_id, skill, time))
    return rows


@dataclass
class _Allowances:
    category: list[CategoryAllowance]
    individual: list[IndividualAllowance]


def _allowances(
    table: Table | None,
    scenario: Scenario,
    times: dict[tuple[str | None, str], _TimeRow],
    problems: Problems,
) -> dict[tuple[str | None, str], _Allowances]:
    found: dict[tuple[str | None, str], _Allowances] = {}
    if table is None:
        return found
    sheet = table.sheet
    for record in read_records(table, ALLOWANCES, problems):
        ok, unit_id = _unit_ok(scenario, record, sheet, problems)
        skill = record.get("skill") or DEFAULT_SKILL
        kind = _read_choice(record, "kind", _KINDS, sheet, problems)
        unit = _read_choice(record, "timeunit", ("hours", "days"), sheet, problems)
        if not ok or kind is None or unit is None:
            continue
        if not all(record.ok(c.key) for c in ALLOWANCES.columns):
            continue
        time_row = times.get((unit_id, skill)) or times.get((None, skill))
        where = record.cells.get("kind", "")
        if time_row is None:
            problems.error(
                sheet,
                record.cells.get("skill", where),
                skill,
                (
                    _("a Working time row for skill {skill!r} (unit {unit} or every unit)")
                    if unit_id
                    else _("a Working time row for skill {skill!r} with a blank Unit ID")
                ).format(skill=skill, unit=unit_id),
                ProblemCode.MISSING_FOR_WISN,
            )
            continue
        activity = record.get("activity") or _("row {row}").format(row=record.row)
        percent, time = record.get("percent"), record.get("timeperyear")
        if time is not None and unit == "days":
            time *= time_row.time.hours_per_day or 0.0
        bucket = found.setdefault((unit_id, skill), _Allowances([], []))
        if kind in ("category", "cas"):
            if (percent is None) == (time is None):
                problems.error(
                    sheet,
                    record.cells.get("percent", record.cells.get("timeperyear", where)),
                    percent if percent is not None else time,
                    _("a category allowance needs a Percent or a Time per year (one of them)"),
                    ProblemCode.MISSING_FOR_WISN,
                )
                continue
            if record.get("staff") is not None:
                problems.warn(
                    sheet,
                    record.cells["staff"],
                    record.get("staff"),
                    _(
                        "Staff is for individual allowances: a category allowance applies to "
                        "every member of the category, so it is ignored"
                    ),
                    ProblemCode.MISSING_FOR_WISN,
                )
            bucket.category.append(CategoryAllowance(activity, percent, time))
        else:
            if time is None or percent is not None:
                problems.error(
                    sheet,
                    record.cells.get("timeperyear", record.cells.get("percent", where)),
                    percent,
                    _("an individual allowance needs a Time per year (and no Percent)"),
                    ProblemCode.MISSING_FOR_WISN,
                )
                continue
            staff = record.get("staff")
            bucket.individual.append(
                IndividualAllowance(activity, time, 1.0 if staff is None else staff)
            )
    return found


def _cells(
    times: dict[tuple[str | None, str], _TimeRow],
    allowances: dict[tuple[str | None, str], _Allowances],
) -> list[WisnCell]:
    """Every unit-skill with rows of its own, merged with the rows for every unit."""
    cells = []
    for unit_id, skill in sorted(set(times) | set(allowances), key=lambda k: (k[1], k[0] or "")):
        time_row = times.get((unit_id, skill)) or times.get((None, skill))
        if time_row is None:
            continue  # reported by _allowances
        everyone = allowances.get((None, skill), _Allowances([], []))
        own = (
            allowances.get((unit_id, skill), _Allowances([], []))
            if unit_id
            else _Allowances([], [])
        )
        cells.append(
            WisnCell(
                skill,
                time_row.time,
                unit_id,
                tuple(everyone.category + own.category),
                tuple(everyone.individual + own.individual),
                row=time_row.record.row,
            )
        )
    return cells


def _service_cell(services_table: Table | None, key: str, row: int | None) -> str:
    if services_table is None or row is None:
        return ""
    column = key if services_table.has(key) else "serviceid"
    return services_table.coordinate(column, row)


def read_wisn(
    book: OpenedWorkbook,
    scenario: Scenario,
    services_table: Table | None,
    problems: Problems,
) -> Scenario | None:
    """The scenario in wisn terms when `coefficient = wisn`, its Working time and Allowances
    sheets read and checked (every problem with its sheet and cell); the scenario unchanged in
    other modes (a warning when it has WISN sheets); None after an error."""
    titles = {s.key: _find(book, s) for s in (WORKING_TIME, ALLOWANCES)}
    wisn_mode = scenario.settings.coefficient is CoefficientMode.WISN
    for variant in scenario.variants:
        if "coefficient" in variant.settings and (
            (variant.settings["coefficient"] is CoefficientMode.WISN) != wisn_mode
        ):
            problems.error(
                "Scenarios",
                "",
                variant.name,
                _(
                    "a variant may not switch the coefficient to or from wisn (the WISN sheets "
                    "turn services into required staff): set coefficient in Settings"
                ),
                ProblemCode.MISSING_FOR_WISN,
            )
    if not wisn_mode:
        for sheet in (WORKING_TIME, ALLOWANCES):
            title = titles[sheet.key]
            if title is not None:
                problems.warn(
                    title,
                    "",
                    None,
                    _("the {sheet} sheet is used with coefficient wisn only: ignored").format(
                        sheet=title
                    ),
                    ProblemCode.MISSING_FOR_WISN,
                )
        return None if problems.errors else scenario
    tables: dict[str, Table | None] = {}
    for sheet in (WORKING_TIME, ALLOWANCES):
        title = titles[sheet.key]
        raw = book.read_sheet(title) if title is not None else None
        tables[sheet.key] = read_table(raw, sheet, problems) if raw and raw.rows else None
    time_table = tables[WORKING_TIME.key]
    if time_table is None:
        problems.error(
            pgettext("sheet", WORKING_TIME.name),
            "",
            None,
            _(
                "coefficient wisn needs a {sheet} sheet with a row per skill (see "
                "'planner template --wisn')"
            ).format(sheet=pgettext("sheet", WORKING_TIME.name)),
            ProblemCode.MISSING_FOR_WISN,
        )
        return None
    time_rows = _working_times(time_table, scenario, problems)
    times = {(r.unit_id, r.skill): r for r in time_rows}
    allowances = _allowances(tables[ALLOWANCES.key], scenario, times, problems)
    cells = _cells(times, allowances)
    for cell in cells:
        try:
            cell_factors(cell)
        except WisnError as error:
            row = times.get((cell.unit_id, cell.skill)) or times[(None, cell.skill)]
            problems.error(
                time_table.sheet,
                row.record.cells["workingtime"],
                f"{cell.unit_id or _('(every unit)')} / {cell.skill}",
                str(error),
                ProblemCode.MISSING_FOR_WISN,
            )
    if problems.errors:
        return None
    services_sheet = services_table.sheet if services_table is not None else "Services"
    for gap in wisn_gaps(scenario, cells):
        if gap.service is not None:
            where = (services_sheet, _service_cell(services_table, gap.column, gap.service.row))
        else:
            where = (time_table.sheet, "")
        problems.error(*where, None, gap.message, ProblemCode.MISSING_FOR_WISN)
    if problems.errors:
        return None
    return apply_wisn(scenario, cells)


# --- the WISN template ----------------------------------------------------------------------------

_EXAMPLE_TIME = {
    "unitid": None,
    "skill": "general",
    "timeunit": "days",
    "workingtime": 260,
    "publicholidays": 12,
    "annualleave": 20,
    "sickleave": 10,
    "otherleave": 5,
    "hoursperday": 8,
}
_EXAMPLE_ALLOWANCES = (
    {
        "unitid": None,
        "skill": "general",
        "kind": "category",
        "activity": "staff meetings",
        "percent": 10,
        "timeperyear": None,
        "timeunit": None,
        "staff": None,
    },
    {
        "unitid": "U01",
        "skill": "general",
        "kind": "individual",
        "activity": "supervision",
        "percent": None,
        "timeperyear": 5,
        "timeunit": "days",
        "staff": 1,
    },
)


def _example_value(key: str, value: object) -> object:
    """An example cell as the template writes it: the choice words in the current language."""
    if key in ("timeunit", "kind") and isinstance(value, str):
        return _value_word(value)
    return value


def wisn_template_workbook() -> Workbook:
    """The scenario template with coefficient wisn and example Working time and Allowances."""
    from planner.workbook.template import template_workbook
    from planner.workbook.writer import settings_rows, write_settings_sheet, write_table
    from planner.xlsx.writing import SECTION_FONT, put

    workbook = template_workbook()  # in the current language, as every sheet written here
    del workbook[pgettext("sheet", SETTINGS.name)]
    write_settings_sheet(
        workbook.create_sheet(pgettext("sheet", SETTINGS.name), index=len(workbook.sheetnames) - 1),
        settings_rows(Settings(coefficient=CoefficientMode.WISN)),
    )
    instructions = workbook[pgettext("sheet", "Instructions")]
    row = instructions.max_row + 2
    put(instructions.cell(row=row, column=1), _("WISN (coefficient wisn, docs/wisn.md)"))
    instructions.cell(row=row, column=1).font = SECTION_FONT
    for sheet in (WORKING_TIME, ALLOWANCES):
        row += 1
        put(
            instructions.cell(row=row, column=1),
            _("Sheet {name}").format(name=pgettext("sheet", sheet.name)),
        )
        put(instructions.cell(row=row, column=2), sheet.purpose_text)
        for column in sheet.columns:
            row += 1
            for index, text in enumerate(
                (column.label, column.meaning_text, column.default_text), 1
            ):
                put(instructions.cell(row=row, column=index), text)
    for sheet, examples in (
        (WORKING_TIME, (_EXAMPLE_TIME,)),
        (ALLOWANCES, _EXAMPLE_ALLOWANCES),
    ):
        ws = workbook.create_sheet(pgettext("sheet", sheet.name))
        rows = [[_example_value(c.key, e[c.key]) for c in sheet.columns] for e in examples]
        write_table(ws, sheet.columns, rows)
    return workbook


def write_wisn_template(path: str | os.PathLike[str]) -> Path:
    """Write the WISN scenario template (validates clean as written)."""
    from planner.xlsx.files import save_workbook

    return save_workbook(wisn_template_workbook(), path)
