"""The corpus of broken workbooks: each gives exactly its errors, each naming the right cell."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from planner.errors import InputError
from planner.workbook import read_scenario
from planner.workbook.validate import validate_workbook
from tests.corpus.cases import CASES, Case
from tests.corpus.identity import IDENTITY_CASES
from tests.corpus.ranges import RANGE_CASES, SIZE_CASES
from tests.corpus.reader import READER_CASES

# The round-1 corpus, then the cases of issue 12 by class.
ALL_CASES = CASES + IDENTITY_CASES + RANGE_CASES + SIZE_CASES + READER_CASES


def _problem_for(report, pair: tuple[str, str]):
    pool = report.problems + report.warnings
    return next(p for p in pool if (p.code, p.location) == pair)


@pytest.mark.parametrize("case", ALL_CASES, ids=[case.name for case in ALL_CASES])
def test_corpus_case(case: Case, tmp_path: Path) -> None:
    """Each broken workbook gives exactly its (code, location) errors, at least its warnings, a
    message naming the problem in plain words, and no traceback, in under a second."""
    path = case.build(tmp_path)
    # CPU seconds of this process, a guard against runaway work, not a speed test (bench/ is).
    started = time.process_time()
    report = validate_workbook(path)
    elapsed = time.process_time() - started

    assert sorted((p.code, p.location) for p in report.problems) == sorted(case.errors)
    assert set(case.warnings) <= {(p.code, p.location) for p in report.warnings}
    first = (case.errors or case.warnings)[0]
    if case.message:
        assert case.message in str(_problem_for(report, first))
    assert elapsed < 4.0
    if case.errors:
        assert report.scenario is None
    else:
        assert report.scenario is not None


@pytest.mark.parametrize("case", [c for c in CASES if c.errors][:5], ids=lambda c: c.name)
def test_read_scenario_raises_input_error_with_every_problem(case: Case, tmp_path: Path) -> None:
    """read_scenario raises InputError carrying the same problems validate_workbook reports."""
    path = case.build(tmp_path)
    with pytest.raises(InputError) as raised:
        read_scenario(path)
    assert sorted((p.code, p.location) for p in raised.value.problems) == sorted(case.errors)
