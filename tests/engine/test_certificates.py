"""Certificates that survive a wrong solver answer.

Two kinds of test:
- the reproducers (tests/engine/reproducers, copied from ../shared/reproducers with their README):
  workbooks on which highspy 1.15.1 gave a wrong answer that the planner of main 97e8ea1 believed;
  each asserts the true optimum established there by an exact model and enumeration;
- fault injection: a solver configuration that lies on purpose (every feasibility problem
  "infeasible", or another configuration failing), so that the handling of a false claim is tested
  whatever the installed HiGHS gets right or wrong.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from planner.domain import Scenario, Service, Settings, StaffCell, Unit
from planner.engine import bracket
from planner.engine.panel import Config, SolverPanel
from planner.engine.solvers import RunStatus, SolverRun
from planner.result import Status
from planner.solve import solve
from planner.workbook import read_scenario

REPRODUCERS = Path(__file__).parent / "reproducers"


def solved(name: str):
    """Solve a reproducer as it was recorded: before the keep rule (Settings.keep_staff_share),
    i.e. with emptying allowed, which is what its recorded optimum is for."""
    scenario = read_scenario(REPRODUCERS / name)
    settings = dataclasses.replace(scenario.settings, keep_staff_share=0.0)
    result = solve(dataclasses.replace(scenario, settings=settings), sensitivity=False)
    (group,) = result.groups
    return result, group


def test_false_infeasible_minmax_reproducer():
    """HiGHS 1.15.1's presolve calls the feasibility MILP at t = 0.3 infeasible; main reported
    t* = 0.48667 'optimal'. The true optimum is 73/300 with 3 moves, and it is proven."""
    result, group = solved("repro-minmax-false-infeasible.xlsx")
    assert group.status is Status.OPTIMAL
    assert group.objective_value == pytest.approx(float(Fraction(73, 300)), rel=1e-6)
    assert group.lower_bound <= float(Fraction(73, 300))
    assert group.staff_moved + group.services_moved == 3
    assert result.checks_passed


def test_tolerance_stall_minmax_reproducer():
    """Scaling rows by a cell's most load let the optimal plan pass the test at t*(1 - 1e-6) within
    HiGHS's tolerance; main stopped 'feasible', gap 10%, 7 moves. The optimum 1063/3440 is held by a
    locked unit and needs 1 move."""
    _, group = solved("repro-minmax-tolerance.xlsx")
    assert group.status is Status.OPTIMAL
    assert group.objective_value == pytest.approx(float(Fraction(1063, 3440)), rel=1e-6)
    assert group.gap <= 2e-6
    assert group.staff_moved + group.services_moved == 1
    assert group.stop_reason is None


def test_false_optimum_moves_reproducer():
    """Given the stage-1 plan as MIP start, HiGHS 1.15.1 returned it as 'optimal' (33 moves); 32
    suffice at the same total deviation, and the planner proves it."""
    _, group = solved("repro-balance-moves.xlsx")
    assert group.status is Status.OPTIMAL
    assert group.objective_value == pytest.approx(4247.8724359, rel=1e-9)
    assert (group.staff_moved, group.services_moved) == (31, 1.0)


def test_false_optimum_national_balance_reproducer():
    """The national benchmark's group R19 D04 departments: main said 38 moves 'optimal'; 29 (27
    staff, 2 services) reach exactly the same total deviation."""
    _, group = solved("national-R19-D04-balance.xlsx")
    assert group.status is Status.OPTIMAL
    assert group.objective_value == pytest.approx(41326.57016420916, rel=1e-9)
    assert (group.staff_moved, group.services_moved) == (27, 2.0)


# -- fault injection ---------------------------------------------------------------------------


def three_machines() -> Scenario:
    """Count mode, staff fixed: A, B, C with one employee each; A delivers six services that may
    move to any unit. The optimum is two services per unit: t* = 2, four services moved."""
    units = tuple(Unit(u) for u in "ABC")
    staff = tuple(StaffCell(u, "general", 1) for u in "ABC")
    services = tuple(Service(f"S{i}", "A", movable=True) for i in range(6))
    return Scenario("three machines", units, staff, services, Settings(allow_staff_moves=False))


def lie(monkeypatch, liars: dict[Config, RunStatus]) -> list[Config]:
    """Make some configurations answer every feasibility problem (zero objective) with a fixed
    status, as HiGHS's presolve did on the reproducers; returns the list of lies told.

    The largest-first start (greedy.py) is switched off: on these small cases it is already
    optimal and exact arithmetic proves it, so no solver would be asked anything to lie about."""
    told: list[Config] = []
    honest = SolverPanel.run
    monkeypatch.setattr(bracket, "services_largest_first", lambda data: None)
    monkeypatch.setattr(bracket.GroupSolver, "polishing", False)  # the start stays the current

    def run(self, config, **options):
        if config in liars and not np.any(self.keeper.costs):
            told.append(config)
            return SolverRun(liars[config], None, None, None, 0.0, "a lie (test)")
        return honest(self, config, **options)

    monkeypatch.setattr(SolverPanel, "run", run)
    return told


def test_a_false_infeasible_is_caught_and_the_true_optimum_proven(monkeypatch):
    """HiGHS with presolve says 'infeasible' to every threshold: its claim below the current plan
    (t = 6) is refuted by HiGHS without presolve, recorded as a fault, and the search goes on with
    the honest configurations to the true optimum t* = 2 with 4 moves, proven."""
    told = lie(monkeypatch, {Config.HIGHS: RunStatus.INFEASIBLE})
    result = solve(three_machines(), sensitivity=False)
    (group,) = result.groups
    assert told, "the lying configuration was asked"
    assert group.status is Status.OPTIMAL
    assert group.objective_value == pytest.approx(2.0, rel=1e-6)
    assert group.services_moved == 4.0
    assert len(group.report.solver_faults) == 1
    assert group.report.solver_faults[0].startswith(
        "solver fault handled: HiGHS with presolve (HiGHS "
    )
    assert (
        "called a feasible model infeasible: no plan has every coefficient at or below"
        in (group.report.solver_faults[0])
    )
    assert result.report.solver_faults == 1
    assert group.report.confirmation_runs >= 2  # the refutation, then the new claim's confirmation


def test_an_unconfirmed_claim_is_never_reported_optimal(monkeypatch):
    """HiGHS with presolve says 'infeasible' below the current plan and no other configuration can
    answer (both fail): the claim stays unconfirmed, so the plan is 'feasible' with stop reason
    'solver fault' and the exact lower bound (6 services over 3 employees = 2), never 'optimal'."""
    lie(
        monkeypatch,
        {
            Config.HIGHS: RunStatus.INFEASIBLE,
            Config.HIGHS_NO_PRESOLVE: RunStatus.ERROR,
            Config.CBC: RunStatus.ERROR,
        },
    )
    result = solve(three_machines(), sensitivity=False)
    (group,) = result.groups
    assert group.status is Status.FEASIBLE
    assert group.stop_reason == "solver fault"
    assert group.objective_value == pytest.approx(6.0)
    assert group.lower_bound == pytest.approx(2.0)
    assert group.gap == pytest.approx(4 / 6)
    assert result.status is Status.FEASIBLE


def test_two_honest_configurations_confirm_without_a_fault():
    """With honest solvers the same case is proven with no fault. t* = 2 needs no solver's claim
    (the exact bound, 6 services over 3 employees, meets the plan), so the one confirmation run is
    the fewest-moves claim's."""
    result = solve(three_machines(), sensitivity=False)
    (group,) = result.groups
    assert group.status is Status.OPTIMAL
    assert group.objective_value == pytest.approx(2.0, rel=1e-6)
    assert group.services_moved == 4.0
    assert group.report.solver_faults == ()
    assert group.report.confirmation_runs == 1


# -- robust plans: the same panel, the same evidence ---------------------------------------------


def three_machines_samples() -> np.ndarray:
    """Four sampled loads of three_machines' six services (one employee per unit, count mode:
    a unit's coefficient is the sum of its services' loads)."""
    return np.array(
        [
            [1.3, 0.6, 1.1, 0.9, 1.4, 0.7],
            [0.8, 1.2, 1.0, 1.5, 0.6, 1.1],
            [1.1, 0.9, 1.4, 0.7, 1.0, 1.3],
            [0.9, 1.4, 0.6, 1.2, 1.1, 0.8],
        ]
    )


def least_robust_maximum(weights: np.ndarray) -> tuple[float, int]:
    """The true robust optimum of three_machines under `weights` and the fewest services moved
    off A that reach it, by enumerating all 3^6 placements of the six services on the three
    single-employee units."""
    import itertools

    placements = []
    for units in itertools.product(range(3), repeat=weights.shape[1]):
        placed = np.zeros((weights.shape[0], 3))
        for service, unit in enumerate(units):
            placed[:, unit] += weights[:, service]
        placements.append((float(placed.max()), sum(u != 0 for u in units)))
    best = min(value for value, _ in placements)
    return best, min(moved for value, moved in placements if value <= best * (1 + 1e-9))


def test_a_robust_false_infeasible_is_caught_and_the_robust_optimum_proven(monkeypatch):
    """The robust search asks the same panel as t*'s: HiGHS with presolve says 'infeasible' to
    every threshold, HiGHS without presolve refutes its first claim with a checked plan, the fault
    is recorded in the robust plan's report, and the honest configurations go on to the true
    robust optimum (enumerated), proven, with the fewest moves proven by two of them."""
    from planner.engine.group import group_data
    from planner.engine.robust import robust_maximum, robust_plan

    weights = three_machines_samples()
    truth, fewest = least_robust_maximum(weights)
    assert (truth, fewest) == (pytest.approx(2.3), 4)
    told = lie(monkeypatch, {Config.HIGHS: RunStatus.INFEASIBLE})
    data = group_data(three_machines(), "all")
    plan = robust_plan(data, weights)
    assert told, "the lying configuration was asked"
    assert plan.proven and plan.stop is None and plan.moves_proven
    assert plan.t == pytest.approx(truth, rel=1e-6)
    assert plan.t == pytest.approx(robust_maximum(data, plan.plan, weights), rel=1e-12)
    assert plan.lower_bound is not None and plan.lower_bound >= truth * (1 - 2e-6)
    assert plan.services_moved == fewest and plan.staff_moved == 0
    (fault,) = plan.report.solver_faults
    assert fault.startswith("solver fault handled: HiGHS with presolve (HiGHS ")
    assert "called a feasible model infeasible: no plan has every coefficient at or below" in fault
    assert fault.endswith(
        "(HiGHS without presolve found a plan that disproves it); the answer was not used"
    )
    assert fault in plan.notes
    assert plan.report.confirmation_runs >= 2  # the refutation, then the new claim's confirmation


def test_an_unconfirmed_robust_claim_is_never_reported_proven(monkeypatch):
    """HiGHS with presolve says 'infeasible' below the current plan and the two configurations
    that could confirm it both fail: the robust plan stays the start (all six services on A,
    t = the largest sample total, 6.4), `proven` False with stop reason 'solver fault', no lower
    bound, no fewest-moves claim, and the notes say why."""
    from planner.engine.group import group_data
    from planner.engine.robust import robust_plan
    from planner.result import StopReason

    lie(
        monkeypatch,
        {
            Config.HIGHS: RunStatus.INFEASIBLE,
            Config.HIGHS_NO_PRESOLVE: RunStatus.ERROR,
            Config.CBC: RunStatus.ERROR,
        },
    )
    weights = three_machines_samples()
    plan = robust_plan(group_data(three_machines(), "all"), weights)
    assert not plan.proven and not plan.moves_proven
    assert plan.stop is StopReason.SOLVER_FAULT
    assert plan.lower_bound is None
    assert plan.t == pytest.approx(6.4)
    assert plan.services_moved == 0.0
    assert plan.notes == (
        "HiGHS without presolve failed (a lie (test)); not used further",
        "CBC failed (a lie (test)); not used further",
    )


def test_robust_plan_of_the_false_infeasible_reproducer_at_its_point_volumes():
    """One training sample equal to the point volumes makes the robust plan t*'s problem: on the
    reproducer whose feasibility MILP HiGHS 1.15.1's presolve calls infeasible, the robust plan
    is the true optimum 73/300 with 3 moves, proven. (highspy 1.13.1's presolve calls the robust
    model infeasible at 0.48666618, just below the start plan: the fault is caught and recorded;
    any fault recorded here is one of HiGHS with presolve, refuted by a checked plan.)"""
    from planner.engine.group import group_data
    from planner.engine.robust import robust_plan

    scenario = read_scenario(REPRODUCERS / "repro-minmax-false-infeasible.xlsx")
    settings = dataclasses.replace(scenario.settings, keep_staff_share=0.0)
    scenario = dataclasses.replace(scenario, settings=settings)
    (group,) = scenario.groups
    data = group_data(scenario, group)
    plan = robust_plan(data, data.weight[None, :])
    assert plan.proven and plan.moves_proven
    assert plan.t == pytest.approx(float(Fraction(73, 300)), rel=1e-6)
    assert plan.lower_bound is not None and plan.lower_bound <= float(Fraction(73, 300))
    assert plan.staff_moved + plan.services_moved == 3
    for fault in plan.report.solver_faults:
        assert fault.startswith("solver fault handled: HiGHS with presolve (HiGHS ")
        assert "called a feasible model infeasible" in fault
