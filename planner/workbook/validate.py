"""Check a scenario workbook and turn it into a Scenario, collecting every problem in one pass.

Checking and parsing are one step (as in pandera): each sheet is read into typed records while
every problem found is recorded with its sheet, cell, the value found, what was expected in plain
words, and a stable reason code. Cross-sheet checks (references, cycles, groups, hours mode) run on
the records. The Scenario is returned only when there is no error; warnings never block.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from defusedxml.common import DefusedXmlException
from openpyxl.utils.cell import coordinate_from_string

from planner.domain import (
    DEFAULT_GROUP,
    DEFAULT_SKILL,
    CoefficientMode,
    Scenario,
    Service,
    Settings,
    StaffCell,
    Unit,
)
from planner.errors import Problem, ProblemCode
from planner.workbook.cells import (
    CellError,
    clean_text,
    is_blank,
    parse_id,
    parse_number,
    parse_text,
)
from planner.workbook.layout import (
    SCENARIOS,
    SERVICES,
    SETTINGS,
    SETTINGS_BY_KEY,
    SETTINGS_LIST,
    STAFF,
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
    read_table,
    require_columns,
)
from planner.workbook.variants import read_variants
from planner.xlsx.reading import (
    XML_REFUSED,
    OpenedWorkbook,
    Refused,
    macro_warning,
    open_workbook,
)

__all__ = ["Report", "validate_workbook"]


@dataclass(frozen=True)
class Report:
    """What `validate_workbook` found: the Scenario (None when there is any error), the errors
    (`problems`) and the warnings, each naming its sheet and cell."""

    scenario: Scenario | None
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line for a clean workbook: units, staff, services, groups, skills."""
        s = self.scenario
        if s is None:
            count = len(self.problems)
            return f"{count} problem{'s' if count != 1 else ''}, {len(self.warnings)} warnings"
        return (
            f"{len(s.units)} units, {s.total_employees} staff, {len(s.services)} services, "
            f"{len(s.groups)} groups ({', '.join(s.groups)}), {len(s.skills)} skills "
            f"({', '.join(s.skills)}), {len(s.variants)} variants, {len(self.warnings)} warnings"
        )


# --- the sheets -------------------------------------------------------------------------------


def _find_sheets(book: OpenedWorkbook, problems: Problems) -> dict[str, str]:
    """Known sheet key -> sheet title; hidden sheets are left out with a warning."""
    found: dict[str, str] = {}
    known = {s.key for s in (UNITS, STAFF, SERVICES, SETTINGS, SCENARIOS)}
    for title, hidden in book.sheets:
        key = normalise_header(title)
        if hidden:
            problems.warn(title, "", None, "hidden sheet, ignored", ProblemCode.HIDDEN_SHEET)
            continue
        if key in known:
            if key in found:
                problems.error(
                    title,
                    "",
                    None,
                    f"two sheets are called {title!r} and {found[key]!r}: keep one",
                    ProblemCode.DUPLICATE_SHEET,
                )
                continue
            found[key] = title
    return found


def _read_settings(table: Table | None, problems: Problems) -> Settings:
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
                    "a value with no setting name, ignored",
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
                f"unknown setting, ignored (known: {known})",
                ProblemCode.UNKNOWN_SETTING,
            )
            continue
        if setting.field in seen:
            problems.error(
                table.sheet,
                name_cell,
                name,
                f"the setting {setting.name!r} is given twice ({seen[setting.field]} and "
                f"{table.sheet}!{name_cell}): keep one",
                ProblemCode.DUPLICATE_SETTING,
            )
            continue
        seen[setting.field] = f"{table.sheet}!{name_cell}"
        value = read_setting_value(problems, table.sheet, value_cell, value_entry, setting)
        if value is not INVALID and value is not INHERIT:
            values[setting.field] = value
    return Settings(**values)


def _read_units(
    table: Table, problems: Problems, staff_sheet: bool
) -> tuple[list[Record], IdIndex, Spelling]:
    units = IdIndex("unit")
    groups = Spelling("Group")
    skip = ("employees",) if staff_sheet else ()
    records = []
    required = () if staff_sheet else ("employees",)
    for record in read_records(table, UNITS, problems, skip=skip, required=required):
        unit_id = record.get("unitid")
        if not unit_id:
            continue
        cell = record.cells["unitid"]
        if not check_id_characters(
            problems, table.sheet, cell, unit_id, "Unit ID", FORBIDDEN_IN_UNIT_ID
        ):
            continue
        if not units.add(problems, table.sheet, cell, unit_id, "Unit ID"):
            continue
        if record.get("group"):
            groups.check(problems, table.sheet, record.cells["group"], record.get("group"))
        records.append(record)
    return records, units, groups


def _check_limits(record: Record, employees: int | None, sheet: str, problems: Problems) -> None:
    low, high = record.get("minemployees"), record.get("maxemployees")
    if low is not None and high is not None and low > high:
        problems.error(
            sheet,
            record.cells["minemployees"],
            low,
            f"Min employees ({low}) is above Max employees ({high}, {sheet}!"
            f"{record.cells['maxemployees']})",
            ProblemCode.MIN_ABOVE_MAX,
        )
        return
    if employees is None:
        return
    if (low is not None and employees < low) or (high is not None and employees > high):
        cell = record.cells.get("employees") or record.cells["unitid"]
        limits = f"{low or 0}..{high if high is not None else 'no cap'}"
        problems.warn(
            sheet,
            cell,
            employees,
            f"unit {record.get('unitid')!r} has {employees} employees now, outside its limits "
            f"{limits}; the plan must bring it inside",
            ProblemCode.HEADCOUNT_OUTSIDE_LIMITS,
        )


def _check_parents(records: list[Record], units: IdIndex, sheet: str, problems: Problems) -> None:
    parents: dict[str, str] = {}
    by_id = {r.get("unitid"): r for r in records}
    for record in records:
        parent = record.get("parent")
        if not parent:
            continue
        unit_id = record.get("unitid")
        cell = record.cells["parent"]
        if parent == unit_id:
            problems.error(
                sheet,
                cell,
                parent,
                f"unit {unit_id!r} cannot be its own parent",
                ProblemCode.PARENT_CYCLE,
            )
        elif parent not in units:
            problems.error(
                sheet, cell, parent, f"Parent {units.unknown(parent)}", ProblemCode.UNKNOWN_PARENT
            )
        else:
            parents[unit_id] = parent
    reported: set[str] = set()
    for start in sorted(parents, key=lambda u: by_id[u].row):
        path = [start]
        while path[-1] in parents and parents[path[-1]] not in path:
            path.append(parents[path[-1]])
        if path[-1] not in parents:
            continue
        loop = path[path.index(parents[path[-1]]) :]
        if reported & set(loop):
            continue
        reported |= set(loop)
        first = min(loop, key=lambda u: by_id[u].row)
        cycle = loop[loop.index(first) :] + loop[: loop.index(first)] + [first]
        problems.error(
            sheet,
            by_id[first].cells["parent"],
            parents[first],
            "the Parent column goes round in a circle: " + " -> ".join(cycle),
            ProblemCode.PARENT_CYCLE,
        )


def _read_staff(
    table: Table, units: IdIndex, skills: Spelling, problems: Problems
) -> list[StaffCell]:
    staff: list[StaffCell] = []
    pairs = IdIndex("unit and skill")
    for record in read_records(table, STAFF, problems):
        unit_id, skill = record.get("unitid"), record.get("skill") or DEFAULT_SKILL
        if not unit_id:
            continue
        if unit_id not in units:
            problems.error(
                table.sheet,
                record.cells["unitid"],
                unit_id,
                f"Unit ID {units.unknown(unit_id)}",
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
            problems, table.sheet, record.cells["unitid"], f"{unit_id} / {skill}", "Unit and skill"
        ):
            continue
        skills.check(problems, table.sheet, skill_cell, skill)
        if record.ok("employees") and record.get("employees") is not None:
            staff.append(StaffCell(unit_id, skill, record.get("employees"), row=record.row))
    return staff


def _read_services(
    table: Table,
    units: IdIndex,
    unit_groups: dict[str, str],
    skills: Spelling,
    problems: Problems,
) -> tuple[list[Service], dict[str, Record]]:
    services: list[Service] = []
    records_by_id: dict[str, Record] = {}
    service_ids = IdIndex("service")
    sheet = table.sheet
    for record in read_records(table, SERVICES, problems):
        service_id = record.get("serviceid")
        if not service_id:
            continue
        id_cell = record.cells["serviceid"]
        if not check_id_characters(
            problems, sheet, id_cell, service_id, "Service ID", FORBIDDEN_IN_ID
        ):
            continue
        if service_id.casefold().startswith("skill:") or service_id == "*":
            problems.error(
                sheet,
                id_cell,
                service_id,
                "Service ID may not be '*' or start with 'skill:' (they are Scenarios targets)",
                ProblemCode.ID_CHARACTER,
            )
            continue
        if not service_ids.add(problems, sheet, id_cell, service_id, "Service ID"):
            continue
        unit_id = record.get("unitid")
        if unit_id and unit_id not in units:
            problems.error(
                sheet,
                record.cells["unitid"],
                unit_id,
                f"Unit ID {units.unknown(unit_id)}",
                ProblemCode.UNKNOWN_UNIT,
            )
        skill = record.get("skill") or DEFAULT_SKILL
        skill_cell = record.cells.get("skill", id_cell)
        if check_id_characters(problems, sheet, skill_cell, skill, "Skill", FORBIDDEN_IN_ID):
            skills.check(problems, sheet, skill_cell, skill)
        eligible = _read_eligible(record, units, unit_groups, sheet, problems)
        records_by_id[service_id] = record
        services.append(
            Service(
                service_id=service_id,
                unit_id=unit_id or "",
                name=record.get("name") or "",
                skill=skill,
                volume=float(_or(record.get("volume"), 1.0)),
                minutes=None if record.get("minutes") is None else float(record.get("minutes")),
                digital_share=float(record.get("digitalshare") or 0.0),
                movable=bool(record.get("movable") or False),
                eligible_units=eligible,
                row=record.row,
            )
        )
    return services, records_by_id


def _read_eligible(
    record: Record, units: IdIndex, unit_groups: dict[str, str], sheet: str, problems: Problems
) -> tuple[str, ...]:
    text = record.get("eligibleunits")
    if not text:
        return ()
    cell = record.cells["eligibleunits"]
    own_group = unit_groups.get(record.get("unitid"))
    eligible: list[str] = []
    for part in text.split(";"):
        unit_id = clean_text(part)
        if not unit_id or unit_id in eligible:
            continue
        if unit_id not in units:
            comma = " (separate unit ids with ;)" if "," in unit_id else ""
            problems.error(
                sheet,
                cell,
                text,
                f"Eligible units: {units.unknown(unit_id)}{comma}",
                ProblemCode.UNKNOWN_UNIT,
            )
            continue
        # Casefolded: a group spelt in two cases is reported once, by the Spelling check.
        other_group = unit_groups.get(unit_id, "")
        if own_group is not None and other_group.casefold() != own_group.casefold():
            problems.error(
                sheet,
                cell,
                text,
                f"Eligible units: {unit_id!r} is in group {other_group!r}, but the "
                f"service's unit is in group {own_group!r}; services move only within a group",
                ProblemCode.ELIGIBLE_OTHER_GROUP,
            )
            continue
        eligible.append(unit_id)
    return tuple(eligible)


def _check_hours_mode(
    settings: Settings,
    variants_hours: list[tuple[str, str, float | None]],
    unit_records: list[Record],
    service_records: dict[str, Record],
    units_sheet: str,
    services_sheet: str,
    problems: Problems,
) -> None:
    """In hours mode every unit needs Hours per FTE (its own or the default) and every service
    its Minutes; `variants_hours` lists (variant name, cell, hours-per-fte default) of variants
    that switch to hours mode."""
    base_hours = settings.coefficient is CoefficientMode.HOURS
    if not base_hours and not variants_hours:
        return
    why = "" if base_hours else " (a variant of the Scenarios sheet uses hours mode)"
    for record in service_records.values():
        if record.get("minutes") is None and record.ok("minutes"):
            cell = record.cells.get("minutes")
            problems.error(
                services_sheet,
                cell or "",
                None,
                f"Minutes is required in hours mode{why}"
                + ("" if cell else ": add a Minutes column to the Services sheet"),
                ProblemCode.MISSING_FOR_HOURS,
            )
    missing = [r for r in unit_records if r.get("hoursperfte") is None and r.ok("hoursperfte")]
    if base_hours and settings.hours_per_fte is None and missing:
        for record in missing:
            cell = record.cells.get("hoursperfte")
            problems.error(
                units_sheet,
                cell or "",
                None,
                "Hours per FTE is required in hours mode: fill it here or set 'hours per fte' "
                "in the Settings sheet"
                + ("" if cell else " (or add an Hours per FTE column to Units)"),
                ProblemCode.MISSING_FOR_HOURS,
            )
    for name, cell, default in variants_hours:
        if default is None and settings.hours_per_fte is None and missing:
            ids = ", ".join(repr(r.get("unitid")) for r in missing[:5])
            problems.error(
                SCENARIOS.name,
                cell,
                name,
                f"variant {name!r} uses hours mode but units {ids} have no Hours per FTE and no "
                "'hours per fte' default is set",
                ProblemCode.MISSING_FOR_HOURS,
            )


def _build(book: OpenedWorkbook, problems: Problems) -> Scenario | None:
    """Every sheet read and checked; the Scenario when no error was found."""
    sheets = _find_sheets(book, problems)
    raw = {key: book.read_sheet(title) for key, title in sheets.items()}
    if all(not sheet.rows for sheet in raw.values()) and all(
        not book.read_sheet(t).rows for t, hidden in book.sheets if not hidden
    ):
        problems.errors.clear()
        problems.error(
            "",
            "",
            None,
            f"{book.path.name}: every sheet is empty; start from 'planner template'",
            ProblemCode.WORKBOOK_EMPTY,
        )
        return None

    tables: dict[str, Table | None] = {}
    for sheet in (UNITS, STAFF, SERVICES, SETTINGS, SCENARIOS):
        if sheet.key not in raw:
            if sheet.required:
                problems.error(
                    sheet.name,
                    "",
                    None,
                    f"the workbook has no {sheet.name} sheet (sheet names: "
                    f"{', '.join(t for t, _ in book.sheets) or 'none'})",
                    ProblemCode.MISSING_SHEET,
                )
            tables[sheet.key] = None
            continue
        raw_sheet = raw[sheet.key]
        if not raw_sheet.rows:
            if sheet.required:
                problems.error(
                    raw_sheet.title,
                    "",
                    None,
                    f"the {raw_sheet.title} sheet is empty: it needs a header row and data rows",
                    ProblemCode.SHEET_EMPTY,
                )
            elif sheet is STAFF:
                problems.warn(
                    raw_sheet.title,
                    "",
                    None,
                    "the Staff sheet is empty and ignored: Employees comes from the Units sheet",
                    ProblemCode.SHEET_EMPTY,
                )
            tables[sheet.key] = None
            continue
        known = [s.key for s in SETTINGS_LIST] if sheet is SCENARIOS else ()
        tables[sheet.key] = read_table(raw_sheet, sheet, problems, known)

    staff_table, units_table = tables["staff"], tables["units"]
    services_table = tables["services"]
    for table in (units_table, services_table):
        if table is not None and not table.rows:
            problems.error(
                table.sheet,
                "",
                None,
                f"the {table.sheet} sheet has no data rows",
                ProblemCode.NO_ROWS,
            )
    if units_table is None or services_table is None:
        return None
    staff_sheet = staff_table is not None
    reason = " (needed when there is no Staff sheet)" if not staff_sheet else ""
    required_units = ["unitid"] + ([] if staff_sheet else ["employees"])
    if not require_columns(units_table, required_units, UNITS, problems, reason):
        return None
    if not require_columns(services_table, ("serviceid", "unitid"), SERVICES, problems):
        return None

    settings = _read_settings(tables["settings"], problems)
    unit_records, units, groups = _read_units(units_table, problems, staff_sheet)
    _check_parents(unit_records, units, units_table.sheet, problems)
    unit_groups = {r.get("unitid"): r.get("group") or DEFAULT_GROUP for r in unit_records}

    skills = Spelling("Skill")
    if staff_sheet and require_columns(staff_table, ("unitid", "employees"), STAFF, problems):
        staff = _read_staff(staff_table, units, skills, problems)
        if not staff_table.rows:
            problems.warn(
                staff_table.sheet,
                "",
                None,
                "the Staff sheet has no rows: every unit has 0 employees",
                ProblemCode.NO_ROWS,
            )
    elif staff_sheet:
        staff = []
    else:
        staff = [
            StaffCell(r.get("unitid"), DEFAULT_SKILL, r.get("employees"), row=r.row)
            for r in unit_records
            if r.get("employees")
        ]
    totals: dict[str, int] = {}
    for cell in staff:
        totals[cell.unit_id] = totals.get(cell.unit_id, 0) + cell.employees
    # Units whose headcount is unknown (an Employees cell could not be read): no warnings about
    # their headcount, which would only echo the error.
    unsure = _units_with_unread_headcount(unit_records, staff_table, staff_sheet, problems)

    for record in unit_records:
        unit_id = record.get("unitid")
        employees = totals.get(unit_id, 0)
        if staff_sheet and "employees" in record.cells and unit_id not in unsure:
            typed = _quiet_whole(record.raw.get("employees"))
            if typed is not None and typed != employees:
                problems.warn(
                    units_table.sheet,
                    record.cells["employees"],
                    record.raw.get("employees"),
                    f"Employees is ignored because a Staff sheet exists; the Staff sheet gives "
                    f"{employees} for unit {unit_id!r}",
                    ProblemCode.EMPLOYEES_IGNORED,
                )
        _check_limits(record, None if unit_id in unsure else employees, units_table.sheet, problems)

    services, service_records = _read_services(services_table, units, unit_groups, skills, problems)
    staff_skills = {(c.unit_id, c.skill) for c in staff if c.employees > 0}
    for service in services:
        if (
            service.unit_id in units
            and service.unit_id not in unsure
            and (service.unit_id, service.skill) not in staff_skills
        ):
            record = service_records[service.service_id]
            problems.warn(
                services_table.sheet,
                record.cells.get("skill", record.cells["unitid"]),
                service.skill,
                f"unit {service.unit_id!r} has no staff of its skill {service.skill!r}: the plan "
                "must move staff or the service",
                ProblemCode.NO_STAFF_OF_SKILL,
            )
    _check_empty_groups(unit_groups, totals, services, units_table.sheet, problems)

    variants, variants_hours = read_variants(
        tables["scenarios"], problems, units, services, skills, settings
    )
    _check_hours_mode(
        settings,
        variants_hours,
        unit_records,
        service_records,
        units_table.sheet,
        services_table.sheet,
        problems,
    )
    if problems.errors:
        return None
    unit_objects = [
        Unit(
            unit_id=r.get("unitid"),
            name=r.get("name") or "",
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
    return Scenario(
        name=book.path.stem,
        units=tuple(sorted(unit_objects, key=lambda u: u.unit_id)),
        staff=tuple(sorted(staff, key=lambda c: (c.unit_id, c.skill))),
        services=tuple(sorted(services, key=lambda s: s.service_id)),
        settings=settings,
        variants=tuple(variants),
        source_path=str(book.path),
        source_sha256=book.sha256,
    )


def _units_with_unread_headcount(
    unit_records: list[Record], staff_table: Table | None, staff_sheet: bool, problems: Problems
) -> set[str]:
    """Units with an Employees cell (in Units, or a Staff row) that could not be read."""
    if not staff_sheet:
        return {r.get("unitid") for r in unit_records if not r.ok("employees")}
    if staff_table is None or "unitid" not in staff_table.columns:
        return set()
    # Staff rows with an error: their Unit ID, read again quietly.
    bad_rows = {
        coordinate_from_string(p.cell)[1]
        for p in problems.errors
        if p.sheet == staff_table.sheet and p.cell and ":" not in p.cell
    }
    unit_column = staff_table.columns["unitid"]
    unsure = set()
    for row_number, cells in staff_table.rows:
        if row_number in bad_rows and unit_column in cells:
            try:
                unsure.add(parse_id(cells[unit_column][0], "Unit ID"))
            except CellError:
                continue
    return unsure


def _or(value: Any, default: Any) -> Any:
    """`value`, or `default` when the cell was blank (None); 0 stays 0."""
    return default if value is None else value


def _quiet_whole(value: object) -> int | None:
    """A whole number when the cell holds one, else None (for a column that is only compared)."""
    try:
        return int(parse_number(value, "", whole=True)) if not is_blank(value) else None
    except CellError:
        return None


def _check_empty_groups(
    unit_groups: dict[str, str],
    totals: dict[str, int],
    services: list[Service],
    sheet: str,
    problems: Problems,
) -> None:
    employees_by_group: dict[str, int] = {}
    for unit_id, group in unit_groups.items():
        employees_by_group[group] = employees_by_group.get(group, 0) + totals.get(unit_id, 0)
    loaded_services: dict[str, int] = {}  # one pass: a national workbook has 300 groups
    for service in services:
        group = unit_groups.get(service.unit_id)
        if service.volume > 0 and group is not None:
            loaded_services[group] = loaded_services.get(group, 0) + 1
    for group in sorted(employees_by_group):
        load = loaded_services.get(group, 0)
        if employees_by_group[group] == 0 and load:
            problems.warn(
                sheet,
                "",
                group,
                f"group {group!r} has no employees but {load} services to deliver: no plan "
                "can staff them (the solver will report it infeasible)",
                ProblemCode.GROUP_NO_STAFF,
            )


def validate_workbook(path: str | os.PathLike[str]) -> Report:
    """Read and check a scenario workbook; never raises for any file content.

    Returns a Report with every error and warning found in one pass (each naming sheet and cell)
    and the Scenario when there is no error.
    """
    problems = Problems()
    name = Path(path).name or str(path)
    scenario = None
    try:
        with open_workbook(path) as book:
            if book.has_macros:
                problems.warnings.append(macro_warning(name))
            scenario = _build(book, problems)
    except Refused as refused:
        problems.errors.append(refused.problem)
    except DefusedXmlException:
        problems.error("", "", None, f"{name}: {XML_REFUSED}", ProblemCode.UNSAFE_XML)
    except (zlib.error, zipfile.BadZipFile, EOFError) as error:
        # A part of the zip cannot be unpacked: damaged in transfer or cut short.
        problems.error(
            "",
            "",
            None,
            f"{name}: the file is damaged (a part of it cannot be unpacked: {error})",
            ProblemCode.NOT_XLSX,
        )
    except Exception as error:  # noqa: BLE001 - any damage in a stranger's file is a Problem
        reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        problems.error(
            "",
            "",
            None,
            f"{name}: the file could not be read as an Excel workbook: {reason}",
            ProblemCode.UNREADABLE,
        )
    if problems.errors:
        scenario = None
    elif scenario is not None:
        scenario = replace(scenario, warnings=tuple(problems.warnings))
    return Report(scenario, tuple(problems.errors), tuple(problems.warnings))
