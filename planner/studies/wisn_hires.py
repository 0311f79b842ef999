"""The fewest new hires that bring every WISN ratio to at least a target, and where they go
(`fewest_hires`), for a scenario in wisn terms (planner.wisn.apply_wisn).

A plan in which every cell's WISN ratio is at least `target` has at least target x required staff
in each cell, so each skill needs at least the sum over cells of ceil(target x required) staff
(with its services fixed; target x the skill's total required staff when some may move): hires
below that are impossible, which is the lower bound (cells of locked units, or all cells when staff
cannot move, count on their own). The hires at that bound are placed where the
shortfall is largest and `solve` is asked for a plan whose smallest WISN ratio reaches the target;
when it finds one the count is proven fewest. Otherwise every cell's own shortfall is hired where
it is (no plan needs to move anyone for that), and the count is reported as a plan, not proven.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, replace

from planner.domain import CoefficientMode, Hire, Scenario, service_load
from planner.result import Result
from planner.solve import solve

__all__ = ["HiresPlan", "fewest_hires", "hires_for_setting"]

_EPSILON = 1e-9  # a cell that needs 3.0000000001 staff at the target needs 3


@dataclass(frozen=True)
class HiresPlan:
    """The hires found, the bound no plan can beat, whether they meet it, and the solved plan
    (None when not even hiring each cell's shortfall reaches the target, e.g. Max employees)."""

    target: float
    hires: tuple[Hire, ...]
    lower_bound: int
    proven: bool
    result: Result | None

    @property
    def reached(self) -> bool:
        """Whether a plan with these hires brings every WISN ratio to the target."""
        return self.result is not None

    @property
    def total(self) -> int:
        return sum(h.employees for h in self.hires)

    @property
    def smallest_ratio(self) -> float | None:
        """The smallest WISN ratio of the plan with the hires (None without one)."""
        worst = None if self.result is None else self.result.max_coefficient_after
        if worst is None:
            return None
        return 1.0 / worst if worst > 0 else math.inf

    def to_dict(self) -> dict:
        """JSON-ready (`planner solve --json` with the `wisn target` setting)."""
        ratio = self.smallest_ratio
        return {
            "target": self.target,
            "total": self.total,
            "lower_bound": self.lower_bound,
            "proven_fewest": self.proven,
            "hires": [
                {"unit_id": h.unit_id, "skill": h.skill, "employees": h.employees}
                for h in self.hires
            ],
            "smallest_ratio_with_hires": ratio if ratio is None or math.isfinite(ratio) else None,
        }


def _needed(required: float, target: float) -> int:
    return max(0, math.ceil(target * required - _EPSILON))


def _reaches(result: Result, target: float) -> bool:
    """Every group has a plan whose smallest WISN ratio is at least the target."""
    if not result.groups:
        return True
    for group in result.groups:
        worst = group.max_coefficient_after
        if worst is None or worst * target > 1.0 + 1e-9:
            return False
    return True


def fewest_hires(scenario: Scenario, target: float = 1.0) -> HiresPlan:
    """The fewest new hires (per unit and skill) with which a plan brings every WISN ratio to at
    least `target`, with the plan; see the module docstring for what is proven."""
    if scenario.settings.coefficient is not CoefficientMode.WISN:
        raise ValueError("fewest_hires needs a scenario in wisn terms (coefficient wisn)")
    if target <= 0:
        raise ValueError("the target WISN ratio must be above 0")
    settings = scenario.settings
    required: dict[tuple[str, str], float] = defaultdict(float)
    for service in scenario.services:
        required[service.unit_id, service.skill] += service_load(service, settings)
    current: dict[tuple[str, str], int] = defaultdict(int)
    for cell in scenario.staff:
        current[cell.unit_id, cell.skill] += cell.employees
    for hire in scenario.hires:
        current[hire.unit_id, hire.skill] += hire.employees
    group_of = {u.unit_id: u.group for u in scenario.units}
    movable = {
        (group_of[s.unit_id], s.skill)
        for s in scenario.services
        if s.movable and settings.allow_service_moves
    }
    shortfall = {
        key: _needed(required[key], target) - current[key]
        for key in sorted(set(required) | set(current))
    }
    # Pools of cells that can share staff: a group's skill, except that the cells of a locked
    # unit (or every cell, when staff cannot move) stand alone. With some of the skill's
    # services movable the group's skill is one pool, bounded by its total required staff.
    locked = {u.unit_id for u in scenario.units if u.locked or not settings.allow_staff_moves}
    pools: dict[tuple[str, str, str], list[tuple[str, str]]] = defaultdict(list)
    for unit_id, skill in shortfall:
        group = group_of[unit_id]
        alone = unit_id in locked and (group, skill) not in movable
        pools[group, skill, unit_id if alone else ""].append((unit_id, skill))
    bound_hires: list[Hire] = []
    lower_bound = 0
    for (group, skill, _), cells in sorted(pools.items()):
        staff = sum(current[c] for c in cells)
        if (group, skill) in movable:
            need = _needed(sum(required[c] for c in cells), target)
        else:
            need = sum(_needed(required[c], target) for c in cells)
        extra = max(0, need - staff)
        lower_bound += extra
        # Largest shortfall first, ties by unit id: the hires go where the staff are missing.
        for key in sorted(cells, key=lambda c: (-shortfall[c], c)):
            if extra <= 0:
                break
            here = min(extra, max(shortfall[key], 1))
            bound_hires.append(Hire(key[0], here, key[1]))
            extra -= here
    at_bound = _solve_with(scenario, bound_hires)
    if _reaches(at_bound, target):
        return HiresPlan(target, _merged(bound_hires), lower_bound, True, at_bound)
    direct = [Hire(u, n, k) for (u, k), n in shortfall.items() if n > 0]
    plan = _solve_with(scenario, direct)
    reached = _reaches(plan, target)
    return HiresPlan(
        target,
        _merged(direct),
        lower_bound,
        reached and sum(h.employees for h in direct) == lower_bound,
        plan if reached else None,
    )


def hires_for_setting(scenario: Scenario) -> HiresPlan | None:
    """The fewest hires for the scenario's `wisn target` setting (`planner solve`, the web
    workspace), or None without the setting or outside coefficient wisn."""
    target = scenario.settings.wisn_target
    if target is None or scenario.settings.coefficient is not CoefficientMode.WISN:
        return None
    return fewest_hires(scenario, target)


def _merged(hires: list[Hire]) -> tuple[Hire, ...]:
    total: dict[tuple[str, str], int] = defaultdict(int)
    for hire in hires:
        total[hire.unit_id, hire.skill] += hire.employees
    return tuple(Hire(u, n, k) for (u, k), n in sorted(total.items()) if n > 0)


def _solve_with(scenario: Scenario, hires: list[Hire]) -> Result:
    return solve(replace(scenario, hires=scenario.hires + _merged(hires)), sensitivity=False)
