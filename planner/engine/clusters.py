"""Exact arithmetic on the clusters of a group whose services move: "no plan at t" without a solver.

A cluster is one skill's units linked by its movable services (a service eligible at units a and b
links them). Whatever the plan, a cell (u, k) at threshold t needs at least need(L) employees, the
smallest n with L / (n x capacity) <= t (computed as GroupData.coefficients computes it), and no
fewer than the rules keep there (counting.staff_pool: the keep rule, fixed cells at their start).
Each movable service sits at one unit of its cluster, so the loads of a cluster's cells are a
partition of its movable services (plus each cell's fixed load), and

    staff of skill k  >=  sum over clusters C of k of  min over partitions of sum_{u in C} need_u
                          + sum over the other cells of k of their need.

When that sum exceeds the skill's staff (which staff moves conserve), no plan reaches t: a proof by
arithmetic, the relaxation of the group's model that drops the unit limits (Min, Max, the share
kept per unit), the moves budgets and the pairing of services between cells of other skills.

The minimum over partitions is exact: the units of a cluster are taken in turn; for the first, every
subset of its eligible services is enumerated at once with numpy (at most MAX_ENUMERATED services,
2^20 sums), its need computed, and only the subsets whose need plus a lower bound for the rest of the
cluster (need of the fixed loads; total load over the largest capacity) stays within the budget are
followed; the last unit takes what is left. Near t* that bound leaves a handful of subsets (those
that fill the unit's employees to within the cluster's spare hours), which is why a knife-edge
proof that took HiGHS 100-150 s (national R05 D08) takes milliseconds here.

Loads are compared with a relative margin of 1e-12 towards "fits" (LOAD_MARGIN): the sums here add
the services in another order than plan_load does, and a refutation must not rest on rounding.
A cluster too large to enumerate, or a search past MAX_SUBSETS, answers nothing (None): the caller
then asks the solver as before. Nothing here ever claims a plan exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from planner.engine.counting import staff_counted, staff_pool
from planner.engine.group import GroupData

MAX_ENUMERATED = 20  # services of one unit enumerated at once (2^20 subset sums)
MAX_SUBSETS = 200_000  # subsets followed in one cluster's search, at most
MAX_CACHED = 64  # enumerations kept for the next threshold (each at most 2^20 sums and masks)
LOAD_MARGIN = (
    1e-12  # loads are taken this much smaller (relative): a refutation never rests on rounding
)


class _TooLarge(Exception):
    """The cluster is beyond what the enumeration takes: no answer."""


@dataclass(frozen=True)
class _Cluster:
    skill: int
    units: tuple[int, ...]
    services: np.ndarray  # movable services of the cluster, heaviest first


class ClusterBound:
    """The clusters of one group and the staff each needs at a threshold (module docstring)."""

    def __init__(self, data: GroupData) -> None:
        self.data = data
        self.pool = staff_pool(data) if applies(data) else None
        self.clusters: tuple[_Cluster, ...] = ()
        self._placed: dict[int, int] = {}  # service -> unit, of the last refutes() per cluster
        # Subset sums by (skill, units left, services left): they do not depend on t.
        self._subsets: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        self._needs: tuple[float, np.ndarray] | None = None  # _cell_needs of the last t
        if self.pool is None:
            return
        self.fixed_load = data.fixed_load()
        self.capacity = data.capacity_per_employee.astype(float)
        self.eligible = [frozenset(e) for e in data.eligible]
        movable = np.flatnonzero(data.movable)
        parent: dict[tuple[int, int], tuple[int, int]] = {}

        def root(cell: tuple[int, int]) -> tuple[int, int]:
            while parent.setdefault(cell, cell) != cell:
                cell = parent[cell]
            return cell

        for s in movable.tolist():
            k, units = int(data.service_skill[s]), data.eligible[s]
            for u in units[1:]:
                a, b = root((k, units[0])), root((k, u))
                if a != b:
                    parent[max(a, b)] = min(a, b)
        members: dict[tuple[int, int], list[int]] = {}
        for s in movable.tolist():
            members.setdefault(root((int(data.service_skill[s]), data.eligible[s][0])), []).append(
                s
            )
        clusters = []
        for (k, _), services in sorted(members.items()):
            linked = sorted({u for s in services for u in data.eligible[s]})
            order = sorted(services, key=lambda s: (-float(data.weight[s]), s))
            clusters.append(_Cluster(k, tuple(linked), np.asarray(order, dtype=np.int64)))
        self.clusters = tuple(clusters)
        in_cluster = np.zeros(data.start.shape, dtype=bool)
        for cluster in self.clusters:
            in_cluster[list(cluster.units), cluster.skill] = True
        self.outside = ~in_cluster

    # -- the cost of one cell ---------------------------------------------------------------------
    def _staff(self, u: int, k: int, load: np.ndarray, t: float) -> np.ndarray:
        """The fewest employees cell (u, k) may have at threshold t with these loads (inf: none
        will do), vectorised over the loads."""
        pool = self.pool
        assert pool is not None
        load = np.asarray(load, dtype=float) * (1 - LOAD_MARGIN)
        capacity = self.capacity[u]
        if pool.fixed[u, k]:
            start = float(pool.start[u, k])
            with np.errstate(divide="ignore", invalid="ignore"):
                fits = (load <= 0) | ((start > 0) & (load / (start * capacity) <= t))
            return np.where(fits, start, math.inf)
        if capacity <= 0:
            return np.where(load > 0, math.inf, float(pool.keep[u, k]))
        n = _settled(_first_guess(load, capacity, t), load, capacity, t)
        n = np.maximum(n, float(pool.keep[u, k]))
        return np.where(n <= float(pool.upper[u, k]), n, math.inf)

    def _cell_needs(self, t: float) -> np.ndarray:
        """(U, K): _staff of every cell at its fixed load, in one vectorised pass (the same
        arithmetic element by element; kept for the last t asked, which refutes asks per cell)."""
        if self._needs is not None and self._needs[0] == t:
            return self._needs[1]
        pool = self.pool
        assert pool is not None
        shape = pool.start.shape
        load = (self.fixed_load.astype(float) * (1 - LOAD_MARGIN)).ravel()
        capacity = np.broadcast_to(self.capacity[:, None], shape).ravel()
        start = pool.start.astype(float).ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            fits = (load <= 0) | ((start > 0) & (load / (start * capacity) <= t))
        at_start = np.where(fits, start, math.inf)
        unstaffable = np.where(load > 0, math.inf, pool.keep.astype(float).ravel())
        staffed = capacity > 0
        n = np.zeros(load.size)
        n[staffed] = _settled(
            _first_guess(load[staffed], capacity[staffed], t), load[staffed], capacity[staffed], t
        )
        n = np.maximum(n, pool.keep.astype(float).ravel())
        counted = np.where(n <= pool.upper.astype(float).ravel(), n, math.inf)
        needs = np.where(
            pool.fixed.ravel(), at_start, np.where(staffed, counted, unstaffable)
        ).reshape(shape)
        self._needs = (t, needs)
        return needs

    # -- the claim ----------------------------------------------------------------------------------
    def refutes(self, t: float) -> bool | None:
        """True when arithmetic proves that no plan has every coefficient at or below t; None when
        a cluster was too large to settle it; False when this relaxation has a plan at t (which
        proves nothing about the group)."""
        if self.pool is None or not self.clusters or t <= 0:
            return None
        pool = self.pool
        data = self.data
        # Whole numbers of employees (or inf): their sums are exact in any order.
        outside = np.where(self.outside, self._cell_needs(t), 0.0).sum(axis=0)
        budget = pool.totals.astype(float) - outside
        if (budget < 0).any():
            return True
        # The clusters of a skill share its budget: each gets what the others' lower bounds leave,
        # and a cluster that needs more than that refutes t.
        lower = np.array([self._cheap_bound(c, t) for c in self.clusters])
        unsettled = False
        self._placed = {}
        for k in range(len(data.skills)):
            index = [i for i, c in enumerate(self.clusters) if c.skill == k]
            if not index:
                continue
            if lower[index].sum() > budget[k]:
                return True
            for i in index:
                spare = budget[k] - (lower[index].sum() - lower[i])
                try:
                    least = self._least(self.clusters[i], t, spare)
                except _TooLarge:
                    unsettled = True
                    continue
                lower[i] = max(lower[i], least)
                if lower[index].sum() > budget[k]:
                    return True
        return None if unsettled else False

    def partition(self, t: float) -> np.ndarray | None:
        """The unit of every service under a partition of least staff at t in every cluster
        (services that cannot move at home), or None when the relaxation does not reach t. A
        candidate only: whether staff can follow it under every rule is the caller's to count."""
        if self.refutes(t) is not False or len(self._placed) < sum(
            c.services.size for c in self.clusters
        ):
            return None
        unit_of = self.data.service_unit.astype(np.int64).copy()
        for s, u in self._placed.items():
            unit_of[s] = u
        return unit_of

    def _cheap_bound(self, cluster: _Cluster, t: float) -> float:
        """A lower bound on the cluster's staff: each cell's need at its fixed load."""
        k = cluster.skill
        return float(self._cell_needs(t)[list(cluster.units), k].sum())

    def _least(self, cluster: _Cluster, t: float, budget: float) -> float:
        """The least staff of the cluster at t over every partition of its services, exactly when
        it is at most `budget`, else some value above `budget` (inf: no partition fits). The
        partition found is kept for `partition`."""
        k = cluster.skill
        weights = self.data.weight[cluster.services].astype(float)
        eligible = [self.eligible[int(s)] for s in cluster.services]
        followed = [0]
        capacity = self.capacity
        pool = self.pool
        assert pool is not None

        def rest_bound(units: tuple[int, ...], load: np.ndarray) -> np.ndarray:
            """Lower bound on the staff of `units` carrying `load` in all (vectorised)."""
            fixed = float(self._cell_needs(t)[list(units), k].sum())
            free = [u for u in units if not pool.fixed[u, k]]
            top = max((capacity[u] for u in free), default=0.0)
            if top <= 0:
                return np.full(load.shape, fixed)
            # Fixed cells carry at most start x capacity x t; the free ones the rest.
            carried = sum(
                float(pool.start[u, k]) * capacity[u] * t for u in units if pool.fixed[u, k]
            )
            spread = np.ceil(np.maximum(load * (1 - LOAD_MARGIN) - carried, 0) / (t * top) - 1e-9)
            held = sum(float(pool.start[u, k]) for u in units if pool.fixed[u, k])
            return np.maximum(fixed, spread + held)

        def search(
            units: tuple[int, ...], items: np.ndarray, budget: float
        ) -> tuple[float, dict[int, int]]:
            """Least staff of `units` carrying the services `items` (indices into the cluster),
            or a value above budget; with the unit of each item where it is at most budget."""
            u, others = units[0], units[1:]
            mine = np.array([i for i in items.tolist() if u in eligible[i]], dtype=np.int64)
            if not others:
                if mine.size < items.size:
                    return math.inf, {}
                load = self.fixed_load[u, k] + weights[items].sum()
                return float(self._staff(u, k, np.array([load]), t)[0]), dict.fromkeys(
                    items.tolist(), u
                )
            if mine.size > MAX_ENUMERATED:
                raise _TooLarge
            key = (cluster.skill, units, tuple(items.tolist()))
            if key not in self._subsets:  # the same at every t: enumerated once per group
                sums, masks = np.zeros(1), np.zeros(1, dtype=np.int64)
                for j, w in enumerate(weights[mine].tolist()):
                    sums = np.concatenate([sums, sums + w])
                    masks = np.concatenate([masks, masks | (1 << j)])
                # Services no other unit may take must stay here.
                forced = 0
                for j, i in enumerate(mine.tolist()):
                    if not any(v in eligible[i] for v in others):
                        forced |= 1 << j
                keep = (masks & forced) == forced
                if len(self._subsets) >= MAX_CACHED:
                    self._subsets.clear()
                self._subsets[key] = (sums[keep], masks[keep])
            sums, masks = self._subsets[key]
            total = self.fixed_load[u, k] + weights[items].sum()
            others_fixed = sum(self.fixed_load[v, k] for v in others)
            rest = rest_bound(others, others_fixed + (total - self.fixed_load[u, k] - sums))
            if not pool.fixed[u, k] and capacity[u] > 0:
                # A free cell needs at least ceil(load / (t x capacity)) employees, here with
                # the load taken 1e-9 smaller (far beyond any rounding of the division): the
                # exact count is only worked out for the subsets this leaves (at 2^20 subsets it
                # is most of the time of a threshold).
                rough = np.ceil((self.fixed_load[u, k] + sums) * (1 - 1e-9) / (t * capacity[u]))
                near = np.flatnonzero(rough + rest <= budget)
                sums, masks, rest = sums[near], masks[near], rest[near]
            here = self._staff(u, k, self.fixed_load[u, k] + sums, t)
            bound = here + rest
            candidates = np.flatnonzero(bound <= budget)
            followed[0] += candidates.size
            if followed[0] > MAX_SUBSETS:
                raise _TooLarge
            best, where = math.inf, dict[int, int]()
            for c in candidates[np.argsort(bound[candidates], kind="stable")].tolist():
                if bound[c] >= best:
                    break
                taken = {int(mine[j]) for j in range(mine.size) if masks[c] >> j & 1}
                left = np.array([i for i in items.tolist() if i not in taken], dtype=np.int64)
                beyond, placed = search(others, left, min(budget, best - 1) - here[c])
                if here[c] + beyond < best:
                    best, where = here[c] + beyond, {**dict.fromkeys(taken, u), **placed}
            return (best, where) if best <= budget else (max(best, budget + 1), {})

        # Units with the fewest eligible services first: their enumerations are the smallest.
        order = tuple(sorted(cluster.units, key=lambda u: (sum(u in e for e in eligible), u)))
        least, where = search(order, np.arange(weights.size), budget)
        if where:
            self._placed.update({int(cluster.services[i]): v for i, v in where.items()})
        return least


def _first_guess(load: np.ndarray, capacity: np.ndarray | float, t: float) -> np.ndarray:
    """ceil(load / (t x capacity)) within [1, 2^40] for a loaded cell, 0 for an empty one."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        n = np.ceil(load / (t * capacity))
    return np.where(load > 0, np.clip(np.nan_to_num(n, nan=1.0, posinf=2.0**40), 1, 2.0**40), 0)


def _settled(n: np.ndarray, load: np.ndarray, capacity: np.ndarray | float, t: float) -> np.ndarray:
    """The float formula decides, one step either way, three times: an element that neither
    step moves stays where it is in every later round, so each round asks only the elements the
    round before moved (the same result as rounds over the whole array, at a fraction of the
    divisions when, as almost always, the first guess is right)."""
    n = np.array(n, dtype=float)
    load = np.broadcast_to(load, n.shape)
    capacity = np.broadcast_to(capacity, n.shape)
    flat_n, flat_load, flat_capacity = n.reshape(-1), load.reshape(-1), capacity.reshape(-1)
    index: np.ndarray | None = None
    for _ in range(3):
        if index is None:
            m, w, c = flat_n, flat_load, flat_capacity
        else:
            m, w, c = flat_n[index], flat_load[index], flat_capacity[index]
        smaller = np.maximum(m - 1, 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            down = (w > 0) & (m > 1) & (w / (smaller * c) <= t)
            up = (w > 0) & (w / (np.maximum(m, 1) * c) > t)
        moved = down | up
        stepped = np.where(down, m - 1, np.where(up, m + 1, m))
        if index is None:
            flat_n = stepped
            index = np.flatnonzero(moved)
        else:
            flat_n[index] = stepped
            index = index[moved]
        if index.size == 0:
            break
    return flat_n.reshape(n.shape)


def applies(data: GroupData) -> bool:
    """Whether the clusters' arithmetic speaks for the group: whole services that move, and staff
    rules of the pool's kind (counting.staff_counted)."""
    return not data.settings.split_services and bool(data.movable.any()) and staff_counted(data)
