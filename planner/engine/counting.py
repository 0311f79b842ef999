"""Exact minmax when only staff move: t* by counting and flows, the fewest moves by a min-cost flow.

Where it applies (`staff_only_shape`): objective minmax; no service of the group can move (services
not movable, or `allow service moves = no`), so every cell's load L[u,k] is a constant; no unit has a
Max moves other than blank or 0 (0, Locked and `allow staff moves = no` fix a unit's cells at their
start); every loaded cell of a unit whose staff may change has a positive capacity per employee c[u];
and the group has a plan at all (otherwise the MILP path reports and explains the infeasibility).
Everything else (Max moves of 1 or more, movable services, balance, leximax) keeps the MILP path.

The rules, as model.py writes them for this shape: n[u,k] integer; a fixed cell keeps n = start; a
free cell has keep[u,k] <= n <= max(start, min(skill total, Max employees)); per skill, sum_u n[u,k] =
the skill's start total; per unit, Min <= sum_k n[u,k] <= Max, and a free unit keeps its share of
staff; staff moved = sum max(0, n - start) <= `max staff moves`.

Feasibility at a threshold t. The cell's coefficient at n employees is L / (n x c), computed in
floating point exactly as plan.max_coefficient computes it, and it does not increase with n (IEEE
multiplication and division are monotone). So at t a loaded free cell needs n >= need(t), the
smallest n with L / (n c) <= t (found by ceil(L / (t c)) and checked against the float formula one
step either way); a fixed cell needs its own coefficient <= t. With these lower bounds, a plan at t
is an integral flow: source -> skill k (exactly its total), skill k -> unit u ([lower, upper] of
the cell), unit u -> sink ([Min (or the share kept), Max]); integral bounds give an integral flow if
any flow exists (the integrality theorem), so feasibility is decided exactly by one max flow on a
circulation with lower bounds (Hoffman), in integers. With a `max staff moves`, feasible also needs
the fewest moves at t (below) within it.

Why t* is exact (the proof that no plan beats it). Every plan P has a value v(P), the largest cell
coefficient, and v(P) is one of a finite set of candidates: L / (n c) for a loaded cell and an n
within its bounds, or a fixed cell's coefficient. P is feasible at t = v(P), and feasibility is
monotone in t (need(t) never grows with t). The search tests candidates in increasing order by
bisection over the sorted candidates and returns the smallest feasible one, t*; every smaller
candidate was proven infeasible by an exact integer max flow, so no plan has v(P) < t*, and the plan
the flow gives has v = t*. No solver tolerance enters: all bounds are integers, every comparison is
the one verify and the report make.

The fewest moves. Among plans with every cell at or below t* (1 + RELATIVE_TOLERANCE) (the slack the
MILP's moves stage allows, session.py, so both paths answer the same question), the fewest staff
moved is a min-cost flow: each cell's arc split into its start (cost 0) and the employees beyond it
(cost 1 each); successive shortest paths on integer data return an integral optimum with its
proof (node potentials under which no residual arc has a negative reduced cost), exactly. Most
groups need no flow for it: a plan moving exactly sum max(0, lower - start) employees, which
every plan needs, is looked for first by one max flow (_built). If every unit of a skill could take any number, this would be the closed form
"sum of positive deficits"; the unit limits (Min, Max, the share kept) couple the skills, which is
why a flow is needed.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

import numpy as np

from planner.domain import Objective
from planner.engine.group import GroupData
from planner.engine.plan import Plan, current_plan, max_coefficient, plan_load, whole_assignment

# The moves stage allows cells this far above t* (relative), as the MILP path does (session.py's
# RELATIVE_TOLERANCE; repeated here because the engine's layers put this module below session).
MOVES_SLACK = 1e-6
# Candidates enumerated at once; above this the window is narrowed by bisection on t first.
MAX_WINDOW = 200_000
_INFINITE_CAPACITY = 2**30  # int32 max-flow capacities: larger than any group's staff


@dataclass(frozen=True)
class StaffOnlyOptimum:
    """The exact answer for a group of the staff-only shape: t* (no plan has a smaller maximum
    coefficient), a plan with the fewest moves at it, and the effort."""

    plan: Plan
    t_star: float  # the proven minimum of the maximum coefficient
    value: float  # the plan's maximum coefficient (t* <= value <= t* (1 + MOVES_SLACK))
    staff_moved: int
    refuted: int  # thresholds refuted by a sum of the rules
    built: int  # thresholds shown feasible by a plan built directly
    flows: int  # thresholds settled by a max flow
    seconds: float


def staff_only_shape(data: GroupData) -> bool:
    """Whether the group's minmax problem is of the shape this module solves exactly."""
    if data.settings.objective != Objective.MINMAX:
        return False
    if data.services and bool(data.movable.any()):
        return False
    return staff_counted(data)


def staff_counted(data: GroupData) -> bool:
    """Whether, once every service has a unit, the best headcounts are found by counting: the
    rules on staff are the pool's (no decisions, distances or Max moves of 1 or more)."""
    settings = data.settings
    # Decisions (pinned or forbidden transfers, fixed headcounts) and distances (who may send to
    # whom, then the least total distance) are rules on pairs of units that counts per cell do
    # not carry: those groups keep the MILP.
    if data.decisions or data.distance is not None:
        return False
    for unit in data.units:
        if unit.max_moves not in (None, 0) and not unit.locked and settings.allow_staff_moves:
            return False
    return True


@dataclass(frozen=True)
class _Pool:
    """The group as integer bounds: cells (u, k) with their loads, the unit and skill limits."""

    load: np.ndarray  # (U, K) constant load of each cell
    capacity: np.ndarray  # (U,) capacity per employee
    start: np.ndarray  # (U, K)
    fixed: np.ndarray  # (U, K) bool: n = start
    keep: np.ndarray  # (U, K) lower bound of a free cell (one of a skill its services need)
    upper: np.ndarray  # (U, K) upper bound of a free cell
    unit_lower: np.ndarray  # (U,)
    unit_upper: np.ndarray  # (U,)
    totals: np.ndarray  # (K,)
    budget: int | None  # max staff moves

    def coefficient(self, n: np.ndarray) -> np.ndarray:
        """(U, K) coefficients at headcount n, by the formula of GroupData.coefficients."""
        capacity = n * self.capacity[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(capacity > 0, self.load / np.where(capacity > 0, capacity, 1), 0.0)
        return np.where((capacity <= 0) & (self.load > 0), math.inf, value)

    def need(self, t: float) -> np.ndarray:
        """(U, K) the fewest employees of each cell at threshold t (0 for an unloaded cell)."""
        return _need(self.load, np.broadcast_to(self.capacity[:, None], self.load.shape), t)

    def bounds_at(
        self, t: float, need: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """(lower, upper) of every cell at t, or None when some cell cannot meet t at all
        (need: self.need(t), when the caller has it)."""
        if (self.fixed & (self.coefficient(self.start) > t)).any():
            return None
        need = self.need(t) if need is None else need
        lower = np.where(self.fixed, self.start, np.maximum(self.keep, need))
        upper = np.where(self.fixed, self.start, self.upper)
        if (lower > upper).any():
            return None
        return lower, upper


def _need(load: np.ndarray, capacity: np.ndarray, t: float) -> np.ndarray:
    """The fewest employees of each cell with this load and capacity per employee at threshold t
    (0 for an unloaded cell), element by element: the smallest n whose coefficient, computed as
    _Pool.coefficient computes it, is at most t."""
    loaded = load > 0

    def coefficient(n: np.ndarray) -> np.ndarray:
        total = n * capacity
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(total > 0, load / np.where(total > 0, total, 1), 0.0)
        return np.where((total <= 0) & loaded, math.inf, value)

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        guess = np.ceil(load / (t * capacity))
    guess = np.where(loaded & np.isfinite(guess), np.clip(guess, 1, 2**40), 1).astype(np.int64)
    # One float step either way: the smallest n whose computed coefficient is <= t.
    for _ in range(4):
        lower = np.maximum(guess - 1, 1)
        down = loaded & (guess > 1) & (coefficient(lower) <= t)
        up = loaded & (coefficient(guess) > t)
        if not down.any() and not up.any():
            break
        guess = np.where(down, lower, np.where(up, guess + 1, guess))
    return np.where(loaded, guess, 0)


def staff_pool(data: GroupData) -> _Pool | None:
    """The group as integer bounds (None: a loaded cell no employee can serve)."""
    settings = data.settings
    start = data.start.astype(np.int64)
    totals = start.sum(axis=0)
    keep_cells, keep_totals = data.staff_kept()
    units = data.units
    unit_fixed = np.array(
        [(not settings.allow_staff_moves) or u.locked or u.max_moves == 0 for u in units], bool
    )
    fixed = unit_fixed[:, None] | (totals[None, :] == 0)
    max_employees = np.array(
        [totals.sum() if u.max_employees is None else u.max_employees for u in units], np.int64
    )
    upper = np.maximum(np.minimum(totals[None, :], max_employees[:, None]), start)
    unit_lower = np.array([u.min_employees for u in units], np.int64)
    free_unit = ~unit_fixed
    unit_lower = np.where(free_unit, np.maximum(unit_lower, keep_totals), unit_lower)
    unit_upper = np.array(
        [_INFINITE_CAPACITY if u.max_employees is None else u.max_employees for u in units],
        np.int64,
    )
    load = plan_load(data, current_plan(data))
    capacity = data.capacity_per_employee.astype(float)
    if ((load > 0) & ~fixed & (capacity[:, None] <= 0)).any():
        return None  # a loaded cell no employee can serve: the MILP path explains it
    budget = settings.max_staff_moves
    return _Pool(
        load, capacity, start, fixed, keep_cells.astype(np.int64), upper, unit_lower,
        unit_upper, totals, budget,
    )  # fmt: skip


class _Network:
    """The circulation of one group: node numbers and the arcs skill -> cell -> unit."""

    def __init__(self, pool: _Pool) -> None:
        self.pool = pool
        num_units, num_skills = pool.start.shape
        self.source, self.sink = 0, 1
        self.skill_node = 2 + np.arange(num_skills)
        self.unit_node = 2 + num_skills + np.arange(num_units)
        self.super_source: int = 2 + num_skills + num_units
        self.super_sink: int = self.super_source + 1
        self.nodes: int = self.super_sink + 1
        # Cells that can hold staff: a skill with staff in the group (others are fixed at 0).
        self.cells = [(u, k) for u in range(num_units) for k in range(num_skills)]

    def feasible_flow(self, lower: np.ndarray, upper: np.ndarray) -> np.ndarray | None:
        """(U, K) integral headcounts within the bounds meeting every unit and skill total, or
        None when there is none (exact: the max flow does not saturate the forced arcs)."""
        pool = self.pool
        tails, heads, capacities = [], [], []
        excess = np.zeros(self.nodes, dtype=np.int64)

        def arc(tail: int, head: int, low: int, high: int) -> None:
            excess[head] += low
            excess[tail] -= low
            if high > low:
                tails.append(tail)
                heads.append(head)
                capacities.append(high - low)

        for k, skill in enumerate(self.skill_node):
            arc(self.source, int(skill), int(pool.totals[k]), int(pool.totals[k]))
        for u, k in self.cells:
            if upper[u, k] > 0:
                arc(int(self.skill_node[k]), int(self.unit_node[u]), int(lower[u, k]),
                    int(upper[u, k]))  # fmt: skip
        for u, unit in enumerate(self.unit_node):
            high = int(min(pool.unit_upper[u], _INFINITE_CAPACITY))
            if pool.unit_lower[u] > high:
                return None
            arc(int(unit), self.sink, int(pool.unit_lower[u]), high)
        arc(self.sink, self.source, 0, _INFINITE_CAPACITY)
        demand = 0
        for node in range(self.super_source):
            if excess[node] > 0:
                arc(self.super_source, node, 0, int(excess[node]))
                demand += int(excess[node])
            elif excess[node] < 0:
                arc(node, self.super_sink, 0, int(-excess[node]))
        from scipy.sparse import csr_matrix  # not at start-up: see engine/plan.py
        from scipy.sparse.csgraph import maximum_flow

        graph = csr_matrix(
            (np.asarray(capacities, dtype=np.int32), (tails, heads)),
            shape=(self.nodes, self.nodes),
        )
        result = maximum_flow(graph, self.super_source, self.super_sink)
        if result.flow_value < demand:
            return None
        cells = np.asarray(self.cells, dtype=np.int64).reshape(-1, 2)
        cell_tails, cell_heads = self.skill_node[cells[:, 1]], self.unit_node[cells[:, 0]]
        through = np.asarray(result.flow[cell_tails, cell_heads]).ravel()
        headcount = lower.copy()
        headcount[cells[:, 0], cells[:, 1]] += np.maximum(through, 0).astype(np.int64)
        return headcount


class _MinCostFlow:
    """Successive shortest paths (Dijkstra on reduced costs, node potentials) on integer data:
    each augmentation keeps the flow optimal for its value, so the flow of maximum value it ends
    with is a min-cost one (reduced costs >= 0 on every residual arc are its certificate)."""

    def __init__(self, nodes: int) -> None:
        self.arcs: list[list[int]] = [[] for _ in range(nodes)]
        self.head: list[int] = []
        self.capacity: list[int] = []
        self.cost: list[int] = []

    def add(self, tail: int, head: int, capacity: int, cost: int) -> int:
        """An arc and its reverse; returns the arc's index (its flow: flow_on)."""
        index = len(self.head)
        self.head += [head, tail]
        self.capacity += [capacity, 0]
        self.cost += [cost, -cost]
        self.arcs[tail].append(index)
        self.arcs[head].append(index + 1)
        return index

    def flow_on(self, arc: int) -> int:
        return self.capacity[arc ^ 1]

    def run(self, source: int, sink: int) -> tuple[int, int]:
        """(flow value, cost) of a min-cost maximum flow from source to sink."""
        import heapq  # noqa: PLC0415

        nodes = len(self.arcs)
        potential = [0] * nodes
        value = total_cost = 0
        head, capacity, cost, arcs = self.head, self.capacity, self.cost, self.arcs
        while True:
            distance = [math.inf] * nodes
            via = [-1] * nodes
            distance[source] = 0
            queue = [(0, source)]
            while queue:
                d, node = heapq.heappop(queue)
                if d > distance[node]:
                    continue
                for arc in arcs[node]:
                    if capacity[arc] <= 0:
                        continue
                    other = head[arc]
                    reduced = d + cost[arc] + potential[node] - potential[other]
                    if reduced < distance[other]:
                        distance[other] = reduced
                        via[other] = arc
                        heapq.heappush(queue, (reduced, other))
            if distance[sink] == math.inf:
                return value, total_cost
            for node in range(nodes):
                if distance[node] < math.inf:
                    potential[node] += int(distance[node])
            push, node = math.inf, sink
            while node != source:
                arc = via[node]
                push = min(push, capacity[arc])
                node = head[arc ^ 1]
            node = sink
            while node != source:
                arc = via[node]
                capacity[arc] -= int(push)
                capacity[arc ^ 1] += int(push)
                total_cost += int(push) * cost[arc]
                node = head[arc ^ 1]
            value += int(push)


def fewest_moves(pool: _Pool, lower: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, int]:
    """Headcounts within the bounds meeting every total with the fewest staff moved (sum of
    max(0, n - start)), by a min-cost flow on integers; the bounds must admit a flow.

    The network: skill k -> cell (u, k) up to its start at cost 0 and beyond at cost 1 per
    employee (a move), cell -> unit u, unit -> sink; the lower bounds (the cell's, the unit's Min)
    are taken out of their arcs as demands, met from a super source to a super sink."""
    num_units, num_skills = pool.start.shape
    skill_node = list(range(num_skills))
    cell_node = num_skills + np.arange(num_units * num_skills).reshape(num_units, num_skills)
    unit_node = num_skills + num_units * num_skills + np.arange(num_units)
    sink = num_skills + num_units * num_skills + num_units
    source_star, sink_star = sink + 1, sink + 2
    network = _MinCostFlow(sink + 3)
    demand = [0] * (sink + 1)
    cell_arc = np.full((num_units, num_skills), -1, dtype=np.int64)
    for k in range(num_skills):
        demand[skill_node[k]] -= int(pool.totals[k])
    demand[sink] += int(pool.totals.sum())
    for u in range(num_units):
        unit = int(unit_node[u])
        for k in range(num_skills):
            low, high, here = int(lower[u, k]), int(upper[u, k]), int(pool.start[u, k])
            if high <= 0:
                continue
            cell = int(cell_node[u, k])
            stay = min(here, high)
            if stay > 0:
                network.add(skill_node[k], cell, stay, 0)
            if high > stay:
                network.add(skill_node[k], cell, high - stay, 1)
            demand[cell] += low
            demand[unit] -= low
            if high > low:
                cell_arc[u, k] = network.add(cell, unit, high - low, 0)
        unit_low = int(pool.unit_lower[u])
        unit_high = int(min(pool.unit_upper[u], pool.totals.sum()))
        demand[unit] += unit_low
        demand[sink] -= unit_low
        if unit_high > unit_low:
            network.add(unit, sink, unit_high - unit_low, 0)
    required = 0
    for node, value in enumerate(demand):
        if value < 0:
            network.add(source_star, node, -value, 0)
        elif value > 0:
            network.add(node, sink_star, value, 0)
            required += value
    value, _ = network.run(source_star, sink_star)
    if value < required:
        raise ValueError("fewest_moves: the bounds admit no plan")
    headcount = lower.copy()
    for u, k in zip(*np.nonzero(cell_arc >= 0), strict=True):
        headcount[u, k] += network.flow_on(int(cell_arc[u, k]))
    moved = int(np.maximum(headcount - pool.start, 0).sum())
    return headcount, moved


@dataclass
class _Tally:
    """How each threshold was settled: by an aggregate rule alone (refuted), by a plan built
    directly (shown), or by a max flow (either way)."""

    refuted: int = 0
    built: int = 0
    flows: int = 0


def _refuted(pool: _Pool, lower: np.ndarray, upper: np.ndarray) -> bool:
    """Whether a sum of the rules already excludes every plan within the bounds: a skill whose
    cells need more than it has (or can hold less), a unit whose cells need more than its Max (or
    can hold less than its Min), the group's units needing more than all its staff, or more moves
    needed than the budget. Each is a consequence of the rules, so True is a proof."""
    if (lower.sum(axis=0) > pool.totals).any() or (upper.sum(axis=0) < pool.totals).any():
        return True
    unit_need = np.maximum(lower.sum(axis=1), pool.unit_lower)
    if (unit_need > pool.unit_upper).any() or (upper.sum(axis=1) < pool.unit_lower).any():
        return True
    if unit_need.sum() > pool.totals.sum():
        return True
    return pool.budget is not None and int(np.maximum(lower - pool.start, 0).sum()) > pool.budget


def _greedy(
    pool: _Pool, lower: np.ndarray, filled: np.ndarray, deficit: np.ndarray
) -> np.ndarray | None:
    """The D-move plan of _built taken one employee at a time, each from the cell of the skill
    whose coefficient stays lowest without them (ties: the first unit), every unit down to its Min
    at most; None when that order runs out (the max flow then decides). Cheaper than a flow, and
    it spreads the losses: of two donors the one with more to spare gives first."""
    import heapq  # noqa: PLC0415

    headcount = filled.copy()
    unit_total = headcount.sum(axis=1)
    surplus = np.where(pool.fixed, 0, filled - lower)

    def after(v: int, k: int) -> float:
        """The cell's coefficient with one employee fewer."""
        left = int(headcount[v, k]) - 1
        if pool.load[v, k] <= 0:
            return 0.0
        return float(pool.load[v, k] / (left * pool.capacity[v])) if left > 0 else math.inf

    for k in np.flatnonzero(deficit > 0).tolist():
        donors = [(after(v, k), v) for v in np.flatnonzero(surplus[:, k] > 0).tolist()]
        heapq.heapify(donors)
        remaining = int(deficit[k])
        while remaining > 0 and donors:
            _, v = heapq.heappop(donors)
            if unit_total[v] <= pool.unit_lower[v]:
                continue  # the unit is at its Min: it gives no more, of any skill
            headcount[v, k] -= 1
            surplus[v, k] -= 1
            unit_total[v] -= 1
            remaining -= 1
            if surplus[v, k] > 0:
                heapq.heappush(donors, (after(v, k), v))
        if remaining > 0:
            return None
    return headcount


def _built(pool: _Pool, lower: np.ndarray, upper: np.ndarray) -> np.ndarray | None:
    """A plan within the bounds with the fewest moves any such plan can have, or None when no
    plan reaches that fewest (a min-cost flow then decides).

    Every plan within the bounds moves at least D = sum max(0, lower - start) employees, and one
    that moves exactly D has each cell below its bound filled to it and every other cell at or
    below its start (termwise: max(0, n - start) >= max(0, lower - start), with equal sums). So the
    plans with D moves are: fill the deficits, and take each skill's D_k back from cells above
    their bound, each unit giving at most what keeps it at its Min (and its share kept). That is
    one max flow (skill -> donor unit, capped by the cell's surplus; unit -> sink, capped by its
    room), decided exactly; a unit pushed above its Max by the filling is left to the min-cost flow."""
    filled = np.maximum(pool.start, lower)
    deficit = filled.sum(axis=0) - pool.totals
    headcount = _greedy(pool, lower, filled, deficit) if deficit.any() else filled
    if headcount is None:
        unit_total = filled.sum(axis=1)
        room = unit_total - pool.unit_lower
        if (unit_total > pool.unit_upper).any() or (room < 0).any():
            return None
        num_units, num_skills = filled.shape
        surplus = np.where(pool.fixed, 0, filled - lower)
        source, sink = 0, 1
        skill_node = 2 + np.arange(num_skills)
        unit_node = 2 + num_skills + np.arange(num_units)
        donor_units, donor_skills = np.nonzero((surplus > 0) & (deficit[None, :] > 0))
        tails = np.concatenate(
            [np.zeros(num_skills, np.int64), skill_node[donor_skills], unit_node]
        )
        heads = np.concatenate(
            [skill_node, unit_node[donor_units], np.full(num_units, sink, np.int64)]
        )
        capacities = np.concatenate(
            [deficit, surplus[donor_units, donor_skills], np.minimum(room, _INFINITE_CAPACITY)]
        )
        keep = capacities > 0
        nodes = 2 + num_skills + num_units
        from scipy.sparse import csr_matrix  # not at start-up: see engine/plan.py
        from scipy.sparse.csgraph import maximum_flow

        graph = csr_matrix(
            (capacities[keep].astype(np.int32), (tails[keep], heads[keep])), shape=(nodes, nodes)
        )
        result = maximum_flow(graph, source, sink)
        if result.flow_value < int(deficit.sum()):
            return None
        given = np.asarray(result.flow[skill_node[donor_skills], unit_node[donor_units]]).ravel()
        headcount = filled.copy()
        headcount[donor_units, donor_skills] -= np.maximum(given, 0).astype(np.int64)
    unit_total = headcount.sum(axis=1)
    if (
        (headcount < lower).any()
        or (headcount > upper).any()
        or (headcount.sum(axis=0) != pool.totals).any()
        or (unit_total < pool.unit_lower).any()
        or (unit_total > pool.unit_upper).any()
    ):
        return None
    return headcount


def _feasible(
    pool: _Pool, network: _Network, t: float, tally: _Tally, need: np.ndarray | None = None
) -> np.ndarray | None:
    """A headcount plan with every coefficient <= t (and within the move budget), or None when
    there is none (proven: a cell that cannot meet t, a sum of the rules, or a max flow); need:
    pool.need(t) when the caller has it."""
    bounds = pool.bounds_at(t, need)
    if bounds is None or _refuted(pool, *bounds):
        tally.refuted += 1
        return None
    built = _built(pool, *bounds)
    if built is not None:  # its moves are the fewest possible, within the budget (_refuted)
        tally.built += 1
        return built
    tally.flows += 1
    headcount = network.feasible_flow(*bounds)
    if headcount is None or pool.budget is None:
        return headcount
    if int(np.maximum(headcount - pool.start, 0).sum()) <= pool.budget:
        return headcount
    fewest, moved = fewest_moves(pool, *bounds)
    return fewest if moved <= pool.budget else None


def _candidates(
    pool: _Pool, low: float, high: float, limit: int | None = MAX_WINDOW
) -> tuple[np.ndarray, int]:
    """The values a plan's maximum coefficient can take in (low, high], sorted and unique, and
    how many there are before de-duplication (without enumerating them when too many)."""
    loaded = (pool.load > 0) & ~pool.fixed
    values: list[np.ndarray] = []
    fixed_values = pool.coefficient(pool.start)[pool.fixed & (pool.load > 0)]
    values.append(fixed_values[(fixed_values > low) & (fixed_values <= high)])
    need_high = pool.need(high) if np.isfinite(high) else np.ones_like(pool.start)
    need_low = pool.need(low) if low > 0 else pool.upper
    first = np.maximum(np.maximum(need_high, pool.keep), 1)
    last = np.minimum(pool.upper, need_low)  # at low the cell would need need_low: beyond, <= low
    count = int(np.where(loaded, np.maximum(last - first + 1, 0), 0).sum())
    if limit is not None and count > limit:
        return np.empty(0), count
    for u, k in zip(*np.nonzero(loaded & (last >= first)), strict=True):
        n = np.arange(first[u, k], last[u, k] + 1)
        cell = pool.load[u, k] / (n * pool.capacity[u])
        values.append(cell[(cell > low) & (cell <= high)])
    return np.unique(np.concatenate(values)) if values else np.empty(0), count


def _least_threshold(pool: _Pool, network: _Network, tally: _Tally) -> float | None:
    """t*: the smallest candidate coefficient at which the pool has a plan (module docstring,
    "Why t* is exact"), or None when it has none at all."""
    loaded = pool.load > 0
    if not loaded.any():
        return 0.0
    # The loosest threshold: every loaded cell may go down to one employee (its keep bound).
    high = float(pool.coefficient(np.where(pool.fixed, pool.start, 1))[loaded].max())
    if not math.isfinite(high) or _feasible(pool, network, high, tally) is None:
        return None
    low = 0.0  # every candidate is > 0: nothing at or below `low` is feasible
    for narrowing in range(200):
        values, count = _candidates(pool, low, high, limit=None if narrowing == 199 else MAX_WINDOW)
        if count <= MAX_WINDOW or narrowing == 199:
            break
        middle = low + (high - low) / 2 if low > 0 else high / 2
        if _feasible(pool, network, middle, tally) is not None:
            high = middle
        else:
            low = middle
    # values: every candidate in (low, high]; the smallest feasible one is t*. high itself is
    # feasible but may not be a candidate (narrowing): the largest candidate <= high then is.
    if len(values) == 0:
        return None  # cannot happen (a plan feasible at high has its value in the window)
    # First the candidates no sum of the rules refutes (cheap, monotone in t like
    # feasibility), then the full test from the smallest of them up.
    first, last = 0, len(values) - 1
    while first < last:
        middle = (first + last) // 2
        bounds = pool.bounds_at(float(values[middle]))
        if bounds is None or _refuted(pool, *bounds):
            tally.refuted += 1
            first = middle + 1
        else:
            last = middle
    last = len(values) - 1
    if _feasible(pool, network, float(values[first]), tally) is not None:
        last = first
    else:
        first += 1
    while first < last:
        middle = (first + last) // 2
        if _feasible(pool, network, float(values[middle]), tally) is not None:
            last = middle
        else:
            first = middle + 1
    return float(values[first])


class AssignedServices:
    """Headcounts by counting for assignments of whole services chosen elsewhere (polish.py): the
    group's staff rules as a pool (the group must be `staff_counted`), its loads those of the
    assignment asked about. Exact, by the same counting as solve_staff_only."""

    def __init__(self, data: GroupData) -> None:
        self.data = data
        self.base = staff_pool(data)
        # (t, load, need) of the last `reaches`: polish asks one t of many assignments that
        # differ from each other in a cell or two, and a cell's need depends on its load alone.
        self._last_need: tuple[float, np.ndarray, np.ndarray] | None = None

    def _pool(self, unit_of_service: np.ndarray) -> _Pool | None:
        if self.base is None:
            return None
        load = self.data.load_of(unit_of_service)
        if ((load > 0) & ~self.base.fixed & (self.base.capacity[:, None] <= 0)).any():
            return None  # load where no employee can serve it
        return dataclasses.replace(self.base, load=load)

    def reaches(self, unit_of_service: np.ndarray, t: float) -> bool:
        """Whether some headcount plan keeps every coefficient at or below t with service s at
        unit unit_of_service[s]."""
        pool = self._pool(unit_of_service)
        if pool is None:
            return False
        need = self._need_at(pool, t)
        return _feasible(pool, _Network(pool), t, _Tally(), need) is not None

    def _need_at(self, pool: _Pool, t: float) -> np.ndarray:
        """pool.need(t), worked out again only for the cells whose load changed since the last
        call at the same t (element by element the same arithmetic)."""
        last = self._last_need
        if last is None or last[0] != t or last[1].shape != pool.load.shape:
            need = pool.need(t)
        else:
            changed = pool.load != last[1]
            need = last[2].copy()
            if changed.any():
                capacity = np.broadcast_to(pool.capacity[:, None], pool.load.shape)
                need[changed] = _need(pool.load[changed], capacity[changed], t)
        self._last_need = (t, pool.load, need)
        return need

    def best(self, unit_of_service: np.ndarray) -> Plan | None:
        """The plan with the smallest maximum coefficient for this assignment (None: no headcount
        plan keeps the rules with these loads)."""
        pool = self._pool(unit_of_service)
        if pool is None:
            return None
        network, tally = _Network(pool), _Tally()
        t_star = _least_threshold(pool, network, tally)
        if t_star is None:
            return None
        headcount = _feasible(pool, network, t_star, tally) if t_star > 0 else pool.start
        if headcount is None:
            return None
        assignment = whole_assignment(unit_of_service, len(self.data.units))
        return Plan(np.asarray(headcount, dtype=np.int64), assignment)


def solve_staff_only(data: GroupData) -> StaffOnlyOptimum | None:
    """The exact optimum of a group of the staff-only shape (module docstring), or None when the
    shape does not apply or the group has no plan (the MILP path then answers and explains)."""
    started = time.perf_counter()
    if not staff_only_shape(data):
        return None
    pool = staff_pool(data)
    if pool is None:
        return None
    network = _Network(pool)
    tally = _Tally()
    t_star = _least_threshold(pool, network, tally)
    if t_star is None:
        return None
    bounds = pool.bounds_at(t_star * (1 + MOVES_SLACK) if t_star > 0 else math.inf)
    if bounds is None:
        return None
    built = _built(pool, *bounds)
    if built is not None:
        headcount, moved = built, int(np.maximum(built - pool.start, 0).sum())
    else:
        headcount, moved = fewest_moves(pool, *bounds)
    if pool.budget is not None and moved > pool.budget:
        return None
    plan = Plan(headcount, current_plan(data).assignment)
    value = max_coefficient(data, plan)
    return StaffOnlyOptimum(
        plan, t_star, value, moved, tally.refuted, tally.built, tally.flows,
        time.perf_counter() - started,
    )  # fmt: skip
