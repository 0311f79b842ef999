"""The template and write_scenario: what they write reads back, safely and exactly."""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain import (
    CoefficientMode,
    Hire,
    Objective,
    Scenario,
    Service,
    ServiceAdjustment,
    Settings,
    SolverName,
    StaffCell,
    Unit,
    Variant,
)
from planner.errors import OutputError
from planner.workbook import read_scenario, write_scenario, write_template
from planner.workbook.validate import validate_workbook
from tests.corpus.examples import EXAMPLE, content


def test_example_round_trip(tmp_path: Path) -> None:
    """write_scenario then read_scenario gives back the same scenario, Cyrillic, zero-headcount
    staff cells, formula-looking names and variant overrides included."""
    path = write_scenario(EXAMPLE, tmp_path / "example.xlsx")
    assert content(read_scenario(path)) == content(EXAMPLE)


def test_general_only_staff_goes_in_units_employees(tmp_path: Path) -> None:
    """When every employee is `general`, the headcount is written in Units and no Staff sheet."""
    scenario = replace(
        EXAMPLE,
        staff=(StaffCell("D01", "general", 10), StaffCell("Ақжайық", "general", 5)),
        services=tuple(replace(s, skill="general") for s in EXAMPLE.services),
        variants=(),
    )
    path = write_scenario(scenario, tmp_path / "general.xlsx")
    workbook = openpyxl.load_workbook(path)
    assert "Staff" not in workbook.sheetnames
    assert [c.value for c in workbook["Units"][1]][5] == "Employees"
    assert content(read_scenario(path)) == content(scenario)


def test_no_input_text_becomes_a_formula(tmp_path: Path) -> None:
    """Text beginning with =, +, -, @, tab or carriage return, or looking like #N/A, is stored
    as text in every sheet: the saved XML holds no formula and no error cell."""
    hostile = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=2", "#N/A"]
    units = tuple(Unit(f"U{i}", name=text, level=text, group="g") for i, text in enumerate(hostile))
    scenario = Scenario(
        "hostile",
        units,
        tuple(StaffCell(u.unit_id, "general", 1) for u in units),
        tuple(Service(f"S{i}", f"U{i}", name=text) for i, text in enumerate(hostile)),
        variants=tuple(Variant(f"v{i}", description=text) for i, text in enumerate(hostile)),
    )
    assumptions = [(text, text, text) for text in hostile]
    path = write_scenario(scenario, tmp_path / "hostile.xlsx", assumptions=assumptions)
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        for name in sheets:
            xml = archive.read(name).decode()
            assert "<f>" not in xml and 't="e"' not in xml, name
    read_back = read_scenario(path)
    assert [u.name for u in read_back.units] == [t.strip() for t in hostile]
    workbook = openpyxl.load_workbook(path)
    assert workbook["Units"]["B2"].quotePrefix is True
    # XML turns a bare carriage return into a line feed; the text stays text all the same.
    written = [r[0].value for r in workbook["Assumptions"].iter_rows(min_row=2)]
    assert written == [t.replace("\r", "\n") for t in hostile]


def test_assumptions_sheet(tmp_path: Path) -> None:
    """Assumptions are written as a sheet with headers Assumption, Value, Basis; it is not read."""
    path = write_scenario(
        EXAMPLE, tmp_path / "a.xlsx", assumptions=[("Minutes per service", "12", "illustrative")]
    )
    sheet = openpyxl.load_workbook(path)["Assumptions"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Assumption", "Value", "Basis"],
        ["Minutes per service", "12", "illustrative"],
    ]
    assert [w for w in validate_workbook(path).warnings if w.sheet == "Assumptions"] == []


def test_write_scenario_refuses_its_own_source(tmp_path: Path) -> None:
    """Writing a scenario over the workbook it was read from is refused, the file untouched."""
    path = write_scenario(EXAMPLE, tmp_path / "source.xlsx")
    scenario = read_scenario(path)
    before = path.read_bytes()
    with pytest.raises(OutputError, match="refusing to write the output over the input file"):
        write_scenario(scenario, path)
    assert path.read_bytes() == before


def test_template_validates_clean(tmp_path: Path) -> None:
    """The template, filled with its example rows, validates with no error and no warning."""
    path = write_template(tmp_path / "template.xlsx")
    report = validate_workbook(path)
    assert (report.problems, report.warnings) == ((), ())
    scenario = report.scenario
    assert [u.unit_id for u in scenario.units] == ["U01"]
    assert scenario.services[0].digital_share == 0.3
    assert scenario.variants[0].hires == (Hire("U01", 2),)


def test_template_history_forecasts(tmp_path: Path) -> None:
    """The template's History sheet (every service, 2022-2024: 1,000, 1,100, 1,200) reads back
    and forecasts 2025 by the drift method for three years: 1,300 (the last year plus the mean
    step), with the warning that 3 years are too few for exponential smoothing."""
    from planner.studies.forecast import forecast

    scenario = validate_workbook(write_template(tmp_path / "template.xlsx")).scenario
    assert scenario is not None
    assert [(h.target, h.year, h.volume) for h in scenario.history] == [
        ("*", 2022, 1000.0), ("*", 2023, 1100.0), ("*", 2024, 1200.0)
    ]  # fmt: skip
    table = forecast(scenario, 2025).table()
    assert table["forecast"].tolist() == [1300.0]


def test_template_layout(tmp_path: Path) -> None:
    """Instructions first; each data sheet has a bold, filled header with a comment on every
    header cell, frozen panes under it, and drop-downs for yes/no and for coefficient/objective."""
    workbook = openpyxl.load_workbook(write_template(tmp_path / "template.xlsx"))
    assert workbook.sheetnames == [
        "Instructions", "Units", "Staff", "Services", "Settings", "Scenarios", "History"
    ]  # fmt: skip
    for title in workbook.sheetnames[1:]:
        sheet = workbook[title]
        header = [cell for cell in sheet[1] if cell.value is not None]
        assert all(cell.font.bold and cell.fill.fgColor.rgb.endswith("305496") for cell in header)
        assert all(
            cell.comment and ("Default:" in cell.comment.text or "Required" in cell.comment.text)
            for cell in header
        ), title
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["A"].width >= len(str(sheet["A1"].value))
    units_lists = {
        dv.formula1: str(dv.sqref) for dv in workbook["Units"].data_validations.dataValidation
    }
    assert units_lists == {'"yes,no"': "L2:L1048576"}
    settings_lists = {
        str(dv.sqref): dv.formula1 for dv in workbook["Settings"].data_validations.dataValidation
    }
    assert settings_lists["B2"] == '"count,hours,wisn"'
    assert settings_lists["B3"] == '"minmax,balance,leximax"'
    instructions = " ".join(
        str(c.value) for row in workbook["Instructions"].iter_rows() for c in row if c.value
    )
    assert "planner validate" in instructions and "Eligible units" in instructions


# --- property: any scenario round-trips ------------------------------------------------------

_ID_CHARS = "ABCDXYZabxyz0129ЖжҚқ_-. "
_TEXT_CHARS = _ID_CHARS + "=+@#%,;:!'\"()"
# Ids in one alphabet per word: a word mixing Latin and Cyrillic letters is refused (issue 12).
_ID_COMMON = "0129_-. "
ids = (
    (
        st.text("ABCDXYZabxyz" + _ID_COMMON, min_size=1, max_size=6)
        | st.text("ЖжҚқ" + _ID_COMMON, min_size=1, max_size=6)
    )
    .map(lambda text: " ".join(text.split()))
    .filter(bool)
)  # as the reader normalises
texts = st.text(_TEXT_CHARS, max_size=12).map(str.strip)


def _typed(numbers: st.SearchStrategy[float]) -> st.SearchStrategy[float]:
    """Floats as a planner types them: 15 significant digits. (openpyxl writes numbers with
    "%.16g", so a float needing all 17 digits comes back one bit away.)"""
    return numbers.map(lambda x: float(f"{x:.15g}"))


finite = _typed(st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False))
shares = _typed(st.floats(min_value=0, max_value=1, allow_nan=False))
# A unit's service share within its documented range: 0, or 0.0001 to 1 (planner.checks.RANGES).
service_shares = shares.filter(lambda share: share == 0 or share >= 0.0001)


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.casefold(), value)
    return list(seen.values())


@st.composite
def scenarios(draw) -> Scenario:
    unit_ids = _unique(draw(st.lists(ids, min_size=1, max_size=4)))
    skills = _unique(draw(st.lists(ids, min_size=1, max_size=2)))
    group_of = {u: draw(st.sampled_from(["g1", "g2"])) for u in unit_ids}
    units = []
    for index, unit_id in enumerate(unit_ids):
        low = draw(st.integers(0, 5))
        units.append(
            Unit(
                unit_id, draw(texts), draw(texts),
                draw(st.none() | st.sampled_from(unit_ids[:index] or [None])),
                group_of[unit_id], low, draw(st.none() | st.integers(low, 50)),
                draw(st.none() | st.integers(0, 9)), draw(st.booleans()), draw(service_shares),
                draw(st.none() | _typed(st.floats(1, 3000))),
            )
        )  # fmt: skip
    staff = sorted(
        {
            (u, s): StaffCell(u, s, draw(st.integers(0, 40)))
            for u in unit_ids
            for s in skills
            if draw(st.booleans())
        }.values(),
        key=lambda c: (c.unit_id, c.skill),
    )
    service_ids = _unique(draw(st.lists(ids, min_size=1, max_size=4)))
    services = []
    for service_id in service_ids:
        unit_id = draw(st.sampled_from(unit_ids))
        same_group = [u for u in unit_ids if group_of[u] == group_of[unit_id]]
        # A service's skill is one the group's staff have (when it has staff): a skill nobody
        # in the group has is a validation error (the service could never be delivered).
        staffed = sorted({c.skill for c in staff if c.unit_id in same_group and c.employees})
        services.append(
            Service(
                service_id, unit_id, draw(texts), draw(st.sampled_from(staffed or skills)),
                draw(finite),
                draw(st.none() | finite), draw(shares), draw(st.booleans()),
                tuple(draw(st.lists(st.sampled_from(same_group), unique=True, max_size=3))),
            )
        )  # fmt: skip
    base = Settings(
        objective=draw(st.sampled_from(list(Objective))),
        allow_staff_moves=draw(st.booleans()),
        max_service_moves=draw(st.none() | st.integers(0, 99)),
        time_limit=draw(st.none() | _typed(st.floats(0.5, 600))),
        mip_gap=draw(st.none() | shares),
        solver=draw(st.sampled_from(list(SolverName))),
        overload_margin=draw(finite),
    )
    variant_names = [
        n for n in _unique(draw(st.lists(ids, max_size=2))) if n.casefold() != "baseline"
    ]
    targets = ["*"] + [f"skill:{s}" for s in skills] + service_ids
    variants = tuple(
        Variant(
            name,
            draw(texts),
            MappingProxyType(
                draw(st.fixed_dictionaries({}, optional={
                    "max_staff_moves": st.none() | st.integers(0, 9),
                    "mip_gap": st.none() | shares,
                    "objective": st.sampled_from(list(Objective)),
                    "allow_service_moves": st.booleans(),
                }))
            ),
            tuple(Hire(draw(st.sampled_from(unit_ids)), draw(st.integers(0, 9)),
                       draw(st.sampled_from(skills))) for _ in range(draw(st.integers(0, 2)))),
            tuple(ServiceAdjustment(draw(st.sampled_from(targets)), draw(finite))
                  for _ in range(draw(st.integers(0, 2)))),
            tuple(ServiceAdjustment(draw(st.sampled_from(targets)), draw(shares))
                  for _ in range(draw(st.integers(0, 2)))),
            tuple(draw(st.lists(st.sampled_from(unit_ids), unique=True, max_size=2))),
        )
        for name in variant_names
    )  # fmt: skip
    return Scenario(
        "generated",
        tuple(sorted(units, key=lambda u: u.unit_id)),
        tuple(staff),
        tuple(sorted(services, key=lambda s: s.service_id)),
        base,
        variants,
    )


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scenario=scenarios())
def test_any_scenario_round_trips(tmp_path: Path, scenario: Scenario) -> None:
    """For generated scenarios (odd ids, formula-like text, floats, caps lifted by variants),
    read_scenario(write_scenario(s)) equals s except name, source, rows and warnings."""
    path = write_scenario(scenario, tmp_path / "generated.xlsx")
    assert content(read_scenario(path)) == content(scenario)


def test_round_trip_keeps_hours_mode(tmp_path: Path) -> None:
    """An hours-mode scenario keeps its mode, minutes and hours per FTE."""
    scenario = replace(
        EXAMPLE,
        settings=Settings(coefficient=CoefficientMode.HOURS, hours_per_fte=1700.0),
        services=tuple(replace(s, minutes=s.minutes or 1.0) for s in EXAMPLE.services),
    )
    path = write_scenario(scenario, tmp_path / "hours.xlsx")
    assert content(read_scenario(path)) == content(scenario)
    assert re.search(r"hours", str(read_scenario(path).settings.coefficient))
