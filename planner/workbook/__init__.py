"""The scenario workbook format: its sheets and columns (`layout`), reading one cell (`cells`) and
one table (`tables`), checking and reading a whole workbook (`validate`, `reader`), the Scenarios
sheet and applying its variants (`variants`), and writing a scenario or the template (`writer`,
`template`).

Reading and checking are one step: `validate_workbook` collects every problem, each naming its sheet
and cell; `read_scenario` returns the Scenario or raises InputError with all of them.
"""

import importlib
from typing import TYPE_CHECKING, Any

from planner.workbook.reader import read_scenario
from planner.workbook.validate import Report, validate_workbook

# The writers import openpyxl (0.2 s): loaded on first use, so that reading a workbook never
# pays for them (issue 14).
_WRITERS = {
    "template_workbook": "planner.workbook.template",
    "write_template": "planner.workbook.template",
    "write_scenario": "planner.workbook.writer",
}

if TYPE_CHECKING:
    from planner.workbook.template import template_workbook, write_template
    from planner.workbook.writer import write_scenario


def __getattr__(name: str) -> Any:
    module = _WRITERS.get(name)
    if module is None:
        raise AttributeError(f"module 'planner.workbook' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Report",
    "read_scenario",
    "template_workbook",
    "validate_workbook",
    "write_scenario",
    "write_template",
]
