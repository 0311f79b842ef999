"""What a planner reads: the result workbook (`result_workbook`, with `plan_sheets`, `figures` and
`narrative`), the comparison and frontier workbooks, the presentation kit they share (`charts`) and
the text the command line prints (`terminal`).

Reports take results and studies as they are: nothing here rebuilds the model or re-solves.
"""

from planner.reports.comparison_workbook import comparison_workbook, write_comparison
from planner.reports.frontier_workbook import frontier_workbook, write_frontier
from planner.reports.result_workbook import result_workbook, write_result

__all__ = [
    "comparison_workbook",
    "frontier_workbook",
    "result_workbook",
    "write_comparison",
    "write_frontier",
    "write_result",
]
