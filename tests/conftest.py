"""Shared test set-up. The tests are packages (tests/, tests/engine/, ...), so pytest puts the
repository root first on sys.path: `planner` and the helpers (`tests.support`, `tests.corpus`,
`tests.engine.oracle`) are imported from this checkout, never from another installed copy."""

from __future__ import annotations

import os
from pathlib import Path

import planner
from planner.i18n import environment_language
from tests.support import REPO

# The tests assert English texts unless they ask for a language (--lang, planner.i18n.using): a
# machine whose locale is Russian or Kazakh would otherwise run them in that language.
if environment_language() not in (None, "en"):
    os.environ["LANGUAGE"] = "en"


def pytest_report_header() -> list[str]:
    """Say which planner is under test (an editable install elsewhere would shadow this one)."""
    where = Path(planner.__file__).resolve().parent
    note = "" if where.is_relative_to(REPO) else "  (NOT this checkout!)"
    return [f"planner: {where}{note}"]
