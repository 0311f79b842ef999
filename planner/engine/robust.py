"""Robust plans of one group: staff (and movable services) chosen once so that the highest
coefficient over a set of sampled demand scenarios is as low as it can be, then the fewest moves.

The scenario-based minimax MILP: for every sample m and cell (u, k),
    load_m[u,k](x) <= t * capacity_u * n[u,k]
with the same headcount n and service placement x for every sample. Built from the engine's own
pieces: `build_group_model` gives the columns and every rule of the group (conservation, Min/Max,
locks, move limits, eligibility, assignment); its single load rows are switched off and one load
row per sample and cell is added. As for t*, t is found by bisection, each step a feasibility
MILP; the exact robust maximum of every plan found (recomputed from its headcounts and assignments
over all the samples) closes the bracket from above, and a claim that no plan reaches
t (1 - 1e-6) closes it from below. Every "infeasible" is confirmed by HiGHS without presolve (a
second configuration) before it counts. Then, at the robust optimum (1 + 1e-6), the fewest staff
plus services moved.

Services that the engine would treat as interchangeable (same skill, unit, eligible units and
point load) stay in one class only when their loads agree in every sample.

What this module does not use: the session / bracket / search / panel of the point-forecast
search (being refactored); a hook there would let robust plans share its confirmations and faults.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np

from planner.domain import SolverName
from planner.engine.group import GroupData
from planner.engine.model import GroupModel, build_group_model
from planner.engine.plan import Plan, current_plan
from planner.engine.solvers import RunStatus, make_backend

__all__ = ["CERTIFICATE_RTOL", "RobustPlan", "robust_maximum", "robust_plan"]

CERTIFICATE_RTOL = 1e-6  # as t*: no plan is better by more than one part in a million
BISECTION_RTOL = 1e-4  # the bisection stops here; the certificate step closes the rest
MOVES_SLACK = 1e-6


@dataclass(frozen=True)
class RobustPlan:
    """A group's robust plan: its exact highest coefficient over the samples (`t`), the proven
    lower bound (None when not proven), staff and services moved, and the solver effort."""

    group: str
    plan: Plan
    t: float
    lower_bound: float | None
    proven: bool
    staff_moved: int
    services_moved: float  # whole unless services are split (then shares of volume)
    solves: int
    seconds: float


def _loads(data: GroupData, plan: Plan, weights: np.ndarray) -> np.ndarray:
    """(M, U, K) load of a plan under each sample's weights."""
    out = np.zeros((weights.shape[0], len(data.units), len(data.skills)))
    for k in range(len(data.skills)):
        of_skill = data.service_skill == k
        out[:, :, k] = weights[:, of_skill] @ plan.assignment[of_skill]
    return out


def robust_maximum(data: GroupData, plan: Plan, weights: np.ndarray) -> float:
    """The exact highest cell coefficient of a plan over every sample (rows of `weights`)."""
    if weights.shape[1] == 0:
        return 0.0
    loads = _loads(data, plan, weights)
    return float(max(data.coefficients(plan.headcount, load).max() for load in loads))


def _class_keys(data: GroupData, weights: np.ndarray) -> np.ndarray:
    """A stand-in weight per service: equal exactly when the point load and every sampled load
    are equal, so that the engine's classes of interchangeable services hold in every sample."""
    keys: dict[tuple[float, ...], float] = {}
    column = np.vstack([data.weight[None, :], weights])
    return np.array(
        [keys.setdefault(tuple(column[:, s].tolist()), float(len(keys) + 1))
         for s in range(column.shape[1])]
    )  # fmt: skip


class _RobustModel:
    """The group's model with one load row per sample and cell, at a movable threshold t."""

    def __init__(self, data: GroupData, weights: np.ndarray, reference: float) -> None:
        keyed = dataclasses.replace(data, weight=_class_keys(data, weights))
        group_model: GroupModel = build_group_model(keyed)
        model = group_model.model
        for row in group_model.load_rows.tolist():  # the point-volume rows: replaced below
            model.row_lower[row], model.row_upper[row] = -np.inf, np.inf
        self.group_model, self.data, self.reference = group_model, data, reference
        capacity = data.capacity_per_employee
        fixed = ~data.movable
        rows, n_cols, n_scale = [], [], []
        movable_terms: dict[tuple[int, int], list[tuple[int, int]]] = {}  # cell -> (col, service)
        for members, cols in zip(group_model.classes, group_model.x_cols, strict=True):
            s = int(members[0])
            k = int(data.service_skill[s])
            for u, col in zip(data.eligible[s], cols.tolist(), strict=True):
                movable_terms.setdefault((u, k), []).append((col, s))
        for m in range(weights.shape[0]):
            fixed_load = np.zeros((len(data.units), len(data.skills)))
            np.add.at(
                fixed_load,
                (data.service_unit[fixed], data.service_skill[fixed]),
                weights[m, fixed],
            )
            for u, unit in enumerate(data.units):
                for k, skill in enumerate(data.skills):
                    terms = movable_terms.get((u, k), [])
                    if not terms and fixed_load[u, k] <= 0:
                        continue
                    scale = capacity[u] * reference if capacity[u] > 0 else 1.0
                    row_cols = [c for c, _ in terms] + [int(group_model.n_col[u, k])]
                    values = [float(weights[m, s]) / scale for _, s in terms] + [0.0]
                    row = model.add_row(
                        f"robust_load[{m},{unit.unit_id},{skill}]", row_cols, values, -np.inf,
                        -fixed_load[u, k] / scale, unit=u, skill=k,
                    )  # fmt: skip
                    rows.append(row)
                    n_cols.append(int(group_model.n_col[u, k]))
                    n_scale.append(capacity[u] / scale if capacity[u] > 0 else 0.0)
        self.rows = np.asarray(rows, dtype=np.int64)
        self.n_cols = np.asarray(n_cols, dtype=np.int64)
        self.n_scale = np.asarray(n_scale, dtype=float)
        self.backend = make_backend(model, SolverName.HIGHS)
        self.t: float | None = None

    def at(self, t: float) -> None:
        if self.t != t:
            self.backend.set_coefficients(self.rows, self.n_cols, -t * self.n_scale)
            self.t = t

    def plan(self, values: np.ndarray) -> Plan:
        gm = self.group_model
        return Plan(gm.headcount(values), gm.assignment(values))


def _moves(data: GroupData, plan: Plan) -> tuple[int, float]:
    """Staff moved, and services moved: a whole count, or with split services the total share
    of volume that left its unit (0.34 of a service is 0.34, not 0)."""
    staff = int(np.maximum(plan.headcount - data.start, 0).sum())
    home = plan.home_shares(data)
    moved = float((1.0 - home).sum())
    return staff, moved if data.settings.split_services else float(np.rint(moved))


def feasible_at_loosest(robust: _RobustModel, t: float) -> np.ndarray | None:
    """A point of the model at threshold t (no time limit), or None when HiGHS with and without
    presolve both find none."""
    robust.at(t)
    robust.backend.set_objective(np.zeros(robust.backend.model.num_cols))
    for presolve in (True, False):
        run = robust.backend.solve(presolve=presolve)
        if run.status in (RunStatus.OPTIMAL, RunStatus.FEASIBLE):
            return run.point
    return None


def robust_plan(
    data: GroupData,
    weights: np.ndarray,
    *,
    start: Plan | None = None,
    time_limit: float | None = None,
) -> RobustPlan:
    """The plan of one group whose highest coefficient over the samples (rows of `weights`, one
    load per service of the group) is minimal, proven to CERTIFICATE_RTOL, then the fewest moves.

    start: a plan to begin from (e.g. the point-forecast plan); it gives the first upper bound.
    """
    started = time.perf_counter()
    best = start if start is not None else current_plan(data)
    high = robust_maximum(data, best, weights)
    solves = 0
    best_values: np.ndarray | None = None
    if not np.isfinite(high):
        high = data.upper_bound_t() * max(1.0, float(weights.max(initial=1.0)))
    # arithmetic lower bound: per sample and skill, total load over the most capacity it can have
    totals = data.start.sum(axis=0)
    cap = float(data.capacity_per_employee.max(initial=0.0))
    low = 0.0
    for k in range(len(data.skills)):
        load_k = weights[:, data.service_skill == k].sum(axis=1)
        if totals[k] > 0 and cap > 0:
            low = max(low, float(load_k.max(initial=0.0)) / (cap * totals[k]))
    model = _RobustModel(data, weights, reference=high if high > 0 else 1.0)
    if start is None:
        # The current allocation may break the group's rules (a unit outside Min/Max): start from
        # a plan the model accepts, at the loosest threshold.
        positive = data.capacity_per_employee[data.capacity_per_employee > 0]
        loosest = 1.0
        if positive.size and weights.size:
            loosest = float(weights.sum(axis=1).max() / positive.min()) * 2.0 + 1.0
        first = feasible_at_loosest(model, max(high, loosest) if np.isfinite(high) else loosest)
        if first is None:
            raise ValueError(f"group {data.group}: no plan satisfies the group's rules")
        best, best_values = model.plan(first), first
        high = robust_maximum(data, best, weights)
        solves += 2

    def remaining() -> float | None:
        if time_limit is None:
            return None
        return max(0.1, time_limit - (time.perf_counter() - started))

    def feasible_at(t: float, robust: _RobustModel) -> np.ndarray | None:
        """A point at t, or None when two configurations agree there is none."""
        nonlocal solves
        robust.at(t)
        robust.backend.set_objective(np.zeros(robust.backend.model.num_cols))
        for presolve in (True, False):
            run = robust.backend.solve(time_limit=remaining(), presolve=presolve)
            solves += 1
            if run.status in (RunStatus.OPTIMAL, RunStatus.FEASIBLE):
                return run.point
            if run.status is not RunStatus.INFEASIBLE:
                raise TimeoutError(run.detail)
        return None

    proven = False
    try:
        while True:
            while high > low * (1 + BISECTION_RTOL) and high > 0:
                middle = (low + high) / 2
                point = feasible_at(middle, model)
                if point is None:
                    low = middle
                    continue
                plan = model.plan(point)
                value = robust_maximum(data, plan, weights)
                if value >= high:  # no better than the best plan: let the certificate decide
                    break
                best, high, best_values = plan, value, point
            if high <= 0:
                proven = True
                break
            # the certificate, on a model scaled at the final t
            check = _RobustModel(data, weights, reference=high)
            point = feasible_at(high * (1 - CERTIFICATE_RTOL), check)
            if point is None:
                proven, low, model = True, high * (1 - CERTIFICATE_RTOL), check
                break
            plan = check.plan(point)
            value = robust_maximum(data, plan, weights)
            if value >= high:  # cannot happen with a correct solver: stop unproven
                model = check
                break
            best, high, best_values, model = plan, value, point, check
    except TimeoutError:
        pass

    # fewest moves at the robust optimum
    if proven and high > 0:
        model.at(high * (1 + MOVES_SLACK))
        model.backend.set_objective(model.group_model.moves_objective())
        run = model.backend.solve(
            # Whole moves only when services are not split: with split shares the count of
            # moves is fractional, and an absolute gap of almost 1 would accept a plan that
            # moves up to one service more than the fewest.
            time_limit=remaining(),
            integral_objective=not data.settings.split_services,
            start=best_values,
        )
        solves += 1
        if run.status in (RunStatus.OPTIMAL, RunStatus.FEASIBLE):
            plan = model.plan(run.point)
            if robust_maximum(data, plan, weights) <= high * (1 + 2 * MOVES_SLACK):
                best = plan
    staff, services = _moves(data, best)
    return RobustPlan(
        group=data.group,
        plan=best,
        t=robust_maximum(data, best, weights),
        lower_bound=low if proven else None,
        proven=proven,
        staff_moved=staff,
        services_moved=services,
        solves=solves,
        seconds=time.perf_counter() - started,
    )
