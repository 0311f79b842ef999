"""The workbook `planner forecast` writes: the scenario of the forecast year (every sheet of the
scenario format, read back by `read_scenario`) plus a `Forecast` sheet: one row per series (model
chosen, point forecast, 80% and 95% intervals, rolling-origin backtest), the history and forecast
of every series year by year, and a line chart per series of the history and the forecast fan.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from planner.i18n import N_, NP_, _, pgettext
from planner.reports.charts import (
    Col,
    add_table,
    fit_columns,
    note,
    show_axes,
    size_prose_rows,
    title,
    translated,
)
from planner.studies.forecast import (
    Forecast,
    Quantity,
    forecast_scenario,
    method_text,
    quantity_text,
)
from planner.workbook.writer import scenario_workbook
from planner.xlsx.files import collection_paused, save_workbook

__all__ = ["forecast_workbook", "write_forecast"]

SHEET = NP_("sheet", "Forecast")  # the sheet's English name, translated where written
# Headers and comments are marked N_ and translated where written (`charts.translated`).
SUMMARY_COLUMNS = (
    Col(N_("Target")),
    Col(N_("Quantity")),
    Col(N_("Years"), "0"),
    Col(
        N_("Model"),
        comment=N_("ETS(A,A,N): additive trend; ETS(A,Ad,N): damped trend; drift: fallback"),
    ),
    Col(N_("AICc"), comment=N_("Each candidate's AICc; the smaller is chosen")),
    Col(N_("Last year"), "0"),
    Col(N_("Last value"), "#,##0.000"),
    Col(N_("Year"), "0"),
    Col(N_("Forecast"), "#,##0.000"),
    Col(N_("Low 80%"), "#,##0.000"),
    Col(N_("High 80%"), "#,##0.000"),
    Col(N_("Low 95%"), "#,##0.000"),
    Col(N_("High 95%"), "#,##0.000"),
    Col(N_("Backtest origins"), "0", N_("Rolling-origin forecasts the backtest made")),
    Col(N_("Backtest MAE"), "#,##0.000", N_("Mean absolute error of those forecasts")),
    Col(N_("Backtest MAPE %"), "0.0", N_("Mean absolute percentage error of those forecasts")),
    Col(N_("Note")),
)
PATH_HEADERS = (N_("History"), N_("Forecast"), N_("Low 80%"), N_("High 80%"), N_("Low 95%"),
                N_("High 95%"))  # fmt: skip
VOLUME_FORMAT, SHARE_FORMAT = "#,##0", "0.0%"


def _path_columns(number_format: str) -> list[Col]:
    return translated([Col(N_("Year"), "0"), *(Col(h, number_format) for h in PATH_HEADERS)])


def _format(quantity: Quantity) -> str:
    return SHARE_FORMAT if quantity is Quantity.DIGITAL_SHARE else VOLUME_FORMAT


def _summary_rows(result: Forecast) -> list[list[object]]:
    rows: list[list[object]] = []
    for s in result.series:
        rows.append(
            [
                s.target,
                quantity_text(s.quantity),
                len(s.years),
                method_text(s.method),
                "; ".join(f"{m} {a:.2f}" for m, a in s.aicc),
                s.years[-1],
                s.last,
                s.year,
                s.point,
                *s.interval80,
                *s.interval95,
                s.backtest_origins,
                s.backtest_mae,
                s.backtest_mape,
                s.warning,
            ]
        )
    return rows


def _write_forecast_sheet(ws: Worksheet, result: Forecast) -> None:
    history = pgettext("sheet", "History")
    title(
        ws,
        1,
        _("Forecast for {year} from the {sheet} sheet").format(year=result.year, sheet=history),
        span=10,
    )
    row = note(
        ws,
        2,
        _(
            "Each series is continued with exponential smoothing (ETS with additive or damped "
            "trend, chosen by AICc) or, with fewer than 7 years, the drift method. The volumes "
            "and digital shares of this workbook are the forecasts: each service moved by the "
            "most specific series that counts it; {low} / {high} are the 80 per cent interval "
            "(P10 / P90)."
        ).format(low=pgettext("header", "Volume low"), high=pgettext("header", "Volume high")),
        span=10,
    )
    first, last = add_table(
        ws, "ForecastSeries", translated(SUMMARY_COLUMNS), _summary_rows(result), top=row + 1
    )
    for offset, s in enumerate(result.series):
        for column in (7, 9, 10, 11, 12, 13, 15):  # values in the series' own unit
            ws.cell(row=first + offset, column=column).number_format = _format(s.quantity)
    row = last + 2
    for index, s in enumerate(result.series, start=1):
        quantity = quantity_text(s.quantity)
        title(ws, row, f"{s.target}: {quantity}", size="section", span=7)
        rows: list[list[object]] = [
            [y, v, None, None, None, None, None] for y, v in zip(s.years, s.values, strict=True)
        ]
        # The forecast lines start at the last history point so that the fan joins the history.
        rows[-1][2:] = [s.last] * 5
        rows += [[y, None, *values] for y, values in zip(s.path_years, s.path, strict=True)]
        columns = _path_columns(_format(s.quantity))
        first, last = add_table(ws, f"ForecastPath{index}", columns, rows, top=row + 1)
        chart = LineChart()
        chart.title = _("{target} {quantity}: history and forecast ({method})").format(
            target=s.target, quantity=quantity, method=method_text(s.method)
        )
        chart.y_axis.title = _("share") if s.quantity is Quantity.DIGITAL_SHARE else _("volume")
        chart.x_axis.title = _("year")
        chart.y_axis.number_format = _format(s.quantity)
        chart.height, chart.width = 7.5, 16
        data = Reference(ws, min_col=2, max_col=7, min_row=first - 1, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
        styles = [
            ("1F4E79", None, 28000),
            ("C00000", None, 22000),
            ("F4B183", "dash", 15000),
            ("F4B183", "dash", 15000),
            ("BFBFBF", "sysDot", 12000),
            ("BFBFBF", "sysDot", 12000),
        ]
        for series, (colour, dash, width) in zip(chart.series, styles, strict=True):
            series.graphicalProperties.line.solidFill = colour
            series.graphicalProperties.line.width = width
            if dash:
                series.graphicalProperties.line.dashStyle = dash
            series.smooth = False
        show_axes(chart)
        ws.add_chart(chart, f"I{row + 1}")
        row = max(last + 2, row + 17)
    fit_columns(ws)
    size_prose_rows(ws)


@collection_paused()
def forecast_workbook(result: Forecast) -> Workbook:
    """The forecast year's scenario workbook with its Forecast sheet."""
    workbook = scenario_workbook(forecast_scenario(result))
    _write_forecast_sheet(workbook.create_sheet(pgettext("sheet", SHEET)), result)
    return workbook


def write_forecast(
    result: Forecast, path: str | os.PathLike[str], *, inputs: Sequence[str] = ()
) -> Path:
    """Write the forecast year's scenario workbook (atomically; never over an input)."""
    sources = [*inputs] + ([result.scenario.source_path] if result.scenario.source_path else [])
    return save_workbook(forecast_workbook(result), path, inputs=sources)
