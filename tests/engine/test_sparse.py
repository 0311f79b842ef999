"""Sparse eligibility (issue 12): a plan's services x units placement is stored per service, not as
a dense array (a 50,000-unit group built 18.6 GiB). The memory of a group grows with its services,
and the results are those of the dense form (every engine test and oracle passes unchanged)."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import planner
from planner import Scenario, Service, Settings, StaffCell, Status, Unit
from planner.engine.group import group_data
from planner.engine.model import build_group_model
from planner.engine.plan import Plan, current_plan, plan_load


def alternating_units(count: int) -> Scenario:
    """One group of `count` units, staff 1, 3, 1, 3, ..., two fixed services each (count mode):
    the optimum puts 2 staff in every unit, maximum coefficient 2.0 -> 1.0, count / 2 moves."""
    units = tuple(Unit(f"U{n:06d}") for n in range(count))
    staff = tuple(StaffCell(f"U{n:06d}", "general", 1 if n % 2 == 0 else 3) for n in range(count))
    services = tuple(
        Service(f"S{n:06d}-{j}", f"U{n:06d}", movable=False) for n in range(count) for j in (1, 2)
    )
    return Scenario("wide", units, staff, services, settings=Settings(allow_service_moves=False))


def test_a_5000_unit_group_is_built_without_a_dense_array() -> None:
    """5,000 units and 10,000 services: a dense placement would be 10,000 x 5,000 doubles (400
    MB). The group's data, its starting plan, its model and a plan read from the model stay under
    a tenth of that at their peak (9.8 MB measured), and a plan stores one entry per service."""
    scenario = alternating_units(5000)
    dense_bytes = 10_000 * 5000 * 8
    tracemalloc.start()
    try:
        data = group_data(scenario, "all")
        start = current_plan(data)
        group_model = build_group_model(data)
        read = group_model.assignment(np.zeros(group_model.model.num_cols))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < dense_bytes / 10
    for assignment in (start.assignment, read):
        assert assignment.shape == (10_000, 5000)
        assert assignment.nnz == 10_000
        units, shares = Plan(start.headcount, assignment).units_of(4321)
        assert units.tolist() == [2160] and shares.tolist() == [1.0]


def test_a_5000_unit_group_solves_to_its_known_optimum() -> None:
    """The same group solved: optimal, 2.0 -> 1.0, exactly 2,500 staff moved (one from each unit
    of three to a unit of one), every independent check passed."""
    result = planner.solve(alternating_units(5000), sensitivity=False)
    assert result.status is Status.OPTIMAL
    assert result.max_coefficient_before == 2.0
    assert result.max_coefficient_after == 1.0
    assert result.staff_moved == 2500
    assert all(check.passed for check in result.checks)


def test_class_counts_become_services_in_id_order() -> None:
    """Three interchangeable services at A that may go to A or B, counts A = 1 and B = 2: the
    first (by id) stays, the other two go to B; the load and the class counts read back."""
    scenario = Scenario(
        "three",
        (Unit("A"), Unit("B")),
        (StaffCell("A", "general", 1), StaffCell("B", "general", 2)),
        tuple(Service(f"S{n}", "A", movable=True, eligible_units=("A", "B")) for n in range(3)),
        settings=Settings(keep_staff_share=0),
    )
    data = group_data(scenario, "all")
    group_model = build_group_model(data)
    (cols,) = group_model.x_cols
    values = np.zeros(group_model.model.num_cols)
    values[group_model.n_col.ravel()] = data.start.ravel()
    values[cols] = [1.0, 2.0]
    assignment = group_model.assignment(values)
    assert assignment.toarray().tolist() == [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]
    plan = Plan(data.start, assignment)
    assert plan_load(data, plan).tolist() == [[1.0], [2.0]]
    assert plan.home_shares(data).tolist() == [1.0, 0.0, 0.0]
    assert [c.tolist() for c in group_model.class_counts(assignment)] == [[1.0, 2.0]]


def test_a_dense_plan_given_by_a_caller_is_stored_sparse() -> None:
    """Plan(headcount, ndarray) (older callers, tests) is converted: the same shares, sparse."""
    plan = Plan(np.array([[1], [2]]), np.array([[0.0, 1.0], [0.25, 0.75]]))
    assert plan.assignment.format == "csr" and plan.assignment.nnz == 3
    assert plan.units_of(1)[0].tolist() == [0, 1]
    assert plan.units_of(1)[1].tolist() == pytest.approx([0.25, 0.75])
