"""One rule for how a coefficient is shown, used by the terminal, the workbooks and JSON alike:

- in text (the terminal, the plain-words plan, explanations): 3 decimals, `0.682`;
- in tables (workbook cells, the Markdown table of `compare --markdown`): 4 decimals, `0.6818`
  (workbook cells keep the full value; only their number format rounds);
- in JSON (`--json`, `Result.to_dict`): the full value, never rounded.

A coefficient with load and no staff is infinite: `inf` in text and tables, `null` in JSON.
Text and tables follow the current language (planner.i18n): `0,682` in Russian and Kazakh.
"""

from __future__ import annotations

import math

from planner.i18n import decimal

__all__ = [
    "COEFFICIENT_CHANGE_FORMAT",
    "COEFFICIENT_FORMAT",
    "coefficient_change_table",
    "TABLE_DECIMALS",
    "TEXT_DECIMALS",
    "coefficient_change_text",
    "coefficient_table",
    "coefficient_text",
    "significant",
]

TEXT_DECIMALS = 3
TABLE_DECIMALS = 4
COEFFICIENT_FORMAT = "0." + "0" * TABLE_DECIMALS  # Excel number format of a coefficient cell
_CHANGE = "0." + "0" * TABLE_DECIMALS
COEFFICIENT_CHANGE_FORMAT = f"+{_CHANGE};-{_CHANGE};{_CHANGE}"
INFINITE = "inf"


def _shown(value: float | None, decimals: int, missing: str) -> str:
    if value is None or math.isnan(value):
        return missing
    if math.isinf(value):
        return INFINITE if value > 0 else "-" + INFINITE
    text = f"{value:.{decimals}f}"
    # -0.000 reads like a loss where there is none.
    if float(text) == 0:
        value = 0.0
    return decimal(value, decimals, group=False)


def coefficient_text(value: float | None, missing: str = "-") -> str:
    """A coefficient in text: `0.682`; `inf` for load with no staff; `missing` for no value."""
    return _shown(value, TEXT_DECIMALS, missing)


def coefficient_table(value: float | None, missing: str = "") -> str:
    """A coefficient in a text table (Markdown): `0.6818`."""
    return _shown(value, TABLE_DECIMALS, missing)


def coefficient_change_text(value: float | None, missing: str = "") -> str:
    """A difference of coefficients in text: `+0.018`, `-0.359`, `0.000` when it rounds to 0."""
    return _signed(value, TEXT_DECIMALS, missing)


def coefficient_change_table(value: float | None, missing: str = "") -> str:
    """A difference of coefficients in a text table: `+0.0182`, `0.0000` when it rounds to 0."""
    return _signed(value, TABLE_DECIMALS, missing)


def _signed(value: float | None, decimals: int, missing: str) -> str:
    text = _shown(value, decimals, missing)
    if value is None or text in (missing, _shown(0.0, decimals, missing)) or text.startswith("-"):
        return text
    return "+" + text


def significant(value: float, digits: int = 6) -> str:
    """A figure in text with `digits` significant digits as `:g` gives it (`0.395161`, `1e-07`,
    `inf`), in the current language's notation (`0,395161`): the solver's notes and the checks'
    details."""
    text = f"{value:.{digits}g}"
    if not math.isfinite(value) or "e" in text:
        return text
    return decimal(float(text), len(text.partition(".")[2]), group=False)
