"""Figures derived from a Result for the result workbook: group means and overload flags, parent
roll-ups and the load of every unit-skill cell.

They are recomputed from the Scenario with the definitions of load, capacity and coefficient in
planner.domain (the ones the independent check uses); nothing here rebuilds or re-solves the model.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TypeGuard

from planner.domain import Scenario, coefficient, service_load, unit_capacity
from planner.result import Result

__all__ = ["Figures", "GroupFigures", "Rollup", "cell_loads", "finite"]

TOLERANCE = 1e-9


@dataclass(frozen=True)
class GroupFigures:
    """Totals and means of one group; the mean is total load over total capacity."""

    group: str
    units: int
    employees_before: int
    employees_after: int
    load_before: float
    load_after: float
    mean_before: float
    mean_after: float | None
    threshold_after: float | None  # mean after x (1 + overload margin)
    overloaded_before: frozenset[str]
    overloaded_after: frozenset[str]


@dataclass(frozen=True)
class Rollup:
    """A parent unit together with every unit below it in the workbook."""

    unit_id: str
    members: tuple[str, ...]  # the parent first, then its descendants
    employees_before: int
    employees_after: int
    load_before: float
    load_after: float
    coefficient_before: float
    coefficient_after: float | None


@dataclass(frozen=True)
class Figures:
    """The figures of a whole Result: per group (in the Result's order) and per parent unit."""

    groups: dict[str, GroupFigures]
    rollups: tuple[Rollup, ...]

    @classmethod
    def of(cls, result: Result) -> Figures:
        """Compute the figures of `result`."""
        return cls(_group_figures(result), _rollups(result))


def _capacity(scenario: Scenario, unit_id: str, employees: int) -> float:
    return employees * unit_capacity(scenario.unit(unit_id), scenario.settings)


def _group_figures(result: Result) -> dict[str, GroupFigures]:
    scenario = result.scenario
    margin = scenario.settings.overload_margin
    figures = {}
    for g in result.groups:
        rows = [u for u in result.units if u.group == g.group]
        has_plan = g.max_coefficient_after is not None
        capacity_before = sum(_capacity(scenario, u.unit_id, u.employees_before) for u in rows)
        capacity_after = sum(_capacity(scenario, u.unit_id, u.employees_after) for u in rows)
        load_before = sum(u.load_before for u in rows)
        load_after = sum(u.load_after for u in rows)
        mean_before = coefficient(load_before, capacity_before)
        mean_after = coefficient(load_after, capacity_after) if has_plan else None
        threshold_before = mean_before * (1 + margin)
        threshold_after = mean_after * (1 + margin) if mean_after is not None else None
        figures[g.group] = GroupFigures(
            group=g.group,
            units=len(rows),
            employees_before=sum(u.employees_before for u in rows),
            employees_after=sum(u.employees_after for u in rows),
            load_before=load_before,
            load_after=load_after,
            mean_before=mean_before,
            mean_after=mean_after,
            threshold_after=threshold_after,
            overloaded_before=frozenset(
                u.unit_id for u in rows if _above(u.coefficient_before, threshold_before)
            ),
            overloaded_after=frozenset(
                u.unit_id
                for u in rows
                if threshold_after is not None and _above(u.coefficient_after, threshold_after)
            ),
        )
    return figures


def _above(value: float | None, threshold: float) -> bool:
    # A unit exactly at the threshold is not overloaded; the tolerance keeps float noise out.
    return value is not None and value > threshold * (1 + TOLERANCE) + TOLERANCE


def _rollups(result: Result) -> tuple[Rollup, ...]:
    scenario = result.scenario
    rows = {u.unit_id: u for u in result.units}
    children: dict[str, list[str]] = defaultdict(list)
    for u in result.units:
        if u.parent and u.parent in rows and u.parent != u.unit_id:
            children[u.parent].append(u.unit_id)
    planned = {g.group for g in result.groups if g.max_coefficient_after is not None}
    rollups = []
    for parent in sorted(children):
        members, stack = [parent], list(reversed(children[parent]))
        while stack:  # depth first; `members` guards against a cycle of parents
            unit_id = stack.pop()
            if unit_id not in members:
                members.append(unit_id)
                stack.extend(reversed(children.get(unit_id, [])))
        member_rows = [rows[m] for m in members]
        load_before = sum(r.load_before for r in member_rows)
        load_after = sum(r.load_after for r in member_rows)
        employees_before = sum(r.employees_before for r in member_rows)
        employees_after = sum(r.employees_after for r in member_rows)
        capacity_before = sum(
            _capacity(scenario, r.unit_id, r.employees_before) for r in member_rows
        )
        capacity_after = sum(_capacity(scenario, r.unit_id, r.employees_after) for r in member_rows)
        all_planned = all(r.group in planned for r in member_rows)
        rollups.append(
            Rollup(
                parent,
                tuple(members),
                employees_before,
                employees_after,
                load_before,
                load_after,
                coefficient(load_before, capacity_before),
                coefficient(load_after, capacity_after) if all_planned else None,
            )
        )
    return tuple(rollups)


def finite(value: float | None) -> TypeGuard[float]:
    """True for a number that is neither None, infinite (load with no staff) nor NaN."""
    return value is not None and value not in (float("inf"), float("-inf")) and value == value


def cell_loads(result: Result) -> tuple[dict, dict]:
    """Load of every (unit, skill) cell before (current units) and after (the plan's units)."""
    scenario = result.scenario
    services = {s.service_id: s for s in scenario.services}
    before: dict[tuple[str, str], float] = defaultdict(float)
    after: dict[tuple[str, str], float] = defaultdict(float)
    for s in scenario.services:
        before[s.unit_id, s.skill] += service_load(s, scenario.settings)
    for a in result.assignments:
        service = services[a.service_id]
        after[a.unit_id, service.skill] += service_load(service, scenario.settings) * a.share
    return before, after
