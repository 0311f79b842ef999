"""The plan in plain words: a short account of each group's plan for the result workbook's Summary.

Who receives how many employees from whom, who releases them, which units take over services, and
what happens to the coefficients: built from the Result and the group's figures (planner.reports.figures).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from planner.display import coefficient_text
from planner.domain import Scenario, SensitivityKind
from planner.i18n import _, decimal, integer, ngettext
from planner.reports.figures import GroupFigures, finite
from planner.result import NEW_HIRES, GroupResult, Result, Status

__all__ = ["group_account", "join_names", "unit_label"]


def unit_label(scenario: Scenario, unit_id: str) -> str:
    """A unit's name as a planner reads it; 'new hires' for headcount from outside."""
    if unit_id == NEW_HIRES:
        return _("new hires")
    try:
        return scenario.unit(unit_id).label
    except KeyError:
        return unit_id


def join_names(names: Sequence[str], limit: int = 3) -> str:
    """'A', 'A and B', 'A, B and C', 'A, B, C and 2 others'."""
    names = list(names)
    if len(names) > limit:
        rest = len(names) - limit
        names = [
            *names[:limit],
            ngettext("{count} other", "{count} others", rest).format(count=rest),
        ]
    if len(names) <= 1:
        return "".join(names)
    return _("{names} and {last}").format(names=", ".join(names[:-1]), last=names[-1])


def _coefficient_text(value: float | None) -> str:
    if value is not None and not finite(value):
        return _("infinite (no staff)")
    return coefficient_text(value, missing="n/a")


def _trend(before: float | None, after: float | None) -> str:
    b, a = _coefficient_text(before), _coefficient_text(after)
    if b == a:
        return _("stays at {a}").format(a=a)
    falls = finite(before) and finite(after) and after < before or not finite(before)
    if falls:
        return _("falls from {b} to {a}").format(b=b, a=a)
    return _("rises from {b} to {a}").format(b=b, a=a)


def _people(count: int) -> str:
    return ngettext("{count} employee", "{count} employees", count).format(count=integer(count))


def _services(count: float) -> str:
    if float(count).is_integer():
        whole = int(count)
        return ngettext("{count} service", "{count} services", whole).format(count=integer(whole))
    # A split service moves in parts: 2.50 services (the plural of a fraction in every language)
    return ngettext("{count} service", "{count} services", 2).format(count=decimal(count, 2))


def _by_skill(amounts: dict[str, int]) -> str:
    """' (12 legal, 2 general)' when more than one skill moves, else ''."""
    if len(amounts) < 2:
        return ""
    return (
        " ("
        + ", ".join(f"{n:,} {k}" for k, n in sorted(amounts.items(), key=lambda x: -x[1]))
        + ")"
    )


def _headline_cell(scenario: Scenario, rows: dict, figures: GroupFigures) -> list[str]:
    """Where the headline figure sits: it is a unit-skill cell's, which the Units sheet (one
    coefficient per unit, all skills together) shows only when the unit has one skill."""
    cell = figures.highest_after
    if cell is None or not math.isfinite(cell.coefficient):
        return []
    row = rows.get(cell.unit_id)
    name = unit_label(scenario, cell.unit_id)
    where = _("the highest coefficient after the plan, {value1}, is").format(
        value1=_coefficient_text(cell.coefficient)
    )
    where = where[0].upper() + where[1:]
    if (
        row is None
        or row.coefficient_after is None
        or math.isclose(row.coefficient_after, cell.coefficient, rel_tol=1e-9)
    ):
        return [
            _("{where} that of {name} ({cell.skill} staff).").format(
                where=where, name=name, cell=cell
            )
        ]
    return [
        _(
            "{where} that of {name}'s {cell.skill} staff (Skills sheet); {name} as a whole, all skills together, is at {value1} (Units sheet)."
        ).format(where=where, name=name, cell=cell, value1=_coefficient_text(row.coefficient_after))
    ]


# What a re-solve can relax, in the words of the rule that holds the maximum up.
_RULES = {
    SensitivityKind.LOCKED_UNIT,
    SensitivityKind.UNIT_MAX_MOVES,
    SensitivityKind.MAX_EMPLOYEES,
    SensitivityKind.GROUP_STAFF_MOVE_LIMIT,
    SensitivityKind.GROUP_SERVICE_MOVE_LIMIT,
}


def _held_back(g: GroupResult) -> list[str]:
    """The rules that hold the maximum up (a lock, a limit), each with what relaxing it by one
    would give (re-solved, Sensitivity sheet): the reason a plan stops where it does."""
    sentences = []
    for item in g.sensitivity:
        if item.kind not in _RULES or item.max_coefficient_after_change is None:
            continue
        after = item.max_coefficient_after_change
        effect = (
            _("the highest coefficient would be {value1}").format(value1=_coefficient_text(after))
            if after < item.max_coefficient_now * (1 - 1e-9)
            else _("the highest coefficient would not fall")
        )
        sentences.append(
            _(
                "Held back: {item.item}. Re-solved with that relaxed ({item.change}), {effect}."
            ).format(item=item, effect=effect)
        )
    return sentences


def group_account(result: Result, group: str, figures: GroupFigures, limit: int = 5) -> list[str]:
    """A short account of one group's plan in plain sentences, built from its transfers."""
    scenario = result.scenario
    g = result.group(group)
    if g.max_coefficient_after is None:
        return [_("No plan satisfies the limits of this group, so nothing is moved. Why:"),
                *g.explanation]  # fmt: skip
    rows = figures.rows or {u.unit_id: u for u in result.units if u.group == group}
    transfers = (
        figures.transfers_in if figures.rows else [t for t in result.transfers if t.target in rows]
    )

    def label(unit_id: str) -> str:
        return unit_label(scenario, unit_id)

    def unit_trend(unit_id: str) -> str:
        row = rows[unit_id]
        if row.employees_after == 0 and row.load_after == 0:
            return _("it is left with no staff and no services")
        return _("its coefficient {value1}").format(
            value1=_trend(row.coefficient_before, row.coefficient_after)
        )

    hires = sum(t.employees for t in transfers if t.source == NEW_HIRES)
    moves = []
    if g.staff_moved:
        moves.append(_("moving {people}").format(people=_people(g.staff_moved)))
    if g.services_moved:
        moves.append(_("reassigning {services}").format(services=_services(g.services_moved)))
    if hires:
        moves.append(
            ngettext("adding {count} new hire", "adding {count} new hires", hires).format(
                count=integer(hires)
            )
        )
    trend = _trend(g.max_coefficient_before, g.max_coefficient_after)
    if moves:
        sentences = [
            _("The highest coefficient {trend} by {value1}.").format(
                trend=trend, value1=join_names(moves, limit=3)
            )
        ]
    elif result.objective.minimises_the_maximum:
        sentences = [_("No move within the limits lowers the highest coefficient ({value1}): the plan keeps the current allocation.").format(value1=_coefficient_text(g.max_coefficient_before))]  # fmt: skip
    else:
        sentences = [_("No move within the limits brings the units closer to the group mean: the plan keeps the current allocation.")]  # fmt: skip
    sentences.extend(_headline_cell(scenario, rows, figures))
    sentences.extend(_held_back(g))
    if g.status is Status.FEASIBLE and g.gap:
        sentences.append(
            _(
                "The solver stopped at a gap of {g.gap:.1%}: no plan can go below {value1}, and a better plan than this one may exist."
            ).format(g=g, value1=_coefficient_text(g.lower_bound))
        )

    received: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    skills_in: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    sent: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for t in transfers:
        received[t.target][t.source] += t.employees
        skills_in[t.target][t.skill] += t.employees
        if t.source != NEW_HIRES:
            sent[t.source][t.target] += t.employees

    def ranked(table: dict[str, dict[str, int]]) -> list[str]:
        return sorted(table, key=lambda u: (-sum(table[u].values()), u))

    described = set()
    for target in ranked(received)[:limit]:
        sources = received[target]
        hires = sources.get(NEW_HIRES, 0)
        from_units = {u: n for u, n in sources.items() if u != NEW_HIRES}
        parts = []
        if from_units:
            names = [label(u) for u in sorted(from_units, key=lambda u: (-from_units[u], u))]
            parts.append(
                _("{people} from {units}").format(
                    people=_people(sum(from_units.values())), units=join_names(names)
                )
            )
        if hires:
            parts.append(
                ngettext("{count} new hire", "{count} new hires", hires).format(
                    count=integer(hires)
                )
            )
        sentences.append(_("{unit} receives {what}{skills}; {trend}.").format(
            unit=label(target), what=_(" and ").join(parts), skills=_by_skill(skills_in[target]),
            trend=unit_trend(target)))  # fmt: skip
        described.add(target)
    if len(received) > limit:
        sentences.append(
            _("{value1} more units receive staff (see Transfers).").format(
                value1=len(received) - limit
            )
        )
    for source in ranked(sent)[:3]:
        targets = sent[source]
        names = [label(u) for u in sorted(targets, key=lambda u: (-targets[u], u))]
        sentences.append(_("{value1} releases {value2} to {value3}; {value4}.").format(value1=label(source), value2=_people(sum(targets.values())), value3=join_names(names), value4=unit_trend(source)))  # fmt: skip
        described.add(source)
    if len(sent) > 3:
        sentences.append(
            _("{value1} more units release staff (see Transfers).").format(value1=len(sent) - 3)
        )
    # Every unit that loses more than half its staff is named, never hidden behind "more units":
    # that is a restructuring a head of department must see.
    halved = [
        row for row in rows.values()
        if row.employees_before > 0 and row.employees_after * 2 < row.employees_before
    ]  # fmt: skip
    for row in sorted(halved, key=lambda r: (r.employees_after / r.employees_before, r.unit_id)):
        sentences.append(
            _(
                "{value1} loses more than half its staff: {row.employees_before:,} -> {row.employees_after:,}."
            ).format(value1=label(row.unit_id), row=row)
        )

    taken: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in result.reassignments:
        if r.target in rows:
            taken[r.target][r.source] += r.share
    ranked_takers = sorted(taken, key=lambda u: (-sum(taken[u].values()), u))
    for target in ranked_takers[:limit]:
        givers = taken[target]
        names = [label(u) for u in sorted(givers, key=lambda u: (-givers[u], u))]
        trend = "" if target in described else f"; {unit_trend(target)}"
        sentences.append(_("{value1} takes over {value2} from {value3}{trend}.").format(value1=label(target), value2=_services(sum(givers.values())), value3=join_names(names), trend=trend))  # fmt: skip
    if len(taken) > limit:
        sentences.append(
            _("{value1} more units take over services (see Reassignments).").format(
                value1=len(taken) - limit
            )
        )

    margin = scenario.settings.overload_margin
    sentences.append(
        _(
            "Units more than {margin:.0%} above the group mean: {value1} before, {value2} after."
        ).format(
            margin=margin,
            value1=len(figures.overloaded_before),
            value2=len(figures.overloaded_after),
        )
    )
    return sentences
