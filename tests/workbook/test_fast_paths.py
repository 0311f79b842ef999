"""The reader's fast paths for the common clean cell give exactly what the full paths give."""

from __future__ import annotations

import math
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.workbook import cells
from planner.workbook.cells import CellError
from planner.workbook.layout import _normalise_text

RULES = [
    {"whole": False, "share": False, "positive": False},
    {"whole": True, "share": False, "positive": False},
    {"whole": False, "share": True, "positive": False},
    {"whole": False, "share": False, "positive": True},
]


def _full(value: object, rule: dict[str, bool]) -> object:
    try:
        return cells._parse_number(value, "Volume", **rule)
    except CellError as error:
        return (error.code, error.expected)


def _fast(value: object, rule: dict[str, bool]) -> object:
    try:
        return cells.parse_number(value, "Volume", **rule)
    except CellError as error:
        return (error.code, error.expected)


@pytest.mark.parametrize("rule", RULES)
@given(
    value=st.one_of(
        st.integers(min_value=-(10**12), max_value=10**12),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from([0, 0.0, -0.0, 1, 1.0, 0.5, 100, 101.5, math.inf, -1]),
    )
)
def test_number_fast_path_equals_full_path(rule: dict[str, bool], value: float | int) -> None:
    """A number cell read by parse_number's fast path is the full path's value (same type: an
    int in a whole column, a float elsewhere), or the same error with the same message."""
    fast, full = _fast(value, rule), _full(value, rule)
    if isinstance(full, float) and math.isnan(full):  # pragma: no cover - NaN is refused
        assert isinstance(fast, float) and math.isnan(fast)
    else:
        assert fast == full and type(fast) is type(full)


def test_number_fast_path_known_values() -> None:
    assert cells.parse_number(7, "Employees", whole=True) == 7
    assert type(cells.parse_number(7, "Volume")) is float
    with pytest.raises(CellError) as raised:
        cells.parse_number(0.5, "Employees", whole=True)
    assert raised.value.expected == "Employees must be a whole number of 0 or more, not a fraction"
    with pytest.raises(CellError) as raised:
        cells.parse_number(62.6, "Digital share", share=True)
    assert raised.value.expected.endswith("62.6 looks like a percentage; write 0.626 or 62.6%")


def _normalise_reference(text: str) -> str:
    """layout's normalisation as it was written first, for any text (NFKC, casefold, spaces,
    underscores, zero-width space and BOM dropped)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "_\u200b\ufeff")


@given(st.text(alphabet=st.characters(max_codepoint=127)) | st.text())
def test_header_normalisation_fast_path_equals_reference(text: str) -> None:
    assert _normalise_text(text) == _normalise_reference(text)


def test_header_normalisation_known_values() -> None:
    assert _normalise_text("Unit_ID\x1c\t ") == "unitid"
    assert _normalise_text("Ｕｎｉｔ ＩＤ") == "unitid"
