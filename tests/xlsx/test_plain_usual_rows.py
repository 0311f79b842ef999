"""The scanner's one-step reading of a usual row (every cell a one-letter column on the row's own
number: planner.xlsx.ooxml._PlainRows._usual_row) stores what its cell-by-cell loop and expat
store: generated sheets made mostly of usual rows, with blank, bad, hidden-format and repeated
cells mixed in, read both ways."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.xlsx import ooxml
from tests.xlsx.test_plain_sheet import MEMBER, STYLES, _archive, _same, _strings, plain_cell

VISIBLE = ooxml.Styles(frozenset({1, 2}), frozenset({2}), 4, frozenset())


@st.composite
def usual_body(draw: st.DrawFn) -> str:
    rows = []
    numbers = draw(st.lists(st.integers(1, 30), min_size=1, max_size=8, unique=True))
    for number in numbers:
        columns = draw(st.lists(st.sampled_from("ABCDEZ"), max_size=6))
        cells = "".join(draw(plain_cell(f"{column}{number}")) for column in columns)
        rows.append(f'<row r="{number}">{cells}</row>')
    return "".join(rows)


def _read(body: str, styles: ooxml.Styles) -> tuple[ooxml.SheetCells, ooxml.SheetCells, int]:
    """The sheet read by the scanner and by expat, and how many rows the scanner took in one
    step."""
    archive = _archive(body)
    taken = 0
    usual_row = ooxml._PlainRows._usual_row

    def counted(self: ooxml._PlainRows, content: str, skip: int) -> bool:
        nonlocal taken
        done = usual_row(self, content, skip)
        taken += done
        return done

    reader = ooxml._SheetReader(_strings, styles, False, 20, 12)
    try:
        ooxml._PlainRows._usual_row = counted  # type: ignore[method-assign]
        assert ooxml._read_plain_sheet(archive, MEMBER, reader)
    finally:
        ooxml._PlainRows._usual_row = usual_row  # type: ignore[method-assign]
    full = ooxml._SheetReader(_strings, styles, False, 20, 12)
    ooxml._parse(archive, MEMBER, ooxml._parser(full.start, full.end, full.text))
    return reader.finish(), full.finish(), taken


@settings(max_examples=300, deadline=None)
@given(body=usual_body(), hide=st.booleans())
def test_usual_rows_are_read_as_the_loop_and_expat_read_them(body: str, hide: bool) -> None:
    """Rows, values with their types, bad cells, invisible cells: the same either way, with and
    without a format that hides values."""
    fast, full, _taken = _read(body, STYLES if hide else VISIBLE)
    _same(fast, full)


def test_usual_rows_are_taken_in_one_step() -> None:
    """Clean usual rows are taken in one step; a row with a bad number, one with a cell written
    twice and one with a cell of another row take the loop, and are reported as it reports them."""
    body = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>13</v></c><c r="C1"/></row>'
        '<row r="2"><c r="A2"><v>0.5</v></c><c r="B2" t="s"><v>1</v></c></row>'
        '<row r="3"><c r="A3"><v>1_0</v></c></row>'
        '<row r="4"><c r="A4"><v>1</v></c><c r="A4"><v>2</v></c></row>'
        '<row r="5"><c r="A6"><v>1</v></c></row>'
    )
    fast, full, taken = _read(body, VISIBLE)
    _same(fast, full)
    assert taken == 2
    assert fast.rows[:2] == [(1, {1: ("Almaty", "s"), 2: (13, "n")}), (2, {1: (0.5, "n")})]
    assert fast.bad_cells == [
        ("A3", "the cell's stored number '1_0' is not a number in the file format"),
        ("A4", "cell A4 is written twice in the file"),
        ("", "the cell reference 'A6' is not valid in row 5"),
    ]
