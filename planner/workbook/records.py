"""The records of each sheet: settings, units, staff and services read from their tables, every
problem recorded with its sheet and cell (the checks across records are in planner.workbook.rules).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from planner.domain import DEFAULT_GROUP, DEFAULT_SKILL, Service, Settings, StaffCell, Unit
from planner.errors import ProblemCode
from planner.i18n import NP_, _
from planner.workbook.cells import CellError, clean_text, id_text, parse_id, parse_text
from planner.workbook.history import volume_range
from planner.workbook.layout import (
    SERVICES,
    SETTINGS,
    SETTINGS_BY_KEY,
    SETTINGS_LIST,
    STAFF,
    UNIT_NAME_LANGUAGES,
    UNITS,
    normalise_header,
)
from planner.workbook.tables import (
    FORBIDDEN_IN_ID,
    FORBIDDEN_IN_UNIT_ID,
    INHERIT,
    INVALID,
    IdIndex,
    Problems,
    Record,
    Spelling,
    Table,
    check_id_characters,
    read_cell,
    read_records,
    read_setting_value,
    require_columns,
)
from planner.xlsx.ooxml import row_of

__all__ = [
    "build_units",
    "read_services",
    "read_settings",
    "setting_cell",
    "read_staff",
    "read_units",
    "units_with_unread_headcount",
]


def read_settings(table: Table | None, problems: Problems) -> Settings:
    """The Settings sheet as a Settings object (defaults for what it leaves out)."""
    values: dict[str, Any] = {}
    if table is None:
        return Settings()
    if not require_columns(table, ("setting", "value"), SETTINGS, problems):
        return Settings()
    seen: dict[str, str] = {}
    for row_number, cells in table.rows:
        name_cell = table.coordinate("setting", row_number)
        value_cell = table.coordinate("value", row_number)
        name_entry = cells.get(table.columns["setting"])
        value_entry = cells.get(table.columns["value"])
        name = read_cell(problems, table.sheet, name_cell, name_entry, parse_text, label="Setting")
        if name is INVALID:
            continue
        if not name:
            if value_entry is not None:
                problems.warn(
                    table.sheet,
                    value_cell,
                    value_entry[0],
                    _("a value with no setting name, ignored"),
                    ProblemCode.UNKNOWN_SETTING,
                )
            continue
        setting = SETTINGS_BY_KEY.get(normalise_header(name))
        if setting is None:
            known = ", ".join(s.name for s in SETTINGS_LIST)
            problems.warn(
                table.sheet,
                name_cell,
                name,
                _("unknown setting, ignored (known: {known})").format(known=known),
                ProblemCode.UNKNOWN_SETTING,
            )
            continue
        if setting.field in seen:
            problems.error(
                table.sheet,
                name_cell,
                name,
                _(
                    "the setting {setting.name!r} is given twice ({value1} and {table.sheet}!{name_cell}): keep one"
                ).format(
                    setting=setting, value1=seen[setting.field], table=table, name_cell=name_cell
                ),
                ProblemCode.DUPLICATE_SETTING,
            )
            continue
        seen[setting.field] = f"{table.sheet}!{name_cell}"
        value = read_setting_value(problems, table.sheet, value_cell, value_entry, setting)
        if value is not INVALID and value is not INHERIT:
            values[setting.field] = value
    return Settings(**values)


def setting_cell(table: Table | None, field: str) -> str:
    """The Value cell of the setting `field` on the Settings sheet ("" when it is not there)."""
    if table is None or "setting" not in table.columns:
        return ""
    for row_number, cells in table.rows:
        entry = cells.get(table.columns["setting"])
        if entry is None or not isinstance(entry[0], str):
            continue
        setting = SETTINGS_BY_KEY.get(normalise_header(entry[0]))
        if setting is not None and setting.field == field:
            return table.coordinate("value", row_number) if "value" in table.columns else ""
    return ""


def read_units(
    table: Table, problems: Problems, staff_sheet: bool
) -> tuple[list[Record], IdIndex, Spelling]:
    units = IdIndex(NP_("noun", "unit"))
    groups = Spelling("Group")
    skip = ("employees",) if staff_sheet else ()
    records = []
    required = () if staff_sheet else ("employees",)
    unit_label = _("Unit ID")  # looked up once, not once per row
    for record in read_records(table, UNITS, problems, skip=skip, required=required):
        unit_id = record.get("unitid")
        if not unit_id:
            continue
        cell = record.cells["unitid"]
        if not check_id_characters(
            problems, table.sheet, cell, unit_id, unit_label, FORBIDDEN_IN_UNIT_ID
        ):
            continue
        if not units.add(problems, table.sheet, cell, unit_id, unit_label):
            continue
        if record.get("group"):
            groups.check(problems, table.sheet, record.cells["group"], record.get("group"))
        records.append(record)
    return records, units, groups


def read_staff(
    table: Table, units: IdIndex, skills: Spelling, problems: Problems
) -> list[StaffCell]:
    staff: list[StaffCell] = []
    pairs = IdIndex(NP_("noun", "unit and skill"))
    pair_label = _("Unit and skill")  # looked up once, not once per row
    for record in read_records(table, STAFF, problems):
        unit_id, skill = record.get("unitid"), record.get("skill") or DEFAULT_SKILL
        if not unit_id:
            continue
        if unit_id not in units:
            problems.error(
                table.sheet,
                record.cells["unitid"],
                unit_id,
                _("Unit ID {value1}").format(value1=units.unknown(unit_id)),
                ProblemCode.UNKNOWN_UNIT,
            )
            continue
        skill_cell = record.cells.get("skill", record.cells["unitid"])
        if not check_id_characters(
            problems, table.sheet, skill_cell, skill, "Skill", FORBIDDEN_IN_ID
        ):
            continue
        # The pair first: "D01 / General" after "D01 / general" is one duplicate, not two errors.
        if not pairs.add(
            problems,
            table.sheet,
            record.cells["unitid"],
            f"{unit_id} / {skill}",
            pair_label,
        ):
            continue
        skills.check(problems, table.sheet, skill_cell, skill)
        if record.ok("employees") and record.get("employees") is not None:
            staff.append(StaffCell(unit_id, skill, record.get("employees"), row=record.row))
    return staff


def read_services(
    table: Table,
    units: IdIndex,
    unit_groups: dict[str, str],
    skills: Spelling,
    problems: Problems,
) -> tuple[list[Service], dict[str, Record]]:
    services: list[Service] = []
    records_by_id: dict[str, Record] = {}
    service_ids = IdIndex(NP_("noun", "service"))
    sheet = table.sheet
    # Labels looked up once, not once per row (a national sheet has 57,000 rows).
    id_label, share_label = _("Service ID"), _("Digital share")
    eligible_labels = _("Eligible units:"), _("Eligible unit")
    has_skill = table.has("skill")
    # The ranges (P10, P90) are read only where a row gives one: nearly every row gives none.
    ranges = [
        (key, label, default, f"{key}low", f"{key}high")
        for key, label, default in (
            ("volume", "Volume", 1.0), ("minutes", "Minutes", None),
            ("digitalshare", share_label, 0.0),
        )
        if table.has(f"{key}low") or table.has(f"{key}high")
    ]  # fmt: skip
    no_range = (None, None)
    # Skills met that are clean (allowed characters, their first spelling): nothing to check again.
    clean_skills: set[str] = set()
    for record in read_records(table, SERVICES, problems):
        # Each value as record.get gives it (None for a blank or unreadable cell), looked up
        # from one dict: 57,000 rows of a dozen look-ups.
        got = record.values
        if INVALID in got.values():
            got = {key: None if value is INVALID else value for key, value in got.items()}
        service_id = got.get("serviceid")
        if not service_id:
            continue
        id_cell = record.cells["serviceid"]
        if not check_id_characters(problems, sheet, id_cell, service_id, id_label, FORBIDDEN_IN_ID):
            continue
        if service_id == "*" or service_id.casefold().startswith("skill:"):
            problems.error(
                sheet,
                id_cell,
                service_id,
                _("Service ID may not be '*' or start with 'skill:' (they are Scenarios targets)"),
                ProblemCode.ID_CHARACTER,
            )
            continue
        if not service_ids.add(problems, sheet, id_cell, service_id, id_label):
            continue
        unit_id = got.get("unitid")
        if unit_id and unit_id not in units:
            problems.error(
                sheet,
                record.cells["unitid"],
                unit_id,
                _("Unit ID {value1}").format(value1=units.unknown(unit_id)),
                ProblemCode.UNKNOWN_UNIT,
            )
        skill = got.get("skill") or DEFAULT_SKILL
        if skill not in clean_skills:
            skill_cell = record.cells["skill"] if has_skill else id_cell
            if check_id_characters(problems, sheet, skill_cell, skill, "Skill", FORBIDDEN_IN_ID):
                errors = len(problems.errors)
                skills.check(problems, sheet, skill_cell, skill)
                if len(problems.errors) == errors:
                    clean_skills.add(skill)
        eligible = (
            _read_eligible(record, units, unit_groups, sheet, problems, eligible_labels)
            if got.get("eligibleunits")
            else ()
        )
        read_ranges = {}
        for key, label, default, low, high in ranges:
            if got.get(low) is not None or got.get(high) is not None:
                read_ranges[key] = volume_range(record, sheet, problems, key, label, default)
        volume_low, volume_high = read_ranges.get("volume", no_range)
        minutes_low, minutes_high = read_ranges.get("minutes", no_range)
        share_low, share_high = read_ranges.get("digitalshare", no_range)
        records_by_id[service_id] = record
        volume, minutes = got.get("volume"), got.get("minutes")
        services.append(
            _service(
                service_id,
                unit_id or "",
                got.get("name") or "",
                skill,
                float(1.0 if volume is None else volume),
                None if minutes is None else float(minutes),
                float(got.get("digitalshare") or 0.0),
                bool(got.get("movable") or False),
                eligible,
                record.row,
                None,  # staff_per_hour
                False,  # allowance
                volume_low,
                volume_high,
                minutes_low,
                minutes_high,
                share_low,
                share_high,
            )
        )
    return services, records_by_id


_SERVICE_FIELDS = tuple(field.name for field in dataclasses.fields(Service))


def _service(*values: Any) -> Service:
    """Service(*values) with every field given in order, without the frozen dataclass's
    __init__ (a setattr through object per field, 57,000 services on a national workbook); equal
    to it by value, field for field (tests/workbook/test_records_fast.py)."""
    service = object.__new__(Service)
    service.__dict__.update(zip(_SERVICE_FIELDS, values, strict=True))
    return service


def _read_eligible(
    record: Record,
    units: IdIndex,
    unit_groups: dict[str, str],
    sheet: str,
    problems: Problems,
    labels: tuple[str, str],
) -> tuple[str, ...]:
    """The Eligible units cell's ids; `labels` are "Eligible units:" and "Eligible unit" in the
    current language."""
    text = record.get("eligibleunits")
    if not text:
        return ()
    list_label, unit_label = labels
    cell = record.cells["eligibleunits"]
    own_group = unit_groups.get(record.get("unitid"))
    eligible: list[str] = []
    seen: set[str] = set()  # a set: a cell may list ten thousand ids
    for part in text.split(";"):
        typed = clean_text(part)
        if not typed:
            continue
        try:
            unit_id = id_text(typed, list_label)
        except CellError as error:
            problems.error(sheet, cell, text, error.expected, error.code)
            continue
        problems.note_spelling("unit", sheet, cell, typed, unit_id, unit_label)
        if unit_id in seen:
            continue
        seen.add(unit_id)
        if unit_id not in units:
            comma = _(" (separate unit ids with ;)") if "," in unit_id else ""
            problems.error(
                sheet,
                cell,
                text,
                _("Eligible units: {value1}{comma}").format(
                    value1=units.unknown(unit_id), comma=comma
                ),
                ProblemCode.UNKNOWN_UNIT,
            )
            continue
        # Casefolded: a group spelt in two cases is reported once, by the Spelling check.
        other_group = unit_groups.get(unit_id)
        if (
            own_group is not None
            and other_group is not None
            and other_group.casefold() != own_group.casefold()
        ):
            problems.error(
                sheet,
                cell,
                text,
                _(
                    "Eligible units: {unit_id!r} is in group {other_group!r}, but the service's unit is in group {own_group!r}; services move only within a group"
                ).format(unit_id=unit_id, other_group=other_group, own_group=own_group),
                ProblemCode.ELIGIBLE_OTHER_GROUP,
            )
            continue
        eligible.append(unit_id)
    return tuple(eligible)


def units_with_unread_headcount(
    unit_records: list[Record], staff_table: Table | None, staff_sheet: bool, problems: Problems
) -> set[str]:
    """Units with an Employees cell (in Units, or a Staff row) that could not be read."""
    if not staff_sheet:
        return {r.get("unitid") for r in unit_records if not r.ok("employees")}
    if staff_table is None or "unitid" not in staff_table.columns:
        return set()
    # Staff rows with an error: their Unit ID, read again quietly.
    bad_rows = {
        row_of(p.cell)
        for p in problems.errors
        if p.sheet == staff_table.sheet and p.cell and ":" not in p.cell
    }
    unit_column = staff_table.columns["unitid"]
    unsure = set()
    for row_number, cells in staff_table.rows:
        if row_number in bad_rows and unit_column in cells:
            try:
                unsure.add(parse_id(cells[unit_column][0], _("Unit ID")))
            except CellError:
                continue
    return unsure


def _or(value: Any, default: Any) -> Any:
    """`value`, or `default` when the cell was blank (None); 0 stays 0."""
    return default if value is None else value


def build_units(unit_records: list[Record]) -> list[Unit]:
    """The Unit records of the Units sheet's rows, defaults filled in."""
    return [
        Unit(
            unit_id=r.get("unitid"),
            name=r.get("name") or "",
            names=tuple(
                (code, r.get(f"name({code})"))
                for code in UNIT_NAME_LANGUAGES
                if r.get(f"name({code})")
            ),
            level=r.get("level") or "",
            parent=r.get("parent") or None,
            group=r.get("group") or DEFAULT_GROUP,
            min_employees=r.get("minemployees") or 0,
            max_employees=r.get("maxemployees"),
            max_moves=r.get("maxmoves"),
            locked=bool(r.get("locked") or False),
            service_share=float(_or(r.get("serviceshare"), 1.0)),
            hours_per_fte=None if r.get("hoursperfte") is None else float(r.get("hoursperfte")),
            row=r.row,
        )
        for r in unit_records
    ]
