"""One group's loaded model and the solver configurations that answer questions about it.

A SolverSession holds the group's threshold model (load rows at a movable t) loaded into HiGHS, the
panel of configurations that confirm each other's claims (panel.py), the group's time limit and
move budget, and the tally of solver effort. It asks the questions the searches are made of: is
there a plan at t (`probe`), does any other configuration find one (`confirm_no_plan`), what is the
least of an objective from a known plan (`least`), and for leximax the least count of cells
above a value, or the fewest moves, under count rows (`least_at_levels`). What the answers prove
is the business of the searches above it (bracket.py: the minmax bisection; search.py: the lexicographic stages).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, StrEnum

import numpy as np

from planner.display import significant
from planner.engine.group import GroupData
from planner.engine.model import (
    GroupModel,
    ModelForm,
    RowFamily,
    add_level_count,
    balance_scale,
    build_group_model,
)
from planner.engine.panel import (
    Config,
    ConfigUnavailable,
    FaultKind,
    SolverPanel,
    no_plan_claim,
    plan_claim,
)
from planner.engine.plan import Plan, current_plan, max_coefficient, plan_load
from planner.engine.solvers import HighsBackend, RunStatus, SolverRun
from planner.i18n import _
from planner.result import GroupReport, StopReason

RELATIVE_TOLERANCE = 1e-6  # t* is certified to this relative precision
# The load rows are rebuilt around the best value once it falls below reference_t / RESCALE_ABOVE,
# which keeps the certifying margin above 1e-6 / RESCALE_ABOVE (model.py, "Load rows").
RESCALE_ABOVE = 1.25

Progress = Callable[[str], None]


class BudgetKind(StrEnum):
    """A group-wide move limit whose bound may change between solves (the frontier)."""

    STAFF = "max staff moves"
    SERVICES = "max service moves"


def plan_from_values(group_model: GroupModel, values: np.ndarray) -> Plan:
    return Plan(group_model.headcount(values), group_model.assignment(values))


def point_of_plan(group_model: GroupModel, plan: Plan) -> np.ndarray:
    """Solution vector of a plan in a model (to test whether the plan satisfies it, or as a start)."""
    data, model = group_model.data, group_model.model
    values = np.zeros(model.num_cols)
    values[group_model.n_col] = plan.headcount
    difference = plan.headcount - data.start
    joined = group_model.p_col >= 0
    values[group_model.p_col[joined]] = np.maximum(difference[joined], 0)
    values[group_model.m_col[joined]] = np.maximum(-difference[joined], 0)
    group_model.complete_point(values, plan.headcount)  # who sends to whom (decisions, distances)
    for cols, counts in zip(
        group_model.x_cols, group_model.class_counts(plan.assignment), strict=True
    ):
        values[cols] = counts
    if group_model.ratio_col >= 0:
        t = max_coefficient(data, plan)
        values[group_model.ratio_col] = (
            0.0 if not np.isfinite(t) or t == 0 else group_model.ratio_scale / t
        )
    if group_model.deviation_cols is not None and group_model.balance_means is not None:
        # Cells in the order the deviation rows were built: units outer, skills inner.
        scale = balance_scale(data)
        capacity = plan.headcount * data.capacity_per_employee[:, None]
        excess = (plan_load(data, plan) - group_model.balance_means[None, :] * capacity) / scale
        over, under = group_model.deviation_cols[0::2], group_model.deviation_cols[1::2]
        values[over] = np.maximum(excess.ravel(), 0.0)
        values[under] = np.maximum(-excess.ravel(), 0.0)
    return values


class Answer(Enum):
    PLAN = "a plan"
    INFEASIBLE = "infeasible (a solver's claim)"
    EXACT_INFEASIBLE = "infeasible (exact arithmetic)"
    TIME = "time limit"
    NONE = "no answer"  # the configuration failed or was caught in an error


@dataclass(frozen=True)
class Probe:
    """One configuration's answer to "is there a plan at t?" (EXACT_INFEASIBLE: exact arithmetic
    answered before the configuration was asked)."""

    answer: Answer
    config: Config
    plan: Plan | None = None
    value: float = math.inf
    by_clusters: bool = False  # EXACT_INFEASIBLE by the clusters' arithmetic (clusters.py)


@dataclass(frozen=True)
class Least:
    """The outcome of minimising an objective from a known feasible point."""

    point: np.ndarray
    proven: bool
    stop: StopReason | None = None
    gap: float | None = None
    bound: float | None = None  # the solver's bound on the objective, when not proven


@dataclass(frozen=True)
class PlanAt:
    """The answer to "a plan at t?": a plan (plan set), none proven (plan and stop None: exact
    arithmetic or two configurations agree), or why it could not be settled (stop set)."""

    plan: Plan | None = None
    stop: StopReason | None = None

    @property
    def none_proven(self) -> bool:
        return self.plan is None and self.stop is None


class SearchStopped(Exception):
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


class SolverSession:
    """The solver side of one group's search: a loaded model, the panel, the clock, the tally.

    Counters (solver_runs, solver_seconds, build_seconds) and `notes` accumulate over every question
    asked; `report()` gives them as the immutable GroupReport.
    """

    def __init__(self, data: GroupData, progress: Progress | None = None) -> None:
        self.data = data
        self.settings = data.settings
        self.progress = progress or (lambda message: None)
        self.solver_runs = 0
        self.solver_seconds = 0.0
        self.build_seconds = 0.0  # building models and loading them into the solver
        self.notes: list[str] = []  # what the report should say about how the search went
        # The time limit bounds the whole search of the group, not each of its solver calls.
        limit = self.settings.time_limit
        self.deadline = None if limit is None else time.perf_counter() + limit
        self.budget: tuple[BudgetKind, int] | None = None
        self._ratio: tuple[GroupModel, HighsBackend] | None = None  # built on first need
        self._free_n: tuple | None = None  # per model: free headcount columns and their bounds
        # Leximax levels: a cap per (unit, skill) cell fixed at an earlier level (inf: free). The
        # threshold t bounds the free cells only, and a plan's value is theirs (value_of).
        self.caps = np.full((len(data.units), len(data.skills)), np.inf)
        self.panel = SolverPanel(self.settings.solver)
        self.reference_t = self._first_reference_t()
        self._load_threshold_model()

    # -- models -------------------------------------------------------------------------------
    def _first_reference_t(self) -> float:
        value = max_coefficient(self.data, current_plan(self.data))
        return value if np.isfinite(value) and value > 0 else self.data.upper_bound_t()

    def build(self, **options) -> tuple[GroupModel, HighsBackend]:
        """Build a model and load it into HiGHS (which also keeps it for the other
        configurations), timing both."""
        started = time.perf_counter()
        group_model = build_group_model(self.data, **options)
        backend = HighsBackend(group_model.model)
        self.build_seconds += time.perf_counter() - started
        return group_model, backend

    def use(self, group_model: GroupModel, backend: HighsBackend) -> None:
        """Make a loaded model the one the search and every configuration of the panel solve."""
        self.group_model, self.backend = group_model, backend
        self.apply_budget(group_model, backend)
        self.panel.keeper = backend

    def _load_threshold_model(self) -> None:
        self.use(*self.build(reference_t=self.reference_t))
        gm = self.group_model
        built_lower = np.asarray(gm.model.col_lower)[gm.n_col]
        # The model's own bounds, as built (set_threshold raises lower bounds as t moves).
        self.fixed_as_built = built_lower == np.asarray(gm.model.col_upper)[gm.n_col]
        self.headcount_as_built = built_lower  # the headcount of the fixed cells
        self._free_n = None

    def ratio_model(self) -> tuple[GroupModel, HighsBackend]:
        """The staff-only form maximising r = 1/t, loaded beside the threshold model (the move
        budget applies to both)."""
        if self._ratio is None:
            group_model, backend = self.build(form=ModelForm.RATIO)
            self.apply_budget(group_model, backend)
            self._ratio = (group_model, backend)
        return self._ratio

    def rescale(self, best: float) -> None:
        """Rebuild the load rows around `best` when it has fallen well below the reference t, so
        that the certifying margin stays above the solver's tolerance (model.py)."""
        if 0 < best and self.reference_t > RESCALE_ABOVE * best:
            self.reference_t = best
            self._load_threshold_model()

    def set_budget(self, kind: BudgetKind, limit: int) -> None:
        """Change a group-wide move limit in place (the model must have been built with one)."""
        self.budget = (kind, int(limit))
        self.apply_budget(self.group_model, self.backend)
        if self._ratio is not None:
            self.apply_budget(*self._ratio)

    def apply_budget(self, group_model: GroupModel, backend: HighsBackend) -> None:
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

    def record(self, run: SolverRun) -> SolverRun:
        self.solver_runs += 1
        self.solver_seconds += run.seconds
        return run

    def report(self) -> GroupReport:
        """The tally so far, with the panel's confirmations and faults (check_seconds: solve.py)."""
        return GroupReport(
            solver_runs=self.solver_runs,
            solver_seconds=self.solver_seconds,
            build_seconds=self.build_seconds,
            confirmation_runs=self.panel.confirmation_runs,
            confirmation_seconds=self.panel.confirmation_seconds,
            solver_faults=tuple(f.sentence() for f in self.panel.faults),
        )

    # -- solver calls -------------------------------------------------------------------------
    def ask(
        self,
        config: Config,
        *,
        start: np.ndarray | None = None,
        integral_objective: bool = False,
        confirming: bool = False,
        heuristics: bool = True,
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
                heuristics=heuristics,
            )
        except ConfigUnavailable as error:
            self.notes.append(
                _("{config} could not be used: {error}").format(config=config.text, error=error)
            )
            return None
        self.record(run)
        if run.status is RunStatus.ERROR:
            self.notes.append(
                _("{config} failed ({detail}); not used further").format(
                    config=config.text, detail=run.detail
                )
            )
            if config in self.panel.trusted:
                self.panel.trusted.remove(config)
            return None
        if run.status is RunStatus.REJECTED:
            self.panel.fault(FaultKind.POINT_OUTSIDE_MODEL, config, run.detail)
            return None
        return run

    def still_trusted(self, plan: Plan | None, best: float | None, lower: float) -> None:
        if not self.panel.trusted:
            raise SearchStopped(
                StopReason.SOLVER_FAULT,
                _("every solver configuration was caught in an error; optimality not proven"),
                plan, best, lower,
            )  # fmt: skip

    @property
    def levelled(self) -> bool:
        """Whether some cells are capped at an earlier level (leximax beyond its first level)."""
        return bool(np.isfinite(self.caps).any())

    def value_of(self, plan: Plan) -> float:
        """The figure the search minimises: the maximum coefficient of the free cells (all cells
        unless levels are fixed)."""
        if not self.levelled:
            return max_coefficient(self.data, plan)
        coefficients = self.data.coefficients(plan.headcount, plan_load(self.data, plan))
        return float(coefficients[~np.isfinite(self.caps)].max(initial=0.0))

    def row_thresholds(self, t: float) -> np.ndarray:
        """The threshold of each load row: its cell's cap where fixed, else t."""
        gm = self.group_model
        model = gm.model
        units = np.asarray(model.row_unit, dtype=np.int64)[gm.load_rows]
        skills = np.asarray(model.row_skill, dtype=np.int64)[gm.load_rows]
        caps = self.caps[units, skills]
        return np.where(np.isfinite(caps), caps, t)

    def set_threshold(self, t: float) -> bool:
        """Move the load rows to t (fixed cells to their caps); False when that is impossible on
        its face (a cell would need more employees than it may ever have), in which case the
        solver need not be asked."""
        gm = self.group_model
        thresholds = self.row_thresholds(t) if self.levelled else np.full(len(gm.load_rows), t)
        self.backend.set_coefficients(gm.load_rows, gm.load_n_cols, -thresholds * gm.load_capacity)
        return self._tighten_headcounts(thresholds)

    def _tighten_headcounts(self, thresholds: np.ndarray) -> bool:
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
            self._free_n = (gm, free, gm.load_n_cols[free], lower[free], upper[free],
                            fixed_scaled[free], gm.load_capacity[free])  # fmt: skip
        _, free, cols, lower, upper, fixed_scaled, capacity = self._free_n
        if cols.size == 0:
            return True
        t = thresholds[free]
        with np.errstate(divide="ignore", invalid="ignore"):
            needed = np.where(t > 0, np.ceil(fixed_scaled / (t * capacity) - 1e-9), upper + 1)
        needed = np.where(fixed_scaled > 0, needed, 0.0)
        # Bounds never cross (CBC's reader rejects crossed bounds); crossing means no plan at t.
        self.backend.set_col_bounds(cols, np.minimum(np.maximum(lower, needed), upper), upper)
        return bool(np.all(needed <= upper))

    def probe(
        self, t: float, config: Config, *, confirming: bool = False, expect_none: bool = False
    ) -> Probe:
        """Ask one configuration for a plan whose every cell coefficient is at most t.

        expect_none: the question is likely to end in "no plan" (a confirmation, or the test just
        under the best plan): the solver is run without primal heuristics (HighsBackend.solve),
        which changes how fast it answers, not what an answer means."""
        if not self.set_threshold(t):
            return Probe(Answer.EXACT_INFEASIBLE, config)
        self.backend.set_objective(np.zeros(self.group_model.model.num_cols))
        run = self.ask(config, confirming=confirming, heuristics=not expect_none)
        if run is None:
            return Probe(Answer.NONE, config)
        if run.status in (RunStatus.OPTIMAL, RunStatus.FEASIBLE):
            plan = plan_from_values(self.group_model, run.point)
            return Probe(Answer.PLAN, config, plan, self.value_of(plan))
        if run.status is RunStatus.INFEASIBLE:
            return Probe(Answer.INFEASIBLE, config)
        return Probe(Answer.TIME, config)

    def plan_at(
        self,
        t: float,
        *,
        objection: Callable[[Plan], str | None] | None = None,
        take_unsettled: bool = False,
    ) -> PlanAt:
        """A plan at t from the primary configuration, or "none" proven (exact arithmetic, or its
        "infeasible" confirmed by another configuration), or why neither could be had.

        objection: what is wrong with the primary's plan (None: nothing), for a search that asks
        more of the plan than the model states; an objected plan is a fault of the configuration
        that gave it, and the next one is asked. take_unsettled: when a confirming configuration
        gives a plan but the claim stays unsettled (its plan is within tolerance above t), take
        that plan instead of stopping (a start needs any plan, a level search one below t)."""
        while self.panel.trusted:
            probe = self.probe(t, self.panel.primary)
            if probe.answer is Answer.EXACT_INFEASIBLE:
                return PlanAt()
            if probe.answer is Answer.TIME:
                return PlanAt(stop=StopReason.TIME_LIMIT)
            if probe.answer is Answer.NONE:
                continue  # the configuration was dropped; the next one is asked
            if probe.answer is Answer.PLAN and probe.plan is not None:
                wrong = None if objection is None else objection(probe.plan)
                if wrong is None:
                    return PlanAt(probe.plan)
                self.panel.fault(FaultKind.POINT_OUTSIDE_MODEL, probe.config, wrong)
                continue
            # "No plan at t" is a claim like any other: confirmed or refuted.
            settled, found, _ = self.confirm_no_plan(t, probe.config, math.inf)
            if settled is True:
                return PlanAt()
            if (
                (settled is False or take_unsettled)
                and found is not None
                and found.plan is not None
            ):
                return PlanAt(found.plan)
            if found is not None and found.answer is Answer.TIME:
                return PlanAt(stop=StopReason.TIME_LIMIT)
            return PlanAt(stop=StopReason.SOLVER_FAULT)
        return PlanAt(stop=StopReason.SOLVER_FAULT)

    def confirm_no_plan(
        self, t: float, claimant: Config, best: float
    ) -> tuple[bool | None, Probe | None, Config | None]:
        """Ask the other configurations whether a plan reaches t: (True, _, confirmer) confirmed,
        (False, plan, _) refuted by a checked plan, (None, probe, _) unsettled (time limit or
        nobody left). A confirmer of None: exact arithmetic settled it."""
        improved: Probe | None = None
        for config in self.panel.others(claimant):
            if config not in self.panel.trusted:
                continue
            probe = self.probe(t, config, confirming=True, expect_none=True)
            if probe.answer is Answer.INFEASIBLE:
                return True, improved, config
            if probe.answer is Answer.EXACT_INFEASIBLE:
                return True, improved, None
            if probe.answer is Answer.TIME:
                return None, probe if improved is None else improved, None
            if probe.answer is Answer.NONE:
                continue
            if probe.value <= t:
                self.panel.fault(FaultKind.FALSE_INFEASIBLE, claimant,
                                 no_plan_claim(t), witness=config)  # fmt: skip
                return False, probe, None
            if probe.value < best:
                improved = probe  # within its tolerance above t: a better plan, not a refutation
            else:
                self.panel.fault(
                    FaultKind.POINT_OUTSIDE_MODEL, config,
                    plan_claim(t, probe.value),
                )  # fmt: skip
        return None, improved, None

    def least(
        self, start: Plan, *, integral: bool, what: str, point: np.ndarray | None = None
    ) -> Least:
        """Minimise the objective set on the model from a plan that satisfies it (point: its
        solution vector, when the model has columns a plan does not give). The minimum is
        proven only when two configurations call the same value optimal and no checked point
        beats it; a configuration that calls a worse value optimal is a fault."""
        costs = self.backend.costs
        best_point = point_of_plan(self.group_model, start) if point is None else point
        best_value = float(costs @ best_point)

        def tolerance(value: float) -> float:
            return 0.5 if integral else 1e-6 * max(1.0, abs(value))

        affirmed: list[tuple[Config, float]] = []
        for config in list(self.panel.trusted):
            if config not in self.panel.trusted:
                continue
            run = self.ask(
                config, start=best_point, integral_objective=integral, confirming=bool(affirmed)
            )
            if run is None:
                continue
            if run.status is RunStatus.INFEASIBLE:
                self.panel.fault(FaultKind.FALSE_INFEASIBLE, config,
                                 _("no plan satisfies the {what} model, though one was given to "
                                   "it").format(what=what))  # fmt: skip
                continue
            if run.status is RunStatus.NO_SOLUTION:
                return Least(best_point, False, StopReason.TIME_LIMIT)
            value = float(costs @ run.point)
            if value < best_value - tolerance(best_value):
                for earlier, claimed in affirmed:
                    self.panel.fault(FaultKind.FALSE_OPTIMUM, earlier,
                                     _("{what}: {value} is the least").format(
                                         what=what, value=significant(claimed, 10)),
                                     witness=config)  # fmt: skip
                affirmed = []
                best_point, best_value = run.point, value
            if run.status is RunStatus.FEASIBLE:
                return Least(best_point, False, StopReason.TIME_LIMIT, run.gap, run.bound)
            if value > best_value + tolerance(best_value):
                self.panel.fault(FaultKind.FALSE_OPTIMUM, config,
                                 _("{what}: {value} is the least (a plan with {known} is "
                                   "known)").format(what=what, value=significant(value, 10),
                                                    known=significant(best_value, 10)))  # fmt: skip
                continue
            affirmed.append((config, value))
            if len(affirmed) >= 2:
                return Least(best_point, True)
        return Least(best_point, False, StopReason.SOLVER_FAULT)

    # -- leximax ------------------------------------------------------------------------------
    def least_at_levels(
        self,
        top: float,
        bounds: list[tuple[float, int]],
        start: Plan,
        *,
        count_above: float | None = None,
    ) -> tuple[Least, Plan, int]:
        """Minimise over plans keeping every free cell at or below `top` (capped cells at their
        caps) with, for each (value, most) in `bounds`, at most `most` free cells above value:
        the free cells above `count_above` (a count, integral), or without it the moves. The
        model is the threshold model with the count rows of model.add_level_count, built beside
        it and put back after; `start` must satisfy it. Returns the outcome (least: two
        configurations agree), the plan of its point and the objective there."""
        saved = (self.group_model, self.backend)
        started = time.perf_counter()
        group_model = build_group_model(self.data, reference_t=self.reference_t)
        model = group_model.model
        units = np.asarray(model.row_unit, dtype=np.int64)[group_model.load_rows]
        skills = np.asarray(model.row_skill, dtype=np.int64)[group_model.load_rows]
        free = ~np.isfinite(self.caps[units, skills])
        families = []
        for value, most in bounds:
            binaries = add_level_count(group_model, free, top, value)
            model.add_row(f"level_most[{value:.9g}]", binaries.tolist(), [1.0] * binaries.size,
                          -np.inf, float(most), family=RowFamily.LEVEL_COUNT)  # fmt: skip
            families.append((value, binaries))
        counted = None
        if count_above is not None:
            counted = add_level_count(group_model, free, top, count_above)
            families.append((count_above, counted))
        backend = HighsBackend(model)
        self.build_seconds += time.perf_counter() - started
        self.use(group_model, backend)
        try:
            self.set_threshold(top)
            if counted is None:
                costs = group_model.moves_objective()
            else:
                costs = np.zeros(model.num_cols)
                costs[counted] = 1.0
            backend.set_objective(costs)
            point = point_of_plan(group_model, start)
            coefficients = self.data.coefficients(start.headcount, plan_load(self.data, start))
            at_cells = coefficients[units[free], skills[free]]
            for value, binaries in families:
                point[binaries] = at_cells > value  # the row's own test: at most value
            integral = counted is not None or not self.settings.split_services
            what = _("fewest cells at the level") if counted is not None else _("fewest moves")
            least = self.least(start, integral=integral, what=what, point=point)
            objective = round(float(costs @ least.point))
            return least, plan_from_values(group_model, least.point), objective
        finally:
            self.use(*saved)
