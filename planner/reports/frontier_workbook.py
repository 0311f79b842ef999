"""The workbook of a frontier (openpyxl): `Frontier` (one row per group and budget, with a line
chart per group that marks where extra moves stop helping), `Groups` and `Inputs`.

Built with the helpers of planner.reports.charts and the formats of the comparison workbook; text
from the input goes through `put`, so it is never read as a formula.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.chart.marker import DataPoint, Marker
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.i18n import N_, _, pgettext, pinned
from planner.reports.charts import (
    Col,
    add_table,
    compact_numeric_columns,
    fit_columns,
    note,
    plain,
    print_sheet,
    show_axes,
    size_prose_rows,
    size_wrapped_rows,
    translated,
)
from planner.reports.comparison_workbook import (
    COEFFICIENT,
    DIFFERENCE,
    MARK_FILL,
    NONE,
    WHOLE,
    compact_header,
)
from planner.studies.frontier import Frontier, FrontierPoint
from planner.xlsx.export import FastWorkbook
from planner.xlsx.files import collection_paused, save_workbook
from planner.xlsx.writing import TOP, WRAP_TOP

__all__ = ["frontier_workbook", "write_frontier"]

CHART_ROWS = 17  # rows between the tops of stacked charts (a 7.5 cm chart spans about 15)


def _frontier_chart(
    ws: Worksheet,
    title: str,
    moves_kind: str,
    rows: range,
    points: Sequence[FrontierPoint],
    anchor: str,
) -> None:
    """One group's curve from its rows of the Frontier table: budget against best maximum
    coefficient; the points where extra moves stop helping get a large diamond."""
    chart = LineChart()
    chart.title = title
    chart.y_axis.title = _("Best maximum coefficient")
    chart.x_axis.title = _("Budget ({kind} per group)").format(kind=moves_kind)
    values = Reference(ws, min_col=3, min_row=rows.start, max_row=rows.stop - 1)
    series = Series(values, title=_("Best maximum coefficient"))
    series.marker = Marker(symbol="circle", size=5)
    series.smooth = False  # a smoothed line would invent values between budgets
    for i, point in enumerate(points):
        if point.stops_helping:
            series.dPt.append(DataPoint(idx=i, marker=Marker(symbol="diamond", size=11)))
    chart.series.append(series)
    chart.set_categories(Reference(ws, min_col=2, min_row=rows.start, max_row=rows.stop - 1))
    finite = [p.max_coefficient for p in points if p.max_coefficient is not None]
    if finite and min(finite) > 0:
        # Start the axis a little below the curve, not at 0: the shape is the point of the chart.
        low, high = min(finite), max(finite)
        chart.y_axis.scaling.min = max(0.0, math.floor((low - 0.1 * (high - low)) * 20) / 20)
    show_axes(chart)
    chart.legend = None  # one series: the title says what it is
    chart.width = 18.0
    chart.height = 7.5
    ws.add_chart(chart, anchor)


# Marked N_: translated where written (frontier_workbook).
FRONTIER_COLUMNS: tuple[Col, ...] = (
    Col(N_("Group"), comment=N_("Pool inside which staff and services may move")),
    Col(N_("Budget"), WHOLE, N_("Most moves of the budgeted kind allowed in the group")),
    Col(
        N_("Best max coefficient"),
        COEFFICIENT,
        N_("Smallest maximum coefficient reachable within the budget"),
    ),
    Col(N_("Change"), DIFFERENCE,
        N_("Best max coefficient minus that at the group's smallest budget")),
    Col(N_("Stops helping"), comment=N_("yes: more moves do not lower the maximum (see Why)")),
    Col(N_("Why"),
        comment=N_("optimum reached: no budget does better; or: the next budget does no better")),
    Col(N_("Proven"),
        comment=N_("no: a time limit stopped the search and the value is the best plan's")),
    Col(N_("Solver runs"), WHOLE, N_("Solver calls for this point (0: known from earlier points)")),
    Col(N_("Seconds"), "0.000", N_("Time for this point")),
    Col(
        N_("Moves this budget adds"),
        comment=N_("The moves of this budget's plan that the plan of the budget before it does "
                   "not have (+), and those it no longer has (-); the first budget against no "
                   "move at all"),
    ),
)  # fmt: skip
MOVES_WIDTH = 90.0


@collection_paused()
@pinned
def frontier_workbook(frontier: Frontier) -> Workbook:
    """The frontier as an openpyxl Workbook (not saved), in the current language."""
    workbook = FastWorkbook()
    ws = workbook.active
    ws.title = pgettext("sheet", "Frontier")
    columns = translated(FRONTIER_COLUMNS)
    columns[1] = dataclasses.replace(
        columns[1], header=_("Budget ({kind})").format(kind=frontier.moves_kind)
    )
    yes, no = _("yes"), _("no")
    rows: list[list[object]] = []
    for group in frontier.groups:
        first = group.points[0].max_coefficient if group.points else None
        for point in group.points:
            value = point.max_coefficient
            change = None if value is None or first is None else value - first
            rows.append([
                group.group, point.budget, plain(value), plain(change),
                yes if point.stops_helping else no, point.mark,
                yes if point.proven else no, point.solver_runs, round(point.seconds, 4),
                point.moves_text() or (_("no change") if value is not None else ""),
            ])  # fmt: skip
    add_table(ws, "FrontierTable", columns, rows, freeze="A2", empty=_(NONE))
    for r, row in enumerate(rows, start=2):
        if row[4] == yes:
            for c in range(1, len(columns) + 1):
                ws.cell(row=r, column=c).fill = MARK_FILL
    fit_columns(ws, header_rows=(), minimum={1: 12})
    compact_header(
        ws, {2: 12.0, 3: 12.0, 4: 12.0, 5: 10.0, 7: 9.0, 8: 9.0, 9: 9.0, 10: MOVES_WIDTH}
    )
    for r in range(2, len(rows) + 2):
        # Top-aligned, so that a budget's figures stand beside the first line of its moves.
        for c in range(1, len(columns)):
            ws.cell(row=r, column=c).alignment = TOP
        ws.cell(row=r, column=len(columns)).alignment = WRAP_TOP
    note_row = len(rows) + 3
    for text in frontier.notes:
        note_row = note(ws, note_row, _("Note: {text}").format(text=text))

    # One chart per group: each group has its own budgets (its own range by default).
    chart_column = get_column_letter(len(columns) + 2)
    first_row = 2
    for index, group in enumerate(frontier.groups):
        rows_of_group = range(first_row, first_row + len(group.points))
        first_row += len(group.points)
        if group.points:
            _frontier_chart(
                ws,
                group.group,
                frontier.moves_kind,
                rows_of_group,
                group.points,
                f"{chart_column}{2 + index * CHART_ROWS}",
            )

    groups = workbook.create_sheet(pgettext("sheet", "Groups"))
    group_columns = [
        Col(_("Group")), Col(_("Max coefficient before"), COEFFICIENT),
        Col(_("Best with no limit"), COEFFICIENT),
        Col(_("{kind} it needs").format(kind=frontier.moves_kind.capitalize()), WHOLE),
        Col(_("First budget reaching it"), WHOLE), Col(_("Note")),
    ]  # fmt: skip
    group_rows = [
        [
            g.group, g.max_coefficient_before, plain(g.unconstrained), g.unconstrained_moves,
            g.first_optimal_budget, g.note,
        ]
        for g in frontier.groups
    ]  # fmt: skip
    add_table(groups, "GroupsTable", group_columns, group_rows, freeze="A2", empty=_(NONE))
    fit_columns(groups, header_rows=())

    inputs = workbook.create_sheet(pgettext("sheet", "Inputs"))
    items: list[list[object]] = [
        [_("Scenario"), frontier.scenario],
        [_("File"), frontier.source_path or ""],
        [_("SHA-256"), frontier.source_sha256 or ""],
        [_("Coefficient"), frontier.coefficient],
        [_("Budget counts"), _("{kind} per group").format(kind=frontier.moves_kind)],
        [
            _("Budgets"),
            _("each group: 0 up to the moves its unconstrained optimum needs")
            if frontier.budgets is None
            else ", ".join(str(b) for b in frontier.budgets),
        ],
        [_("Seconds"), round(frontier.seconds, 3)],
    ]
    add_table(inputs, "InputsTable", [Col(_("Item")), Col(_("Value"))], items, freeze="A2",
              empty=_(NONE))  # fmt: skip
    fit_columns(inputs, header_rows=())
    for sheet in workbook.worksheets:
        compact_numeric_columns(sheet)
        # The notes' rows are sized at the widths they print at: after the numeric columns are
        # narrowed (sized before, a long note was cut to the lines of the wider columns).
        size_prose_rows(sheet)
        size_wrapped_rows(sheet)
        print_sheet(sheet, title_rows=1)
    return workbook


def write_frontier(
    frontier: Frontier,
    path: str | os.PathLike[str],
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
) -> Path:
    """Write the frontier workbook atomically (never over one of `inputs`); returns its path."""
    return save_workbook(frontier_workbook(frontier), path, inputs=inputs)
