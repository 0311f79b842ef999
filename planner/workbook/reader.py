"""Reading a scenario workbook: `read_scenario` returns the checked Scenario or raises InputError.

Reading and checking are one step (planner.workbook.validate collects every problem in one pass).
"""

from __future__ import annotations

import os

from planner.domain import Scenario
from planner.errors import InputError
from planner.workbook.validate import validate_workbook

__all__ = ["read_scenario"]


def read_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and check a scenario workbook.

    Returns the Scenario (name = file stem, source path and SHA-256, warnings filled) or raises
    InputError carrying every problem found, each naming its sheet and cell.
    """
    report = validate_workbook(path)
    if report.problems or report.scenario is None:
        raise InputError(report.problems, report.warnings)
    return report.scenario
