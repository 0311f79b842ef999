"""Robust versus nominal: a plan chosen once for a set of sampled demand scenarios against the
plan made for the point forecast, both judged out of sample.

1. `samples` training samples of the volumes (stream 1 of the seed) give each group's robust plan
   (planner.engine.robust: the smallest highest coefficient over all of them, proven as t* is,
   then the fewest moves), starting from the nominal plan.
2. `evaluate` fresh samples (stream 2, never seen by the robust plan) are drawn and the current
   allocation, the nominal plan and the robust plan are evaluated on them (planner.studies.
   uncertainty).
3. For each group: the P90 of the highest coefficient of each plan. The plan with the lower P90
   "holds up better": in 9 years out of 10 its worst unit is at most that loaded; the difference
   of the P90s says by how much.
Groups are solved as independent tasks (a process pool or a Dask cluster, as any sweep).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from planner.domain import Scenario
from planner.engine.group import GroupData, group_data
from planner.engine.plan import Plan
from planner.engine.robust import RobustPlan, robust_plan
from planner.i18n import _, decimal, integer, ngettext
from planner.result import Result, StopReason
from planner.solve import result_for_plans, solve
from planner.studies.sweep import connected, run_chunks
from planner.studies.uncertainty import (
    CURRENT,
    PLAN,
    Ranges,
    Uncertainty,
    evaluate_plans,
    group_weights,
    result_plans,
    sample_loads,
)

__all__ = ["ROBUST", "RobustComparison", "robust_study", "training_weights"]

ROBUST = "robust"
TRAINING_STREAM, EVALUATION_STREAM = 1, 2


@dataclass(frozen=True)
class RobustComparison:
    """Robust and nominal plans of every group and their out-of-sample evaluation."""

    nominal: Result
    robust: dict[str, RobustPlan]
    evaluation: Uncertainty  # plans "current", "plan" (nominal) and "robust"
    samples: int
    seed: int

    def p90(self, plan: str, group: str) -> float:
        return self.evaluation.quantile(plan, group, 0.9)

    def robust_result(self) -> Result:
        """The robust plans as a checked Result of the nominal scenario (figures at its point
        volumes): every plan verified like solve()'s, each group `feasible` with the stop reason
        "plan chosen for other volumes" (it is proven for the training samples, not optimal for
        the point volumes), its notes saying whether the robust t is proven and any solver
        fault caught, its report the robust search's effort; a group with no robust plan (no
        nominal plan) is `unknown`."""
        scenario = self.nominal.scenario
        notes = {group: plan_notes(plan, self.samples) for group, plan in self.robust.items()}
        for group in scenario.groups:
            notes.setdefault(group, ("no robust plan: the nominal plan has none for this group",))
        return result_for_plans(
            scenario,
            {group: plan.plan for group, plan in self.robust.items()},
            reason=StopReason.CHOSEN_ELSEWHERE,
            notes=notes,
            reports={group: plan.report for group, plan in self.robust.items()},
        )

    def table(self):
        """One row per group: the robust plan's proven t over the training samples, moves, and
        the out-of-sample P90 of the nominal and the robust plan."""
        import pandas as pd

        rows = []
        for group, plan in sorted(self.robust.items()):
            nominal = self.p90(PLAN, group) if PLAN in self.evaluation.maxima else None
            robust = self.p90(ROBUST, group)
            rows.append(
                {
                    "group": group,
                    "robust t (training)": plan.t,
                    "proven": plan.proven,
                    "robust staff moved": plan.staff_moved,
                    "robust services moved": plan.services_moved,
                    "nominal P90": nominal,
                    "robust P90": robust,
                    "P90 difference": None if nominal is None else nominal - robust,
                }
            )
        return pd.DataFrame(rows)

    def lines(self) -> list[str]:
        """Which plan holds up better in each group, and by how much, in plain words (in the
        current language: they are shown in the Uncertainty sheet and the terminal)."""
        lines = []
        for row in self.table().itertuples(index=False):
            if row[5] is None or np.isnan(row[5]):
                lines.append(
                    _("{group}: no nominal plan; robust P90 {robust}").format(
                        group=row.group, robust=decimal(row[6], 3)
                    )
                )
                continue
            nominal, robust = row[5], row[6]
            if abs(nominal - robust) <= 1e-9 * max(1.0, nominal):
                verdict = _("both hold up the same")
            elif robust < nominal:
                verdict = _("the robust plan holds up better by {amount} ({share:.1%})").format(
                    amount=decimal(nominal - robust, 3),
                    share=(nominal - robust) / nominal,
                )
            else:
                verdict = _("the nominal plan holds up better by {amount} ({share:.1%})").format(
                    amount=decimal(robust - nominal, 3), share=(robust - nominal) / robust
                )
            plan = self.robust[row.group]
            unproven = (
                ""
                if plan.proven
                else _(" (its t over the training samples not proven: {reason})").format(
                    reason=plan.stop
                )
            )
            lines.append(
                _(
                    "{group}: P90 of the highest coefficient on {samples} fresh samples: nominal "
                    "{nominal}, robust {robust}{unproven}: {verdict}"
                ).format(
                    group=row.group,
                    samples=integer(self.evaluation.samples),
                    nominal=decimal(nominal, 3),
                    robust=decimal(robust, 3),
                    unproven=unproven,
                    verdict=verdict,
                )
            )
        return lines


def plan_notes(plan: RobustPlan, samples: int) -> tuple[str, ...]:
    """What a robust plan's Result says of it: its t over the training samples and whether that
    is proven (a second solver configuration confirmed the bound, as for t*) or why not, then how
    the search went (solver faults caught included)."""
    if plan.proven:
        proof = "proven" if plan.moves_proven else "proven; fewest moves not proven"
    else:
        proof = f"not proven: {plan.stop}"
    return (
        f"robust plan: the smallest highest coefficient over {samples} training samples of the "
        f"volumes ({plan.t:.3f}, {proof}), then the fewest moves; not optimised for the point "
        "volumes",
        *plan.notes,
    )


def training_weights(scenario: Scenario, data: GroupData, samples: int, seed: int) -> np.ndarray:
    """(samples, S_g) the group's service loads in the training samples."""
    loads = sample_loads(Ranges.of(scenario), seed, TRAINING_STREAM, 0, samples)
    return group_weights(scenario, data, loads)


@dataclass(frozen=True)
class _RobustTask:
    data: GroupData
    weights: np.ndarray
    start: Plan | None
    time_limit: float | None


def _solve_robust(task: _RobustTask) -> RobustPlan:
    return robust_plan(task.data, task.weights, start=task.start, time_limit=task.time_limit)


def robust_study(
    scenario: Scenario,
    samples: int = 50,
    evaluate: int = 1000,
    seed: int = 0,
    *,
    nominal: Result | None = None,
    processes: int = 1,
    cluster: Any = None,
) -> RobustComparison:
    """Robust plans from `samples` training samples, judged with the nominal plan (solved here
    unless given) on `evaluate` fresh samples; see the module docstring."""
    if samples < 1 or evaluate < 1:
        raise ValueError("samples and evaluate must be 1 or more")
    nominal = nominal if nominal is not None else solve(scenario, sensitivity=False)
    plans = result_plans(nominal)
    tasks = []
    for group in scenario.groups:
        if group not in plans[PLAN]:
            continue  # no nominal plan (infeasible or stopped): nothing to be robust about
        data = group_data(scenario, group)
        tasks.append(
            _RobustTask(
                data,
                training_weights(scenario, data, samples, seed),
                plans[PLAN].get(group),
                scenario.settings.time_limit,
            )
        )
    with connected(cluster) as client:
        robust = run_chunks(_solve_robust, tasks, processes=processes, cluster=client)
        evaluation = evaluate_plans(
            scenario,
            {
                CURRENT: plans[CURRENT],
                PLAN: plans[PLAN],
                ROBUST: {r.group: r.plan for r in robust},
            },
            evaluate,
            seed,
            stream=EVALUATION_STREAM,
            processes=processes,
            cluster=client,
        )
    comparison = RobustComparison(
        nominal=nominal,
        robust={r.group: r for r in robust},
        evaluation=evaluation,
        samples=samples,
        seed=seed,
    )
    notes = (
        ngettext(
            "Robust plan: each group's staff chosen once for {samples} training sample (the "
            "smallest highest coefficient over all of them, proven when a second solver "
            "configuration confirms the bound, as for t*, then the fewest moves), judged with the "
            "nominal plan on these fresh samples.",
            "Robust plan: each group's staff chosen once for {samples} training samples (the "
            "smallest highest coefficient over all of them, proven when a second solver "
            "configuration confirms the bound, as for t*, then the fewest moves), judged with the "
            "nominal plan on these fresh samples.",
            samples,
        ).format(samples=integer(samples)),
        *comparison.lines(),
    )
    return dataclasses.replace(comparison, evaluation=dataclasses.replace(evaluation, notes=notes))
