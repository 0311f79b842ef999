"""The Hires sheet of the result workbook (planner/reports/hires_sheet.py), written with the
`wisn target` setting, on the README's district study (scripts/wisn_example.py), whose fewest
hires are hand-solved in tests/studies/test_wisn_hires.py: the key figures, the reason the count
is (or is not) proven fewest, each cell's ratio before and after hiring, the total; in Russian and
Kazakh too."""

from __future__ import annotations

import dataclasses

import pytest

from planner.i18n import using
from planner.reports.result_workbook import result_workbook
from planner.solve import solve
from planner.studies.wisn_hires import fewest_hires
from planner.workbook import read_scenario
from tests.support import wisn_district_workbook


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    path = tmp_path_factory.mktemp("hires") / "district.xlsx"
    wisn_district_workbook().save(path)
    return read_scenario(path)


def _sheet(scenario, target, language=None):
    with using(language):
        workbook = result_workbook(
            solve(scenario, sensitivity=False), hires=fewest_hires(scenario, target)
        )
        return workbook, workbook.worksheets[2]


def _cells(ws, first_row: int = 10):
    """The table's rows by (unit id, category): current, required, ratio before, hires, staff
    after, ratio after, the figures rounded as WISN studies publish them."""
    found = {}
    for row in ws.iter_rows(min_row=first_row, values_only=True):
        if row[1] is None:
            break
        current, required, before, hired, after, ratio = row[4:10]
        found[row[1], row[3]] = (
            current, round(required, 2), round(before, 2), hired, after,
            None if ratio is None else round(ratio, 2),
        )  # fmt: skip
    return found


def test_one_hire_proven_fewest(district):
    """Target 1.00: clinicians need 6 + 3 + 2 = 11 of 10, so at least one hire; it goes to the
    Central clinic (4 clinicians for 5.88 required, ratio 0.68), and the plan with it brings every
    ratio to 1.00 or more (smallest 1.02: C1's 6 clinicians for 5.88): proven fewest."""
    workbook, ws = _sheet(district, 1.0)
    assert workbook.sheetnames[:3] == ["Summary", "WISN", "Hires"]
    assert [ws[f"A{r}"].value for r in range(3, 8)] == [
        "Target WISN ratio", "Hires", "Lower bound", "Proven fewest",
        "Smallest WISN ratio with the hires",
    ]  # fmt: skip
    assert (ws["B3"].value, ws["B4"].value, ws["B5"].value, ws["B6"].value) == (1.0, 1, 1, "yes")
    assert round(ws["B7"].value, 2) == 1.02
    assert ws["A8"].value == (
        "1 hire, proven fewest: every cell needs ceil(target x required) staff, so no plan "
        "reaches a WISN ratio of 1.00 in every cell with fewer than 1."
    )
    assert [c.value for c in ws[9]] == [
        "Unit / category", "Unit ID", "Group", "Category", "Current staff", "Required",
        "WISN ratio before", "Hires", "Staff after", "WISN ratio after",
    ]  # fmt: skip
    cells = _cells(ws)
    assert len(cells) == 6
    assert cells["C1", "clinician"] == (4, 5.88, 0.68, 1, 6, 1.02)
    assert cells["C2", "clinician"][:4] == (3, 2.22, 1.35, 0)
    assert cells["C3", "clinician"][:4] == (3, 1.11, 2.70, 0)
    assert cells["C1", "nurse"][:4] == (5, 5.43, 0.92, 0)
    assert min(ratio for *_, ratio in cells.values()) >= 1.0
    assert ws["A10"].value == "Central clinic / clinician"
    assert ws["G10"].number_format == "#,##0.00"
    # the total under the table: 22 staff before, 1 hire, 23 after
    assert (ws["A16"].value, ws["E16"].value, ws["H16"].value, ws["I16"].value) == (
        "Total", 22, 1, 23,
    )  # fmt: skip


def test_staff_fixed_hires_each_cells_shortfall(district):
    """allow staff moves = no, target 1.00: C1 needs 6 clinicians (has 4) and 6 nurses (has 5):
    2 + 1 hires where they are, proven (the bound of each cell on its own is 3)."""
    fixed = dataclasses.replace(
        district, settings=dataclasses.replace(district.settings, allow_staff_moves=False)
    )
    _, ws = _sheet(fixed, 1.0)
    assert (ws["B4"].value, ws["B5"].value, ws["B6"].value) == (3, 3, "yes")
    cells = _cells(ws)
    assert cells["C1", "clinician"] == (4, 5.88, 0.68, 2, 6, 1.02)
    assert cells["C1", "nurse"] == (5, 5.43, 0.92, 1, 6, 1.10)
    assert ws["H16"].value == 3


def test_not_proven_says_why(district):
    """The Hill clinic with Max moves 0: its surplus clinician cannot move, so the one hire of the
    bound does not reach the target; each cell's own shortfall is hired (3), not proven."""
    units = tuple(
        dataclasses.replace(u, max_moves=0) if u.unit_id == "C3" else u for u in district.units
    )
    _, ws = _sheet(dataclasses.replace(district, units=units), 1.0)
    assert (ws["B4"].value, ws["B5"].value, ws["B6"].value) == (3, 1, "no")
    assert ws["A8"].value == (
        "3 hires, not proven fewest: at least 1 are needed, but no plan with that many reached "
        "a WISN ratio of 1.00 in every cell (a rule such as Max moves keeps staff from moving), "
        "so each cell's own shortfall is hired where it is."
    )
    assert _cells(ws)["C1", "clinician"][3] == 2


def test_no_plan_reaches_the_target(district):
    """Max employees 9 at the Central clinic (it has 9): no hire fits there, so no plan reaches
    1.00; the sheet says so, lists the shortfall tried and has no after columns."""
    units = tuple(
        dataclasses.replace(u, max_employees=9) if u.unit_id == "C1" else u for u in district.units
    )
    _, ws = _sheet(dataclasses.replace(district, units=units), 1.0)
    assert (ws["B6"].value, ws["B7"].value) == ("no", None)
    assert ws["A8"].value.startswith("No plan reaches a WISN ratio of 1.00 in every cell")
    cells = _cells(ws)
    assert cells["C1", "clinician"] == (4, 5.88, 0.68, 2, None, None)


@pytest.mark.parametrize(
    ("language", "sheet", "header"),
    [("ru", "Приём", "Приём"), ("kk", "Қабылдау", "Қабылдау")],
)
def test_translated(district, language, sheet, header):
    """The sheet, its labels and its reason in Russian and Kazakh; the figures stay numbers."""
    workbook, ws = _sheet(district, 1.0, language)
    assert workbook.sheetnames[2] == sheet
    assert ws["H9"].value == header
    assert ws["B4"].value == 1
    assert "1,00" in ws["A8"].value
