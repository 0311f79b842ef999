"""The `WISN` sheet of the result workbook (coefficient wisn): every staff category of every unit
as WISN studies publish it (category, current, required, difference, ratio, pressure), before and
after the plan, with a chart of the WISN ratio per cell.

In wisn mode a cell's load is its required staff (planner.wisn: staff needed x CAF + IAF) and its
coefficient required / current, so every figure here comes from the Result's loads and headcounts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from openpyxl.worksheet.worksheet import Worksheet

from planner.i18n import N_, NP_, _, decimal
from planner.reports import charts
from planner.reports.charts import Col, add_table, fit_columns, note, title
from planner.result import Result
from planner.wisn import Pressure, pressure_percent, wisn_difference, wisn_ratio, workload_pressure

__all__ = ["WISN_SHEET", "WisnRow", "pressure_text", "pressure_word", "wisn_rows", "wisn_sheet"]

WISN_SHEET = NP_("sheet", "WISN")
STAFF_2 = "#,##0.00"  # staff and ratios to two decimals, as WISN studies publish them
NO_WORKLOAD = N_("no workload")


@dataclass(frozen=True)
class WisnRow:
    """One unit's staff category before and after the plan (after None without a plan)."""

    unit_id: str
    unit: str
    group: str
    category: str
    current: int
    required: float
    staff_after: int | None
    required_after: float | None
    hired: int = 0  # new hires in the plan (a variant's, or the fewest hires of `wisn target`)

    @property
    def difference(self) -> float:
        return wisn_difference(self.current, self.required)

    @property
    def ratio(self) -> float | None:
        return wisn_ratio(self.current, self.required) if self.required > 0 else None

    @property
    def difference_after(self) -> float | None:
        if self.staff_after is None or self.required_after is None:
            return None
        return wisn_difference(self.staff_after, self.required_after)

    @property
    def ratio_after(self) -> float | None:
        if self.staff_after is None or not self.required_after:
            return None
        return wisn_ratio(self.staff_after, self.required_after)


def _percent(ratio: float) -> str:
    """The share of the required staff missing, in whole per cent with its sign ("32%"). The sign
    is outside the message ids, where Babel would take "% s" for a printf placeholder."""
    return decimal(pressure_percent(ratio), 0) + "%"


def pressure_text(ratio: float | None) -> str:
    """The manual's reading of a ratio, with the shortage as a share of the required staff."""
    if ratio is None:
        return _(NO_WORKLOAD)
    pressure = workload_pressure(ratio)
    if pressure is Pressure.SHORTAGE:
        return _("{reading} ({percent} short)").format(
            reading=pressure.reading, percent=_percent(ratio)
        )
    return pressure.reading


def pressure_word(ratio: float | None) -> str:
    """The reading of a ratio in a word, for a narrow table (the web page): shortage (with the
    share of the required staff missing), balanced or surplus."""
    if ratio is None:
        return _(NO_WORKLOAD)
    pressure = workload_pressure(ratio)
    if pressure is Pressure.SHORTAGE:
        return _("shortage ({percent} short)").format(percent=_percent(ratio))
    return _("balanced") if pressure is Pressure.BALANCED else _("surplus")


def wisn_rows(result: Result) -> list[WisnRow]:
    """Every unit-skill cell with staff or required staff, by group, unit and category: the
    result's skill rows (in wisn mode a cell's load is its required staff), as the Skills sheet
    and --json's `wisn` list them."""
    return [
        WisnRow(
            row.unit_id,
            row.name,
            row.group,
            row.skill,
            row.employees_before,
            row.load_before,
            row.employees_after if row.load_after is not None else None,
            row.load_after,
            row.hired,
        )
        for row in result.skill_rows()
    ]


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def wisn_sheet(ws: Worksheet, result: Result) -> None:
    """Lay out the WISN table and its chart on `ws`."""
    rows = wisn_rows(result)
    title(ws, 1, _("WISN: required staff and WISN ratio, before and after the plan"), span=10)
    note(
        ws,
        2,
        _(
            "Required = staff needed for the activities x CAF + IAF; difference = current - "
            "required; WISN ratio = current / required (below 1: shortage, the smaller the higher "
            "the workload pressure). The plan lifts the smallest WISN ratio. See docs/wisn.md."
        ),
        span=10,
    )
    columns = [
        Col(_("Unit / category")), Col(_("Unit ID")), Col(_("Group")), Col(_("Category")),
        Col(_("Current staff"), charts.PEOPLE), Col(_("Required"), STAFF_2),
        Col(_("Difference"), STAFF_2),
        Col(_("WISN ratio before"), STAFF_2), Col(_("WISN ratio after"), STAFF_2),
        Col(_("Staff after"), charts.PEOPLE), Col(_("Required after"), STAFF_2),
        Col(_("Difference after"), STAFF_2),
        Col(_("Pressure before")), Col(_("Pressure after")),
    ]  # fmt: skip
    table_rows = [
        [
            f"{r.unit} / {r.category}", r.unit_id, r.group, r.category, r.current, r.required,
            r.difference, _finite(r.ratio), _finite(r.ratio_after), r.staff_after,
            r.required_after, r.difference_after, pressure_text(r.ratio),
            pressure_text(r.ratio_after) if r.staff_after is not None else _("no plan"),
        ]
        for r in rows
    ]  # fmt: skip
    top = 4
    first, last = add_table(ws, "WisnTable", columns, table_rows, top=top, freeze="B5")
    if rows:
        chart = charts.before_after_chart(
            ws,
            title_text=_("WISN ratio per unit and category (1.00: staffing matches the workload)"),
            categories=(1, first, last),
            series=(8, top, last),
            horizontal=True,
            axis_title=_("WISN ratio"),
            number_format="0.00",
        )
        ws.add_chart(chart, f"A{last + 3}")
    fit_columns(ws, header_rows=(top,))
