"""The plain-form sheet scanner (planner.xlsx.ooxml._read_plain_sheet) reads exactly what the
full expat reader reads, cell for cell, on generated sheets: plain ones (where the scanner must be
the path taken) and ones with odd forms (inline strings, rich text, formulas with cached values,
t="str", booleans, errors, dates, entities, comments, bad references) that it must hand to expat."""

from __future__ import annotations

import io
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.xlsx import ooxml
from planner.xlsx.ooxml import SheetCells

SHARED = ["Almaty", "", "  ", "Rich bold", "Ақтөбе", "x\u200b", "=SUM(A1)"]
# Style 0 general, 1 a date (numFmtId 14), 2 a duration ([h]:mm:ss), 3 invisible (;;;).
STYLES = ooxml.Styles(frozenset({1, 2}), frozenset({2}), 4, frozenset({3}))
MEMBER = "xl/worksheets/sheet1.xml"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<cols><col min="3" max="3" width="0" customWidth="1"/></cols><sheetData>'
)
TAIL = '</sheetData><mergeCells count="1"><mergeCell ref="A1:B2"/></mergeCells></worksheet>'

# What a plain cell's <v> may hold, by type (good values and values that break the format).
PLAIN_VALUES = {
    "": ["0", "17", "-3", "0.59", "1e3", "2.5E-2", " 12 ", "1_0", "NaN", "1e999", "١٢", "", "x"],
    "n": ["5", "45292", "-1"],
    "s": ["0", "1", "2", "3", "4", "5", "6", "7", "-1", " 3", "99"],
    "b": ["0", "1", "true", "2"],
    "e": ["#N/A", "#DIV/0!", "#REF!"],
    "str": ["text", " padded ", "Ақтөбе", "", "1.5"],
    "d": ["2024-01-05", "2024-01-05T10:30:00Z", "not a date"],
    "inlineStr": ["inline via v", ""],
    "zz": ["1"],
}
# Cell forms the scanner must leave to expat: each is well-formed XML a spreadsheet may hold.
ODD_CELLS = [
    '<c r="{ref}" t="inlineStr"><is><t>inline</t></is></c>',
    '<c r="{ref}" t="inlineStr"><is><r><t>ri</t></r><r><rPr><b/></rPr><t>ch</t></r>'
    "<rPh><t>phonetic</t></rPh></is></c>",
    '<c r="{ref}"><f>1+1</f><v>2</v></c>',
    '<c r="{ref}" t="str"><f>A1&amp;"x"</f><v>Ax</v></c>',
    '<c r="{ref}"><f>B9</f></c>',
    '<c r="{ref}" t="str"><v>R&amp;D</v></c>',
    '<c r="{ref}" t="s" s="1"><v>1</v></c>',  # attributes in another order
    "<c r='{ref}'><v>4</v></c>",  # single quotes
    '<c r="{ref}" cm="1"><v>4</v></c>',
    "<c><v>8</v></c>",  # no reference
    '<c r="{ref}"><!-- a comment --><v>3</v></c>',
    '<c r="{ref}"><v><![CDATA[7]]></v></c>',
    '<c r="{ref}">\n  <v>9</v>\n</c>',
]


@st.composite
def plain_cell(draw: st.DrawFn, reference: str) -> str:
    kind = draw(st.sampled_from(sorted(PLAIN_VALUES)))
    text = draw(st.sampled_from(PLAIN_VALUES[kind]))
    style = draw(st.sampled_from(["", ' s="0"', ' s="1"', ' s="2"', ' s="3"', ' s="007"']))
    kind_attribute = f' t="{kind}"' if kind else ""
    form = draw(st.integers(0, 9))
    if form == 0:
        return f'<c r="{reference}"{style}{kind_attribute}/>'
    if form == 1:
        return f'<c r="{reference}"{style}{kind_attribute}></c>'
    return f'<c r="{reference}"{style}{kind_attribute}><v>{text}</v></c>'


@st.composite
def sheet_body(draw: st.DrawFn, odd: bool) -> str:
    rows = []
    numbers = draw(st.lists(st.integers(1, 30), min_size=0, max_size=8))
    for number in numbers:
        attributes = draw(
            st.sampled_from(
                ["", ' spans="1:5"', ' hidden="1"', ' ht="0" customHeight="1"',
                 ' spans="1:3" x14ac:dyDescent="0.25"']
            )
        )  # fmt: skip
        row_text = draw(st.sampled_from([str(number), str(number), "0", "01"]))
        cells = []
        for _ in range(draw(st.integers(0, 8))):
            column = draw(st.sampled_from(["A", "B", "C", "D", "AA", "XFD", "XFE"]))
            row_of_cell = draw(st.sampled_from([row_text, row_text, row_text, "2", "0"]))
            reference = f"{column}{row_of_cell}"
            if odd and draw(st.integers(0, 4)) == 0:
                cells.append(draw(st.sampled_from(ODD_CELLS)).format(ref=reference))
            else:
                cells.append(draw(plain_cell(reference)))
        space = draw(st.sampled_from(["", "\n", "  "]))
        if not cells and draw(st.booleans()):
            rows.append(f'<row r="{row_text}"{attributes}/>{space}')
        else:
            rows.append(f'<row r="{row_text}"{attributes}>{"".join(cells)}</row>{space}')
    return "".join(rows)


def _archive(body: str) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(MEMBER, HEAD + body + TAIL)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def _strings() -> list[str]:
    return SHARED


def _full(archive: zipfile.ZipFile) -> SheetCells:
    reader = ooxml._SheetReader(_strings, STYLES, False, 20, 12)
    ooxml._parse(archive, MEMBER, ooxml._parser(reader.start, reader.end, reader.text))
    return reader.finish()


def _plain(archive: zipfile.ZipFile) -> SheetCells | None:
    reader = ooxml._SheetReader(_strings, STYLES, False, 20, 12)
    return reader.finish() if ooxml._read_plain_sheet(archive, MEMBER, reader) else None


def _same(fast: SheetCells, full: SheetCells) -> None:
    assert fast.rows == full.rows
    # Same types too: 1 == 1.0 == True, but a reader must not turn one into another.
    assert [(n, {c: (type(v), k) for c, (v, k) in cells.items()}) for n, cells in fast.rows] == [
        (n, {c: (type(v), k) for c, (v, k) in cells.items()}) for n, cells in full.rows
    ]
    assert fast.bad_cells == full.bad_cells
    assert fast.merged == full.merged == ["A1:B2"]
    assert fast.hidden_columns == full.hidden_columns == [(3, 3)]
    assert fast.hidden_rows == full.hidden_rows
    assert fast.invisible_cells == full.invisible_cells
    assert fast.formulas_without_value == full.formulas_without_value
    assert (fast.content_below, fast.too_many_rows) == (full.content_below, full.too_many_rows)


@settings(max_examples=300, deadline=None)
@given(body=sheet_body(odd=False))
def test_plain_sheet_is_read_by_the_scanner_as_expat_reads_it(body: str) -> None:
    """A sheet in the plain form (rows with r, cells with r, s and t and at most a <v>) is read
    by the scanner, and its rows, values (with their types), bad cells, hidden rows, invisible
    cells and bounds equal the full reader's."""
    archive = _archive(body)
    fast = _plain(archive)
    assert fast is not None
    _same(fast, _full(archive))


@settings(max_examples=300, deadline=None)
@given(body=sheet_body(odd=True))
def test_odd_sheet_is_read_the_same_by_either_path(body: str) -> None:
    """With odd cell forms mixed in, read_sheet_cells (the scanner or, when it declines, expat)
    gives what the full reader gives."""
    archive = _archive(body)
    fast = ooxml.read_sheet_cells(archive, MEMBER, _strings, STYLES, False, 20, 12)
    _same(fast, _full(archive))


def test_odd_forms_are_left_to_expat() -> None:
    """Each odd cell form makes the scanner decline the sheet (expat reads it instead)."""
    for odd in ODD_CELLS:
        body = f'<row r="1"><c r="A1"><v>1</v></c>{odd.format(ref="B1")}</row>'
        assert _plain(_archive(body)) is None, odd


def test_known_values_of_a_plain_sheet() -> None:
    """Known cells: a shared string, an int, a float, a date, a boolean, an error, t="str"; a
    blank shared string and a cell with a bad number are kept apart."""
    body = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>13</v></c>'
        '<c r="C1"><v>0.59</v></c><c r="D1" s="1"><v>45292</v></c></row>'
        '<row r="2"><c r="A2" t="b"><v>1</v></c><c r="B2" t="e"><v>#N/A</v></c>'
        '<c r="C2" t="str"><v>R and D</v></c><c r="D2" t="s"><v>2</v></c>'
        '<c r="E2"><v>1_0</v></c></row>'
        '<row r="3"><c r="A3"><v>45292</v></c><c r="B3" s="1"><v>45292</v></c></row>'
    )
    fast = _plain(_archive(body))
    assert fast is not None
    row1, row2, row3 = fast.rows
    assert row1[1][1] == ("Almaty", "s") and row1[1][2] == (13, "n") and row1[1][3] == (0.59, "n")
    assert str(row1[1][4][0]) == "2024-01-01 00:00:00" and row1[1][4][1] == "d"
    assert row2[1] == {1: (True, "b"), 2: ("#N/A", "e"), 3: ("R and D", "s"), 5: (None, "x")}
    assert row3[1][1] == (45292, "n") and row3[1][2][1] == "d"  # one value, two styles
    assert fast.bad_cells == [
        ("E2", "the cell's stored number '1_0' is not a number in the file format")
    ]
