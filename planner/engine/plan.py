"""Plan arithmetic: a plan of one group and the exact figures of it (load, maximum coefficient,
deviation), computed from its headcounts and assignments, never read from a solver.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.engine.group import GroupData


@dataclass(frozen=True)
class Plan:
    """Headcounts and service placement of one group."""

    headcount: np.ndarray  # (U, K) integers
    assignment: np.ndarray  # (S, U) shares; whole services have a single 1 per row


def current_plan(data: GroupData) -> Plan:
    """The plan that changes nothing: staff where they are (with new hires), services at home."""
    assignment = np.zeros((len(data.services), len(data.units)))
    assignment[np.arange(len(data.services)), data.service_unit] = 1.0
    return Plan(data.start.copy(), assignment)


def plan_load(data: GroupData, plan: Plan) -> np.ndarray:
    """(U, K) load of a plan."""
    load = np.zeros((len(data.units), len(data.skills)))
    for k in range(len(data.skills)):
        of_skill = data.service_skill == k
        load[:, k] = data.weight[of_skill] @ plan.assignment[of_skill]
    return load


def max_coefficient(data: GroupData, plan: Plan) -> float:
    """Exact maximum cell coefficient of a plan (inf if a cell has load and no staff)."""
    if not data.services:
        return 0.0
    coefficients = data.coefficients(plan.headcount, plan_load(data, plan))
    return float(coefficients.max()) if coefficients.size else 0.0


def total_deviation(data: GroupData, plan: Plan, means: np.ndarray) -> float:
    """Sum over cells of |load - mean x capacity|, in load units (services or staff hours)."""
    capacity = plan.headcount * data.capacity_per_employee[:, None]
    deviation = np.abs(plan_load(data, plan) - means[None, :] * capacity)
    return float(deviation.sum())


def skill_means(data: GroupData) -> np.ndarray:
    """(K,) mean coefficient of each skill in the group before the plan: total load / capacity."""
    load = plan_load(data, current_plan(data)).sum(axis=0)
    capacity = (data.start * data.capacity_per_employee[:, None]).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(capacity > 0, load / np.where(capacity > 0, capacity, 1), 0.0)
