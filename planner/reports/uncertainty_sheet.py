"""The `Uncertainty` sheet of the result workbook (written when `planner solve --samples N`):
the spread of each group's highest coefficient over the Monte Carlo samples for every plan
evaluated (P50, P90, P95, mean and the value at the point volumes), a histogram chart per group,
and each unit's probability of being overloaded.
"""

from __future__ import annotations

import numpy as np
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from planner.i18n import _, integer
from planner.reports.charts import (
    Col,
    add_table,
    fit_columns,
    note,
    show_axes,
    size_prose_rows,
    small_labels,
    title,
)
from planner.studies.uncertainty import QUANTILES, Uncertainty, plan_name

__all__ = ["BINS", "histogram", "uncertainty_sheet"]

BINS = 20
COEFFICIENT = "0.000"
PERCENT = "0.0%"


def histogram(
    values: dict[str, np.ndarray], bins: int = BINS
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Common bin edges over every plan's finite values, and each plan's counts."""
    finite = np.concatenate([v[np.isfinite(v)] for v in values.values()])
    if finite.size == 0:
        return np.array([0.0, 1.0]), {k: np.zeros(1, dtype=np.int64) for k in values}
    low, high = float(finite.min()), float(finite.max())
    if high <= low:
        high = low + 1e-9
    edges = np.linspace(low, high, bins + 1)
    return edges, {k: np.histogram(v[np.isfinite(v)], bins=edges)[0] for k, v in values.items()}


def uncertainty_sheet(
    ws: Worksheet, result: Uncertainty, comparison: list[str] | None = None
) -> None:
    """Fill `ws` with the Monte Carlo figures of `result`; `comparison` lines (robust versus
    nominal) are shown under the title when given."""
    title(
        ws,
        1,
        _("Uncertainty: {samples} Monte Carlo samples of the volumes (seed {seed})").format(
            samples=f"{result.samples:,}", seed=result.seed
        ),
        span=9,
    )
    row = note(
        ws,
        2,
        _(
            "Each sample draws every volume with a Volume low / Volume high from its range (P10 "
            "to P90; services counted by one History series move together). P90 = the highest "
            "coefficient of the group stays at or below this value in 9 samples out of 10. "
            "Overloaded: a unit's coefficient above its group's mean x (1 + overload margin) in "
            "that sample."
        ),
        span=9,
    )
    for line in (*result.notes, *(comparison or ())):
        row = note(ws, row, line, span=9)
    columns = (
        Col(_("Plan")),
        Col(_("Group")),
        *(Col(f"P{round(q * 100)}", COEFFICIENT) for q in QUANTILES),
        Col(_("Mean"), COEFFICIENT),
        Col(
            _("At point volumes"),
            COEFFICIENT,
            _("The highest coefficient with the volumes as typed"),
        ),
    )
    groups = result.table("groups")
    rows = [[plan_name(plan), *rest] for plan, *rest in groups.itertuples(index=False)]
    _first, last = add_table(ws, "UncertaintyGroups", columns, rows, top=row + 1)
    row = last + 2

    title(ws, row, _("Distribution of each group's highest coefficient"), size="section", span=9)
    row += 1
    for gi, group in enumerate(result.groups):
        values = {plan: result.maxima[plan][:, gi] for plan in result.plans
                  if not np.isnan(result.maxima[plan][:, gi]).all()}  # fmt: skip
        edges, counts = histogram(values)
        plans = list(values)
        hist_columns = (
            Col(_("From"), COEFFICIENT),
            Col(_("To"), COEFFICIENT),
            *(Col(plan_name(p), "0") for p in plans),
        )
        hist_rows = [
            [float(edges[b]), float(edges[b + 1]), *(int(counts[p][b]) for p in plans)]
            for b in range(len(edges) - 1)
        ]
        first, last = add_table(
            ws, f"UncertaintyHistogram{gi + 1}", hist_columns, hist_rows, top=row
        )
        chart = BarChart()
        chart.type = "col"
        chart.grouping = "clustered"
        chart.title = _("{group}: highest coefficient over {samples} samples").format(
            group=group, samples=integer(result.samples)
        )
        chart.x_axis.title = _("highest coefficient (bin start)")
        # The bin starts as the table shows them: LibreOffice labels the axis with every digit
        # of the value otherwise, which leaves the bars a strip.
        chart.x_axis.number_format = "0.00"  # not linked to the cells' format
        small_labels(chart.x_axis, slanted=True)
        chart.y_axis.title = _("samples")
        chart.height, chart.width = 9, 18
        chart.legend.position = "b"
        data = Reference(ws, min_col=3, max_col=2 + len(plans), min_row=first - 1, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
        show_axes(chart)
        ws.add_chart(chart, f"{chr(ord('A') + 3 + len(plans))}{row}")
        row = max(last + 2, row + 17)

    title(ws, row, _("Probability that a unit is overloaded"), size="section", span=9)
    unit_columns = (
        Col(_("Plan")),
        Col(_("Group")),
        Col(_("Unit ID")),
        Col(
            _("Probability overloaded"),
            PERCENT,
            _("Share of samples above the group mean x (1 + margin)"),
        ),
        Col(_("Probability above 1"), PERCENT, _("Share of samples with a coefficient above 1")),
    )
    units = result.table("units")
    add_table(
        ws,
        "UncertaintyUnits",
        unit_columns,
        [[plan_name(plan), *rest] for plan, *rest in units.itertuples(index=False)],
        top=row + 1,
    )
    fit_columns(ws)
    size_prose_rows(ws)
