"""Reading one cell: numbers as planners type them, shares, yes/no and ids."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.workbook.cells import CellError, parse_choice, parse_id, parse_number, parse_yes_no


@pytest.mark.parametrize(
    ("typed", "options", "value"),
    [
        ("0,52", {}, 0.52),
        ("1 531", {"whole": True}, 1531),
        ("1\u00a0531", {"whole": True}, 1531),
        ("1\u202f531,5", {}, 1531.5),
        ("1,531", {"whole": True}, 1531),
        ("1,531,000", {}, 1531000.0),
        ("1.531.000", {"whole": True}, 1531000),
        ("1.531,25", {}, 1531.25),
        ("1,531.25", {}, 1531.25),
        (" 12 ", {"whole": True}, 12),
        ("3.0", {"whole": True}, 3),
        (3.0, {"whole": True}, 3),
        ("62.6%", {"share": True}, 0.626),
        ("62,6 %", {"share": True}, 0.626),
        ("0,520", {}, 0.52),
        ("1e3", {}, 1000.0),
        ("\u200b7\ufeff", {"whole": True}, 7),
    ],
)
def test_numbers_as_typed(typed, options, value) -> None:
    """Decimal commas, thousands separators, percentages and padding give the number meant."""
    assert parse_number(typed, "X", **options) == value


@pytest.mark.parametrize(
    ("typed", "options", "code", "fragment"),
    [
        ("1,531", {}, "ambiguous-number", "could mean 1531 or 1.531"),
        ("abc", {}, "not-a-number", "X must be a number of 0 or more"),
        ("-1", {"whole": True}, "negative", "X must be a whole number of 0 or more"),
        ("3.5", {"whole": True}, "not-whole", "not a fraction"),
        ("nan", {}, "not-finite", "X must be a number"),
        (float("inf"), {}, "not-finite", "X must be a number"),
        (62.6, {"share": True}, "share-range", "write 0.626 or 62.6%"),
        ("62.6", {"share": True}, "share-range", "write 0.626 or 62.6%"),
        (250, {"share": True}, "share-range", "between 0 and 1"),
        ("12%", {}, "not-a-number", "X must be a number"),
        (0, {"positive": True}, "not-positive", "X must be a number above 0"),
        (True, {}, "bool-not-number", "not a yes/no value"),
        (dt.date(2024, 3, 1), {}, "date-not-number", "format the cell as Number"),
        ("1 5", {}, "not-a-number", "X must be a number"),
    ],
)
def test_numbers_refused(typed, options, code, fragment) -> None:
    """Numbers that are not what the column needs, or are ambiguous, are refused with a reason."""
    with pytest.raises(CellError) as refused:
        parse_number(typed, "X", **options)
    assert refused.value.code == code
    assert fragment in refused.value.expected


@pytest.mark.parametrize(
    ("typed", "flag"),
    [("yes", True), ("Y", True), (" TRUE ", True), (1, True), (True, True),
     ("no", False), ("n", False), ("False", False), (0, False), (False, False)],
)  # fmt: skip
def test_yes_no(typed, flag) -> None:
    """yes/no, y/n, true/false, 1/0 and Excel booleans are accepted in any case."""
    assert parse_yes_no(typed, "Locked") is flag


def test_yes_no_refused() -> None:
    """Anything else is refused with the column name."""
    with pytest.raises(CellError, match="Locked must be yes or no"):
        parse_yes_no("maybe", "Locked")


@pytest.mark.parametrize(
    ("typed", "text"), [(1, "1"), (1.0, "1"), ("1", "1"), (" D05\u00a0", "D05"), (2.5, "2.5")]
)
def test_ids(typed, text) -> None:
    """Whole numbers become their integer text so that 1, 1.0 and "1" are the same id."""
    assert parse_id(typed, "Unit ID") == text


def test_id_refuses_dates() -> None:
    """A date is not an id."""
    with pytest.raises(CellError) as refused:
        parse_id(dt.datetime(2024, 1, 1), "Unit ID")
    assert refused.value.code == "id-type"


def test_choice_any_case() -> None:
    """Choices are matched ignoring case and spaces around; others name the choices."""
    assert parse_choice(" Hours ", "coefficient", ("count", "hours")) == "hours"
    with pytest.raises(CellError, match="must be one of: count, hours"):
        parse_choice("speed", "coefficient", ("count", "hours"))
