"""A good plan before the first MILP: services placed largest first (LPT), staff as they start.

Makespan scheduling's longest-processing-time rule, for movable services: each goes, heaviest first,
to the eligible unit where its cell's coefficient after it is smallest (its own unit on a tie, to
save a move), within the group's service-move budget. The plan is only a candidate: the search uses
it when it satisfies every rule of the model (a point checked against the model, bracket.py) and is
better than the current allocation, so that a time-limited result is never worse than it, and an
optimal one often needs a single proving step.
"""

from __future__ import annotations

import numpy as np

from planner.engine.group import GroupData
from planner.engine.plan import Plan, whole_assignment


def services_largest_first(data: GroupData) -> Plan | None:
    """The LPT plan of the movable services with the staff where they start; None when no
    service can move (the current allocation is then the only placement)."""
    movable = np.flatnonzero(data.movable)
    if movable.size == 0 or data.settings.split_services:
        return None
    headcount = data.start.copy()
    capacity = headcount * data.capacity_per_employee[:, None]
    load = data.fixed_load()
    unit_of = data.service_unit.copy()
    budget = data.settings.max_service_moves
    moves = 0
    # Heaviest first; equal weights in id order, so the plan is the same on every run.
    for s in sorted(movable.tolist(), key=lambda s: (-float(data.weight[s]), s)):
        k = int(data.service_skill[s])
        home = int(data.service_unit[s])
        allowed = data.eligible[s] if budget is None or moves < budget else (home,)
        best, best_value = home, np.inf
        for u in allowed:  # the service's own unit first (eligible lists it first)
            value = (load[u, k] + data.weight[s]) / capacity[u, k] if capacity[u, k] > 0 else np.inf
            if value < best_value:
                best, best_value = u, value
        unit_of[s] = best
        load[best, k] += data.weight[s]
        moves += int(best != home)
    return Plan(headcount, whole_assignment(unit_of, len(data.units)))
