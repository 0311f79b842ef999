"""The scenario workbook format: its sheets and columns (`layout`), reading one cell (`cells`) and
one table (`tables`), checking and reading a whole workbook (`validate`, `reader`), the Scenarios
sheet and applying its variants (`variants`), and writing a scenario or the template (`writer`,
`template`).

Reading and checking are one step: `validate_workbook` collects every problem, each naming its sheet
and cell; `read_scenario` returns the Scenario or raises InputError with all of them.
"""

from planner.workbook.reader import read_scenario
from planner.workbook.template import template_workbook, write_template
from planner.workbook.validate import Report, validate_workbook
from planner.workbook.writer import write_scenario

__all__ = [
    "Report",
    "read_scenario",
    "template_workbook",
    "validate_workbook",
    "write_scenario",
    "write_template",
]
