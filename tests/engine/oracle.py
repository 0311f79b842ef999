"""A brute-force solver for tiny scenarios, written from the model definition alone.

It does not import planner's model, search or solvers: it reads the frozen input (planner.domain)
and enumerates every integer headcount allocation per skill that respects the staff rules, and every
whole-service assignment that respects eligibility and the move limits. Every value is an exact
fraction (inputs are read as the decimals a planner typed, `Fraction(repr(x))`), so ties are ties.

The model, as the engine issue defines it (per group):
- n[u,k] integer >= 0; per skill, sum_u n[u,k] = current + new hires of the group;
- Min <= sum_k n[u,k] <= Max employees of every unit (also when staff cannot move);
- sum_k |n[u,k] - start[u,k]| <= Max moves of u;  Locked u or `allow staff moves = no`: n = start;
- staff moved = sum max(0, n - start) <= `max staff moves`;
- each service at its current unit or, if Movable and `allow service moves`, at an eligible unit
  (blank: any unit of the group); services moved <= `max service moves`;
- load of a cell = sum of its services' weights (1, or volume x minutes / 60 x (1 - digital share),
  x staff per hour in wisn mode); capacity = n x service share (x hours per FTE in hours mode; n in
  wisn mode); a cell with load and no capacity is not allowed;
- minmax: smallest max cell coefficient t*, then fewest staff moved + services moved;
- balance: smallest sum over cells |load - mean_k x capacity| (mean_k = the group's starting load
  of skill k over its starting capacity), then fewest moves.

Instances must stay tiny (a few units, <= ~8 employees per skill, <= ~5 services).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from planner.domain import CoefficientMode, DecisionKind, Objective, Scenario, Service, Unit
from tests.support import staff_kept

INFINITE = math.inf
NEAR = Fraction(1, 10**6)  # the engine certifies t* to 1e-6 relative; plans this close are "at t*"


def exact(value: float | int) -> Fraction:
    """The decimal a planner typed, as an exact fraction (0.1 -> 1/10, not the binary float)."""
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


@dataclass(frozen=True)
class GroupInput:
    """One group's data, read directly from the scenario."""

    group: str
    units: tuple[Unit, ...]
    skills: tuple[str, ...]
    start: dict[tuple[str, str], int]  # current + new hires
    services: tuple[Service, ...]
    capacity_per_employee: dict[str, Fraction]  # share (x hours per FTE in hours mode)
    weight: dict[str, Fraction]  # service id -> load it brings
    scenario: Scenario


def group_input(scenario: Scenario, group: str) -> GroupInput:
    settings = scenario.settings
    hours_mode = settings.coefficient is CoefficientMode.HOURS
    units = tuple(sorted((u for u in scenario.units if u.group == group), key=lambda u: u.unit_id))
    ids = {u.unit_id for u in units}
    services = tuple(
        sorted((s for s in scenario.services if s.unit_id in ids), key=lambda s: s.service_id)
    )
    start: dict[tuple[str, str], int] = {}
    for cell in scenario.staff:
        if cell.unit_id in ids:
            start[(cell.unit_id, cell.skill)] = start.get((cell.unit_id, cell.skill), 0) + (
                cell.employees
            )
    for hire in scenario.hires:
        if hire.unit_id in ids:
            start[(hire.unit_id, hire.skill)] = start.get((hire.unit_id, hire.skill), 0) + (
                hire.employees
            )
    skills = tuple(sorted({k for (_, k) in start} | {s.skill for s in services}))
    capacity = {}
    for unit in units:
        per_employee = exact(unit.service_share)
        if settings.coefficient is CoefficientMode.WISN:  # one employee is one staff
            per_employee = Fraction(1)
        elif hours_mode:
            hours = unit.hours_per_fte or settings.hours_per_fte or 0.0
            per_employee *= exact(hours)
        capacity[unit.unit_id] = per_employee
    weight = {}
    for s in services:
        hours = exact(s.volume) * exact(s.minutes or 0) / 60 * (1 - exact(s.digital_share))
        if settings.coefficient is CoefficientMode.WISN:  # staff required: hours x CAF / AWT
            weight[s.service_id] = hours * exact(s.staff_per_hour or 0.0)
        elif hours_mode:
            weight[s.service_id] = hours
        else:
            weight[s.service_id] = Fraction(1)
    return GroupInput(group, units, skills, start, services, capacity, weight, scenario)


# -- enumeration --------------------------------------------------------------------------------


def compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Every tuple of `parts` non-negative integers adding up to `total`."""
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in compositions(total - first, parts - 1):
            yield (first, *rest)


@dataclass(frozen=True)
class StaffPlan:
    headcount: dict[tuple[str, str], int]
    moved: int  # sum of max(0, n - start)


def staff_plans(g: GroupInput) -> list[StaffPlan]:
    """Every headcount allocation that respects every staff rule."""
    settings = g.scenario.settings
    unit_ids = [u.unit_id for u in g.units]
    per_skill = []
    for k in g.skills:
        start = tuple(g.start.get((u, k), 0) for u in unit_ids)
        if not settings.allow_staff_moves:
            per_skill.append([start])
            continue
        frozen = [u.locked for u in g.units]
        options = [
            c
            for c in compositions(sum(start), len(unit_ids))
            if all(c[i] == start[i] for i in range(len(unit_ids)) if frozen[i])
        ]
        per_skill.append(options)
    plans = []
    for choice in itertools.product(*per_skill):
        headcount = {
            (u, k): choice[j][i] for j, k in enumerate(g.skills) for i, u in enumerate(unit_ids)
        }
        if staff_rules_broken(g, headcount):
            continue
        moved = sum(max(0, n - g.start.get(cell, 0)) for cell, n in headcount.items())
        plans.append(StaffPlan(headcount, moved))
    return plans


def staff_rules_broken(g: GroupInput, headcount: Mapping[tuple[str, str], int]) -> list[str]:
    """The staff rules a headcount allocation breaks (empty: it respects them all)."""
    settings = g.scenario.settings
    broken = []
    for k in g.skills:
        before = sum(g.start.get((u.unit_id, k), 0) for u in g.units)
        after = sum(headcount.get((u.unit_id, k), 0) for u in g.units)
        if before != after:
            broken.append(f"skill {k} not conserved")
    moved = 0
    for unit in g.units:
        total = sum(headcount.get((unit.unit_id, k), 0) for k in g.skills)
        changes = sum(
            abs(headcount.get((unit.unit_id, k), 0) - g.start.get((unit.unit_id, k), 0))
            for k in g.skills
        )
        moved += sum(
            max(0, headcount.get((unit.unit_id, k), 0) - g.start.get((unit.unit_id, k), 0))
            for k in g.skills
        )
        if any(headcount.get((unit.unit_id, k), 0) < 0 for k in g.skills):
            broken.append(f"{unit.unit_id} negative")
        if total < unit.min_employees:
            broken.append(f"{unit.unit_id} below min")
        kept, skills = staff_kept(
            {k: g.start.get((unit.unit_id, k), 0) for k in g.skills},
            {s.skill for s in g.services if s.unit_id == unit.unit_id},
            settings.keep_staff_share,
        )
        if total < kept or any(headcount.get((unit.unit_id, k), 0) < 1 for k in skills):
            broken.append(f"{unit.unit_id} emptied")
        if unit.max_employees is not None and total > unit.max_employees:
            broken.append(f"{unit.unit_id} above max")
        if unit.max_moves is not None and changes > unit.max_moves:
            broken.append(f"{unit.unit_id} max moves")
        if (unit.locked or not settings.allow_staff_moves) and changes:
            broken.append(f"{unit.unit_id} locked")
    if settings.max_staff_moves is not None and moved > settings.max_staff_moves:
        broken.append("group staff move limit")
    broken.extend(staff_decisions_broken(g, headcount))
    return broken


def staff_decisions_broken(g: GroupInput, headcount: Mapping[tuple[str, str], int]) -> list[str]:
    """The decisions about staff a headcount allocation breaks, read by their definition:
    transfers are of net headcount (a unit that loses sends, one that gains receives); a pinned
    transfer needs its sender to lose and its receiver to gain that many (summed over its
    pins); with forbidden pairs, the rest must still be sendable, which by Hall's theorem holds
    when every set of senders loses no more than the receivers it may send to gain."""
    ids = {u.unit_id for u in g.units}
    decisions = [d for d in g.scenario.decisions if d.unit_id in ids]
    broken = []
    for d in decisions:
        if d.kind is DecisionKind.FIX_HEADCOUNT:
            total = sum(n for (u, k), n in headcount.items() if u == d.unit_id
                        and d.skill in (None, k))  # fmt: skip
            if total != d.employees:
                broken.append(f"{d.unit_id} not at its fixed headcount")
    for k in g.skills:
        change = {u.unit_id: headcount.get((u.unit_id, k), 0) - g.start.get((u.unit_id, k), 0)
                  for u in g.units}  # fmt: skip
        loss = {u: -c for u, c in change.items() if c < 0}
        gain = {u: c for u, c in change.items() if c > 0}
        only_skill = len(g.skills) == 1
        for d in decisions:
            if d.kind is DecisionKind.PIN_TRANSFER and (
                d.skill == k or (d.skill is None and only_skill)
            ):
                loss[d.unit_id] = loss.get(d.unit_id, 0) - (d.employees or 0)
                gain[d.to_unit] = gain.get(d.to_unit, 0) - (d.employees or 0)
        if any(v < 0 for v in (*loss.values(), *gain.values())):
            broken.append(f"a pinned transfer of {k} not in the plan")
            continue
        forbidden = {(d.unit_id, d.to_unit) for d in decisions
                     if d.kind is DecisionKind.FORBID_TRANSFER and d.skill in (None, k)}  # fmt: skip
        senders = sorted(u for u, v in loss.items() if v > 0)
        for size in range(1, len(senders) + 1):
            for subset in itertools.combinations(senders, size):
                reachable = {b for b, v in gain.items() if v > 0
                             and any((a, b) not in forbidden for a in subset)}  # fmt: skip
                if sum(loss[a] for a in subset) > sum(gain[b] for b in reachable):
                    broken.append(f"{k}: {', '.join(subset)} can only send by a forbidden pair")
    return broken


def service_decisions_broken(g: GroupInput, unit_of: Mapping[str, str]) -> list[str]:
    """The decisions about services a placement breaks."""
    broken = []
    for d in g.scenario.decisions:
        if d.kind.is_service and d.service_id in unit_of:
            here = unit_of[d.service_id] == d.unit_id
            if here != (d.kind is DecisionKind.PIN_SERVICE):
                broken.append(f"{d.kind} {d.service_id} at {d.unit_id}")
    return broken


def allowed_units(g: GroupInput, service: Service) -> tuple[str, ...]:
    """Where a service may be delivered: its current unit first."""
    settings = g.scenario.settings
    ids = [u.unit_id for u in g.units]
    if not (service.movable and settings.allow_service_moves):
        return (service.unit_id,)
    listed = [u for u in ids if u in service.eligible_units] if service.eligible_units else ids
    return (service.unit_id, *(u for u in listed if u != service.unit_id))


@dataclass(frozen=True)
class ServicePlan:
    unit_of: dict[str, str]  # service id -> unit id
    moved: int


def service_plans(g: GroupInput) -> list[ServicePlan]:
    """Every whole-service assignment within eligibility and the group's service move limit."""
    limit = g.scenario.settings.max_service_moves
    choices = [allowed_units(g, s) for s in g.services]
    plans = []
    for pick in itertools.product(*choices):
        moved = sum(1 for s, u in zip(g.services, pick, strict=True) if u != s.unit_id)
        if limit is not None and moved > limit:
            continue
        unit_of = {s.service_id: u for s, u in zip(g.services, pick, strict=True)}
        if service_decisions_broken(g, unit_of):
            continue
        plans.append(
            ServicePlan({s.service_id: u for s, u in zip(g.services, pick, strict=True)}, moved)
        )
    return plans


# -- evaluation ---------------------------------------------------------------------------------


def cell_loads(g: GroupInput, unit_of: Mapping[str, str]) -> dict[tuple[str, str], Fraction]:
    load = {(u.unit_id, k): Fraction(0) for u in g.units for k in g.skills}
    for s in g.services:
        load[(unit_of[s.service_id], s.skill)] += g.weight[s.service_id]
    return load


def coefficient(load: Fraction, capacity: Fraction) -> Fraction | float:
    if capacity > 0:
        return load / capacity
    return INFINITE if load > 0 else Fraction(0)


def skill_means(g: GroupInput) -> dict[str, Fraction]:
    """Starting load of each skill over its starting capacity (0 when there is no capacity)."""
    load = cell_loads(g, {s.service_id: s.unit_id for s in g.services})
    means = {}
    for k in g.skills:
        capacity = sum(
            g.start.get((u.unit_id, k), 0) * g.capacity_per_employee[u.unit_id] for u in g.units
        )
        total = sum(load[(u.unit_id, k)] for u in g.units)
        means[k] = total / capacity if capacity > 0 else Fraction(0)
    return means


@dataclass(frozen=True)
class PlanValue:
    """What a plan gives, exactly."""

    max_coefficient: Fraction | float  # inf when a cell has load and no staff
    deviation: Fraction
    staff_moved: int
    services_moved: int
    broken: tuple[str, ...]  # rules it breaks (empty: the plan is allowed)

    @property
    def moves(self) -> int:
        return self.staff_moved + self.services_moved


def evaluate(
    scenario: Scenario,
    group: str,
    headcount: Mapping[tuple[str, str], int],
    unit_of: Mapping[str, str],
) -> PlanValue:
    """Exact figures of one plan (e.g. the planner's) and every rule it breaks."""
    g = group_input(scenario, group)
    broken = list(staff_rules_broken(g, headcount))
    moved_services = 0
    for s in g.services:
        if unit_of[s.service_id] not in allowed_units(g, s):
            broken.append(f"{s.service_id} not eligible at {unit_of[s.service_id]}")
        moved_services += unit_of[s.service_id] != s.unit_id
    limit = scenario.settings.max_service_moves
    if limit is not None and moved_services > limit:
        broken.append("group service move limit")
    broken.extend(service_decisions_broken(g, unit_of))
    load = cell_loads(g, unit_of)
    means = skill_means(g)
    worst: Fraction | float = Fraction(0)
    deviation = Fraction(0)
    for (u, k), cell_load in load.items():
        capacity = headcount.get((u, k), 0) * g.capacity_per_employee[u]
        value = coefficient(cell_load, capacity)
        if value == INFINITE:
            broken.append(f"{u}/{k} load without staff")
        worst = max(worst, value)
        deviation += abs(cell_load - means[k] * capacity)
    staff_moved = sum(max(0, n - g.start.get(cell, 0)) for cell, n in headcount.items())
    return PlanValue(worst, deviation, staff_moved, moved_services, tuple(broken))


@dataclass(frozen=True)
class OracleResult:
    """The exhaustive optimum of one group."""

    group: str
    feasible: bool
    best: Fraction | None  # t* (minmax) or the smallest total deviation (balance)
    fewest_moves: int | None  # fewest staff moved + services moved among plans at `best`
    fewest_moves_near: int | None  # ... among plans within NEAR (relative) of `best`
    current: PlanValue  # the allocation that changes nothing
    staff_plans: int  # how many allowed headcount allocations were enumerated
    service_plans: int
    optimal_plans: tuple[tuple[dict[tuple[str, str], int], dict[str, str]], ...] = ()

    @property
    def best_float(self) -> float | None:
        return None if self.best is None else float(self.best)


MAX_KEPT_PLANS = 20


def solve_group(scenario: Scenario, group: str) -> OracleResult:
    """Enumerate every plan of a group and return the lexicographic optimum."""
    g = group_input(scenario, group)
    current = evaluate(
        scenario,
        group,
        {(u.unit_id, k): g.start.get((u.unit_id, k), 0) for u in g.units for k in g.skills},
        {s.service_id: s.unit_id for s in g.services},
    )
    staff = staff_plans(g)
    services = service_plans(g)
    if not staff or not services:
        return OracleResult(group, False, None, None, None, current, len(staff), len(services))
    balance = scenario.settings.objective is Objective.BALANCE
    cells = [(u.unit_id, k) for u in g.units for k in g.skills]
    headcounts = np.array([[p.headcount[c] for c in cells] for p in staff], dtype=np.int64)
    staff_moved = np.array([p.moved for p in staff], dtype=np.int64)
    loads = [cell_loads(g, p.unit_of) for p in services]
    means = skill_means(g)

    # For each cell, the exact value of (load, headcount) for every load it can carry and every
    # headcount, turned into integers that compare (minmax: ranks) or add (balance: scaled) exactly.
    distinct_loads = [sorted({load[c] for load in loads}) for c in cells]
    max_n = int(headcounts.max(initial=0))
    values: dict[tuple[int, int, int], Fraction | float] = {}
    for ci, (u, k) in enumerate(cells):
        for li, cell_load in enumerate(distinct_loads[ci]):
            for n in range(max_n + 1):
                capacity = n * g.capacity_per_employee[u]
                if balance:
                    if cell_load > 0 and capacity <= 0:
                        values[(ci, li, n)] = INFINITE
                    else:
                        values[(ci, li, n)] = abs(cell_load - means[k] * capacity)
                else:
                    values[(ci, li, n)] = coefficient(cell_load, capacity)
    # 0 is always there: a group with no loaded cell has coefficient and deviation 0.
    finite = sorted({Fraction(0)} | {v for v in values.values() if v != INFINITE})
    dtype: type = np.int64
    if balance:
        scale = math.lcm(*(v.denominator for v in finite)) if finite else 1
        as_int = {v: int(v * scale) for v in finite}
        big = sum(max(as_int.values(), default=0) for _ in cells) + 1
        # Exact int64 sums where they fit; otherwise Python integers in object arrays (slower,
        # still exact): WISN loads carry factors like CAF / AWT whose binary fractions need a
        # scale beyond 2**62.
        if big * (len(cells) + 1) >= 2**62:
            dtype = object
        as_int[INFINITE] = big
        to_value = lambda total: Fraction(int(total), scale)  # noqa: E731
    else:
        as_int = {v: i for i, v in enumerate(finite)}
        big = len(finite)
        as_int[INFINITE] = big
        to_value = lambda rank: finite[int(rank)]  # noqa: E731
    tables = []
    for ci in range(len(cells)):
        table = np.empty((len(distinct_loads[ci]), max_n + 1), dtype=dtype)
        for li in range(len(distinct_loads[ci])):
            for n in range(max_n + 1):
                table[li, n] = as_int[values[(ci, li, n)]]
        tables.append(table)
    load_index = [
        [distinct_loads[ci].index(load[c]) for ci, c in enumerate(cells)] for load in loads
    ]

    # score[j][i]: objective of service plan j with staff plan i (big: a cell has load, no staff).
    scores = []
    for j in range(len(services)):
        columns = [tables[ci][load_index[j][ci], headcounts[:, ci]] for ci in range(len(cells))]
        stacked = np.vstack(columns) if columns else np.zeros((1, len(staff)), dtype=dtype)
        score = stacked.sum(axis=0) if balance else stacked.max(axis=0)
        if balance:
            score = np.where((stacked == big).any(axis=0), big, score)
        scores.append(score)
    best_score = min(int(s.min()) for s in scores)
    if best_score >= big:
        return OracleResult(group, False, None, None, None, current, len(staff), len(services))
    best = to_value(best_score)
    near_limit = best * (1 + NEAR)
    if balance:
        near_score = int(math.floor(near_limit * scale))
    else:
        near_score = max(i for i, v in enumerate(finite) if v <= near_limit)
    fewest, fewest_near = None, None
    kept = []
    for j, score in enumerate(scores):
        moves = staff_moved + services[j].moved
        at_best = score == best_score
        if at_best.any():
            m = int(moves[at_best].min())
            fewest = m if fewest is None else min(fewest, m)
        near = score <= near_score
        if near.any():
            m = int(moves[near].min())
            fewest_near = m if fewest_near is None else min(fewest_near, m)
    for j, score in enumerate(scores):
        moves = staff_moved + services[j].moved
        for i in np.flatnonzero((score == best_score) & (moves == fewest)):
            if len(kept) < MAX_KEPT_PLANS:
                kept.append((dict(staff[int(i)].headcount), dict(services[j].unit_of)))
    return OracleResult(
        group,
        True,
        best,
        fewest,
        fewest_near,
        current,
        len(staff),
        len(services),
        tuple(kept),
    )


def solve(scenario: Scenario) -> dict[str, OracleResult]:
    """The exhaustive optimum of every group of a scenario."""
    return {group: solve_group(scenario, group) for group in groups_of(scenario)}


def groups_of(scenario: Scenario) -> tuple[str, ...]:
    return tuple(sorted({u.group for u in scenario.units}))


def plan_of(result, group: str) -> tuple[dict[tuple[str, str], int], dict[str, str]]:
    """The planner's plan for one group, read from its Result records (whole services only)."""
    units = {u.unit_id for u in result.scenario.units if u.group == group}
    headcount = {
        (row.unit_id, row.skill): row.after for row in result.staff if row.unit_id in units
    }
    g = group_input(result.scenario, group)
    for u in g.units:
        for k in g.skills:
            headcount.setdefault((u.unit_id, k), 0)
    unit_of: dict[str, str] = {}
    for a in result.assignments:
        if a.unit_id in units:
            if a.service_id in unit_of or abs(a.share - 1.0) > 1e-9:
                raise AssertionError(f"{a.service_id} split or assigned twice")
            unit_of[a.service_id] = a.unit_id
    return headcount, unit_of


# -- split services (an LP per headcount allocation) -------------------------------------------


@dataclass(frozen=True)
class SplitResult:
    """Optimum with `split services = yes`: shares are continuous, headcounts enumerated."""

    feasible: bool
    best: float | None  # t*
    fewest_moves: float | None  # staff moved + service shares moved at t* (within SPLIT_SLACK)


SPLIT_SLACK = 1e-7  # relative slack on t* in the moves stage of the split oracle


def _split_lp(g: GroupInput, headcount, threshold: float | None) -> float | None:
    """One LP for fixed headcount: min t (threshold None) or min shares moved with load <= threshold
    x capacity. Returns the optimum, or None when infeasible. Built with highspy's plain API."""
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("primal_feasibility_tolerance", 1e-9)
    h.setOptionValue("dual_feasibility_tolerance", 1e-9)
    columns: dict[tuple[str, str], int] = {}
    moved = []
    for s in g.services:
        for u in allowed_units(g, s):
            cost = 1.0 if (threshold is not None and u != s.unit_id) else 0.0
            h.addCol(cost, 0.0, 1.0, 0, [], [])
            columns[(s.service_id, u)] = h.getNumCol() - 1
            if u != s.unit_id:
                moved.append(columns[(s.service_id, u)])
    t_col = -1
    if threshold is None:
        h.addCol(1.0, 0.0, highspy.kHighsInf, 0, [], [])
        t_col = h.getNumCol() - 1
    for s in g.services:
        cols = [columns[(s.service_id, u)] for u in allowed_units(g, s)]
        h.addRow(1.0, 1.0, len(cols), np.array(cols, np.int32), np.ones(len(cols)))
    for u in g.units:
        for k in g.skills:
            terms = [
                (columns[(s.service_id, u.unit_id)], float(g.weight[s.service_id]))
                for s in g.services
                if s.skill == k and (s.service_id, u.unit_id) in columns
            ]
            if not terms:
                continue
            # Each row divided by the most load the cell could carry, so that it is O(1).
            scale = max(sum(w for _, w in terms), 1e-12)
            capacity = float(headcount[(u.unit_id, k)] * g.capacity_per_employee[u.unit_id])
            cols = [c for c, _ in terms]
            values = [w / scale for _, w in terms]
            if threshold is None:
                cols, values, upper = [*cols, t_col], [*values, -capacity / scale], 0.0
            else:
                upper = threshold * capacity / scale
            h.addRow(
                -highspy.kHighsInf, upper, len(cols), np.array(cols, np.int32), np.array(values)
            )
    limit = g.scenario.settings.max_service_moves
    if limit is not None and moved:
        h.addRow(
            -highspy.kHighsInf,
            float(limit),
            len(moved),
            np.array(moved, np.int32),
            np.ones(len(moved)),
        )
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return float(h.getInfo().objective_function_value)


def solve_split_group(scenario: Scenario, group: str) -> SplitResult:
    """Enumerate headcount allocations; for each, the LP optimum of the shares."""
    g = group_input(scenario, group)
    staff = staff_plans(g)
    values = [(_split_lp(g, p.headcount, None), p) for p in staff]
    reachable = [(t, p) for t, p in values if t is not None]
    if not reachable:
        return SplitResult(False, None, None)
    best = min(t for t, _ in reachable)
    fewest = None
    for t, p in reachable:
        if t <= best * (1 + SPLIT_SLACK) + 1e-12:
            shares = _split_lp(g, p.headcount, best * (1 + SPLIT_SLACK) + 1e-12)
            if shares is not None:
                total = p.moved + shares
                fewest = total if fewest is None else min(fewest, total)
    return SplitResult(True, best, fewest)
