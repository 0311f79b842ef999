"""Monte Carlo over volumes: statistics against closed forms, determinism, the Uncertainty sheet."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from openpyxl import load_workbook
from scipy.stats import norm

import planner
from planner.cli import main
from planner.domain import (
    CoefficientMode,
    HistoryPoint,
    Scenario,
    Service,
    Settings,
    StaffCell,
    Unit,
)
from planner.studies.uncertainty import CURRENT, PLAN, Z90, draw_index, sample_volumes, uncertainty
from planner.workbook import write_scenario


def _two_units(volume=800.0, low=700.0, high=1000.0, history=()) -> Scenario:
    """Two units of one employee (1,000 hours each), one 60-minute service each: a unit's
    coefficient is its volume / 1,000. No moves, so the plan is the current allocation."""
    return Scenario(
        name="two",
        units=(Unit("U1", hours_per_fte=1000.0), Unit("U2", hours_per_fte=1000.0)),
        staff=(StaffCell("U1", "general", 1), StaffCell("U2", "general", 1)),
        services=tuple(
            Service(sid, uid, volume=volume, minutes=60.0, volume_low=low, volume_high=high)
            for sid, uid in (("S1", "U1"), ("S2", "U2"))
        ),
        settings=Settings(
            coefficient=CoefficientMode.HOURS, allow_staff_moves=False, allow_service_moves=False
        ),  # fmt: skip
        history=tuple(history),
    )


def test_split_normal_has_the_given_p10_median_and_p90():
    """The sampled volume's P10, median and P90 are Volume low, Volume and Volume high."""
    volumes = sample_volumes(np.array([800.0]), np.array([700.0]), np.array([1000.0]), 7, 0, 0,
                             10_000)[:, 0]  # fmt: skip
    assert np.quantile(volumes, [0.1, 0.5, 0.9]) == pytest.approx([700, 800, 1000], rel=0.01)


def test_group_p90_and_overload_probability_in_closed_form():
    """Two independent units: the group's highest coefficient is the larger of two split normals,
    so its P90 is the quantile sqrt(0.9) of one: 0.8 + 0.2 / z90 x z(sqrt 0.9) = 1.0547; each
    unit is above 1 (volume above its P90) with probability 10%."""
    result = planner.solve(_two_units(), sensitivity=False)
    mc = uncertainty(result, 10_000, seed=3)
    expected_p90 = 0.8 + 0.2 / Z90 * norm.ppf(np.sqrt(0.9))
    assert expected_p90 == pytest.approx(1.0547, abs=1e-4)
    assert mc.quantile(CURRENT, "all", 0.9) == pytest.approx(expected_p90, rel=0.01)
    assert mc.quantile(PLAN, "all", 0.9) == pytest.approx(expected_p90, rel=0.01)
    # median of the max of two: quantile sqrt(0.5) of one
    expected_p50 = 0.8 + 0.2 / Z90 * norm.ppf(np.sqrt(0.5))
    assert mc.quantile(CURRENT, "all", 0.5) == pytest.approx(expected_p50, rel=0.01)
    units = mc.table("units")
    above_one = units[units.plan == CURRENT]["probability above 1"].to_numpy()
    assert above_one == pytest.approx([0.10, 0.10], abs=0.01)


def test_services_of_one_history_series_move_together():
    """With a `*` History series both services share one draw: the two units' coefficients are
    equal in every sample, so the group's P90 is one unit's: 1.0."""
    history = [HistoryPoint("*", y, 1.0) for y in (2020, 2021, 2022)]
    scenario = _two_units(history=history)
    assert list(draw_index(scenario)) == [0, 0]
    mc = uncertainty(planner.solve(scenario, sensitivity=False), 10_000, seed=3)
    assert mc.quantile(CURRENT, "all", 0.9) == pytest.approx(1.0, rel=0.01)


def test_same_seed_same_samples_for_any_number_of_processes():
    """1 process and 2 processes (other chunks) give bit-identical maxima and counts."""
    result = planner.solve(_two_units(), sensitivity=False)
    one = uncertainty(result, 300, seed=11)
    two = uncertainty(result, 300, seed=11, processes=2)
    for plan in (CURRENT, PLAN):
        assert np.array_equal(one.maxima[plan], two.maxima[plan])
        assert np.array_equal(one.above_one[plan], two.above_one[plan])
    other = uncertainty(result, 300, seed=12)
    assert not np.array_equal(one.maxima[CURRENT], other.maxima[CURRENT])


def test_cli_solve_samples_writes_the_uncertainty_sheet(tmp_path, capsys):
    """`planner solve --samples 200 --seed 1` adds the Uncertainty sheet (groups, a histogram
    chart, units) and prints the P90s."""
    path = write_scenario(_two_units(), tmp_path / "two.xlsx")
    out = tmp_path / "r.xlsx"
    assert main(["solve", str(path), "--samples", "200", "--seed", "1", "--out", str(out),
                 "--no-sensitivity"]) == 0  # fmt: skip
    assert "P90" in capsys.readouterr().out
    sheet = load_workbook(out)["Uncertainty"]
    assert len(sheet._charts) == 1
    assert {t for t in sheet.tables} == {"UncertaintyGroups", "UncertaintyHistogram1",
                                         "UncertaintyUnits"}  # fmt: skip
    # The histogram's bins labelled with two decimals (LibreOffice draws every digit otherwise).
    (chart,) = sheet._charts
    assert (chart.x_axis.numFmt.formatCode, chart.x_axis.numFmt.sourceLinked) == ("0.00", False)


def test_uncertainty_prose_rows_are_tall_enough_at_their_printed_widths(tmp_path):
    """The notes of the Uncertainty sheet (with --robust, the long robust-versus-nominal lines)
    get the height of the lines their text wraps to at the column widths the workbook is saved
    with, after the numeric columns are narrowed (sized before, a line was cut off)."""
    from planner.xlsx.writing import HEADER_LINE_HEIGHT, column_width, wrapped_lines

    path = write_scenario(_two_units(), tmp_path / "two.xlsx")
    out = tmp_path / "r.xlsx"
    assert main(["solve", str(path), "--samples", "200", "--seed", "1", "--robust", "10",
                 "--out", str(out), "--no-sensitivity", "-q"]) == 0  # fmt: skip
    sheet = load_workbook(out)["Uncertainty"]
    checked = 0
    for merged in sheet.merged_cells.ranges:
        cell = sheet.cell(merged.min_row, merged.min_col)
        if not cell.alignment.wrap_text:  # the titles
            continue
        text = str(cell.value)
        width = sum(column_width(sheet, c) for c in range(merged.min_col, merged.max_col + 1))
        lines = wrapped_lines(text, width * 1.15)
        assert sheet.row_dimensions[merged.min_row].height >= HEADER_LINE_HEIGHT * lines, text
        checked += 1
    assert checked >= 3  # the explanation, the robust plan's note and a line per group


def test_minutes_and_digital_share_ranges_in_closed_form():
    """One unit (1,000 hours), one service of 1,000 transactions: with Minutes 60 (P10 45, P90
    90) the coefficient is minutes / 60, so its P90 is 1.5 and its P10 0.75; with Digital share
    0.5 (P10 0.3, P90 0.6) it is 1 - share, so its P90 is 1 - 0.3 = 0.7."""
    base = Scenario(
        name="one",
        units=(Unit("U1", hours_per_fte=1000.0),),
        staff=(StaffCell("U1", "general", 1),),
        services=(
            Service("S1", "U1", volume=1000.0, minutes=60.0, minutes_low=45.0, minutes_high=90.0),
        ),  # fmt: skip
        settings=Settings(coefficient=CoefficientMode.HOURS),
    )
    mc = uncertainty(planner.solve(base, sensitivity=False), 10_000, seed=4)
    assert mc.quantile(CURRENT, "all", 0.9) == pytest.approx(1.5, rel=0.01)
    assert mc.quantile(CURRENT, "all", 0.1) == pytest.approx(0.75, rel=0.01)
    service = Service("S1", "U1", volume=1000.0, minutes=60.0, digital_share=0.5,
                      digital_share_low=0.3, digital_share_high=0.6)  # fmt: skip
    shares = dataclasses.replace(base, services=(service,))
    mc = uncertainty(planner.solve(shares, sensitivity=False), 10_000, seed=4)
    assert mc.quantile(CURRENT, "all", 0.9) == pytest.approx(0.7, rel=0.01)
    assert mc.quantile(CURRENT, "all", 0.5) == pytest.approx(0.5, rel=0.01)


def test_samples_setting_runs_the_monte_carlo_without_the_option(tmp_path, capsys):
    """`samples = 120` in the Settings sheet: `planner solve` adds the Uncertainty sheet of 120
    samples with no --samples; `--samples 0` switches it off."""
    scenario = dataclasses.replace(
        _two_units(), settings=dataclasses.replace(_two_units().settings, samples=120)
    )
    path = write_scenario(scenario, tmp_path / "s.xlsx")
    assert planner.read_scenario(path).settings.samples == 120
    out = tmp_path / "r.xlsx"
    assert main(["solve", str(path), "--out", str(out), "--no-sensitivity"]) == 0
    assert "Monte Carlo: 120 samples" in capsys.readouterr().out
    assert "Uncertainty" in load_workbook(out).sheetnames
    # --force: the first run's workbook is there, and a planner never replaces a file unasked
    assert main(["solve", str(path), "--out", str(out), "--samples", "0", "--no-sensitivity",
                 "--force"]) == 0  # fmt: skip
    assert "Uncertainty" not in load_workbook(out).sheetnames
