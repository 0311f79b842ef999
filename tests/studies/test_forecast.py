"""Forecasts on series with known answers, the scenario they give, and `planner forecast`."""

from __future__ import annotations

import math

import numpy as np
import pytest
from openpyxl import load_workbook

import planner
from planner.cli import main
from planner.domain import HistoryPoint, Scenario, Service, StaffCell, Unit
from planner.studies.forecast import (
    DRIFT,
    ETS_ADDITIVE,
    ETS_DAMPED,
    Quantity,
    forecast,
    forecast_scenario,
    forecast_series,
)
from tests.support import HOURS_PATH


def test_straight_line_is_continued_exactly_by_the_additive_trend():
    """A line of 10 years: ETS(A,A,N) wins on AICc and continues it exactly, intervals of width
    zero; the damped trend would have bent it (statsmodels caps its damping at 0.98)."""
    result = forecast_series(range(2010, 2020), [100 + 10 * i for i in range(10)], 2022)
    assert result.method == ETS_ADDITIVE
    aicc = dict(result.aicc)
    assert aicc[ETS_ADDITIVE] < aicc[ETS_DAMPED]
    assert [row[0] for row in result.path] == pytest.approx([200, 210, 220], rel=1e-9)
    low, high = result.interval95
    assert high - low < 1e-6
    assert result.backtest_origins == 5 and result.backtest_mae < 1e-6


def test_constant_series_gives_a_flat_forecast_with_narrow_intervals():
    """Ten years of 50: the forecast is 50 with 95% intervals narrower than 1e-9."""
    result = forecast_series(range(2010, 2020), [50.0] * 10, 2021)
    assert [row[0] for row in result.path] == pytest.approx([50.0, 50.0], rel=1e-12)
    low, high = result.interval95
    assert high - low < 1e-9
    assert result.backtest_mape == pytest.approx(0.0, abs=1e-9)


def test_too_short_series_gets_the_drift_fallback_with_a_warning():
    """Four years are too few for ETS (AICc undefined): the drift method, in closed form:
    point y_T + h c, sd s sqrt(h (1 + h/(T-1))), with a warning naming the series."""
    years, values = [2020, 2021, 2022, 2023], [10.0, 13.0, 12.0, 17.0]
    result = forecast_series(years, values, 2024, target="S1")
    assert result.method == DRIFT
    assert "S1" in result.warning and "drift" in result.warning
    drift = 7 / 3
    spread = math.sqrt(((3 - drift) ** 2 + (-1 - drift) ** 2 + (5 - drift) ** 2) / 2)
    sd = spread * math.sqrt(1 + 1 / 3)
    assert result.point == pytest.approx(17 + drift, rel=1e-12)
    assert result.interval80 == pytest.approx(
        (17 + drift - 1.2815515655 * sd, 17 + drift + 1.2815515655 * sd), rel=1e-9
    )
    assert result.interval95[1] == pytest.approx(17 + drift + 1.9599639845 * sd, rel=1e-9)
    # backtest: from the first 3 years (drift 1) one year ahead: 12 + 1 = 13 against 17
    assert result.backtest_origins == 1
    assert result.backtest_mae == pytest.approx(4.0)
    assert result.backtest_mape == pytest.approx(4 / 17 * 100)
    line = forecast_series([2020, 2021, 2022], [1.0, 2.0, 3.0], 2025)
    assert line.point == 6.0 and line.interval95 == (6.0, 6.0)


def test_a_levelling_series_chooses_the_damped_trend():
    """A series that levels off (100 + 50 (1 - 0.6^t) plus small noise, 12 years): AICc
    prefers the damped trend, whose forecast stays below the undamped one."""
    rng = np.random.default_rng(1)
    t = np.arange(12)
    values = 100 + 50 * (1 - 0.6**t) + rng.normal(0, 1, 12)
    result = forecast_series(range(2000, 2012), values, 2013)
    assert result.method == ETS_DAMPED
    aicc = dict(result.aicc)
    assert aicc[ETS_DAMPED] < aicc[ETS_ADDITIVE]
    assert 145 < result.point < 160


def _scenario() -> Scenario:
    history = [HistoryPoint("*", y, v) for y, v in ((2020, 100.0), (2021, 110.0), (2022, 120.0))]
    history += [
        HistoryPoint("S1", y, v, d)
        for y, v, d in ((2020, 10.0, 0.2), (2021, 20.0, 0.3), (2022, 30.0, 0.4))
    ]
    return Scenario(
        name="toy",
        units=(Unit("U1"), Unit("U2")),
        staff=(StaffCell("U1", "general", 2), StaffCell("U2", "general", 2)),
        services=(
            Service("S1", "U1", volume=30.0, digital_share=0.5),
            Service("S2", "U2", volume=90.0, digital_share=0.5),
        ),
        history=tuple(history),
    )


def test_forecast_scenario_moves_each_service_by_its_most_specific_series():
    """S1 follows its own series (30 -> 40: x4/3, share 0.4 -> 0.5: x1.25), S2 follows `*`
    (120 -> 130: x13/12, no share history: unchanged); Volume low/high carry the 80% interval."""
    result = forecast(_scenario(), 2023)
    assert result.get("S1").point == pytest.approx(40.0)
    assert result.get("S1", Quantity.DIGITAL_SHARE).point == pytest.approx(0.5)
    new = forecast_scenario(result)
    s1, s2 = new.services
    assert s1.volume == pytest.approx(40.0) and s1.digital_share == pytest.approx(0.625)
    assert s2.volume == pytest.approx(90 * 13 / 12) and s2.digital_share == 0.5
    assert (s1.volume_low, s1.volume_high) == pytest.approx((40.0, 40.0))  # exact lines
    table = result.table()
    assert list(table["target"]) == ["*", "S1", "S1"]
    assert list(table["model"]) == [DRIFT] * 3
    paths = result.paths()
    assert len(paths) == 3 * 3 + 3 * 1


def test_cli_forecast_writes_the_bundled_scenario_for_2025(tmp_path, capsys):
    """`planner forecast` on the bundled hours scenario: the 2025 total is the drift forecast
    4,018,049 + (4,018,049 - 2,110,910) / 5 = 4,399,476.8, the workbook reads back, and its
    Forecast sheet has a chart per series; a year not after 2024 exits 2."""
    out = tmp_path / "f.xlsx"
    assert main(["forecast", str(HOURS_PATH), "--year", "2025", "--out", str(out)]) == 0
    assert "drift" in capsys.readouterr().err
    scenario = planner.read_scenario(out)
    assert sum(s.volume for s in scenario.services) == pytest.approx(4_399_476.8, rel=1e-9)
    assert all(s.volume_low is not None and s.volume_low < s.volume for s in scenario.services)
    book = load_workbook(out)
    assert len(book["Forecast"]._charts) == 2
    assert main(["forecast", str(HOURS_PATH), "--year", "2024", "--out", str(out)]) == 2


def test_forecast_refuses_a_code_built_history_with_a_gap():
    """A Scenario built in code skips the History reader: forecast() still refuses a series with
    a missing year, naming it (InputError, exit code 2 on the command line)."""
    import dataclasses

    from planner.errors import InputError, ProblemCode

    scenario = dataclasses.replace(
        _scenario(), history=tuple(HistoryPoint("S1", y, 1.0) for y in (2019, 2020, 2022))
    )
    with pytest.raises(InputError) as raised:
        forecast(scenario, 2025)
    assert raised.value.problems[0].code is ProblemCode.HISTORY_GAP
    assert "S1" in raised.value.problems[0].expected
