"""Scheduling lower bounds (bounds.py) and the whole-number step of the bisection, on instances
whose bounds and optima are computed by hand in the docstrings."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from planner.domain import CoefficientMode, Scenario, Service, Settings, StaffCell, Unit
from planner.engine.bounds import (
    coefficient_step,
    l2_bins,
    makespan_lower_bound,
    scheduling_lower_bound,
)
from planner.engine.bracket import GroupSolver
from planner.engine.group import group_data
from planner.result import Status
from planner.solve import solve

GENERAL = "general"


def scheduling(
    jobs: list[int],
    staff: list[int],
    *,
    home: list[int] | None = None,
    eligible: list[tuple[int, ...]] | None = None,
    **settings,
) -> Scenario:
    """Jobs on machines as a scenario: unit M<i> has staff[i] employees (capacity staff[i] hours
    at Hours per FTE 1), job J<j> is a movable service of jobs[j] hours at unit home[j] (M0 when
    not given), eligible at the units listed (all when not given); staff fixed, minmax."""
    units = tuple(Unit(f"M{i}") for i in range(len(staff)))
    cells = tuple(StaffCell(f"M{i}", GENERAL, n) for i, n in enumerate(staff))
    services = tuple(
        Service(
            f"J{j}",
            f"M{home[j] if home else 0}",
            volume=float(p),
            minutes=60.0,
            movable=True,
            eligible_units=tuple(f"M{u}" for u in eligible[j]) if eligible else (),
        )
        for j, p in enumerate(jobs)
    )
    options = dict(
        coefficient=CoefficientMode.HOURS, hours_per_fte=1.0, allow_staff_moves=False
    ) | settings  # fmt: skip
    return Scenario("jobs", units, cells, services, Settings(**options))


def bound_of(scenario: Scenario) -> float:
    solver = GroupSolver(group_data(scenario, "all"))
    return scheduling_lower_bound(solver.data, solver.fixed_as_built, solver.headcount_as_built)


def test_l2_by_hand():
    """Jobs 12, 8, 5, 5 in bins of 15: with K = 5, J1 = {12} (> 10), J2 = {8} (in (7.5, 10]),
    which leaves 7 free beside it, and J3 = {5, 5} (in [5, 7.5]) needs ceil((10 - 7) / 15) = 1 more
    bin: L2 = 3. Bins of 17: J1 = {}, J2 = {12} with 5 free, J3 = {8, 5, 5} needs ceil(13/17) = 1:
    L2 = 2. A job longer than the bin: no number of bins holds it."""
    sizes = np.array([5, 5, 8, 12])
    assert l2_bins(sizes, 15) == 3
    assert l2_bins(sizes, 16) == 3  # K = 5: J1 = {12}, J3 = {8, 5, 5}: 1 + ceil(18 / 16) = 3
    assert l2_bins(sizes, 17) == 2
    assert l2_bins(sizes, 11) == float("inf")


def test_makespan_bound_beats_the_simple_ones():
    """12, 8, 5, 5 on 2 machines: the longest job (12), the total over 2 (15) and the 2nd + 3rd
    longest (13) give 15; L2 refuses bins of 15 and 16, so the makespan is at least 17, which
    12 + 5 | 8 + 5 reaches. 7, 6, 5 on 2 machines: two of the three share a machine, so 6 + 5 = 11
    (the total gives only 9)."""
    assert makespan_lower_bound(np.array([12, 8, 5, 5]), 2, upper=30) == 17
    assert makespan_lower_bound(np.array([7, 6, 5]), 2, upper=18) == 11
    assert makespan_lower_bound(np.array([4]), 3, upper=4) == 4


def test_uniform_machines_bound():
    """Capacities 2, 1, 1 (employees, Hours per FTE 1) and jobs of 6 and 1 hours: the longest job
    over the largest capacity is 6 / 2 = 3 (the two longest over the two largest: 7 / 3; the total:
    7 / 4), and 6 at M0 with 1 at M1 reaches 3."""
    scenario = scheduling([6, 1], [2, 1, 1])
    assert bound_of(scenario) == pytest.approx(3.0)
    result = solve(scenario, sensitivity=False)
    assert result.groups[0].status is Status.OPTIMAL
    assert result.groups[0].objective_value == pytest.approx(3.0)


def test_eligible_units_bound():
    """Six jobs of 3 hours that only M0 and M1 may take, one of 1 hour anywhere, three machines of
    one employee: Hall's argument on {M0, M1} gives 18 / 2 = 9 (every bound that ignores the
    eligibility is at most 7: 3 + 3 + 1 | 3 + 3 | 3 + 3), and three jobs on each of M0, M1 reach 9."""
    eligible = [(0, 1)] * 6 + [(0, 1, 2)]
    scenario = scheduling([3] * 6 + [1], [1, 1, 1], eligible=eligible)
    assert bound_of(scenario) == pytest.approx(9.0)
    result = solve(scenario, sensitivity=False)
    assert result.groups[0].status is Status.OPTIMAL
    assert result.groups[0].objective_value == pytest.approx(9.0)


def test_no_bound_when_staff_can_move():
    """With staff moves allowed the capacities are not known in advance: no scheduling bound."""
    assert bound_of(scheduling([12, 8, 5, 5], [1, 1], allow_staff_moves=True)) == 0.0


def test_lpt_proven_optimal_by_l2_without_a_solver():
    """12, 8, 5, 5 hours on two machines, all starting at M0. LPT (each job, longest first, where
    its machine ends lowest): 12 at M0, 8 at M1, 5 at M1 (13 < 17), 5 at M0 (17 < 18): makespan 17.
    L2 proves 17 (test_makespan_bound_beats_the_simple_ones), so the bisection asks no solver; the
    fewest moves at 17 then keep 12 + 5 at M0 and move 8 and one 5: 2 moves, optimal."""
    scenario = scheduling([12, 8, 5, 5], [1, 1])
    solver = GroupSolver(group_data(scenario, "all"))
    bracket = solver.minimise_max_coefficient()
    assert bracket.certified
    assert bracket.value == 17.0
    assert bracket.lower == 17.0
    assert solver.solver_runs == 0
    assert any("t* proven without a MILP" in note for note in solver.notes)

    result = solve(scenario, sensitivity=False)
    (group,) = result.groups
    assert group.status is Status.OPTIMAL
    assert group.objective_value == 17.0
    assert group.services_moved == 2
    assert result.checks_passed


def test_whole_steps_end_the_bisection_on_the_optimum():
    """9, 8, 8, 5, 5, 4, 4, 1 hours on three machines: L2 gives 15 (the total 44 over 3), LPT
    reaches 17, the optimum is 16 (9 + 5 + 1 | 8 + 8 | 5 + 4 + 4, by exhaustion). Whole loads on
    equal capacities: "no plan at 15.5" proves 16, so the lower bound is 16 exactly (the relative
    bisection would stop at 16 (1 - 1e-6))."""
    scenario = scheduling([9, 8, 8, 5, 5, 4, 4, 1], [1, 1, 1])
    result = solve(scenario, sensitivity=False)
    (group,) = result.groups
    assert group.status is Status.OPTIMAL
    assert group.objective_value == 16.0
    assert group.lower_bound == 16.0
    assert group.gap == 0.0


def test_coefficient_step_needs_whole_loads_on_equal_capacities():
    """Two employees per unit at Hours per FTE 1: every coefficient is a whole number of hours over
    2. Unequal capacities, a fractional load, split services or staff that can move: no step."""

    def step(scenario: Scenario) -> float | None:
        solver = GroupSolver(group_data(scenario, "all"))
        return coefficient_step(solver.data, solver.fixed_as_built, solver.headcount_as_built)

    base = scheduling([3, 2, 2], [2, 2])
    assert step(base) == 2.0
    assert step(scheduling([3, 2, 2], [2, 1])) is None
    assert step(scheduling([3, 2.5, 2], [2, 2])) is None  # type: ignore[list-item]
    split = dataclasses.replace(
        base, settings=dataclasses.replace(base.settings, split_services=True)
    )
    assert step(split) is None
    assert step(scheduling([3, 2, 2], [2, 2], allow_staff_moves=True)) is None
