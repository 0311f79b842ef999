"""What a planner reads: the result workbook (`result_workbook`, with `plan_sheets`, `figures` and
`narrative`), the comparison and frontier workbooks, the presentation kit they share (`charts`) and
the text the command line prints (`terminal`).

Reports take results and studies as they are: nothing here rebuilds the model or re-solves.
"""

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

# The workbooks import openpyxl and XlsxWriter (0.1-0.2 s): loaded on first use (PEP 562), so that
# `import planner.reports` costs nothing before a command has a result to write (issue 14).
_LAZY: dict[str, str] = {
    "comparison_workbook": "planner.reports.comparison_workbook",
    "write_comparison": "planner.reports.comparison_workbook",
    "frontier_workbook": "planner.reports.frontier_workbook",
    "write_frontier": "planner.reports.frontier_workbook",
    "result_workbook": "planner.reports.result_workbook",
    "write_result": "planner.reports.result_workbook",
}

if TYPE_CHECKING:  # what the type checker and the reader see: the same names, imported eagerly
    from planner.reports.comparison_workbook import comparison_workbook, write_comparison
    from planner.reports.frontier_workbook import frontier_workbook, write_frontier
    from planner.reports.result_workbook import result_workbook, write_result


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'planner.reports' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


class _Package(types.ModuleType):
    """The package object, so that importing the submodule planner.reports.result_workbook does
    not replace the function of that name (the import system sets a package attribute for each
    submodule it imports)."""

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, types.ModuleType) and name in _LAZY:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = [
    "comparison_workbook",
    "frontier_workbook",
    "result_workbook",
    "write_comparison",
    "write_frontier",
    "write_result",
]
