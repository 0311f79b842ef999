"""Lexicographic optimisation of one group: first the objective (minmax or balance), then the fewest
moves among plans that reach it, each step certified.

minmax is a ratio with decision variables above the line (which services a unit carries) and below it
(its headcount). It is solved exactly by bisection on t, each step a feasibility MILP at a fixed t
(when no service can move, one MILP maximising r = 1/t, or with split services one LP minimising t,
gives a first candidate). The certificate has two halves:
- from above, the exact maximum coefficient of the best plan found, recomputed from its headcounts
  and assignments (never read from the solver);
- from below, a claim that no plan reaches t just under that value: exact arithmetic (per-skill
  totals, fixed cells, headcount bounds that cross), or a solver's "infeasible", which is confirmed
  by a second solver configuration before it is reported (panel.py).

Solvers err (../shared/reproducers), so the search keeps invariants that catch them: a plan found
below a t that a solver called infeasible refutes that claim (bisection must be monotone); a point no
better than the best plan at a t below it is outside every tolerance (the load rows are scaled so
that a plan at t* misses t*(1 - 1e-6) by eight times HiGHS's tolerance, model.py); a minimum is
reported only when two configurations agree on it and no checked point beats it. Each caught error
is a fault: recorded, logged, the configuration dropped, and the search goes on from the safe side.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum, StrEnum

import numpy as np

from planner.domain import Objective
from planner.engine.group import GroupData
from planner.engine.model import GroupModel, RowFamily, balance_scale, build_group_model
from planner.engine.panel import Config, ConfigUnavailable, FaultKind, SolverFault, SolverPanel
from planner.engine.plan import (
    Plan,
    current_plan,
    max_coefficient,
    plan_load,
    skill_means,
    total_deviation,
)
from planner.engine.solvers import HighsBackend, RunStatus, SolverRun, make_backend, point_violation
from planner.errors import SolverError

RELATIVE_TOLERANCE = 1e-6  # t* is certified to this relative precision
MAX_BISECTION_STEPS = 200
# The load rows are rebuilt around the best value once it falls below reference_t / RESCALE_ABOVE,
# which keeps the certifying margin above 1e-6 / RESCALE_ABOVE (model.py, "Load rows").
RESCALE_ABOVE = 1.25


class PlanStatus(StrEnum):
    OPTIMAL = "optimal"  # proven: objective certified, fewest moves proven
    FEASIBLE = "feasible"  # a checked plan, but the proof stopped (see stop_reason and gap)
    INFEASIBLE = "infeasible"  # no plan satisfies the constraints
    UNKNOWN = "unknown"  # a limit stopped the search before any plan was found


class StopReason(StrEnum):
    """Why a search ended without a full proof."""

    TIME_LIMIT = "time limit"
    SOLVER_FAULT = "solver fault"  # confirmations disagreed and nothing was left to settle a claim
    NOT_CONVERGED = "bisection did not converge"


class BudgetKind(StrEnum):
    """A group-wide move limit whose bound may change between solves (the frontier)."""

    STAFF = "max staff moves"
    SERVICES = "max service moves"


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
    stop_reason: StopReason | None = None
    faults: list[SolverFault] = field(default_factory=list)
    confirmation_runs: int = 0  # solver runs spent confirming claims (included in solver_runs)
    confirmation_seconds: float = 0.0

    def record(self, run: SolverRun) -> SolverRun:
        self.solver_runs += 1
        self.solver_seconds += run.seconds
        return run


@dataclass(frozen=True)
class Bracket:
    """What the minmax search proved: a plan, its exact maximum coefficient, a proven lower bound.

    stop is None when the bracket is closed (value within RELATIVE_TOLERANCE of lower), or when the
    group has no plan (plan None: infeasible, confirmed)."""

    plan: Plan | None
    value: float | None
    lower: float
    stop: StopReason | None = None
    reason: str = ""
    proven_without_solvers: float = 0.0  # the part of `lower` that exact arithmetic proves
    claimed_by: tuple[Config, ...] = ()  # the configurations whose agreement `lower` rests on

    @property
    def infeasible(self) -> bool:
        return self.plan is None and self.stop is None

    @property
    def certified(self) -> bool:
        return self.plan is not None and self.stop is None


Progress = Callable[[str], None]


def plan_from_values(group_model: GroupModel, values: np.ndarray) -> Plan:
    return Plan(group_model.headcount(values), group_model.assignment(values))


def _point_of_plan(group_model: GroupModel, plan: Plan) -> np.ndarray:
    """Solution vector of a plan in a model (to test whether the plan satisfies it, or as a start)."""
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
    if group_model.deviation_cols is not None and group_model.balance_means is not None:
        # Cells in the order the deviation rows were built: units outer, skills inner.
        scale = balance_scale(data)
        capacity = plan.headcount * data.capacity_per_employee[:, None]
        excess = (plan_load(data, plan) - group_model.balance_means[None, :] * capacity) / scale
        over, under = group_model.deviation_cols[0::2], group_model.deviation_cols[1::2]
        values[over] = np.maximum(excess.ravel(), 0.0)
        values[under] = np.maximum(-excess.ravel(), 0.0)
    return values


class _Answer(Enum):
    PLAN = "a plan"
    INFEASIBLE = "infeasible (a solver's claim)"
    EXACT_INFEASIBLE = "infeasible (exact arithmetic)"
    TIME = "time limit"
    NONE = "no answer"  # the configuration failed or was caught in an error


@dataclass(frozen=True)
class _Probe:
    answer: _Answer
    config: Config | None = None
    plan: Plan | None = None
    value: float = math.inf


@dataclass(frozen=True)
class _Least:
    """The outcome of minimising an objective from a known feasible point."""

    point: np.ndarray
    proven: bool
    stop: StopReason | None = None
    gap: float | None = None
    bound: float | None = None  # the solver's bound on the objective, when not proven


class _Stop(Exception):
    """Ends a search early; carries the best plan so far and the bound proven so far."""

    def __init__(
        self,
        reason: StopReason,
        detail: str,
        plan: Plan | None = None,
        best: float | None = None,
        lower: float = 0.0,
    ):
        super().__init__(detail)
        self.reason, self.detail, self.plan, self.best, self.lower = (
            reason, detail, plan, best, lower,
        )  # fmt: skip


class GroupSolver:
    """The certified search of one group, against one loaded model.

    Inputs that other solves proved can be handed in: a start plan (a plan known to satisfy every
    rule) and a known lower bound, per call of `minimise_max_coefficient`; a move budget that
    changes between calls (`set_budget`) keeps the model loaded across a frontier.
    """

    def __init__(self, data: GroupData, progress: Progress | None = None) -> None:
        self.data = data
        self.settings = data.settings
        self.progress = progress or (lambda message: None)
        self.search = GroupSearch(PlanStatus.INFEASIBLE, None, None, None, None)
        # The time limit bounds the whole search of the group, not each of its solver calls.
        limit = self.settings.time_limit
        self.deadline = None if limit is None else time.perf_counter() + limit
        self.budget: tuple[BudgetKind, int] | None = None
        self._ratio: tuple[GroupModel, object] | None = None
        self._free_n = None  # per model: free headcount columns and what bounds them
        self.panel = SolverPanel(self.settings.solver)
        self.reference_t = self._first_reference_t()
        self._load_threshold_model()

    # -- models -------------------------------------------------------------------------------
    def _first_reference_t(self) -> float:
        value = max_coefficient(self.data, current_plan(self.data))
        return value if np.isfinite(value) and value > 0 else self.data.upper_bound_t()

    def _build(self, **options) -> tuple[GroupModel, HighsBackend]:
        """Build a model and load it into HiGHS (which also keeps it for the other
        configurations), timing both."""
        started = time.perf_counter()
        group_model = build_group_model(self.data, **options)
        backend = HighsBackend(group_model.model)
        self.search.build_seconds += time.perf_counter() - started
        return group_model, backend

    def _use(self, group_model: GroupModel, backend: HighsBackend) -> None:
        """Make a loaded model the one the search and every configuration of the panel solve."""
        self.group_model, self.backend = group_model, backend
        self._apply_budget(group_model, backend)
        self.panel.keeper = backend

    def _load_threshold_model(self) -> None:
        self._use(*self._build(reference_t=self.reference_t))
        gm = self.group_model
        built_lower = np.asarray(gm.model.col_lower)[gm.n_col]
        self._n_fixed_as_built = built_lower == np.asarray(gm.model.col_upper)[gm.n_col]
        self._free_n = None

    def _rescale(self, best: float) -> None:
        """Rebuild the load rows around `best` when it has fallen well below the reference t, so
        that the certifying margin stays above the solver's tolerance (model.py)."""
        if 0 < best and self.reference_t > RESCALE_ABOVE * best:
            self.reference_t = best
            self._load_threshold_model()

    def set_budget(self, kind: BudgetKind, limit: int) -> None:
        """Change a group-wide move limit in place (the model must have been built with one)."""
        self.budget = (kind, int(limit))
        self._apply_budget(self.group_model, self.backend)
        if self._ratio is not None:
            self._apply_budget(*self._ratio)

    def _apply_budget(self, group_model: GroupModel, backend) -> None:
        if self.budget is None:
            return
        kind, limit = self.budget
        row = (
            group_model.staff_budget_row
            if kind is BudgetKind.STAFF
            else group_model.service_budget_row
        )
        if row < 0:
            raise ValueError(f"group {self.data.group}: the model has no {kind} row to change")
        backend.set_row_bounds(row, -np.inf, float(limit))

    def remaining_time(self) -> float | None:
        """Seconds left before the group's time limit (None: no limit)."""
        if self.deadline is None:
            return None
        return max(self.deadline - time.perf_counter(), 1e-3)

    # -- solver calls -------------------------------------------------------------------------
    def _ask(
        self,
        config: Config,
        *,
        start: np.ndarray | None = None,
        integral_objective: bool = False,
        confirming: bool = False,
    ) -> SolverRun | None:
        """One run of one configuration; None when it gave no usable answer (and was dropped)."""
        try:
            run = self.panel.run(
                config,
                time_limit=self.remaining_time(),
                mip_gap=self.settings.mip_gap,
                integral_objective=integral_objective,
                start=start,
                confirming=confirming,
            )
        except ConfigUnavailable as error:
            self.search.notes.append(f"{config} could not be used: {error}")
            return None
        self.search.record(run)
        if run.status is RunStatus.ERROR:
            self.search.notes.append(f"{config} failed ({run.detail}); not used further")
            if config in self.panel.trusted:
                self.panel.trusted.remove(config)
            return None
        if run.status is RunStatus.REJECTED:
            self.panel.fault(FaultKind.POINT_OUTSIDE_MODEL, config, run.detail)
            return None
        return run

    def _still_trusted(self, plan: Plan | None, best: float | None, lower: float) -> None:
        if not self.panel.trusted:
            raise _Stop(
                StopReason.SOLVER_FAULT,
                "every solver configuration was caught in an error; optimality not proven",
                plan, best, lower,
            )  # fmt: skip

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

    def _probe(self, t: float, config: Config, *, confirming: bool = False) -> _Probe:
        """Ask one configuration for a plan whose every cell coefficient is at most t."""
        if not self._set_threshold(t):
            return _Probe(_Answer.EXACT_INFEASIBLE)
        self.backend.set_objective(np.zeros(self.group_model.model.num_cols))
        run = self._ask(config, confirming=confirming)
        if run is None:
            return _Probe(_Answer.NONE, config)
        if run.status in (RunStatus.OPTIMAL, RunStatus.FEASIBLE):
            plan = plan_from_values(self.group_model, run.values)
            return _Probe(_Answer.PLAN, config, plan, max_coefficient(self.data, plan))
        if run.status is RunStatus.INFEASIBLE:
            return _Probe(_Answer.INFEASIBLE, config)
        return _Probe(_Answer.TIME, config)

    # -- stage 1 ----------------------------------------------------------------------------------
    def starting_plan(self, start_plan: Plan | None = None) -> Plan | None:
        """The best of a given plan and the current allocation that satisfies every rule, else any
        plan a solver finds; None only when two configurations agree that there is none."""
        upper = self.data.upper_bound_t()
        self._set_threshold(upper)
        candidates = [p for p in (start_plan, current_plan(self.data)) if p is not None]
        usable = [
            plan
            for plan in candidates
            if np.isfinite(max_coefficient(self.data, plan))
            and point_violation(self.group_model.model, _point_of_plan(self.group_model, plan))
            <= 1e-9
        ]
        if usable:
            return min(usable, key=lambda plan: max_coefficient(self.data, plan))
        while self.panel.trusted:
            probe = self._probe(upper, self.panel.primary)
            if probe.answer is _Answer.PLAN:
                return probe.plan
            if probe.answer is _Answer.EXACT_INFEASIBLE:
                return None
            if probe.answer is _Answer.TIME:
                raise _Stop(
                    StopReason.TIME_LIMIT, "the time limit ran out before any plan was found"
                )
            if probe.answer is _Answer.INFEASIBLE:
                # "The group has no plan" is a claim like any other: confirmed or refuted.
                settled, found, _ = self._confirm_no_plan(upper, probe.config, math.inf)
                if settled is True:
                    return None
                if found is not None and found.plan is not None:
                    return found.plan
                if found is not None and found.answer is _Answer.TIME:
                    raise _Stop(StopReason.TIME_LIMIT,
                                "the time limit ran out before any plan was found")  # fmt: skip
                break
        raise _Stop(
            StopReason.SOLVER_FAULT,
            "no second solver configuration could confirm that the group has no plan",
        )

    def lower_bound(self) -> float:
        """A coefficient no plan can go below, by exact arithmetic: per skill, total load over the
        most capacity its staff could have; and every cell whose staff cannot change carries at
        least its fixed load (services that cannot move) on its fixed capacity."""
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
        fixed_load = data.fixed_load()
        cells = fixed_staff & (fixed_load > 0)
        if cells.any():
            fixed_coefficients = data.coefficients(data.start, fixed_load)[cells]
            bound = max(bound, float(fixed_coefficients.max(initial=0.0)))
        return bound

    def _safe_lower(self, best: float, known_lower: float) -> float:
        """The exact lower bound, with a bound proven by another solve; a bound above a plan
        already seen is a fault (never clamped into place)."""
        bound = self.lower_bound()
        if bound > best * (1 + 1e-9):
            self.search.notes.append(
                f"internal error caught: the exact lower bound {bound:.9g} is above a checked "
                f"plan of {best:.9g}; the bound was not used (please report this)"
            )
            bound = 0.0
        if known_lower > best * (1 + 1e-9):
            self.search.notes.append(
                f"a lower bound of {known_lower:.9g} from an earlier solve is above a checked "
                f"plan of {best:.9g}; it was not used"
            )
            known_lower = 0.0
        return max(bound, known_lower)

    def minimise_max_coefficient(
        self, start_plan: Plan | None = None, known_lower: float = 0.0
    ) -> Bracket:
        """The smallest maximum coefficient with a plan that reaches it and the proof.

        start_plan: a plan known to satisfy every rule (the search starts from it when it is the
        better one); known_lower: a lower bound proven by another solve."""
        try:
            return self._minimise(start_plan, known_lower)
        except _Stop as stop:
            if stop.plan is not None:
                self.search.notes.append(stop.detail)
            return Bracket(stop.plan, stop.best, stop.lower, stop.reason, stop.detail)

    def _minimise(self, start_plan: Plan | None, known_lower: float) -> Bracket:
        data = self.data
        plan = self.starting_plan(start_plan)
        if plan is None:
            return Bracket(None, None, math.inf)
        best = max_coefficient(data, plan)
        if best == 0.0:
            return Bracket(plan, 0.0, 0.0)
        safe = self._safe_lower(best, known_lower)  # proven without trusting any solver

        candidate = self._single_solve()
        if candidate is not None and max_coefficient(data, candidate) < best:
            plan, best = candidate, max_coefficient(data, candidate)

        lower, claimant = safe, None  # claimant: the configuration whose "infeasible" set lower
        steps = 0
        while True:
            while best * (1 - RELATIVE_TOLERANCE) > lower:
                steps += 1
                if steps > MAX_BISECTION_STEPS:
                    raise _Stop(StopReason.NOT_CONVERGED,
                                f"the bisection did not converge in {MAX_BISECTION_STEPS} steps",
                                plan, best, safe)  # fmt: skip
                self._still_trusted(plan, best, safe)
                self._rescale(best)
                # Odd steps try just below the best plan (when it is optimal, one step proves it),
                # even steps halve the bracket, so the search neither crawls nor overshoots.
                certify = best * (1 - RELATIVE_TOLERANCE)
                t = certify if steps % 2 == 1 else (lower + best) / 2
                probe = self._probe(t, self.panel.primary)
                if probe.answer is _Answer.EXACT_INFEASIBLE:
                    lower = safe = t  # t > lower: an exact proof supersedes any claim below it
                    claimant = None
                elif probe.answer is _Answer.INFEASIBLE:
                    lower, claimant = t, probe.config
                elif probe.answer is _Answer.TIME:
                    raise _Stop(StopReason.TIME_LIMIT, "the time limit ran out during the search",
                                plan, best, safe)  # fmt: skip
                elif probe.answer is _Answer.NONE:
                    continue  # the configuration was dropped; the next one asks again
                elif probe.value < best:
                    if claimant is not None and probe.value <= lower:
                        # A plan below a t called infeasible: the bisection is not monotone.
                        self.panel.fault(
                            FaultKind.FALSE_INFEASIBLE, claimant,
                            f"no plan has every coefficient at or below {lower:.9g}",
                            witness=probe.config,
                        )  # fmt: skip
                        lower, claimant = safe, None
                    plan, best = probe.plan, probe.value
                else:
                    # No better than `best` at a t below it: the margins of the load rows put
                    # such a point outside every tolerance, so the answer is wrong.
                    self.panel.fault(
                        FaultKind.POINT_OUTSIDE_MODEL, probe.config,
                        f"a plan with every coefficient at or below {t:.9g} "
                        f"(its plan's maximum is {probe.value:.9g})",
                    )  # fmt: skip
                self.progress(f"group {data.group}: t in [{lower:.6g}, {best:.6g}]")
            if claimant is None:
                return Bracket(plan, best, lower, proven_without_solvers=safe)
            settled, found, confirmer = self._confirm_no_plan(lower, claimant, best)
            if found is not None and found.value < best:
                plan, best = found.plan, found.value
            if settled is True:
                claimed = (claimant,) if confirmer is None else (claimant, confirmer)
                return Bracket(plan, best, lower, proven_without_solvers=safe, claimed_by=claimed)
            if settled is False:
                lower, claimant = safe, None  # refuted: back to what is proven
                continue
            if found is not None and found.answer is _Answer.TIME:
                raise _Stop(StopReason.TIME_LIMIT,
                            "the time limit ran out while confirming the proof", plan, best, safe)  # fmt: skip
            raise _Stop(
                StopReason.SOLVER_FAULT,
                f"no second solver configuration confirmed that no plan reaches {lower:.9g}; "
                "optimality not proven",
                plan, best, safe,
            )  # fmt: skip

    def _confirm_no_plan(
        self, t: float, claimant: Config, best: float
    ) -> tuple[bool | None, _Probe | None, Config | None]:
        """Ask the other configurations whether a plan reaches t: (True, _, confirmer) confirmed,
        (False, plan, _) refuted by a checked plan, (None, probe, _) unsettled (time limit or
        nobody left). A confirmer of None: exact arithmetic settled it."""
        improved: _Probe | None = None
        for config in self.panel.others(claimant):
            if config not in self.panel.trusted:
                continue
            probe = self._probe(t, config, confirming=True)
            if probe.answer is _Answer.INFEASIBLE:
                return True, improved, config
            if probe.answer is _Answer.EXACT_INFEASIBLE:
                return True, improved, None
            if probe.answer is _Answer.TIME:
                return None, probe if improved is None else improved, None
            if probe.answer is _Answer.NONE:
                continue
            if probe.value <= t:
                self.panel.fault(FaultKind.FALSE_INFEASIBLE, claimant,
                                 f"no plan has every coefficient at or below {t:.9g}",
                                 witness=config)  # fmt: skip
                return False, probe, None
            if probe.value < best:
                improved = probe  # within its tolerance above t: a better plan, not a refutation
            else:
                self.panel.fault(
                    FaultKind.POINT_OUTSIDE_MODEL, config,
                    f"a plan with every coefficient at or below {t:.9g} "
                    f"(its plan's maximum is {probe.value:.9g})",
                )  # fmt: skip
        return None, improved, None

    def _single_solve(self) -> Plan | None:
        """A first candidate from one solve, where the problem allows it: staff only, one MILP
        maximising 1/t; split services with staff fixed, one LP minimising t. The bracket still
        certifies whatever it gives."""
        staff_move = (self.group_model.p_col >= 0).any()
        if not self.group_model.x_cols and staff_move:
            if self._ratio is None:
                model, backend = self._build(ratio_form=True)
                self._apply_budget(model, backend)
                self._ratio = (model, backend)
            model, backend = self._ratio
            costs = np.zeros(model.model.num_cols)
            costs[model.ratio_col] = 1.0
            backend.set_objective(costs, maximize=True)
        elif self.settings.split_services and self.group_model.x_cols and not staff_move:
            model, backend = self._build(direct_form=True)
            self._apply_budget(model, backend)
            costs = np.zeros(model.model.num_cols)
            costs[model.threshold_col] = 1.0
            backend.set_objective(costs)
        else:
            return None
        run = self.search.record(backend.solve(time_limit=self.remaining_time(), mip_gap=None))
        if run.status not in (RunStatus.OPTIMAL, RunStatus.FEASIBLE):
            return None
        return plan_from_values(model, run.values)

    # -- stage 2 ----------------------------------------------------------------------------------
    def _least(self, start: Plan, *, integral: bool, what: str) -> _Least:
        """Minimise the objective set on the model from a plan that satisfies it. The minimum is
        proven only when two configurations call the same value optimal and no checked point
        beats it; a configuration that calls a worse value optimal is a fault."""
        costs = self.backend.costs
        best_point = _point_of_plan(self.group_model, start)
        best_value = float(costs @ best_point)

        def tolerance(value: float) -> float:
            return 0.5 if integral else 1e-6 * max(1.0, abs(value))

        affirmed: list[tuple[Config, float]] = []
        for config in list(self.panel.trusted):
            if config not in self.panel.trusted:
                continue
            run = self._ask(
                config, start=best_point, integral_objective=integral, confirming=bool(affirmed)
            )
            if run is None:
                continue
            if run.status is RunStatus.INFEASIBLE:
                self.panel.fault(FaultKind.FALSE_INFEASIBLE, config,
                                 f"no plan satisfies the {what} model, though one was given to it")  # fmt: skip
                continue
            if run.status is RunStatus.NO_SOLUTION:
                return _Least(best_point, False, StopReason.TIME_LIMIT)
            value = float(costs @ run.values)
            if value < best_value - tolerance(best_value):
                for earlier, claimed in affirmed:
                    self.panel.fault(FaultKind.FALSE_OPTIMUM, earlier,
                                     f"{what}: {claimed:.10g} is the least", witness=config)  # fmt: skip
                affirmed = []
                best_point, best_value = np.asarray(run.values, dtype=float), value
            if run.status is RunStatus.FEASIBLE:
                return _Least(best_point, False, StopReason.TIME_LIMIT, run.gap, run.bound)
            if value > best_value + tolerance(best_value):
                self.panel.fault(FaultKind.FALSE_OPTIMUM, config,
                                 f"{what}: {value:.10g} is the least (a plan with "
                                 f"{best_value:.10g} is known)")  # fmt: skip
                continue
            affirmed.append((config, value))
            if len(affirmed) >= 2:
                return _Least(best_point, True)
        return _Least(best_point, False, StopReason.SOLVER_FAULT)

    def _fewest_moves(self, fallback: Plan) -> tuple[Plan, bool, StopReason | None, float | None]:
        """Among plans satisfying the model as it stands, one with the fewest moves, starting from
        `fallback` (a plan that satisfies it)."""
        self.backend.set_objective(self.group_model.moves_objective())
        least = self._least(
            fallback, integral=not self.settings.split_services, what="fewest moves"
        )
        plan = plan_from_values(self.group_model, least.point)
        return plan, least.proven, least.stop, least.gap

    def solve_minmax(self) -> GroupSearch:
        search = self.search
        bracket = self.minimise_max_coefficient()
        if bracket.infeasible:
            search.status = PlanStatus.INFEASIBLE
            return self._finish()
        if bracket.plan is None:
            search.status, search.stop_reason = PlanStatus.UNKNOWN, bracket.stop
            search.notes.append(bracket.reason)
            search.notes.append("no plan was found within the time limit; infeasibility not proven")
            return self._finish()
        plan, best, lower = bracket.plan, float(bracket.value), float(bracket.lower)
        status_proven, stop, gap = bracket.certified, bracket.stop, None
        if stop is not StopReason.TIME_LIMIT and self.panel.trusted:
            # Also when the proof stopped on a solver fault: the best plan still gets its fewest
            # moves, only the status says what is not proven.
            self.progress(f"group {self.data.group}: t* = {best:.6g}, minimising moves")
            self._rescale(best)
            # Whole services: the rows are scaled so that a plan at best meets them up to rounding.
            # Split services are continuous: any slack would be spent on fewer moves.
            slack = 1e-9 if self.settings.split_services else RELATIVE_TOLERANCE
            self._set_threshold(best * (1 + slack))
            moved_plan, moves_proven, moves_stop, gap = self._fewest_moves(plan)
            moved_value = max_coefficient(self.data, moved_plan)
            if moved_value > best * (1 + RELATIVE_TOLERANCE) + 1e-12:
                search.notes.append(
                    "the fewest-moves stage returned a worse plan; kept the stage-1 plan"
                )
                moves_proven = False
            else:
                plan = moved_plan
            status_proven = status_proven and moves_proven
            stop = stop or moves_stop
        value = max_coefficient(self.data, plan)
        if value < lower * (1 - 1e-12):  # beyond rounding: the exact bound may equal the plan
            # A checked plan below the proven bound: the configurations that agreed on the bound
            # were both wrong. Never a certificate (a negative gap is not a small one).
            for config in bracket.claimed_by:
                self.panel.fault(
                    FaultKind.FALSE_INFEASIBLE, config,
                    f"no plan has every coefficient at or below {lower:.9g} (the fewest-moves "
                    f"stage found one at {value:.9g})",
                )  # fmt: skip
            lower = bracket.proven_without_solvers
            status_proven, stop = False, StopReason.SOLVER_FAULT
        search.plan, search.objective_value, search.lower_bound = plan, value, lower
        # The certificate holds only if the plan reported is within the tolerance of the bound
        # (split services are an LP whose plan can sit a hair above t* by solver tolerance).
        bracket_gap = max((value - lower) / value, 0.0) if value > 0 else 0.0
        proven = status_proven and bracket_gap <= 2 * RELATIVE_TOLERANCE
        search.gap = bracket_gap if gap is None or proven else max(gap, bracket_gap)
        search.status = PlanStatus.OPTIMAL if proven else PlanStatus.FEASIBLE
        search.stop_reason = None if proven else (stop or StopReason.SOLVER_FAULT)
        return self._finish()

    def solve_balance(self) -> GroupSearch:
        search = self.search
        data = self.data
        try:
            start = self.starting_plan()
        except _Stop as stop:
            search.status, search.stop_reason = PlanStatus.UNKNOWN, stop.reason
            search.notes.append(stop.detail)
            return self._finish()
        if start is None:
            search.status = PlanStatus.INFEASIBLE
            return self._finish()
        means = skill_means(data)
        self._use(*self._build(balance_means=means))
        costs = np.zeros(self.group_model.model.num_cols)
        costs[self.group_model.deviation_cols] = 1.0
        self.backend.set_objective(costs)
        least = self._least(start, integral=False, what="least total deviation")
        first = plan_from_values(self.group_model, least.point)
        deviation = total_deviation(data, first, means)
        if least.proven:
            bound = deviation
        elif least.bound is not None and least.bound * balance_scale(data) <= deviation * (
            1 + 1e-9
        ):
            bound = least.bound * balance_scale(data)
        else:
            bound = 0.0
        cols = self.group_model.deviation_cols.tolist()
        scaled = deviation / balance_scale(data)  # the model measures deviation in this unit
        self.backend.add_row(
            "deviation_at_optimum", cols, [1.0] * len(cols), -np.inf,
            scaled * (1 + RELATIVE_TOLERANCE) + 1e-9, family=RowFamily.DEVIATION_AT_OPTIMUM,
        )  # fmt: skip
        stop, gap = least.stop, least.gap
        moved_plan, moves_proven = first, False
        if stop is not StopReason.TIME_LIMIT and self.panel.trusted:
            moved_plan, moves_proven, moves_stop, moves_gap = self._fewest_moves(first)
            stop = stop or moves_stop
            gap = gap if gap is not None else moves_gap
        search.plan = moved_plan
        search.objective_value = total_deviation(data, moved_plan, means)
        search.lower_bound = min(bound, search.objective_value)
        proven = least.proven and moves_proven
        search.status = PlanStatus.OPTIMAL if proven else PlanStatus.FEASIBLE
        search.stop_reason = None if proven else (stop or StopReason.SOLVER_FAULT)
        if proven:
            search.gap = 0.0
        elif gap is not None:
            search.gap = gap
        else:
            value = search.objective_value
            search.gap = (value - search.lower_bound) / value if value > 0 else 0.0
        return self._finish()

    def _finish(self) -> GroupSearch:
        """Copy the panel's record into the search: faults, confirmations."""
        search = self.search
        search.faults = list(self.panel.faults)
        search.notes.extend(f.sentence() for f in self.panel.faults)
        search.confirmation_runs = self.panel.confirmation_runs
        search.confirmation_seconds = self.panel.confirmation_seconds
        return search


def search_group(data: GroupData, progress: Progress | None = None) -> GroupSearch:
    """Optimise one group under its settings' objective."""
    solver = GroupSolver(data, progress)
    if data.settings.objective is Objective.BALANCE:
        return solver.solve_balance()
    return solver.solve_minmax()


def best_max_coefficient(data: GroupData, incumbent: Plan | None = None) -> float | None:
    """t* alone (no moves stage): used by sensitivity and the frontier. None if there is no plan
    or the proof stopped (a time limit, a solver fault): a figure is given only when proven.

    incumbent: a plan that is likely still optimal (sensitivity: the plan before one rule was
    relaxed); when it is, the first step of the search proves it with one solve."""
    bracket = GroupSolver(data).minimise_max_coefficient(start_plan=incumbent)
    return bracket.value if bracket.certified else None


def with_settings(data: GroupData, **changes) -> GroupData:
    """A copy of a group's data with some settings changed."""
    return dataclasses.replace(data, settings=dataclasses.replace(data.settings, **changes))


__all__ = [
    "Bracket",
    "BudgetKind",
    "GroupSearch",
    "GroupSolver",
    "PlanStatus",
    "SolverError",
    "StopReason",
    "best_max_coefficient",
    "make_backend",
    "search_group",
    "with_settings",
]
