"""The `Hires` sheet of the result workbook (coefficient wisn with the `wisn target` setting): the
fewest new hires that bring every WISN ratio to at least the target (planner.studies.wisn_hires),
per unit and staff category with the WISN ratio before hiring and after, the total, and whether
the count is proven fewest, and if not, why not.

Every figure comes from the HiresPlan and its solved plan (a Result whose scenario carries the
hires); the reason is planner.reports.terminal.proof_text, the sentence `planner solve` prints and
the web workspace shows.
"""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from planner.i18n import NP_, _, decimal
from planner.reports import charts
from planner.reports.charts import Col, add_table, fit_columns, note, prose, title, total_row
from planner.reports.terminal import proof_text
from planner.reports.wisn_sheet import STAFF_2, WisnRow, wisn_rows
from planner.result import Result
from planner.studies.wisn_hires import HiresPlan

__all__ = ["HIRES_SHEET", "hires_rows", "hires_sheet"]

HIRES_SHEET = NP_("sheet", "Hires")
TABLE_TOP = 9  # the header row of the table (the key figures and the reason above it)


def hires_rows(plan: HiresPlan, result: Result) -> list[WisnRow]:
    """Every unit-skill cell, before hiring and after the plan with the hires: the rows of the
    plan with hires (its `current` is the staff before hiring); without such a plan, the rows of
    `result` (no hires, no after)."""
    if plan.result is not None:
        return wisn_rows(plan.result)
    hired = {(h.unit_id, h.skill): h.employees for h in plan.hires}
    return [
        WisnRow(r.unit_id, r.unit, r.group, r.category, r.current, r.required, None, None,
                hired.get((r.unit_id, r.category), 0))
        for r in wisn_rows(result)
    ]  # fmt: skip


def hires_sheet(ws: Worksheet, plan: HiresPlan, result: Result) -> None:
    """Lay out the fewest hires on `ws`: key figures, the reason, the table and its total."""
    target = decimal(plan.target, 2)
    title(ws, 1, _("Hires: the fewest new staff for a WISN ratio of at least {target} in every "
                   "cell").format(target=target), span=10)  # fmt: skip
    note(
        ws,
        2,
        _(
            "A cell with a WISN ratio of at least the target has at least target x required "
            "staff, so each pool of cells that can share staff needs the sum of ceil(target x "
            "required): the lower bound. The hires are placed where the shortfall is largest and a "
            "plan is solved with them. See docs/wisn.md."
        ),
        span=10,
    )
    key_figures = [
        (_("Target WISN ratio"), plan.target, STAFF_2),
        (_("Hires"), plan.total, charts.PEOPLE),
        (_("Lower bound"), plan.lower_bound, charts.PEOPLE),
        (_("Proven fewest"), _("yes") if plan.proven else _("no"), None),
        (_("Smallest WISN ratio with the hires"), plan.smallest_ratio, STAFF_2),
    ]
    for offset, (label, value, number_format) in enumerate(key_figures):
        charts.write(ws.cell(row=3 + offset, column=1), label).font = charts.TOTAL_FONT
        charts.write(ws.cell(row=3 + offset, column=2), value, number_format)
    prose(ws, 8, proof_text(plan), span=10)
    columns = [
        Col(_("Unit / category")), Col(_("Unit ID")), Col(_("Group")), Col(_("Category")),
        Col(_("Current staff"), charts.PEOPLE), Col(_("Required"), STAFF_2),
        Col(_("WISN ratio before"), STAFF_2), Col(_("Hires"), charts.PEOPLE),
        Col(_("Staff after"), charts.PEOPLE), Col(_("WISN ratio after"), STAFF_2),
    ]  # fmt: skip
    rows = hires_rows(plan, result)
    table_rows = [
        [f"{r.unit} / {r.category}", r.unit_id, r.group, r.category, r.current, r.required,
         charts.plain(r.ratio), r.hired, r.staff_after, charts.plain(r.ratio_after)]
        for r in rows
    ]  # fmt: skip
    last = add_table(ws, "HiresTable", columns, table_rows, top=TABLE_TOP, freeze="B10")[1]
    after = [r.staff_after for r in rows]
    total_row(ws, last + 1, 1, [
        _("Total"), None, None, None, sum(r.current for r in rows),
        sum(r.required for r in rows), None, plan.total,
        None if None in after else sum(a for a in after if a is not None), None,
    ], [c.number_format for c in columns])  # fmt: skip
    fit_columns(ws, header_rows=(TABLE_TOP,))
