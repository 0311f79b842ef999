"""Check a plan against the scenario, independently of the model.

Nothing here imports model.py or reads solver output: the plan arrives as plain mappings (headcount
per unit and skill, share of each service per unit) and every rule of the scenario is re-read from
the Scenario itself, with the definitions of load, capacity and coefficient of planner.domain. A failed check means planner has a bug; solve() raises rather than report it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from planner.display import significant
from planner.domain import (
    DecisionKind,
    Scenario,
    coefficient,
    distance_table,
    service_load,
    skills_to_keep,
    staff_to_keep,
    unit_capacity,
)
from planner.i18n import _, integer, ngettext
from planner.result import Check, CheckCode

TOLERANCE = 1e-9


@dataclass(frozen=True)
class PlanFigures:
    """What the solve reports for a group, to be compared with what the plan really gives."""

    max_coefficient_after: float
    staff_moved: int
    services_moved: float


def verify_group(
    scenario: Scenario,
    group: str,
    headcount: Mapping[tuple[str, str], int],
    assignment: Mapping[str, Mapping[str, float]],
    reported: PlanFigures,
    transfers: Sequence[tuple[str, str, str, int]] | None = None,
) -> list[Check]:
    """Every rule of the scenario, checked on one group's plan.

    transfers: the plan's transfers as (from, to, skill, employees), new hires left out; when
    given, they must add up to the headcount changes, and the decisions about transfers are
    checked on them (the only place a plan says who goes where)."""
    settings = scenario.settings
    records = scenario.by_group[group]
    units = {u.unit_id: u for u in records.units}
    services = records.services
    start: dict[tuple[str, str], int] = defaultdict(int)
    for cell in records.staff:
        start[(cell.unit_id, cell.skill)] += cell.employees
    for hire in records.hires:
        start[(hire.unit_id, hire.skill)] += hire.employees
    after = {key: value for key, value in headcount.items() if key[0] in units}
    checks: list[Check] = []

    def check(code: CheckCode, failures: list[str], success: str) -> None:
        passed = not failures
        detail = success if passed else "; ".join(failures[:10])
        checks.append(Check.of(group, code, passed, detail))

    # A count's English forms are both the plural, as the details have always read ("1
    # decisions"); ngettext gives the other languages their forms.
    check(
        CheckCode.WHOLE_HEADCOUNTS,
        [f"{u}/{k}: {v}" for (u, k), v in after.items() if v < 0 or v != int(v)],
        ngettext("{count} unit-skill cells", "{count} unit-skill cells", len(after)).format(
            count=integer(len(after))
        ),
    )
    unknown = [f"{u}/{k}" for (u, k) in after if u not in units]
    check(CheckCode.HEADCOUNTS_IN_GROUP, unknown, _("all cells in the group"))

    skills = sorted({k for (_, k) in start} | {k for (_, k) in after})
    # Sums by skill and by unit, and each unit's cells, in one pass over the cells each (a scan
    # of every cell per unit was quadratic: 10 s of a 2,500-unit group's 28).
    before_by_skill: dict[str, int] = defaultdict(int)
    after_by_skill: dict[str, int] = defaultdict(int)
    before_by_unit: dict[str, int] = defaultdict(int)
    after_by_unit: dict[str, int] = defaultdict(int)
    unit_skills: dict[str, set[str]] = defaultdict(set)
    for (u, k), v in start.items():
        before_by_skill[k] += v
        before_by_unit[u] += v
        unit_skills[u].add(k)
    for (u, k), v in after.items():
        after_by_skill[k] += v
        after_by_unit[u] += v
        unit_skills[u].add(k)
    own_services: dict[str, list] = defaultdict(list)
    for service in services:
        own_services[service.unit_id].append(service)
    conservation = []
    for skill in skills:
        before_total, after_total = before_by_skill[skill], after_by_skill[skill]
        if before_total != after_total:
            conservation.append(
                _("{skill}: {before} before, {after} after").format(
                    skill=skill, before=before_total, after=after_total
                )
            )
    check(
        CheckCode.STAFF_CONSERVED,
        conservation,
        ngettext("{count} skills", "{count} skills", len(skills)).format(
            count=integer(len(skills))
        ),
    )

    bounds, locks, unit_moves = [], [], []
    moved_in = 0
    for unit_id, unit in sorted(units.items()):
        employees = after_by_unit[unit_id]
        if employees < unit.min_employees:
            bounds.append(
                _("{unit}: {employees} < min {least}").format(
                    unit=unit_id, employees=employees, least=unit.min_employees
                )
            )
        if unit.max_employees is not None and employees > unit.max_employees:
            bounds.append(
                _("{unit}: {employees} > max {most}").format(
                    unit=unit_id, employees=employees, most=unit.max_employees
                )
            )
        # A skill the unit has no cell of, before or after, changes nothing.
        own_skills = sorted(unit_skills[unit_id])
        changes = sum(
            abs(after.get((unit_id, k), 0) - start.get((unit_id, k), 0)) for k in own_skills
        )
        moved_in += sum(
            max(0, after.get((unit_id, k), 0) - start.get((unit_id, k), 0)) for k in own_skills
        )
        if (unit.locked or not settings.allow_staff_moves) and changes:
            locks.append(
                f"{unit_id}: "
                + ngettext("{count} employees moved", "{count} employees moved", changes).format(
                    count=integer(changes)
                )
            )
        if unit.max_moves is not None and changes > unit.max_moves:
            unit_moves.append(f"{unit_id}: {changes} > {unit.max_moves}")
    check(
        CheckCode.EMPLOYEE_BOUNDS,
        bounds,
        ngettext("{count} units", "{count} units", len(units)).format(count=integer(len(units))),
    )

    share = settings.keep_staff_share
    emptied = []
    for unit_id in sorted(units):
        before = before_by_unit[unit_id]
        kept = after_by_unit[unit_id]
        if kept < staff_to_keep(before, share):
            emptied.append(
                _("{unit}: keeps {kept} of {before} (at least {share}%)").format(
                    unit=unit_id, kept=kept, before=before, share=_percent(share)
                )
            )
        staffed = [k for k in sorted(unit_skills[unit_id]) if start.get((unit_id, k), 0) > 0]
        own = own_services[unit_id]
        for skill in sorted(skills_to_keep(staffed, own, share)):
            if after.get((unit_id, skill), 0) < 1:
                emptied.append(
                    _("{unit}: no {skill} left for its own {skill} services").format(
                        unit=unit_id, skill=skill
                    )
                )
    check(
        CheckCode.STAFF_SHARE_KEPT,
        emptied,
        _("each keeps {share}% and one of each skill it needs").format(share=_percent(share))
        if share > 0
        else _("emptying allowed"),
    )
    check(CheckCode.LOCKS, locks, _("no forbidden staff moves"))
    check(CheckCode.UNIT_MOVE_LIMIT, unit_moves, _("within limits"))
    limit = settings.max_staff_moves
    check(
        CheckCode.GROUP_STAFF_MOVE_LIMIT,
        [f"{moved_in} > {limit}"] if limit is not None and moved_in > limit else [],
        _moved(integer(moved_in), limit),
    )

    placement, eligibility = [], []
    services_moved = 0.0
    load: dict[tuple[str, str], float] = defaultdict(float)
    for service in services:
        shares = {u: v for u, v in assignment.get(service.service_id, {}).items() if v > TOLERANCE}
        if abs(sum(shares.values()) - 1.0) > 1e-6:
            placement.append(
                _("{service}: shares add up to {total}").format(
                    service=service.service_id, total=significant(sum(shares.values()))
                )
            )
        if not settings.split_services and any(abs(v - 1.0) > 1e-6 for v in shares.values()):
            placement.append(
                _("{service}: split although split services = no").format(
                    service=service.service_id
                )
            )
        may_move = service.movable and settings.allow_service_moves
        for unit_id, share in shares.items():
            # Asked of the units the service is at, never built as a set of every unit: that
            # was services x units work.
            allowed = unit_id == service.unit_id or (
                may_move
                and unit_id in units
                and (not service.eligible_units or unit_id in service.eligible_units)
            )
            if not allowed:
                eligibility.append(
                    _("{service} at {unit}").format(service=service.service_id, unit=unit_id)
                )
            load[(unit_id, service.skill)] += share * service_load(service, settings)
        services_moved += sum(v for u, v in shares.items() if u != service.unit_id)
    check(
        CheckCode.SERVICES_DELIVERED,
        placement,
        ngettext("{count} services", "{count} services", len(services)).format(
            count=integer(len(services))
        ),
    )
    check(CheckCode.ELIGIBLE_UNITS, eligibility, _("all eligible"))
    limit = settings.max_service_moves
    check(
        CheckCode.GROUP_SERVICE_MOVE_LIMIT,
        [f"{services_moved:g} > {limit}"]
        if limit is not None and services_moved > limit + 1e-6
        else [],
        _moved(significant(services_moved), limit),
    )

    coefficients = {}
    stranded = []
    for (unit_id, skill), cell_load in load.items():
        capacity = after.get((unit_id, skill), 0) * unit_capacity(units[unit_id], settings)
        coefficients[(unit_id, skill)] = coefficient(cell_load, capacity)
        if cell_load > TOLERANCE and capacity <= 0:
            stranded.append(
                _("{cell}: load {load} with no staff").format(
                    cell=f"{unit_id}/{skill}", load=significant(cell_load)
                )
            )
    check(CheckCode.LOAD_STAFFED, stranded, _("every loaded cell staffed"))

    worst = max(coefficients.values(), default=0.0)
    figures = []
    if not _close(worst, reported.max_coefficient_after):
        figures.append(
            _("max coefficient {recomputed} recomputed, {reported} reported").format(
                recomputed=repr(worst), reported=repr(reported.max_coefficient_after)
            )
        )
    if moved_in != reported.staff_moved:
        figures.append(
            _("staff moved {recomputed} recomputed, {reported} reported").format(
                recomputed=moved_in, reported=reported.staff_moved
            )
        )
    if abs(services_moved - reported.services_moved) > 1e-6:
        figures.append(
            _("services moved {recomputed} recomputed, {reported} reported").format(
                recomputed=significant(services_moved),
                reported=significant(reported.services_moved),
            )
        )
    check(
        CheckCode.FIGURES_MATCH,
        figures,
        _("max coefficient {worst}, {staff} staff and {services} services moved").format(
            worst=significant(worst), staff=integer(moved_in), services=significant(services_moved)
        ),
    )
    if transfers is not None:
        net: dict[tuple[str, str], int] = defaultdict(int)
        for sender, receiver, skill, employees in transfers:
            net[(sender, skill)] -= employees
            net[(receiver, skill)] += employees
        check(
            CheckCode.TRANSFERS_ADD_UP,
            [
                _("{cell}: transfers give {net}, headcount {change}").format(
                    cell=f"{u}/{k}",
                    net=f"{net.get((u, k), 0):+d}",
                    change=f"{after.get((u, k), 0) - start.get((u, k), 0):+d}",
                )
                for u in sorted(units)
                for k in skills
                if net.get((u, k), 0) != after.get((u, k), 0) - start.get((u, k), 0)
            ],
            ngettext("{count} transfers", "{count} transfers", len(transfers)).format(
                count=integer(len(transfers))
            ),
        )
    if transfers is not None and scenario.distances:
        table = distance_table(scenario.distances)
        longest = settings.longest_transfer
        far = []
        for sender, receiver, skill, employees in transfers:
            distance = table.get((sender, receiver))
            move = f"{employees} {skill} {sender} -> {receiver}"
            if distance is None:
                far.append(_("{move}: no distance given").format(move=move))
            elif longest is not None and distance > longest:
                far.append(f"{move}: {significant(distance)} > {significant(longest)}")
        check(
            CheckCode.TRANSFER_DISTANCES,
            far,
            _("every transfer has a distance of at most {longest}").format(
                longest=significant(longest)
            )
            if longest
            else _("every transfer has a distance"),
        )
    decisions = [d for d in scenario.decisions if d.unit_id in units]
    if decisions:
        check(
            CheckCode.DECISIONS_KEPT,
            _broken_decisions(decisions, after, assignment, transfers),
            ngettext("{count} decisions", "{count} decisions", len(decisions)).format(
                count=integer(len(decisions))
            ),
        )
    return checks


def _broken_decisions(decisions, after, assignment, transfers) -> list[str]:
    """Each decision re-read against the plan: headcounts, service placement, transfers."""
    broken = []
    moved: dict[tuple[str, str, str], int] = defaultdict(int)
    for sender, receiver, skill, employees in transfers or ():
        moved[(sender, receiver, skill)] += employees
    for d in decisions:
        if d.kind is DecisionKind.FIX_HEADCOUNT:
            kept = sum(v for (u, k), v in after.items() if u == d.unit_id and d.skill in (None, k))
            if kept != d.employees:
                broken.append(
                    _("{source}: {unit} has {kept}, fixed at {fixed}").format(
                        source=d.source, unit=d.unit_id, kept=kept, fixed=d.employees
                    )
                )
        elif d.kind.is_service:
            share = assignment.get(d.service_id or "", {}).get(d.unit_id, 0.0)
            pinned = d.kind is DecisionKind.PIN_SERVICE
            if (pinned and abs(share - 1.0) > 1e-6) or (not pinned and share > TOLERANCE):
                broken.append(
                    _("{source}: {service} has {share} of it at {unit}").format(
                        source=d.source,
                        service=d.service_id,
                        share=significant(share),
                        unit=d.unit_id,
                    )
                )
        elif transfers is not None:
            count = sum(
                n for (a, b, k), n in moved.items()
                if (a, b) == (d.unit_id, d.to_unit) and d.skill in (None, k)
            )  # fmt: skip
            pinned_short = d.kind is DecisionKind.PIN_TRANSFER and count < (d.employees or 0)
            if pinned_short or (d.kind is DecisionKind.FORBID_TRANSFER and count):
                broken.append(
                    _("{source}: {count} moved from {sender} to {receiver}").format(
                        source=d.source, count=count, sender=d.unit_id, receiver=d.to_unit
                    )
                )
    return broken


def _percent(share: float) -> str:
    return integer(round(share * 100))


def _moved(moved: str, limit: int | None) -> str:
    """What a group limit on moves says when it holds: "12 moved", "12 moved of 20 allowed"."""
    if limit is None:
        return _("{moved} moved").format(moved=moved)
    return _("{moved} moved of {limit} allowed").format(moved=moved, limit=integer(limit))


def _close(a: float, b: float) -> bool:
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
