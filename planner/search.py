"""Lexicographic optimisation of one group: first the objective (minmax or balance), then the fewest
moves among plans that reach it.

minmax is a ratio with decision variables above the line (which services a unit carries) and below it
(its headcount). It is solved exactly:
- when no service can move, the ratio form maximises r = 1/t in one MILP (model.py);
- otherwise by bisection on t, each step a feasibility MILP at a fixed t.
Either way the answer is certified the same way: the exact maximum coefficient of the best plan found,
recomputed from its headcounts and assignments (not read from the solver), closes the bracket from
above, and a feasibility problem at t below that value by the relative tolerance is proven infeasible.
Bisection against solver tolerances can accept a t slightly below the optimum (DESIGN.md), which is why
the exact value of each plan, not the t it was found at, moves the upper end of the bracket.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from planner.domain import Objective
from planner.errors import SolverError
from planner.model import GroupData, GroupModel, balance_scale, build_group_model
from planner.solvers import Backend, RunStatus, SolverRun, make_backend

RELATIVE_TOLERANCE = 1e-6  # t* is certified to this relative precision
MAX_BISECTION_STEPS = 200


class PlanStatus(StrEnum):
    OPTIMAL = "optimal"  # proven: objective certified, fewest moves proven
    FEASIBLE = "feasible"  # a checked plan, but a limit stopped the proof (see gap)
    INFEASIBLE = "infeasible"  # no plan satisfies the constraints
    UNKNOWN = "unknown"  # a limit stopped the search before any plan was found


@dataclass(frozen=True)
class Plan:
    """Headcounts and service placement of one group."""

    headcount: np.ndarray  # (U, K) integers
    assignment: np.ndarray  # (S, U) shares; whole services have a single 1 per row


@dataclass
class GroupSearch:
    """What the search found for one group, with the evidence for it."""

    status: PlanStatus
    plan: Plan | None
    objective_value: float | None  # t* (minmax) or total deviation (balance)
    lower_bound: float | None  # proven: no plan does better than this
    gap: float | None  # relative, between the plan and the proven bound
    solver_runs: int = 0
    solver_seconds: float = 0.0
    build_seconds: float = 0.0  # building models and loading them into the solver
    notes: list[str] = field(default_factory=list)

    def record(self, run: SolverRun) -> SolverRun:
        self.solver_runs += 1
        self.solver_seconds += run.seconds
        return run


Progress = Callable[[str], None]


def plan_from_values(group_model: GroupModel, values: np.ndarray) -> Plan:
    return Plan(group_model.headcount(values), group_model.assignment(values))


def current_plan(data: GroupData) -> Plan:
    """The plan that changes nothing: staff where they are (with new hires), services at home."""
    assignment = np.zeros((len(data.services), len(data.units)))
    assignment[np.arange(len(data.services)), data.service_unit] = 1.0
    return Plan(data.start.copy(), assignment)


def plan_load(data: GroupData, plan: Plan) -> np.ndarray:
    """(U, K) load of a plan."""
    load = np.zeros((len(data.units), len(data.skills)))
    for k in range(len(data.skills)):
        of_skill = data.service_skill == k
        load[:, k] = data.weight[of_skill] @ plan.assignment[of_skill]
    return load


def max_coefficient(data: GroupData, plan: Plan) -> float:
    """Exact maximum cell coefficient of a plan (inf if a cell has load and no staff)."""
    if not data.services:
        return 0.0
    coefficients = data.coefficients(plan.headcount, plan_load(data, plan))
    return float(coefficients.max()) if coefficients.size else 0.0


def total_deviation(data: GroupData, plan: Plan, means: np.ndarray) -> float:
    """Sum over cells of |load - mean x capacity|, in load units (services or staff hours)."""
    capacity = plan.headcount * data.capacity_per_employee[:, None]
    deviation = np.abs(plan_load(data, plan) - means[None, :] * capacity)
    return float(deviation.sum())


def skill_means(data: GroupData) -> np.ndarray:
    """(K,) mean coefficient of each skill in the group before the plan: total load / capacity."""
    load = plan_load(data, current_plan(data)).sum(axis=0)
    capacity = (data.start * data.capacity_per_employee[:, None]).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(capacity > 0, load / np.where(capacity > 0, capacity, 1), 0.0)


def _point_of_plan(group_model: GroupModel, plan: Plan) -> np.ndarray:
    """Solution vector of a plan in a model (to test whether the plan satisfies it)."""
    data, model = group_model.data, group_model.model
    values = np.zeros(model.num_cols)
    values[group_model.n_col] = plan.headcount
    difference = plan.headcount - data.start
    joined = group_model.p_col >= 0
    values[group_model.p_col[joined]] = np.maximum(difference[joined], 0)
    values[group_model.m_col[joined]] = np.maximum(-difference[joined], 0)
    for cols, counts in zip(
        group_model.x_cols, group_model.class_counts(plan.assignment), strict=True
    ):
        values[cols] = counts
    if group_model.ratio_col >= 0:
        t = max_coefficient(data, plan)
        values[group_model.ratio_col] = 0.0 if not np.isfinite(t) or t == 0 else 1.0 / t
    return values


class GroupSolver:
    """Runs the lexicographic search of one group against one loaded model."""

    def __init__(
        self, data: GroupData, progress: Progress | None = None, incumbent: Plan | None = None
    ) -> None:
        self.data = data
        self.incumbent = incumbent  # a plan known to be good, tried as the starting plan
        self.settings = data.settings
        self.progress = progress or (lambda message: None)
        self.search = GroupSearch(PlanStatus.INFEASIBLE, None, None, None, None)
        # The time limit bounds the whole search of the group, not each of its solver calls.
        limit = self.settings.time_limit
        self.deadline = None if limit is None else time.perf_counter() + limit
        self._free_n = None  # per model: free headcount columns and what bounds them (see below)
        self.group_model, self.backend = self._load(build_group_model, data)
        gm = self.group_model
        built_lower = np.asarray(gm.model.col_lower)[gm.n_col]
        self._n_fixed_as_built = built_lower == np.asarray(gm.model.col_upper)[gm.n_col]

    def remaining_time(self) -> float | None:
        """Seconds left before the group's time limit (None: no limit)."""
        if self.deadline is None:
            return None
        return max(self.deadline - time.perf_counter(), 1e-3)

    def _load(self, build, *args, **kwargs) -> tuple[GroupModel, Backend]:
        """Build a model and load it into the solver, timing both."""
        started = time.perf_counter()
        group_model = build(*args, **kwargs)
        backend = make_backend(group_model.model, self.settings.solver)
        self.search.build_seconds += time.perf_counter() - started
        return group_model, backend

    # -- solver calls -------------------------------------------------------------------------
    def _run(
        self, *, integral_objective: bool = False, start: np.ndarray | None = None
    ) -> SolverRun:
        run = self.search.record(
            self.backend.solve(
                time_limit=self.remaining_time(),
                mip_gap=self.settings.mip_gap,
                integral_objective=integral_objective,
                start=start,
            )
        )
        if run.status is RunStatus.ERROR:
            raise SolverError(f"group {self.data.group}: the solver failed ({run.detail})")
        return run

    def _set_threshold(self, t: float) -> bool:
        """Move the load rows to t; False when t is impossible on its face (a cell would need more
        employees than it may ever have), in which case the solver need not be asked."""
        gm = self.group_model
        self.backend.set_coefficients(gm.load_rows, gm.load_n_cols, -t * gm.load_capacity)
        return self._tighten_headcounts(t)

    def _tighten_headcounts(self, t: float) -> bool:
        """At threshold t a cell needs at least ceil(fixed load / (t x capacity)) employees.

        The load rows imply it, but only as a fraction in the LP relaxation; as integer bounds they
        cut the knife-edge feasibility problems near t* (bin-packing-like) by a lot.
        """
        gm = self.group_model
        if self._free_n is None or self._free_n[0] is not gm:
            model = gm.model
            lower = np.asarray(model.col_lower)[gm.load_n_cols]
            upper = np.asarray(model.col_upper)[gm.load_n_cols]
            free = (lower < upper) & (gm.load_capacity > 0)
            fixed_scaled = -np.asarray(model.row_upper)[gm.load_rows]
            # One bound per column (a column sits in one load row).
            self._free_n = (gm, gm.load_n_cols[free], lower[free], upper[free],
                            fixed_scaled[free], gm.load_capacity[free])  # fmt: skip
        _, cols, lower, upper, fixed_scaled, capacity = self._free_n
        if cols.size == 0:
            return True
        with np.errstate(divide="ignore", invalid="ignore"):
            needed = np.ceil(fixed_scaled / (t * capacity) - 1e-9) if t > 0 else upper + 1
        needed = np.where(fixed_scaled > 0, needed, 0.0)
        # Bounds never cross (CBC's reader rejects crossed bounds); crossing means no plan at t.
        self.backend.set_col_bounds(cols, np.minimum(np.maximum(lower, needed), upper), upper)
        return bool(np.all(needed <= upper))

    def feasible_at(self, t: float) -> tuple[RunStatus, Plan | None]:
        """Is there a plan whose every cell coefficient is at most t?"""
        if not self._set_threshold(t):
            return RunStatus.INFEASIBLE, None
        self.backend.set_objective(np.zeros(self.group_model.model.num_cols))
        run = self._run()
        if run.status in (RunStatus.OPTIMAL, RunStatus.FEASIBLE):
            return RunStatus.OPTIMAL, plan_from_values(self.group_model, run.values)
        return run.status, None

    # -- stage 1 ----------------------------------------------------------------------------------
    def starting_plan(self) -> Plan | None:
        """The best of the incumbent and the current allocation that satisfies every constraint,
        else any feasible plan."""
        from planner.solvers import point_violation

        self._set_threshold(self.data.upper_bound_t())
        candidates = [p for p in (self.incumbent, current_plan(self.data)) if p is not None]
        usable = [
            plan
            for plan in candidates
            if np.isfinite(max_coefficient(self.data, plan))
            and point_violation(self.group_model.model, _point_of_plan(self.group_model, plan))
            <= 1e-9
        ]
        if usable:
            return min(usable, key=lambda plan: max_coefficient(self.data, plan))
        status, plan = self.feasible_at(self.data.upper_bound_t())
        if status is RunStatus.NO_SOLUTION:
            raise _Stopped("the time limit ran out before any plan was found")
        return plan

    def lower_bound(self) -> float:
        """A coefficient no plan can go below: per skill, total load over the most capacity its
        staff could have, and the coefficient of every cell that no decision can change."""
        data = self.data
        load = plan_load(data, current_plan(data))
        bound = 0.0
        best_capacity = float(data.capacity_per_employee.max(initial=0.0))
        totals = data.start.sum(axis=0)
        for k in range(len(data.skills)):
            if totals[k] > 0 and best_capacity > 0:
                bound = max(bound, load[:, k].sum() / (totals[k] * best_capacity))
        # The model's own bounds, as built: _tighten_headcounts raises lower bounds as t moves.
        fixed_staff = self._n_fixed_as_built
        movable_into = np.zeros_like(load, dtype=bool)
        for s, eligible in enumerate(data.eligible):
            if len(eligible) > 1:
                movable_into[list(eligible), data.service_skill[s]] = True
        unchanged = fixed_staff & ~movable_into
        if unchanged.any():
            fixed_coefficients = data.coefficients(data.start, load)[unchanged]
            bound = max(bound, float(fixed_coefficients.max(initial=0.0)))
        return bound

    def minimise_max_coefficient(self) -> tuple[Plan, float, float]:
        """Return (best plan, its exact max coefficient t*, proven lower bound)."""
        data = self.data
        plan = self.starting_plan()
        if plan is None:
            raise _Infeasible()
        best = max_coefficient(data, plan)
        lower = min(self.lower_bound(), best)
        if best == 0.0:
            return plan, 0.0, 0.0

        # Staff only: one MILP maximising 1/t gives t* directly (or very nearly). Split services
        # with staff fixed: one LP minimising t. Either way the bracket below still certifies it.
        staff_move = (self.group_model.p_col >= 0).any()
        candidate = None
        if not self.group_model.x_cols and staff_move:
            candidate = self._single_solve(ratio_form=True)
        elif self.settings.split_services and self.group_model.x_cols and not staff_move:
            candidate = self._single_solve(direct_form=True)
        if candidate is not None and max_coefficient(data, candidate) < best:
            plan, best = candidate, max_coefficient(data, candidate)

        steps = 0
        while best * (1 - RELATIVE_TOLERANCE) > lower:
            steps += 1
            if steps > MAX_BISECTION_STEPS:
                raise SolverError(f"group {data.group}: bisection did not converge")
            # Odd steps try just below the best plan (when it is optimal, one step proves it), even
            # steps halve the bracket, so the search neither crawls nor overshoots.
            certify = best * (1 - RELATIVE_TOLERANCE)
            t = certify if steps % 2 == 1 else (lower + best) / 2
            status, found = self.feasible_at(t)
            if status is RunStatus.INFEASIBLE:
                lower = t
            elif status is RunStatus.NO_SOLUTION:
                raise _Stopped("the time limit ran out during the search", plan, best, lower)
            else:
                value = max_coefficient(data, found)
                if value < best:
                    plan, best = found, value
                else:
                    # The solver accepted t only within its feasibility tolerance: its plan is no
                    # better than `best`. That proves nothing about plans below t, so the search
                    # stops here and the plan is reported as feasible, with the bracket as its gap.
                    raise _Stopped(
                        f"at t={t:.9g} the solver's plan was no better than {best:.9g} "
                        "(solver tolerance); optimality not proven",
                        plan, best, lower,
                    )  # fmt: skip
            self.progress(f"group {data.group}: t in [{lower:.6g}, {best:.6g}]")
        return plan, best, lower

    def _single_solve(self, *, ratio_form: bool = False, direct_form: bool = False) -> Plan | None:
        """Solve the ratio form (max 1/t) or the direct form (min t) once; its plan, if any."""
        model, backend = self._load(
            build_group_model, self.data, ratio_form=ratio_form, direct_form=direct_form
        )
        costs = np.zeros(model.model.num_cols)
        costs[model.ratio_col if ratio_form else model.threshold_col] = 1.0
        backend.set_objective(costs, maximize=ratio_form)
        run = self.search.record(backend.solve(time_limit=self.remaining_time(), mip_gap=None))
        if run.status not in (RunStatus.OPTIMAL, RunStatus.FEASIBLE):
            return None
        return plan_from_values(model, run.values)

    # -- stage 2 ----------------------------------------------------------------------------------
    def fewest_moves(self, fallback: Plan) -> tuple[Plan, RunStatus, float | None]:
        """Among plans satisfying the model as it stands, one with the fewest moves; `fallback`
        (a plan that satisfies it) is handed to the solver as its first incumbent."""
        self.backend.set_objective(self.group_model.moves_objective())
        start = _point_of_plan(self.group_model, fallback)
        run = self._run(integral_objective=not self.settings.split_services, start=start)
        if run.status is RunStatus.OPTIMAL:
            return plan_from_values(self.group_model, run.values), run.status, 0.0
        if run.status is RunStatus.FEASIBLE:
            return plan_from_values(self.group_model, run.values), run.status, run.gap
        if run.status is RunStatus.NO_SOLUTION:
            return fallback, RunStatus.FEASIBLE, None
        raise SolverError(
            f"group {self.data.group}: the moves stage lost feasibility ({run.detail})"
        )

    def solve_minmax(self) -> GroupSearch:
        search = self.search
        try:
            plan, best, lower = self.minimise_max_coefficient()
        except _Infeasible:
            search.status = PlanStatus.INFEASIBLE
            return search
        except _Stopped as stopped:
            return self._stopped(stopped)
        self.progress(f"group {self.data.group}: t* = {best:.6g}, minimising moves")
        # Whole services: a small slack keeps the exact optimum feasible despite rounding in the
        # model. Split services are continuous: any slack would be spent on fewer moves, so the
        # moves stage runs at t* itself (LP tolerances are 1e-9).
        slack = 1e-9 if self.settings.split_services else RELATIVE_TOLERANCE
        self._set_threshold(best * (1 + slack))
        moved_plan, status, gap = self.fewest_moves(plan)
        moved_value = max_coefficient(self.data, moved_plan)
        if moved_value > best * (1 + RELATIVE_TOLERANCE) + 1e-12:
            moved_plan, status = plan, RunStatus.FEASIBLE  # should not happen: keep the proven plan
            search.notes.append(
                "the fewest-moves stage returned a worse plan; kept the stage-1 plan"
            )
        search.plan = moved_plan
        search.objective_value = max_coefficient(self.data, moved_plan)
        search.lower_bound = float(lower)
        # The certificate holds only if the plan reported is within the tolerance of the bound
        # (split services are an LP whose plan can sit a hair above t* by solver tolerance).
        value = search.objective_value
        bracket = (value - lower) / value if value > 0 else 0.0
        proven = status is RunStatus.OPTIMAL and bracket <= 2 * RELATIVE_TOLERANCE
        search.gap = max(bracket, 0.0) if gap is None or proven else max(gap, bracket)
        search.status = PlanStatus.OPTIMAL if proven else PlanStatus.FEASIBLE
        return search

    def solve_balance(self) -> GroupSearch:
        search = self.search
        data = self.data
        try:
            if self.starting_plan() is None:
                return search
        except _Stopped as stopped:
            return self._stopped(stopped)
        means = skill_means(data)
        self.group_model, self.backend = self._load(build_group_model, data, balance_means=means)
        costs = np.zeros(self.group_model.model.num_cols)
        costs[self.group_model.deviation_cols] = 1.0
        self.backend.set_objective(costs)
        run = self._run()
        if run.status not in (RunStatus.OPTIMAL, RunStatus.FEASIBLE):
            if run.status is RunStatus.INFEASIBLE:
                return search
            return self._stopped(_Stopped("the time limit ran out before any plan was found"))
        first = plan_from_values(self.group_model, run.values)
        deviation = total_deviation(data, first, means)
        bound = deviation if run.bound is None else run.bound * balance_scale(data)
        cols = self.group_model.deviation_cols.tolist()
        scaled = deviation / balance_scale(data)  # the model measures deviation in this unit
        self.backend.add_row(
            "deviation_at_optimum", cols, [1.0] * len(cols), -np.inf,
            scaled * (1 + RELATIVE_TOLERANCE) + 1e-9,
        )  # fmt: skip
        moved_plan, status, gap = self.fewest_moves(first)
        search.plan = moved_plan
        search.objective_value = total_deviation(data, moved_plan, means)
        search.lower_bound = min(bound, search.objective_value)
        proven = run.status is RunStatus.OPTIMAL and status is RunStatus.OPTIMAL
        search.status = PlanStatus.OPTIMAL if proven else PlanStatus.FEASIBLE
        search.gap = 0.0 if proven else (gap if gap is not None else run.gap)
        return search

    def _stopped(self, stopped: _Stopped) -> GroupSearch:
        search = self.search
        search.notes.append(stopped.reason)
        if stopped.plan is None:
            search.status = PlanStatus.UNKNOWN
            search.notes.append("no plan was found within the time limit; infeasibility not proven")
            return search
        search.status = PlanStatus.FEASIBLE
        search.plan = stopped.plan
        search.objective_value = stopped.best
        search.lower_bound = stopped.lower
        search.gap = (stopped.best - stopped.lower) / stopped.best if stopped.best else 0.0
        return search


class _Infeasible(Exception):
    """No plan exists (raised inside the search, turned into a status)."""


class _Stopped(Exception):
    """A limit stopped the search; carries the best plan so far, if any."""

    def __init__(
        self, reason: str, plan: Plan | None = None, best: float = 0.0, lower: float = 0.0
    ):
        super().__init__(reason)
        self.reason, self.plan, self.best, self.lower = reason, plan, best, lower


def search_group(data: GroupData, progress: Progress | None = None) -> GroupSearch:
    """Optimise one group under its settings' objective."""
    solver = GroupSolver(data, progress)
    if data.settings.objective is Objective.BALANCE:
        return solver.solve_balance()
    return solver.solve_minmax()


def best_max_coefficient(data: GroupData, incumbent: Plan | None = None) -> float | None:
    """t* alone (no moves stage): used by sensitivity and the frontier. None if infeasible.

    incumbent: a plan that is likely still optimal (sensitivity: the plan before one rule was
    relaxed); when it is, the first step of the search proves it with one solve."""
    solver = GroupSolver(data, incumbent=incumbent)
    try:
        _, best, _ = solver.minimise_max_coefficient()
    except _Infeasible:
        return None
    return best


def with_settings(data: GroupData, **changes) -> GroupData:
    """A copy of a group's data with some settings changed."""
    return dataclasses.replace(data, settings=dataclasses.replace(data.settings, **changes))
