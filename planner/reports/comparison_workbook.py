"""The workbook of a comparison of options (openpyxl); the frontier's is in frontier_workbook.py.

Comparison: `Summary` (one row per option, the difference to its workbook's baseline, and a native
chart of the maximum coefficient (bars) and staff moved (markers) per option), `Groups` (the same
per group), `Units` (each unit's coefficient under every option side by side), one sheet per option
with its plan, and `Inputs` (files and fingerprints).

Every sheet holds Excel tables with frozen headers, number formats and fitted widths, built with the
helpers of planner.reports.charts that the result workbook uses too. Text from the input (names,
descriptions, ids) goes through `workbook.put`, so it is never read as a formula; infinite
coefficients (load with no staff) are written as text, never as a number Excel cannot read.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.chart.marker import Marker
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.display import COEFFICIENT_CHANGE_FORMAT, COEFFICIENT_FORMAT
from planner.i18n import N_, NP_, _, pgettext, pinned
from planner.reports import charts
from planner.reports.charts import (
    SHARE,
    Col,
    add_table,
    fit_columns,
    note,
    plain,
    print_sheet,
    prose,
    show_axes,
    size_prose_rows,
    translated,
    wrapped_lines,
)
from planner.reports.terminal import status_text
from planner.result import Result
from planner.studies.compare import (
    RANKING_RULE,
    Comparison,
    Option,
    difference_words,
    recommended_why,
)
from planner.xlsx.export import FastWorkbook
from planner.xlsx.files import collection_paused, save_workbook
from planner.xlsx.writing import TOP, WRAP_TOP, column_width

COEFFICIENT = COEFFICIENT_FORMAT  # the one display rule (planner.display)
DIFFERENCE = COEFFICIENT_CHANGE_FORMAT
WHOLE = "#,##0"
CHANGE = "+#,##0;-#,##0;0"
LOAD = "#,##0.0"
SECONDS = "0.00"
NONE = N_(
    "(none)"
)  # translated where written; stands under the header of an empty table, which gets no Excel table
MARK_FILL = PatternFill("solid", start_color="E2EFDA", end_color="E2EFDA")
STAFF_MARKER_FILL = "FFC000"  # amber, apart from the bars' blue and red
STAFF_MARKER_LINE = "404040"
WARNING_FONT = Font(bold=True, color="C00000")
SHEET_NAME_MAX = 31
# Characters Excel refuses in a sheet name (and the apostrophe it refuses at either end).
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_RESERVED_SHEETS = {"history"}  # Excel keeps this name for itself


# --- small helpers ------------------------------------------------------------------------------


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name for `text`: at most 31 characters, none of []:*?/\\, not
    starting or ending with an apostrophe, unique ignoring case (as Excel compares them).
    `taken` holds the casefolded names already used and is updated."""
    base = _SHEET_FORBIDDEN.sub(" ", text)
    base = re.sub(r"\s+", " ", base).strip().strip("'").strip() or "Option"
    base = base[:SHEET_NAME_MAX].rstrip().rstrip("'")
    candidate, count = base, 1
    while candidate.casefold() in taken or candidate.casefold() in _RESERVED_SHEETS:
        count += 1
        suffix = f" ({count})"
        candidate = base[: SHEET_NAME_MAX - len(suffix)].rstrip().rstrip("'") + suffix
    taken.add(candidate.casefold())
    return candidate


def _unique(headers: Sequence[str]) -> list[str]:
    """Table column names must be unique ignoring case: suffix repeats with (2), (3)..."""
    seen: set[str] = set()
    result = []
    for header in headers:
        text = " ".join(str(header).split()) or "Column"
        candidate, count = text, 1
        while candidate.casefold() in seen:
            count += 1
            candidate = f"{text} ({count})"
        seen.add(candidate.casefold())
        result.append(candidate)
    return result


def compact_header(ws: Worksheet, widths: dict[int, float], height: float = 45.0) -> None:
    """Set these columns' widths under the (wrapped) header row: long headers over short numbers
    would otherwise make the table (and its printout) needlessly wide."""
    ws.row_dimensions[1].height = height
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width


# --- the comparison workbook ------------------------------------------------------------------

# The fixed sheets (English names, translated where written); the options' sheets follow Groups.
SHEETS = (NP_("sheet", "Summary"), NP_("sheet", "Groups"), NP_("sheet", "Units"),
          NP_("sheet", "Inputs"))  # fmt: skip


SUMMARY_COLUMNS: tuple[Col, ...] = (
    Col(
        N_("Option"),
        comment=N_("The option: the workbook's baseline or a variant of its Scenarios sheet"),
    ),
    Col(N_("Rank"), WHOLE, N_("1 = the best option of its workbook by the rule under the table")),
    Col(
        N_("Recommended"),
        comment=N_("yes: the first by the rule, among the options of its workbook"),
    ),
    Col(N_("Description"), comment=N_("The variant's description")),
    Col(
        N_("Status"),
        comment=N_("optimal (proven), feasible (a limit stopped the proof) or infeasible"),
    ),
    Col(N_("Max coefficient before"), COEFFICIENT, N_("The largest unit coefficient now")),
    Col(
        N_("Max coefficient after"), COEFFICIENT, N_("The largest unit coefficient after the plan")
    ),
    Col(
        N_("Difference to baseline"),
        comment=N_(
            "The maximum coefficient after the plan against the baseline's of the same "
            "workbook, in words: lower is better, so 'worse by 0.251' is higher; blank "
            "when the coefficients are measured differently"
        ),
    ),
    Col(
        N_("Mean after"),
        COEFFICIENT,
        N_("Mean coefficient of the units after the plan (unweighted)"),
    ),
    Col(
        N_("Spread after"),
        COEFFICIENT,
        N_("Standard deviation of the unit coefficients after the plan"),
    ),
    Col(
        N_("Overloaded units after"),
        WHOLE,
        "Units above their group mean by more than the overload margin, after the plan",
    ),
    Col(N_("Staff moved"), WHOLE, N_("Employees who change unit (new hires not counted)")),
    Col(N_("New hires"), WHOLE, N_("Headcount the option adds from outside")),
    Col(N_("Services moved"), "#,##0.##", N_("Services that change unit")),
    Col(N_("Why this rank"), comment=N_("The figure of the rule that places the option")),
    # Not printed (the print area ends above): where it comes from and how it was solved.
    Col(N_("Workbook"), comment=N_("The scenario workbook it comes from")),
    Col(N_("Sheet"), comment=N_("The sheet of this workbook with the option's plan")),
    Col(
        N_("Coefficient"),
        comment=N_("count: services per employee; hours: hours needed / hours available"),
    ),
    Col(
        N_("Objective"),
        comment=N_("minmax: smallest maximum coefficient; balance: smallest total deviation"),
    ),
    Col(
        N_("Change"),
        DIFFERENCE,
        N_("After minus before (negative: the worst-loaded unit is relieved)"),
    ),
    Col(N_("Overloaded units before"), WHOLE, N_("Units above their group mean before the plan")),
    Col(N_("Staff moved vs baseline"), CHANGE, N_("Staff moved minus the baseline's")),
    Col(
        N_("Services moved vs baseline"),
        "+#,##0.##;-#,##0.##;0",
        N_("Services moved minus the baseline's"),
    ),
    Col(N_("Checks passed"), comment=N_("The plan passed every independent check")),
    Col(N_("Seconds"), SECONDS, N_("Time to solve the option")),
    Col(N_("Notes"), comment=N_("Why a group has no plan, and what the solver said")),
    Col(
        N_("P90 over fresh samples"),
        COEFFICIENT,
        N_(
            "compare --robust: the P90 of the highest coefficient over the fresh samples of the "
            "volumes (in 9 years out of 10 the worst unit is at most that loaded); else blank"
        ),
    ),
)
PRINTED_COLUMNS = [c.header for c in SUMMARY_COLUMNS].index("Why this rank") + 1
WRAPPED = {4: 32.0, PRINTED_COLUMNS: 48.0}  # column -> width (the Notes, not printed, run on)


def _summary_row(comparison: Comparison, option: Option, sheet: str) -> list[object]:
    result = option.result
    standing = comparison.standing(option)
    before, after = result.max_coefficient_before, result.max_coefficient_after
    change = None
    if after is not None and math.isfinite(before) and math.isfinite(after):
        change = after - before
    return [
        option.label,
        standing.rank,
        _("yes") if standing.recommended else "",
        option.description,
        status_text(result.status),
        plain(before),
        plain(after),
        comparison.versus_baseline(option),
        plain(standing.mean),
        plain(standing.spread),
        standing.overloaded_after,
        result.staff_moved,
        option.new_hires,
        result.services_moved,
        standing.reason,
        Path(option.source).name,
        sheet,
        result.coefficient.value,
        result.objective.value,
        change,
        standing.overloaded_before,
        comparison.staff_difference(option),
        comparison.services_difference(option),
        _("yes") if result.checks_passed else _("no"),
        round(result.report.seconds, 3),
        "; ".join(option.notes),
        plain(option.p90),
    ]


def _comparison_chart(ws: Worksheet, options: int, anchor: str) -> None:
    """Bars: maximum coefficient before and after per option; markers (right axis): staff moved."""
    headers = [c.header for c in SUMMARY_COLUMNS]
    last = options + 1
    # Categories from the Sheet column: unique, at most 31 characters, and without the workbook
    # name that labels carry when several are compared, so the axis labels stay readable.
    sheet_column = headers.index("Sheet") + 1
    categories = Reference(ws, min_col=sheet_column, min_row=2, max_row=last)
    bars = BarChart()
    bars.type = "col"
    bars.grouping = "clustered"
    bars.title = _("Maximum coefficient and staff moved per option")
    bars.y_axis.title = _("Maximum coefficient")
    for header in ("Max coefficient before", "Max coefficient after"):
        column = headers.index(header) + 1
        values = Reference(ws, min_col=column, min_row=1, max_row=last)
        bars.series.append(Series(values, title_from_data=True))
    bars.set_categories(categories)
    show_axes(bars)
    staff = LineChart()
    column = headers.index("Staff moved") + 1
    staff.add_data(Reference(ws, min_col=column, min_row=1, max_row=last), titles_from_data=True)
    staff.set_categories(categories)
    staff.y_axis.axId = 200  # a second value axis, on the right
    staff.y_axis.title = _("Staff moved")
    staff.y_axis.crosses = "max"
    staff.y_axis.majorGridlines = None
    # Markers only: the options are not a sequence, and a line joining them would read as a trend.
    # With no line the markers need colours of their own (LibreOffice would draw them white).
    marker = Marker(symbol="circle", size=8)
    marker.graphicalProperties = GraphicalProperties(solidFill=STAFF_MARKER_FILL)
    marker.graphicalProperties.line.solidFill = STAFF_MARKER_LINE
    staff.series[0].marker = marker
    staff.series[0].graphicalProperties.line.noFill = True
    staff.series[0].smooth = False
    staff.y_axis.delete = False  # its x axis is the bars' (shown once)
    bars += staff
    printed = sum(column_width(ws, c) for c in range(1, PRINTED_COLUMNS + 1)) * 0.2  # cm
    bars.width = min(max(18.0, 1.6 * options), printed)
    bars.height = 9.0
    bars.legend.position = "b"
    ws.add_chart(bars, anchor)


def _write_summary(ws: Worksheet, comparison: Comparison, sheets: Sequence[str]) -> None:
    rows = [
        _summary_row(comparison, option, sheet)
        for option, sheet in zip(comparison.options, sheets, strict=True)
    ]
    # Frozen at B2: the option name stays in view while scrolling right.
    add_table(ws, "SummaryTable", translated(SUMMARY_COLUMNS), rows, freeze="B2", empty=_(NONE))
    columns = len(SUMMARY_COLUMNS)
    fit_columns(ws, header_rows=(), minimum={1: 16})
    compact_header(ws, {c: 10.0 for c in range(5, columns)} | {2: 6.0, 3: 13.0, 8: 13.0} | WRAPPED)
    for r in range(2, len(rows) + 2):
        lines = 1
        for column, width in WRAPPED.items():
            cell = ws.cell(row=r, column=column)
            cell.alignment = WRAP_TOP
            lines = max(lines, wrapped_lines(str(cell.value or ""), width * 1.1 - 1))
        for column in range(1, columns + 1):
            if column not in WRAPPED:
                ws.cell(row=r, column=column).alignment = TOP
        if ws.cell(row=r, column=3).value == _("yes"):
            for column in range(1, PRINTED_COLUMNS + 1):
                ws.cell(row=r, column=column).fill = MARK_FILL
        if lines > 1:
            # Neither openpyxl nor LibreOffice's import grows a row for wrapped text: set it.
            ws.row_dimensions[r].height = 15.0 * lines + 2
    row = len(rows) + 3
    if comparison.interrupted:
        prose(
            ws,
            row,
            _(
                "Interrupted (Ctrl-C): {solved} of {planned} options were solved; the others were "
                "not run."
            ).format(solved=len(comparison.options), planned=comparison.planned),
        ).font = WARNING_FONT
        row += 1
    for standing in comparison.recommended():
        workbook = Path(standing.option.source).name
        why = recommended_why(standing.reason)
        if len(comparison.sources) > 1:
            text = _("Recommended of {workbook}: '{label}': {why}.").format(
                workbook=workbook, label=standing.option.label, why=why
            )
        else:
            text = _("Recommended: '{label}': {why}.").format(label=standing.option.label, why=why)
        prose(ws, row, text, span=PRINTED_COLUMNS).font = charts.TOTAL_FONT
        row += 1
    row = note(ws, row, _("The rule: {rule}").format(rule=_(RANKING_RULE)), span=PRINTED_COLUMNS)
    note(
        ws,
        row,
        _(
            "Difference to baseline: the maximum coefficient after the plan against that of the "
            "baseline of the same workbook, in words; a lower maximum is better balanced."
        ),
        span=PRINTED_COLUMNS,
    )
    if rows:
        _comparison_chart(ws, len(rows), f"A{row + 2}")
    size_prose_rows(ws)
    print_sheet(ws, one_page=True, columns=PRINTED_COLUMNS)


GROUP_COLUMNS: tuple[Col, ...] = (
    Col(N_("Option"), comment=N_("The option (as on the Summary sheet)")),
    Col(N_("Group"), comment=N_("Pool inside which staff and services may move")),
    Col(N_("Status"), comment=N_("optimal, feasible or infeasible, for this group")),
    Col(N_("Max coefficient before"), COEFFICIENT, N_("The group's largest unit coefficient now")),
    Col(
        N_("Max coefficient after"),
        COEFFICIENT,
        N_("The group's largest unit coefficient after the plan"),
    ),
    Col(
        N_("Difference to baseline"),
        comment=N_(
            "Max coefficient after against the same group's under the baseline of the "
            "same workbook, in words (lower is better)"
        ),
    ),
    Col(N_("Staff moved"), WHOLE, N_("Employees who change unit within the group")),
    Col(N_("Services moved"), "#,##0.##", N_("Services that change unit within the group")),
)


def _groups_by_option(ws: Worksheet, comparison: Comparison) -> None:
    """Each group's figures under every option: the overall maximum is one group's; the other
    groups' gains show here."""
    rows = []
    for option in comparison.options:
        baseline = comparison.baseline(option)
        base_groups = {g.group: g for g in baseline.result.groups} if baseline else {}
        comparable = baseline is not None and (
            baseline.result.coefficient is option.result.coefficient
        )
        for g in option.result.groups:
            base = base_groups.get(g.group)
            difference = None
            if (
                comparable
                and base is not None
                and g.max_coefficient_after is not None
                and base.max_coefficient_after is not None
            ):
                difference = difference_words(g.max_coefficient_after - base.max_coefficient_after)
                if option.is_baseline:
                    difference = _("the baseline")
            rows.append([
                option.label, g.group, status_text(g.status), plain(g.max_coefficient_before),
                plain(g.max_coefficient_after), difference, g.staff_moved, g.services_moved,
            ])  # fmt: skip
    add_table(ws, "GroupsByOption", translated(GROUP_COLUMNS), rows, freeze="C2", empty=_(NONE))
    fit_columns(ws, header_rows=(), minimum={1: 16})
    compact_header(ws, {c: 12.0 for c in range(3, len(GROUP_COLUMNS) + 1)})


def _units_by_option(ws: Worksheet, comparison: Comparison) -> None:
    """Each unit's coefficient under every option, side by side."""
    options = comparison.options
    before_of: list[Option] = [o for o in options if o.is_baseline]
    several = len(comparison.sources) > 1
    before_headers = [
        _("Before ({workbook})").format(workbook=Path(o.source).stem) if several else _("Before")
        for o in before_of
    ]
    headers = _unique([_("Unit ID"), _("Name"), _("Level"), _("Group"), *before_headers]
                      + [o.label for o in options])  # fmt: skip
    comments = ["", "", "", ""]
    comments += [_("Coefficient now (the baseline's before the plan)")] * len(before_of)
    comments += [_("Coefficient after this option's plan")] * len(options)
    formats = [None] * 4 + [COEFFICIENT] * (len(before_of) + len(options))
    columns = [Col(*spec) for spec in zip(headers, formats, comments, strict=True)]

    # Rows: every unit of every option, in the order first met (the workbooks usually share ids).
    units: dict[str, tuple[str, str, str]] = {}
    for option in options:
        for u in option.result.units:
            units.setdefault(u.unit_id, (u.name, u.level, u.group))
    coefficient: list[dict[str, tuple[float, float | None]]] = [
        {u.unit_id: (u.coefficient_before, u.coefficient_after) for u in o.result.units}
        for o in options
    ]
    position = {id(o): i for i, o in enumerate(options)}
    rows = []
    for unit_id, (name, level, group) in units.items():
        row: list[object] = [unit_id, name, level, group]
        for o in before_of:
            figures = coefficient[position[id(o)]].get(unit_id)
            row.append(figures[0] if figures else None)
        for i in range(len(options)):
            figures = coefficient[i].get(unit_id)
            row.append(figures[1] if figures else None)
        rows.append(row)
    # An infinite coefficient (load with no staff) is written as `no staff` by charts.write.
    add_table(ws, "UnitsByOption", columns, rows, freeze="C2", empty=_(NONE))
    fit_columns(ws, header_rows=(), minimum={2: 20})


UNIT_COLUMNS = (
    Col(N_("Unit ID")), Col(N_("Name")), Col(N_("Level")), Col(N_("Group")), Col(N_("Employees before"), WHOLE),
    Col(N_("Employees after"), WHOLE), Col(N_("Change"), CHANGE), Col(N_("New hires"), WHOLE),
    Col(N_("Coefficient before"), COEFFICIENT), Col(N_("Coefficient after"), COEFFICIENT),
)  # fmt: skip
TRANSFER_COLUMNS = (Col(N_("From")), Col(N_("To")), Col(N_("Skill")), Col(N_("Employees"), WHOLE))


def _option_sheet(ws: Worksheet, number: int, result: Result) -> None:
    """An option's plan: units before and after, transfers and reassignments, side by side."""
    hired: dict[str, int] = {}
    for staff in result.staff:
        hired[staff.unit_id] = hired.get(staff.unit_id, 0) + staff.hired
    unit_rows = [
        [
            u.unit_id, u.name, u.level, u.group, u.employees_before, u.employees_after,
            u.employees_after - u.employees_before, hired.get(u.unit_id, 0),
            u.coefficient_before, u.coefficient_after,
        ]
        for u in result.units
    ]  # fmt: skip
    transfer_rows = [[t.source, t.target, t.skill, t.employees] for t in result.transfers]
    names = {s.service_id: s.name for s in result.scenario.services}
    load_unit = _("services") if result.coefficient.value == "count" else _("hours per year")
    reassignment_columns = (
        Col(N_("Service ID")), Col(N_("Service")), Col(N_("From")), Col(N_("To")), Col(N_("Share"), SHARE),
        Col(_("Load ({unit})").format(unit=load_unit), LOAD),
    )  # fmt: skip
    reassignment_rows = [
        [r.service_id, names.get(r.service_id, ""), r.source, r.target, r.share, r.load]
        for r in result.reassignments
    ]
    blocks = (
        (f"Option{number}Units", UNIT_COLUMNS, unit_rows),
        (f"Option{number}Transfers", TRANSFER_COLUMNS, transfer_rows),
        (f"Option{number}Reassignments", reassignment_columns, reassignment_rows),
    )
    column = 1
    for name, columns, rows in blocks:
        add_table(ws, name, translated(columns), rows, left=column, freeze="A2", empty=_(NONE))
        column += len(columns) + 1  # one empty column between tables
    fit_columns(ws, header_rows=())


def _inputs_sheet(ws: Worksheet, comparison: Comparison) -> None:
    columns = [
        Col(N_("Workbook"), WHOLE, N_("Number of the workbook")),
        Col(N_("File"), comment=N_("Path as given")),
        Col(N_("SHA-256"), comment=N_("Fingerprint of the file read")),
        Col(N_("Options solved"), WHOLE),
    ]
    rows = []
    fingerprints = comparison.fingerprints or (None,) * len(comparison.sources)
    for index, (source, fingerprint) in enumerate(
        zip(comparison.sources, fingerprints, strict=True)
    ):
        solved = [o for o in comparison.options if o.workbook == index]
        rows.append([index + 1, source, fingerprint or "", len(solved)])
    add_table(ws, "InputsTable", translated(columns), rows, freeze="A2", empty=_(NONE))
    fit_columns(ws, header_rows=())


@collection_paused()
@pinned
def comparison_workbook(comparison: Comparison) -> Workbook:
    """The comparison as an openpyxl Workbook (not saved), in the current language (sheet names,
    headers, words; the figures are numbers)."""
    workbook = FastWorkbook()
    summary = workbook.active
    names = {name: pgettext("sheet", name) for name in SHEETS}
    summary.title = names["Summary"]
    taken = {name.casefold() for name in names.values()}
    several = len(comparison.sources) > 1
    sheets = [
        sheet_title(f"{o.workbook + 1} {o.name}" if several else o.name, taken)
        for o in comparison.options
    ]
    _write_summary(summary, comparison, sheets)
    _groups_by_option(workbook.create_sheet(names["Groups"]), comparison)
    _units_by_option(workbook.create_sheet(names["Units"]), comparison)
    for number, (option, sheet) in enumerate(zip(comparison.options, sheets, strict=True), 1):
        _option_sheet(workbook.create_sheet(sheet), number, option.result)
    _inputs_sheet(workbook.create_sheet(names["Inputs"]), comparison)
    for ws in workbook.worksheets[1:]:  # the Summary sets up its own page
        charts.compact_numeric_columns(ws)
        charts.size_wrapped_rows(ws)
        print_sheet(ws, title_rows=1)
    return workbook


def write_comparison(
    comparison: Comparison,
    path: str | os.PathLike[str],
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
) -> Path:
    """Write the comparison workbook atomically (never over one of `inputs`); returns its path."""
    return save_workbook(comparison_workbook(comparison), path, inputs=inputs)
