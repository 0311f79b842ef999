"""The result workbook: a solved plan as a workbook a head of department can read and check.

Sheets, in order: Summary (the answer in figures and in plain words), Units (every unit before and
after, group totals, parent roll-ups), Charts (coefficient per unit before and after, one chart per
group), Transfers, Reassignments, Skills, Sensitivity, Checks, Inputs (settings and the SHA-256 of
the input file). Everything comes from the Result; nothing here rebuilds or re-solves the model.
Derived figures (group means, overload flags, roll-ups, per-cell loads) come from planner.figures,
the plan in plain words from planner.narrative; this module lays them out.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from planner import charts
from planner.charts import (
    ALERT_FILL,
    COEFFICIENT,
    COEFFICIENT_CHANGE,
    FRACTION_COUNT,
    PEOPLE,
    PEOPLE_CHANGE,
    PERCENT,
    SHARE,
    Col,
    add_table,
    fit_columns,
    landscape,
    note,
    plain,
    prose,
    size_prose_rows,
    title,
    total_row,
    write,
)
from planner.domain import CoefficientMode, coefficient, unit_capacity
from planner.figures import Figures, cell_loads, finite
from planner.narrative import group_account, unit_label
from planner.result import NEW_HIRES, Result, Status
from planner.workbook.layout import SETTINGS_LIST
from planner.xlsx.files import save_workbook

# Figures and group_account live in planner.figures and planner.narrative; still importable here.
__all__ = ["SHEETS", "Figures", "group_account", "result_workbook", "write_result"]

SHEETS = (
    "Summary",
    "Units",
    "Charts",
    "Transfers",
    "Reassignments",
    "Skills",
    "Sensitivity",
    "Checks",
    "Inputs",
)
PROSE_SPAN = 10  # columns a sentence of the Summary spans
MAX_CHART_GROUPS = 40  # a chart per group; beyond this the Units sheet carries the detail
MAX_CHART_UNITS = 50  # units per chart: the most loaded ones (before or after)
MAX_GROUPS_IN_WORDS = 30
MAX_COLOUR_SCALES = 50  # one colour scale per group; a single one beyond this
LEFT = Alignment(horizontal="left")
OBJECTIVES = {
    "minmax": "minmax: the lowest highest coefficient, then the fewest moves",
    "balance": "balance: the smallest total deviation from the group mean, then the fewest moves",
}
SOLVER_NAMES = {
    "highs": "HiGHS (through highspy)",
    "pulp-highs": "HiGHS (through PuLP)",
    "cbc": "CBC (through PuLP)",
}


def write_result(
    result: Result, path: str | os.PathLike[str], *, inputs: Sequence[str | os.PathLike[str]] = ()
) -> Path:
    """Write the result workbook for `result` to `path` and return the path written.

    Written atomically through planner.xlsx.files.save_workbook; never over `inputs` or the scenario's
    own source file (OutputError, naming the path, as for a missing folder or a locked file).
    """
    protected = [*inputs]
    if result.scenario.source_path:
        protected.append(result.scenario.source_path)
    return save_workbook(result_workbook(result), path, inputs=protected)


def result_workbook(result: Result) -> Workbook:
    """The result workbook in memory (see the module docstring for its sheets)."""
    figures = Figures.of(result)
    workbook = Workbook()
    summary = workbook.active
    summary.title = SHEETS[0]
    for name in SHEETS[1:]:
        workbook.create_sheet(name)
    _summary_sheet(summary, result, figures)
    _units_sheet(workbook["Units"], result, figures)
    _charts_sheet(workbook["Charts"], result)
    _transfers_sheet(workbook["Transfers"], result)
    _reassignments_sheet(workbook["Reassignments"], result)
    _skills_sheet(workbook["Skills"], result)
    _sensitivity_sheet(workbook["Sensitivity"], result)
    _checks_sheet(workbook["Checks"], result)
    _inputs_sheet(workbook["Inputs"], result)
    for ws in workbook.worksheets:
        size_prose_rows(ws)
        landscape(ws)
    workbook.properties.creator = "planner"
    workbook.properties.title = f"Workload plan: {result.scenario.name}"
    return workbook


def _load_word(result: Result) -> str:
    return "hours" if result.coefficient is CoefficientMode.HOURS else "services"


def _coefficient_meaning(result: Result) -> str:
    if result.coefficient is CoefficientMode.HOURS:
        return "staff hours needed per staff hour available (1.00 is a full load)"
    return "services per employee"


# --- Summary ------------------------------------------------------------------------------------


def _status_text(result: Result) -> str:
    gaps = [g.gap for g in result.groups if g.gap is not None]
    if result.status is Status.OPTIMAL:
        return "optimal: proven, no plan within the limits has a lower objective"
    if result.status is Status.FEASIBLE:
        gap = max(gaps, default=0.0)
        return f"feasible: the best plan found within the time limit (gap {gap:.1%})"
    return "infeasible: at least one group has no plan within its limits (see below)"


def _settings_text(result: Result) -> list[tuple[str, str]]:
    s = result.scenario.settings

    def limit(allowed: bool, cap: int | None, what: str) -> str:
        if not allowed:
            return "not allowed"
        return (
            f"allowed, at most {cap:,} {what} per group" if cap is not None else "allowed, no cap"
        )

    mip_gap = "0 (prove optimal)" if not s.mip_gap else f"{s.mip_gap:.2%}"
    time_limit = f"{s.time_limit:g} s per group (its whole search)" if s.time_limit else "none"
    return [
        ("Objective", OBJECTIVES.get(s.objective.value, s.objective.value)),
        ("Coefficient", f"{s.coefficient.value}: {_coefficient_meaning(result)}"),
        ("Staff moves", limit(s.allow_staff_moves, s.max_staff_moves, "employees")),
        ("Service moves", limit(s.allow_service_moves, s.max_service_moves, "services")),
        ("Split services", "yes" if s.split_services else "no"),
        (
            "Solver",
            f"{SOLVER_NAMES.get(result.solver, result.solver)}; time limit {time_limit}; "
            f"MIP gap {mip_gap}",
        ),  # fmt: skip
        ("Overload margin", f"{s.overload_margin:.0%} above the group mean"),
    ]


def _summary_sheet(ws: Worksheet, result: Result, figures: Figures) -> None:
    scenario = result.scenario
    title(ws, 1, f"Workload plan: {scenario.name}", span=PROSE_SPAN)
    checks = f"{sum(c.passed for c in result.checks)} of {len(result.checks)} passed"
    solved = result.solved_at.replace("T", " ").replace("+00:00", " UTC")
    facts = [
        ("Scenario", scenario.name),
        ("Input file", scenario.source_path or "(built in code)"),
        ("Solved at", solved),
        ("Status", _status_text(result)),
        *_settings_text(result),
        ("Independent checks", checks),
        ("Solve time", f"{result.seconds:.1f} s"),
    ]
    row = 3
    for label, value in facts:
        write(ws.cell(row=row, column=1), label).font = charts.TOTAL_FONT
        prose(ws, row, value, column=2, span=PROSE_SPAN - 1)
        row += 1

    row += 1
    title(ws, row, "Per group", size="section", span=PROSE_SPAN)
    row += 1
    columns = [
        Col("Group"),
        Col("Status"),
        Col("Employees", PEOPLE),
        Col(
            "Highest coefficient before",
            COEFFICIENT,
            "Largest load / capacity of a unit-skill cell",
        ),
        Col("Highest coefficient after", COEFFICIENT, "After the plan"),
        Col("Change", COEFFICIENT_CHANGE),
        Col("Proven lower bound", COEFFICIENT, "No plan within the limits can go below this"),
        Col("Gap", PERCENT, "Relative distance between the plan and the proven bound"),
        Col("Staff moved", PEOPLE),
        Col("Services moved", FRACTION_COUNT if scenario.settings.split_services else PEOPLE),
        Col("Overloaded units before", PEOPLE),
        Col("Overloaded units after", PEOPLE),
    ]
    rows = []
    for g in result.groups:
        f = figures.groups[g.group]
        after = g.max_coefficient_after
        rows.append([
            g.group, g.status.value, g.employees, g.max_coefficient_before, after,
            _difference(g.max_coefficient_before, after), g.lower_bound, g.gap, g.staff_moved,
            g.services_moved, len(f.overloaded_before),
            None if after is None else len(f.overloaded_after),
        ])  # fmt: skip
    header_row = row
    _, last = add_table(ws, "SummaryGroups", columns, rows, top=row)
    gaps = [g.gap for g in result.groups if g.gap is not None]
    total_row(ws, last + 1, 1, [
        "All groups", result.status.value, sum(g.employees for g in result.groups),
        result.max_coefficient_before, result.max_coefficient_after,
        _difference(result.max_coefficient_before, result.max_coefficient_after),
        None, max(gaps) if gaps else None, result.staff_moved, result.services_moved,
        sum(len(f.overloaded_before) for f in figures.groups.values()),
        sum(len(f.overloaded_after) for f in figures.groups.values()),
    ], [c.number_format for c in columns])  # fmt: skip
    fit_columns(ws, header_rows=(header_row,), minimum={1: 22})

    row = last + 3
    if rows and len(rows) <= MAX_CHART_GROUPS:
        chart = charts.before_after_chart(
            ws,
            title_text="Highest coefficient per group, before and after the plan",
            categories=(1, header_row + 1, header_row + len(rows)),
            series=(4, header_row, header_row + len(rows)),
            horizontal=False,
            axis_title="coefficient",
        )
        chart.height, chart.width = 7.5, 18
        ws.add_chart(chart, f"A{row}")
        row += 16

    title(ws, row, "The plan in plain words", size="section", span=PROSE_SPAN)
    row += 1
    for g in result.groups[:MAX_GROUPS_IN_WORDS]:
        write(ws.cell(row=row, column=1), g.group).font = charts.TOTAL_FONT
        row += 1
        for sentence in group_account(result, g.group, figures.groups[g.group]):
            prose(ws, row, sentence, span=PROSE_SPAN)
            row += 1
    hidden = len(result.groups) - MAX_GROUPS_IN_WORDS
    if hidden > 0:
        row = note(ws, row, f"{hidden} more groups: see the Units and Transfers sheets.",
                   span=PROSE_SPAN)  # fmt: skip

    notes = list(result.notes) + [f"{g.group}: {n}" for g in result.groups for n in g.notes]
    if scenario.warnings:
        notes.append(f"{len(scenario.warnings)} warning(s) when reading the input: see Inputs.")
    notes.append(
        f"Coefficient = load / capacity ({_coefficient_meaning(result)}). The highest coefficient "
        "is taken over unit-skill cells (see Skills); a unit's own coefficient on the Units sheet "
        "is its total load over its total capacity."
    )
    row += 1
    title(ws, row, "Notes", size="section", span=PROSE_SPAN)
    for text in notes:
        row = note(ws, row + 1, text, span=PROSE_SPAN) - 1


def _difference(before: float, after: float | None) -> float | None:
    return after - before if finite(before) and finite(after) else None


def _moved_columns(load: str) -> list[Col]:
    """Employees before/after/change and load before/after, as on Units, totals and roll-ups."""
    return [
        Col("Employees before", PEOPLE),
        Col("Employees after", PEOPLE),
        Col("Change in employees", PEOPLE_CHANGE),
        Col(f"Load before ({load})", charts.COUNT),
        Col(f"Load after ({load})", charts.COUNT),
    ]


def _moved_values(before: int, after: int, load_before: float, load_after: float) -> list:
    return [before, after, after - before, load_before, load_after]


MAX_LISTED_UNITS = 30  # unit ids listed in one roll-up cell


def _members_text(members: Sequence[str]) -> str:
    shown = "; ".join(members[:MAX_LISTED_UNITS])
    more = len(members) - MAX_LISTED_UNITS
    return f"{shown} ... and {more} more" if more > 0 else shown


# --- Units --------------------------------------------------------------------------------------


def _units_sheet(ws: Worksheet, result: Result, figures: Figures) -> None:
    load = _load_word(result)
    margin = result.scenario.settings.overload_margin
    columns = [
        Col("Unit ID"),
        Col("Name"),
        Col("Level"),
        Col(
            "Parent",
            comment="Parent unit ID. Parents with children here have a roll-up row "
            "in the Roll-ups table below.",
        ),  # fmt: skip
        Col("Group"),
        *_moved_columns(load),
        Col("Coefficient before", COEFFICIENT, "Unit load / unit capacity before the plan"),
        Col("Coefficient after", COEFFICIENT, "Unit load / unit capacity after the plan"),
        Col("Change in coefficient", COEFFICIENT_CHANGE),
        Col("Overloaded before", comment=f"yes: above the group mean by more than {margin:.0%}"),
        Col("Overloaded after", comment=f"yes: above the group mean by more than {margin:.0%}"),
    ]
    rows = []
    for u in result.units:
        f = figures.groups[u.group]
        has_plan = u.coefficient_after is not None
        change = (
            u.coefficient_after - u.coefficient_before
            if has_plan and finite(u.coefficient_before) and finite(u.coefficient_after)
            else None
        )
        rows.append([
            u.unit_id, u.name, u.level, u.parent, u.group,
            *_moved_values(u.employees_before, u.employees_after, u.load_before, u.load_after),
            u.coefficient_before, u.coefficient_after, change,
            _yes_no(u.unit_id in f.overloaded_before),
            _yes_no(u.unit_id in f.overloaded_after) if has_plan else None,
        ])  # fmt: skip
    first, last = add_table(ws, "UnitsTable", columns, rows, freeze="C2")
    for r in range(first, last + 1):
        for column in (14, 15):
            if ws.cell(row=r, column=column).value == "yes":
                ws.cell(row=r, column=column).fill = ALERT_FILL
    _colour_scales(ws, result, first)

    row = last + 3
    title(ws, row, "Totals per group", size="section")
    row = note(ws, row + 1, "Mean coefficient = total load of the group / its total capacity. "
               f"A unit is overloaded above the mean x {1 + margin:.2f}.", span=8)  # fmt: skip
    group_columns = [
        Col("Group"),
        Col("Units", PEOPLE),
        *_moved_columns(load),
        Col("Mean coefficient before", COEFFICIENT),
        Col("Mean coefficient after", COEFFICIENT),
        Col("Overload threshold after", COEFFICIENT),
        Col("Overloaded units before", PEOPLE),
        Col("Overloaded units after", PEOPLE),
    ]
    group_rows = [
        [f.group, f.units,
         *_moved_values(f.employees_before, f.employees_after, f.load_before, f.load_after),
         f.mean_before, f.mean_after, f.threshold_after, len(f.overloaded_before),
         None if f.mean_after is None else len(f.overloaded_after)]
        for f in figures.groups.values()
    ]  # fmt: skip
    group_header = row
    _, last = add_table(ws, "GroupTotals", group_columns, group_rows, top=row)
    all_groups = list(figures.groups.values())
    total_row(ws, last + 1, 1, [
        "All groups", sum(f.units for f in all_groups),
        sum(f.employees_before for f in all_groups), sum(f.employees_after for f in all_groups),
        sum(f.employees_after - f.employees_before for f in all_groups),
        sum(f.load_before for f in all_groups), sum(f.load_after for f in all_groups),
        None, None, None, sum(len(f.overloaded_before) for f in all_groups),
        sum(len(f.overloaded_after) for f in all_groups),
    ], [c.number_format for c in group_columns])  # fmt: skip

    row = last + 4
    title(ws, row, "Roll-ups: parent units with the units below them", size="section")
    rollup_note = (
        "Each roll-up adds a parent's own row to the rows of every unit below it (children, "
        "grandchildren...), possibly across groups. The unit rows above already count every "
        "employee once, so roll-ups are a second view of the same people: they are not part of "
        "any total and must not be added to them. A roll-up coefficient is the members' total "
        "load over their total capacity."
    )
    if not figures.rollups:
        rollup_note = (
            "No unit of this workbook has a parent among its units, so there is no roll-up."
        )
    row = note(ws, row + 1, rollup_note, span=8)
    rollup_columns = [
        Col("Parent unit ID"),
        Col("Parent"),
        Col("Units included", PEOPLE),
        *_moved_columns(load),
        Col("Coefficient before", COEFFICIENT),
        Col("Coefficient after", COEFFICIENT),
        # Last, so that a long list does not widen a column of the unit table above.
        Col("Units below", comment="Unit IDs of the descendants, separated by ;"),
    ]
    rollup_rows = [
        [r.unit_id, unit_label(result.scenario, r.unit_id), len(r.members),
         *_moved_values(r.employees_before, r.employees_after, r.load_before, r.load_after),
         r.coefficient_before, r.coefficient_after, _members_text(r.members[1:])]
        for r in figures.rollups
    ]  # fmt: skip
    rollup_header = row
    add_table(ws, "Rollups", rollup_columns, rollup_rows, top=row)
    fit_columns(ws, header_rows=(1, group_header, rollup_header))


def _colour_scales(ws: Worksheet, result: Result, first: int) -> None:
    """Green-to-red on the coefficients, one scale per group so that each pool reads on its own."""

    def rule() -> ColorScaleRule:
        return ColorScaleRule(
            start_type="min", start_color="63BE7B", mid_type="percentile", mid_value=50,
            mid_color="FFEB84", end_type="max", end_color="F8696B",
        )  # fmt: skip

    if len(result.groups) > MAX_COLOUR_SCALES:
        ws.conditional_formatting.add(f"K{first}:L{first + len(result.units) - 1}", rule())
        return
    start = first
    for offset, unit in enumerate(result.units):  # one scale per run of rows of one group
        following = result.units[offset + 1].group if offset + 1 < len(result.units) else None
        if following != unit.group:
            ws.conditional_formatting.add(f"K{start}:L{first + offset}", rule())
            start = first + offset + 1


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


# --- Charts -------------------------------------------------------------------------------------


def _charts_sheet(ws: Worksheet, result: Result) -> None:
    title(ws, 1, "Coefficient per unit, before and after the plan")
    row = note(ws, 2, "One chart per group; each chart draws the small table at its left. "
               "All units and figures are on the Units sheet.", span=8)  # fmt: skip
    row += 1
    groups = [g for g in result.groups if g.max_coefficient_after is not None]
    columns = [Col("Unit"), Col("Before", COEFFICIENT), Col("After", COEFFICIENT)]
    for index, g in enumerate(groups[:MAX_CHART_GROUPS], start=1):
        units = [u for u in result.units if u.group == g.group]
        if len(units) > MAX_CHART_UNITS:
            # The most loaded first; a unit with load and no staff (infinite) leads.
            units = sorted(units, key=lambda u: -max(u.coefficient_before,
                                                     u.coefficient_after or 0.0))  # fmt: skip
            units = units[:MAX_CHART_UNITS]
        heading = ws.cell(row=row, column=1)
        write(heading, g.group)
        heading.font = charts.SECTION_FONT
        row += 1
        rows = [[u.name, plain(u.coefficient_before), plain(u.coefficient_after)] for u in units]
        first, last = add_table(ws, f"ChartData{index}", columns, rows, top=row)
        chart = charts.before_after_chart(
            ws,
            title_text=f"{g.group}: coefficient per unit",
            categories=(1, first, last),
            series=(2, row, last),
            horizontal=True,
            axis_title="coefficient",
        )
        ws.add_chart(chart, f"E{row}")
        chart_rows = int(chart.height / 0.53) + 2  # a default row is about 0.53 cm high
        row = max(last, row + chart_rows) + 2
    if len(groups) > MAX_CHART_GROUPS:
        note(ws, row, f"Charts are drawn for the first {MAX_CHART_GROUPS} groups only.", span=8)
    fit_columns(ws, header_rows=(), minimum={1: 24, 2: 9, 3: 9})


# --- Tables of the plan ---------------------------------------------------------------------------


def _transfers_sheet(ws: Worksheet, result: Result) -> None:
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
    fit_columns(ws)


def _reassignments_sheet(ws: Worksheet, result: Result) -> None:
    scenario = result.scenario
    services = {s.service_id: s for s in scenario.services}
    load = _load_word(result)
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


def _skills_sheet(ws: Worksheet, result: Result) -> None:
    scenario = result.scenario
    load = _load_word(result)
    planned = {g.group for g in result.groups if g.max_coefficient_after is not None}
    load_before, load_after = cell_loads(result)
    staff = {(s.unit_id, s.skill): s for s in result.staff}
    keys = sorted(set(staff) | {k for k, v in load_before.items() if v} |
                  {k for k, v in load_after.items() if v},
                  key=lambda k: (scenario.unit(k[0]).group, k))  # fmt: skip
    columns = [
        Col("Unit ID"), Col("Unit"), Col("Group"), Col("Skill"),
        Col("Employees before", PEOPLE), Col("Employees after", PEOPLE),
        Col("Change in employees", PEOPLE_CHANGE), Col("New hires", PEOPLE),
        Col(f"Load before ({load})", charts.COUNT), Col(f"Load after ({load})", charts.COUNT),
        Col("Coefficient before", COEFFICIENT), Col("Coefficient after", COEFFICIENT),
    ]  # fmt: skip
    rows = []
    for unit_id, skill in keys:
        unit = scenario.unit(unit_id)
        cell = staff.get((unit_id, skill))
        before, after = (cell.before, cell.after) if cell else (0, 0)
        capacity = unit_capacity(unit, scenario.settings)
        has_plan = unit.group in planned
        rows.append([
            unit_id, unit.label, unit.group, skill, before, after, after - before,
            cell.hired if cell else 0, load_before[unit_id, skill],
            load_after[unit_id, skill] if has_plan else None,
            coefficient(load_before[unit_id, skill], before * capacity),
            coefficient(load_after[unit_id, skill], after * capacity) if has_plan else None,
        ])  # fmt: skip
    add_table(ws, "SkillsTable", columns, rows, freeze="C2")
    fit_columns(ws)


def _sensitivity_sheet(ws: Worksheet, result: Result) -> None:
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


def _checks_sheet(ws: Worksheet, result: Result) -> None:
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
        return _yes_no(value)
    return getattr(value, "value", value)


def _inputs_sheet(ws: Worksheet, result: Result) -> None:
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
    facts = [
        ["Scenario", scenario.name],
        ["Input file", scenario.source_path or "(built in code)"],
        ["SHA-256 of the input file", scenario.source_sha256 or "(none: built in code)"],
        ["Solved at (ISO 8601, UTC)", result.solved_at],
        ["Solver", result.solver],
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
