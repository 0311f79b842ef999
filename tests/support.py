"""Paths and tools the tests share: the repository, the bundled scenarios, LibreOffice."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "planner" / "datasets" / "scenarios"  # package data; `scenarios/` links here
COUNT_PATH = BUNDLED / "west-kazakhstan-2024.xlsx"
HOURS_PATH = BUNDLED / "west-kazakhstan-2024-hours.xlsx"
DOCS_PATH = REPO / "docs" / "assumptions.md"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def staff_kept(
    start: dict[str, int], own_skills: set[str], share: float
) -> tuple[int, frozenset[str]]:
    """The keep rule (Settings.keep_staff_share) for the test oracles, written apart from the
    planner's: a unit that starts with `start` (skill -> employees) keeps at least the share of its
    staff, rounded up in exact decimal arithmetic, and one employee of each skill that its own
    services need and it has. Share 0: nothing is kept."""
    from decimal import Decimal
    from math import ceil

    if share <= 0:
        return 0, frozenset()
    total = sum(start.values())
    kept = min(total, ceil(Decimal(str(share)) * total))
    return kept, frozenset(k for k, n in start.items() if n > 0 and k in own_skills)


def wisn_district_workbook(*settings: tuple[str, object]):
    """The README's WISN district study (scripts/wisn_example.py) as an openpyxl Workbook, with
    `settings` (name, value) appended to its Settings sheet."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "wisn_example", REPO / "scripts" / "wisn_example.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    book = module.district_workbook()
    for name, value in settings:
        book["Settings"].append([name, value])
    return book
