"""The `language` setting of a workbook, read before the workbook itself.

Messages about a workbook are written while it is read, so the language they are written in must
be known first: `workbook_language` looks only for the Settings sheet's `language` row (in any of
the three languages) and gives None for anything it cannot read; the full read reports the
problems of that file in the language chosen without it.
"""

from __future__ import annotations

import os

from planner.i18n import language_from_word
from planner.workbook.layout import SETTINGS, normalise_header
from planner.xlsx.reading import open_workbook

__all__ = ["workbook_language"]


def workbook_language(path: str | os.PathLike[str]) -> str | None:
    """`kk`, `ru` or `en` as the workbook's Settings sheet says, else None (no such setting, or a
    file that cannot be read: its problems are reported by the reader)."""
    try:
        with open_workbook(path) as book:
            for title, hidden in book.sheets:
                if hidden or normalise_header(title) != SETTINGS.key:
                    continue
                for _row, cells in book.read_sheet(title).rows:
                    values = [cells[column][0] for column in sorted(cells)]
                    for name, value in zip(values, values[1:], strict=False):
                        if isinstance(name, str) and normalise_header(name) == "language":
                            return language_from_word(value)
    except Exception:  # noqa: BLE001 - a file the reader will refuse, with its own messages
        return None
    return None
