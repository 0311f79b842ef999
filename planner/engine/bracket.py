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

from planner.engine.greedy import services_largest_first
from planner.engine.model import ModelForm
from planner.engine.panel import Config, FaultKind
from planner.engine.plan import Plan, current_plan, max_coefficient, plan_load
from planner.engine.session import (
    RELATIVE_TOLERANCE,
    Answer,
    SearchStopped,
    SolverSession,
    plan_from_values,
    point_of_plan,
)
from planner.engine.solvers import RunStatus, point_violation
from planner.result import StopReason

MAX_BISECTION_STEPS = 200


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
        while self.panel.trusted:
            probe = self.probe(upper, self.panel.primary)
            if probe.answer is Answer.PLAN:
                return probe.plan
            if probe.answer is Answer.EXACT_INFEASIBLE:
                return None
            if probe.answer is Answer.TIME:
                raise SearchStopped(
                    StopReason.TIME_LIMIT, "the time limit ran out before any plan was found"
                )
            if probe.answer is Answer.INFEASIBLE:
                # "The group has no plan" is a claim like any other: confirmed or refuted.
                settled, found, _ = self.confirm_no_plan(upper, probe.config, math.inf)
                if settled is True:
                    return None
                if found is not None and found.plan is not None:
                    return found.plan
                if found is not None and found.answer is Answer.TIME:
                    raise SearchStopped(StopReason.TIME_LIMIT,
                                "the time limit ran out before any plan was found")  # fmt: skip
                break
        raise SearchStopped(
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
        return bound

    def _safe_lower(self, best: float, known_lower: float) -> float:
        """The exact lower bound, with a bound proven by another solve; a bound above a plan
        already seen is a fault (never clamped into place)."""
        bound = self.lower_bound()
        if bound > best * (1 + 1e-9):
            self.notes.append(
                f"internal error caught: the exact lower bound {bound:.9g} is above a checked "
                f"plan of {best:.9g}; the bound was not used (please report this)"
            )
            bound = 0.0
        if known_lower > best * (1 + 1e-9):
            self.notes.append(
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

        candidate = None if self.levelled else self._single_solve()
        if candidate is not None and max_coefficient(data, candidate) < best:
            plan, best = candidate, max_coefficient(data, candidate)

        lower, claimant = safe, None  # claimant: the configuration whose "infeasible" set lower
        steps = 0
        while True:
            # The gap as the result reports it, in the same doubles: `best x (1 - 1e-6) > lower`
            # stopped with a reported gap of 1.0000000001e-6 when lower was the exact bound.
            while (best - lower) / best > RELATIVE_TOLERANCE:
                steps += 1
                if steps > MAX_BISECTION_STEPS:
                    raise SearchStopped(StopReason.NOT_CONVERGED,
                                f"the bisection did not converge in {MAX_BISECTION_STEPS} steps",
                                plan, best, safe)  # fmt: skip
                self.still_trusted(plan, best, safe)
                self.rescale(best)
                # Odd steps try just below the best plan (when it is optimal, one step proves it),
                # even steps halve the bracket, so the search neither crawls nor overshoots.
                certify = certifying_threshold(best)
                t = certify if steps % 2 == 1 else (lower + best) / 2
                probe = self.probe(t, self.panel.primary)
                if probe.answer is Answer.EXACT_INFEASIBLE:
                    lower = safe = t  # t > lower: an exact proof supersedes any claim below it
                    claimant = None
                elif probe.answer is Answer.INFEASIBLE:
                    lower, claimant = t, probe.config
                elif probe.answer is Answer.TIME:
                    raise SearchStopped(StopReason.TIME_LIMIT, "the time limit ran out during the search",
                                plan, best, safe)  # fmt: skip
                elif probe.answer is Answer.NONE:
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
            settled, found, confirmer = self.confirm_no_plan(lower, claimant, best)
            if found is not None and found.value < best:
                plan, best = found.plan, found.value
            if settled is True:
                claimed = (claimant,) if confirmer is None else (claimant, confirmer)
                return Bracket(plan, best, lower, proven_without_solvers=safe, claimed_by=claimed)
            if settled is False:
                lower, claimant = safe, None  # refuted: back to what is proven
                continue
            if found is not None and found.answer is Answer.TIME:
                raise SearchStopped(StopReason.TIME_LIMIT,
                            "the time limit ran out while confirming the proof", plan, best, safe)  # fmt: skip
            raise SearchStopped(
                StopReason.SOLVER_FAULT,
                f"no second solver configuration confirmed that no plan reaches {lower:.9g}; "
                "optimality not proven",
                plan, best, safe,
            )  # fmt: skip

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
