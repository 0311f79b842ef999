"""Robust plans: a hand-made case where the point-forecast plan is beaten out of sample."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.stats import norm

from planner.domain import CoefficientMode, Scenario, Service, Settings, StaffCell, Unit
from planner.engine.group import group_data
from planner.engine.plan import Plan
from planner.engine.robust import robust_maximum
from planner.studies.robust import ROBUST, robust_study, training_weights
from planner.studies.uncertainty import PLAN, Z90
from tests.engine.test_certificates import lie


def _case() -> Scenario:
    """Units A and B, 2 employees each (1,000 hours), one 60-minute service each with a point
    volume of 1,000: A's is nearly certain (P10 900, P90 1,100), B's is skewed (P10 500, P90
    2,500). At the point volumes 2 + 2 is the unique optimum (0.5); staff may move."""
    return Scenario(
        name="robust",
        units=(Unit("A", hours_per_fte=1000.0), Unit("B", hours_per_fte=1000.0)),
        staff=(StaffCell("A", "general", 2), StaffCell("B", "general", 2)),
        services=(
            Service("SA", "A", volume=1000.0, minutes=60.0, volume_low=900.0, volume_high=1100.0),
            Service("SB", "B", volume=1000.0, minutes=60.0, volume_low=500.0, volume_high=2500.0),
        ),
        settings=Settings(coefficient=CoefficientMode.HOURS, allow_service_moves=False),
    )


def _cdf(value: float, volume: float, low: float, high: float) -> float:
    """CDF of the split normal with median `volume`, P10 `low` and P90 `high`."""
    side = (volume - low) / Z90 if value < volume else (high - volume) / Z90
    return float(norm.cdf((value - volume) / side))


def test_robust_plan_beats_the_point_forecast_plan_out_of_sample():
    """Nominal 2 + 2 has P90 = B's P90 / 2,000 = 1.25 exactly; robust 1 + 3 (one move) has the P90
    x solving F_A(1000 x) F_B(3000 x) = 0.9 (1.1104); both measured on 4,000 fresh samples. The
    robust t is the proven minimum over the 50 training samples: the best of the three possible
    splits, checked by enumeration."""
    scenario = _case()
    study = robust_study(scenario, samples=50, evaluate=4000, seed=5)
    nominal = study.nominal
    assert nominal.max_coefficient_after == pytest.approx(0.5)
    robust = study.robust["all"]
    assert robust.proven and robust.staff_moved == 1
    assert robust.plan.headcount.ravel().tolist() == [1, 3]

    data = group_data(scenario, "all")
    weights = training_weights(scenario, data, 50, 5)
    splits = {
        (a, 4 - a): robust_maximum(data, Plan(np.array([[a], [4 - a]]), np.eye(2)), weights)
        for a in (1, 2, 3)
    }
    assert robust.t == pytest.approx(min(splits.values()), rel=1e-12)
    assert min(splits, key=splits.__getitem__) == (1, 3)
    assert robust.lower_bound is not None and robust.lower_bound >= robust.t * (1 - 1e-6)

    robust_p90 = brentq(
        lambda x: _cdf(1000 * x, 1000, 900, 1100) * _cdf(3000 * x, 1000, 500, 2500) - 0.9, 1.0, 1.3
    )
    assert robust_p90 == pytest.approx(1.1104, abs=1e-4)
    assert study.p90(PLAN, "all") == pytest.approx(1.25, rel=0.02)
    assert study.p90(ROBUST, "all") == pytest.approx(robust_p90, rel=0.02)
    (line,) = study.lines()
    assert "the robust plan holds up better by" in line
    # In Russian (the Uncertainty sheet of a Russian workbook): the same figures, decimal commas.
    from planner.i18n import decimal, using

    with using("ru"):
        (russian,) = study.lines()
        nominal_p90 = decimal(study.p90(PLAN, "all"), 3)
    assert russian.startswith(
        f"all: P90 наибольшего коэффициента на 4\u00a0000 новых выборках: номинальный план "
        f"{nominal_p90}, устойчивый "
    )
    assert ": устойчивый план держится лучше на 0," in russian


def test_robust_plan_without_a_start_keeps_the_rules():
    """With Max employees 1 on A the current 2 + 2 breaks the rules: robust_plan without a start
    plan begins from a plan the model accepts and returns 1 + 3, proven, whose t is the exact
    maximum over its training samples."""
    import dataclasses

    from planner.engine.robust import robust_plan

    scenario = _case()
    units = (dataclasses.replace(scenario.units[0], max_employees=1), scenario.units[1])
    scenario = dataclasses.replace(scenario, units=units)
    data = group_data(scenario, "all")
    weights = training_weights(scenario, data, 30, 1)
    plan = robust_plan(data, weights)
    assert plan.proven and plan.plan.headcount.ravel().tolist() == [1, 3]
    assert plan.t == pytest.approx(robust_maximum(data, plan.plan, weights), rel=1e-12)


def test_compare_puts_the_robust_plan_beside_the_nominal_and_ranks_by_p90():
    """compare(robust=50): the baseline and its robust plan are two options, judged on the same
    4,000 fresh samples. The robust 1 + 3 is worse at the point volumes (B's 3 employees serve
    1,000 hours but A's one serves 1,000 too: 1.0 against 0.5) yet holds up better (P90 1.110
    against 1.25, as above), so it is ranked first and recommended on its P90. Its Result is
    checked like any plan and is `feasible`, never `optimal`: it was not chosen for these
    volumes."""
    from planner.result import Status, StopReason
    from planner.studies.compare import compare

    comparison = compare([_case()], robust=50, evaluate=4000, seed=5)
    nominal, robust = comparison.options
    assert (nominal.label, robust.label) == ("baseline", "baseline (robust)")
    assert (nominal.robust, robust.robust) == (False, True)
    assert nominal.result.max_coefficient_after == pytest.approx(0.5)
    assert robust.result.max_coefficient_after == pytest.approx(1.0)
    assert robust.result.status is Status.FEASIBLE
    (group,) = robust.result.groups
    assert group.stop_reason is StopReason.CHOSEN_ELSEWHERE
    assert robust.result.checks_passed and robust.result.staff_moved == 1
    assert nominal.p90 == pytest.approx(1.25, rel=0.02)
    assert robust.p90 == pytest.approx(1.1104, rel=0.02)
    first, second = comparison.standings
    assert (first.rank, second.rank, second.recommended) == (2, 1, True)
    assert second.reason == (
        "recommended: the lowest P90 of the highest coefficient over the fresh samples: "
        f"{robust.p90:.3f} against {nominal.p90:.3f} for 'baseline', the next best"
    )
    # Without robust plans the P90 orders nothing: the nominal plan is the only option.
    (alone,) = compare([_case()]).options
    assert alone.p90 is None


def test_compare_robust_on_the_command_line(tmp_path):
    """`planner compare X --robust 50 --samples 4000 --seed 5 --out X.md`: the Markdown table
    gains the P90 column, and the robust option is the recommended one (as above)."""
    from planner.cli import main
    from planner.workbook import write_scenario

    path = tmp_path / "robust.xlsx"
    write_scenario(_case(), path)
    out = tmp_path / "robust.md"
    args = ["compare", str(path), "--robust", "50", "--samples", "4000", "--seed", "5"]
    assert main([*args, "--out", str(out), "-q"]) == 0
    table = out.read_text(encoding="utf-8").splitlines()
    assert table[0].endswith("| Services moved | P90 over samples | Rank |")
    robust_row = next(line for line in table if "| baseline (robust) |" in line)
    assert robust_row.endswith("| 1 (recommended) |")
    assert "| feasible |" in robust_row


def test_compare_robust_needs_one_sample_or_more(capsys):
    from planner.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["compare", "--robust", "0"])
    assert stop.value.code == 2
    assert capsys.readouterr().err.endswith(
        "error: argument --robust: --robust must be 1 or more, not 0\n"
    )


def test_robust_plan_with_split_services_equals_the_exact_lp():
    """Split services, staff fixed (2 + 2, 1,000 hours each), both services movable to either
    unit. A robust plan sends a share f of B's risky service to A; over the training samples
    the best t is the optimum of a small LP (t >= each unit's load / 2,000 in every sample, over
    the two shares), solved here with SciPy's HiGHS. The robust plan reaches it within its
    certificate (t at most (1 + 2e-6) of the LP optimum, lower bound at most the optimum), its
    services moved is the fractional share moved (not rounded to 0), and its t is the exact
    maximum of the plan over the samples."""
    import dataclasses

    from scipy.optimize import linprog

    from planner.engine.robust import robust_plan

    base = _case()
    services = tuple(
        dataclasses.replace(s, movable=True, eligible_units=("A", "B")) for s in base.services
    )
    settings = dataclasses.replace(
        base.settings, allow_staff_moves=False, allow_service_moves=True, split_services=True
    )
    scenario = dataclasses.replace(base, services=services, settings=settings)
    data = group_data(scenario, "all")
    weights = training_weights(scenario, data, 40, 3)
    plan = robust_plan(data, weights)
    assert plan.proven
    assert plan.t == pytest.approx(robust_maximum(data, plan.plan, weights), rel=1e-12)

    # Variables: a = share of SA sent to B, b = share of SB sent to A, t.
    rows, bounds = [], []
    for sa, sb in weights:
        rows.append([-sa, sb, -2000.0])  # A: (1 - a) SA + b SB <= 2000 t
        bounds.append(-sa)
        rows.append([sa, -sb, -2000.0])  # B: a SA + (1 - b) SB <= 2000 t
        bounds.append(-sb)
    lp = linprog([0, 0, 1], A_ub=rows, b_ub=bounds, bounds=[(0, 1), (0, 1), (0, None)],
                 method="highs")  # fmt: skip
    assert lp.status == 0
    optimum = lp.fun
    assert optimum * (1 - 1e-9) <= plan.t <= optimum * (1 + 2e-6)
    assert plan.lower_bound is not None and plan.lower_bound <= optimum * (1 + 1e-9)
    shares = plan.plan.assignment.toarray()  # sparse in the plan (issue 12)
    assert shares[0].tolist() == [1.0, 0.0]  # A's nearly certain service stays
    assert shares[1, 0] == pytest.approx(lp.x[1], abs=1e-4)  # B's share sent to A, as the LP
    assert plan.services_moved == pytest.approx(shares[1, 0], rel=1e-9)
    assert 0.3 < plan.services_moved < 0.4 and plan.staff_moved == 0


def test_the_comparison_workbook_shows_each_options_p90(tmp_path):
    """The Summary of the comparison workbook gains each option's P90 over the fresh samples
    (its last column), the same figures as the Comparison; blank without --robust."""
    import openpyxl

    from planner.reports import write_comparison
    from planner.studies.compare import compare

    comparison = compare([_case()], robust=50, evaluate=4000, seed=5)
    path = write_comparison(comparison, tmp_path / "robust-comparison.xlsx")
    sheet = openpyxl.load_workbook(path)["Summary"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("P90 over fresh samples") + 1
    assert column == len(header)
    labels = {sheet.cell(row, 1).value: sheet.cell(row, column).value for row in (2, 3)}
    nominal, robust = comparison.options
    assert labels == {
        "baseline": pytest.approx(nominal.p90, rel=1e-12),
        "baseline (robust)": pytest.approx(robust.p90, rel=1e-12),
    }
    plain = write_comparison(compare([_case()]), tmp_path / "plain-comparison.xlsx")
    assert openpyxl.load_workbook(plain)["Summary"].cell(2, column).value is None


def test_robust_study_says_an_unconfirmed_robust_plan_is_not_proven(monkeypatch):
    """Through the study, on the case above: the nominal plan is solved honestly, then HiGHS
    with presolve says 'infeasible' to every threshold and the configurations that could
    confirm it fail (tests/engine/test_certificates.py) while the robust plan is searched. It
    stays the nominal 2 + 2; the robust Result's note and the comparison's line say 'not proven:
    solver fault', and nothing calls the robust t proven."""
    from planner.engine.panel import Config
    from planner.engine.solvers import RunStatus
    from planner.solve import solve

    scenario = _case()
    nominal = solve(scenario, sensitivity=False)
    lie(
        monkeypatch,
        {
            Config.HIGHS: RunStatus.INFEASIBLE,
            Config.HIGHS_NO_PRESOLVE: RunStatus.ERROR,
            Config.CBC: RunStatus.ERROR,
        },
    )
    study = robust_study(scenario, samples=20, evaluate=200, seed=3, nominal=nominal)
    robust = study.robust["all"]
    assert not robust.proven and robust.lower_bound is None
    assert robust.plan.headcount.ravel().tolist() == [2, 2]
    (group,) = study.robust_result().groups
    assert group.notes[0] == (
        f"robust plan: the smallest highest coefficient over 20 training samples of the volumes "
        f"({robust.t:.3f}, not proven: solver fault), then the fewest moves; not optimised for "
        "the point volumes"
    )
    assert study.table()["proven"].tolist() == [False]
    (line,) = study.lines()
    assert "(its t over the training samples not proven: solver fault)" in line
