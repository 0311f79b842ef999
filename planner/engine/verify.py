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
from planner.result import Check

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

    def check(name: str, failures: list[str], success: str) -> None:
        passed = not failures
        detail = success if passed else "; ".join(failures[:10])
        checks.append(Check(group, name, passed, detail))

    check(
        "headcounts are whole and not negative",
        [f"{u}/{k}: {v}" for (u, k), v in after.items() if v < 0 or v != int(v)],
        f"{len(after)} unit-skill cells",
    )
    unknown = [f"{u}/{k}" for (u, k) in after if u not in units]
    check("headcounts only in units of the group", unknown, "all cells in the group")

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
            conservation.append(f"{skill}: {before_total} before, {after_total} after")
    check("staff of each skill conserved", conservation, f"{len(skills)} skills")

    bounds, locks, unit_moves = [], [], []
    moved_in = 0
    for unit_id, unit in sorted(units.items()):
        employees = after_by_unit[unit_id]
        if employees < unit.min_employees:
            bounds.append(f"{unit_id}: {employees} < min {unit.min_employees}")
        if unit.max_employees is not None and employees > unit.max_employees:
            bounds.append(f"{unit_id}: {employees} > max {unit.max_employees}")
        # A skill the unit has no cell of, before or after, changes nothing.
        own_skills = sorted(unit_skills[unit_id])
        changes = sum(
            abs(after.get((unit_id, k), 0) - start.get((unit_id, k), 0)) for k in own_skills
        )
        moved_in += sum(
            max(0, after.get((unit_id, k), 0) - start.get((unit_id, k), 0)) for k in own_skills
        )
        if (unit.locked or not settings.allow_staff_moves) and changes:
            locks.append(f"{unit_id}: {changes} employees moved")
        if unit.max_moves is not None and changes > unit.max_moves:
            unit_moves.append(f"{unit_id}: {changes} > {unit.max_moves}")
    check("Min and Max employees respected", bounds, f"{len(units)} units")

    share = settings.keep_staff_share
    emptied = []
    for unit_id in sorted(units):
        before = before_by_unit[unit_id]
        kept = after_by_unit[unit_id]
        if kept < staff_to_keep(before, share):
            emptied.append(f"{unit_id}: keeps {kept} of {before} (at least {share:.0%})")
        staffed = [k for k in sorted(unit_skills[unit_id]) if start.get((unit_id, k), 0) > 0]
        own = own_services[unit_id]
        for skill in sorted(skills_to_keep(staffed, own, share)):
            if after.get((unit_id, skill), 0) < 1:
                emptied.append(f"{unit_id}: no {skill} left for its own {skill} services")
    check(
        "units keep their share of staff",
        emptied,
        f"each keeps {share:.0%} and one of each skill it needs"
        if share > 0
        else "emptying allowed",
    )
    check("locked units and 'allow staff moves' respected", locks, "no forbidden staff moves")
    check("Max moves per unit respected", unit_moves, "within limits")
    limit = settings.max_staff_moves
    check(
        "group limit on staff moves respected",
        [f"{moved_in} > {limit}"] if limit is not None and moved_in > limit else [],
        f"{moved_in} moved" + (f" of {limit} allowed" if limit is not None else ""),
    )

    placement, eligibility = [], []
    services_moved = 0.0
    load: dict[tuple[str, str], float] = defaultdict(float)
    for service in services:
        shares = {u: v for u, v in assignment.get(service.service_id, {}).items() if v > TOLERANCE}
        if abs(sum(shares.values()) - 1.0) > 1e-6:
            placement.append(f"{service.service_id}: shares add up to {sum(shares.values()):.6g}")
        if not settings.split_services and any(abs(v - 1.0) > 1e-6 for v in shares.values()):
            placement.append(f"{service.service_id}: split although split services = no")
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
                eligibility.append(f"{service.service_id} at {unit_id}")
            load[(unit_id, service.skill)] += share * service_load(service, settings)
        services_moved += sum(v for u, v in shares.items() if u != service.unit_id)
    check("every service delivered exactly once", placement, f"{len(services)} services")
    check("services only at eligible units", eligibility, "all eligible")
    limit = settings.max_service_moves
    check(
        "group limit on service moves respected",
        [f"{services_moved:g} > {limit}"]
        if limit is not None and services_moved > limit + 1e-6
        else [],
        f"{services_moved:g} moved" + (f" of {limit} allowed" if limit is not None else ""),
    )

    coefficients = {}
    stranded = []
    for (unit_id, skill), cell_load in load.items():
        capacity = after.get((unit_id, skill), 0) * unit_capacity(units[unit_id], settings)
        coefficients[(unit_id, skill)] = coefficient(cell_load, capacity)
        if cell_load > TOLERANCE and capacity <= 0:
            stranded.append(f"{unit_id}/{skill}: load {cell_load:g} with no staff")
    check("no load without staff of its skill", stranded, "every loaded cell staffed")

    worst = max(coefficients.values(), default=0.0)
    figures = []
    if not _close(worst, reported.max_coefficient_after):
        figures.append(
            f"max coefficient {worst!r} recomputed, {reported.max_coefficient_after!r} reported"
        )
    if moved_in != reported.staff_moved:
        figures.append(f"staff moved {moved_in} recomputed, {reported.staff_moved} reported")
    if abs(services_moved - reported.services_moved) > 1e-6:
        figures.append(
            f"services moved {services_moved:g} recomputed, {reported.services_moved:g} reported"
        )
    check(
        "reported figures match the plan",
        figures,
        f"max coefficient {worst:.6g}, {moved_in} staff and {services_moved:g} services moved",
    )
    if transfers is not None:
        net: dict[tuple[str, str], int] = defaultdict(int)
        for sender, receiver, skill, employees in transfers:
            net[(sender, skill)] -= employees
            net[(receiver, skill)] += employees
        check(
            "transfers add up to the headcount changes",
            [
                f"{u}/{k}: transfers give {net.get((u, k), 0):+d}, headcount "
                f"{after.get((u, k), 0) - start.get((u, k), 0):+d}"
                for u in sorted(units)
                for k in skills
                if net.get((u, k), 0) != after.get((u, k), 0) - start.get((u, k), 0)
            ],
            f"{len(transfers)} transfers",
        )
    if transfers is not None and scenario.distances:
        table = distance_table(scenario.distances)
        longest = settings.longest_transfer
        far = []
        for sender, receiver, skill, employees in transfers:
            distance = table.get((sender, receiver))
            if distance is None:
                far.append(f"{employees} {skill} {sender} -> {receiver}: no distance given")
            elif longest is not None and distance > longest:
                far.append(f"{employees} {skill} {sender} -> {receiver}: {distance:g} > {longest:g}")
        check(
            "transfers within the distances allowed",
            far,
            f"every transfer has a distance{f' of at most {longest:g}' if longest else ''}",
        )
    decisions = [d for d in scenario.decisions if d.unit_id in units]
    if decisions:
        check(
            "the planner's decisions kept",
            _broken_decisions(decisions, after, assignment, transfers),
            f"{len(decisions)} decisions",
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
                broken.append(f"{d.source}: {d.unit_id} has {kept}, fixed at {d.employees}")
        elif d.kind.is_service:
            share = assignment.get(d.service_id or "", {}).get(d.unit_id, 0.0)
            pinned = d.kind is DecisionKind.PIN_SERVICE
            if (pinned and abs(share - 1.0) > 1e-6) or (not pinned and share > TOLERANCE):
                broken.append(f"{d.source}: {d.service_id} has {share:g} of it at {d.unit_id}")
        elif transfers is not None:
            count = sum(
                n for (a, b, k), n in moved.items()
                if (a, b) == (d.unit_id, d.to_unit) and d.skill in (None, k)
            )  # fmt: skip
            if d.kind is DecisionKind.PIN_TRANSFER and count < (d.employees or 0):
                broken.append(f"{d.source}: {count} moved from {d.unit_id} to {d.to_unit}")
            if d.kind is DecisionKind.FORBID_TRANSFER and count:
                broken.append(f"{d.source}: {count} moved from {d.unit_id} to {d.to_unit}")
    return broken


def _close(a: float, b: float) -> bool:
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
