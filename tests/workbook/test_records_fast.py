"""read_records, which reads a table column by column (quick readers for plain numbers and ids,
each distinct value tried once), gives exactly what the plain per-cell loop gives: the same
values with their types, the same errors and warnings in the same order (Hypothesis-generated
Services and Units tables with clean, repeated, broken, blank and look-alike cells)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.checks import range_problem
from planner.errors import ProblemCode
from planner.workbook.cells import clean_text
from planner.workbook.layout import SERVICES, UNITS, Kind, SheetFormat
from planner.workbook.tables import (
    INVALID,
    NAME_KINDS,
    Problems,
    Table,
    parser_for,
    read_cell,
    read_records,
)
from planner.xlsx.ooxml import column_letters


def _reference(table: Table, sheet: SheetFormat, problems: Problems) -> list[dict[str, Any]]:
    """The per-cell loop read_records had before it read by column: read_cell, the range check
    and the spelling note, cell by cell in the rows' order."""
    present = [c for c in sheet.columns if c.key in table.columns]
    out = []
    for row_number, cells in table.rows:
        values: dict[str, Any] = {}
        for column in present:
            key, index, label = column.key, table.columns[column.key], column.label
            coordinate = f"{column_letters(index)}{row_number}"
            entry = cells.get(index)
            value = values[key] = read_cell(
                problems, table.sheet, coordinate, entry, parser_for(column.kind, label),
                label=label, required=column.required,
            )  # fmt: skip
            if isinstance(value, int | float) and not isinstance(value, bool):
                reason = range_problem(key, label, value)
                if reason is not None:
                    problems.error(
                        table.sheet, coordinate, entry[0] if entry else None, reason,
                        ProblemCode.OUT_OF_RANGE,
                    )  # fmt: skip
                    values[key] = INVALID
            elif column.kind is Kind.ID and isinstance(value, str) and entry is not None:
                if isinstance(entry[0], str):
                    problems.note_spelling(
                        NAME_KINDS.get(key, key), table.sheet, coordinate,
                        clean_text(entry[0]), value, label,
                    )  # fmt: skip
        out.append(values)
    return out


# Cell values as a sheet may hold them: clean and broken numbers, ids with spaces, case,
# look-alike (Cyrillic) letters and invisible marks, yes/no words, dates, errors, formulas.
NUMBERS = [0, 1, 1.0, 2, 2.5, -1, 0.3, 1.5, 1_000_001, 5e-7, 45, 1e300, True, False]
TEXTS = [
    "D01", "D01", "d01", " D01 ", "D01  A", "DО1", "D\u200b01", "x;y", "skill:a", "*", "",
    "  ", "0,5", "1 500", "1,531", "62%", "yes", "no", "No", "maybe", "n/a", "general",
    "General", "Ақтөбе", "Uralsk", "D02", "10", "1.5e3",
]  # fmt: skip
OTHERS: list[tuple[object, str]] = [
    (dt.datetime(2024, 1, 5), "d"),
    (dt.timedelta(hours=36), "d"),
    ("#N/A", "e"),
    (None, "f"),
    (None, "x"),
    (True, "b"),
]


@st.composite
def entry(draw: st.DrawFn) -> tuple[object, str] | None:
    choice = draw(st.integers(0, 9))
    if choice < 2:
        return None
    if choice < 5:
        return (draw(st.sampled_from(NUMBERS)), "n")
    if choice < 9:
        return (draw(st.sampled_from(TEXTS)), "s")
    return draw(st.sampled_from(OTHERS))


@st.composite
def table(draw: st.DrawFn, sheet: SheetFormat) -> Table:
    keys = [c.key for c in sheet.columns]
    chosen = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=len(keys), unique=True))
    columns = {key: number for number, key in enumerate(chosen, start=1)}
    rows = []
    for row_number in range(2, 2 + draw(st.integers(0, 12))):
        cells = {}
        for number in columns.values():
            value = draw(entry())
            if value is not None:
                cells[number] = value
        rows.append((row_number, cells))
    return Table(sheet.name, 1, columns, rows)


def _typed(values: dict[str, Any]) -> dict[str, tuple[type, Any]]:
    return {k: (type(v), v) for k, v in values.items()}


def _check(sheet: SheetFormat, data: Table) -> None:
    fast, full = Problems(), Problems()
    records = read_records(data, sheet, fast)
    expected = _reference(data, sheet, full)
    assert [_typed(r.values) for r in records] == [_typed(v) for v in expected]
    assert [r.row for r in records] == [n for n, _ in data.rows]
    assert fast.errors == full.errors
    assert fast.warnings == full.warnings


@settings(max_examples=300, deadline=None)
@given(data=table(SERVICES))
def test_services_read_by_column_as_cell_by_cell(data: Table) -> None:
    """A generated Services table: the same values, errors and warnings as the per-cell loop."""
    _check(SERVICES, data)


@settings(max_examples=300, deadline=None)
@given(data=table(UNITS))
def test_units_read_by_column_as_cell_by_cell(data: Table) -> None:
    """A generated Units table (ids in two columns of one kind, Unit ID and Parent): the same
    values, errors and spelling warnings as the per-cell loop."""
    _check(UNITS, data)


def test_known_values_read_by_column() -> None:
    """Known cells: a repeated clean id and number, an id spelt two ways (a warning naming the
    first cell), a volume out of range and a blank required id (errors at their cells)."""
    columns = {"serviceid": 1, "unitid": 2, "volume": 3}
    rows = [
        (2, {1: ("S1", "s"), 2: ("D01", "s"), 3: (10, "n")}),
        (3, {1: ("S2", "s"), 2: ("D01 ", "s"), 3: (10, "n")}),
        (4, {2: ("D01", "s"), 3: (-1, "n")}),
        (5, {1: ("S3", "s"), 2: ("\uff2401", "s"), 3: (10, "n")}),  # a full-width D
    ]
    problems = Problems()
    records = read_records(Table("Services", 1, columns, rows), SERVICES, problems)
    assert [r.values["volume"] for r in records[:2]] == [10.0, 10.0]
    assert type(records[0].values["volume"]) is float
    assert [r.values["unitid"] for r in records] == ["D01", "D01", "D01", "D01"]
    assert [(p.cell, p.code) for p in problems.errors] == [
        ("A4", ProblemCode.BLANK_REQUIRED),
        ("C4", ProblemCode.NEGATIVE),
    ]
    assert records[2].values["serviceid"] is INVALID and records[2].values["volume"] is INVALID
    assert [(p.cell, p.code) for p in problems.warnings] == [
        ("B5", ProblemCode.SPELLING_NORMALISED)
    ]
    assert "(Services!B2)" in problems.warnings[0].expected
