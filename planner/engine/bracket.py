"""The minmax bisection of one group: the smallest maximum coefficient, with its proof.

minmax is a ratio with decision variables above the line (which services a unit carries) and below it
(its headcount). It is solved exactly by bisection on t, each step a feasibility MILP at a fixed t
(when no service can move, one MILP maximising r = 1/t, or with split services one LP minimising t,
gives a first candidate). The certificate has two halves:
- from above, the exact maximum coefficient of the best plan found, recomputed from its headcounts
  and assignments (never read from the solver);
- from below, a claim that no plan reaches t just under that value: exact arithmetic (per-skill
  totals, fixed cells, headcount bounds that cross), or a solver's "infeasible", which is confirmed
  by a second solver configuration before it is reported (panel.py).

Solvers err (../shared/reproducers), so the bisection keeps invariants that catch them: a plan found
below a t that a solver called infeasible refutes that claim (bisection must be monotone); a point no
better than the best plan at a t below it is outside every tolerance (the load rows are scaled so
that a plan at t* misses t*(1 - 1e-6) by eight times HiGHS's tolerance, model.py). Each caught error
is a fault: recorded, logged, the configuration dropped, and the search goes on from the safe side.

`GroupSolver` is the engine's public interface for one group's minmax: a start plan, a known lower
bound (per call) and a move budget (`set_budget`) in, an immutable `Bracket` out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from planner.display import significant
from planner.engine.bounds import coefficient_step, scheduling_lower_bound
from planner.engine.clusters import ClusterBound
from planner.engine.counting import AssignedServices
from planner.engine.greedy import services_largest_first
from planner.engine.model import ModelForm
from planner.engine.panel import Config, FaultKind, no_plan_claim, plan_claim
from planner.engine.plan import Plan, current_plan, max_coefficient, plan_load
from planner.engine.polish import polish
from planner.engine.session import (
    RELATIVE_TOLERANCE,
    Answer,
    Probe,
    SearchStopped,
    SolverSession,
    plan_from_values,
    point_of_plan,
)
from planner.engine.solvers import RunStatus, point_violation
from planner.i18n import _
from planner.result import StopReason

MAX_BISECTION_STEPS = 200
# Whole-number steps of t* only while half a step is at least 5e-6 of t (RELATIVE_TOLERANCE: 1e-6).
MAX_WHOLE_STEPS = 100_000


def certifying_threshold(best: float) -> float:
    """The threshold whose "no plan" certifies `best`: best x (1 - RELATIVE_TOLERANCE), raised
    by the last bits of rounding until the gap reported, (best - t) / best in doubles, is at most
    RELATIVE_TOLERANCE (the plain product gave 1.0000000001e-6 at the top of the ranges). A few
    ulps closer to best change nothing in the certifying margin (model.py, "Load rows")."""
    threshold = best * (1 - RELATIVE_TOLERANCE)
    while threshold < best and (best - threshold) / best > RELATIVE_TOLERANCE:
        threshold = math.nextafter(threshold, best)
    return threshold


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


class GroupSolver(SolverSession):
    """The certified minmax search of one group, against one loaded model.

    Inputs that other solves proved can be handed in: a start plan (a plan known to satisfy every
    rule) and a known lower bound, per call of `minimise_max_coefficient`; a move budget that
    changes between calls (`set_budget`) keeps the model loaded across a frontier.
    """

    polishing = True  # polish plans found on the way (polish.py); off: the plain bisection
    _assigned: AssignedServices | None = None  # the counting of polish.py, built on first need
    _clusters: ClusterBound | None = None  # clusters.py, built on first need
    cluster_refutations = 0  # thresholds refuted by the clusters' arithmetic

    def probe(
        self, t: float, config: Config, *, confirming: bool = False, expect_none: bool = False
    ) -> Probe:
        """SolverSession.probe, answered by the clusters' arithmetic where it settles the
        question (clusters_answer), else by the configuration."""
        if not self.set_threshold(t):
            return Probe(Answer.EXACT_INFEASIBLE, config)
        known = self.clusters_answer(t)
        if known is True:
            return Probe(Answer.EXACT_INFEASIBLE, config, by_clusters=True)
        if isinstance(known, Plan):
            return Probe(Answer.PLAN, config, known, self.value_of(known))
        return super().probe(t, config, confirming=confirming, expect_none=expect_none)

    def clusters_answer(self, t: float) -> bool | Plan | None:
        """What arithmetic on the clusters of movable services says about "a plan at t?"
        (clusters.py): True when it proves that no
        plan reaches t; a plan at t when the relaxation's partition of least staff can be staffed
        by counting (counting.AssignedServices) and satisfies every row of the model; else None,
        and the solver is asked. Not with leximax levels, which bound only some cells, nor
        without polishing (the plain bisection, which asks the solver every question).

        Asked before every probe: near t* the solver's answers either way are the slow part of
        a search (national R05 D08: 100-150 s to prove one "no plan", 1-22 s per plan found with
        the heuristics off), and a cluster's enumeration costs milliseconds."""
        if self.levelled or not self.polishing:
            return None
        if self._clusters is None:
            self._clusters = ClusterBound(self.data)
        verdict = self._clusters.refutes(t)
        if verdict is True:
            self.cluster_refutations += 1
            return True
        if verdict is None:
            return None
        unit_of = self._clusters.partition(t)
        if unit_of is None:
            return None
        if self._assigned is None:
            self._assigned = AssignedServices(self.data)
        plan = self._assigned.best(unit_of)
        if plan is None or self.value_of(plan) > t:
            return None
        if point_violation(self.group_model.model, point_of_plan(self.group_model, plan)) > 1e-9:
            return None  # set_threshold(t) holds the rows at t: a plan at t satisfies them
        return plan

    def starting_plan(self, start_plan: Plan | None = None) -> Plan | None:
        """The best of a given plan, the current allocation and the largest-first placement of the
        services (greedy.py) that satisfies every rule, else any plan a solver finds; None only
        when two configurations agree that there is none."""
        upper = self.data.upper_bound_t()
        self.set_threshold(upper)
        greedy = services_largest_first(self.data)
        candidates = [p for p in (start_plan, current_plan(self.data), greedy) if p is not None]
        usable = [
            plan
            for plan in candidates
            if np.isfinite(max_coefficient(self.data, plan))
            and point_violation(self.group_model.model, point_of_plan(self.group_model, plan))
            <= 1e-9
        ]
        if usable:
            return min(usable, key=self.value_of)
        answer = self.plan_at(upper, take_unsettled=True)
        if answer.stop is StopReason.TIME_LIMIT:
            raise SearchStopped(
                StopReason.TIME_LIMIT, _("the time limit ran out before any plan was found")
            )
        if answer.stop is not None:
            raise SearchStopped(
                StopReason.SOLVER_FAULT,
                _("no second solver configuration could confirm that the group has no plan"),
            )
        return answer.plan

    def lower_bound(self, upper: float | None = None) -> float:
        """A coefficient no plan can go below, by exact arithmetic: per skill, total load over the
        most capacity its staff could have; and every cell whose staff cannot change carries at
        least its fixed load (services that cannot move) on its fixed capacity."""
        data = self.data
        load = plan_load(data, current_plan(data))
        bound = 0.0
        best_capacity = float(data.capacity_per_employee.max(initial=0.0))
        totals = data.start.sum(axis=0)
        # With levels fixed (leximax) the search bounds the free cells only: a skill's total says
        # nothing about them, a free cell with fixed staff and load still does.
        for k in range(len(data.skills)) if not self.levelled else ():
            if totals[k] > 0 and best_capacity > 0:
                bound = max(bound, load[:, k].sum() / (totals[k] * best_capacity))
        # The model's own bounds, as built: _tighten_headcounts raises lower bounds as t moves.
        fixed_staff = self.fixed_as_built
        fixed_load = data.fixed_load()
        cells = fixed_staff & (fixed_load > 0) & ~np.isfinite(self.caps)
        if cells.any():
            fixed_coefficients = data.coefficients(data.start, fixed_load)[cells]
            bound = max(bound, float(fixed_coefficients.max(initial=0.0)))
        if not self.levelled:  # the scheduling bounds speak of all cells, not the free ones
            bound = max(bound, self.scheduling_bound(upper))
        return bound

    def scheduling_bound(self, upper: float | None = None) -> float:
        """bounds.py's lower bound for the skills whose staff is fixed (0 for the others);
        upper: a coefficient a plan reaches (ends the L2 bisection early)."""
        return scheduling_lower_bound(
            self.data, self.fixed_as_built, self.headcount_as_built, upper
        )

    def _safe_lower(self, best: float, known_lower: float) -> float:
        """The exact lower bound, with a bound proven by another solve; a bound above a plan
        already seen is a fault (never clamped into place)."""
        bound = self.lower_bound(best)
        if bound > best * (1 + 1e-9):
            self.notes.append(
                _("internal error caught: the exact lower bound {bound} is above a checked plan "
                  "of {best}; the bound was not used (please report this)").format(
                    bound=significant(bound, 9), best=significant(best, 9))
            )  # fmt: skip
            bound = 0.0
        if known_lower > best * (1 + 1e-9):
            self.notes.append(
                _("a lower bound of {bound} from an earlier solve is above a checked plan of "
                  "{best}; it was not used").format(
                    bound=significant(known_lower, 9), best=significant(best, 9))
            )  # fmt: skip
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
        except SearchStopped as stop:
            if stop.plan is not None:
                self.notes.append(stop.detail)
            return Bracket(stop.plan, stop.best, stop.lower, stop.reason, stop.detail)

    def _minimise(self, start_plan: Plan | None, known_lower: float) -> Bracket:
        data = self.data
        plan = self.starting_plan(start_plan)
        if plan is None:
            return Bracket(None, None, math.inf)
        best = self.value_of(plan)
        if best == 0.0:
            return Bracket(plan, 0.0, 0.0)
        safe = self._safe_lower(best, known_lower)  # proven without trusting any solver

        # Whole services with staff fixed (the scheduling shapes, bounds.py) get no direct MILP
        # here: on the P||Cmax sample one MILP in t with the start and t >= the exact bound, given
        # half the time, proved 16 of 25 against the bisection's 17 (bench/PCMAX.md).
        candidate = None
        if not self.levelled and best * (1 - RELATIVE_TOLERANCE) > safe:
            candidate = self._single_solve()
        if candidate is not None and max_coefficient(data, candidate) < best:
            plan, best = candidate, max_coefficient(data, candidate)
        plan, best = self.polished(plan, best)

        # Whole loads on equal fixed capacities c: every plan's maximum is a whole number over c,
        # so the bisection steps on whole numbers, probing halfway between two (a margin of half
        # a step, far above any solver tolerance), and "none at (L + 1/2) / c" proves t* >= (L+1)/c.
        step = (
            None
            if self.levelled
            else coefficient_step(data, self.fixed_as_built, self.headcount_as_built)
        )
        if step is not None and best * step > MAX_WHOLE_STEPS:
            step = None  # half a step would be too thin a margin next to the solver's tolerance
        if step is not None:
            safe = max(safe, math.ceil(safe * step - 1e-9) / step)
        # claimant: the configuration whose "infeasible" at claimed_t set lower (lower is claimed_t
        # itself, or with whole steps the next whole number over c above it).
        lower, claimant, claimed_t = safe, None, safe
        clustered: float | None = None  # the threshold the clusters' arithmetic last refuted
        steps = 0
        while True:
            # The gap as the result reports it, in the same doubles: `best x (1 - 1e-6) > lower`
            # stopped with a reported gap of 1.0000000001e-6 when lower was the exact bound.
            while (best - lower) / best > RELATIVE_TOLERANCE:
                steps += 1
                if steps > MAX_BISECTION_STEPS:
                    raise SearchStopped(StopReason.NOT_CONVERGED,
                                _("the bisection did not converge in {steps} steps").format(
                                    steps=MAX_BISECTION_STEPS),
                                plan, best, safe)  # fmt: skip
                self.still_trusted(plan, best, safe)
                self.rescale(best)
                # Odd steps try just below the best plan (when it is optimal, one step proves it),
                # even steps halve the bracket, so the search neither crawls nor overshoots.
                if step is None:
                    certify = certifying_threshold(best)
                    t = certify if steps % 2 == 1 else (lower + best) / 2
                    proven_above = t
                else:
                    high, low = round(best * step), math.ceil(lower * step - 1e-9)
                    whole = high - 1 if steps % 2 == 1 else (low + high - 1) // 2
                    whole = min(max(whole, low), high - 1)
                    t, proven_above = (whole + 0.5) / step, (whole + 1) / step
                # The odd step just under the best plan is where a proof usually ends.
                probe = self.probe(t, self.panel.primary, expect_none=steps % 2 == 1)
                if probe.answer is Answer.EXACT_INFEASIBLE:
                    # t > lower: an exact proof supersedes any claim below it
                    lower = safe = claimed_t = proven_above
                    claimant = None
                    clustered = t if probe.by_clusters else None
                elif probe.answer is Answer.INFEASIBLE:
                    lower, claimant, claimed_t = proven_above, probe.config, t
                elif probe.answer is Answer.TIME:
                    raise SearchStopped(StopReason.TIME_LIMIT, _("the time limit ran out during the search"),
                                plan, best, safe)  # fmt: skip
                elif probe.answer is Answer.NONE:
                    continue  # the configuration was dropped; the next one asks again
                elif probe.plan is not None and probe.value < best:
                    if claimant is not None and probe.value <= claimed_t:
                        # A plan below a t called infeasible: the bisection is not monotone.
                        self.panel.fault(
                            FaultKind.FALSE_INFEASIBLE, claimant,
                            no_plan_claim(claimed_t),
                            witness=probe.config,
                        )  # fmt: skip
                        lower, claimant, claimed_t = safe, None, safe
                    plan, best = self.polished(probe.plan, probe.value)
                    if claimant is not None and best <= claimed_t:
                        # Counting under the solver's assignment went below the claim: the
                        # same refutation, by a plan checked against the model.
                        self.panel.fault(
                            FaultKind.FALSE_INFEASIBLE, claimant,
                            no_plan_claim(claimed_t),
                        )  # fmt: skip
                        lower, claimant, claimed_t = safe, None, safe
                else:
                    # No better than `best` at a t below it: the margins of the load rows put
                    # such a point outside every tolerance, so the answer is wrong.
                    self.panel.fault(
                        FaultKind.POINT_OUTSIDE_MODEL, probe.config,
                        plan_claim(t, probe.value),
                    )  # fmt: skip
                self.progress(_("group {group}: t in [{lower}, {best}]").format(
                    group=data.group, lower=significant(lower), best=significant(best)))  # fmt: skip
            if claimant is None:
                self._note_proof_without_solvers(best, safe)
                if clustered is not None and lower == safe:
                    self.notes.append(
                        _("no plan reaches {t}: proven by arithmetic on the clusters of units "
                          "that movable services link (clusters.py), without a solver").format(
                            t=significant(clustered, 9))
                    )  # fmt: skip
                return Bracket(plan, best, lower, proven_without_solvers=safe)
            settled, found, confirmer = self.confirm_no_plan(claimed_t, claimant, best)
            if found is not None and found.value < best:
                plan, best = found.plan, found.value
            if settled is True:
                claimed = (claimant,) if confirmer is None else (claimant, confirmer)
                return Bracket(plan, best, lower, proven_without_solvers=safe, claimed_by=claimed)
            if settled is False:
                lower, claimant, claimed_t = safe, None, safe  # refuted: back to what is proven
                continue
            if found is not None and found.answer is Answer.TIME:
                raise SearchStopped(StopReason.TIME_LIMIT,
                            _("the time limit ran out while confirming the proof"), plan, best, safe)  # fmt: skip
            raise SearchStopped(
                StopReason.SOLVER_FAULT,
                _("no second solver configuration confirmed that no plan reaches {t}; optimality "
                  "not proven").format(t=significant(claimed_t, 9)),
                plan, best, safe,
            )  # fmt: skip

    def polished(self, plan: Plan, best: float) -> tuple[Plan, float]:
        """The plan polished (polish.py) when that gives a smaller maximum coefficient and the
        polished plan satisfies every row of the model, else the plan as it was."""
        if self.levelled or not self.polishing:
            return plan, best
        if self._assigned is None:
            self._assigned = AssignedServices(self.data)
        candidate = polish(self.data, plan, self._assigned)
        if candidate is None:
            return plan, best
        self.set_threshold(self.data.upper_bound_t())  # the rows as loose as any plan needs
        point = point_of_plan(self.group_model, candidate)
        if point_violation(self.group_model.model, point) > 1e-9:
            self.notes.append(_("a polished plan broke a rule of the model; it was not used"))
            return plan, best
        value = self.value_of(candidate)
        return (candidate, value) if value < best else (plan, best)

    def _note_proof_without_solvers(self, best: float, safe: float) -> None:
        """Say so when the scheduling bound proves the plan's maximum with no solver asked (not
        when nothing can move: the one plan there is proves itself)."""
        if (
            self.solver_runs == 0
            and self.data.movable.any()
            and best * (1 - RELATIVE_TOLERANCE) <= safe
            and best * (1 - RELATIVE_TOLERANCE) <= self.scheduling_bound(best)
        ):
            self.notes.append(
                _(
                    "the maximum coefficient {best} meets a lower bound proven by arithmetic "
                    "(scheduling bounds, bounds.py): t* proven without a MILP"
                ).format(best=significant(best))  # fmt: skip
            )

    def _single_solve(self) -> Plan | None:
        """A first candidate from one solve, where the problem allows it: staff only, one MILP
        maximising 1/t; split services with staff fixed, one LP minimising t. The bracket still
        certifies whatever it gives."""
        staff_move = (self.group_model.p_col >= 0).any()
        if not self.group_model.x_cols and staff_move:
            model, backend = self.ratio_model()
            costs = np.zeros(model.model.num_cols)
            costs[model.ratio_col] = 1.0
            backend.set_objective(costs, maximize=True)
        elif self.settings.split_services and self.group_model.x_cols and not staff_move:
            model, backend = self.build(form=ModelForm.DIRECT)
            self.apply_budget(model, backend)
            costs = np.zeros(model.model.num_cols)
            costs[model.threshold_col] = 1.0
            backend.set_objective(costs)
        else:
            return None
        run = self.record(backend.solve(time_limit=self.remaining_time(), mip_gap=None))
        if run.status not in (RunStatus.OPTIMAL, RunStatus.FEASIBLE):
            return None
        return plan_from_values(model, run.point)
