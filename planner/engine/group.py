"""The numbers of one group, taken from a Scenario and indexed by position.

Units and skills sorted, services sorted by id: every model, plan and report of a group uses these
positions, so runs are deterministic and models comparable. Nothing here solves anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.domain import (
    CoefficientMode,
    Decision,
    Scenario,
    Service,
    Settings,
    Unit,
    distance_table,
    service_load,
    skills_to_keep,
    staff_to_keep,
    unit_capacity,
)
from planner.errors import InputError, Problem, ProblemCode

# Upper bound on any coefficient a feasible plan can have, relative to the crude bound
# total load / smallest capacity of one employee; only used to express "load needs staff".
INFINITY = float("inf")


class CoefficientOverflow(InputError):
    """A cell's load over its capacity is beyond the doubles (an InputError: exit 2, the cell
    named). Validation's ranges keep workbooks far from this; a Scenario built in code may not."""

    def __init__(self, data: GroupData, unit: int, skill: int, load: float, capacity: float):
        super().__init__([Problem(
            "Units", "", f"{data.units[unit].unit_id} / {data.skills[skill]}",
            f"group {data.group!r}: the coefficient of unit {data.units[unit].unit_id!r}, skill "
            f"{data.skills[skill]!r} overflows (load {load:g} over a capacity of {capacity:g}): "
            "check its Service share, Hours per FTE and its services' Volume and Minutes",
            ProblemCode.OUT_OF_RANGE,
        )])  # fmt: skip


@dataclass(frozen=True)
class GroupData:
    """The numbers of one group, indexed by position (units and skills sorted, services sorted)."""

    group: str
    units: tuple[Unit, ...]
    skills: tuple[str, ...]
    current: np.ndarray  # (U, K) headcount before the plan
    hires: np.ndarray  # (U, K) new headcount added by a variant (counts as already there)
    share: np.ndarray  # (U,) service share of staff time
    hours_per_fte: np.ndarray  # (U,) available hours per employee; 1.0 in count mode
    services: tuple[Service, ...]
    weight: np.ndarray  # (S,) load of each service: 1 (count) or hours per year (hours)
    service_skill: np.ndarray  # (S,) skill index
    service_unit: np.ndarray  # (S,) current unit index
    eligible: tuple[tuple[int, ...], ...]  # (S,) unit indices a service may go to, current first
    settings: Settings
    # The planner's decisions about this group's units (Scenario.decisions), in scenario order.
    decisions: tuple[Decision, ...] = ()
    # (U, U) distance of a transfer from unit a to unit b (the Distances sheet), inf where none
    # is given; None when the scenario has no distances.
    distance: np.ndarray | None = None

    @property
    def start(self) -> np.ndarray:
        """Headcount the plan starts from: current staff plus new hires."""
        return self.current + self.hires

    @property
    def capacity_per_employee(self) -> np.ndarray:
        """(U,) load one employee of a unit can carry at coefficient 1."""
        return self.share * self.hours_per_fte

    @property
    def movable(self) -> np.ndarray:
        """(S,) whether a service has a choice of unit."""
        return np.array([len(e) > 1 for e in self.eligible], dtype=bool)

    def fixed_load(self) -> np.ndarray:
        """(U, K) load of the services that cannot move."""
        load = np.zeros((len(self.units), len(self.skills)))
        fixed = ~self.movable
        np.add.at(load, (self.service_unit[fixed], self.service_skill[fixed]), self.weight[fixed])
        return load

    def load_of(self, unit_of_service: np.ndarray) -> np.ndarray:
        """(U, K) load when service s sits at unit_of_service[s] (whole services)."""
        load = np.zeros((len(self.units), len(self.skills)))
        np.add.at(load, (unit_of_service, self.service_skill), self.weight)
        return load

    def coefficients(self, headcount: np.ndarray, load: np.ndarray) -> np.ndarray:
        """(U, K) load / capacity; inf where there is load and no capacity, 0 where neither.

        Raises CoefficientOverflow when a staffed cell's division overflows: inf means "load
        without staff" everywhere else, and must never stand for a number too large."""
        capacity = headcount * self.capacity_per_employee[:, None]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            coefficient = np.where(capacity > 0, load / np.where(capacity > 0, capacity, 1), 0.0)
        overflowed = (capacity > 0) & ~np.isfinite(coefficient)
        if overflowed.any():
            u, k = (int(i) for i in np.argwhere(overflowed)[0])
            raise CoefficientOverflow(self, u, k, float(load[u, k]), float(capacity[u, k]))
        return np.where((capacity <= 0) & (load > 0), INFINITY, coefficient)

    def staff_kept(self) -> tuple[np.ndarray, np.ndarray]:
        """What no plan takes from a unit (Settings.keep_staff_share): (U, K) one employee of
        each skill its own services need and it has, and (U,) the share of its staff."""
        share = self.settings.keep_staff_share
        start = self.start
        cells = np.zeros_like(start)
        totals = np.zeros(len(self.units), dtype=np.int64)
        # Each unit's own services in one pass (a scan of every service per unit was U x S).
        own_services: list[list[Service]] = [[] for _ in self.units]
        for service, u in zip(self.services, self.service_unit.tolist(), strict=True):
            own_services[u].append(service)
        skill_index = {skill: k for k, skill in enumerate(self.skills)}
        for u in range(len(self.units)):
            staffed = [self.skills[k] for k in np.flatnonzero(start[u] > 0)]
            for skill in skills_to_keep(staffed, own_services[u], share):
                cells[u, skill_index[skill]] = 1
            totals[u] = staff_to_keep(int(start[u].sum()), share)
        return cells, totals

    def upper_bound_t(self) -> float:
        """A coefficient no feasible plan exceeds: all load on one employee of the weakest unit."""
        capacity = self.capacity_per_employee[self.capacity_per_employee > 0]
        if capacity.size == 0 or self.weight.sum() <= 0:
            return 1.0
        # Relative only: the "+ 1.0" this had made the first threshold of a group whose
        # coefficients are 1e-21 equal 1.0, a load row coefficient of 2e20 that HiGHS refuses.
        return float(self.weight.sum() / capacity.min()) * 2.0


def group_data(scenario: Scenario, group: str) -> GroupData:
    """Extract one group's numbers from a scenario."""
    settings = scenario.settings
    records = scenario.by_group[group]
    units = tuple(sorted(records.units, key=lambda u: u.unit_id))
    index = {u.unit_id: i for i, u in enumerate(units)}
    services = tuple(sorted(records.services, key=lambda s: s.service_id))
    staff, hires = records.staff, records.hires
    skills = tuple(
        sorted({c.skill for c in staff} | {s.skill for s in services} | {h.skill for h in hires})
    )
    skill_index = {k: i for i, k in enumerate(skills)}

    current = np.zeros((len(units), len(skills)), dtype=np.int64)
    for cell in staff:
        current[index[cell.unit_id], skill_index[cell.skill]] += cell.employees
    hired = np.zeros_like(current)
    for hire in hires:
        hired[index[hire.unit_id], skill_index[hire.skill]] += hire.employees

    hours_mode = settings.coefficient is CoefficientMode.HOURS
    share = np.array([u.service_share for u in units], dtype=float)
    if hours_mode:
        default_hours = settings.hours_per_fte
        hours = np.array([u.hours_per_fte or default_hours or 0.0 for u in units], dtype=float)
        weight = np.array([s.hours for s in services], dtype=float)
    elif settings.coefficient is CoefficientMode.WISN:  # load in staff, capacity 1 (domain)
        share = np.array([unit_capacity(u, settings) for u in units], dtype=float)
        hours = np.ones(len(units))
        weight = np.array([service_load(s, settings) for s in services], dtype=float)
    else:
        hours = np.ones(len(units))
        weight = np.ones(len(services))

    all_units = tuple(range(len(units)))
    eligible: list[tuple[int, ...]] = []
    for s in services:
        here = index[s.unit_id]
        if not (s.movable and settings.allow_service_moves):
            eligible.append((here,))
            continue
        listed = (
            sorted(index[u] for u in s.eligible_units if u in index)
            if s.eligible_units
            else all_units
        )
        eligible.append((here, *(u for u in listed if u != here)))

    return GroupData(
        group=group,
        units=units,
        skills=skills,
        current=current,
        hires=hired,
        share=share,
        hours_per_fte=hours,
        services=services,
        weight=weight,
        service_skill=np.array([skill_index[s.skill] for s in services], dtype=np.int64),
        service_unit=np.array([index[s.unit_id] for s in services], dtype=np.int64),
        eligible=tuple(eligible),
        settings=settings,
        decisions=tuple(d for d in scenario.decisions if d.unit_id in index),
        distance=_distances(scenario, units, index),
    )


def _distances(scenario: Scenario, units: tuple[Unit, ...], index: dict[str, int]):
    """The group's (U, U) distances (inf: not given, 0 on the diagonal), or None."""
    if not scenario.distances:
        return None
    distance = np.full((len(units), len(units)), np.inf)
    np.fill_diagonal(distance, 0.0)
    for (a, b), value in distance_table(scenario.distances).items():
        if a in index and b in index:
            distance[index[a], index[b]] = value
    return distance
