"""The Memo sheet of the result workbook: one printed page for the head of department.

The recommendation in one sentence, the headline figures before and after (the highest
coefficient and whose it is, the overloaded units, staff and services moved, new hires), what
holds the plan back (the sentences of planner.reports.narrative, from the re-solves of the
Sensitivity sheet) and what must be decided, with a line to sign. Everything comes from the Result
and its Figures; nothing is re-solved. It is the second sheet, after the Summary: the Summary is
the planner's full account, the Memo the page that goes up for decision.
"""

from __future__ import annotations

import math

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from planner.reports import charts
from planner.reports.charts import (
    COEFFICIENT,
    COEFFICIENT_CHANGE,
    PEOPLE,
    Col,
    add_table,
    note,
    print_sheet,
    prose,
    size_prose_rows,
    title,
    write,
)
from planner.reports.figures import Figures, finite
from planner.reports.narrative import group_account, join_names, unit_label
from planner.result import NEW_HIRES, Result, Status

__all__ = ["MEMO_SHEET", "memo_sheet", "recommendation", "to_decide"]

MEMO_SHEET = "Memo"
SPAN = 4  # the memo's columns: figure, before, after, in words
WIDTHS = {1: 30.0, 2: 11.0, 3: 11.0, 4: 40.0}  # about the 18 cm of a portrait A4 page
MAX_GROUP_ROWS = 8  # groups listed by name; beyond, the Summary has them
MAX_DECISIONS = 8
# How narrative.group_account begins the sentences the Memo takes from it.
HELD_BACK = "Held back: "
STOPPED = "The solver stopped at a gap"


def _c(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2f}" if math.isfinite(value) else "infinite (no staff)"


def _people(count: int) -> str:
    return f"{count:,} employee{'s' if count != 1 else ''}"


def _services(count: float) -> str:
    shown = f"{int(count):,}" if float(count).is_integer() else f"{count:,.2f}"
    return f"{shown} service{'s' if count != 1 else ''}"


def _overloaded(figures: Figures, after: bool) -> int:
    return sum(len(f.overloaded_after if after else f.overloaded_before)
               for f in figures.groups.values())  # fmt: skip


def _hires(result: Result) -> int:
    return sum(t.employees for t in result.transfers if t.source == NEW_HIRES)


def _halved(result: Result) -> list:
    """Units that lose more than half their staff (the Summary names each of them too)."""
    planned = {g.group for g in result.groups if g.max_coefficient_after is not None}
    rows = [
        u for u in result.units
        if u.group in planned and u.employees_before > 0
        and u.employees_after * 2 < u.employees_before
    ]  # fmt: skip
    return sorted(rows, key=lambda u: (u.employees_after / u.employees_before, u.unit_id))


def recommendation(result: Result, figures: Figures) -> str:
    """The recommendation in one sentence."""
    unplanned = [g.group for g in result.groups if g.max_coefficient_after is None]
    if unplanned and len(unplanned) == len(result.groups):
        return (
            "No plan can be recommended: no group has a plan within its limits; the limits named "
            "under 'To decide' must change first."
        )
    if unplanned:
        return (
            f"No complete plan can be recommended: {join_names(unplanned)} "
            f"{'has' if len(unplanned) == 1 else 'have'} no plan within the limits (see 'To "
            "decide'); the plans of the other groups are on the Summary."
        )
    before, after = result.max_coefficient_before, result.max_coefficient_after
    moves = []
    if result.staff_moved:
        moves.append(f"moving {_people(result.staff_moved)}")
    if result.services_moved:
        moves.append(f"reassigning {_services(result.services_moved)}")
    hires = _hires(result)
    if hires:
        moves.append(f"recruiting {hires:,} new hire{'s' if hires != 1 else ''}")
    proof = ""
    if result.status is Status.FEASIBLE:
        proof = " The plan passes every check but is not proven the best (see Summary)."
    if not moves:
        return (
            f"Recommended: keep the current allocation. No move within the limits lowers the "
            f"highest coefficient ({_c(before)}).{proof}"
        )
    overloaded = f"{_overloaded(figures, True)} unit(s) above the overload threshold instead of "
    overloaded += f"{_overloaded(figures, False)}"
    if finite(before) and finite(after) and after < before * (1 - 1e-9):
        effect = f"lowers the highest coefficient from {_c(before)} to {_c(after)}"
    else:
        effect = f"keeps the highest coefficient at {_c(after)}"
    return (
        f"Recommended: adopt the plan. It {effect} by {join_names(moves)}, and leaves "
        f"{overloaded}.{proof}"
    )


def _held_back_sentences(result: Result, figures: Figures) -> list[str]:
    """What holds each group's maximum up, in the words of the Summary's account."""
    sentences: list[str] = []
    several = len(result.groups) > 1
    not_computed = []
    for g in result.groups:
        if g.max_coefficient_after is None:
            continue
        if not g.sensitivity:
            not_computed.append(g.group)
            continue
        # The Summary's account of the group, in its own words: the rules that hold the maximum
        # up, and the solver's gap when the proof stopped.
        account = group_account(result, g.group, figures.groups[g.group])
        found = [s for s in account if s.startswith(HELD_BACK)]
        if not found:
            found = [
                "No lock, headcount limit or move limit holds the highest coefficient up: the "
                "staff and services themselves set it (see Sensitivity)."
            ]
        found += [s for s in account if s.startswith(STOPPED)]
        sentences.extend(f"{g.group}: {s}" if several else s for s in found)
    if not_computed:
        sentences.append(
            f"Not computed for {join_names(not_computed)} (re-solves are made for groups proven "
            "optimal under minmax, unless switched off): see Sensitivity."
        )
    return sentences


def to_decide(result: Result) -> list[str]:
    """What the head of department must decide, one sentence each."""
    scenario = result.scenario
    decisions: list[str] = []
    for g in result.groups:
        if g.max_coefficient_after is None:
            why = g.explanation[0] if g.explanation else "see Summary"
            decisions.append(f"Which limit of group '{g.group}' to relax: it has no plan. {why}")
    moved = [t for t in result.transfers if t.source != NEW_HIRES]
    if moved:
        units = {t.source for t in moved} | {t.target for t in moved}
        decisions.append(
            f"Approve the transfer of {_people(sum(t.employees for t in moved))} in "
            f"{len(moved)} transfer(s) between {len(units)} units (Transfers sheet)."
        )
    if result.reassignments:
        decisions.append(
            f"Approve the reassignment of {_services(result.services_moved)} to other units "
            "(Reassignments sheet)."
        )
    hires = _hires(result)
    if hires:
        decisions.append(f"Approve the recruitment of {hires:,} new hire(s).")
    for u in _halved(result):
        decisions.append(
            f"Whether {unit_label(scenario, u.unit_id)} may lose more than half its staff "
            f"({u.employees_before:,} -> {u.employees_after:,}): a restructuring, not only a "
            "staffing decision."
        )
    for g in result.groups:
        for item in g.sensitivity:
            after = item.max_coefficient_after_change
            if item.kind == "binding unit" or after is None:
                continue
            if after < item.max_coefficient_now * (1 - 1e-9):
                decisions.append(
                    f"Whether to relax {item.item} ({item.change}): the highest coefficient would "
                    f"be {_c(after)} instead of {_c(item.max_coefficient_now)}."
                )
    if not decisions:
        decisions.append("Nothing to approve: the plan keeps the current allocation.")
    if len(decisions) > MAX_DECISIONS:
        rest = len(decisions) - MAX_DECISIONS + 1
        decisions = [*decisions[: MAX_DECISIONS - 1], f"{rest} more (see Summary and Sensitivity)."]
    return decisions


def _figure_rows(result: Result, figures: Figures) -> list[list[object]]:
    before, after = result.max_coefficient_before, result.max_coefficient_after
    change = after - before if finite(before) and finite(after) else None
    cells = [f.highest_after for f in figures.groups.values() if f.highest_after is not None]
    top = max(cells, key=lambda c: c.coefficient, default=None)
    whose = ""
    if top is not None and after is not None:
        whose = f"after the plan: {unit_label(result.scenario, top.unit_id)} ({top.skill} staff)"
    employees = sum(g.employees for g in result.groups)
    planned = all(g.max_coefficient_after is not None for g in result.groups)
    return [
        ["Highest coefficient", charts.plain(before), charts.plain(after), whose],
        ["Units above the overload threshold", _overloaded(figures, False),
         _overloaded(figures, True) if planned else None,
         f"more than {result.scenario.settings.overload_margin:.0%} above their group mean"],
        ["Employees", employees, employees + _hires(result), "staff are moved, not cut"],
        ["Staff moved", None, result.staff_moved, f"of {employees:,} employees"],
        ["Services moved", None, result.services_moved, f"of {len(result.scenario.services):,}"],
        ["New hires", None, _hires(result), ""],
        ["Units losing more than half their staff", None, len(_halved(result)), ""],
        ["Change in the highest coefficient", None, change, "negative: the worst load falls"],
    ]  # fmt: skip


def memo_sheet(ws: Worksheet, result: Result, figures: Figures) -> None:
    """Write the Memo sheet (one portrait A4 page)."""
    for column, width in WIDTHS.items():
        ws.column_dimensions[chr(64 + column)].width = width
    title(ws, 1, f"Memo: workload plan for {result.scenario.name}", span=SPAN)
    solved = result.report.solved_at.replace("T", " ").replace("+00:00", " UTC")
    row = note(ws, 2, f"For the head of department. Solved {solved}; every figure is on the "
               "Summary, the plan itself on Transfers and Reassignments.", span=SPAN)  # fmt: skip

    row += 1
    title(ws, row, "Recommendation", size="section", span=SPAN)
    prose(ws, row + 1, recommendation(result, figures), span=SPAN).font = charts.TOTAL_FONT
    row += 3

    title(ws, row, "Headline figures", size="section", span=SPAN)
    row += 1
    columns = [Col("Figure"), Col("Before", COEFFICIENT), Col("After", COEFFICIENT), Col("Note")]
    figure_rows = _figure_rows(result, figures)
    _, last = add_table(ws, "MemoFigures", columns, figure_rows, top=row)
    formats = [COEFFICIENT, PEOPLE, PEOPLE, PEOPLE, PEOPLE, PEOPLE, PEOPLE, COEFFICIENT_CHANGE]
    if result.scenario.settings.split_services:
        formats[4] = charts.FRACTION_COUNT
    for offset, number_format in enumerate(formats, start=row + 1):
        for column in (2, 3):
            cell = ws.cell(row=offset, column=column)
            if isinstance(cell.value, int | float):
                cell.number_format = number_format
        ws.cell(row=offset, column=4).alignment = Alignment(wrap_text=True, vertical="top")
    row = last + 2

    groups = result.groups
    if len(groups) > 1:
        title(ws, row, "Per group", size="section", span=SPAN)
        row += 1
        group_columns = [
            Col("Group"), Col("Highest before", COEFFICIENT), Col("Highest after", COEFFICIENT),
            Col("Moved", comment="Staff moved; services moved"),
        ]  # fmt: skip
        group_rows = [
            [g.group, charts.plain(g.max_coefficient_before), charts.plain(g.max_coefficient_after),
             "no plan" if g.max_coefficient_after is None
             else f"{_people(g.staff_moved)}; {_services(g.services_moved)}"]
            for g in groups[:MAX_GROUP_ROWS]
        ]  # fmt: skip
        _, last = add_table(ws, "MemoGroups", group_columns, group_rows, top=row)
        row = last + 1
        if len(groups) > MAX_GROUP_ROWS:
            row = note(ws, row, f"{len(groups) - MAX_GROUP_ROWS} more groups: see Summary.",
                       span=SPAN)  # fmt: skip
        row += 1

    title(ws, row, "What holds the plan back", size="section", span=SPAN)
    row += 1
    for sentence in _held_back_sentences(result, figures) or [
        "Nothing: every group is at its best."
    ]:
        prose(ws, row, sentence, span=SPAN)
        row += 1
    row += 1

    title(ws, row, "To decide", size="section", span=SPAN)
    row += 1
    for number, sentence in enumerate(to_decide(result), start=1):
        prose(ws, row, f"{number}. {sentence}", span=SPAN)
        row += 1
    row += 1
    for line in ("Decision:  approved  /  approved with changes  /  not approved",
                 "Name, signature and date:"):  # fmt: skip
        write(ws.cell(row=row, column=1), line).font = charts.TOTAL_FONT
        ws.row_dimensions[row].height = 28.0
        row += 1
    size_prose_rows(ws)
    charts.size_wrapped_rows(ws)
    print_sheet(ws, portrait=True, one_page=True)
