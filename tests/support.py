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
