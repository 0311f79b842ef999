"""Robust plans of one group: staff (and movable services) chosen once so that the highest
coefficient over a set of sampled demand scenarios is as low as it can be, then the fewest moves.

The scenario-based minimax MILP: for every sample m and cell (u, k),
    load_m[u,k](x) <= t * capacity_u * n[u,k]
with the same headcount n and service placement x for every sample. Built from the engine's own
pieces: `build_group_model` gives the columns and every rule of the group (conservation, Min/Max,
locks, move limits, eligibility, assignment); its single load rows are switched off and one load
row per sample and cell is added, scaled like the point model's (capacity x a reference t, rebuilt
around the best value as it falls: session.py's RESCALE_ABOVE), so that a plan at the optimum misses
the certifying threshold by several times the solver's tolerance.

Its claims rest on the same evidence as t* (bracket.py): the model is loaded into a SolverSession
(session.py) whose panel of configurations (panel.py) answers every question. t is found by
bisection, each step a feasibility MILP (`SolverSession.plan_at`); the exact robust maximum of every
plan found (recomputed from its headcounts and assignments over all the samples, never read from the
solver) closes the bracket from above, and a claim that no plan reaches t closes it from below only
once a second configuration confirms it. A claim another configuration refutes with a checked plan
is a fault: recorded, the configuration dropped, the search goes on. The plan is `proven` only when
the last claim, that no plan reaches t (1 - 1e-6), is confirmed; then the fewest staff plus services
moved at the robust optimum (1 + 1e-6), proven fewest only when two configurations agree
(`SolverSession.least`). Anything less (a claim nobody could confirm, the time limit) leaves the plan
unproven, with the reason.

Services that the engine would treat as interchangeable (same skill, unit, eligible units and
point load) stay in one class only when their loads agree in every sample.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np

from planner.display import significant
from planner.engine.bracket import MAX_BISECTION_STEPS, certifying_threshold
from planner.engine.group import GroupData
from planner.engine.model import GroupModel, build_group_model
from planner.engine.plan import Plan, current_plan
from planner.engine.session import (
    RELATIVE_TOLERANCE,
    SolverSession,
    plan_from_values,
    point_of_plan,
)
from planner.engine.solvers import HighsBackend, point_violation
from planner.i18n import _
from planner.result import GroupReport, StopReason

__all__ = ["CERTIFICATE_RTOL", "RobustPlan", "RobustSession", "robust_maximum", "robust_plan"]

CERTIFICATE_RTOL = RELATIVE_TOLERANCE  # as t*: no plan is better by more than one part in a million
MOVES_SLACK = 1e-6


@dataclass(frozen=True)
class RobustPlan:
    """A group's robust plan: its exact highest coefficient over the samples (`t`), the proven
    lower bound (None when not proven, and `stop` says why), staff and services moved (proven
    fewest when `moves_proven`), and the solver effort with the faults caught (`report`)."""

    group: str
    plan: Plan
    t: float
    lower_bound: float | None
    proven: bool
    staff_moved: int
    services_moved: float  # whole unless services are split (then shares of volume)
    solves: int
    seconds: float
    stop: StopReason | None = None  # why t is not proven (None when it is)
    moves_proven: bool = False
    report: GroupReport = GroupReport()
    notes: tuple[str, ...] = ()  # how the search went, in words (faults included)


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
        self.backend = HighsBackend(model)
        self.t: float | None = None

    def at(self, t: float) -> None:
        if self.t != t:
            self.backend.set_coefficients(self.rows, self.n_cols, -t * self.n_scale)
            self.t = t


class RobustSession(SolverSession):
    """A SolverSession whose threshold model is the robust one: the same panel, confirmations,
    fault handling and tally as t*'s search, with t bounding every cell in every sample and a
    plan's value its exact highest coefficient over the samples.

    time_limit: seconds for the whole robust search of the group (None: no limit)."""

    def __init__(
        self, data: GroupData, weights: np.ndarray, *, time_limit: float | None = None
    ) -> None:
        self.weights = weights
        super().__init__(data)
        self.deadline = None if time_limit is None else time.perf_counter() + time_limit

    def _first_reference_t(self) -> float:
        value = robust_maximum(self.data, current_plan(self.data), self.weights)
        if np.isfinite(value) and value > 0:
            return value
        return self.data.upper_bound_t() * max(1.0, float(self.weights.max(initial=1.0)))

    def _load_threshold_model(self) -> None:
        started = time.perf_counter()
        self.robust = _RobustModel(self.data, self.weights, self.reference_t)
        self.build_seconds += time.perf_counter() - started
        self.use(self.robust.group_model, self.robust.backend)

    def set_threshold(self, t: float) -> bool:
        self.robust.at(t)
        return True  # the arithmetic bound (robust_lower_bound) keeps t above the obvious

    def value_of(self, plan: Plan) -> float:
        return robust_maximum(self.data, plan, self.weights)


def robust_lower_bound(data: GroupData, weights: np.ndarray) -> float:
    """A coefficient no plan can go below, by exact arithmetic: per sample and skill, the total
    load over the most capacity the skill's staff can have."""
    totals = data.start.sum(axis=0)
    cap = float(data.capacity_per_employee.max(initial=0.0))
    low = 0.0
    for k in range(len(data.skills)):
        load_k = weights[:, data.service_skill == k].sum(axis=1)
        if totals[k] > 0 and cap > 0:
            low = max(low, float(load_k.max(initial=0.0)) / (cap * totals[k]))
    return low


def _loosest(data: GroupData, weights: np.ndarray) -> float:
    """A threshold above any coefficient a plan that keeps staff where load is can reach."""
    positive = data.capacity_per_employee[data.capacity_per_employee > 0]
    if not positive.size or not weights.size:
        return 1.0
    return float(weights.sum(axis=1).max() / positive.min()) * 2.0 + 1.0


def _moves(data: GroupData, plan: Plan) -> tuple[int, float]:
    """Staff moved, and services moved: a whole count, or with split services the total share
    of volume that left its unit (0.34 of a service is 0.34, not 0)."""
    staff = int(np.maximum(plan.headcount - data.start, 0).sum())
    home = plan.home_shares(data)
    moved = float((1.0 - home).sum())
    return staff, moved if data.settings.split_services else float(np.rint(moved))


def _first_plan(session: RobustSession, start: Plan | None) -> Plan:
    """The better of the start plan and the current allocation among those the model accepts
    (the current allocation may break the group's rules, a unit outside Min/Max), else a plan
    a solver finds at the loosest threshold."""
    data = session.data
    loosest = _loosest(data, session.weights)
    candidates = [p for p in (start, current_plan(data)) if p is not None]
    values = [session.value_of(plan) for plan in candidates]
    session.set_threshold(max([loosest, *(v for v in values if np.isfinite(v))]))
    usable = [
        (value, plan)
        for value, plan in zip(values, candidates, strict=True)
        if np.isfinite(value)
        and point_violation(session.group_model.model, point_of_plan(session.group_model, plan))
        <= 1e-9
    ]
    if usable:
        return min(usable, key=lambda pair: pair[0])[1]
    answer = session.plan_at(session.robust.t or loosest, take_unsettled=True)
    if answer.plan is not None:
        return answer.plan
    if answer.none_proven:
        raise ValueError(f"group {data.group}: no plan satisfies the group's rules")
    raise ValueError(f"group {data.group}: no plan was found ({answer.stop})")


def _bisect(session: RobustSession, best: Plan) -> tuple[Plan, float, float, StopReason | None]:
    """The smallest robust maximum: (plan, its value, the proven lower bound, None) when the
    bracket closes to CERTIFICATE_RTOL, else the stop reason with the bound proven so far.

    As bracket.py: odd steps try just below the best plan (when it is optimal, one step proves
    it), even steps halve the bracket; every "no plan at t" is confirmed by a second
    configuration (plan_at) before it raises the bound."""
    high = session.value_of(best)
    proven_by_arithmetic = robust_lower_bound(session.data, session.weights)
    lower = proven_by_arithmetic
    steps = 0
    while high > 0 and (high - lower) / high > CERTIFICATE_RTOL:
        steps += 1
        if steps > MAX_BISECTION_STEPS:
            return best, high, lower, StopReason.NOT_CONVERGED
        session.rescale(high)
        t = certifying_threshold(high) if steps % 2 == 1 else (lower + high) / 2

        def objection(plan: Plan, t: float = t, high: float = high) -> str | None:
            # The rows' scaling puts a plan no better than the best outside every tolerance at a
            # t below it: such an answer is wrong (bracket.py treats it alike).
            value = session.value_of(plan)
            if value < high:
                return None
            return _(
                "a plan with every coefficient over the samples at or below {t} (its plan's "
                "maximum is {value})"
            ).format(t=significant(t, 9), value=significant(value, 9))

        answer = session.plan_at(t, objection=objection, take_unsettled=True)
        if answer.plan is not None:
            value = session.value_of(answer.plan)
            if value >= high:  # an unsettled claim's only plan is no better: nothing proven
                return best, high, lower, StopReason.SOLVER_FAULT
            if value < lower:
                # Below a bound two configurations agreed on: both were wrong. Back to what
                # arithmetic proves.
                session.notes.append(
                    _(
                        "a plan of {value} was found below the confirmed bound {lower}; the bound "
                        "was not used"
                    ).format(value=significant(value, 9), lower=significant(lower, 9))
                )
                lower = proven_by_arithmetic
            best, high = answer.plan, value
        elif answer.none_proven:
            lower = t
        else:
            return best, high, lower, answer.stop
        session.progress(
            _("group {group}: robust t in [{lower}, {high}]").format(
                group=session.data.group, lower=significant(lower), high=significant(high)
            )
        )
    return best, high, lower, None


def _fewest_moves(session: RobustSession, best: Plan, high: float) -> tuple[Plan, bool]:
    """Among plans within MOVES_SLACK of the robust optimum, the fewest staff plus services
    moved, from `best`; proven fewest when two configurations agree (SolverSession.least)."""
    data = session.data
    session.set_threshold(high * (1 + MOVES_SLACK))
    session.backend.set_objective(session.group_model.moves_objective())
    # Whole moves only when services are not split: with split shares the count of moves is
    # fractional, and an absolute gap of almost 1 would accept a plan that moves up to one
    # service more than the fewest.
    least = session.least(best, integral=not data.settings.split_services, what=_("fewest moves"))
    plan = plan_from_values(session.group_model, least.point)
    if session.value_of(plan) > high * (1 + 2 * MOVES_SLACK):
        session.notes.append(
            _("the fewest-moves stage returned a worse plan; kept the bisection's")
        )
        return best, False
    return plan, least.proven


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
    session = RobustSession(data, weights, time_limit=time_limit)
    best, high, lower, stop = _bisect(session, _first_plan(session, start))
    moves_proven = False
    if stop is None:
        best, moves_proven = _fewest_moves(session, best, high)
    staff, services = _moves(data, best)
    report = session.report()
    return RobustPlan(
        group=data.group,
        plan=best,
        t=session.value_of(best),
        lower_bound=lower if stop is None else None,
        proven=stop is None,
        staff_moved=staff,
        services_moved=services,
        solves=report.solver_runs,
        seconds=time.perf_counter() - started,
        stop=stop,
        moves_proven=moves_proven,
        report=report,
        notes=(*session.notes, *report.solver_faults),
    )
