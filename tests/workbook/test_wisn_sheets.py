"""The WISN form of the workbook (planner/workbook/wisn_sheets.py): the template reads clean to
known required staff, a published study loads to its published figures, and every broken WISN
cell is named with its sheet, cell and reason (exit 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from planner.domain import CoefficientMode, service_load
from planner.errors import InputError, ProblemCode
from planner.wisn import published
from planner.workbook import read_scenario, validate_workbook
from planner.workbook.wisn_sheets import wisn_template_workbook

ROOT = Path(__file__).resolve().parents[2]


def saved(book: Workbook, tmp_path: Path, name: str = "wisn.xlsx") -> Path:
    path = tmp_path / name
    book.save(path)
    return path


def test_template_reads_to_the_required_staff(tmp_path):
    """Template: AWT (260 - 47) x 8 = 1,704 h, CAS 10% (CAF 1/0.9), S001 1,200 x 15 min x 0.7 =
    210 h -> 210 x 1.1111 / 1,704 = 0.1369 staff; U01's supervision 5 days x 8 h = 40 h ->
    IAF 40 / 1,704 = 0.0235; U01 requires 0.16 staff for its 10 employees."""
    scenario = read_scenario(saved(wisn_template_workbook(), tmp_path))
    assert scenario.settings.coefficient is CoefficientMode.WISN
    loads = {s.service_id: service_load(s, scenario.settings) for s in scenario.services}
    assert loads == pytest.approx({"S001": 210 / 0.9 / 1704, "IAS U01 general": 40 / 1704})
    assert published(sum(loads.values())) == 0.16


def kenya_workbook() -> Workbook:
    """Burmen et al. 2017 (doi 10.1186/s12960-017-0186-3), Table 3, as a workbook: 12
    clinicians, 100,000 consultations of 15 min, 234 days less 10 + 30 + 15, 8 h a day, a category
    allowance of 10 days of training."""
    book = Workbook()
    book.active.title = "Units"
    book["Units"].append(["Unit ID", "Name", "Employees"])
    book["Units"].append(["JOOTRH", "JOOTRH HIV clinic", 12])
    services = book.create_sheet("Services")
    services.append(["Service ID", "Unit ID", "Volume", "Minutes"])
    services.append(["consultation", "JOOTRH", 100_000, 15])
    book.create_sheet("Settings").append(["Setting", "Value"])
    book["Settings"].append(["coefficient", "wisn"])
    time = book.create_sheet("Working time")
    time.append(
        ["Unit ID", "Skill", "Working time", "Public holidays", "Annual leave", "Sick leave"]
        + ["Hours per day"]
    )
    time.append([None, "general", 234, 10, 30, 15, 8])
    allowances = book.create_sheet("Allowances")
    allowances.append(["Kind", "Activity", "Time per year", "Time unit"])
    allowances.append(["category", "training sessions", 10, "days"])
    return book


def test_published_study_loads_to_its_figures(tmp_path):
    """The Kenya clinic read from a workbook: without the allowance its load is the published
    baseline 17.46 clinicians; with the 10 days (CAF 179/169) 18.49 (computed from the published
    inputs), a WISN ratio 12 / 18.49 = 0.65."""
    scenario = read_scenario(saved(kenya_workbook(), tmp_path))
    (service,) = scenario.services
    load = service_load(service, scenario.settings)
    assert published(load * 169 / 179) == 17.46
    assert load == pytest.approx(3125 / 169)
    assert published(12 / load) == 0.65


def _edit(book: Workbook, sheet: str, cell: str, value: object) -> Workbook:
    book[sheet][cell] = value
    return book


BROKEN = [
    ("Working time", "D2", None, "Working time", "D2", ProblemCode.BLANK_REQUIRED),
    ("Working time", "A2", "NOPE", "Working time", "A2", ProblemCode.UNKNOWN_UNIT),
    ("Working time", "C2", "weeks", "Working time", "C2", ProblemCode.BAD_CHOICE),
    ("Working time", "E2", 300, "Working time", "D2", ProblemCode.MISSING_FOR_WISN),
    ("Working time", "I2", "eight", "Working time", "I2", ProblemCode.NOT_A_NUMBER),
    ("Allowances", "C2", "everyone", "Allowances", "C2", ProblemCode.BAD_CHOICE),
    ("Allowances", "F2", 12, "Allowances", "E2", ProblemCode.MISSING_FOR_WISN),
    ("Allowances", "E2", 100, "Working time", "D2", ProblemCode.MISSING_FOR_WISN),
    ("Allowances", "B3", "doctor", "Allowances", "B3", ProblemCode.MISSING_FOR_WISN),
    ("Services", "F2", None, "Services", "F2", ProblemCode.MISSING_FOR_WISN),
]


@pytest.mark.parametrize(("sheet", "cell", "value", "at_sheet", "at_cell", "code"), BROKEN)
def test_every_broken_wisn_cell_is_named(tmp_path, sheet, cell, value, at_sheet, at_cell, code):
    """Blank Working time, an unknown unit, a time unit that is neither days nor hours, leave
    longer than the year, text hours, an unknown allowance kind, a CAS with both a percent and a
    time, CAS of 100%, an allowance for a skill with no working time, a service with no Minutes:
    each is an error at its sheet and cell with its reason code."""
    report = validate_workbook(saved(_edit(wisn_template_workbook(), sheet, cell, value), tmp_path))
    found = [(p.sheet, p.cell, p.code) for p in report.problems]
    assert (at_sheet, at_cell, code) in found, found
    assert report.scenario is None


def test_duplicate_rows_and_missing_sheet(tmp_path):
    """Two Working time rows for every unit's `general` is a duplicate at the second row's
    Unit ID cell; coefficient wisn without a Working time sheet is an error naming the sheet."""
    book = wisn_template_workbook()
    book["Working time"].append([None, "general", "days", 250, 0, 0, 0, 0, 8])
    found = [(p.sheet, p.cell, p.code) for p in validate_workbook(saved(book, tmp_path)).problems]
    assert found == [("Working time", "A3", ProblemCode.DUPLICATE_ID)]
    book = wisn_template_workbook()
    del book["Working time"]
    with pytest.raises(InputError) as raised:
        read_scenario(saved(book, tmp_path, "no-time.xlsx"))
    assert [(p.sheet, p.code) for p in raised.value.problems] == [
        ("Working time", ProblemCode.MISSING_FOR_WISN)
    ]


def test_wisn_sheets_in_another_mode_are_ignored_with_a_warning(tmp_path):
    """coefficient hours with the WISN sheets: the scenario is the hours one (no allowance
    activity), and both sheets are named in a warning."""
    book = wisn_template_workbook()
    book["Settings"]["B2"] = "hours"
    report = validate_workbook(saved(book, tmp_path))
    assert report.ok
    assert [s.service_id for s in report.scenario.services] == ["S001"]
    assert {w.sheet for w in report.warnings} >= {"Working time", "Allowances"}


def test_cli_template_wisn_and_exit_code_2(tmp_path):
    """`planner template --wisn` writes a workbook that validates (exit 0); the same with a blank
    Working time cell exits 2 naming 'Working time' and D2."""
    path = tmp_path / "t.xlsx"
    cli = [sys.executable, "-m", "planner.cli"]
    subprocess.run([*cli, "template", str(path), "--wisn"], check=True, cwd=ROOT)
    assert subprocess.run([*cli, "validate", str(path)], cwd=ROOT).returncode == 0
    broken = saved(_edit(wisn_template_workbook(), "Working time", "D2", None), tmp_path, "b.xlsx")
    run = subprocess.run([*cli, "validate", str(broken)], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 2
    assert "Working time" in run.stdout + run.stderr and "D2" in run.stdout + run.stderr
