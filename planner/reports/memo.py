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

from openpyxl.worksheet.worksheet import Worksheet

from planner.i18n import NP_, _, decimal, integer, ngettext, npgettext, pgettext
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
from planner.xlsx.writing import WRAP_TOP

__all__ = ["MEMO_SHEET", "memo_sheet", "recommendation", "to_decide"]

MEMO_SHEET = NP_("sheet", "Memo")
SPAN = 4  # the memo's columns: figure, before, after, in words
WIDTHS = {1: 30.0, 2: 11.0, 3: 11.0, 4: 40.0}  # about the 18 cm of a portrait A4 page
MAX_GROUP_ROWS = 8  # groups listed by name; beyond, the Summary has them
MAX_DECISIONS = 8
# The sentences of narrative.group_account the Memo takes from it: their msgids there, whose
# translations begin with the same words up to the first placeholder.
HELD_BACK = "Held back: {item.item}. Re-solved with that relaxed ({item.change}), {effect}."
STOPPED = (
    "The solver stopped at a gap of {g.gap:.1%}: no plan can go below {value1}, and a better plan "
    "than this one may exist."
)


def _opening(msgid: str) -> str:
    """The current language's words before the first placeholder of `msgid`."""
    return _(msgid).split("{", 1)[0]


def _c(value: float | None) -> str:
    if value is None:
        return _("n/a")
    return decimal(value, 2) if math.isfinite(value) else _("infinite (no staff)")


def _people(count: int) -> str:
    return ngettext("{count} employee", "{count} employees", count).format(count=integer(count))


def _services(count: float) -> str:
    if float(count).is_integer():
        whole = int(count)
        return ngettext("{count} service", "{count} services", whole).format(count=integer(whole))
    return ngettext("{count} service", "{count} services", 2).format(count=decimal(count, 2))


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
        return _(
            "No plan can be recommended: no group has a plan within its limits; the limits named "
            "under 'To decide' must change first."
        )
    if unplanned:
        return ngettext(
            "No complete plan can be recommended: {groups} has no plan within the limits (see "
            "'To decide'); the plans of the other groups are on the Summary.",
            "No complete plan can be recommended: {groups} have no plan within the limits (see "
            "'To decide'); the plans of the other groups are on the Summary.",
            len(unplanned),
        ).format(groups=join_names(unplanned))
    before, after = result.max_coefficient_before, result.max_coefficient_after
    moves = []
    if result.staff_moved:
        # Their own context: the words must fit the Memo's sentence, not the narrative's.
        moves.append(
            pgettext("recommendation", "moving {people}").format(people=_people(result.staff_moved))
        )
    if result.services_moved:
        moves.append(
            pgettext("recommendation", "reassigning {services}").format(
                services=_services(result.services_moved)
            )
        )
    hires = _hires(result)
    if hires:
        moves.append(npgettext("recommendation", "recruiting {count} new hire",
                               "recruiting {count} new hires", hires).format(
                                   count=integer(hires)))  # fmt: skip
    proof = ""
    if result.status is Status.FEASIBLE:
        proof = " " + _("The plan passes every check but is not proven the best (see Summary).")
    if not moves:
        return (
            _(
                "Recommended: keep the current allocation. No move within the limits lowers the "
                "highest coefficient ({value})."
            ).format(value=_c(before))
            + proof
        )
    overloaded = _("{after} unit(s) above the overload threshold instead of {before}").format(
        after=_overloaded(figures, True), before=_overloaded(figures, False)
    )
    if finite(before) and finite(after) and after < before * (1 - 1e-9):
        effect = _("lowers the highest coefficient from {before} to {after}").format(
            before=_c(before), after=_c(after)
        )
    else:
        effect = _("keeps the highest coefficient at {after}").format(after=_c(after))
    return (
        _("Recommended: adopt the plan. It {effect} by {moves}, and leaves {overloaded}.").format(
            effect=effect, moves=join_names(moves), overloaded=overloaded
        )
        + proof
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
        held_back, stopped = _opening(HELD_BACK), _opening(STOPPED)
        found = [s for s in account if s.startswith(held_back)]
        if not found:
            found = [
                _(
                    "No lock, headcount limit or move limit holds the highest coefficient up: the "
                    "staff and services themselves set it (see Sensitivity)."
                )
            ]
        found += [s for s in account if s.startswith(stopped)]
        sentences.extend(f"{g.group}: {s}" if several else s for s in found)
    if not_computed:
        sentences.append(
            _(
                "Not computed for {groups} (re-solves are made for groups proven optimal under "
                "minmax, unless switched off): see Sensitivity."
            ).format(groups=join_names(not_computed))
        )
    return sentences


def to_decide(result: Result) -> list[str]:
    """What the head of department must decide, one sentence each."""
    scenario = result.scenario
    decisions: list[str] = []
    for g in result.groups:
        if g.max_coefficient_after is None:
            why = g.explanation[0] if g.explanation else _("see Summary")
            decisions.append(
                _("Which limit of group '{group}' to relax: it has no plan. {why}").format(
                    group=g.group, why=why
                )
            )
    moved = [t for t in result.transfers if t.source != NEW_HIRES]
    if moved:
        units = {t.source for t in moved} | {t.target for t in moved}
        decisions.append(_(
            "Approve the transfer of {people} in {transfers} transfer(s) between {units} units "
            "(Transfers sheet)."
        ).format(people=_people(sum(t.employees for t in moved)), transfers=len(moved),
                 units=len(units)))  # fmt: skip
    if result.reassignments:
        decisions.append(
            _(
                "Approve the reassignment of {services} to other units (Reassignments sheet)."
            ).format(services=_services(result.services_moved))
        )
    hires = _hires(result)
    if hires:
        decisions.append(
            _("Approve the recruitment of {count} new hire(s).").format(count=integer(hires))
        )
    for u in _halved(result):
        decisions.append(_(
            "Whether {unit} may lose more than half its staff ({before} -> {after}): a "
            "restructuring, not only a staffing decision."
        ).format(unit=unit_label(scenario, u.unit_id), before=integer(u.employees_before),
                 after=integer(u.employees_after)))  # fmt: skip
    for g in result.groups:
        for item in g.sensitivity:
            after = item.max_coefficient_after_change
            if item.kind == "binding unit" or after is None:
                continue
            if after < item.max_coefficient_now * (1 - 1e-9):
                decisions.append(_(
                    "Whether to relax {item} ({change}): the highest coefficient would be "
                    "{after} instead of {now}."
                ).format(item=item.item, change=item.change, after=_c(after),
                         now=_c(item.max_coefficient_now)))  # fmt: skip
    if not decisions:
        decisions.append(_("Nothing to approve: the plan keeps the current allocation."))
    if len(decisions) > MAX_DECISIONS:
        rest = len(decisions) - MAX_DECISIONS + 1
        decisions = [
            *decisions[: MAX_DECISIONS - 1],
            _("{count} more (see Summary and Sensitivity).").format(count=rest),
        ]
    return decisions


def _figure_rows(result: Result, figures: Figures) -> list[list[object]]:
    before, after = result.max_coefficient_before, result.max_coefficient_after
    change = after - before if finite(before) and finite(after) else None
    cells = [f.highest_after for f in figures.groups.values() if f.highest_after is not None]
    top = max(cells, key=lambda c: c.coefficient, default=None)
    whose = ""
    if top is not None and after is not None:
        whose = _("after the plan: {unit} ({skill} staff)").format(
            unit=unit_label(result.scenario, top.unit_id), skill=top.skill
        )
    employees = sum(g.employees for g in result.groups)
    planned = all(g.max_coefficient_after is not None for g in result.groups)
    return [
        [_("Highest coefficient"), charts.plain(before), charts.plain(after), whose],
        [_("Units above the overload threshold"), _overloaded(figures, False),
         _overloaded(figures, True) if planned else None,
         _("more than {margin} above their group mean").format(
             margin=f"{result.scenario.settings.overload_margin:.0%}")],
        [_("Employees"), employees, employees + _hires(result), _("staff are moved, not cut")],
        [_("Staff moved"), None, result.staff_moved,
         _("of {count} employees").format(count=integer(employees))],
        [_("Services moved"), None, result.services_moved,
         _("of {count}").format(count=integer(len(result.scenario.services)))],
        [_("New hires"), None, _hires(result), ""],
        [_("Units losing more than half their staff"), None, len(_halved(result)), ""],
        [_("Change in the highest coefficient"), None, change,
         _("negative: the worst load falls")],
    ]  # fmt: skip


def memo_sheet(ws: Worksheet, result: Result, figures: Figures) -> None:
    """Write the Memo sheet (one portrait A4 page)."""
    for column, width in WIDTHS.items():
        ws.column_dimensions[chr(64 + column)].width = width
    title(ws, 1, _("Memo: workload plan for {name}").format(name=result.scenario.name), span=SPAN)
    solved = result.report.solved_at.replace("T", " ").replace("+00:00", " UTC")
    row = note(ws, 2, _("For the head of department. Solved {solved}; every figure is on the "
               "Summary, the plan itself on Transfers and Reassignments.").format(solved=solved),
               span=SPAN)  # fmt: skip

    row += 1
    title(ws, row, _("Recommendation"), size="section", span=SPAN)
    prose(ws, row + 1, recommendation(result, figures), span=SPAN).font = charts.TOTAL_FONT
    row += 3

    title(ws, row, _("Headline figures"), size="section", span=SPAN)
    row += 1
    columns = [
        Col(_("Figure")),
        Col(_("Before"), COEFFICIENT),
        Col(_("After"), COEFFICIENT),
        Col(_("Note")),
    ]
    figure_rows = _figure_rows(result, figures)
    _first, last = add_table(ws, "MemoFigures", columns, figure_rows, top=row)
    formats = [COEFFICIENT, PEOPLE, PEOPLE, PEOPLE, PEOPLE, PEOPLE, PEOPLE, COEFFICIENT_CHANGE]
    if result.scenario.settings.split_services:
        formats[4] = charts.FRACTION_COUNT
    for offset, number_format in enumerate(formats, start=row + 1):
        for column in (2, 3):
            cell = ws.cell(row=offset, column=column)
            if isinstance(cell.value, int | float):
                cell.number_format = number_format
        ws.cell(row=offset, column=4).alignment = WRAP_TOP
    row = last + 2

    groups = result.groups
    if len(groups) > 1:
        title(ws, row, _("Per group"), size="section", span=SPAN)
        row += 1
        group_columns = [
            Col(_("Group")), Col(_("Highest before"), COEFFICIENT), Col(_("Highest after"), COEFFICIENT),
            Col(_("Moved"), comment=_("Staff moved; services moved")),
        ]  # fmt: skip
        group_rows = [
            [g.group, charts.plain(g.max_coefficient_before), charts.plain(g.max_coefficient_after),
             _("no plan") if g.max_coefficient_after is None
             else f"{_people(g.staff_moved)}; {_services(g.services_moved)}"]
            for g in groups[:MAX_GROUP_ROWS]
        ]  # fmt: skip
        _first, last = add_table(ws, "MemoGroups", group_columns, group_rows, top=row)
        row = last + 1
        if len(groups) > MAX_GROUP_ROWS:
            row = note(ws, row, _("{count} more groups: see Summary.").format(
                count=len(groups) - MAX_GROUP_ROWS), span=SPAN)  # fmt: skip
        row += 1

    title(ws, row, _("What holds the plan back"), size="section", span=SPAN)
    row += 1
    for sentence in _held_back_sentences(result, figures) or [
        _("Nothing: every group is at its best.")
    ]:
        prose(ws, row, sentence, span=SPAN)
        row += 1
    row += 1

    title(ws, row, _("To decide"), size="section", span=SPAN)
    row += 1
    for number, sentence in enumerate(to_decide(result), start=1):
        prose(ws, row, f"{number}. {sentence}", span=SPAN)
        row += 1
    row += 1
    for line in (_("Decision:  approved  /  approved with changes  /  not approved"),
                 _("Name, signature and date:")):  # fmt: skip
        write(ws.cell(row=row, column=1), line).font = charts.TOTAL_FONT
        ws.row_dimensions[row].height = 28.0
        row += 1
    size_prose_rows(ws)
    charts.size_wrapped_rows(ws)
    print_sheet(ws, portrait=True, one_page=True)
