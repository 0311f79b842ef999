"""Forecasts of yearly volumes and digital shares from a scenario's History, and the scenario they
describe for a later year.

Each History series (one target: volumes, and digital shares where given) is continued to the
forecast year with exponential smoothing (statsmodels' ETSModel, additive errors):
- ETS(A,A,N), additive trend, and ETS(A,Ad,N), damped additive trend, are fitted by maximum
  likelihood and the one with the smaller AICc is chosen. AICc needs more years than a model has
  parameters plus one (statsmodels counts the variance too): ETS(A,A,N) has 5 and needs 7 years,
  ETS(A,Ad,N) 6 and 8 years; a model whose AICc is not defined is not a candidate.
- The fallback for shorter series (3 to 6 years), with a warning: the drift method (a random walk
  with drift; Hyndman and Athanasopoulos, Forecasting: Principles and Practice, 5.2). The point
  continues the average yearly change, y_T + h (y_T - y_1) / (T - 1); the prediction interval is
  normal with standard deviation s sqrt(h (1 + h / (T - 1))), s the standard deviation of the
  yearly changes around their mean. It continues a straight line exactly and keeps a constant
  series flat with intervals of width zero.
A straight line is continued exactly by ETS(A,A,N) (the damped trend bends it: statsmodels caps
the damping at 0.98), and on an exact line ETS(A,A,N) has the smaller AICc, so it is chosen.
Intervals are 80% and 95%; volumes are kept at 0 or more, shares in 0..1.

The rolling-origin backtest refits the same choice on the first t years, for every t from 3 on,
forecasts the same number of years ahead, and reports the mean absolute error and the mean
absolute percentage error of those forecasts.

`forecast_scenario` turns a Forecast into the scenario of the forecast year: each service takes
the growth of the most specific series that counts it (its own, its unit's, its skill's, then
`*`): Volume x forecast / last year's value, Volume low / high the 80% interval scaled the same
way; a digital share is multiplied by the forecast share over last year's share (capped at 1),
Digital share low / high its 80% interval scaled the same way.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from statistics import NormalDist

import numpy as np

from planner.domain import HistoryPoint, Scenario, Service
from planner.errors import InputError, Problem, ProblemCode
from planner.i18n import N_, _, ngettext, pgettext

__all__ = [
    "DRIFT",
    "ETS_ADDITIVE",
    "ETS_DAMPED",
    "Forecast",
    "Quantity",
    "SeriesForecast",
    "forecast",
    "forecast_scenario",
    "forecast_series",
    "method_text",
    "quantity_text",
    "series_target",
]

MIN_YEARS = 3  # the History sheet refuses shorter series (planner.workbook.history.MIN_YEARS)
ETS_ADDITIVE = "ETS(A,A,N)"  # additive error, additive trend, no season
ETS_DAMPED = "ETS(A,Ad,N)"  # additive error, damped additive trend
DRIFT = "drift"
# Years a model needs for its AICc to be defined: parameters (with the variance) + 2.
MIN_YEARS_FOR = {ETS_ADDITIVE: 7, ETS_DAMPED: 8}
LEVELS = (0.80, 0.95)


class Quantity(StrEnum):
    """What a series counts; the value is the stable English key of `table()` and --json."""

    VOLUME = "volume"
    DIGITAL_SHARE = "digital share"


_QUANTITY_WORDS = {Quantity.VOLUME: N_("volume"), Quantity.DIGITAL_SHARE: N_("digital share")}
_METHOD_WORDS = {DRIFT: N_("drift")}  # the ETS names are the same in every language


def quantity_text(quantity: Quantity) -> str:
    """The quantity in the current language, as a person reads it."""
    return _(_QUANTITY_WORDS[quantity])


def method_text(method: str) -> str:
    """The model's name in the current language (`drift` is a word; ETS(A,A,N) is notation)."""
    return _(_METHOD_WORDS[method]) if method in _METHOD_WORDS else method


@dataclass(frozen=True)
class SeriesForecast:
    """One series continued to `year`: the model chosen, the point and its intervals, the path
    (every year from the last history year + 1 to `year`) and the backtest errors."""

    target: str
    quantity: Quantity
    years: tuple[int, ...]
    values: tuple[float, ...]
    year: int
    method: str  # ETS_ADDITIVE, ETS_DAMPED or DRIFT
    aicc: tuple[tuple[str, float], ...]  # each candidate's AICc (empty for the fallback)
    path_years: tuple[int, ...]
    path: tuple[tuple[float, float, float, float, float], ...]  # point, lo80, hi80, lo95, hi95
    backtest_mae: float | None
    backtest_mape: float | None  # percent; None when a value is 0 or there is no origin
    backtest_origins: int

    @property
    def warning(self) -> str:
        """Why the fallback was used, in the current language (rendered when read, so that a
        forecast made in one language is shown in another); "" for an ETS model."""
        if self.method != DRIFT:
            return ""
        years = len(self.values)
        return ngettext(
            "{target} ({quantity}): {years} year is too few for exponential smoothing "
            "(ETS(A,A,N) needs {needed}); the drift method was used",
            "{target} ({quantity}): {years} years are too few for exponential smoothing "
            "(ETS(A,A,N) needs {needed}); the drift method was used",
            years,
        ).format(
            target=self.target or _("series"),
            quantity=quantity_text(self.quantity),
            years=years,
            needed=MIN_YEARS_FOR[ETS_ADDITIVE],
        )

    @property
    def last(self) -> float:
        return self.values[-1]

    @property
    def point(self) -> float:
        return self.path[-1][0]

    @property
    def interval80(self) -> tuple[float, float]:
        return self.path[-1][1], self.path[-1][2]

    @property
    def interval95(self) -> tuple[float, float]:
        return self.path[-1][3], self.path[-1][4]


def _ets(values: np.ndarray, damped: bool):
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    with warnings.catch_warnings():
        # Convergence and overflow warnings on short or exact series: the AICc judges the fit.
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            series = pd.Series(values, index=pd.RangeIndex(len(values)))
            model = ETSModel(series, error="add", trend="add", damped_trend=damped)
            return model.fit(disp=False)


def _ets_path(fit, n: int, horizon: int) -> np.ndarray:
    """(horizon, 5): point, 80% and 95% bounds for years n+1 .. n+horizon."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            prediction = fit.get_prediction(start=n, end=n + horizon - 1)
            frames = [prediction.summary_frame(alpha=1 - level) for level in LEVELS]
    mean = np.asarray(frames[0]["mean"], dtype=float)
    columns = [mean]
    for frame in frames:
        columns += [np.asarray(frame["pi_lower"], float), np.asarray(frame["pi_upper"], float)]
    return np.column_stack(columns)


def _drift_path(values: np.ndarray, horizon: int) -> np.ndarray:
    changes = np.diff(values)
    drift = (values[-1] - values[0]) / (len(values) - 1)
    spread = float(np.sqrt(np.sum((changes - drift) ** 2) / max(len(changes) - 1, 1)))
    rows = []
    for h in range(1, horizon + 1):
        point = values[-1] + h * drift
        sd = spread * math.sqrt(h * (1 + h / len(changes)))
        row = [point]
        for level in LEVELS:
            z = NormalDist().inv_cdf(0.5 + level / 2)
            row += [point - z * sd, point + z * sd]
        rows.append(row)
    return np.array(rows)


def _choose(
    values: np.ndarray, horizon: int
) -> tuple[str, tuple[tuple[str, float], ...], np.ndarray]:
    """(method, each candidate's AICc, path) for one series."""
    n = len(values)
    candidates = []
    for method, damped in ((ETS_ADDITIVE, False), (ETS_DAMPED, True)):
        if n >= MIN_YEARS_FOR[method]:
            fit = _ets(values, damped)
            candidates.append((float(fit.aicc), method, fit))
    finite = [c for c in candidates if math.isfinite(c[0]) or c[0] == -math.inf]
    if not finite:
        return DRIFT, (), _drift_path(values, horizon)
    # min over AICc; a tie keeps the model listed first (fewer parameters)
    aicc, method, fit = min(finite, key=lambda c: c[0])
    return method, tuple((m, a) for a, m, _ in candidates), _ets_path(fit, n, horizon)


def _clip(path: np.ndarray, quantity: Quantity) -> np.ndarray:
    upper = 1.0 if quantity is Quantity.DIGITAL_SHARE else np.inf
    return np.clip(path, 0.0, upper)


def _backtest(values: np.ndarray, horizon: int, quantity: Quantity):
    errors, actuals = [], []
    for origin in range(MIN_YEARS, len(values) - horizon + 1):
        _, _, path = _choose(values[:origin], horizon)
        predicted = _clip(path, quantity)[-1, 0]
        actual = values[origin + horizon - 1]
        errors.append(abs(actual - predicted))
        actuals.append(abs(actual))
    if not errors:
        return None, None, 0
    mae = float(np.mean(errors))
    mape = None if min(actuals) == 0 else float(np.mean(np.array(errors) / actuals) * 100)
    return mae, mape, len(errors)


def forecast_series(
    years: Sequence[int],
    values: Sequence[float],
    year: int,
    *,
    target: str = "",
    quantity: Quantity = Quantity.VOLUME,
) -> SeriesForecast:
    """Continue one yearly series (consecutive years, at least 3) to `year` (after the last)."""
    y = np.asarray(values, dtype=float)
    if len(y) < MIN_YEARS:
        raise ValueError(f"a forecast needs at least {MIN_YEARS} years, got {len(y)}")
    horizon = year - int(years[-1])
    if horizon < 1:
        raise ValueError(f"the forecast year {year} must come after {years[-1]}")
    method, aicc, path = _choose(y, horizon)
    path = _clip(path, quantity)
    mae, mape, origins = _backtest(y, horizon, quantity)
    return SeriesForecast(
        target=target,
        quantity=quantity,
        years=tuple(int(v) for v in years),
        values=tuple(float(v) for v in y),
        year=year,
        method=method,
        aicc=aicc,
        path_years=tuple(range(int(years[-1]) + 1, year + 1)),
        path=tuple(tuple(float(v) for v in row) for row in path),  # type: ignore[misc]
        backtest_mae=mae,
        backtest_mape=mape,
        backtest_origins=origins,
    )


@dataclass(frozen=True)
class Forecast:
    """Every History series of a scenario continued to `year`."""

    scenario: Scenario
    year: int
    series: tuple[SeriesForecast, ...]

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(s.warning for s in self.series if s.warning)

    def get(self, target: str, quantity: Quantity = Quantity.VOLUME) -> SeriesForecast:
        return next(s for s in self.series if s.target == target and s.quantity is quantity)

    def table(self):
        """One row per series: model, last value, point, 80% and 95% intervals, backtest."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "target": s.target,
                    "quantity": str(s.quantity),
                    "first year": s.years[0],
                    "last year": s.years[-1],
                    "years": len(s.years),
                    "model": s.method,
                    "aicc": "; ".join(f"{m} {a:.2f}" for m, a in s.aicc),
                    "last value": s.last,
                    "year": s.year,
                    "forecast": s.point,
                    "low 80%": s.interval80[0],
                    "high 80%": s.interval80[1],
                    "low 95%": s.interval95[0],
                    "high 95%": s.interval95[1],
                    "backtest origins": s.backtest_origins,
                    "backtest MAE": s.backtest_mae,
                    "backtest MAPE %": s.backtest_mape,
                    "note": s.warning,
                }
                for s in self.series
            ]
        )

    def paths(self):
        """One row per series and year: history values, then the forecast with its intervals."""
        import pandas as pd

        rows = []
        for s in self.series:
            for y, v in zip(s.years, s.values, strict=True):
                rows.append(
                    {"target": s.target, "quantity": str(s.quantity), "year": y, "history": v}
                )
            for y, (p, l80, h80, l95, h95) in zip(s.path_years, s.path, strict=True):
                rows.append(
                    {
                        "target": s.target,
                        "quantity": str(s.quantity),
                        "year": y,
                        "forecast": p,
                        "low 80%": l80,
                        "high 80%": h80,
                        "low 95%": l95,
                        "high 95%": h95,
                    }
                )
        return pd.DataFrame(rows)


def _series(history: Sequence[HistoryPoint]) -> dict[str, list[HistoryPoint]]:
    by_target: dict[str, list[HistoryPoint]] = {}
    for point in history:
        by_target.setdefault(point.target, []).append(point)
    return {t: sorted(p, key=lambda x: x.year) for t, p in sorted(by_target.items())}


def _year_problem(year: int, expected: str) -> InputError:
    return InputError([Problem("--year", "", year, expected, ProblemCode.BAD_SYNTAX)])


def _history_sheet() -> str:
    return pgettext("sheet", "History")


def forecast(scenario: Scenario, year: int) -> Forecast:
    """Every History series of `scenario` (volumes, and digital shares where given) continued to
    `year`. Raises InputError when there is no History or `year` is not after its last year."""
    series = _series(scenario.history)
    if not series:
        raise InputError(
            [
                Problem(
                    _history_sheet(),
                    "",
                    None,
                    _("the workbook has no {sheet} sheet to forecast from").format(
                        sheet=_history_sheet()
                    ),
                    ProblemCode.MISSING_SHEET,
                )
            ]
        )
    last = max(points[-1].year for points in series.values())
    if year <= last:
        raise _year_problem(
            year,
            _(
                "the forecast year must come after the last year of the {sheet} sheet, {last}"
            ).format(sheet=_history_sheet(), last=last),
        )
    if year > last + 50:
        raise _year_problem(
            year, _("the forecast year is more than 50 years after {last}").format(last=last)
        )
    results = []
    for target, points in series.items():
        years = [p.year for p in points]
        if len(years) < MIN_YEARS or years != list(range(years[0], years[0] + len(years))):
            # a Scenario built in code is not checked by the History sheet's reader
            raise InputError(
                [Problem(_history_sheet(), "", target, _(
                    "the series {target} needs at least {needed} consecutive years, each once "
                    "(found {years})").format(target=target, needed=MIN_YEARS,
                                              years=", ".join(str(y) for y in years)),
                         ProblemCode.HISTORY_GAP)]
            )  # fmt: skip
        results.append(forecast_series(years, [p.volume for p in points], year, target=target))
        if points[0].digital_share is not None:
            shares = [float(p.digital_share or 0.0) for p in points]
            results.append(
                forecast_series(years, shares, year, target=target, quantity=Quantity.DIGITAL_SHARE)
            )
    return Forecast(scenario=scenario, year=year, series=tuple(results))


def _specificity(target: str, service: Service) -> int | None:
    """How specifically a target counts a service: 3 its id, 2 its unit, 1 its skill, 0 `*`."""
    if target == service.service_id:
        return 3
    if target == service.unit_id:
        return 2
    if target == f"skill:{service.skill}":
        return 1
    if target == "*":
        return 0
    return None


def _most_specific(service: Service, candidates: Sequence[SeriesForecast]) -> SeriesForecast | None:
    ranked = [(r, s) for s in candidates if (r := _specificity(s.target, service)) is not None]
    return max(ranked, key=lambda pair: pair[0])[1] if ranked else None


def series_target(service: Service, targets: Sequence[str]) -> str | None:
    """The most specific of `targets` (History targets) that counts `service`, or None."""
    ranked = [(r, t) for t in targets if (r := _specificity(t, service)) is not None]
    return max(ranked)[1] if ranked else None


def forecast_scenario(result: Forecast) -> Scenario:
    """The scenario of the forecast year: volumes (with Volume low / high, the 80% interval) and
    digital shares moved by the most specific series that counts each service."""
    volumes = [s for s in result.series if s.quantity is Quantity.VOLUME]
    shares = [s for s in result.series if s.quantity is Quantity.DIGITAL_SHARE]
    services = []
    for service in result.scenario.services:
        changed = service
        series = _most_specific(service, volumes)
        if series is not None:
            factor = series.point / series.last if series.last > 0 else 1.0
            low, high = series.interval80
            point = series.point
            volume = service.volume * factor
            changed = replace(
                changed,
                volume=volume,
                volume_low=volume * low / point if point > 0 else 0.0,
                volume_high=volume * high / point if point > 0 else 0.0,
            )
        share_series = _most_specific(service, shares)
        if share_series is not None:
            low, high = share_series.interval80
            if share_series.last > 0:
                ratio = service.digital_share / share_series.last
                share, low, high = (min(1.0, ratio * v) for v in (share_series.point, low, high))
            else:
                share = share_series.point
            changed = replace(
                changed, digital_share=share, digital_share_low=low, digital_share_high=high
            )
        services.append(changed)
    return replace(
        result.scenario,
        name=f"{result.scenario.name}-forecast-{result.year}",
        services=tuple(services),
        source_path=None,
        source_sha256=None,
        warnings=(),
    )
