"""Near misses for "did you mean" (issue 11, finding 3: only a difference in case was offered)."""

from __future__ import annotations

import pytest

from planner.workbook.nearmiss import edit_distance, near_miss, normalised

UNITS = ["CL01", "CL02", "CL03", "D05", "D13"]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("cl02", "CL02"),  # case
        ("CLO2", "CL02"),  # letter O for zero
        ("CL 02", "CL02"),  # a space
        ("CL-02", "CL02"),  # a separator
        ("CL2", "CL02"),  # one edit
        ("Dl3", "D13"),  # letter l for one
        ("D5", "D05"),
    ],
)
def test_near_miss_finds_the_id_meant(typed: str, meant: str) -> None:
    """Normalisation (case, spaces, O/0, l/1) first, then one edit."""
    assert near_miss(typed, UNITS) == meant


def test_near_miss_of_skills() -> None:
    """`nurses` means `nurse`; a word two edits from a long skill is still found."""
    assert near_miss("nurses", ["general", "nurse"]) == "nurse"
    assert near_miss("genral", ["general", "nurse"]) == "general"
    assert near_miss("accountnt", ["accountant", "legal"]) == "accountant"


def test_no_guess_when_nothing_is_near() -> None:
    """Nothing near: None (no "did you mean" at all), and one-character ids are not guessed."""
    assert near_miss("XX9", UNITS) is None
    assert near_miss("A", ["B", "C"]) is None
    assert near_miss("CL02", ["CL02"]) is None  # the value itself is not a suggestion


def test_normalised_and_edit_distance() -> None:
    """The forms compared and the bounded distance."""
    assert normalised("CL O2") == normalised("cl02") == "c102"
    assert edit_distance("kitten", "sitting", 3) == 3
    assert edit_distance("kitten", "sitting", 1) == 2  # stops early: more than the limit
