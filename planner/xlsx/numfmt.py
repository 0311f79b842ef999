"""Excel's built-in number formats, which of them show dates or durations, and serial dates.

The reader needs these three facts about a cell's style and nothing else of openpyxl, whose import
(0.2 s, with numpy) would otherwise be paid before the first byte of a workbook is read. The
tables and rules are openpyxl 3.1's (openpyxl.styles.numbers, openpyxl.utils.datetime; MIT
licence), kept identical so that a cell reads as it did: tests/xlsx/test_numfmt.py holds them
equal to openpyxl's.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = [
    "BUILTIN_FORMATS",
    "MAC_EPOCH",
    "WINDOWS_EPOCH",
    "from_excel",
    "is_date_format",
    "is_timedelta_format",
]

BUILTIN_FORMATS: dict[int, str] = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "mm-dd-yy",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "m/d/yy h:mm",
    37: "#,##0_);(#,##0)",
    38: "#,##0_);[Red](#,##0)",
    39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)",
    41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)',
    42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
    43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',
    44: r'_("$"* #,##0.00_)_("$"* \(#,##0.00\)_("$"* "-"??_)_(@_)',
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mmss.0",
    48: "##0.0E+0",
    49: "@",
}

# Quoted text and [locale or colour] groups say nothing about dates; [h], [mm], [ss] do.
_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_DURATION = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)

MAC_EPOCH = dt.datetime(1904, 1, 1)
WINDOWS_EPOCH = dt.datetime(1899, 12, 30)
_SECONDS_PER_DAY = 86_400


def is_date_format(code: str | None) -> bool:
    """True when a number format shows a date or time (its first section decides)."""
    if code is None:
        return False
    return _DATE_LETTER.search(_STRIP.sub("", code.split(";")[0])) is not None


def is_timedelta_format(code: str | None) -> bool:
    """True when a number format shows elapsed time ([h]:mm and the like)."""
    if code is None:
        return False
    return _DURATION.search(code.split(";")[0]) is not None


def from_excel(
    value: float, epoch: dt.datetime = WINDOWS_EPOCH, timedelta: bool = False
) -> dt.datetime | dt.time | dt.timedelta:
    """The date, time of day or duration an Excel serial number stands for (to the millisecond;
    Excel's 1900 leap-year bug is undone for serials below 60)."""
    if timedelta:
        duration = dt.timedelta(days=value)
        if duration.microseconds:
            duration = dt.timedelta(
                seconds=duration.total_seconds() // 1,
                microseconds=round(duration.microseconds, -3),
            )
        return duration
    day, fraction = divmod(value, 1)
    diff = dt.timedelta(milliseconds=round(fraction * _SECONDS_PER_DAY * 1000))
    if 0 <= value < 1 and diff.days == 0:
        minutes, seconds = divmod(diff.seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return dt.time(hours, minutes, seconds, diff.microseconds)
    if 0 < value < 60 and epoch == WINDOWS_EPOCH:
        day += 1
    return epoch + dt.timedelta(days=day) + diff
