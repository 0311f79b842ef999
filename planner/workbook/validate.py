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
from xml.parsers.expat import ExpatError

from defusedxml.common import DefusedXmlException

from planner.checks import group_size_problems, scenario_group_sizes
from planner.domain import (
    DEFAULT_GROUP,
    DEFAULT_SKILL,
    CoefficientMode,
    Scenario,
    StaffCell,
    char_name,
    invisible_characters,
    shown,
)
from planner.errors import Problem, ProblemCode
from planner.i18n import _
from planner.workbook.decisions import DECISIONS, check_decisions, read_decisions
from planner.workbook.distances import DISTANCES, read_distances
from planner.workbook.history import HISTORY, read_history
from planner.workbook.layout import (
    SCENARIOS,
    SERVICES,
    SETTINGS,
    SETTINGS_LIST,
    STAFF,
    UNITS,
    normalise_header,
)
from planner.workbook.records import (
    build_units,
    read_services,
    read_settings,
    read_staff,
    read_units,
    setting_cell,
    units_with_unread_headcount,
)
from planner.workbook.rules import (
    check_empty_groups,
    check_headcounts,
    check_hours_mode,
    check_parents,
    check_services_staffed,
)
from planner.workbook.tables import Problems, Spelling, Table, read_table, require_columns
from planner.workbook.variants import read_variants
from planner.workbook.wisn_sheets import read_wisn
from planner.xlsx.files import collection_paused
from planner.xlsx.ooxml import PartError
from planner.xlsx.reading import (
    XML_REFUSED,
    OpenedWorkbook,
    Refused,
    macro_sheet_warning,
    macro_warning,
    open_workbook,
    part_refused,
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
        return _(
            "{value1} units, {s.total_employees} staff, {value2} services, {value3} groups ({value4}), {value5} skills ({value6}), {value7} variants, {value8} warnings"
        ).format(
            value1=len(s.units),
            s=s,
            value2=len(s.services),
            value3=len(s.groups),
            value4=", ".join(s.groups),
            value5=len(s.skills),
            value6=", ".join(s.skills),
            value7=len(s.variants),
            value8=len(self.warnings),
        )


# --- the sheets -------------------------------------------------------------------------------


def _find_sheets(book: OpenedWorkbook, problems: Problems) -> dict[str, str]:
    """Known sheet key -> sheet title; hidden sheets are left out with a warning."""
    found: dict[str, str] = {}
    known = {
        s.key: s.name
        for s in (UNITS, STAFF, SERVICES, SETTINGS, SCENARIOS, HISTORY, DECISIONS, DISTANCES)
    }
    for title, hidden in book.sheets:
        key = normalise_header(title)
        if hidden:
            problems.warn(title, "", None, _("hidden sheet, ignored"), ProblemCode.HIDDEN_SHEET)
            continue
        marks = invisible_characters(title)
        visible_key = normalise_header("".join(ch for ch in title if ch not in marks))
        if marks and visible_key in known:
            # Refused rather than matched: a name that only looks like "Units" is not trusted.
            names = ", ".join(dict.fromkeys(char_name(ch) for ch in marks))
            problems.error(
                shown(title)[1:-1],
                "",
                None,
                _(
                    "the sheet name {value1} holds an invisible character ({names}): rename the sheet {value2}"
                ).format(value1=shown(title), names=names, value2=known[visible_key]),
                ProblemCode.INVISIBLE_CHARACTER,
            )
            found.setdefault(visible_key, "")
            continue
        if key in known:
            if key in found:
                problems.error(
                    title,
                    "",
                    None,
                    _("two sheets are called {title!r} and {value1!r}: keep one").format(
                        title=title, value1=found[key]
                    ),
                    ProblemCode.DUPLICATE_SHEET,
                )
                continue
            found[key] = title
    return found


def _build(book: OpenedWorkbook, problems: Problems) -> Scenario | None:
    """Every sheet read and checked; the Scenario when no error was found."""
    found = _find_sheets(book, problems)
    sheets = {key: title for key, title in found.items() if title}
    refused = set(found) - set(sheets)  # named with an invisible mark: reported already
    raw = {key: book.read_sheet(title) for key, title in sheets.items()}
    if all(not sheet.rows for sheet in raw.values()) and all(
        not book.read_sheet(t).rows for t, hidden in book.sheets if not hidden
    ):
        problems.errors.clear()
        problems.error(
            "",
            "",
            None,
            _("{book.path.name}: every sheet is empty; start from 'planner template'").format(
                book=book
            ),
            ProblemCode.WORKBOOK_EMPTY,
        )
        return None

    tables: dict[str, Table | None] = {}
    for sheet in (UNITS, STAFF, SERVICES, SETTINGS, SCENARIOS, HISTORY, DECISIONS, DISTANCES):
        if sheet.key not in raw:
            if sheet.required and sheet.key not in refused:
                problems.error(
                    sheet.name,
                    "",
                    None,
                    _("the workbook has no {sheet.name} sheet (sheet names: {value1})").format(
                        sheet=sheet, value1=", ".join(shown(t) for t, _ in book.sheets) or "none"
                    ),
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
                    _(
                        "the {raw_sheet.title} sheet is empty: it needs a header row and data rows"
                    ).format(raw_sheet=raw_sheet),
                    ProblemCode.SHEET_EMPTY,
                )
            elif sheet is STAFF:
                problems.warn(
                    raw_sheet.title,
                    "",
                    None,
                    _("the Staff sheet is empty and ignored: Employees comes from the Units sheet"),
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
                _("the {table.sheet} sheet has no data rows").format(table=table),
                ProblemCode.NO_ROWS,
            )
    if units_table is None or services_table is None:
        return None
    staff_sheet = staff_table is not None
    reason = _(" (needed when there is no Staff sheet)") if not staff_sheet else ""
    required_units = ["unitid"] + ([] if staff_sheet else ["employees"])
    if not require_columns(units_table, required_units, UNITS, problems, reason):
        return None
    if not require_columns(services_table, ("serviceid", "unitid"), SERVICES, problems):
        return None

    settings = read_settings(tables["settings"], problems)
    unit_records, units, groups = read_units(units_table, problems, staff_sheet)
    check_parents(unit_records, units, units_table.sheet, problems)
    # Units whose Group cell could not be read are left out: their group is unknown, and checks
    # against it would only echo that error.
    unit_groups = {
        r.get("unitid"): r.get("group") or DEFAULT_GROUP for r in unit_records if r.ok("group")
    }

    skills = Spelling("Skill")
    if staff_table is not None and require_columns(
        staff_table, ("unitid", "employees"), STAFF, problems
    ):
        staff = read_staff(staff_table, units, skills, problems)
        if not staff_table.rows:
            problems.warn(
                staff_table.sheet,
                "",
                None,
                _("the Staff sheet has no rows: every unit has 0 employees"),
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
    unsure = units_with_unread_headcount(unit_records, staff_table, staff_sheet, problems)

    check_headcounts(unit_records, totals, unsure, staff_sheet, units_table.sheet, problems)

    services, service_records = read_services(services_table, units, unit_groups, skills, problems)
    variants, variants_hours = read_variants(
        tables["scenarios"], problems, units, services, skills, settings
    )
    hired = {(unit_groups.get(h.unit_id, ""), h.skill) for v in variants for h in v.hires}
    check_services_staffed(
        services, service_records, staff, units, unsure, services_table.sheet, problems,
        unit_groups, settings, hired,
    )  # fmt: skip
    check_empty_groups(unit_groups, totals, services, units_table.sheet, problems)
    check_hours_mode(
        settings,
        variants_hours,
        unit_records,
        service_records,
        units_table.sheet,
        services_table.sheet,
        problems,
    )
    history = read_history(tables["history"], problems, units, services)
    decisions = read_decisions(tables["decisions"], problems)
    distances, measure = read_distances(tables["distances"], problems, units, unit_groups)
    if problems.errors:
        return None
    unit_objects = build_units(unit_records)
    scenario = Scenario(
        name=book.path.stem,
        units=tuple(sorted(unit_objects, key=lambda u: u.unit_id)),
        staff=tuple(sorted(staff, key=lambda c: (c.unit_id, c.skill))),
        services=tuple(sorted(services, key=lambda s: s.service_id)),
        settings=settings,
        variants=tuple(variants),
        history=history,
        distances=distances,
        distance_measure=measure,
        source_path=str(book.path),
        source_sha256=book.sha256,
    )
    for group, why in group_size_problems(*scenario_group_sizes(scenario)):
        problems.error(units_table.sheet, "", group, why, ProblemCode.TOO_MANY_SKILLS)
    scenario = check_decisions(scenario, decisions, problems)
    if problems.errors:
        return None
    read = read_wisn(book, scenario, services_table, problems)  # coefficient wisn's sheets
    settings = read.settings if read is not None else settings
    if settings.wisn_target is not None and settings.coefficient is not CoefficientMode.WISN:
        table = tables["settings"]
        problems.error(
            table.sheet if table is not None else SETTINGS.name,
            setting_cell(table, "wisn_target"), settings.wisn_target,
            _(
                "the setting 'wisn target' is for coefficient wisn (a WISN ratio needs the "
                "Working time sheet), but this workbook's coefficient is {coefficient}: remove "
                "the setting, or use the WISN form (planner template --wisn)"
            ).format(coefficient=settings.coefficient.value),
            ProblemCode.SETTING_NEEDS_WISN,
        )  # fmt: skip
        return None
    return read


def validate_workbook(path: str | os.PathLike[str]) -> Report:
    """Read and check a scenario workbook; never raises for any file content.

    Returns a Report with every error and warning found in one pass (each naming sheet and cell)
    and the Scenario when there is no error.
    """
    problems = Problems()
    name = Path(path).name or str(path)
    scenario = None
    try:
        # The cycle collector paused while the records are built: a national workbook makes
        # ~600,000 objects that live on in the Scenario, and the collections that walked them all
        # again and again took a quarter of the read (about 1 s of 3.9 s). No cycles are made here
        # that reference counting would not free; the collector resumes when the read ends.
        with collection_paused(), open_workbook(path) as book:
            if book.has_macro_sheets:
                problems.warnings.append(macro_sheet_warning(name, book.auto_open))
            elif book.has_macros:
                problems.warnings.append(macro_warning(name))
            scenario = _build(book, problems)
    except Refused as refused:
        problems.errors.append(refused.problem)
    except PartError as error:
        problems.errors.append(part_refused(name, error).problem)
    except ExpatError as error:
        problems.error(
            "",
            "",
            None,
            _("{name}: the file is damaged: a part of it is not well-formed XML ({error})").format(
                name=name, error=error
            ),
            ProblemCode.NOT_XLSX,
        )
    except DefusedXmlException:
        problems.error("", "", None, f"{name}: {_(XML_REFUSED)}", ProblemCode.UNSAFE_XML)
    except (zlib.error, zipfile.BadZipFile, EOFError) as error:
        # A part of the zip cannot be unpacked: damaged in transfer or cut short.
        problems.error(
            "",
            "",
            None,
            _("{name}: the file is damaged (a part of it cannot be unpacked: {error})").format(
                name=name, error=error
            ),
            ProblemCode.NOT_XLSX,
        )
    except Exception as error:  # noqa: BLE001 - any damage in a stranger's file is a Problem
        reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        problems.error(
            "",
            "",
            None,
            _("{name}: the file could not be read as an Excel workbook: {reason}").format(
                name=name, reason=reason
            ),
            ProblemCode.UNREADABLE,
        )
    if problems.errors:
        scenario = None
    elif scenario is not None:
        scenario = replace(scenario, warnings=tuple(problems.warnings))
    return Report(scenario, tuple(problems.errors), tuple(problems.warnings))
