"""Make the most of a plan a solver found: its headcounts by counting, then one service at a time.

A feasibility MILP at threshold t returns any plan under t, often just under it; near t* the
bisection then crawls, each step a knife-edge MILP a hair below the last plan (on the national
profile one group took five such MILPs, 56 s, before its proof). Two cheap steps close most of that
gap before the next MILP is asked:

1. Headcounts by counting: with the services where the plan put them, the smallest maximum
   coefficient over headcounts is exact arithmetic on counts and limits (counting.AssignedServices,
   the staff-only path's own counting and flows).
2. Local search over services: move one movable service to another eligible unit (within the
   group's service-move budget) when, with headcounts by counting, some plan then has every
   coefficient below the current maximum; repeat until no single move helps or the effort cap.

Only the upper end of the bracket moves: every plan found here is a candidate that the bracket
checks against the model and values exactly (bracket.py), never a proof of anything below it.
Where the staff rules are not the pool's (decisions, distances, Max moves of 1 or more), split
services, or leximax levels, nothing is polished.
"""

from __future__ import annotations

import time

import numpy as np

from planner.engine.counting import AssignedServices, staff_counted
from planner.engine.group import GroupData
from planner.engine.plan import Plan, max_coefficient

# Single moves tried at most per polish (each one a counting test of a few flows at most).
MAX_TRIES = 2_000
# Seconds of polishing at most per call: it must stay cheap next to the MILP it saves.
MAX_SECONDS = 1.0


def polishable(data: GroupData) -> bool:
    """Whether plans of the group can be polished (module docstring)."""
    return not data.settings.split_services and bool(data.movable.any()) and staff_counted(data)


def _units_of(plan: Plan) -> np.ndarray:
    """Unit of each service in a plan of whole services."""
    return np.asarray(plan.assignment.argmax(axis=1)).ravel().astype(np.int64)


def polish(data: GroupData, plan: Plan, counter: AssignedServices | None = None) -> Plan | None:
    """A plan with a smaller maximum coefficient than `plan` found by the two steps of the
    module docstring, or None when they find none (or the group is not polishable)."""
    if not polishable(data):
        return None
    counter = counter or AssignedServices(data)
    started = time.perf_counter()
    unit_of = _units_of(plan)
    given = max_coefficient(data, plan)
    best_plan = counter.best(unit_of)
    if best_plan is None:
        return None
    best = max_coefficient(data, best_plan)
    budget = data.settings.max_service_moves
    home = data.service_unit
    movable = np.flatnonzero(data.movable)
    # Heaviest first (they change the loads most); equal weights in id order: deterministic.
    order = sorted(movable.tolist(), key=lambda s: (-float(data.weight[s]), s))
    tries = 0

    def better(trial: np.ndarray) -> Plan | None:
        """The trial's plan by counting when it beats `best` (a quick test at just below best
        first: most trials fail it without a flow)."""
        if budget is not None and int((trial != home).sum()) > budget:
            return None
        if not counter.reaches(trial, float(np.nextafter(best, 0.0))):
            return None
        candidate = counter.best(trial)
        if candidate is None or max_coefficient(data, candidate) >= best:
            return None
        return candidate

    def trials():
        """Single moves, heaviest service first, then swaps of two services of a skill between
        their units (each eligible at the other's)."""
        for s in order:
            for u in data.eligible[s]:
                if u != unit_of[s]:
                    trial = unit_of.copy()
                    trial[s] = u
                    yield trial
        for i, s in enumerate(order):
            for r in order[i + 1 :]:
                a, b = unit_of[s], unit_of[r]
                if (
                    a != b
                    and data.service_skill[s] == data.service_skill[r]
                    and data.weight[s] != data.weight[r]
                    and b in data.eligible[s]
                    and a in data.eligible[r]
                ):
                    trial = unit_of.copy()
                    trial[s], trial[r] = b, a
                    yield trial

    improved = True
    while improved and best > 0:
        improved = False
        for trial in trials():
            tries += 1
            if tries > MAX_TRIES or time.perf_counter() - started > MAX_SECONDS:
                return best_plan if best < given else None
            candidate = better(trial)
            if candidate is not None:
                unit_of, best_plan = trial, candidate
                best, improved = max_coefficient(data, candidate), True
                break
    return best_plan if best < given else None
