"""What the reader took from openpyxl, now its own: planner.xlsx.numfmt keeps openpyxl's number-format
tables and date rules exactly, and the reference helpers of planner.xlsx.ooxml its range rules, so that the
reader (which no longer imports openpyxl) reads every cell as before."""

import datetime as dt

import pytest
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel

from planner.xlsx import numfmt

CODES = [
    None, "General", "0.00", "yyyy-mm-dd", '"day" 0', "[Red]0.00", "[h]:mm:ss", "[mm]:ss",
    "mm:ss", "h:mm AM/PM", "d-mmm", '0.00_);[Red]"h"', r"\d0", "_d0", "[$-409]mmmm d, yyyy",
    ";;;", "[ss].00", "0;[h]:mm", "#,##0.0000", "0%",
]  # fmt: skip


def test_the_builtin_formats_are_openpyxls():
    """The same 36 built-in codes under the same ids."""
    assert numfmt.BUILTIN_FORMATS == BUILTIN_FORMATS
    assert len(numfmt.BUILTIN_FORMATS) == 36


@pytest.mark.parametrize("code", CODES)
def test_date_and_duration_rules_agree_with_openpyxl(code):
    """Each code is a date (and a duration) exactly when openpyxl says so."""
    assert numfmt.is_date_format(code) == is_date_format(code)
    assert numfmt.is_timedelta_format(code) == is_timedelta_format(code)


@pytest.mark.parametrize("serial", [0, 0.5, 0.999999, 1, 59, 60, 61, 45_000.25, 2_900_000.5])
@pytest.mark.parametrize("epoch", ["windows", "mac"])
def test_serial_dates_agree_with_openpyxl(serial, epoch):
    """Serials to dates, times and durations, on both date systems, as openpyxl gives them."""
    ours = numfmt.WINDOWS_EPOCH if epoch == "windows" else numfmt.MAC_EPOCH
    theirs = WINDOWS_EPOCH if epoch == "windows" else MAC_EPOCH
    assert numfmt.from_excel(serial, ours) == from_excel(serial, theirs)
    assert numfmt.from_excel(serial, ours, timedelta=True) == from_excel(
        serial, theirs, timedelta=True
    )


def test_known_dates():
    """Serial 45,000 is 2023-03-15 and 0.75 is 18:00 (the 1900 system)."""
    assert numfmt.from_excel(45_000) == dt.datetime(2023, 3, 15)
    assert numfmt.from_excel(0.75) == dt.time(18, 0)


REFERENCES = [
    "B3:B5", "A1", "$A$1", "A1:C9", "A:B", "3:7", "$C$2:$D$10", "A1:B", "A:5", "1:B", "",
    "B3:", "XFD1048576", "a1:b2", "AAAA1", "A0", "1A", "A1:B2:C3", "B5:B3",
]  # fmt: skip


@pytest.mark.parametrize("reference", REFERENCES)
def test_range_last_row_agrees_with_openpyxl(reference):
    """The last row of a merged range read from a sheet, or the same refusal, as openpyxl's
    range_boundaries gives it."""
    from openpyxl.utils.cell import range_boundaries

    from planner.xlsx.ooxml import range_last_row

    try:
        expected = range_boundaries(reference)[3]
    except ValueError:
        with pytest.raises(ValueError):
            range_last_row(reference)
        return
    assert range_last_row(reference) == expected


@pytest.mark.parametrize("coordinate", ["E7", "$E$7", "XFD1048576", "a12"])
def test_row_of_agrees_with_openpyxl(coordinate):
    """The row of a cell coordinate, as openpyxl's coordinate_from_string gives it."""
    from openpyxl.utils.cell import coordinate_from_string

    from planner.xlsx.ooxml import row_of

    assert row_of(coordinate) == coordinate_from_string(coordinate)[1]


def test_reading_a_workbook_imports_no_openpyxl():
    """Reading a scenario needs neither openpyxl nor numpy (issue 14: start-up)."""
    import subprocess
    import sys

    code = (
        "import sys; from planner.workbook import read_scenario; "
        "from planner.datasets.bundled import bundled_scenario; "
        "print(sorted(m for m in ('openpyxl', 'numpy', 'xlsxwriter') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_column_letters_agree_with_openpyxl():
    """Every column Excel has gets the letters openpyxl's get_column_letter gives it (A, Z, AA,
    XFD), twice: the second answer comes from the cache."""
    from openpyxl.utils import get_column_letter

    from planner.xlsx.ooxml import column_letters

    for _ in range(2):
        assert [column_letters(n) for n in range(1, 16_385)] == [
            get_column_letter(n) for n in range(1, 16_385)
        ]
    assert (column_letters(1), column_letters(27), column_letters(16_384)) == ("A", "AA", "XFD")
