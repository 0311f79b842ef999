"""The result workbook: sheets, figures equal to the JSON summary, charts, tables, safe text, faults.

Small scenarios are built in code with optimal plans worked out by hand; the bundled West Kazakhstan
scenario is solved and written as the CLI does. A LibreOffice test converts the workbook headless
and checks that the converted copy still has the sheets, the figures and the charts.
"""

from __future__ import annotations

import math
import subprocess
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest

from planner.domain import CoefficientMode, Hire, Scenario, Service, Settings, StaffCell, Unit
from planner.errors import OutputError
from planner.reports.result_workbook import SHEETS, write_result
from planner.result import Result
from planner.solve import solve
from planner.workbook import read_scenario
from planner.xlsx.files import sha256_of
from tests.support import COUNT_PATH, HOURS_PATH, REPO, SOFFICE

BUNDLED = COUNT_PATH
BUNDLED_HOURS = HOURS_PATH

needs_bundled = pytest.mark.skipif(
    not BUNDLED.exists(), reason=f"bundled scenario {BUNDLED.name} not built yet"
)


def _services(unit_id: str, count: int, *, movable: int = 0) -> list[Service]:
    return [
        Service(f"{unit_id}-S{i:02d}", unit_id, f"Service {i} of {unit_id}", movable=i < movable)
        for i in range(count)
    ]


# Two groups with hand-worked optimal plans (count mode, minmax):
# north: load 6, 8, 2 on 10, 4, 6 employees. The best integer split of 20 employees is 7, 10, 3
#   (6/7 = 0.857 is the highest; 8 on 10 and 2 on 3 are below), so 6 employees move, 3 from N1 and
#   3 from N3 to N2. N3 is a child of N1, so N1 gets a roll-up row.
# south: both units locked, 5 employees each, load 6 (3 movable) and 2: two services move to S2
#   and both reach 4/5 = 0.8.
SMALL = Scenario(
    name="small",
    units=(
        Unit("N1", "North A", "office", None, "north"),
        Unit("N2", "North B", "office", None, "north"),
        Unit("N3", "North C", "branch", "N1", "north"),
        Unit("S1", "South A", "office", None, "south", locked=True),
        Unit("S2", "South B", "office", None, "south", locked=True),
    ),
    staff=(
        StaffCell("N1", "general", 10),
        StaffCell("N2", "general", 4),
        StaffCell("N3", "general", 6),
        StaffCell("S1", "general", 5),
        StaffCell("S2", "general", 5),
    ),
    services=tuple(
        _services("N1", 6)
        + _services("N2", 8)
        + _services("N3", 2)
        + _services("S1", 6, movable=3)
        + _services("S2", 2)
    ),  # fmt: skip
)

HOSTILE = ("=1+1", "+1", "-1", "@SUM(A1)", "\tTAB", "\rCR")
HOSTILE_NAMES = ('=HYPERLINK("http://evil.example","click")', "=cmd|' /C calc'!A0", "-2+3")


def _hostile_scenario() -> Scenario:
    """Every id, name, group and skill begins with a character a spreadsheet may execute."""
    units = (
        Unit(HOSTILE[0], HOSTILE_NAMES[0], "@level", None, "=group"),
        Unit(HOSTILE[1], HOSTILE_NAMES[1], "+level", HOSTILE[0], "=group"),
        Unit(HOSTILE[2], HOSTILE_NAMES[2], "-level", HOSTILE[0], "=group"),
        Unit(HOSTILE[3], "@name", "\tlevel", None, "=group"),
        Unit(HOSTILE[4], "\tname", "\rlevel", None, "=group"),
        Unit(HOSTILE[5], "\rname", "=level", None, "=group"),
    )
    staff = tuple(
        StaffCell(u.unit_id, "=skill", n) for u, n in zip(units, (9, 1, 4, 6, 2, 3), strict=True)
    )
    services = tuple(
        Service(f"{prefix}S{i}", unit.unit_id, f"{prefix}service {i}", "=skill", movable=True)
        for i, (unit, prefix) in enumerate(
            [(units[0], "=")] * 2 + [(units[1], "+")] * 5 + [(units[2], "-")] * 3
            + [(units[3], "@")] + [(units[4], "\t")] * 2 + [(units[5], "\r")] * 2
        )
    )  # fmt: skip
    return Scenario(
        name='=HYPERLINK("http://evil.example")',
        units=units,
        staff=staff,
        services=services,
        source_path="=evil.xlsx",
        # Emptying allowed, so that the plan moves staff and services and no sheet stays empty.
        settings=Settings(keep_staff_share=0.0),
    )


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Result, Path]:
    result = solve(SMALL)
    path = write_result(result, tmp_path_factory.mktemp("small") / "small-result.xlsx")
    return result, path


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> tuple[Result, Path]:
    if not BUNDLED.exists():
        pytest.skip(f"bundled scenario {BUNDLED.name} not built yet")
    result = solve(read_scenario(BUNDLED))
    out = tmp_path_factory.mktemp("bundled") / "west-kazakhstan-2024-result.xlsx"
    return result, write_result(result, out, inputs=(BUNDLED,))


def _table(ws, header: str) -> list[dict[str, object]]:
    """The rows (and total row) of the table whose first header cell reads `header`."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == header)
    headers = [h for h in rows[start] if h is not None]
    table = []
    for row in rows[start + 1 :]:
        if row[0] is None:
            break
        table.append(dict(zip(headers, row, strict=False)))
    return table


def _rows(ws, header: str) -> dict[str, dict[str, object]]:
    """The same table keyed by its first column."""
    return {row[header]: row for row in _table(ws, header)}


def _texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


# --- a small scenario with known optimal plans ----------------------------------------------------


def test_sheets_come_in_the_documented_order(small):
    """Summary first, then the Memo, Units, Charts and the plan's tables, Inputs last."""
    _, path = small
    assert openpyxl.load_workbook(path).sheetnames == [
        "Summary", "Memo", "Units", "Charts", "Transfers", "Reassignments", "Skills", "Sensitivity",
        "Checks", "Inputs",
    ]  # fmt: skip
    assert list(SHEETS) == openpyxl.load_workbook(path).sheetnames


def test_summary_figures_equal_the_json_summary_and_the_known_optimum(small):
    """Per group and in total, the Summary shows the figures of Result.to_dict(): north 6/7."""
    result, path = small
    summary = result.to_dict()
    groups = _rows(openpyxl.load_workbook(path)["Summary"], "Group")
    for expected in summary["groups"]:
        row = groups[expected["group"]]
        assert row["Highest coefficient before"] == pytest.approx(
            expected["max_coefficient_before"]
        )
        assert row["Highest coefficient after"] == pytest.approx(expected["max_coefficient_after"])
        assert row["Staff moved"] == expected["staff_moved"]
        assert row["Services moved"] == expected["services_moved"]
        assert row["Status"] == expected["status"]
    assert groups["north"]["Highest coefficient after"] == pytest.approx(6 / 7)
    assert groups["north"]["Staff moved"] == 6
    assert groups["south"]["Services moved"] == 2
    total = groups["All groups"]
    assert total["Highest coefficient after"] == pytest.approx(summary["max_coefficient_after"])
    assert total["Staff moved"] == summary["staff_moved"] == 6


def test_summary_says_the_plan_in_plain_words(small):
    """The account is built from the transfers: who receives how many from whom, and the effect."""
    _, path = small
    texts = _texts(openpyxl.load_workbook(path)["Summary"])
    assert (
        "North B receives 6 employees from North A and North C; its coefficient falls from "
        "2.000 to 0.800." in texts
    )
    assert (
        "South B takes over 2 services from South A; its coefficient rises from 0.400 to 0.800."
        in texts
    )
    assert "The highest coefficient falls from 2.000 to 0.857 by moving 6 employees." in texts


def test_units_sheet_has_every_unit_flags_and_a_rollup_without_double_counting(small):
    """Units rows equal the JSON; N2 is flagged before only; N1's roll-up adds N3 but no total does."""
    result, path = small
    ws = openpyxl.load_workbook(path)["Units"]
    units = _rows(ws, "Unit ID")
    assert set(units) == {u.unit_id for u in SMALL.units}
    for expected in result.to_dict()["units"]:
        row = units[expected["unit_id"]]
        assert row["Employees after"] == expected["employees_after"]
        assert row["Coefficient after"] == pytest.approx(expected["coefficient_after"])
    assert units["N2"]["Employees after"] == 10
    assert (units["N2"]["Overloaded before"], units["N2"]["Overloaded after"]) == ("yes", "no")
    totals = _rows(ws, "Group")
    assert totals["north"]["Employees before"] == 20  # N3 counted once, inside north
    assert totals["All groups"]["Employees before"] == 30
    assert totals["north"]["Mean coefficient before"] == pytest.approx(16 / 20)
    rollup = _rows(ws, "Parent unit ID")["N1"]
    assert (rollup["Units included"], rollup["Employees before"], rollup["Employees after"]) == (
        2, 16, 10,
    )  # fmt: skip
    assert rollup["Coefficient after"] == pytest.approx(8 / 10)
    assert ws.freeze_panes == "C2"


def test_tables_charts_formats_and_frozen_headers(small):
    """Named tables on every sheet, one chart per group plus one on Summary, units in formats."""
    _, path = small
    wb = openpyxl.load_workbook(path)
    names = [name for ws in wb.worksheets for name in ws.tables]
    assert len(names) == len(set(names))
    assert {"SummaryGroups", "UnitsTable", "GroupTotals", "Rollups", "TransfersTable",
            "ReassignmentsTable", "SkillsTable", "SensitivityTable", "ChecksTable",
            "SettingsTable", "InputFile"} <= set(names)  # fmt: skip
    assert len(wb["Charts"]._charts) == 2
    assert len(wb["Summary"]._charts) == 1
    units = wb["Units"]
    assert units["F2"].number_format == "#,##0"  # employees before
    assert units["K2"].number_format == "0.0000"  # coefficient before (planner.display)
    for name in ("Transfers", "Reassignments", "Skills", "Checks"):
        assert wb[name].freeze_panes in ("A2", "C2")
    transfers = _table(wb["Transfers"], "From unit ID")
    assert sorted((r["From unit ID"], r["To unit ID"], r["Employees"]) for r in transfers) == [
        ("N1", "N2", 3), ("N3", "N2", 3),
    ]  # fmt: skip


def test_inputs_sheet_carries_settings_and_fingerprint(tmp_path):
    """Inputs repeats every setting and the input's SHA-256; Checks lists each check as passed."""
    scenario = Scenario(
        name="fp", units=SMALL.units[:2], staff=SMALL.staff[:2],
        services=tuple(s for s in SMALL.services if s.unit_id in ("N1", "N2")),
        settings=Settings(max_staff_moves=2), source_path="in.xlsx", source_sha256="ab" * 32,
    )  # fmt: skip
    result = solve(scenario)
    wb = openpyxl.load_workbook(write_result(result, tmp_path / "out.xlsx"))
    settings = _rows(wb["Inputs"], "Setting")
    assert settings["max staff moves"]["Value"] == 2
    assert settings["coefficient"]["Value"] == "count"
    facts = _rows(wb["Inputs"], "Item")
    assert facts["SHA-256 of the input file"]["Value"] == "ab" * 32
    checks = _table(wb["Checks"], "Group")
    assert len(checks) == len(result.checks) and {c["Result"] for c in checks} == {"passed"}


def test_infeasible_group_is_explained_on_the_summary(tmp_path):
    """A group whose minimum headcounts exceed its staff has no plan: Summary says why."""
    scenario = Scenario(
        name="stuck",
        units=(Unit("A", "Alpha", min_employees=8), Unit("B", "Beta", min_employees=8)),
        staff=(StaffCell("A", "general", 5), StaffCell("B", "general", 5)),
        services=tuple(_services("A", 3) + _services("B", 1)),
    )
    result = solve(scenario)
    assert result.to_dict()["status"] == "infeasible"
    ws = openpyxl.load_workbook(write_result(result, tmp_path / "stuck.xlsx"))["Summary"]
    texts = _texts(ws)
    assert "No plan satisfies the limits of this group, so nothing is moved. Why:" in texts
    assert all(line in texts for line in result.groups[0].explanation)
    assert _rows(ws, "Group")["all"]["Highest coefficient after"] is None


def test_new_hires_are_told_apart_from_moves(tmp_path):
    """Headcount a variant adds is named as new hires, in words and in Transfers, not as moves."""
    scenario = Scenario(
        name="hires",
        units=(Unit("A", "Alpha"), Unit("B", "Beta")),
        staff=(StaffCell("A", "general", 2), StaffCell("B", "general", 2)),
        services=tuple(_services("A", 4) + _services("B", 2)),
        settings=Settings(allow_staff_moves=False, allow_service_moves=False),
        hires=(Hire("A", 2),),
    )
    result = solve(scenario)
    wb = openpyxl.load_workbook(write_result(result, tmp_path / "hires.xlsx"))
    texts = _texts(wb["Summary"])
    assert "The highest coefficient falls from 2.000 to 1.000 by adding 2 new hires." in texts
    assert "Alpha receives 2 new hires; its coefficient falls from 2.000 to 1.000." in texts
    transfers = _table(wb["Transfers"], "From unit ID")
    assert [(r["From"], r["To unit ID"], r["Employees"]) for r in transfers] == [
        ("new hires", "A", 2)
    ]


# --- the bundled scenario --------------------------------------------------------------------------


@needs_bundled
def test_bundled_result_matches_its_json_summary(bundled):
    """West Kazakhstan: every group's figures and Zhangala's headcount equal Result.to_dict()."""
    result, path = bundled
    summary = result.to_dict()
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == list(SHEETS)
    groups = _rows(wb["Summary"], "Group")
    assert set(groups) == {g["group"] for g in summary["groups"]} | {"All groups"}
    for expected in summary["groups"]:
        row = groups[expected["group"]]
        assert row["Highest coefficient after"] == pytest.approx(expected["max_coefficient_after"])
        assert row["Highest coefficient before"] == pytest.approx(
            expected["max_coefficient_before"]
        )
        assert row["Staff moved"] == expected["staff_moved"]
    # Published: Zhangala District (D05) has the districts' highest coefficient, 62 / 93.
    assert groups["Districts"]["Highest coefficient before"] == pytest.approx(62 / 93)
    zhangala = _rows(wb["Units"], "Unit ID")["D05"]
    expected = next(u for u in summary["units"] if u["unit_id"] == "D05")
    assert zhangala["Name"] == "Zhangala District"
    assert zhangala["Employees after"] == expected["employees_after"]
    assert zhangala["Employees before"] == 93
    assert len(wb["Charts"]._charts) == len(summary["groups"])
    facts = _rows(wb["Inputs"], "Item")
    assert facts["SHA-256 of the input file"]["Value"] == sha256_of(BUNDLED)


@pytest.mark.skipif(not BUNDLED_HOURS.exists(), reason="bundled hours scenario not built yet")
def test_skills_sheet_reaches_the_reported_maximum_per_group(tmp_path):
    """Hours mode with skills: the largest unit-skill coefficient of each group is its maximum."""
    result = solve(read_scenario(BUNDLED_HOURS), sensitivity=False)
    assert result.coefficient is CoefficientMode.HOURS
    ws = openpyxl.load_workbook(write_result(result, tmp_path / "hours.xlsx"))["Skills"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    for g in result.groups:
        cells = [r for r in rows if r[2] == g.group]
        assert max(r[11] for r in cells) == pytest.approx(g.max_coefficient_after, rel=1e-9)
        assert max(r[10] for r in cells) == pytest.approx(g.max_coefficient_before, rel=1e-9)


# --- text from the input stays text ---------------------------------------------------------------


def test_hostile_text_never_becomes_a_formula_or_link(tmp_path):
    """Ids, names, groups and skills beginning with = + - @ tab CR are stored as text everywhere."""
    result = solve(_hostile_scenario())
    assert result.staff_moved > 0 and result.services_moved > 0  # so no sheet stays empty
    path = write_result(result, tmp_path / "hostile.xlsx")
    wb = openpyxl.load_workbook(path)
    inputs = set(HOSTILE) | set(HOSTILE_NAMES) | {"=group", "=skill", "=evil.xlsx"}
    seen = set()
    for ws in wb.worksheets:
        assert not ws._hyperlinks, ws.title
        for row in ws.iter_rows():
            for cell in row:
                assert cell.hyperlink is None
                if cell.data_type == "f":
                    assert not any(text.strip() in str(cell.value) for text in inputs), cell
                if isinstance(cell.value, str):
                    seen.add(cell.value)
    # Nothing was dropped: the hostile ids and names are all there, as text. A carriage return
    # comes back as a line feed (XML normalises line ends), still as text.
    assert {t.replace("\r", "\n") for t in inputs} <= seen
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        sheets = [archive.read(n).decode() for n in names if n.startswith("xl/worksheets/sheet")]
    assert not any("<f>" in xml or "<f " in xml for xml in sheets)
    assert not any("externalLink" in n or "hyperlink" in n.lower() for n in names)


# --- LibreOffice ------------------------------------------------------------------------------------


def _convert(path: Path, fmt: str, out_dir: Path) -> Path:
    """Convert with a fresh LibreOffice profile; soffice exits 0 even on failure, so check."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", fmt, "--outdir", str(out_dir), str(path)],
            capture_output=True, timeout=120, check=False,
        )  # fmt: skip
    converted = out_dir / f"{path.stem}.{fmt}"
    assert converted.exists(), f"LibreOffice did not convert {path.name} to {fmt}"
    return converted


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_workbook_and_keeps_figures_and_charts(small, bundled, tmp_path):
    """Converted headless to xlsx and pdf: sheets, figures and chart parts survive the re-save."""
    result, path = bundled
    converted = _convert(path, "xlsx", tmp_path)
    assert _convert(path, "pdf", tmp_path).stat().st_size > 10_000
    wb = openpyxl.load_workbook(converted)
    assert wb.sheetnames == list(SHEETS)
    groups = _rows(wb["Summary"], "Group")
    for g in result.groups:
        assert groups[g.group]["Highest coefficient after"] == pytest.approx(
            g.max_coefficient_after
        )
    d05 = next(u for u in result.units if u.unit_id == "D05")
    assert _rows(wb["Units"], "Unit ID")["D05"]["Employees after"] == d05.employees_after
    with zipfile.ZipFile(converted) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == len(result.groups) + 1  # one per group and the Summary's


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_keeps_hostile_text_as_text(tmp_path):
    """Re-saved by LibreOffice, no hostile id or name has turned into a formula."""
    path = write_result(solve(_hostile_scenario()), tmp_path / "hostile.xlsx")
    out = tmp_path / "converted"
    out.mkdir()
    wb = openpyxl.load_workbook(_convert(path, "xlsx", out))
    formulas = [
        c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"
    ]
    assert formulas == []
    assert HOSTILE_NAMES[0] in _texts(wb["Units"])


# --- faults ---------------------------------------------------------------------------------------


def test_output_faults_name_the_path(small, tmp_path):
    """A missing folder or the input's own path gives OutputError naming it; the input is intact."""
    result, _ = small
    missing = tmp_path / "no-such-folder" / "out.xlsx"
    with pytest.raises(OutputError, match="no-such-folder"):
        write_result(result, missing)
    source = tmp_path / "scenario.xlsx"
    source.write_bytes(b"input")
    with pytest.raises(OutputError, match=r"over the input file .*scenario\.xlsx"):
        write_result(result, source, inputs=(source,))
    assert source.read_bytes() == b"input"
    assert not missing.parent.exists()


def test_infinite_coefficient_is_written_as_words_not_a_broken_number(tmp_path):
    """A unit with load and no staff shows 'no staff' instead of inf (which Excel rejects)."""
    scenario = Scenario(
        name="empty unit",
        units=(Unit("A", "Alpha"), Unit("B", "Beta")),
        staff=(StaffCell("A", "general", 4), StaffCell("B", "general", 0)),
        services=tuple(_services("A", 2) + _services("B", 2)),
    )
    result = solve(scenario)
    assert math.isinf(result.unit("B").coefficient_before)
    ws = openpyxl.load_workbook(write_result(result, tmp_path / "inf.xlsx"))["Units"]
    assert _rows(ws, "Unit ID")["B"]["Coefficient before"] == "no staff"


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_readme_pictures_are_committed():
    """docs/summary.png and docs/comparison.png (scripts/screenshots.py) exist and are real PNGs."""
    for name in ("summary.png", "comparison.png"):
        width, height = _png_size(REPO / "docs" / name)
        assert width >= 600 and height >= 200, name


def test_large_group_with_unstaffed_unit_writes(tmp_path):
    """A group of 52 units, one holding a service with no staff before the plan (coefficient
    infinite), writes a workbook whose chart keeps the 50 most loaded units, the unstaffed one
    first: it used to fail sorting None against numbers."""
    from planner.domain import Scenario, Service, StaffCell, Unit
    from planner.reports.result_workbook import write_result
    from planner.solve import solve

    units = tuple(Unit(f"U{i:02d}") for i in range(52))
    staff = tuple(StaffCell(f"U{i:02d}", "general", 2) for i in range(1, 52))
    services = tuple(Service(f"S{i:02d}", f"U{i:02d}") for i in range(52))
    result = solve(Scenario("big", units, staff, services), sensitivity=False)
    assert result.unit("U00").coefficient_before == float("inf")
    path = write_result(result, tmp_path / "big.xlsx")
    workbook = openpyxl.load_workbook(path)
    assert "Charts" in workbook.sheetnames
    assert len(workbook["Charts"]._charts) == 1
