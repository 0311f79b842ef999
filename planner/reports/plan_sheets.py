"""The sheets of the result workbook that list the plan and its evidence: Transfers,
Reassignments, Skills, Sensitivity, Checks and Inputs (planner.reports.result_workbook writes
Summary, Units and Charts and calls these).
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from planner.domain import CoefficientMode
from planner.i18n import _, pgettext
from planner.reports import charts
from planner.reports.charts import (
    ALERT_FILL,
    COEFFICIENT,
    FRACTION_COUNT,
    PEOPLE,
    PEOPLE_CHANGE,
    SHARE,
    Col,
    add_table,
    fit_columns,
    note,
    title,
)
from planner.reports.narrative import unit_label
from planner.result import NEW_HIRES, Result, SkillRow
from planner.workbook.layout import SETTINGS_LIST

__all__ = [
    "checks_sheet",
    "decisions_and_distances",
    "inputs_sheet",
    "load_word",
    "reassignments_sheet",
    "sensitivity_sheet",
    "skills_sheet",
    "transfers_sheet",
    "yes_no",
]

LEFT = Alignment(horizontal="left")


def load_word(result: Result) -> str:
    if result.coefficient is CoefficientMode.WISN:
        return _("staff required")
    return _("hours") if result.coefficient is CoefficientMode.HOURS else _("services")


def yes_no(flag: bool) -> str:
    """yes / no in the current language: the words the workbook reader accepts back."""
    return _("yes") if flag else _("no")


# --- Tables of the plan ---------------------------------------------------------------------------


def transfers_sheet(ws: Worksheet, result: Result) -> None:
    scenario = result.scenario
    columns = [
        Col(_("From unit ID")), Col(_("From")), Col(_("To unit ID")), Col(_("To")), Col(_("Group")),
        Col(_("Skill")), Col(_("Employees"), PEOPLE),
    ]  # fmt: skip
    rows = [
        [t.source, unit_label(scenario, t.source), t.target, unit_label(scenario, t.target),
         scenario.unit(t.target).group, t.skill, t.employees]
        for t in result.transfers
    ]  # fmt: skip
    _first, last = add_table(ws, "TransfersTable", columns, rows, freeze="A2")
    if not rows:
        note(ws, last + 2, _("No employee moves in this plan."), span=5)
    elif any(t.source == NEW_HIRES for t in result.transfers):
        note(ws, last + 2, _("{new_hires}: headcount added by the option, not taken from a "
                             "unit.").format(new_hires=NEW_HIRES), span=5)  # fmt: skip
    decisions_and_distances(ws, result, last + 4)
    fit_columns(ws)


def decisions_and_distances(ws: Worksheet, result: Result, top: int) -> None:
    """Below the transfers: with a Distances sheet, each transfer's distance and the total; with
    decisions, per transfer, service move and decided headcount, the proposal without them
    (Auto), the decided plan (Final) and the decision."""
    total = result.total_distance
    if total is not None:
        measure = result.scenario.distance_measure.value
        top = note(ws, top, _("Distance of the transfers ({measure}): {total} in total, the "
                   "least among the plans with the fewest moves.").format(
                       measure=measure, total=f"{total:,.4g}"), span=7)  # fmt: skip
        moved = [t for t in result.transfers if t.source != NEW_HIRES]
        _first, last = add_table(ws, "DistancesTable", [
            Col(_("From unit ID")), Col(_("To unit ID")), Col(_("Skill")), Col(_("Employees"), PEOPLE),
            Col(_("Distance ({measure})").format(measure=measure), FRACTION_COUNT),
            Col(_("Total ({measure})").format(measure=measure), FRACTION_COUNT),
        ], [[t.source, t.target, t.skill, t.employees, t.distance, t.total_distance]
            for t in moved], top=top)  # fmt: skip
        top = last + 3
    rows = result.decision_rows()
    if not rows:
        return
    top = note(ws, top, _("Decisions: Auto is the plan proposed without the decisions, Final "
               "the plan that keeps them (the plan of this workbook)."), span=7)  # fmt: skip
    columns = [
        Col(_("Kind")), Col(_("From / unit")), Col(_("To")), Col(_("Skill or service")),
        Col(_("Auto"), FRACTION_COUNT), Col(_("Final"), FRACTION_COUNT), Col(_("Decision")), Col(_("Cell")),
    ]  # fmt: skip
    add_table(ws, "DecisionsTable", columns, [
        [r.kind, r.source, r.target, r.subject, r.auto, r.final, r.decision, r.where] for r in rows
    ], top=top)  # fmt: skip


def reassignments_sheet(ws: Worksheet, result: Result) -> None:
    scenario = result.scenario
    services = {s.service_id: s for s in scenario.services}
    load = load_word(result)
    columns = [
        Col(_("Service ID")), Col(_("Service")), Col(_("Skill")), Col(_("Group")), Col(_("From unit ID")),
        Col(_("From")), Col(_("To unit ID")), Col(_("To")), Col(_("Share"), SHARE, _("Share of the service moved")),
        Col(_("Load moved ({load})").format(load=load),
            charts.HOURS if result.coefficient is CoefficientMode.HOURS else FRACTION_COUNT),
    ]  # fmt: skip
    rows = []
    for r in result.reassignments:
        service = services[r.service_id]
        rows.append([
            r.service_id, service.name, service.skill, scenario.unit(r.target).group, r.source,
            unit_label(scenario, r.source), r.target, unit_label(scenario, r.target), r.share,
            r.load,
        ])  # fmt: skip
    _first, last = add_table(ws, "ReassignmentsTable", columns, rows, freeze="A2")
    if not rows:
        note(ws, last + 2, _("No service changes unit in this plan."), span=5)
    fit_columns(ws)


def skills_sheet(
    ws: Worksheet, result: Result, skill_rows: Sequence[SkillRow] | None = None
) -> None:
    """The Skills sheet: every unit-skill cell before and after (`skill_rows`: the Result's,
    when the caller has them already)."""
    load = load_word(result)
    columns = [
        Col(_("Unit ID")), Col(_("Unit")), Col(_("Group")), Col(_("Skill")),
        Col(_("Employees before"), PEOPLE), Col(_("Employees after"), PEOPLE),
        Col(_("Change in employees"), PEOPLE_CHANGE), Col(_("New hires"), PEOPLE),
        Col(_("Load before ({load})").format(load=load), charts.COUNT),
        Col(_("Load after ({load})").format(load=load), charts.COUNT),
        Col(_("Coefficient before"), COEFFICIENT), Col(_("Coefficient after"), COEFFICIENT),
    ]  # fmt: skip
    # The cells and their coefficients are defined once, by Result.skill_rows.
    rows = [
        [r.unit_id, r.name, r.group, r.skill, r.employees_before, r.employees_after,
         r.employees_after - r.employees_before, r.hired, r.load_before, r.load_after,
         r.coefficient_before, r.coefficient_after]
        for r in (result.skill_rows() if skill_rows is None else skill_rows)
    ]  # fmt: skip
    add_table(ws, "SkillsTable", columns, rows, freeze="C2")
    fit_columns(ws)


def sensitivity_sheet(ws: Worksheet, result: Result) -> None:
    fine = charts.COEFFICIENT_FINE
    columns = [
        Col(_("Group")), Col(_("Unit ID")), Col(_("What holds the maximum up")), Col(_("Kind")),
        Col(_("Change tried")), Col(_("Highest coefficient now"), fine),
        Col(_("Highest coefficient after the change"), fine, _("Re-solved with the change")),
        Col(_("Improvement"), fine),
    ]  # fmt: skip
    rows = [
        [s.group, s.unit_id, s.item, s.kind, s.change, s.max_coefficient_now,
         s.max_coefficient_after_change, s.improvement]
        for g in result.groups for s in g.sensitivity
    ]  # fmt: skip
    _first, last = add_table(ws, "SensitivityTable", columns, rows, freeze="A2")
    note(ws, last + 2, _("Each row is a limit or unit at the maximum, re-solved with that one "
         "thing relaxed. Computed for groups solved to optimality with the minmax objective (unless "
         "switched off with --no-sensitivity). A blank 'after' means the change did not lead to a "
         "plan."), span=6)  # fmt: skip
    fit_columns(ws)


def checks_sheet(ws: Worksheet, result: Result) -> None:
    columns = [Col(_("Group")), Col(_("Check")), Col(_("Result")), Col(_("Detail"))]
    passed, failed = _("passed"), _("FAILED")
    rows = [[c.group, c.name, passed if c.passed else failed, c.detail] for c in result.checks]
    first, last = add_table(ws, "ChecksTable", columns, rows, freeze="A2")
    for r in range(first, first + len(rows)):
        cell = ws.cell(row=r, column=3)
        cell.fill = charts.GOOD_FILL if cell.value == passed else ALERT_FILL
    note(ws, last + 2, _("Each plan is re-checked against the scenario by code that does not use "
         "the optimisation model: headcounts, limits, locks, moves and the coefficients "
         "reported."), span=4)  # fmt: skip
    fit_columns(ws)


def _setting_value(value: object, default: str) -> object:
    if value is None:
        return default
    if isinstance(value, bool):
        return yes_no(value)
    return getattr(value, "value", value)


def inputs_sheet(ws: Worksheet, result: Result) -> None:
    scenario = result.scenario
    settings = scenario.settings
    columns = [Col(_("Setting")), Col(_("Value")), Col(_("Meaning"))]
    rows = [
        [
            pgettext("setting", s.name),
            _setting_value(getattr(settings, s.field), s.default_text),
            s.meaning_text,
        ]
        for s in SETTINGS_LIST
    ]
    _first, last = add_table(ws, "SettingsTable", columns, rows, freeze="A2")
    row = last + 3
    title(ws, row, _("Input"), size="section")
    hires = "; ".join(f"{h.unit_id}:{h.skill}={h.employees}" for h in scenario.hires)
    facts: list[list[object]] = [
        # planner.reports.apply reads the first three back, in any language.
        [_("Scenario"), scenario.name],
        [_("Input file"), scenario.source_path or _("(built in code)")],
        [_("SHA-256 of the input file"), scenario.source_sha256 or _("(none: built in code)")],
        [_("Solved at (ISO 8601, UTC)"), result.report.solved_at],
        [_("Solver"), result.report.solver.value],
        [_("Units"), len(scenario.units)],
        [_("Services"), len(scenario.services)],
        [_("Employees"), scenario.total_employees],
        [_("Groups"), len(scenario.groups)],
        [_("Skills"), "; ".join(scenario.skills)],
        [_("New hires (option)"), hires or _("none")],
    ]
    fact_header = row + 1
    _first, last = add_table(
        ws, "InputFile", [Col(_("Item")), Col(_("Value"), PEOPLE)], facts, top=row + 1
    )
    for r in [*range(2, len(rows) + 2), *range(fact_header + 1, last + 1)]:
        ws.cell(row=r, column=2).alignment = LEFT  # numbers and words in one column read better
    header_rows = [1, fact_header]
    if scenario.warnings:
        row = last + 3
        title(ws, row, _("Warnings when reading the input"), size="section")
        warnings = [[w.sheet, w.cell, "" if w.value is None else str(w.value), w.expected]
                    for w in scenario.warnings]  # fmt: skip
        header_rows.append(row + 1)
        add_table(ws, "InputWarnings", [Col(_("Sheet")), Col(_("Cell")), Col(_("Value")), Col(_("Problem"))],
                  warnings, top=row + 1)  # fmt: skip
    fit_columns(ws, header_rows=header_rows)
