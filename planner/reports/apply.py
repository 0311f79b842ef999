"""`planner apply`: the accepted plan of a result workbook as a new scenario, so that next year's
planning starts from it.

The result workbook names its input file and that file's SHA-256 (Inputs sheet); the input is read
again and must still be the file that was solved. The plan is read from the result itself: the
headcount after the plan of every unit and skill (Skills sheet, `Employees after`) and where every
moved service goes (Reassignments sheet). The new scenario is the input with staff and services
where the plan puts them, the same units, settings and options, and no decisions (they are
carried out); its Assumptions sheet names the source result and its SHA-256.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from planner.domain import Scenario, Service, StaffCell
from planner.errors import InputError, Problem, ProblemCode
from planner.i18n import LANGUAGES, _, pgettext, translations
from planner.workbook import read_scenario
from planner.workbook.layout import normalise_header
from planner.xlsx.ooxml import column_letters
from planner.xlsx.reading import OpenedWorkbook, RawSheet, Refused, open_workbook

__all__ = ["Accepted", "accepted_scenario"]

INPUT_FILE, INPUT_SHA256 = "Input file", "SHA-256 of the input file"
BUILT_IN_CODE = "(built in code)"


def _spellings(english: str, context: str | None = None) -> set[str]:
    """`english` as a result workbook in any of the languages writes it (planner.reports.
    result_workbook translates its sheet names, headers and Inputs items): a result written in
    Russian applies as well as an English one."""
    found = set()
    for code in LANGUAGES:
        catalogue = translations(code)
        found.add(catalogue.pgettext(context, english) if context else catalogue.gettext(english))
    return found


@dataclass(frozen=True)
class Accepted:
    """The accepted plan as a scenario, with where it came from."""

    scenario: Scenario
    result_path: Path
    result_sha256: str
    source_path: Path
    source_sha256: str

    @property
    def assumptions(self) -> list[tuple[str, str, str]]:
        """The rows of the new workbook's Assumptions sheet: its provenance."""
        return [
            (
                _("Source result"),
                self.result_path.name,
                _("planner apply: the plan of this result"),
            ),
            (_("SHA-256 of the source result"), self.result_sha256, _("of the result workbook")),
            (_("Source scenario"), str(self.source_path), _("the scenario that result solved")),
            (_("SHA-256 of the source scenario"), self.source_sha256, _("checked before applying")),
        ]


def _refused(sheet: str, cell: str, value: object, why: str) -> InputError:
    return InputError([Problem(sheet, cell, value, why, ProblemCode.NOT_XLSX)])


def _table(sheet: RawSheet, needed: Sequence[str]) -> list[dict[str, tuple[object, str]]]:
    """The rows of a result sheet's first table as {header: (value, cell)}; a missing header is
    refused (the file is not a planner result workbook)."""
    if not sheet.rows:
        raise _refused(
            sheet.title, "", None, _("the {sheet} sheet is empty").format(sheet=sheet.title)
        )
    header_row, header = sheet.rows[0]
    found = {normalise_header(value): column for column, (value, _cell) in header.items()}
    columns = {}  # the English header -> its column, whatever the language written
    for name in needed:
        for spelling in _spellings(name):
            if normalise_header(spelling) in found:
                columns[normalise_header(name)] = found[normalise_header(spelling)]
    missing = [name for name in needed if normalise_header(name) not in columns]
    if missing:
        raise _refused(sheet.title, "", None, _("the {sheet} sheet has no column {column!r}: this "
                       "is not a result workbook of planner").format(
                           sheet=sheet.title, column=_(missing[0])))  # fmt: skip
    rows: list[dict[str, tuple[object, str]]] = []
    for number, cells in sheet.rows[1:]:
        if number != header_row + len(rows) + 1:
            break  # the table ends at its first blank row
        row = {}
        for name in needed:
            column = columns[normalise_header(name)]
            value = cells.get(column, (None, ""))[0]
            row[name] = (value, f"{column_letters(column)}{number}")
        rows.append(row)
    return rows


def _facts(sheet: RawSheet) -> dict[str, tuple[object, str]]:
    """The Inputs sheet's item -> (value, cell) pairs (column A item, column B value)."""
    english = {
        spelling: item for item in (INPUT_FILE, INPUT_SHA256) for spelling in _spellings(item)
    }
    facts = {}
    for number, cells in sheet.rows:
        item = cells.get(1, (None, ""))[0]
        if isinstance(item, str):
            facts[english.get(item, item)] = (cells.get(2, (None, ""))[0], f"B{number}")
    return facts


def _read_plan(book: OpenedWorkbook):
    titles = {title for title, _kind in book.sheets}
    named = {}  # the English sheet name -> its title in the workbook, whatever the language
    for needed in ("Inputs", "Skills", "Reassignments"):
        written = sorted(titles & _spellings(needed, "sheet"))
        if not written:
            sheet = pgettext("sheet", needed)
            raise _refused(sheet, "", None, _("{name} has no {sheet} sheet: this is not a result "
                           "workbook of planner").format(name=book.path.name, sheet=sheet))  # fmt: skip
        named[needed] = written[0]
    facts = _facts(book.read_sheet(named["Inputs"]))
    skills = _table(book.read_sheet(named["Skills"]), ("Unit ID", "Skill", "Employees after"))
    moves = _table(book.read_sheet(named["Reassignments"]), ("Service ID", "To unit ID", "Share"))
    return facts, skills, moves, named


def accepted_scenario(result_path: str | os.PathLike[str]) -> Accepted:
    """The accepted plan of a result workbook as a new scenario (see the module docstring).
    InputError, naming the sheet and cell, when the file is not a result workbook, its input is
    missing or changed since it was solved, or the plan does not fit the input."""
    path = Path(result_path)
    try:
        with open_workbook(path) as book:
            sha256 = book.sha256
            facts, skills, moves, named = _read_plan(book)
    except Refused as refused:
        raise InputError([refused.problem]) from None
    inputs = named["Inputs"]  # the sheets as the result names them, in its language
    source_value, source_cell = facts.get(INPUT_FILE, (None, ""))
    recorded_sha, sha_cell = facts.get(INPUT_SHA256, (None, ""))
    if not isinstance(source_value, str) or not isinstance(recorded_sha, str):
        raise _refused(inputs, source_cell, source_value, _("the {sheet} sheet has no {file!r} "
                       "and {sha!r}: this is not a result workbook of planner").format(
                           sheet=inputs, file=_(INPUT_FILE), sha=_(INPUT_SHA256)))  # fmt: skip
    if any(source_value.startswith(spelling) for spelling in _spellings(BUILT_IN_CODE)):
        raise _refused(inputs, source_cell, source_value, _("the result was solved from a "
                       "scenario built in code: apply needs a result solved from a workbook"))  # fmt: skip
    source = Path(source_value)
    if not source.is_absolute() and not source.exists():
        source = path.parent / source  # a relative name: beside the result
    if not source.exists() and (path.parent / source.name).exists():
        source = path.parent / source.name  # moved together with its result
    if not source.exists():
        raise _refused(inputs, source_cell, source_value, _("the input file {path} is not "
                       "there: put it beside the result, or where it was solved").format(
                           path=source_value))  # fmt: skip
    scenario = read_scenario(source)
    if scenario.source_sha256 != recorded_sha:
        raise InputError([Problem(inputs, sha_cell, recorded_sha, _("{path} has changed since "
                                  "the result was made (its SHA-256 differs): apply the plan to "
                                  "the file it was solved from").format(path=source),
                                  ProblemCode.NOT_XLSX)])  # fmt: skip
    units = {u.unit_id for u in scenario.units}
    staff: list[StaffCell] = []
    for row in skills:
        (unit_id, cell), (skill, _skill_cell), (after, after_cell) = (
            row["Unit ID"],
            row["Skill"],
            row["Employees after"],
        )
        if unit_id is None:
            continue
        if str(unit_id) not in units:
            raise _refused(named["Skills"], cell, unit_id, _("unit {unit!r} is not in {name}")
                           .format(unit=unit_id, name=source.name))  # fmt: skip
        if not isinstance(after, int | float) or after < 0 or after != int(after):
            raise _refused(named["Skills"], after_cell, after, _("{column} must be a whole number")
                           .format(column=_("Employees after")))  # fmt: skip
        if after:
            staff.append(StaffCell(str(unit_id), str(skill), int(after)))
    services = {s.service_id: s for s in scenario.services}
    moved: dict[str, Service] = {}
    for row in moves:
        (service_id, cell), (target, target_cell), (share, share_cell) = (
            row["Service ID"],
            row["To unit ID"],
            row["Share"],
        )
        if service_id is None:
            continue
        if str(service_id) not in services:
            raise _refused(named["Reassignments"], cell, service_id,
                           _("service {service!r} is not in {name}").format(
                               service=service_id, name=source.name))  # fmt: skip
        if str(target) not in units:
            raise _refused(named["Reassignments"], target_cell, target,
                           _("unit {unit!r} is not in {name}").format(unit=target, name=source.name))  # fmt: skip
        if share != 1:
            raise _refused(named["Reassignments"], share_cell, share, _("a split service (share "
                           "below 1) cannot be applied: a scenario places each service at one "
                           "unit"))  # fmt: skip
        moved[str(service_id)] = dataclasses.replace(
            services[str(service_id)], unit_id=str(target), row=None
        )
    applied = dataclasses.replace(
        scenario,
        name=_("{name} (applied)").format(name=scenario.name),  # the plan applied to it
        staff=tuple(sorted(staff, key=lambda c: (c.unit_id, c.skill))),
        services=tuple(moved.get(s.service_id, s) for s in scenario.services),
        hires=(),
        decisions=(),
        source_path=None,
        source_sha256=None,
        warnings=(),
    )
    return Accepted(applied, path, sha256, source, recorded_sha)
