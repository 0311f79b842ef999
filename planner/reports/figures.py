"""Figures derived from a Result for the result workbook: group means and overload flags, parent
roll-ups and the load of every unit-skill cell.

They are recomputed from the Scenario with the definitions of load, capacity and coefficient in
planner.domain (the ones the independent check uses); nothing here rebuilds or re-solves the model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeGuard

from planner.domain import Scenario, coefficient, unit_capacity
from planner.result import Result, SkillRow, Transfer, UnitRow

__all__ = ["Cell", "Figures", "GroupFigures", "Rollup", "cell_coefficients", "finite"]

TOLERANCE = 1e-9


@dataclass(frozen=True)
class Cell:
    """One unit-skill cell's coefficient: the headline maximum is always one of these."""

    unit_id: str
    skill: str
    coefficient: float


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
    highest_before: Cell | None = None  # the cell whose coefficient is the group's maximum
    highest_after: Cell | None = None
    # The group's unit rows by id and the transfers into its units (new hires included), for
    # the group's account in words: found once here, not by a scan of the Result per group.
    rows: dict[str, UnitRow] = field(default_factory=dict, compare=False, repr=False)
    transfers_in: tuple[Transfer, ...] = field(default=(), compare=False, repr=False)


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
    # (unit, skill) -> (coefficient before, after); after None where the group has no plan
    cells: dict[tuple[str, str], tuple[float, float | None]] = field(default_factory=dict)
    # Result.skill_rows, made once for the cells above and the Skills sheet.
    skill_rows: tuple[SkillRow, ...] = ()
    # unit -> its cells' (before, after): unit_highest is asked once per unit, and a scan of
    # every cell each time made the national Units sheet quadratic (7 s).
    _by_unit: dict[str, list[tuple[float, float | None]]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        for (unit_id, _), value in self.cells.items():
            self._by_unit.setdefault(unit_id, []).append(value)

    @classmethod
    def of(cls, result: Result) -> Figures:
        """Compute the figures of `result`."""
        skill_rows = result.skill_rows()
        cells = cell_coefficients(result, skill_rows)
        return cls(_group_figures(result, cells), _rollups(result), cells, skill_rows)

    def unit_highest(self, unit_id: str) -> tuple[float | None, float | None]:
        """A unit's highest skill coefficient before and after (None: no cell, or no plan)."""
        own = self._by_unit.get(unit_id, [])
        before = max((b for b, _ in own), default=None)
        after_values = [a for _, a in own if a is not None]
        return before, max(after_values) if after_values and len(after_values) == len(own) else None


def _capacity(scenario: Scenario, unit_id: str, employees: int) -> float:
    return employees * unit_capacity(scenario.unit(unit_id), scenario.settings)


def _highest(cells: list, side: int) -> Cell | None:
    """The cell with the largest coefficient among these (key, value) cells (ties: the first by
    id)."""
    values = [(value[side], key) for key, value in cells]
    values = [(v, key) for v, key in values if v is not None]
    if not values:
        return None
    best = max(v for v, _ in values)
    unit_id, skill = min(key for v, key in values if v == best)
    return Cell(unit_id, skill, best)


def _group_figures(result: Result, cells: dict) -> dict[str, GroupFigures]:
    scenario = result.scenario
    margin = scenario.settings.overload_margin
    figures = {}
    # Grouped once: scanning every unit and cell for each of 306 groups cost seconds.
    units_of: dict[str, list] = {}
    for unit in result.units:
        units_of.setdefault(unit.group, []).append(unit)
    cells_of: dict[str, list] = {}
    for key, value in cells.items():
        cells_of.setdefault(key[0], []).append((key, value))
    group_of = {unit.unit_id: unit.group for unit in result.units}
    transfers_into: dict[str, list[Transfer]] = {}
    for transfer in result.transfers:
        group = group_of.get(transfer.target)
        if group is not None:
            transfers_into.setdefault(group, []).append(transfer)
    for g in result.groups:
        rows = units_of.get(g.group, [])
        group_cells = [cell for u in rows for cell in cells_of.get(u.unit_id, ())]
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
            highest_before=_highest(group_cells, 0),
            highest_after=_highest(group_cells, 1) if has_plan else None,
            rows={u.unit_id: u for u in rows},
            transfers_in=tuple(transfers_into.get(g.group, ())),
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


def cell_coefficients(
    result: Result, skill_rows: Sequence[SkillRow] | None = None
) -> dict[tuple[str, str], tuple[float, float | None]]:
    """Coefficient of every (unit, skill) cell with staff or load, before and after the plan
    (after None where the group has no plan): the cells the headline maximum is taken over.
    Result.skill_rows is their one definition (also the Skills sheet and `table("skills")`)."""
    return {
        (row.unit_id, row.skill): (row.coefficient_before, row.coefficient_after)
        for row in sorted(
            result.skill_rows() if skill_rows is None else skill_rows,
            key=lambda row: (row.unit_id, row.skill),
        )
    }
