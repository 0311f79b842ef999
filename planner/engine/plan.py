"""Plan arithmetic: a plan of one group and the exact figures of it (load, maximum coefficient,
deviation), computed from its headcounts and assignments, never read from a solver.

Assignments are sparse (services x units, an entry only where a service has a share): a service
sits at one unit, or a few when split, so memory grows with the services, not with services x
units (a dense array of one 50,000-unit group was 18.6 GiB).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from planner.engine.group import GroupData

# scipy.sparse is imported where it is used, not at start-up: its import costs ~0.3 s (its
# array-API shim walks dir(numpy), importing numpy.f2py and numpy.testing), and validate,
# template and --help never need it.
if TYPE_CHECKING:
    from scipy.sparse import csr_array


def shares_matrix(
    services: np.ndarray, units: np.ndarray, values: np.ndarray, shape: tuple[int, int]
) -> csr_array:
    """(S, U) sparse shares from (service, unit, share) triplets; duplicates summed, zeros
    dropped, indices sorted (one canonical form, so two equal plans compare equal)."""
    from scipy.sparse import csr_array

    matrix = csr_array(
        (np.asarray(values, dtype=float), (np.asarray(services), np.asarray(units))), shape=shape
    )
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    return matrix


def whole_assignment(unit_of: np.ndarray, units: int) -> csr_array:
    """(S, U) shares of whole services, service s at unit unit_of[s]: the matrix shares_matrix
    gives for these triplets, built directly (one entry per row is already its canonical form;
    the general path's conversion was most of the time of a plan made by counting)."""
    from scipy.sparse import csr_array

    unit_of = np.asarray(unit_of)
    count = unit_of.size
    # 64-bit indices, as shares_matrix's conversion gives them from np.arange(count).
    return csr_array(
        (np.ones(count), unit_of.astype(np.int64), np.arange(count + 1, dtype=np.int64)),
        shape=(count, units),
    )


@dataclass(frozen=True)
class Plan:
    """Headcounts and service placement of one group."""

    headcount: np.ndarray  # (U, K) integers
    # (S, U) shares, sparse; whole services have a single 1 per row. A dense array given by a
    # caller is converted (a Plan never holds services x units densely).
    assignment: csr_array

    def __post_init__(self) -> None:
        from scipy.sparse import issparse

        assignment = self.assignment
        if not (issparse(assignment) and assignment.format == "csr"):
            dense = np.asarray(assignment.toarray() if issparse(assignment) else assignment)
            services, units = np.nonzero(dense)
            assignment = shares_matrix(services, units, dense[services, units], dense.shape)
            object.__setattr__(self, "assignment", assignment)

    def units_of(self, service: int) -> tuple[np.ndarray, np.ndarray]:
        """The units where service `service` has a share, in unit order, and those shares."""
        matrix = self.assignment
        begin, end = matrix.indptr[service], matrix.indptr[service + 1]
        return matrix.indices[begin:end].astype(np.int64), matrix.data[begin:end]

    def home_shares(self, data: GroupData) -> np.ndarray:
        """(S,) the share of each service still at its current unit."""
        matrix = self.assignment.tocoo()
        services, units = matrix.coords
        at_home = units == data.service_unit[services]
        shares = np.zeros(len(data.services))
        shares[services[at_home]] = matrix.data[at_home]
        return shares


def current_plan(data: GroupData) -> Plan:
    """The plan that changes nothing: staff where they are (with new hires), services at home."""
    return Plan(data.start.copy(), whole_assignment(data.service_unit, len(data.units)))


def plan_load(data: GroupData, plan: Plan) -> np.ndarray:
    """(U, K) load of a plan."""
    load = np.zeros((len(data.units), len(data.skills)))
    matrix = plan.assignment.tocoo()
    services, units = matrix.coords
    np.add.at(load, (units, data.service_skill[services]), data.weight[services] * matrix.data)
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
