"""What holds a group's maximum coefficient up, and what relaxing it by one would do.

Every figure is a re-solve of the group with the change made, never an estimate from duals: the
problem is integer, and a dual price says nothing reliable about one more whole employee.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from planner.domain import SensitivityKind
from planner.engine.group import GroupData
from planner.engine.plan import Plan, plan_load
from planner.engine.search import best_max_coefficient, with_settings
from planner.i18n import _
from planner.result import SensitivityItem

MAX_BINDING_CELLS = 5  # re-solves are not free: report the first few binding cells by unit id


def _with_unit(data: GroupData, unit_id: str, **changes) -> GroupData:
    units = tuple(
        dataclasses.replace(u, **changes) if u.unit_id == unit_id else u for u in data.units
    )
    return dataclasses.replace(data, units=units)


def _with_hire(data: GroupData, u: int, k: int) -> GroupData:
    hires = data.hires.copy()
    hires[u, k] += 1
    return dataclasses.replace(data, hires=hires)


def group_sensitivity(
    data: GroupData, plan: Plan, t_star: float, deadline: float | None = None
) -> tuple[SensitivityItem, ...]:
    """Binding cells and limits of an optimal minmax plan, each with t* after relaxing it by one.

    deadline (time.perf_counter() seconds): the end of the group's time limit, which the
    re-solves share with its search; an item whose re-solve finds no time left, or stops, is
    listed with no figure after the change (None), never a guess."""
    if t_star <= 0 or not np.isfinite(t_star):
        return ()
    g = data.group
    items: list[SensitivityItem] = []

    def item(
        text: str, kind: SensitivityKind, change: str, changed: GroupData, unit_id: str | None = None,
        incumbent: Plan = plan,
    ):  # fmt: skip
        # Relaxing a rule keeps the plan feasible: it is the incumbent the re-solve starts from.
        left = None if deadline is None else deadline - time.perf_counter()
        if left is not None and left <= 0:
            after = None
        else:
            after = best_max_coefficient(
                changed if left is None else with_settings(changed, time_limit=left), incumbent
            )
        items.append(SensitivityItem(g, text, kind, change, t_star, after, unit_id))

    coefficients = data.coefficients(plan.headcount, plan_load(data, plan))
    binding = np.argwhere(coefficients >= t_star * (1 - 1e-9))
    binding_units = sorted({int(u) for u, _ in binding})
    for u, k in [tuple(map(int, cell)) for cell in binding][:MAX_BINDING_CELLS]:
        unit = data.units[u]
        hired = plan.headcount.copy()
        hired[u, k] += 1  # the new employee starts where hired
        item(_("{unit.label} ({value1}) is at the maximum").format(unit=unit, value1=data.skills[k]), SensitivityKind.BINDING_UNIT,
             _("one more employee hired there"), _with_hire(data, u, k), unit.unit_id,
             Plan(hired, plan.assignment))  # fmt: skip

    moved = plan.headcount - data.start
    settings = data.settings
    staff_moved = int(np.maximum(moved, 0).sum())
    if settings.max_staff_moves is not None and staff_moved >= settings.max_staff_moves:
        item(_("max staff moves ({settings.max_staff_moves}) is used up").format(settings=settings), SensitivityKind.GROUP_STAFF_MOVE_LIMIT,
             _("one more allowed staff move"),
             with_settings(data, max_staff_moves=settings.max_staff_moves + 1))  # fmt: skip
    services_moved = float((1.0 - plan.home_shares(data)).sum())
    limit = settings.max_service_moves
    if limit is not None and services_moved >= limit - 1e-9:
        item(_("max service moves ({limit}) is used up").format(limit=limit), SensitivityKind.GROUP_SERVICE_MOVE_LIMIT,
             _("one more allowed service move"), with_settings(data, max_service_moves=limit + 1))  # fmt: skip
    for u in binding_units[:MAX_BINDING_CELLS]:
        unit = data.units[u]
        employees = int(plan.headcount[u].sum())
        changes = int(np.abs(moved[u]).sum())
        if unit.locked:
            item(_("{unit.label} is locked").format(unit=unit), SensitivityKind.LOCKED_UNIT, _("unlocked for one move"),
                 _with_unit(data, unit.unit_id, locked=False, max_moves=1), unit.unit_id)  # fmt: skip
        elif unit.max_moves is not None and changes >= unit.max_moves:
            item(_("{unit.label} has used its {unit.max_moves} allowed moves").format(unit=unit), SensitivityKind.UNIT_MAX_MOVES,
                 _("one more allowed move"),
                 _with_unit(data, unit.unit_id, max_moves=unit.max_moves + 1), unit.unit_id)  # fmt: skip
        if unit.max_employees is not None and employees >= unit.max_employees:
            item(_("{unit.label} is at its Max employees ({unit.max_employees})").format(unit=unit), SensitivityKind.MAX_EMPLOYEES,
                 _("Max employees one higher"),
                 _with_unit(data, unit.unit_id, max_employees=unit.max_employees + 1), unit.unit_id)  # fmt: skip
    return tuple(items)
