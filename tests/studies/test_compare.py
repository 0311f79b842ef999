"""Comparing options and the balance/disruption frontier: known figures on hand-computed cases, the
workbooks they write (sheets, rows, charts, text safety), Ctrl-C, LibreOffice, the CLI, and the
bundled West Kazakhstan scenarios.

The small case, worked by hand. Unit A has 4 employees and 12 services (3 of them movable), unit B
6 employees and 2 services; count coefficient, so A is at 12/4 = 3.0.
- staff moves only: n_A + n_B = 10, max(12/n_A, 2/n_B) is smallest at n_A = 8: 1.5, 4 moves;
- services only: at most the 3 movable services leave A: max(9/4, 5/6) = 2.25, 3 services moved;
- both: A keeps 10 services with 7 employees, B 4 with 3: max(10/7, 4/3) = 10/7, 3 staff and
  2 services moved (n_A = 7 forces exactly a = 10; n_A = 6 or 8 cannot reach 10/7);
- at most 1 staff move: n_A = 5, A keeps 9: max(9/5, 5/5) = 1.8, 1 staff and 3 services moved.
Staff frontier with services fixed: t*(b) = 12/(4+b) while B keeps 2/(6-b) below it: budgets 0..5
give 3, 2.4, 2, 12/7, 1.5, 1.5 (b = 5 would leave B 1 employee at 2.0, so 4 moves is the optimum).
"""

from __future__ import annotations

import dataclasses
import random
import re
import subprocess
import zipfile
from pathlib import Path
from types import MappingProxyType

import pytest
from openpyxl import load_workbook

from planner.cli import BudgetRangeError, main, parse_budget_range
from planner.domain import (
    CoefficientMode,
    Scenario,
    Service,
    Settings,
    StaffCell,
    Unit,
    Variant,
)
from planner.engine.group import group_data
from planner.engine.search import best_max_coefficient, with_settings
from planner.errors import InputError
from planner.reports import write_comparison, write_frontier
from planner.reports.charts import NO_STAFF
from planner.reports.comparison_workbook import sheet_title
from planner.reports.terminal import comparison_lines, frontier_lines
from planner.studies.compare import Comparison, compare
from planner.studies.frontier import default_budgets, frontier
from planner.workbook import read_scenario, write_scenario
from tests.support import COUNT_PATH, HOURS_PATH, SOFFICE

needs_bundled = pytest.mark.skipif(
    not (COUNT_PATH.is_file() and HOURS_PATH.is_file()),
    reason="the bundled West Kazakhstan scenarios are not built yet (scripts/build_scenarios.py)",
)
needs_soffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc",
)

# option -> (max coefficient after, staff moved, services moved), worked out in the docstring.
EXPECTED = {
    "baseline": (10 / 7, 3, 2.0),
    "staff only": (1.5, 4, 0.0),
    "services only": (2.25, 0, 3.0),
    "limit 1": (1.8, 1, 3.0),
}
STAFF_FRONTIER = [3.0, 2.4, 2.0, 12 / 7, 1.5, 1.5]


def two_units(*, variants: tuple[Variant, ...] = (), group: str = "all", **settings) -> Scenario:
    """The small case of the module docstring (unit ids prefixed for a second group)."""
    prefix = "" if group == "all" else f"{group}-"
    a, b = f"{prefix}A", f"{prefix}B"
    return Scenario(
        name="two-units",
        units=(Unit(a, "Alpha", group=group), Unit(b, "Beta", group=group)),
        staff=(StaffCell(a, "general", 4), StaffCell(b, "general", 6)),
        services=tuple(Service(f"{prefix}S{i:02d}", a, movable=i < 3) for i in range(12))
        + tuple(Service(f"{prefix}T{i}", b) for i in range(2)),
        settings=Settings(**settings),
        variants=variants,
    )


def three_variants() -> tuple[Variant, ...]:
    return (
        Variant("staff only", "no service moves", MappingProxyType({"allow_service_moves": False})),
        Variant("services only", "headcounts stay", MappingProxyType({"allow_staff_moves": False})),
        Variant("limit 1", "one staff move", MappingProxyType({"max_staff_moves": 1})),
    )


def compare_workbooks(paths, **options) -> Comparison:
    """Read each workbook, then compare their options (what `planner compare` does)."""
    return compare([read_scenario(path) for path in paths], **options)


def tags(xml: str, name: str) -> int:
    """How many <name> elements a chart part has (openpyxl writes them unprefixed, Excel as c:)."""
    return len(re.findall(rf"<(?:c:)?{name}[ >]", xml))


def columns(ws) -> dict[str, int]:
    """Header text -> 0-based column index of a sheet whose header is row 1."""
    return {cell.value: i for i, cell in enumerate(ws[1]) if cell.value is not None}


def rows(ws) -> list[tuple]:
    """Data rows under the header, up to the first blank row."""
    found = []
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[0] is None:
            break
        found.append(row)
    return found


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, Comparison, Path]:
    """The small case with three variants, compared once and written once for the module."""
    folder = tmp_path_factory.mktemp("small")
    path = write_scenario(two_units(variants=three_variants()), folder / "two-units.xlsx")
    comparison = compare_workbooks([path])
    out = write_comparison(comparison, folder / "comparison.xlsx", inputs=(path,))
    return path, comparison, out


# --- comparison ----------------------------------------------------------------------------


def test_each_option_has_its_hand_computed_figures(small):
    """Baseline, staff-only, services-only and limited options reach the t* and moves worked out by
    hand, and the difference to the baseline is t* minus 10/7."""
    _, comparison, _ = small
    assert [o.name for o in comparison.options] == list(EXPECTED)
    assert not comparison.interrupted and comparison.planned == 4
    for option in comparison.options:
        t, staff, services = EXPECTED[option.name]
        result = option.result
        assert result.status.value == "optimal"
        assert result.max_coefficient_before == pytest.approx(3.0)
        assert result.max_coefficient_after == pytest.approx(t, rel=1e-6)
        assert (result.staff_moved, result.services_moved) == (staff, services)
        assert comparison.difference(option) == pytest.approx(t - 10 / 7, abs=1e-6)
        assert option.source.endswith("two-units.xlsx")
    staff_only = comparison.options[1]
    assert comparison.staff_difference(staff_only) == 1
    assert comparison.services_difference(staff_only) == -2.0


def test_summary_lines_give_one_line_per_option(small):
    """The terminal summary: a heading, then per option its status, max coefficient before ->
    after, the difference to the baseline and the moves."""
    _, comparison, _ = small
    lines = comparison_lines(comparison)
    assert len(lines) == 5
    assert lines[0].startswith("4 option(s) from 1 workbook(s)")
    assert "baseline" in lines[1] and "3.000 -> 1.429 (the baseline)" in lines[1]
    assert "staff only" in lines[2] and "optimal" in lines[2]
    assert (
        "3.000 -> 1.500 (worse by 0.071 than the baseline), 4 staff moved, 0 services moved"
        in lines[2]
    )
    assert (
        "3.000 -> 2.250 (worse by 0.821 than the baseline), 0 staff moved, 3 services moved"
        in lines[3]
    )


def test_comparison_workbook_has_the_sheets_rows_and_chart(small):
    """Summary (one row per option with its figures), Units side by side, one sheet per option with
    its plan, Inputs; tables, frozen headers, number formats; a bar+line chart on Summary."""
    path, comparison, out = small
    book = load_workbook(out)
    assert book.sheetnames == [
        "Summary", "Groups", "Units", "baseline", "staff only", "services only", "limit 1",
        "Inputs",
    ]  # fmt: skip
    summary = book["Summary"]
    col = columns(summary)
    body = rows(summary)
    assert [r[col["Option"]] for r in body] == list(EXPECTED)
    for row in body:
        t, staff, services = EXPECTED[row[col["Option"]]]
        assert row[col["Max coefficient after"]] == pytest.approx(t, rel=1e-6)
        assert row[col["Max coefficient before"]] == pytest.approx(3.0)
        assert (row[col["Staff moved"]], row[col["Services moved"]]) == (staff, services)
        # In words since the ranking rule (a lower maximum is better): t - 10/7, to 3 decimals.
        assert row[col["Difference to baseline"]] == {
            "baseline": "the baseline", "staff only": "worse by 0.071",
            "services only": "worse by 0.821", "limit 1": "worse by 0.371",
        }[row[col["Option"]]]  # fmt: skip
        assert row[col["Status"]] == "optimal" and row[col["Checks passed"]] == "yes"
    assert summary.cell(row=2, column=col["Max coefficient after"] + 1).number_format == "0.0000"
    assert summary.freeze_panes == "B2"
    assert set(summary.tables) == {"SummaryTable"}
    assert (
        summary.tables["SummaryTable"].ref == f"A1:AA{len(body) + 1}"
    )  # 27 columns: the last is the P90 (--robust)
    assert len(summary._charts) == 1

    units = book["Units"]
    assert [c.value for c in units[1]] == [
        "Unit ID", "Name", "Level", "Group", "Before", *EXPECTED,
    ]  # fmt: skip
    by_unit = {r[0]: r for r in rows(units)}
    assert by_unit["A"][4:] == pytest.approx((3.0, 10 / 7, 1.5, 2.25, 1.8))
    assert by_unit["B"][4:] == pytest.approx((1 / 3, 4 / 3, 1.0, 5 / 6, 1.0))

    staff_only = book["staff only"]
    headers = [c.value for c in staff_only[1]]
    assert headers[:10] == [
        "Unit ID", "Name", "Level", "Group", "Employees before", "Employees after", "Change",
        "New hires", "Coefficient before", "Coefficient after",
    ]  # fmt: skip
    assert headers[11:15] == ["From", "To", "Skill", "Employees"]
    assert [c.value for c in staff_only[2]][11:15] == ["B", "A", "general", 4]
    assert staff_only.cell(row=2, column=17).value == "(none)"  # no reassignments
    assert set(staff_only.tables) == {"Option2Units", "Option2Transfers"}
    assert staff_only.freeze_panes == "A2"
    assert book["Inputs"]["B2"].value == str(path)

    with zipfile.ZipFile(out) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = archive.read(charts[0]).decode()
    assert tags(xml, "barChart") == 1 and tags(xml, "lineChart") == 1
    assert "Summary" in xml and "$G$2:$G$5" in xml  # max coefficient after, one bar per option


def test_an_infeasible_option_is_a_row_not_a_failure(tmp_path):
    """Locking both units when B needs a 7th employee has no plan: that option is a row with status
    infeasible and the reason, the others are solved, and the workbook is written."""
    base = two_units(
        variants=(Variant("lock both", "", lock_units=("A", "B")),),
    )
    base = dataclasses.replace(
        base, units=(base.units[0], dataclasses.replace(base.units[1], min_employees=7))
    )
    path = write_scenario(base, tmp_path / "locks.xlsx")
    comparison = compare_workbooks([path])
    baseline, locked = comparison.options
    assert baseline.result.status.value == "optimal"
    assert locked.result.status.value == "infeasible"
    assert locked.result.max_coefficient_after is None
    assert comparison.difference(locked) is None
    assert locked.notes and "infeasible" in comparison_lines(comparison)[2]
    out = write_comparison(comparison, tmp_path / "out.xlsx")
    summary = load_workbook(out)["Summary"]
    col = columns(summary)
    row = rows(summary)[1]
    assert row[col["Status"]] == "infeasible"
    assert row[col["Max coefficient after"]] is None
    assert row[col["Notes"]]


def test_ctrl_c_keeps_the_options_already_solved(small, tmp_path):
    """A KeyboardInterrupt while the third option starts: the comparison keeps the two solved
    options, says it was interrupted, and can still be written; before any option it re-raises."""
    path, _, _ = small
    messages: list[str] = []

    def progress(message: str) -> None:
        messages.append(message)
        if message.startswith("option 3/"):
            raise KeyboardInterrupt

    comparison = compare_workbooks([path], progress=progress)
    assert [o.name for o in comparison.options] == ["baseline", "staff only"]
    assert comparison.interrupted and comparison.planned == 4
    assert comparison_lines(comparison)[-1] == (
        "Interrupted: 2 of 4 options solved; the rest were not run."
    )
    assert messages[0] == "option 1/4: baseline"
    out = write_comparison(comparison, tmp_path / "interrupted.xlsx")
    summary = load_workbook(out)["Summary"]
    assert len(rows(summary)) == 2
    assert summary["A5"].value.startswith("Interrupted (Ctrl-C): 2 of 4 options were solved")

    def stop_at_once(message: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        compare_workbooks([path], progress=stop_at_once)


def test_two_workbooks_are_options_of_one_comparison(small, tmp_path):
    """Every workbook given is compared: labels carry the workbook, each has its own baseline, and
    sheet names stay unique and at most 31 characters."""
    path, _, _ = small
    other = write_scenario(
        two_units(variants=three_variants()[:1], allow_service_moves=False),
        tmp_path / "a-second-workbook-with-a-long-name.xlsx",
    )
    comparison = compare_workbooks([path, other])
    labels = [o.label for o in comparison.options]
    assert labels[:4] == [f"two-units: {name}" for name in EXPECTED]
    assert labels[4:] == [
        "a-second-workbook-with-a-long-name: baseline",
        "a-second-workbook-with-a-long-name: staff only",
    ]
    second_baseline = comparison.options[4]
    assert comparison.baseline(comparison.options[5]) is second_baseline
    assert second_baseline.result.max_coefficient_after == pytest.approx(1.5)
    book = load_workbook(write_comparison(comparison, tmp_path / "two.xlsx"))
    assert book.sheetnames[3:9] == [
        "1 baseline", "1 staff only", "1 services only", "1 limit 1", "2 baseline", "2 staff only",
    ]  # fmt: skip
    assert book["Units"]["E1"].value == "Before (two-units)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a[b]:c*d?e/f\\g", "a b c d e f g"),
        ("x" * 40, "x" * 31),
        ("'quoted'", "quoted"),
        ("History", "History (2)"),
        ("   ", "Option"),
        ("Summary", "Summary (2)"),
    ],
)
def test_sheet_titles_are_valid_and_unique(text, expected):
    """Sheet names lose []:*?/\\, leading/trailing apostrophes and anything past 31 characters, and
    never repeat a name already used (ignoring case) or Excel's reserved History."""
    taken = {"summary"}
    title = sheet_title(text, taken)
    assert title == expected
    assert title.casefold() in taken
    assert sheet_title(text, taken) != title  # a second use gets a suffix, still <= 31
    assert all(len(t) <= 31 for t in taken)


def test_text_from_the_input_never_becomes_a_formula(tmp_path):
    """Variant names and descriptions that begin with =, +, -, @ are written as text in every
    sheet of the comparison workbook, and a DDE-like group name in the frontier workbook (no
    formula cell, the text kept as typed)."""
    names = ("=1+2", "+cmd", "-2+3", "@SUM(A1)")
    variants = tuple(
        Variant(name, f'=HYPERLINK("http://x","{i}")', MappingProxyType({}))
        for i, name in enumerate(names)
    )
    path = write_scenario(two_units(variants=variants), tmp_path / "hostile.xlsx")
    out = write_comparison(compare_workbooks([path]), tmp_path / "out.xlsx")
    book = load_workbook(out)
    found = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    found.add(cell.value)
    assert set(names) <= found
    assert '=HYPERLINK("http://x","0")' in found
    with zipfile.ZipFile(out) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in archive.read(n) for n in sheets)

    hostile_group = two_units(group="=cmd|' /C calc'!A0", allow_service_moves=False)
    out = write_frontier(frontier(hostile_group, budgets=[0, 4]), tmp_path / "front.xlsx")
    cells = [c for ws in load_workbook(out).worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "=cmd|' /C calc'!A0" in {c.value for c in cells}


# --- frontier ------------------------------------------------------------------------------


def test_staff_frontier_of_two_units_matches_the_hand_computed_curve():
    """Budgets 0..5 give 3, 2.4, 2, 12/7, 1.5, 1.5; the optimum (1.5, 4 moves) is reached at 4, so
    4 and 5 are marked (4 also because budget 5 does no better) and nothing before them."""
    result = frontier(two_units(allow_service_moves=False), budgets=range(6))
    curve = result.group("all")
    assert [p.budget for p in curve.points] == [0, 1, 2, 3, 4, 5]
    assert [p.max_coefficient for p in curve.points] == pytest.approx(STAFF_FRONTIER, rel=1e-6)
    assert [p.stops_helping for p in curve.points] == [False] * 4 + [True, True]
    assert [p.reaches_optimum for p in curve.points] == [False] * 4 + [True, True]
    assert [p.flat_to_next for p in curve.points] == [False] * 4 + [True, False]
    assert all(p.proven for p in curve.points)
    assert curve.unconstrained == pytest.approx(1.5) and curve.unconstrained_moves == 4
    assert curve.first_optimal_budget == 4
    assert curve.points[5].solver_runs == 0  # known from the unconstrained optimum, no solve
    lines = frontier_lines(result)
    assert "all: before 3.000, best with no limit 1.500 using 4 staff moves" in lines[1]
    assert lines[2:] == [
        "    budget 0: 3.000", "    budget 1: 2.400", "    budget 2: 2.000", "    budget 3: 1.714",
        "    budget 4: 1.500  <- optimum reached", "    budget 5: 1.500  <- optimum reached",
    ]  # fmt: skip


def test_default_budgets_run_from_zero_to_the_unconstrained_move_count():
    """With no budgets given, a group gets 0..(moves of its unconstrained optimum): here 0..4, and
    an already balanced group gets the single budget 0 and a flat-curve note."""
    balanced = two_units(group="g2")
    balanced = dataclasses.replace(
        balanced,
        staff=(StaffCell("g2-A", "general", 12), StaffCell("g2-B", "general", 2)),
    )
    scenario = two_units(allow_service_moves=False, group="g1")
    scenario = dataclasses.replace(
        scenario,
        units=scenario.units + balanced.units,
        staff=scenario.staff + balanced.staff,
        services=scenario.services + balanced.services,
    )
    result = frontier(scenario)
    g1, g2 = result.groups
    assert [p.budget for p in g1.points] == [0, 1, 2, 3, 4]
    assert [p.max_coefficient for p in g1.points] == pytest.approx(STAFF_FRONTIER[:5], rel=1e-6)
    assert [p.budget for p in g2.points] == [0]
    assert g2.points[0].max_coefficient == pytest.approx(1.0) and g2.points[0].reaches_optimum
    assert g2.unconstrained_moves == 0 and "flat" in g2.note
    assert result.budgets is None
    only = frontier(scenario, group="g1", budgets=[2])
    assert [g.group for g in only.groups] == ["g1"]
    assert only.groups[0].points[0].max_coefficient == pytest.approx(2.0)
    with pytest.raises(InputError, match="is not a group"):
        frontier(scenario, group="nowhere")


def test_service_frontier_marks_a_plateau_before_the_optimum():
    """Budgeting service moves (staff free): 0 services give 1.5 (staff alone), 1 service gives no
    better (1.5: marked, the next budget does no better), 2 reach 10/7, the optimum."""
    result = frontier(two_units(), service_moves=True)
    curve = result.groups[0]
    assert [p.budget for p in curve.points] == [0, 1, 2]
    assert [p.max_coefficient for p in curve.points] == pytest.approx([1.5, 1.5, 10 / 7], rel=1e-6)
    assert [p.mark for p in curve.points] == [
        "no gain from the next budget", "", "optimum reached",
    ]  # fmt: skip
    assert result.moves_kind == "service moves"


def random_scenario(seed: int) -> Scenario:
    """Eight units, two skills, 40 services with random hours, a third movable (hours mode)."""
    rng = random.Random(seed)
    ids = [f"U{i}" for i in range(8)]
    staff = tuple(
        StaffCell(u, skill, rng.randint(1, 6)) for u in ids for skill in ("general", "legal")
    )
    services = tuple(
        Service(
            f"S{i:02d}", rng.choice(ids), skill=rng.choice(("general", "legal")),
            volume=float(rng.randint(50, 400)), minutes=float(rng.choice((10, 20, 30, 45))),
            movable=rng.random() < 0.35,
        )
        for i in range(40)
    )  # fmt: skip
    return Scenario(
        "random", tuple(Unit(u) for u in ids), staff, services,
        settings=Settings(coefficient=CoefficientMode.HOURS, hours_per_fte=1700.0),
    )  # fmt: skip


@pytest.mark.parametrize("service_moves", [False, True])
def test_warm_frontier_equals_a_cold_solve_at_every_budget(service_moves):
    """The frontier's re-solves of one loaded model (previous plan as start, unconstrained bound
    below) give the same t* at every budget as a fresh best_max_coefficient with that limit."""
    scenario = random_scenario(7)
    result = frontier(scenario, service_moves=service_moves)
    field = "max_service_moves" if service_moves else "max_staff_moves"
    data = group_data(scenario, "all")
    curve = result.groups[0]
    assert len(curve.points) >= 3
    for point in curve.points:
        cold = best_max_coefficient(with_settings(data, **{field: point.budget}))
        assert point.max_coefficient == pytest.approx(cold, rel=3e-6), point.budget
    values = [p.max_coefficient for p in curve.points]
    assert values == sorted(values, reverse=True)  # more moves never hurt


@pytest.mark.parametrize(
    ("text", "budgets"),
    [
        ("0:100:10", list(range(0, 101, 10))),
        ("0:5", [0, 1, 2, 3, 4, 5]),
        (" 0 : 10 : 3 ", [0, 3, 6, 9, 10]),
        ("7:7:1", [7]),
    ],
)
def test_parse_budget_range(text, budgets):
    """START:STOP:STEP includes STOP (added when the steps miss it); STEP defaults to 1."""
    assert parse_budget_range(text) == budgets


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("abc", "START:STOP:STEP"),
        ("0-10", "START:STOP:STEP"),
        ("-1:5:1", "START:STOP:STEP"),
        ("0:1.5:1", "START:STOP:STEP"),
        ("0:10:0", "STEP"),
        ("10:0:1", "must not be below START"),
        ("0:100000:1", "at most 1000"),
    ],
)
def test_bad_budget_ranges_are_refused_with_a_message(text, says):
    """Bad text raises BudgetRangeError, both a ValueError and an InputError (CLI exit 2), whose
    message names --max-moves, the text and what to write."""
    with pytest.raises(BudgetRangeError) as caught:
        parse_budget_range(text)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, InputError)
    message = str(caught.value)
    assert "--max-moves" in message and says in message and repr(text) in message


def test_default_budgets_are_every_move_up_to_20_then_about_16_points():
    """Few moves: every budget; many: evenly spaced with the end included."""
    assert default_budgets(0) == [0]
    assert default_budgets(4) == [0, 1, 2, 3, 4]
    assert default_budgets(257) == [*range(0, 257, 18), 257]
    assert len(default_budgets(1000)) == 16


def test_frontier_workbook_has_the_table_and_a_marked_line_chart(tmp_path):
    """Frontier (one row per group and budget, stops-helping rows marked), a line chart per group
    with a large marker on the marked points, Groups and Inputs."""
    result = frontier(two_units(allow_service_moves=False), budgets=range(6))
    out = write_frontier(result, tmp_path / "frontier.xlsx")
    book = load_workbook(out)
    assert book.sheetnames == ["Frontier", "Groups", "Inputs"]
    ws = book["Frontier"]
    col = columns(ws)
    body = rows(ws)
    assert [r[col["Budget (staff moves)"]] for r in body] == [0, 1, 2, 3, 4, 5]
    assert [r[col["Best max coefficient"]] for r in body] == pytest.approx(STAFF_FRONTIER)
    assert [r[col["Stops helping"]] for r in body] == ["no"] * 4 + ["yes"] * 2
    assert [r[col["Why"]] for r in body][3:] == [None, "optimum reached", "optimum reached"]
    assert ws.freeze_panes == "A2" and set(ws.tables) == {"FrontierTable"}
    assert len(ws._charts) == 1
    groups = rows(book["Groups"])
    assert groups == [("all", 3.0, 1.5, 4, 4, None)]
    with zipfile.ZipFile(out) as archive:
        xml = archive.read("xl/charts/chart1.xml").decode()
    assert tags(xml, "lineChart") == 1
    assert tags(xml, "dPt") == 2  # budgets 4 and 5
    assert "Frontier!$C$2:$C$7" in xml.replace("'", "")


def test_a_unit_with_load_and_no_staff_is_written_as_text(tmp_path):
    """An infinite coefficient (services and no staff) is written as `no staff`, never as a number
    Excel cannot read; the reader's warnings about it are kept in the Comparison."""
    base = two_units(allow_staff_moves=False, allow_service_moves=False)
    base = dataclasses.replace(base, staff=(StaffCell("A", "general", 4),))
    path = write_scenario(base, tmp_path / "nostaff.xlsx")
    comparison = compare_workbooks([path])
    out = write_comparison(comparison, tmp_path / "out.xlsx")
    by_unit = {r[0]: r for r in rows(load_workbook(out)["Units"])}
    assert by_unit["B"][4] == NO_STAFF
    # The reader's warning travels with the comparison, for the CLI to show.
    assert [p.code for p in comparison.warnings] == ["no-staff-of-skill"] * 2


# --- the command line -------------------------------------------------------------------------


def test_cli_compare_and_frontier_write_their_workbooks(small, tmp_path, capsys):
    """`planner compare` and `planner frontier` exit 0, print their summaries and write the
    workbook; a bad --max-moves or an unknown --group exits 2 with a message."""
    path, _, _ = small
    out = tmp_path / "cmp.xlsx"
    assert main(["compare", str(path), "--out", str(out), "--quiet"]) == 0
    assert out.is_file()
    printed = capsys.readouterr().out
    assert "4 option(s) from 1 workbook(s)" in printed and f"comparison workbook: {out}" in printed

    out = tmp_path / "front.xlsx"
    assert main(["frontier", str(path), "--out", str(out), "--max-moves", "0:4:2", "--quiet"]) == 0
    assert out.is_file()
    printed = capsys.readouterr().out
    # Services may move too: 0 staff moves leave the services' 2.25, 2 give 9/6 = 1.5, and 4 cover
    # the 3 staff moves of the optimum 10/7.
    assert (
        "    budget 0: 2.250\n    budget 2: 1.500\n    budget 4: 1.429  <- optimum reached"
        in printed
    )

    assert main(["frontier", str(path), "--max-moves", "0-10", "--quiet"]) == 2
    error = capsys.readouterr().err
    assert "--max-moves" in error and "START:STOP:STEP" in error
    assert main(["frontier", str(path), "--group", "nowhere", "--quiet"]) == 2
    assert "is not a group" in capsys.readouterr().err


# --- LibreOffice -------------------------------------------------------------------------------


def convert(paths: list[Path], folder: Path) -> list[Path]:
    """Re-save workbooks as xlsx with LibreOffice headless, each run with a fresh profile;
    soffice exits 0 even when it could not load a file, so the outputs are checked."""
    out = folder / "converted"
    out.mkdir()
    profile = folder / "lo-profile"
    subprocess.run(
        [
            SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
            "--convert-to", "xlsx", "--outdir", str(out), *map(str, paths),
        ],
        check=False, capture_output=True, timeout=240,
    )  # fmt: skip
    converted = [out / p.name for p in paths]
    missing = [p.name for p in converted if not p.is_file()]
    assert not missing, f"LibreOffice did not convert {missing}"
    return converted


@needs_soffice
def test_libreoffice_keeps_the_sheets_and_charts(small, tmp_path):
    """LibreOffice opens the comparison and frontier workbooks and, re-saving them, keeps every
    sheet and the charts (xl/charts/chart*.xml in the re-saved file)."""
    _, _, comparison_out = small
    frontier_out = write_frontier(
        frontier(two_units(allow_service_moves=False), budgets=range(6)), tmp_path / "front.xlsx"
    )
    expected = {p: load_workbook(p).sheetnames for p in (comparison_out, frontier_out)}
    for original, converted in zip(expected, convert(list(expected), tmp_path), strict=True):
        assert load_workbook(converted).sheetnames == expected[original]
        with zipfile.ZipFile(converted) as archive:
            assert any(n.startswith("xl/charts/chart") for n in archive.namelist())


# --- the bundled scenarios ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> tuple[Comparison, Path]:
    """Both bundled workbooks compared in one run and written once for the module."""
    comparison = compare_workbooks([COUNT_PATH, HOURS_PATH])
    out = tmp_path_factory.mktemp("bundled") / "bundled-comparison.xlsx"
    return comparison, write_comparison(comparison, out, inputs=(COUNT_PATH, HOURS_PATH))


@needs_bundled
def test_bundled_comparison_figures_equal_each_results_json(bundled):
    """Every option of both bundled workbooks is solved and checked, and the figures in the
    Summary and Units sheets equal that option's Result.to_dict()."""
    comparison, out = bundled
    for index in (0, 1):
        names = [o.name for o in comparison.options if o.workbook == index]
        assert names[0] == "baseline" and len(names) >= 6  # the baseline and at least 5 variants
    book = load_workbook(out)
    summary = book["Summary"]
    col = columns(summary)
    body = rows(summary)
    assert len(body) == len(comparison.options)
    units = book["Units"]
    unit_col = columns(units)
    unit_rows = {r[0]: r for r in rows(units)}
    for number, (option, row) in enumerate(zip(comparison.options, body, strict=True), start=1):
        summary_json = option.result.to_dict()
        assert option.result.checks_passed
        assert row[col["Option"]] == option.label
        assert row[col["Status"]] == summary_json["status"]
        for header, key in (
            ("Max coefficient before", "max_coefficient_before"),
            ("Max coefficient after", "max_coefficient_after"),
            ("Staff moved", "staff_moved"),
            ("Services moved", "services_moved"),
        ):
            assert row[col[header]] == pytest.approx(summary_json[key], rel=1e-12), header
        plan = book[row[col["Sheet"]]].tables
        assert plan[f"Option{number}Units"].ref == f"A1:J{len(summary_json['units']) + 1}"
        transfers = len(summary_json["transfers"])
        assert (f"Option{number}Transfers" in plan) == (transfers > 0)
        if transfers:
            assert plan[f"Option{number}Transfers"].ref == f"L1:O{transfers + 1}"
        for unit in summary_json["units"]:
            written = unit_rows[unit["unit_id"]][unit_col[option.label]]
            assert written == pytest.approx(unit["coefficient_after"], rel=1e-12)


@needs_bundled
def test_bundled_frontier_ends_at_the_baseline_optimum(bundled, tmp_path):
    """The staff frontier of a bundled group starts at the plan with no staff move and ends at the
    baseline's optimum, with the same number of staff moves as the baseline plan."""
    comparison, _ = bundled
    baseline = comparison.options[0].result.group("Uralsk City departments")
    result = frontier(read_scenario(COUNT_PATH), group="Uralsk City departments")
    curve = result.groups[0]
    assert curve.unconstrained == pytest.approx(baseline.objective_value, rel=1e-9)
    assert curve.unconstrained_moves == baseline.staff_moved
    assert curve.points[-1].budget == baseline.staff_moved and curve.points[-1].reaches_optimum
    values = [p.max_coefficient for p in curve.points]
    assert values == sorted(values, reverse=True)
    assert write_frontier(result, tmp_path / "f.xlsx").is_file()


@needs_bundled
@needs_soffice
def test_libreoffice_opens_the_bundled_comparison(bundled, tmp_path):
    """The bundled comparison workbook (17 options) survives a LibreOffice round trip with every
    sheet and its chart."""
    _, out = bundled
    sheets = load_workbook(out).sheetnames
    (converted,) = convert([out], tmp_path)
    assert load_workbook(converted).sheetnames == sheets
    with zipfile.ZipFile(converted) as archive:
        assert any(n.startswith("xl/charts/chart") for n in archive.namelist())
