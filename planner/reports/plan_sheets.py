"""The sheets of the result workbook that list the plan and its evidence: Transfers,
Reassignments, Skills, Sensitivity, Checks and Inputs (planner.reports.result_workbook writes
Summary, Units and Charts and calls these).
"""

from __future__ import annotations

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from planner.domain import CoefficientMode
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
from planner.result import NEW_HIRES, Result
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
        return "staff required"
    return "hours" if result.coefficient is CoefficientMode.HOURS else "services"


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


# --- Tables of the plan ---------------------------------------------------------------------------


def transfers_sheet(ws: Worksheet, result: Result) -> None:
    scenario = result.scenario
    columns = [
        Col("From unit ID"), Col("From"), Col("To unit ID"), Col("To"), Col("Group"),
        Col("Skill"), Col("Employees", PEOPLE),
    ]  # fmt: skip
    rows = [
        [t.source, unit_label(scenario, t.source), t.target, unit_label(scenario, t.target),
         scenario.unit(t.target).group, t.skill, t.employees]
        for t in result.transfers
    ]  # fmt: skip
    _, last = add_table(ws, "TransfersTable", columns, rows, freeze="A2")
    if not rows:
        note(ws, last + 2, "No employee moves in this plan.", span=5)
    elif any(t.source == NEW_HIRES for t in result.transfers):
        note(ws, last + 2, f"{NEW_HIRES}: headcount added by the option, not taken from a unit.",
             span=5)  # fmt: skip
    decisions_and_distances(ws, result, last + 4)
    fit_columns(ws)


def decisions_and_distances(ws: Worksheet, result: Result, top: int) -> None:
    """Below the transfers: with a Distances sheet, each transfer's distance and the total; with
    decisions, per transfer, service move and decided headcount, the proposal without them
    (Auto), the decided plan (Final) and the decision."""
    total = result.total_distance
    if total is not None:
        measure = result.scenario.distance_measure.value
        top = note(ws, top, f"Distance of the transfers ({measure}): {total:,.4g} in total, the "
                   "least among the plans with the fewest moves.", span=7)  # fmt: skip
        moved = [t for t in result.transfers if t.source != NEW_HIRES]
        _, last = add_table(ws, "DistancesTable", [
            Col("From unit ID"), Col("To unit ID"), Col("Skill"), Col("Employees", PEOPLE),
            Col(f"Distance ({measure})", FRACTION_COUNT), Col(f"Total ({measure})", FRACTION_COUNT),
        ], [[t.source, t.target, t.skill, t.employees, t.distance, t.total_distance]
            for t in moved], top=top)  # fmt: skip
        top = last + 3
    rows = result.decision_rows()
    if not rows:
        return
    top = note(ws, top, "Decisions: Auto is the plan proposed without the decisions, Final the "
               "plan that keeps them (the plan of this workbook).", span=7)  # fmt: skip
    columns = [
        Col("Kind"), Col("From / unit"), Col("To"), Col("Skill or service"),
        Col("Auto", FRACTION_COUNT), Col("Final", FRACTION_COUNT), Col("Decision"), Col("Cell"),
    ]  # fmt: skip
    add_table(ws, "DecisionsTable", columns, [
        [r.kind, r.source, r.target, r.subject, r.auto, r.final, r.decision, r.where] for r in rows
    ], top=top)  # fmt: skip


def reassignments_sheet(ws: Worksheet, result: Result) -> None:
    scenario = result.scenario
    services = {s.service_id: s for s in scenario.services}
    load = load_word(result)
    columns = [
        Col("Service ID"), Col("Service"), Col("Skill"), Col("Group"), Col("From unit ID"),
        Col("From"), Col("To unit ID"), Col("To"), Col("Share", SHARE, "Share of the service moved"),
        Col(f"Load moved ({load})", FRACTION_COUNT if load == "services" else charts.HOURS),
    ]  # fmt: skip
    rows = []
    for r in result.reassignments:
        service = services[r.service_id]
        rows.append([
            r.service_id, service.name, service.skill, scenario.unit(r.target).group, r.source,
            unit_label(scenario, r.source), r.target, unit_label(scenario, r.target), r.share,
            r.load,
        ])  # fmt: skip
    _, last = add_table(ws, "ReassignmentsTable", columns, rows, freeze="A2")
    if not rows:
        note(ws, last + 2, "No service changes unit in this plan.", span=5)
    fit_columns(ws)


def skills_sheet(ws: Worksheet, result: Result) -> None:
    load = load_word(result)
    columns = [
        Col("Unit ID"), Col("Unit"), Col("Group"), Col("Skill"),
        Col("Employees before", PEOPLE), Col("Employees after", PEOPLE),
        Col("Change in employees", PEOPLE_CHANGE), Col("New hires", PEOPLE),
        Col(f"Load before ({load})", charts.COUNT), Col(f"Load after ({load})", charts.COUNT),
        Col("Coefficient before", COEFFICIENT), Col("Coefficient after", COEFFICIENT),
    ]  # fmt: skip
    # The cells and their coefficients are defined once, by Result.skill_rows.
    rows = [
        [r.unit_id, r.name, r.group, r.skill, r.employees_before, r.employees_after,
         r.employees_after - r.employees_before, r.hired, r.load_before, r.load_after,
         r.coefficient_before, r.coefficient_after]
        for r in result.skill_rows()
    ]  # fmt: skip
    add_table(ws, "SkillsTable", columns, rows, freeze="C2")
    fit_columns(ws)


def sensitivity_sheet(ws: Worksheet, result: Result) -> None:
    fine = charts.COEFFICIENT_FINE
    columns = [
        Col("Group"), Col("Unit ID"), Col("What holds the maximum up"), Col("Kind"),
        Col("Change tried"), Col("Highest coefficient now", fine),
        Col("Highest coefficient after the change", fine, "Re-solved with the change"),
        Col("Improvement", fine),
    ]  # fmt: skip
    rows = [
        [s.group, s.unit_id, s.item, s.kind, s.change, s.max_coefficient_now,
         s.max_coefficient_after_change, s.improvement]
        for g in result.groups for s in g.sensitivity
    ]  # fmt: skip
    _, last = add_table(ws, "SensitivityTable", columns, rows, freeze="A2")
    note(ws, last + 2, "Each row is a limit or unit at the maximum, re-solved with that one thing "
         "relaxed. Computed for groups solved to optimality with the minmax objective (unless "
         "switched off with --no-sensitivity). A blank 'after' means the change did not lead to a "
         "plan.", span=6)  # fmt: skip
    fit_columns(ws)


def checks_sheet(ws: Worksheet, result: Result) -> None:
    columns = [Col("Group"), Col("Check"), Col("Result"), Col("Detail")]
    rows = [[c.group, c.name, "passed" if c.passed else "FAILED", c.detail] for c in result.checks]
    first, last = add_table(ws, "ChecksTable", columns, rows, freeze="A2")
    for r in range(first, first + len(rows)):
        cell = ws.cell(row=r, column=3)
        cell.fill = charts.GOOD_FILL if cell.value == "passed" else ALERT_FILL
    note(ws, last + 2, "Each plan is re-checked against the scenario by code that does not use "
         "the optimisation model: headcounts, limits, locks, moves and the coefficients reported.",
         span=4)  # fmt: skip
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
    columns = [Col("Setting"), Col("Value"), Col("Meaning")]
    rows = [
        [s.name, _setting_value(getattr(settings, s.field), s.default), s.meaning]
        for s in SETTINGS_LIST
    ]
    _, last = add_table(ws, "SettingsTable", columns, rows, freeze="A2")
    row = last + 3
    title(ws, row, "Input", size="section")
    hires = "; ".join(f"{h.unit_id}:{h.skill}={h.employees}" for h in scenario.hires)
    facts: list[list[object]] = [
        ["Scenario", scenario.name],
        ["Input file", scenario.source_path or "(built in code)"],
        ["SHA-256 of the input file", scenario.source_sha256 or "(none: built in code)"],
        ["Solved at (ISO 8601, UTC)", result.report.solved_at],
        ["Solver", result.report.solver.value],
        ["Units", len(scenario.units)],
        ["Services", len(scenario.services)],
        ["Employees", scenario.total_employees],
        ["Groups", len(scenario.groups)],
        ["Skills", "; ".join(scenario.skills)],
        ["New hires (option)", hires or "none"],
    ]
    fact_header = row + 1
    _, last = add_table(ws, "InputFile", [Col("Item"), Col("Value", PEOPLE)], facts, top=row + 1)
    for r in [*range(2, len(rows) + 2), *range(fact_header + 1, last + 1)]:
        ws.cell(row=r, column=2).alignment = LEFT  # numbers and words in one column read better
    header_rows = [1, fact_header]
    if scenario.warnings:
        row = last + 3
        title(ws, row, "Warnings when reading the input", size="section")
        warnings = [[w.sheet, w.cell, "" if w.value is None else str(w.value), w.expected]
                    for w in scenario.warnings]  # fmt: skip
        header_rows.append(row + 1)
        add_table(ws, "InputWarnings", [Col("Sheet"), Col("Cell"), Col("Value"), Col("Problem")],
                  warnings, top=row + 1)  # fmt: skip
    fit_columns(ws, header_rows=header_rows)
