"""Monte Carlo over yearly volumes: how the highest coefficient of each group and the load of
each unit spread when demand is uncertain, for the current allocation and for a plan.

What varies: the volume of every service with a Volume low / Volume high (its P10 and P90; a
forecast scenario has them from the forecast's 80% interval). Sample i draws standard normals z
from its own generator, numpy's default_rng([seed, stream, i]): one per History series, shared by
the services that series counts (their forecasts err together: a total that grows faster than
forecast makes every service it counts larger), and one per other service. A service takes
Volume + z (Volume - low) / z90 below the median and Volume + z (high - Volume) / z90 above
(z90 = 1.2816, the normal's P90; never below 0): a normal split at Volume whose P10 and P90 are
exactly low and high. Minutes (Minutes low / high, one draw per service) and digital shares
(Digital share low / high, one draw per History series like the volumes; kept within 0..1) are
drawn the same way. Because each sample's draws depend only on (seed, stream, i), the results are
the same for one process, a pool or any number of Dask workers. A value without a range stays as
it is (in count mode a load does not depend on them, so nothing varies).

For each sample, plan and group: the highest unit-skill coefficient (the quantity t* minimises),
and for each unit whether it is overloaded: its coefficient above the group's mean coefficient of
that sample x (1 + overload margin) (the rule of the Units sheet), and whether it is above 1 (in
hours mode: more hours needed than available). P50 / P90 / P95 are quantiles over the samples
(numpy's linear interpolation): "P90 = 0.82" means that in 9 samples out of 10 the group's highest
coefficient stays at or below 0.82.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from planner.domain import CoefficientMode, Scenario
from planner.engine.group import GroupData, group_data
from planner.engine.plan import Plan, current_plan, max_coefficient, shares_matrix
from planner.i18n import NP_, pgettext
from planner.result import Result, Status
from planner.studies.forecast import series_target
from planner.studies.sweep import chunk_ranges, connected, run_chunks, workers_of

__all__ = [
    "CURRENT",
    "PLAN",
    "QUANTILES",
    "Uncertainty",
    "Z90",
    "draw_index",
    "evaluate_plans",
    "group_weights",
    "plan_name",
    "result_plans",
    "Ranges",
    "sample_loads",
    "sample_volumes",
    "uncertainty",
]

CURRENT = "current"  # the allocation before the plan
PLAN = "plan"  # the plan of the Result
# The plans' names as a reader sees them; the keys stay as written (table values, JSON, code).
_PLAN_NAMES = {
    CURRENT: NP_("uncertainty plan", "current"),
    PLAN: NP_("uncertainty plan", "plan"),
    "robust": NP_("uncertainty plan", "robust"),  # planner.studies.robust.ROBUST
}
QUANTILES = (0.50, 0.90, 0.95)
Z90 = 1.2815515655446004  # the standard normal's 90% quantile
TOLERANCE = 1e-9


def plan_name(plan: str) -> str:
    """A plan's name (current, plan, robust) in the current language; another as it is."""
    return pgettext("uncertainty plan", plan) if plan in _PLAN_NAMES else plan


def sample_volumes(
    volume: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    seed: int,
    stream: int,
    start: int,
    stop: int,
    draw: np.ndarray | None = None,
) -> np.ndarray:
    """(stop - start, S) volumes of samples start..stop-1 (see the module docstring); `draw[s]`
    is the index of the normal draw service s uses (services with one index move together)."""
    draw = np.arange(volume.size) if draw is None else draw
    draws = int(draw.max()) + 1 if draw.size else 0
    rows = np.empty((stop - start, volume.size))
    below = (volume - low) / Z90
    above = (high - volume) / Z90
    for row, i in enumerate(range(start, stop)):
        z = np.random.default_rng([seed, stream, i]).standard_normal(draws)[draw]
        rows[row] = volume + z * np.where(z < 0, below, above)
    return np.maximum(rows, 0.0)


def draw_index(scenario: Scenario) -> np.ndarray:
    """(S,) the normal draw each service uses: one per History series for the services it
    counts (their forecasts share that series' error), one of its own for every other service."""
    targets = sorted({p.target for p in scenario.history})
    keys: dict[str, int] = {t: i for i, t in enumerate(targets)}
    index = []
    for service in scenario.services:
        target = series_target(service, targets) if targets else None
        key = target if target is not None else f"service:{service.service_id}"
        index.append(keys.setdefault(key, len(keys)))
    return np.array(index, dtype=np.int64)


def _split_normal(
    value: np.ndarray, low: np.ndarray, high: np.ndarray, z: np.ndarray
) -> np.ndarray:
    return value + z * np.where(z < 0, (value - low) / Z90, (high - value) / Z90)


@dataclass(frozen=True)
class Ranges:
    """Every service's value, P10 and P90 of volume, minutes and digital share (a value without
    a range has P10 = P90 = the value), and the draw each uses (draw_index)."""

    volume: tuple[np.ndarray, np.ndarray, np.ndarray]
    minutes: tuple[np.ndarray, np.ndarray, np.ndarray]
    share: tuple[np.ndarray, np.ndarray, np.ndarray]
    draw: np.ndarray

    @classmethod
    def of(cls, scenario: Scenario) -> Ranges:
        def triple(value, low, high) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            v = np.array([value(x) for x in scenario.services], dtype=float)
            lo = np.array([low(x) if low(x) is not None else value(x) for x in scenario.services],
                          dtype=float)  # fmt: skip
            hi = np.array(
                [high(x) if high(x) is not None else value(x) for x in scenario.services],
                dtype=float,
            )
            return v, lo, hi

        return cls(
            triple(lambda x: x.volume, lambda x: x.volume_low, lambda x: x.volume_high),
            triple(lambda x: x.minutes or 0.0, lambda x: x.minutes_low, lambda x: x.minutes_high),
            triple(
                lambda x: x.digital_share,
                lambda x: x.digital_share_low,
                lambda x: x.digital_share_high,
            ),
            draw_index(scenario),
        )


def sample_loads(ranges: Ranges, seed: int, stream: int, start: int, stop: int) -> np.ndarray:
    """(stop - start, S) staff hours of every service in samples start..stop-1: volume x minutes
    / 60 x (1 - digital share), each drawn from its range. Sample i's generator draws, in this
    order, one normal per draw index for the volumes (as sample_volumes), one per service for the
    minutes and one per draw index for the digital shares."""
    draw = ranges.draw
    draws = int(draw.max()) + 1 if draw.size else 0
    size = draw.size
    rows = np.empty((stop - start, size))
    for row, i in enumerate(range(start, stop)):
        rng = np.random.default_rng([seed, stream, i])
        z_volume = rng.standard_normal(draws)[draw]
        z_minutes = rng.standard_normal(size)
        z_share = rng.standard_normal(draws)[draw]
        volume = np.maximum(_split_normal(*ranges.volume, z_volume), 0.0)
        minutes = np.maximum(_split_normal(*ranges.minutes, z_minutes), 0.0)
        share = np.clip(_split_normal(*ranges.share, z_share), 0.0, 1.0)
        rows[row] = volume * minutes / 60.0 * (1.0 - share)
    return rows


@dataclass(frozen=True)
class _GroupTask:
    """What a worker needs to evaluate one group: positions of its services among the scenario's,
    the load of one transaction, and each plan's headcounts and assignments."""

    group: str
    unit_ids: tuple[str, ...]
    positions: np.ndarray  # (S_g,) indices into the scenario's services
    fixed_weight: np.ndarray  # (S_g,) load when the volume does not matter (count mode)
    count_mode: bool
    skill: np.ndarray  # (S_g,)
    capacity: np.ndarray  # (U,) load one employee carries at coefficient 1
    plans: Mapping[str, Plan]


@dataclass(frozen=True)
class _Chunk:
    seed: int
    stream: int
    start: int
    stop: int
    ranges: Ranges
    margin: float
    groups: tuple[_GroupTask, ...]


@dataclass
class _ChunkResult:
    maxima: dict[str, np.ndarray]  # plan -> (n, G)
    above_mean: dict[str, np.ndarray]  # plan -> (units,) counts
    above_one: dict[str, np.ndarray]


def _coefficient(load: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(capacity > 0, load / np.where(capacity > 0, capacity, 1), 0.0)
    return np.where((capacity <= 0) & (load > TOLERANCE), np.inf, value)


def _load(weights: np.ndarray, skill: np.ndarray, plan: Plan, n: int) -> np.ndarray:
    """(n, U, K) load of each sample under a plan. Summed service by service in a fixed order
    (np.add.reduceat), not by a matrix product: BLAS's blocking depends on the number of rows, and
    the last bit of a sum with it, so a chunk of 50 samples and one of 200 would differ."""
    units, skills = plan.headcount.shape
    services, unit_of = plan.assignment.nonzero()
    load = np.zeros((n, units * skills))
    if services.size == 0:
        return load.reshape(n, units, skills)
    cell = unit_of * skills + skill[services]
    order = np.lexsort((services, cell))
    services, cell = services[order], cell[order]
    contributions = weights[:, services] * plan.assignment[services, unit_of[order]]
    starts = np.flatnonzero(np.concatenate(([True], cell[1:] != cell[:-1])))
    load[:, cell[starts]] = np.add.reduceat(contributions, starts, axis=1)
    return load.reshape(n, units, skills)


def _evaluate_chunk(chunk: _Chunk) -> _ChunkResult:
    hours_mode = any(not g.count_mode for g in chunk.groups)
    loads = (
        sample_loads(chunk.ranges, chunk.seed, chunk.stream, chunk.start, chunk.stop)
        if hours_mode
        else None
    )
    n = chunk.stop - chunk.start
    names = sorted({name for g in chunk.groups for name in g.plans})
    maxima = {name: np.full((n, len(chunk.groups)), np.nan) for name in names}
    units_total = sum(len(g.unit_ids) for g in chunk.groups)
    above_mean = {name: np.zeros(units_total, dtype=np.int64) for name in names}
    above_one = {name: np.zeros(units_total, dtype=np.int64) for name in names}
    offset = 0
    for gi, task in enumerate(chunk.groups):
        if task.count_mode or loads is None:
            weights = np.broadcast_to(task.fixed_weight, (n, task.fixed_weight.size))
        else:
            weights = loads[:, task.positions]
        for name, plan in task.plans.items():
            units = len(task.unit_ids)
            load = _load(weights, task.skill, plan, n)
            capacity = plan.headcount * task.capacity[:, None]  # (U, K)
            cells = _coefficient(load, capacity[None, :, :])
            maxima[name][:, gi] = cells.reshape(n, -1).max(axis=1) if cells.size else 0.0
            unit_load = load.sum(axis=2)  # (n, U)
            unit_capacity = capacity.sum(axis=1)  # (U,)
            unit_coefficient = _coefficient(unit_load, unit_capacity[None, :])
            mean = _coefficient(unit_load.sum(axis=1), np.full(n, unit_capacity.sum()))
            threshold = mean * (1 + chunk.margin)
            above_mean[name][offset : offset + units] += (
                unit_coefficient > threshold[:, None] * (1 + TOLERANCE) + TOLERANCE
            ).sum(axis=0)
            above_one[name][offset : offset + units] += (unit_coefficient > 1 + TOLERANCE).sum(
                axis=0
            )
        offset += len(task.unit_ids)
    return _ChunkResult(maxima, above_mean, above_one)


@dataclass(frozen=True)
class Uncertainty:
    """The Monte Carlo of a scenario's plans: per plan, the (samples, groups) highest
    coefficients, and per unit how many samples found it overloaded."""

    scenario: Scenario
    samples: int
    seed: int
    groups: tuple[str, ...]
    units: tuple[tuple[str, str], ...]  # (group, unit id) in the order of the counts
    maxima: Mapping[str, np.ndarray]  # plan -> (samples, groups)
    above_mean: Mapping[str, np.ndarray]  # plan -> (units,) counts
    above_one: Mapping[str, np.ndarray]
    nominal: Mapping[str, Mapping[str, float]] = field(default_factory=dict)  # plan -> group -> t
    notes: tuple[str, ...] = ()  # plain-words findings shown with it (robust versus nominal)

    @property
    def plans(self) -> tuple[str, ...]:
        return tuple(self.maxima)

    def quantile(self, plan: str, group: str, q: float) -> float:
        values = self.maxima[plan][:, self.groups.index(group)]
        return float(np.quantile(values, q))

    def scenario_quantile(self, plan: str, q: float) -> float | None:
        """The q-quantile over the samples of the scenario's highest coefficient (the largest of
        its groups' in each sample; groups the plan does not cover are left out), None when the
        plan covers no group."""
        values = self.maxima[plan]
        covered = ~np.isnan(values).all(axis=0)
        if not covered.any():
            return None
        return float(np.quantile(values[:, covered].max(axis=1), q))

    def table(self, name: str = "groups"):
        """DataFrames: "groups" (plan, group, P50, P90, P95, mean, at the point volumes) or
        "units" (plan, group, unit, probability overloaded, probability above 1)."""
        import pandas as pd

        if name == "groups":
            rows = []
            for plan, values in self.maxima.items():
                for gi, group in enumerate(self.groups):
                    column = values[:, gi]
                    if np.isnan(column).all():
                        continue
                    row: dict[str, Any] = {"plan": plan, "group": group}
                    for q in QUANTILES:
                        row[f"P{round(q * 100)}"] = float(np.quantile(column, q))
                    row["mean"] = float(np.mean(column))
                    row["at point volumes"] = self.nominal.get(plan, {}).get(group)
                    rows.append(row)
            return pd.DataFrame(rows)
        if name == "units":
            rows = []
            for plan in self.maxima:
                for index, (group, unit_id) in enumerate(self.units):
                    rows.append(
                        {
                            "plan": plan,
                            "group": group,
                            "unit": unit_id,
                            "probability overloaded": self.above_mean[plan][index] / self.samples,
                            "probability above 1": self.above_one[plan][index] / self.samples,
                        }
                    )
            return pd.DataFrame(rows)
        raise KeyError(f"no table {name!r}: groups or units")


def _task(scenario: Scenario, data: GroupData, plans: Mapping[str, Plan]) -> _GroupTask:
    position = {s.service_id: i for i, s in enumerate(scenario.services)}
    hours_mode = scenario.settings.coefficient is CoefficientMode.HOURS
    return _GroupTask(
        group=data.group,
        unit_ids=tuple(u.unit_id for u in data.units),
        positions=np.array([position[s.service_id] for s in data.services], dtype=np.int64),
        fixed_weight=data.weight.copy(),
        count_mode=not hours_mode,
        skill=data.service_skill.copy(),
        capacity=data.capacity_per_employee.copy(),
        plans=dict(plans),
    )


def group_weights(scenario: Scenario, data: GroupData, loads: np.ndarray) -> np.ndarray:
    """(samples, S_g) load of each of the group's services from sampled scenario loads (rows of
    `loads`, one column per scenario service, sample_loads); the point loads in count mode."""
    task = _task(scenario, data, {})
    if task.count_mode:
        return np.broadcast_to(task.fixed_weight, (loads.shape[0], task.fixed_weight.size)).copy()
    return loads[:, task.positions]


def result_plans(result: Result) -> dict[str, dict[str, Plan]]:
    """{"current": ..., "plan": ...} -> group -> Plan, from a Result (groups without a plan
    have only "current")."""
    scenario = result.scenario
    after = {(r.unit_id, r.skill): r.after for r in result.staff}
    shares: dict[str, list[tuple[str, float]]] = {}
    for a in result.assignments:
        shares.setdefault(a.service_id, []).append((a.unit_id, a.share))
    plans: dict[str, dict[str, Plan]] = {CURRENT: {}, PLAN: {}}
    for g in result.groups:
        data = group_data(scenario, g.group)
        plans[CURRENT][g.group] = current_plan(data)
        if g.status not in (Status.OPTIMAL, Status.FEASIBLE) or g.max_coefficient_after is None:
            continue
        unit_index = {u.unit_id: i for i, u in enumerate(data.units)}
        headcount = np.zeros_like(data.start)
        for u, unit in enumerate(data.units):
            for k, skill in enumerate(data.skills):
                headcount[u, k] = after.get((unit.unit_id, skill), 0)
        # The shares straight into the sparse (S, U) matrix a Plan holds, never densely.
        triplets = np.array(
            [
                (s, unit_index[unit_id], share)
                for s, service in enumerate(data.services)
                for unit_id, share in shares.get(service.service_id, ())
            ],
            dtype=float,
        ).reshape(-1, 3)
        assignment = shares_matrix(
            triplets[:, 0].astype(np.int64),
            triplets[:, 1].astype(np.int64),
            triplets[:, 2],
            (len(data.services), len(data.units)),
        )
        plans[PLAN][g.group] = Plan(headcount, assignment)
    return plans


def evaluate_plans(
    scenario: Scenario,
    plans: Mapping[str, Mapping[str, Plan]],
    samples: int,
    seed: int = 0,
    *,
    stream: int = 0,
    processes: int = 1,
    cluster: Any = None,
) -> Uncertainty:
    """The Monte Carlo of `plans` (plan name -> group -> Plan) over `samples` samples of the
    scenario's volumes; the same for any processes / cluster (see the module docstring)."""
    if samples < 1:
        raise ValueError("samples must be 1 or more")
    groups = tuple(sorted({g for by_group in plans.values() for g in by_group}))
    datas = {g: group_data(scenario, g) for g in groups}
    tasks = tuple(
        _task(
            scenario,
            datas[g],
            {name: by_group[g] for name, by_group in plans.items() if g in by_group},
        )
        for g in groups
    )
    ranges = Ranges.of(scenario)
    with connected(cluster) as client:
        workers = workers_of(client) if client is not None else max(processes, 1)
        chunks = [
            _Chunk(seed, stream, start, stop, ranges, scenario.settings.overload_margin, tasks)
            for start, stop in chunk_ranges(samples, workers)
        ]  # fmt: skip
        results = run_chunks(_evaluate_chunk, chunks, processes=processes, cluster=client)
    names = list(plans)
    units = tuple((t.group, u) for t in tasks for u in t.unit_ids)
    nominal = {
        name: {
            t.group: max_coefficient(datas[t.group], t.plans[name])
            for t in tasks
            if name in t.plans
        }
        for name in names
    }
    return Uncertainty(
        scenario=scenario,
        samples=samples,
        seed=seed,
        groups=groups,
        units=units,
        maxima={n: np.concatenate([r.maxima[n] for r in results]) for n in names},
        above_mean={
            n: sum((r.above_mean[n] for r in results), np.zeros(len(units), np.int64))
            for n in names
        },  # fmt: skip
        above_one={
            n: sum((r.above_one[n] for r in results), np.zeros(len(units), np.int64)) for n in names
        },  # fmt: skip
        nominal=nominal,
    )


def uncertainty(
    result: Result,
    samples: int,
    seed: int = 0,
    *,
    processes: int = 1,
    cluster: Any = None,
    extra: Mapping[str, Mapping[str, Plan]] | None = None,
) -> Uncertainty:
    """The Monte Carlo of a Result: the current allocation and the plan (and any `extra` plans,
    name -> group -> Plan), over `samples` samples drawn with `seed`."""
    plans: dict[str, Mapping[str, Plan]] = dict(result_plans(result))
    plans.update(extra or {})
    return evaluate_plans(
        result.scenario, plans, samples, seed, processes=processes, cluster=cluster
    )
