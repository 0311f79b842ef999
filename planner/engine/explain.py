"""Why a group has no plan, in plain words naming the rows that conflict.

Two passes. First, arithmetic a planner can check by hand (minimums that add up to more staff than
the group has, a skill that no employee of the group has). Then an elastic version of the model: every
rule a planner sets (Min/Max employees, Max moves, Locked, move limits, "load needs staff of its skill")
gets a penalised slack; conservation of staff and "every service delivered once" never give. The
smallest set of rules that must give is found with one binary per rule, and each is reported with the
workbook row it came from.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from planner.domain import SolverName, Unit
from planner.engine.group import GroupData
from planner.engine.model import RowFamily, build_group_model
from planner.engine.solvers import RunStatus, make_backend
from planner.i18n import _, decimal, integer, ngettext, pgettext

MAX_ALTERNATIVES = 3  # equally small sets of rules that must give, named as alternatives
STRANDED_COST = 1000.0  # a stranded service gives only when no set of planner rules would do
RELAXABLE = (
    RowFamily.HEADCOUNT,
    RowFamily.KEEP_STAFF,
    RowFamily.KEEP_SKILL,
    RowFamily.UNIT_MOVES,
    RowFamily.STAFF_BUDGET,
    RowFamily.SERVICE_BUDGET,
    RowFamily.LOAD,
    RowFamily.DECISION,
    RowFamily.DISTANCE,
)


def _where(unit: Unit, column: str) -> str:
    return (
        _("Units row {unit.row}, {column}").format(unit=unit, column=column)
        if unit.row
        else _("unit {unit_id}, {column}").format(unit_id=unit.unit_id, column=column)
    )


def _names(items: list[str], limit: int = 6) -> str:
    shown = ", ".join(items[:limit])
    return shown + (
        _(" and {value1} more").format(value1=len(items) - limit) if len(items) > limit else ""
    )


def structural_reasons(data: GroupData) -> list[str]:
    """Conflicts visible from totals alone."""
    reasons = []
    g = data.group
    totals = data.start.sum(axis=0)
    total_staff = int(totals.sum())
    for k, skill in enumerate(data.skills):
        if totals[k] == 0:
            needing = [s.service_id for i, s in enumerate(data.services)
                       if data.service_skill[i] == k and data.weight[i] > 0]  # fmt: skip
            if needing:
                reasons.append(
                    _(
                        "group {g}: services {value1} need staff with skill '{skill}', and no employee of the group has it"
                    ).format(g=g, value1=_names(needing), skill=skill)
                )
    minimums = [(u, u.min_employees) for u in data.units if u.min_employees > 0]
    if sum(m for _, m in minimums) > total_staff:
        listed = [f"{u.label} ({m})" for u, m in minimums]
        if len(minimums) == 1:
            unit, minimum = minimums[0]
            reasons.append(
                _(
                    "group {g}: Min employees of {unit.label} ({minimum:,}) is more than the {total_staff:,} employees the group has"
                ).format(g=g, unit=unit, minimum=minimum, total_staff=total_staff)
            )
        else:
            reasons.append(
                _(
                    "group {g}: Min employees of {value1} add up to {value2:,} but the group has {total_staff:,} employees"
                ).format(
                    g=g,
                    value1=_names(listed),
                    value2=sum(m for _, m in minimums),
                    total_staff=total_staff,
                )
            )
    caps = [u.max_employees for u in data.units]
    if data.units and all(cap is not None for cap in caps):
        capacity = sum(cap for cap in caps if cap is not None)
        if capacity < total_staff:
            reasons.append(
                _(
                    "group {g}: Max employees of its units add up to {capacity:,} but its {total_staff:,} employees must all be placed"
                ).format(g=g, capacity=capacity, total_staff=total_staff)
            )
    return reasons


def elastic_reasons(data: GroupData, time_limit: float = 20.0) -> list[str]:
    """The smallest set of planner-set rules that must give for a plan to exist, with amounts."""
    settings = data.settings
    # Locks and "allow staff moves = no" become Max moves = 0 rows, so that they too can give.
    frozen = {u.unit_id for u in data.units if u.locked or not settings.allow_staff_moves}
    relaxed_units = tuple(
        dataclasses.replace(u, locked=False, max_moves=0) if u.unit_id in frozen else u
        for u in data.units
    )
    relaxed = dataclasses.replace(
        data,
        units=relaxed_units,
        settings=dataclasses.replace(settings, allow_staff_moves=True),
    )
    group_model = build_group_model(relaxed, elastic=True)
    model = group_model.model
    slack_rows: list[tuple[int, int, str]] = []  # (row, slack column, "below"/"above")
    for row, name in enumerate(list(model.row_names)):
        if model.row_family[row] not in RELAXABLE:
            continue
        for side, sign, finite in (("below", 1.0, model.row_lower[row]),
                                   ("above", -1.0, model.row_upper[row])):  # fmt: skip
            if np.isfinite(finite):
                col = model.add_col(f"give_{side}[{name}]", 0.0, np.inf)
                model.entry_row.append(row)
                model.entry_col.append(col)
                model.entry_value.append(sign)
                slack_rows.append((row, col, side))
    if not slack_rows:
        return []
    # One switch per rule: a slack can only be used when its rule is switched to "gives".
    switch_of: dict[int, int] = {}
    # A decision may be several rows (a pinned transfer: its sender and its receiver): one rule,
    # so one switch for all of them.
    switch_of_rule: dict[object, int] = {}
    # Rows count employees, moves or (load rows, scaled to at most 1) a fraction of a cell's load.
    big = float(data.start.sum() + len(data.services) + 1.0) * 10
    for row, col, _kind in slack_rows:
        if row not in switch_of:
            rule = ("decision", model.row_decisions[row]) if row in model.row_decisions else row
            if rule not in switch_of_rule:
                switch_of_rule[rule] = model.add_col(
                    f"gives[{model.row_names[row]}]", 0.0, 1.0, integer=True
                )
            switch_of[row] = switch_of_rule[rule]
        model.add_row(f"switch[{col}]", [col, switch_of[row]], [1.0, -big], -np.inf, 0.0)
    backend = make_backend(model, SolverName.HIGHS)
    costs = np.zeros(model.num_cols)
    for _row, col, _kind in slack_rows:
        costs[col] = 1e-4  # among the smallest sets, the smallest amounts
    for row, switch in switch_of.items():
        # "Load needs staff of its skill" gives last: a lock or a limit is a planner's choice,
        # a service without staff is not, so name any set of choices before a stranded service.
        costs[switch] = STRANDED_COST if model.row_family[row] is RowFamily.LOAD else 1.0
    backend.set_objective(costs)
    reasons: list[str] = []
    first_cost = None
    # Several sets of rules may be equally small (lower a Min, or unlock the unit that holds the
    # staff): name each of them, up to MAX_ALTERNATIVES, each new one excluded by a cut.
    for attempt in range(MAX_ALTERNATIVES):
        run = backend.solve(time_limit=time_limit)
        if run.status not in (RunStatus.OPTIMAL, RunStatus.FEASIBLE) or run.values is None:
            break
        switch_cost = sum(costs[c] for c in set(switch_of.values()) if run.values[c] > 0.5)
        if first_cost is not None and switch_cost > first_cost + 0.5:
            break
        first_cost = switch_cost if first_cost is None else first_cost
        lines = list(dict.fromkeys(
            _describe(data, model, row, side, float(run.values[col]), frozen)
            for row, col, side in slack_rows
            if run.values[col] > 1e-6
        ))  # fmt: skip
        if attempt > 0:
            lines = [_("or instead: {line}").format(line=line) for line in lines]
        reasons.extend(lines)
        used = sorted({c for c in switch_of.values() if run.values[c] > 0.5})
        if not used:
            break
        backend.add_row(f"not_again[{attempt}]", used, [1.0] * len(used), -np.inf, len(used) - 1.0)
    return reasons


def _number(amount: float) -> str:
    """'3', '1,200' or '2.50' (in the current language: '1 200', '2,50')."""
    whole = abs(amount - round(amount)) < 1e-6
    return integer(round(amount)) if whole else decimal(amount, 2)


def _n(amount: float) -> int:
    """The count whose plural form an amount takes: itself when whole, else a fraction's (2)."""
    return round(amount) if abs(amount - round(amount)) < 1e-6 else 2


def _count(amount: float, words: str) -> str:
    """'1 employee', '3 employees', '2.50 employees': `words` is the ngettext form of _n(amount)."""
    return words.format(count=_number(amount))


def _describe(data: GroupData, model, row: int, side: str, amount: float, frozen) -> str:
    family = model.row_family[row]
    unit = data.units[model.row_unit[row]] if model.row_unit[row] >= 0 else None
    skill = data.skills[model.row_skill[row]] if model.row_skill[row] >= 0 else None
    g = data.group
    if family is RowFamily.HEADCOUNT and unit is not None:
        if side == "below":
            return _(
                "{value1}: {unit.label} needs at least {value2}; {value3} of them cannot be brought in by any allowed move"
            ).format(
                value1=_where(unit, pgettext("header", "Min employees")),
                unit=unit,
                value2=_count(
                    unit.min_employees,
                    ngettext("{count} employee", "{count} employees", _n(unit.min_employees)),
                ),
                value3=_number(amount),
            )
        return _(
            "{value1}: {unit.label} may have at most {value2}, but {value3} nowhere else to go in group {g}"
        ).format(
            value1=_where(unit, pgettext("header", "Max employees")),
            unit=unit,
            value2=_count(
                unit.max_employees,
                ngettext("{count} employee", "{count} employees", _n(unit.max_employees)),
            ),
            value3=_count(amount, ngettext("{count} more has", "{count} more have", _n(amount))),
            g=g,
        )
    if family is RowFamily.KEEP_STAFF and unit is not None:
        _kept, totals = data.staff_kept()
        share = data.settings.keep_staff_share
        return _(
            "Settings, keep staff share = {share:g}: {unit.label} keeps at least {value1} of its {value2:,}, but a plan needs {value3} to leave"
        ).format(
            share=share,
            unit=unit,
            value1=_count(
                totals[model.row_unit[row]],
                ngettext("{count} employee", "{count} employees", _n(totals[model.row_unit[row]])),
            ),
            value2=int(data.start[model.row_unit[row]].sum()),
            value3=_count(amount, ngettext("{count} more", "{count} more", _n(amount))),
        )
    if family is RowFamily.KEEP_SKILL and unit is not None:
        share = data.settings.keep_staff_share
        return _(
            "Settings, keep staff share = {share:g}: {unit.label} keeps one {skill} for its own {skill} services, but a plan needs it to leave"
        ).format(share=share, unit=unit, skill=skill)
    if family is RowFamily.UNIT_MOVES and unit is not None:
        moving = _count(amount, ngettext("{count} employee", "{count} employees", _n(amount)))
        if unit.unit_id in frozen and unit.locked:
            return _(
                "{value1}: {unit.label} is locked, but a plan needs {moving} to move in or out of it"
            ).format(value1=_where(unit, pgettext("header", "Locked")), unit=unit, moving=moving)
        if unit.unit_id in frozen:
            return _(
                "Settings, allow staff moves = no: {unit.label} needs {moving} to move in or out"
            ).format(unit=unit, moving=moving)
        return _("{value1}: {unit.label} allows {value2}, but a plan needs {value3}").format(
            value1=_where(unit, pgettext("header", "Max moves")),
            unit=unit,
            value2=_count(
                unit.max_moves, ngettext("{count} move", "{count} moves", _n(unit.max_moves))
            ),
            value3=_count(amount, ngettext("{count} more", "{count} more", _n(amount))),
        )
    if family is RowFamily.STAFF_BUDGET:
        return _(
            "Settings, max staff moves = {data.settings.max_staff_moves:,}: group {g} needs {value1}"
        ).format(
            data=data,
            g=g,
            value1=_count(
                amount, ngettext("{count} more staff move", "{count} more staff moves", _n(amount))
            ),
        )
    if family is RowFamily.SERVICE_BUDGET:
        return _(
            "Settings, max service moves = {data.settings.max_service_moves:,}: group {g} needs {value1}"
        ).format(
            data=data,
            g=g,
            value1=_count(
                amount,
                ngettext("{count} more service move", "{count} more service moves", _n(amount)),
            ),
        )
    if family is RowFamily.DISTANCE and unit is not None:
        a, b = model.row_pairs[row]
        to_unit = data.units[b]
        distance = data.distance[a, b] if data.distance is not None else np.inf
        longest = data.settings.longest_transfer
        employees = _count(amount, ngettext("{count} employee", "{count} employees", _n(amount)))
        if np.isfinite(distance):
            # a pair with a distance is closed only by the longest transfer setting
            assert longest is not None
            return _(
                "Settings, longest transfer = {longest}: {source} -> {target} is {distance}, but "
                "a plan needs {employees} of skill {skill} to go that way"
            ).format(
                longest=_number(longest), source=unit.label, target=to_unit.label,
                distance=_number(distance), employees=employees, skill=skill,
            )  # fmt: skip
        return _(
            "Distances: no distance from {source} to {target} is given, so no transfer may go "
            "that way, but a plan needs {employees} of skill {skill} to"
        ).format(source=unit.label, target=to_unit.label, employees=employees, skill=skill)
    if family is RowFamily.DECISION:
        decisions = [data.decisions[i] for i in model.row_decisions.get(row, ())]
        named = "; ".join(f"{d.source}: {d.label}" for d in decisions) or model.row_names[row]
        return _(
            "{named}: the decision cannot be kept together with the other rules of group {g}"
        ).format(named=named, g=g)
    if family is RowFamily.LOAD and unit is not None:
        held = [
            s.service_id
            for i, s in enumerate(data.services)
            if data.units[data.service_unit[i]].unit_id == unit.unit_id and s.skill == skill
        ]
        return _(
            "{value1}: {unit.label} has services of skill '{skill}' ({value2}) but no employee of that skill can be placed there"
        ).format(
            value1=_where(unit, pgettext("header", "Employees")),
            unit=unit,
            skill=skill,
            value2=_names(held) or _("movable ones"),
        )
    return _("group {g}: rule {value1} must give by {amount:,.2f}").format(
        g=g, value1=model.row_names[row], amount=amount
    )


def explain_infeasible(data: GroupData) -> tuple[str, ...]:
    """Plain-language reasons why a group has no plan (structural first, then the elastic set)."""
    reasons = structural_reasons(data)
    for line in elastic_reasons(data):
        if line not in reasons:
            reasons.append(line)
    if not reasons:
        reasons.append(_("group {data.group}: no plan satisfies all rules together (no single rule could be named)").format(data=data))  # fmt: skip
    return tuple(reasons)
