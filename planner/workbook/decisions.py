"""The optional Decisions sheet: what a planner decided, for every plan to keep.

One row per decision. Decision is one of `pin transfer` (at least Employees of Skill go from
Unit to To unit), `forbid transfer` (none of Skill, blank: of any skill, go from Unit to To
unit), `pin service` (Service ID is delivered at Unit), `forbid service` (Service ID is not
delivered at Unit) and `fix headcount` (Unit ends with Employees, of Skill if given). Transfers
are of net headcount, as the result lists them.

Every cell is read like every other sheet's (ids normalised, whole numbers), then the rules of
planner.workbook.decision_rules run on the scenario read: unknown units, skills and services are
named with their cell and a did-you-mean, and two decisions that contradict each other are
refused naming both cells.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

from planner.domain import Decision, DecisionKind, Scenario
from planner.errors import ProblemCode
from planner.i18n import LANGUAGES, N_, NP_, _, translations
from planner.workbook.cells import clean_text
from planner.workbook.decision_rules import KIND_WORDS, decision_findings, kind_word
from planner.workbook.layout import Column, Kind, SheetFormat, translated_format
from planner.workbook.nearmiss import near_miss
from planner.workbook.tables import Problems, Table, read_records, require_columns

__all__ = ["DECISIONS", "ReadDecision", "check_decisions", "decision_rows", "read_decisions"]

DECISIONS = SheetFormat(
    name=NP_("sheet", "Decisions"),
    required=False,
    purpose=N_(
        "Optional. What the planner decided; every plan keeps it and the rest is re-optimised. "
        "Decision: pin transfer, forbid transfer, pin service, forbid service, fix headcount."
    ),
    columns=(
        Column(
            NP_("header", "Decision"),
            Kind.TEXT,
            N_("One of: pin transfer, forbid transfer, pin service, forbid service, fix headcount"),
            NP_("default", "required"),
            required=True,
            width=18,
        ),
        Column(
            NP_("header", "Unit"),
            Kind.ID,
            N_("The unit (a transfer: the unit the staff leave)"),
            NP_("default", "required"),
            required=True,
        ),
        Column(
            NP_("header", "To unit"),
            Kind.ID,
            N_("Transfers: the unit the staff go to"),
            NP_("default", "blank (not a transfer)"),
        ),
        Column(
            NP_("header", "Skill"),
            Kind.ID,
            N_("Transfers and headcounts: the skill"),
            NP_(
                "default",
                "blank: the group's only skill (pin transfer), every skill (forbid transfer, fix "
                "headcount)",
            ),
        ),
        Column(
            NP_("header", "Service ID"),
            Kind.ID,
            N_("Pin / forbid service: the service"),
            NP_("default", "blank (not a service)"),
        ),
        Column(
            NP_("header", "Employees"),
            Kind.WHOLE,
            N_(
                "Pin transfer: how many move (1 or more); fix headcount: the headcount the unit "
                "ends with"
            ),
            NP_("default", "blank"),
        ),  # fmt: skip
        Column(
            NP_("header", "Note"),
            Kind.TEXT,
            N_("Why (for the people who read the plan)"),
            NP_("default", "blank"),
            width=30,
        ),
    ),
)
translated_format(DECISIONS)  # its name and headers read in kk and ru too

# The Decisions columns each field of a Decision is read from (for a problem's cell).
_COLUMN_OF_FIELD = {
    "kind": "decision",
    "unit": "unit",
    "to_unit": "tounit",
    "skill": "skill",
    "service": "serviceid",
    "employees": "employees",
}


@dataclass(frozen=True)
class ReadDecision:
    """A decision as read, with the cell of each of its columns."""

    decision: Decision
    cells: dict[str, str]


def _words(text: str) -> str:
    return " ".join(clean_text(text).casefold().replace("_", " ").replace("-", " ").split())


@functools.cache
def _kinds() -> dict[str, DecisionKind]:
    """Each language's Decision words (the catalogues', as the sheet is written) -> the kind."""
    found = {kind.value: kind for kind in DecisionKind}
    for code in LANGUAGES:
        for kind, word in KIND_WORDS.items():
            found.setdefault(_words(translations(code).pgettext("decision", word)), kind)
    return found


def _kind(text: str) -> DecisionKind | None:
    return _kinds().get(_words(text))


def read_decisions(table: Table | None, problems: Problems) -> list[ReadDecision]:
    """The Decisions sheet's rows, each cell read and typed; every problem recorded."""
    if table is None:
        return []
    if not require_columns(table, ("decision", "unit"), DECISIONS, problems):
        return []
    sheet = table.sheet
    read: list[ReadDecision] = []
    for record in read_records(table, DECISIONS, problems):
        if not all(record.ok(key) for key in _COLUMN_OF_FIELD.values()):
            continue
        text, unit = record.get("decision"), record.get("unit")
        if text is None or unit is None:
            continue
        kind = _kind(str(text))
        if kind is None:
            words = [kind_word(k) for k in DecisionKind]
            # A misspelling of the English word is helped too: the format's words are read in
            # every language.
            near = near_miss(str(text), dict.fromkeys(words + [k.value for k in DecisionKind]))
            hint = _(" (did you mean {near!r}?)").format(near=near) if near else ""
            problems.error(sheet, record.cells["decision"], text, _("{column} must be one of "
                           "{choices}{hint}").format(column=DECISIONS.columns[0].label,
                           choices=", ".join(words), hint=hint), ProblemCode.BAD_CHOICE)  # fmt: skip
            continue
        employees = record.get("employees")

        def text_of(key: str) -> str | None:
            value = record.get(key)  # noqa: B023 - used at once
            return None if value is None else str(value)

        decision = Decision(
            kind=kind,
            unit_id=str(unit),
            to_unit=text_of("tounit"),
            skill=text_of("skill"),
            service_id=text_of("serviceid"),
            employees=None if employees is None else int(employees),
            row=record.row,
            where=f"{sheet}!{record.cells['decision']}",
        )
        read.append(ReadDecision(decision, dict(record.cells)))
    return read


def check_decisions(scenario: Scenario, read: list[ReadDecision], problems: Problems) -> Scenario:
    """The scenario with its decisions, each problem of the rules recorded on its cell (a
    contradiction on the later decision's cell, naming the earlier one's)."""
    if not read:
        return scenario
    decided = replace(scenario, decisions=tuple(r.decision for r in read))
    cells = {id(r.decision): r.cells for r in read}
    for finding in decision_findings(decided):
        decision = finding.decision
        own = cells.get(id(decision))
        if own is None:  # the rules resolved a blank Skill: find the decision by its cell
            own = next((r.cells for r in read if r.decision.where == decision.where), {})
        key = _COLUMN_OF_FIELD.get(finding.column, "decision")
        sheet, _, first = decision.where.partition("!")
        problems.error(sheet, own.get(key, first), finding.value, finding.reason, finding.code)
    return decided


def decision_rows(scenario: Scenario) -> list[list[object]]:
    """The Decisions sheet's rows as written (write_scenario), in the current language."""
    return [
        [kind_word(d.kind), d.unit_id, d.to_unit, d.skill, d.service_id, d.employees, None]
        for d in scenario.decisions
    ]
