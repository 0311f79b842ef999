"""The History sheet: read, checked cell by cell, written back; the bundled hours history."""

from __future__ import annotations

import dataclasses

import pytest
from openpyxl import Workbook

import planner
from planner.cli import main
from planner.domain import HistoryPoint
from planner.errors import ProblemCode
from planner.workbook import write_scenario
from tests.support import HOURS_PATH


def _workbook(path, history_rows, *, headers=("Target", "Year", "Volume", "Digital share")):
    book = Workbook()
    units = book.active
    units.title = "Units"
    units.append(["Unit ID", "Employees"])
    units.append(["U1", 3])
    units.append(["U2", 2])
    services = book.create_sheet("Services")
    services.append(["Service ID", "Unit ID", "Volume", "Skill", "Volume low", "Volume high"])
    services.append(["S1", "U1", 100, "general", 80, 130])
    services.append(["S2", "U2", 50, "general"])
    history = book.create_sheet("History")
    history.append(list(headers))
    for row in history_rows:
        history.append(list(row))
    book.save(path)
    return path


GOOD = [
    ("*", 2020, 140),
    ("*", 2021, 145),
    ("*", 2022, 150),
    ("U1", 2020, 90, 0.1),
    ("U1", 2021, 95, 0.2),
    ("U1", 2022, 100, 0.3),
]


def test_history_is_read_sorted_and_written_back(tmp_path):
    """A clean History sheet gives its points sorted by (target, year), with digital shares where
    given, and write_scenario writes it back to the same points (and Volume low/high too)."""
    scenario = planner.read_scenario(_workbook(tmp_path / "h.xlsx", reversed(GOOD)))
    assert [(p.target, p.year, p.volume, p.digital_share) for p in scenario.history] == [
        ("*", 2020, 140.0, None),
        ("*", 2021, 145.0, None),
        ("*", 2022, 150.0, None),
        ("U1", 2020, 90.0, 0.1),
        ("U1", 2021, 95.0, 0.2),
        ("U1", 2022, 100.0, 0.3),
    ]
    s1 = scenario.services[0]
    assert (s1.volume_low, s1.volume_high) == (80.0, 130.0)
    assert scenario.services[1].volume_low is None
    again = planner.read_scenario(write_scenario(scenario, tmp_path / "again.xlsx"))
    strip = [dataclasses.replace(p, row=None) for p in again.history]
    assert strip == [dataclasses.replace(p, row=None) for p in scenario.history]
    assert (again.services[0].volume_low, again.services[0].volume_high) == (80.0, 130.0)


BAD = [
    pytest.param(GOOD + [("*", 2021, 146)], "B8", ProblemCode.DUPLICATE_YEAR, "B3", id="dup-year"),
    pytest.param(
        [("S1", 2020, 1), ("S1", 2021, 2)], "A2", ProblemCode.SHORT_HISTORY, "2 years", id="short"
    ),
    pytest.param(
        [("S1", 2019, 1), ("S1", 2021, 2), ("S1", 2022, 3), ("S1", 2024, 3)],
        "A2",
        ProblemCode.HISTORY_GAP,
        "2020, 2023",
        id="gap",
    ),
    pytest.param([("S9", 2019, 1)], "A2", ProblemCode.UNKNOWN_TARGET, "S9", id="unknown"),
    pytest.param([("skill:tax", 2019, 1)], "A2", ProblemCode.UNKNOWN_SKILL, "tax", id="skill"),
    pytest.param(
        [("U1", 2020, 1, 0.5), ("U1", 2021, 2), ("U1", 2022, 3, 0.4)],
        "D3",
        ProblemCode.HISTORY_INCOMPLETE,
        "2021",
        id="share-missing",
    ),
    pytest.param([("U1", 2020.5, 1)], "B2", ProblemCode.NOT_WHOLE, "", id="year-not-whole"),
]


@pytest.mark.parametrize(("rows", "cell", "code", "words"), BAD)
def test_bad_history_names_sheet_and_cell(tmp_path, rows, cell, code, words):
    """Each broken History sheet gives an error with the History sheet, the cell and its code."""
    report = planner.validate_workbook(_workbook(tmp_path / "bad.xlsx", rows))
    found = [p for p in report.problems if p.code is code]
    assert found, report.problems
    assert (found[0].sheet, found[0].cell) == ("History", cell)
    assert words in found[0].expected


def test_ambiguous_target_and_volume_range(tmp_path):
    """An id that is both a Service ID and a Unit ID is refused as a target; Volume low above
    Volume is refused on its cell."""
    path = _workbook(tmp_path / "amb.xlsx", [("X", 2020, 1)])
    from openpyxl import load_workbook

    book = load_workbook(path)
    book["Units"].append(["X", 1])
    book["Services"].append(["X", "U1", 10, "general", 20, 30])
    book.save(path)
    report = planner.validate_workbook(path)
    codes = {(p.sheet, p.cell, p.code) for p in report.problems}
    assert ("History", "A2", ProblemCode.AMBIGUOUS_TARGET) in codes
    assert ("Services", "E4", ProblemCode.MIN_ABOVE_MAX) in codes


def test_cli_validate_duplicate_year_exit_2(tmp_path, capsys):
    """`planner validate` on a History sheet with a duplicate year exits 2 naming sheet and cell."""
    path = _workbook(tmp_path / "dup.xlsx", GOOD + [("U1", 2022, 7, 0.3)])
    assert main(["validate", str(path)]) == 2
    out = capsys.readouterr()
    assert "History" in out.out + out.err and "B8" in out.out + out.err


def test_bundled_hours_history_is_table_4():
    """The bundled hours scenario's History is Table 4: 2019-2024 totals, electronic shares."""
    history = planner.read_scenario(HOURS_PATH).history
    assert [p.year for p in history] == list(range(2019, 2025))
    assert {p.target for p in history} == {"*"}
    assert isinstance(history[0], HistoryPoint)
    # Table 4 of the source paper (../shared/data/west_kazakhstan_service_volumes.csv): services
    # provided and those provided electronically through the information systems, per year.
    table_4 = {
        2019: (2_110_910, 1_541_314),
        2020: (1_964_727, 1_864_212),
        2021: (3_304_894, 2_374_527),
        2022: (3_958_089, 2_467_849),
        2023: (3_943_012, 2_440_408),
        2024: (4_018_049, 2_515_645),
    }
    for point in history:
        total, electronic = table_4[point.year]
        assert point.volume == total
        assert point.digital_share == pytest.approx(electronic / total, rel=1e-12)
