"""One group's problem, read from a frozen Scenario by the model's definition, in exact fractions.

The definition is the one in tests/oracle.py's docstring (the engine issue's): per group, integer
headcounts n[u, k] conserving each skill's start (current staff + new hires); Min <= sum_k n <= Max
of every unit (also when staff cannot move); sum_k |n - start| <= Max moves; a Locked unit, or
`allow staff moves = no`, keeps n = start; staff moved = sum max(0, n - start) <= `max staff moves`;
each service whole at its unit or, if Movable and `allow service moves`, at an eligible unit (blank:
any unit of the group), services moved <= `max service moves`; load of a cell = sum of its
services' weights (1, or volume x minutes / 60 x (1 - digital share)); capacity = n x service share
(x hours per FTE in hours mode); no cell with load and no capacity. minmax: smallest max coefficient
t*, then fewest staff moved + services moved; balance: smallest sum over cells |load - mean_k x
capacity| (mean_k = the group's starting load of skill k over its starting capacity), then fewest
moves.

Nothing here imports planner's model, search or solvers: only planner.domain (the frozen input) and
planner.result's records (to read a planner's plan back). Numbers are the decimals a planner typed,
`Fraction(repr(x))`, so 0.1 is 1/10 and ties are ties.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from planner.domain import CoefficientMode, DecisionKind, Objective, Scenario, Service, Unit
from tests.support import staff_kept

INFINITE = float("inf")


def exact(value: float | int) -> Fraction:
    """The decimal a planner typed, as an exact fraction (0.1 -> 1/10, not the binary float)."""
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


@dataclass(frozen=True)
class GroupProblem:
    """One group's data, in exact fractions, with units and skills in a fixed order."""

    group: str
    objective: Objective
    units: tuple[Unit, ...]
    skills: tuple[str, ...]
    services: tuple[Service, ...]
    start: Mapping[tuple[str, str], int]  # current + new hires, every cell of units x skills
    capacity_per_employee: Mapping[str, Fraction]  # share (x hours per FTE in hours mode)
    weight: Mapping[str, Fraction]  # service id -> load it brings
    allowed: Mapping[str, tuple[str, ...]]  # service id -> units it may be at, its own first
    staff_fixed: Mapping[str, bool]  # unit id -> Locked or `allow staff moves = no`
    kept: Mapping[str, tuple[int, frozenset[str]]]  # unit id -> staff it keeps, skills kept
    max_staff_moves: int | None
    max_service_moves: int | None
    # The planner's decisions about staff, read by their definition (net transfers): the fewest
    # and most employees a cell may end with (pinned transfers: a sender loses, a receiver gains
    # at least its pins), fixed headcounts (unit, skill or None, employees), and for pairs that
    # must or must not be used, (from, to, skill) -> the fewest employees on it (0: forbidden).
    cell_bounds: Mapping[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    fixed_headcounts: tuple[tuple[str, str | None, int], ...] = ()
    pairs: Mapping[tuple[str, str, str], int | None] = field(default_factory=dict)

    @property
    def cells(self) -> tuple[tuple[str, str], ...]:
        return tuple((u.unit_id, k) for u in self.units for k in self.skills)

    @property
    def means(self) -> dict[str, Fraction]:
        """Starting load of each skill over its starting capacity (0 when there is no capacity)."""
        load = loads(self, {s.service_id: s.unit_id for s in self.services})
        means = {}
        for k in self.skills:
            capacity = sum(
                self.start[(u.unit_id, k)] * self.capacity_per_employee[u.unit_id]
                for u in self.units
            )
            total = sum(load[(u.unit_id, k)] for u in self.units)
            means[k] = total / capacity if capacity > 0 else Fraction(0)
        return means

    def start_plan(self) -> tuple[dict[tuple[str, str], int], dict[str, str]]:
        return dict(self.start), {s.service_id: s.unit_id for s in self.services}

    def to_json(self) -> dict:
        """The worker's encoding: indices for units and skills, fractions as strings."""
        unit_index = {u.unit_id: i for i, u in enumerate(self.units)}
        skill_index = {k: i for i, k in enumerate(self.skills)}
        means = self.means
        return {
            "objective": self.objective.value,
            "units": [
                {
                    "min": u.min_employees,
                    "max": u.max_employees,
                    "max_moves": u.max_moves,
                    "fixed": self.staff_fixed[u.unit_id],
                    "keep": self.kept[u.unit_id][0],
                    "keep_skills": [skill_index[k] for k in sorted(self.kept[u.unit_id][1])],
                }
                for u in self.units
            ],
            "skills": len(self.skills),
            "start": [[self.start[(u.unit_id, k)] for k in self.skills] for u in self.units],
            "capacity": [str(self.capacity_per_employee[u.unit_id]) for u in self.units],
            "services": [
                {
                    "skill": skill_index[s.skill],
                    "home": unit_index[s.unit_id],
                    "weight": str(self.weight[s.service_id]),
                    "allowed": [unit_index[u] for u in self.allowed[s.service_id]],
                }
                for s in self.services
            ],
            "max_staff_moves": self.max_staff_moves,
            "max_service_moves": self.max_service_moves,
            "means": [str(means[k]) for k in self.skills],
            "cell_bounds": [[unit_index[u], skill_index[k], low, high]
                            for (u, k), (low, high) in sorted(self.cell_bounds.items())],
            "fixed_headcounts": [[unit_index[u], -1 if k is None else skill_index[k], e]
                                 for u, k, e in self.fixed_headcounts],
            # only with a forbidden pair does the worker need to know who sends to whom
            "pairs": [[unit_index[a], unit_index[b], skill_index[k], e]
                      for (a, b, k), e in sorted(self.pairs.items())]
            if any(e is None for e in self.pairs.values()) else [],
        }  # fmt: skip

    def plan_from_json(
        self, headcount: list[list[int]], unit_of: list[int]
    ) -> tuple[dict[tuple[str, str], int], dict[str, str]]:
        cells = {
            (u.unit_id, k): int(headcount[i][j])
            for i, u in enumerate(self.units)
            for j, k in enumerate(self.skills)
        }
        where = {s.service_id: self.units[unit_of[i]].unit_id for i, s in enumerate(self.services)}
        return cells, where


def group_problem(scenario: Scenario, group: str) -> GroupProblem:
    """Read one group's problem from the frozen scenario (whole services: split is not modelled)."""
    settings = scenario.settings
    if settings.split_services:
        raise ValueError("the reference models whole services only (split services = no)")
    hours_mode = settings.coefficient is CoefficientMode.HOURS
    units = tuple(sorted((u for u in scenario.units if u.group == group), key=lambda u: u.unit_id))
    ids = [u.unit_id for u in units]
    id_set = set(ids)
    services = tuple(
        sorted((s for s in scenario.services if s.unit_id in id_set), key=lambda s: s.service_id)
    )
    counted: dict[tuple[str, str], int] = {}
    for record in (*scenario.staff, *scenario.hires):
        if record.unit_id in id_set:
            key = (record.unit_id, record.skill)
            counted[key] = counted.get(key, 0) + record.employees
    skills = tuple(sorted({k for (_, k) in counted} | {s.skill for s in services}))
    start = {(u, k): counted.get((u, k), 0) for u in ids for k in skills}
    capacity = {}
    for unit in units:
        per_employee = exact(unit.service_share)
        if hours_mode:
            per_employee *= exact(unit.hours_per_fte or settings.hours_per_fte or 0.0)
        capacity[unit.unit_id] = per_employee
    weight = {}
    allowed = {}
    for s in services:
        if hours_mode:
            weight[s.service_id] = (
                exact(s.volume) * exact(s.minutes or 0) / 60 * (1 - exact(s.digital_share))
            )
        else:
            weight[s.service_id] = Fraction(1)
        if s.movable and settings.allow_service_moves:
            listed = [u for u in ids if u in s.eligible_units] if s.eligible_units else ids
            allowed[s.service_id] = (s.unit_id, *(u for u in listed if u != s.unit_id))
        else:
            allowed[s.service_id] = (s.unit_id,)
        for d in scenario.decisions:  # a pinned service may be only there, a forbidden not there
            if d.service_id == s.service_id and d.kind is DecisionKind.PIN_SERVICE:
                allowed[s.service_id] = tuple(u for u in allowed[s.service_id] if u == d.unit_id)
            elif d.service_id == s.service_id and d.kind is DecisionKind.FORBID_SERVICE:
                allowed[s.service_id] = tuple(u for u in allowed[s.service_id] if u != d.unit_id)
    return GroupProblem(
        group=group,
        objective=settings.objective,
        units=units,
        skills=skills,
        services=services,
        start=start,
        capacity_per_employee=capacity,
        weight=weight,
        allowed=allowed,
        staff_fixed={u.unit_id: u.locked or not settings.allow_staff_moves for u in units},
        kept={
            u.unit_id: staff_kept(
                {k: start[(u.unit_id, k)] for k in skills},
                {s.skill for s in services if s.unit_id == u.unit_id},
                settings.keep_staff_share,
            )
            for u in units
        },
        max_staff_moves=settings.max_staff_moves,
        max_service_moves=settings.max_service_moves,
        **_staff_decisions(scenario, id_set, skills, start),
    )


def _staff_decisions(scenario: Scenario, ids: set[str], skills, start) -> dict:
    """The GroupProblem fields of the decisions about this group's staff."""
    sent: dict[tuple[str, str], int] = {}
    received: dict[tuple[str, str], int] = {}
    fixed: list[tuple[str, str | None, int]] = []
    pairs: dict[tuple[str, str, str], int | None] = {}
    total = {k: sum(start[(u, k)] for u in ids) for k in skills}
    for d in scenario.decisions:
        if d.unit_id not in ids or d.to_unit is None and d.kind.is_transfer:
            continue
        if d.kind is DecisionKind.FIX_HEADCOUNT:
            fixed.append((d.unit_id, d.skill, int(d.employees or 0)))
        elif d.kind is DecisionKind.PIN_TRANSFER:
            k = d.skill if d.skill is not None else skills[0]  # a group of one skill
            sent[(d.unit_id, k)] = sent.get((d.unit_id, k), 0) + int(d.employees or 0)
            received[(d.to_unit, k)] = received.get((d.to_unit, k), 0) + int(d.employees or 0)
            pairs[(d.unit_id, d.to_unit, k)] = int(d.employees or 0)
        elif d.kind is DecisionKind.FORBID_TRANSFER:
            for k in skills if d.skill is None else (d.skill,):
                pairs[(d.unit_id, d.to_unit, k)] = None
    bounds = {cell: (0, start[cell] - e) for cell, e in sent.items()}
    bounds |= {cell: (start[cell] + e, total[cell[1]]) for cell, e in received.items()}
    return {"cell_bounds": bounds, "fixed_headcounts": tuple(fixed), "pairs": pairs}


def loads(g: GroupProblem, unit_of: Mapping[str, str]) -> dict[tuple[str, str], Fraction]:
    load = {cell: Fraction(0) for cell in g.cells}
    for s in g.services:
        load[(unit_of[s.service_id], s.skill)] += g.weight[s.service_id]
    return load


@dataclass(frozen=True)
class PlanValue:
    """What a plan gives, exactly, and every rule it breaks."""

    max_coefficient: Fraction | float  # inf when a cell has load and no capacity
    deviation: Fraction
    staff_moved: int
    services_moved: int
    broken: tuple[str, ...]

    @property
    def moves(self) -> int:
        return self.staff_moved + self.services_moved

    def objective(self, objective: Objective) -> Fraction | float:
        return self.deviation if objective is Objective.BALANCE else self.max_coefficient


def evaluate(
    g: GroupProblem, headcount: Mapping[tuple[str, str], int], unit_of: Mapping[str, str]
) -> PlanValue:
    """Exact figures of one plan and every rule of the definition that it breaks."""
    broken = []
    extra = set(headcount) - set(g.cells)
    if any(headcount[c] for c in extra):
        broken.append(f"headcount outside the group's cells: {sorted(extra)}")
    n = {cell: int(headcount.get(cell, 0)) for cell in g.cells}
    for k in g.skills:
        before = sum(g.start[(u.unit_id, k)] for u in g.units)
        after = sum(n[(u.unit_id, k)] for u in g.units)
        if before != after:
            broken.append(f"skill {k}: {after} employees, {before} at the start")
    staff_moved = 0
    for unit in g.units:
        u = unit.unit_id
        total = sum(n[(u, k)] for k in g.skills)
        changes = sum(abs(n[(u, k)] - g.start[(u, k)]) for k in g.skills)
        staff_moved += sum(max(0, n[(u, k)] - g.start[(u, k)]) for k in g.skills)
        if any(n[(u, k)] < 0 for k in g.skills):
            broken.append(f"{u}: negative headcount")
        if total < unit.min_employees:
            broken.append(f"{u}: {total} below Min employees {unit.min_employees}")
        kept, kept_skills = g.kept[u]
        if total < kept:
            broken.append(f"{u}: {total} below the {kept} employees it keeps")
        for k in sorted(kept_skills):
            if n[(u, k)] < 1:
                broken.append(f"{u}: no {k} left for its own {k} services")
        if unit.max_employees is not None and total > unit.max_employees:
            broken.append(f"{u}: {total} above Max employees {unit.max_employees}")
        if unit.max_moves is not None and changes > unit.max_moves:
            broken.append(f"{u}: {changes} moves above Max moves {unit.max_moves}")
        if g.staff_fixed[u] and changes:
            broken.append(f"{u}: staff changed where staff cannot move")
    if g.max_staff_moves is not None and staff_moved > g.max_staff_moves:
        broken.append(f"{staff_moved} staff moved above max staff moves {g.max_staff_moves}")
    services_moved = 0
    for s in g.services:
        where = unit_of.get(s.service_id)
        if where not in g.allowed[s.service_id]:
            broken.append(f"{s.service_id} at {where}, not allowed")
            where = s.unit_id
        services_moved += where != s.unit_id
    if g.max_service_moves is not None and services_moved > g.max_service_moves:
        broken.append(f"{services_moved} services moved above {g.max_service_moves}")
    broken.extend(_decisions_broken(g, n))
    placed = {
        sid: (unit_of[sid] if unit_of.get(sid) in g.allowed[sid] else g.allowed[sid][0])
        for sid in g.allowed
    }
    load = loads(g, placed)
    means = g.means
    worst: Fraction | float = Fraction(0)
    deviation = Fraction(0)
    for (u, k), cell_load in load.items():
        capacity = n[(u, k)] * g.capacity_per_employee[u]
        if cell_load > 0 and capacity <= 0:
            broken.append(f"{u}/{k}: load without capacity")
            worst = INFINITE
        elif cell_load > 0 and worst != INFINITE:
            worst = max(worst, cell_load / capacity)
        deviation += abs(cell_load - means[k] * capacity)
    return PlanValue(worst, deviation, staff_moved, services_moved, tuple(broken))


def planner_plan(result, group: str) -> tuple[dict[tuple[str, str], int], dict[str, str]]:
    """A planner Result's plan for one group, read from its records (whole services only)."""
    units = {u.unit_id for u in result.scenario.units if u.group == group}
    headcount = {
        (row.unit_id, row.skill): row.after for row in result.staff if row.unit_id in units
    }
    unit_of: dict[str, str] = {}
    for a in result.assignments:
        if a.unit_id in units:
            if a.service_id in unit_of or abs(a.share - 1.0) > 1e-9:
                raise AssertionError(f"{a.service_id} split or assigned twice")
            unit_of[a.service_id] = a.unit_id
    return headcount, unit_of


def _decisions_broken(g: GroupProblem, n: Mapping[tuple[str, str], int]) -> list[str]:
    """The staff decisions a headcount breaks: cell bounds, fixed headcounts, and whether the net
    losses can reach the net gains with every pinned pair carrying its pins and no forbidden pair
    used (Hall's condition on what is left after the pins)."""
    broken = []
    for (u, k), (low, high) in g.cell_bounds.items():
        if not low <= n[(u, k)] <= high:
            broken.append(f"{u}/{k}: {n[(u, k)]} outside {low}..{high} (a pinned transfer)")
    for u, k, employees in g.fixed_headcounts:
        total = sum(n[(u, s)] for s in g.skills if k in (None, s))
        if total != employees:
            broken.append(f"{u}: {total}, fixed at {employees}")
    for k in g.skills:
        loss = {u.unit_id: max(0, g.start[(u.unit_id, k)] - n[(u.unit_id, k)]) for u in g.units}
        gain = {u.unit_id: max(0, n[(u.unit_id, k)] - g.start[(u.unit_id, k)]) for u in g.units}
        for (a, b, skill), pinned in g.pairs.items():
            if skill == k and pinned:
                loss[a] -= pinned
                gain[b] -= pinned
        if min([*loss.values(), *gain.values()], default=0) < 0:
            broken.append(f"{k}: a pinned transfer is not in the plan")
            continue
        forbidden = {(a, b) for (a, b, skill), e in g.pairs.items() if skill == k and e is None}
        senders = [u for u, v in loss.items() if v > 0]
        for size in range(1, len(senders) + 1):
            for chosen in itertools.combinations(senders, size):
                reach = {b for b, v in gain.items() if v and any((a, b) not in forbidden
                                                                 for a in chosen)}  # fmt: skip
                if sum(loss[a] for a in chosen) > sum(gain[b] for b in reach):
                    broken.append(f"{k}: {', '.join(chosen)} can send only over forbidden pairs")
    return broken
