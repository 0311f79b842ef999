"""Lazy ranges (issue 12): `--max-moves 0:100000000:1` built a 3.9 GB list before its points were
counted. Now the points are counted first (arithmetic, not a list) and more than
MAX_FRONTIER_BUDGETS are refused with exit 2 and a message naming the option; the API refuses an
iterable of budgets as soon as it passes the limit, without reading the rest."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from planner.checks import MAX_FRONTIER_BUDGETS
from planner.cli import main, parse_budget_range
from planner.errors import InputError
from planner.studies.frontier import frontier
from planner.workbook import read_scenario
from tests.corpus.base import base_workbook


def test_the_limit_is_a_thousand() -> None:
    """The documented limit (README, frontier section)."""
    assert MAX_FRONTIER_BUDGETS == 1000


@pytest.mark.parametrize(
    ("text", "count"),
    [("0:100000000:1", "100,000,001"), ("0:1000:1", "1,001"), (f"5:{10**40}:1", f"{10**40 - 4:,}")],
)
def test_huge_ranges_are_counted_and_refused(tmp_path: Path, capsys, text: str, count: str) -> None:
    """Exit 2 before the workbook is read (it does not even exist), the count in the message."""
    code = main(["frontier", str(tmp_path / "none.xlsx"), "--max-moves", text, "-q"])
    assert code == 2
    assert capsys.readouterr().err == (
        "1 problem in the input:\n"
        f"  - --max-moves: gives {count} points; at most 1000 (take a larger STEP) "
        f"(found {text!r})\n"
    )


def test_the_largest_allowed_range_is_built_exactly() -> None:
    """0:999:1 is 1,000 points (allowed); 0:2000:2 is 1,001 (refused); 0:1997:2 lands off the
    step and gets STOP added: 1,000 points ending 1996, 1997."""
    assert parse_budget_range("0:999:1") == list(range(1000))
    with pytest.raises(InputError, match="gives 1,001 points"):
        parse_budget_range("0:2000:2")
    budgets = parse_budget_range("0:1997:2")
    assert len(budgets) == 1000 and budgets[-2:] == [1996, 1997]


def test_the_api_refuses_an_endless_iterable(tmp_path: Path) -> None:
    """frontier(budgets=itertools.count()) stops reading at budget 1,001 and refuses, before
    any group is solved (no progress message)."""
    path = tmp_path / "health.xlsx"
    base_workbook(scenarios=False).save(path)
    said: list[str] = []
    with pytest.raises(InputError) as caught:
        frontier(read_scenario(path), budgets=itertools.count(), progress=said.append)
    assert (
        str(caught.value.problems[0]) == "workbook: budgets: more than 1000 budgets; at most 1000"
    )
    assert said == []
