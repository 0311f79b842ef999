"""Paths and tools the tests share: the repository, the bundled scenarios, LibreOffice."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COUNT_PATH = REPO / "scenarios" / "west-kazakhstan-2024.xlsx"
HOURS_PATH = REPO / "scenarios" / "west-kazakhstan-2024-hours.xlsx"
DOCS_PATH = REPO / "docs" / "assumptions.md"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
