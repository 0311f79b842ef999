"""The scenario workbooks shipped inside the package (package data, read with importlib.resources),
so that `planner solve` works the same from a clone, `pip install .`, a wheel or pipx.

They are built by `python scripts/build_scenarios.py` into `planner/datasets/scenarios/`; a clone
also reaches them as `scenarios/` (a link to that folder).
"""

from __future__ import annotations

import atexit
import contextlib
from importlib import resources
from pathlib import Path

__all__ = ["DEFAULT_SCENARIO_NAME", "bundled_names", "bundled_scenario", "is_bundled"]

DEFAULT_SCENARIO_NAME = "west-kazakhstan-2024"
_FOLDER = "scenarios"
_files = contextlib.ExitStack()  # keeps extracted copies alive (only for a zipped install)
atexit.register(_files.close)


def _folder() -> resources.abc.Traversable:
    return resources.files("planner.datasets").joinpath(_FOLDER)


def bundled_names() -> list[str]:
    """The names of the bundled scenarios (file names without `.xlsx`), sorted."""
    return sorted(
        entry.name.removesuffix(".xlsx")
        for entry in _folder().iterdir()
        if entry.name.endswith(".xlsx") and not entry.name.startswith(".")
    )


def bundled_scenario(name: str = DEFAULT_SCENARIO_NAME) -> Path:
    """A file path to the bundled scenario `name` (with or without `.xlsx`).

    Raises KeyError naming the bundled scenarios when there is none of that name.
    """
    stem = name.removesuffix(".xlsx")
    if stem not in bundled_names():
        raise KeyError(f"no bundled scenario {name!r}; bundled: {', '.join(bundled_names())}")
    entry = _folder().joinpath(f"{stem}.xlsx")
    if isinstance(entry, Path):
        return entry
    return _files.enter_context(resources.as_file(entry))


def is_bundled(path: str | Path) -> bool:
    """Whether `path` is one of the bundled workbooks (outputs for it go to the current folder,
    not into the installed package)."""
    try:
        folder = Path(str(_folder())).resolve()
        return Path(path).resolve().parent == folder
    except OSError:
        return False
