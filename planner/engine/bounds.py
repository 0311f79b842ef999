"""Lower bounds on the maximum coefficient from scheduling arguments, proven by arithmetic alone.

Where a skill's staff cannot change, each of its cells with staff is a machine of fixed capacity
(headcount x capacity per employee) and each of its services a job of fixed length (its load):
service reassignment is then makespan scheduling, and t is the makespan measured in capacity.
These bounds apply, per skill, when every cell of the skill has its headcount fixed in the model
and services are whole (not split):

- P||Cmax, every cell of the skill the same capacity c (the benchmark shape: one employee per
  unit, Hours per FTE 1): the longest job, the total over m machines, the (m+1)-th longest pair
  p_m + p_(m+1) (two of the m + 1 longest jobs share a machine), and, when every load is a whole
  number, the L2 bound of Martello and Toth (1990) for bin packing: a bin size C with L2(C) > m
  bins proves that no plan has makespan C, so the least C with L2(C) <= m found by a bisection in
  whole numbers whose every step is such a proof, over c, is a lower bound on t.
- Q||Cmax, capacities that differ: the k longest jobs over the k largest capacities (they sit on at
  most k machines), for every k up to m, and the total over the total capacity.
- P|M_j|Cmax and Q|M_j|Cmax, services eligible at some units only (services that cannot move are
  the case of one eligible unit): for each distinct set E of eligible units, the jobs that can go
  nowhere else over the capacity of E (Hall's argument); the bounds above, computed without the
  eligibility, still hold (a relaxation).

A move budget, a fixed service or an eligibility list only restricts the plans further, so every
bound above stays valid under them; which of the bounds is tight depends on the shape. With staff
that can move the capacities are unknown and no bound is given here (0).
"""

from __future__ import annotations

import math

import numpy as np

from planner.engine.group import GroupData

# Hall's bound looks at this many distinct eligible sets at most (each one pass over the jobs).
MAX_ELIGIBLE_SETS = 512
# Loads are whole numbers up to this (exact in a float64 and in the L2 sums).
MAX_WHOLE_LOAD = 2.0**50


def whole_loads(weights: np.ndarray) -> bool:
    """Whether every load is a whole number small enough for exact integer arithmetic."""
    return bool(
        np.all(weights >= 0)
        and np.all(weights == np.round(weights))
        and weights.sum() <= MAX_WHOLE_LOAD
    )


def l2_bins(sizes_ascending: np.ndarray, capacity: int) -> float:
    """The L2 lower bound of Martello and Toth on the bins of size `capacity` that `sizes` (whole,
    sorted ascending) need; inf when a job is longer than a bin.

    For K in {0} and every size at most C/2: the jobs longer than C - K each need their own bin
    (J1), those in (C/2, C - K] too (J2, no two share a bin and none shares with J1), and the jobs in
    [K, C/2] that do not fit in what J2 leaves free need ceil(rest / C) more bins."""
    sizes = sizes_ascending
    if sizes.size == 0:
        return 0.0
    if sizes[-1] > capacity:
        return math.inf
    prefix = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)))
    half = capacity / 2.0
    small = sizes[sizes <= half]
    ks = np.unique(np.concatenate(([0], small)))
    # Counts and sums by position in the ascending order (searchsorted: first index >= / >).
    above_c_minus_k = np.searchsorted(sizes, capacity - ks, side="right")  # first w > C - K
    above_half = np.searchsorted(sizes, half, side="right")  # first w > C/2
    from_k = np.searchsorted(sizes, ks, side="left")  # first w >= K
    n = sizes.size
    n1 = n - above_c_minus_k
    j2_start = above_half
    j2_end = np.maximum(above_c_minus_k, j2_start)  # J2: positions [above_half, above_c_minus_k)
    n2 = j2_end - j2_start
    s2 = prefix[j2_end] - prefix[j2_start]
    j3_end = above_half
    j3_start = np.minimum(from_k, j3_end)
    s3 = prefix[j3_end] - prefix[j3_start]
    free = n2 * capacity - s2
    extra = np.maximum(0, -((free - s3) // capacity))  # ceil((s3 - free) / C), at least 0
    return float((n1 + n2 + extra).max())


def makespan_lower_bound(sizes: np.ndarray, machines: int, upper: int) -> int:
    """The least makespan in whole numbers that the simple bounds and L2 allow for whole `sizes` on
    `machines` identical machines, given a makespan `upper` that a plan reaches (or any C with
    L2(C) <= machines). Every raise of the lower end is a proof (L2(C) > machines), so the answer
    is a valid bound whether or not L2 is monotone in C."""
    if sizes.size == 0 or machines <= 0:
        return 0
    ordered = np.sort(sizes.astype(np.int64))
    total = int(ordered.sum())
    lower = max(int(ordered[-1]), -(-total // machines))
    if ordered.size > machines:
        descending = ordered[::-1]
        lower = max(lower, int(descending[machines - 1] + descending[machines]))
    high = max(int(upper), lower)
    while lower < high:
        middle = (lower + high) // 2
        if l2_bins(ordered, middle) > machines:
            lower = middle + 1
        else:
            high = middle
    return lower


def _uniform_bound(sizes: np.ndarray, capacities: np.ndarray) -> float:
    """Q||Cmax: the k longest jobs over the k largest capacities, every k up to m, and the total
    over the total capacity."""
    jobs = np.sort(sizes)[::-1]
    caps = np.sort(capacities)[::-1]
    k = min(jobs.size, caps.size)
    prefix_jobs = np.cumsum(jobs[:k])
    prefix_caps = np.cumsum(caps[:k])
    bound = float((prefix_jobs / prefix_caps).max(initial=0.0))
    return max(bound, float(jobs.sum() / caps.sum()))


def _hall_bound(sizes: np.ndarray, eligible: list[tuple[int, ...]], capacity: np.ndarray) -> float:
    """The jobs whose every eligible unit lies in E, over E's capacity, for each distinct E
    (`capacity`: (U,) of the skill's cells)."""
    allowed = np.zeros((len(eligible), capacity.size), dtype=bool)
    for j, units in enumerate(eligible):
        allowed[j, list(units)] = True
    distinct = np.unique(allowed, axis=0)
    # Smallest sets first: they carry the jobs with the least choice, the likeliest to bind.
    distinct = distinct[np.lexsort((distinct.sum(axis=1),))][:MAX_ELIGIBLE_SETS]
    bound = 0.0
    for units in distinct:
        inside = ~(allowed & ~units).any(axis=1)  # every eligible unit of the job is in E
        total_capacity = float(capacity[units].sum())
        if total_capacity > 0:
            bound = max(bound, float(sizes[inside].sum()) / total_capacity)
    return bound


def skill_lower_bound(
    data: GroupData, skill: int, headcount: np.ndarray, upper: float | None = None
) -> float:
    """A lower bound on the largest coefficient of `skill`'s cells, with its headcounts fixed at
    `headcount` (U, K); upper: a coefficient some plan reaches, to end the L2 bisection early."""
    capacity = headcount[:, skill] * data.capacity_per_employee
    staffed = np.flatnonzero(capacity > 0)
    services = np.flatnonzero(data.service_skill == skill)
    sizes = data.weight[services]
    if staffed.size == 0 or services.size == 0 or not np.any(sizes > 0):
        return 0.0
    staffed_set = set(staffed.tolist())
    # Units without staff of the skill cannot take its load; a job with no staffed unit left has
    # no plan (the model says so), so it adds no bound here.
    eligible = [tuple(u for u in data.eligible[s] if u in staffed_set) for s in services]
    reachable = np.array([bool(e) for e in eligible])
    sizes, eligible = sizes[reachable], [e for e in eligible if e]
    if sizes.size == 0:
        return 0.0
    caps = capacity[staffed]
    if np.all(caps == caps[0]):
        c = float(caps[0])
        if whole_loads(sizes):
            high = int(sizes.sum()) if upper is None else int(math.floor(upper * c + 1e-9))
            bound = makespan_lower_bound(sizes, staffed.size, max(high, 0)) / c
        else:
            ordered = np.sort(sizes)[::-1]
            bound = max(float(ordered[0]), float(ordered.sum()) / staffed.size)
            if ordered.size > staffed.size:
                bound = max(bound, float(ordered[staffed.size - 1] + ordered[staffed.size]))
            bound /= c
    else:
        bound = _uniform_bound(sizes, caps)
    if any(len(e) < staffed.size for e in eligible):
        bound = max(bound, _hall_bound(sizes, eligible, capacity))
    return bound


def scheduling_lower_bound(
    data: GroupData, fixed: np.ndarray, headcount: np.ndarray, upper: float | None = None
) -> float:
    """The largest of the skills' scheduling bounds, over the skills whose every cell has its
    headcount fixed (`fixed`, (U, K)) at `headcount`; 0 with split services or staff that moves."""
    if data.settings.split_services:
        return 0.0
    bound = 0.0
    for k in range(len(data.skills)):
        if fixed[:, k].all():
            bound = max(bound, skill_lower_bound(data, k, headcount, upper))
    return bound


def coefficient_step(data: GroupData, fixed: np.ndarray, headcount: np.ndarray) -> float | None:
    """The capacity c when every plan's coefficients are whole multiples of 1/c: all loads whole,
    services whole, every headcount fixed and every staffed cell the same capacity c. None
    otherwise. Then t* is a whole number over c, so a bisection can step on whole numbers."""
    if data.settings.split_services or not fixed.all() or not whole_loads(data.weight):
        return None
    capacity = headcount * data.capacity_per_employee[:, None]
    staffed = capacity[capacity > 0]
    if staffed.size == 0 or not np.all(staffed == staffed[0]):
        return None
    return float(staffed[0])
