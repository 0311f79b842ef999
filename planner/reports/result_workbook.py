"""The result workbook: a solved plan as a workbook a head of department can read and check.

Sheets, in order: Summary (the answer in figures and in plain words), Memo (one printed page for
the head of department: planner.reports.memo), Units (every unit before and
after, group totals, parent roll-ups), Charts (coefficient per unit before and after, one chart per
group), Transfers, Reassignments, Skills, Sensitivity, Checks, Inputs (settings and the SHA-256 of
the input file); with coefficient wisn a WISN sheet after Summary (planner.reports.wisn_sheet) and,
with the `wisn target` setting, a Hires sheet after it (planner.reports.hires_sheet). Everything
comes from the Result; nothing here rebuilds or re-solves the model.
Derived figures (group means, overload flags, roll-ups, per-cell loads) come from
planner.reports.figures, the plan in plain words from planner.reports.narrative; this module lays
out Summary, Units and Charts, and planner.reports.plan_sheets the tables of the plan.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.worksheet.worksheet import Worksheet

from planner.domain import CoefficientMode, Objective, SolverName
from planner.i18n import N_, NP_, _, ngettext, pgettext, pinned
from planner.reports import charts
from planner.reports.charts import (
    ALERT_FILL,
    COEFFICIENT,
    COEFFICIENT_CHANGE,
    FRACTION_COUNT,
    PEOPLE,
    PEOPLE_CHANGE,
    PERCENT,
    Col,
    add_table,
    fit_columns,
    note,
    plain,
    print_sheet,
    prose,
    size_prose_rows,
    title,
    total_row,
    write,
)
from planner.reports.figures import Figures, finite
from planner.reports.hires_sheet import HIRES_SHEET, hires_sheet
from planner.reports.memo import memo_sheet
from planner.reports.narrative import group_account, unit_label
from planner.reports.plan_sheets import (
    checks_sheet,
    inputs_sheet,
    load_word,
    reassignments_sheet,
    sensitivity_sheet,
    skills_sheet,
    transfers_sheet,
    yes_no,
)
from planner.reports.terminal import status_text
from planner.reports.uncertainty_sheet import uncertainty_sheet
from planner.reports.wisn_sheet import WISN_SHEET, wisn_sheet
from planner.result import Result, Status
from planner.studies.uncertainty import Uncertainty
from planner.studies.wisn_hires import HiresPlan
from planner.xlsx.export import FastWorkbook
from planner.xlsx.files import collection_paused, save_workbook

__all__ = ["SHEETS", "result_workbook", "write_result"]

# The sheets' English names, translated where the workbook is written (pgettext "sheet").
SHEETS = (
    NP_("sheet", "Summary"),
    NP_("sheet", "Memo"),
    NP_("sheet", "Units"),
    NP_("sheet", "Charts"),
    NP_("sheet", "Transfers"),
    NP_("sheet", "Reassignments"),
    NP_("sheet", "Skills"),
    NP_("sheet", "Sensitivity"),
    NP_("sheet", "Checks"),
    NP_("sheet", "Inputs"),
)
PROSE_SPAN = 10  # columns a sentence of the Summary spans
MAX_CHART_GROUPS = 40  # a chart per group; beyond this the Units sheet carries the detail
MAX_CHART_UNITS = 50  # units per chart: the most loaded ones (before or after)
MAX_GROUPS_IN_WORDS = 30
MAX_COLOUR_SCALES = 50
# Page setup per sheet (charts.print_sheet); the others repeat their header row on every page.
PRINT: dict[str, dict] = {
    "Summary": {"one_page": True},
    "Charts": {},
}  # one colour scale per group; a single one beyond this
# Keyed by the enums (StrEnum members: a plain string of the same value finds them too).
OBJECTIVES: dict[str, str] = {
    Objective.MINMAX: N_("minmax: the lowest highest coefficient, then the fewest moves"),
    Objective.BALANCE: N_(
        "balance: the smallest total deviation from the group mean, then the fewest moves"
    ),
    Objective.LEXIMAX: N_(
        "leximax: the lowest highest coefficient, then the lowest next highest "
        "among the units that need not stay at it, level by level, then the "
        "fewest moves"
    ),
}
SOLVER_NAMES: dict[str, str] = {
    SolverName.HIGHS: N_("HiGHS (through highspy)"),
    SolverName.PULP_HIGHS: N_("HiGHS (through PuLP)"),
    SolverName.CBC: N_("CBC (through PuLP)"),
}


@collection_paused()  # over building and saving: resumed once the workbook's cells are freed
def write_result(
    result: Result,
    path: str | os.PathLike[str],
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
    uncertainty: Uncertainty | None = None,
    hires: HiresPlan | None = None,
) -> Path:
    """Write the result workbook for `result` to `path` and return the path written (with a
    `Hires` sheet when `hires`, the fewest hires of the `wisn target` setting, is given).

    Written atomically through planner.xlsx.files.save_workbook; never over `inputs` or the scenario's
    own source file (OutputError, naming the path, as for a missing folder or a locked file).
    """
    protected = [*inputs]
    if result.scenario.source_path:
        protected.append(result.scenario.source_path)
    return save_workbook(result_workbook(result, uncertainty, hires), path, inputs=protected)


@collection_paused()
@pinned
def result_workbook(
    result: Result, uncertainty: Uncertainty | None = None, hires: HiresPlan | None = None
) -> Workbook:
    """The result workbook in memory (see the module docstring for its sheets), in the current
    language (planner.i18n): sheet names, headers and words; the figures are numbers. `hires`
    (planner.studies.wisn_hires.hires_for_setting) adds the `Hires` sheet after `WISN`."""
    figures = Figures.of(result)
    workbook = FastWorkbook()
    summary = workbook.active
    summary.title = pgettext("sheet", SHEETS[0])
    sheets = {SHEETS[0]: summary}  # keyed by the English name, which the code knows them by
    for name in SHEETS[1:]:
        sheets[name] = workbook.create_sheet(pgettext("sheet", name))
    _summary_sheet(summary, result, figures)
    memo_sheet(sheets["Memo"], result, figures)
    _units_sheet(sheets["Units"], result, figures)
    _charts_sheet(sheets["Charts"], result)
    transfers_sheet(sheets["Transfers"], result)
    reassignments_sheet(sheets["Reassignments"], result)
    skills_sheet(sheets["Skills"], result, figures.skill_rows)
    sensitivity_sheet(sheets["Sensitivity"], result)
    checks_sheet(sheets["Checks"], result)
    inputs_sheet(sheets["Inputs"], result)
    if result.coefficient is CoefficientMode.WISN:  # the WISN study's own table, after Summary
        wisn_sheet(workbook.create_sheet(pgettext("sheet", WISN_SHEET), index=1), result)
        if hires is not None:  # the `wisn target` setting: the fewest hires, after WISN
            hires_sheet(workbook.create_sheet(pgettext("sheet", HIRES_SHEET), index=2), hires,
                        result)  # fmt: skip
    if uncertainty is not None:  # planner solve --samples N (planner.reports.uncertainty_sheet)
        uncertainty_sheet(workbook.create_sheet(pgettext("sheet", "Uncertainty")), uncertainty)
    english = {id(ws): name for name, ws in sheets.items()}
    for ws in workbook.worksheets:
        name = english.get(id(ws), "")
        if name != "Memo":  # the Memo sets up its own page
            # Prose rows are sized at the widths they print at: after the numeric columns are
            # narrowed (sized before, a line of the Uncertainty sheet's notes was cut off).
            charts.compact_numeric_columns(ws)
            size_prose_rows(ws)
            charts.size_wrapped_rows(ws)
            print_sheet(ws, **PRINT.get(name, {"title_rows": 1}))
    workbook.properties.creator = "planner"
    workbook.properties.title = _("Workload plan: {name}").format(name=result.scenario.name)
    return workbook


def _coefficient_meaning(result: Result) -> str:
    if result.coefficient is CoefficientMode.HOURS:
        return _("staff hours needed per staff hour available (1.00 is a full load)")
    if result.coefficient is CoefficientMode.WISN:
        return _("WISN required staff per current staff, 1 / the WISN ratio (1.00: in balance)")
    return _("services per employee")


# --- Summary ------------------------------------------------------------------------------------


def _status_text(result: Result) -> str:
    planned, solved = len(result.scenario.groups), len(result.groups)
    if solved < planned:  # a solve stopped by Ctrl-C keeps the groups it finished
        return _(
            "interrupted: only {solved} of {planned} groups were solved (Ctrl-C); the other "
            "{rest} are not in this workbook. The groups shown are {status}."
        ).format(solved=solved, planned=planned, rest=planned - solved,
                 status=status_text(result.status))  # fmt: skip
    gaps = [g.gap for g in result.groups if g.gap is not None]
    if result.status is Status.OPTIMAL:
        return _("optimal: proven, no plan within the limits has a lower objective")
    if result.status is Status.FEASIBLE:
        gap = max(gaps, default=0.0)
        reasons = sorted({g.stop_reason.text for g in result.groups if g.stop_reason})
        why = _(" and ").join(reasons) or _("the proof stopped")
        return _("feasible: a checked plan, not proven optimal ({why}; gap {gap:.1%})").format(
            why=why, gap=gap
        )
    if result.status is Status.UNKNOWN:
        return _("unknown: the time limit ran out before a plan was found for at least one group")
    return _("infeasible: at least one group has no plan within its limits (see below)")


def _checks_text(result: Result) -> str:
    """What the independent check says, worded so that 'no plan to check' never reads as a
    failed check of the tool."""
    planned = [g.group for g in result.groups if g.max_coefficient_after is not None]
    on_plans = [c for c in result.checks if c.group in planned]
    passed = sum(c.passed for c in on_plans)
    unplanned = len(result.groups) - len(planned)
    if not planned:
        return _("no plan to check: no group has a plan within its limits (see below)")
    text = (
        _(
            "all {passed} checks of the plan passed (the plan re-checked against every rule, "
            "without the model)"
        ).format(passed=passed)
        if passed == len(on_plans)
        else _("{passed} of {total} checks of the plan passed").format(
            passed=passed, total=len(on_plans)
        )
    )
    if unplanned:
        text += ngettext(
            "; {count} group has no plan to check",
            "; {count} groups have no plan to check",
            unplanned,
        ).format(count=unplanned)
    return text


def _settings_text(result: Result) -> list[tuple[str, str]]:
    s = result.scenario.settings

    def limit(allowed: bool, cap: int | None, what: str) -> str:
        if not allowed:
            return _("not allowed")
        if cap is None:
            return _("allowed, no cap")
        return _("allowed, at most {cap} {what} per group").format(cap=f"{cap:,}", what=what)

    mip_gap = _("0 (prove optimal)") if not s.mip_gap else f"{s.mip_gap:.2%}"
    time_limit = (
        _("{seconds} s per group (its whole search)").format(seconds=f"{s.time_limit:g}")
        if s.time_limit else _("none")
    )  # fmt: skip
    solver = result.report.solver
    return [
        (_("Objective"), _(OBJECTIVES[s.objective]) if s.objective in OBJECTIVES
         else s.objective.value),
        (_("Coefficient"), f"{s.coefficient.value}: {_coefficient_meaning(result)}"),
        (_("Staff moves"), limit(s.allow_staff_moves, s.max_staff_moves, _("employees"))),
        (_("Service moves"), limit(s.allow_service_moves, s.max_service_moves, _("services"))),
        (_("Split services"), yes_no(s.split_services)),
        (
            _("Solver"),
            _("{solver}; time limit {time_limit}; MIP gap {mip_gap}").format(
                solver=_(SOLVER_NAMES[solver]) if solver in SOLVER_NAMES else solver.value,
                time_limit=time_limit, mip_gap=mip_gap),
        ),  # fmt: skip
        (_("Overload margin"), _("{margin} above the group mean").format(
            margin=f"{s.overload_margin:.0%}")),
    ]  # fmt: skip


def _summary_sheet(ws: Worksheet, result: Result, figures: Figures) -> None:
    scenario = result.scenario
    title(ws, 1, _("Workload plan: {name}").format(name=scenario.name), span=PROSE_SPAN)
    checks = _checks_text(result)
    solved = result.report.solved_at.replace("T", " ").replace("+00:00", " UTC")
    facts = [
        (_("Scenario"), scenario.name),
        (_("Input file"), scenario.source_path or _("(built in code)")),
        (_("Solved at"), solved),
        (_("Status"), _status_text(result)),
        *_settings_text(result),
        (_("Independent checks"), checks),
        (_("Solve time"), _("{seconds} s").format(seconds=f"{result.report.seconds:.1f}")),
    ]
    row = 3
    for label, value in facts:
        write(ws.cell(row=row, column=1), label).font = charts.TOTAL_FONT
        prose(ws, row, value, column=2, span=PROSE_SPAN - 1)
        row += 1

    row += 1
    title(ws, row, _("Per group"), size="section", span=PROSE_SPAN)
    row += 1
    columns = [
        Col(_("Group")),
        Col(_("Status")),
        Col(_("Employees"), PEOPLE),
        Col(
            _("Highest coefficient before"),
            COEFFICIENT,
            _("Largest load / capacity of a unit-skill cell"),
        ),
        Col(_("Highest coefficient after"), COEFFICIENT, _("After the plan")),
        Col(_("Change"), COEFFICIENT_CHANGE),
        Col(_("Proven lower bound"), COEFFICIENT, _("No plan within the limits can go below this")),
        Col(_("Gap"), PERCENT, _("Relative distance between the plan and the proven bound")),
        Col(_("Staff moved"), PEOPLE),
        Col(_("Services moved"), FRACTION_COUNT if scenario.settings.split_services else PEOPLE),
        Col(_("Overloaded units before"), PEOPLE),
        Col(_("Overloaded units after"), PEOPLE),
        Col(
            _("Highest after: unit"),
            comment=_("The unit-skill cell whose coefficient is the highest"),
        ),
        Col(_("Highest after: skill")),
    ]
    rows = []
    for g in result.groups:
        f = figures.groups[g.group]
        after = g.max_coefficient_after
        cell = f.highest_after
        rows.append([
            g.group, status_text(g.status), g.employees, g.max_coefficient_before, after,
            _difference(g.max_coefficient_before, after), g.lower_bound, g.gap, g.staff_moved,
            g.services_moved, len(f.overloaded_before),
            None if after is None else len(f.overloaded_after),
            unit_label(scenario, cell.unit_id) if cell else None, cell.skill if cell else None,
        ])  # fmt: skip
    header_row = row
    _first, last = add_table(ws, "SummaryGroups", columns, rows, top=row)
    gaps = [g.gap for g in result.groups if g.gap is not None]
    total_row(ws, last + 1, 1, [
        _("All groups"), status_text(result.status), sum(g.employees for g in result.groups),
        result.max_coefficient_before, result.max_coefficient_after,
        _difference(result.max_coefficient_before, result.max_coefficient_after),
        None, max(gaps) if gaps else None, result.staff_moved, result.services_moved,
        sum(len(f.overloaded_before) for f in figures.groups.values()),
        sum(len(f.overloaded_after) for f in figures.groups.values()), None, None,
    ], [c.number_format for c in columns])  # fmt: skip
    fit_columns(ws, header_rows=(header_row,), minimum={1: 22})

    row = last + 3
    if rows and len(rows) <= MAX_CHART_GROUPS:
        chart = charts.before_after_chart(
            ws,
            title_text=_("Highest coefficient per group, before and after the plan"),
            categories=(1, header_row + 1, header_row + len(rows)),
            series=(4, header_row, header_row + len(rows)),
            horizontal=False,
            axis_title=_("coefficient"),
        )
        chart.height, chart.width = 7.5, 18
        ws.add_chart(chart, f"A{row}")
        row += 16

    title(ws, row, _("The plan in plain words"), size="section", span=PROSE_SPAN)
    row += 1
    for g in result.groups[:MAX_GROUPS_IN_WORDS]:
        write(ws.cell(row=row, column=1), g.group).font = charts.TOTAL_FONT
        row += 1
        for sentence in group_account(result, g.group, figures.groups[g.group]):
            prose(ws, row, sentence, span=PROSE_SPAN)
            row += 1
    hidden = len(result.groups) - MAX_GROUPS_IN_WORDS
    if hidden > 0:
        row = note(ws, row, _("{count} more groups: see the Units and Transfers sheets.").format(
            count=hidden), span=PROSE_SPAN)  # fmt: skip

    notes = list(result.notes) + [f"{g.group}: {n}" for g in result.groups for n in g.notes]
    if scenario.warnings:
        notes.append(
            ngettext(
                "{count} warning when reading the input: see Inputs.",
                "{count} warnings when reading the input: see Inputs.",
                len(scenario.warnings),
            ).format(count=len(scenario.warnings))
        )
    notes.append(
        _(
            "Coefficient = load / capacity ({meaning}). The highest coefficient is taken over "
            "unit-skill cells (see Skills); a unit's own coefficient on the Units sheet is its total "
            "load over its total capacity."
        ).format(meaning=_coefficient_meaning(result))
    )
    row += 1
    title(ws, row, _("Notes"), size="section", span=PROSE_SPAN)
    for text in notes:
        row = note(ws, row + 1, text, span=PROSE_SPAN) - 1


def _difference(before: float, after: float | None) -> float | None:
    return after - before if finite(before) and finite(after) else None


def _moved_columns(load: str) -> list[Col]:
    """Employees before/after/change and load before/after, as on Units, totals and roll-ups."""
    return [
        Col(_("Employees before"), PEOPLE),
        Col(_("Employees after"), PEOPLE),
        Col(_("Change in employees"), PEOPLE_CHANGE),
        Col(_("Load before ({load})").format(load=load), charts.COUNT),
        Col(_("Load after ({load})").format(load=load), charts.COUNT),
    ]


def _moved_values(before: int, after: int, load_before: float, load_after: float) -> list:
    return [before, after, after - before, load_before, load_after]


MAX_LISTED_UNITS = 30  # unit ids listed in one roll-up cell


def _members_text(members: Sequence[str]) -> str:
    shown = "; ".join(members[:MAX_LISTED_UNITS])
    more = len(members) - MAX_LISTED_UNITS
    return _("{shown} ... and {more} more").format(shown=shown, more=more) if more > 0 else shown


# --- Units --------------------------------------------------------------------------------------


def _units_sheet(ws: Worksheet, result: Result, figures: Figures) -> None:
    load = load_word(result)
    margin = result.scenario.settings.overload_margin
    overload_comment = _("yes: above the group mean by more than {margin}").format(
        margin=f"{margin:.0%}"
    )
    columns = [
        Col(_("Unit ID")),
        Col(_("Name")),
        Col(_("Level")),
        Col(
            _("Parent"),
            comment=_("Parent unit ID. Parents with children here have a roll-up row "
                      "in the Roll-ups table below."),
        ),  # fmt: skip
        Col(_("Group")),
        *_moved_columns(load),
        Col(_("Coefficient before"), COEFFICIENT, _("Unit load / unit capacity before the plan")),
        Col(_("Coefficient after"), COEFFICIENT, _("Unit load / unit capacity after the plan")),
        Col(_("Change in coefficient"), COEFFICIENT_CHANGE),
        Col(_("Overloaded before"), comment=overload_comment),
        Col(_("Overloaded after"), comment=overload_comment),
        Col(_("Highest skill coefficient before"), COEFFICIENT,
            _("The unit's highest unit-skill coefficient (Skills sheet): the headline is one of "
              "these")),
        Col(_("Highest skill coefficient after"), COEFFICIENT),
    ]  # fmt: skip
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
            yes_no(u.unit_id in f.overloaded_before),
            yes_no(u.unit_id in f.overloaded_after) if has_plan else None,
            *figures.unit_highest(u.unit_id),
        ])  # fmt: skip
    first, last = add_table(ws, "UnitsTable", columns, rows, freeze="C2")
    yes = yes_no(True)
    for r, values in enumerate(rows, start=first):  # the cells that say yes, and only those
        for column in (14, 15):
            if values[column - 1] == yes:
                ws.cell(row=r, column=column).fill = ALERT_FILL
    _colour_scales(ws, result, first)

    row = last + 3
    title(ws, row, _("Totals per group"), size="section")
    row = note(ws, row + 1, _("Mean coefficient = total load of the group / its total capacity. "
               "A unit is overloaded above the mean x {factor}.").format(
                   factor=f"{1 + margin:.2f}"), span=8)  # fmt: skip
    group_columns = [
        Col(_("Group")),
        Col(_("Units"), PEOPLE),
        *_moved_columns(load),
        Col(_("Mean coefficient before"), COEFFICIENT),
        Col(_("Mean coefficient after"), COEFFICIENT),
        Col(_("Overload threshold after"), COEFFICIENT),
        Col(_("Overloaded units before"), PEOPLE),
        Col(_("Overloaded units after"), PEOPLE),
    ]
    group_rows = [
        [f.group, f.units,
         *_moved_values(f.employees_before, f.employees_after, f.load_before, f.load_after),
         f.mean_before, f.mean_after, f.threshold_after, len(f.overloaded_before),
         None if f.mean_after is None else len(f.overloaded_after)]
        for f in figures.groups.values()
    ]  # fmt: skip
    group_header = row
    _first, last = add_table(ws, "GroupTotals", group_columns, group_rows, top=row)
    all_groups = list(figures.groups.values())
    total_row(ws, last + 1, 1, [
        _("All groups"), sum(f.units for f in all_groups),
        sum(f.employees_before for f in all_groups), sum(f.employees_after for f in all_groups),
        sum(f.employees_after - f.employees_before for f in all_groups),
        sum(f.load_before for f in all_groups), sum(f.load_after for f in all_groups),
        None, None, None, sum(len(f.overloaded_before) for f in all_groups),
        sum(len(f.overloaded_after) for f in all_groups),
    ], [c.number_format for c in group_columns])  # fmt: skip

    row = last + 4
    title(ws, row, _("Roll-ups: parent units with the units below them"), size="section")
    rollup_note = _(
        "Each roll-up adds a parent's own row to the rows of every unit below it (children, "
        "grandchildren...), possibly across groups. The unit rows above already count every "
        "employee once, so roll-ups are a second view of the same people: they are not part of "
        "any total and must not be added to them. A roll-up coefficient is the members' total "
        "load over their total capacity."
    )
    if not figures.rollups:
        rollup_note = _(
            "No unit of this workbook has a parent among its units, so there is no roll-up."
        )
    row = note(ws, row + 1, rollup_note, span=8)
    rollup_columns = [
        Col(_("Parent unit ID")),
        Col(_("Parent")),
        Col(_("Units included"), PEOPLE),
        *_moved_columns(load),
        Col(_("Coefficient before"), COEFFICIENT),
        Col(_("Coefficient after"), COEFFICIENT),
        # Last, so that a long list does not widen a column of the unit table above.
        Col(_("Units below"), comment=_("Unit IDs of the descendants, separated by ;")),
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


# --- Charts -------------------------------------------------------------------------------------


def _charts_sheet(ws: Worksheet, result: Result) -> None:
    title(ws, 1, _("Coefficient per unit, before and after the plan"))
    row = note(ws, 2, _("One chart per group; each chart draws the small table at its left. "
               "All units and figures are on the Units sheet."), span=8)  # fmt: skip
    row += 1
    groups = [g for g in result.groups if g.max_coefficient_after is not None]
    columns = [Col(_("Unit")), Col(_("Before"), COEFFICIENT), Col(_("After"), COEFFICIENT)]
    units_of: dict[str, list] = {}  # grouped once, not a scan of every unit per chart
    for u in result.units:
        units_of.setdefault(u.group, []).append(u)
    for index, g in enumerate(groups[:MAX_CHART_GROUPS], start=1):
        units = units_of.get(g.group, [])
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
            title_text=_("{group}: coefficient per unit").format(group=g.group),
            categories=(1, first, last),
            series=(2, row, last),
            horizontal=True,
            axis_title=_("coefficient"),
        )
        ws.add_chart(chart, f"E{row}")
        chart_rows = int(chart.height / 0.53) + 2  # a default row is about 0.53 cm high
        row = max(last, row + chart_rows) + 2
    if len(groups) > MAX_CHART_GROUPS:
        note(
            ws,
            row,
            _("Charts are drawn for the first {count} groups only.").format(count=MAX_CHART_GROUPS),
            span=8,
        )
    fit_columns(ws, header_rows=(), minimum={1: 24, 2: 9, 3: 9})
