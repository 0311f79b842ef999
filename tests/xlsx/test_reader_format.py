"""The reader by the file format's rules (planner.xlsx.ooxml): what it reads, and its bounds."""

from __future__ import annotations

import time
from pathlib import Path

from planner.workbook.validate import validate_workbook
from planner.xlsx import reading as xlsx
from tests.corpus.base import base_workbook, rewrite_member, sheet_part
from tests.corpus.reader import _many_columns, _shared_string_index, _shared_strings


def test_a_header_beyond_column_1000_is_read(tmp_path: Path) -> None:
    """Max employees in column 1,050 of 1,100 headed columns: every cap of 25 is read (the old
    reader stopped at column 1,000 and the caps vanished from an 'optimal' plan)."""
    workbook = base_workbook()
    _many_columns(workbook)
    path = tmp_path / "wide.xlsx"
    workbook.save(path)
    report = validate_workbook(path)
    assert report.problems == ()
    assert [u.max_employees for u in report.scenario.units] == [25, 25, 25, 25]


def test_shared_string_read_by_its_index(tmp_path: Path) -> None:
    """A cell of type s reads the shared string its index names, counted from 0."""
    path = _shared_string_index("1")(tmp_path)
    report = validate_workbook(path)
    assert report.problems == ()
    assert report.scenario.unit("D01").name == "spare"


def test_exactly_the_row_bound_is_read(tmp_path: Path, monkeypatch) -> None:
    """The bound counts data rows below the header: a table of exactly MAX_DATA_ROWS rows is
    read (the README allows 100,000; the old reader counted the header and refused them)."""
    monkeypatch.setattr(xlsx, "MAX_DATA_ROWS", 4)
    path = tmp_path / "four.xlsx"
    base_workbook().save(path)
    report = validate_workbook(path)
    assert report.problems == ()
    assert len(report.scenario.units) == 4


def test_two_million_unused_shared_strings_refused_quickly(tmp_path: Path) -> None:
    """A shared string table beyond the bound (1,000,000) is refused by name after reading up to
    the bound, in a few CPU seconds (was 17 s and 361 MB, then read anyway)."""
    path = tmp_path / "strings.xlsx"
    base_workbook().save(path)
    _shared_strings(path, [f"s{n}" for n in range(2_000_000)])
    rewrite_member(  # one cell refers to the table, so that it is needed
        path,
        sheet_part(path, "Units"),
        lambda xml: xml.replace(
            '<c r="B2" t="inlineStr"><is><t>Department of Agriculture</t></is></c>',
            '<c r="B2" t="s"><v>7</v></c>',
        ),
    )
    started = time.process_time()
    report = validate_workbook(path)
    elapsed = time.process_time() - started
    assert [(p.code, p.location) for p in report.problems] == [("too-many-parts", "workbook")]
    assert "strings.xlsx: the workbook holds more than 1,000,000 shared strings" in str(
        report.problems[0]
    )
    assert elapsed < 15


def test_shared_strings_are_not_read_when_no_cell_needs_them(tmp_path: Path) -> None:
    """A table of unused shared strings beyond the bound costs nothing when no cell refers to
    it: the planner reads what the sheets use."""
    path = tmp_path / "unused.xlsx"
    base_workbook().save(path)
    _shared_strings(path, [f"s{n}" for n in range(1_000_001)])
    started = time.process_time()
    report = validate_workbook(path)
    assert report.problems == ()
    assert time.process_time() - started < 2


def test_rows_written_out_of_order_are_read_in_row_order(tmp_path: Path) -> None:
    """The header row written last in the XML is still the header row: rows are read by their
    numbers, not their order in the file."""
    path = tmp_path / "order.xlsx"
    base_workbook().save(path)

    def header_last(xml: str) -> str:
        start, end = xml.index('<row r="1"'), xml.index("</row>") + len("</row>")
        header = xml[start:end]
        xml = xml[:start] + xml[end:]
        return xml.replace("</sheetData>", header + "</sheetData>")

    rewrite_member(path, sheet_part(path, "Units"), header_last)
    report = validate_workbook(path)
    assert report.problems == ()
    assert [u.unit_id for u in report.scenario.units] == ["D01", "D02", "D03", "D04"]


def test_stored_number_with_surrounding_whitespace(tmp_path: Path) -> None:
    """The format allows whitespace around a stored number (xsd:double collapses it): ' 12 '
    is 12 employees."""
    path = tmp_path / "spaces.xlsx"
    base_workbook().save(path)
    rewrite_member(
        path,
        sheet_part(path, "Units"),
        lambda xml: xml.replace('<c r="F2" t="n"><v>10</v></c>', '<c r="F2" t="n"><v> 12 </v></c>'),
    )
    report = validate_workbook(path)
    assert report.problems == ()
    assert report.scenario.employees("D01") == 12
