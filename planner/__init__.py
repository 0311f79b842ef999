"""planner: balance public-sector workload coefficients by moving staff and services.

The public API: read a scenario (`read_scenario`, `validate_workbook`) or build one in code and
check it (`validate_scenario`), solve it (`solve` -> `Result` with its `Status`, and apart from the answer a `SolveReport` of how it was found), study options side by
side (`compare`) and balance against disruption (`frontier`), and write what a planner reads
(`write_result`, `write_comparison`, `write_frontier`, `write_scenario`, `write_template`); with
the domain records and the error types. See README.md, "Python API".
"""

import importlib
import logging
import sys
import types
from typing import TYPE_CHECKING, Any

# The domain records and the error types are light (the standard library only): imported now.
from planner.domain import (
    CoefficientMode,
    Decision,
    DecisionKind,
    Hire,
    Objective,
    Scenario,
    SensitivityKind,
    Service,
    ServiceAdjustment,
    Settings,
    SolverName,
    StaffCell,
    Unit,
    Variant,
)
from planner.errors import (
    InfeasibleError,
    InputError,
    OutputError,
    PlannerError,
    Problem,
    ProblemCode,
    Severity,
    SolverError,
    VerificationError,
)

# Everything else is imported on first use (PEP 562): `import planner` must not pay for
# openpyxl, numpy, highspy or statsmodels before a command has read its first byte (issue 14).
_LAZY: dict[str, str] = {
    "validate_scenario": "planner.checks",
    "bundled_names": "planner.datasets.bundled",
    "bundled_scenario": "planner.datasets.bundled",
    "add_decisions": "planner.decide",
    "keep_services": "planner.decide",
    "keep_units": "planner.decide",
    "write_comparison": "planner.reports",
    "write_frontier": "planner.reports",
    "write_result": "planner.reports",
    "write_forecast": "planner.reports.forecast_workbook",
    "DecisionRow": "planner.result",
    "GroupReport": "planner.result",
    "GroupResult": "planner.result",
    "Proposal": "planner.result",
    "Result": "planner.result",
    "SolveReport": "planner.result",
    "Status": "planner.result",
    "StopReason": "planner.result",
    "SolveInterrupted": "planner.solve",
    "solve": "planner.solve",
    "Comparison": "planner.studies.compare",
    "Option": "planner.studies.compare",
    "compare": "planner.studies.compare",
    "Forecast": "planner.studies.forecast",
    "forecast": "planner.studies.forecast",
    "forecast_scenario": "planner.studies.forecast",
    "Frontier": "planner.studies.frontier",
    "FrontierPoint": "planner.studies.frontier",
    "GroupFrontier": "planner.studies.frontier",
    "frontier": "planner.studies.frontier",
    "RobustComparison": "planner.studies.robust",
    "robust_study": "planner.studies.robust",
    "Uncertainty": "planner.studies.uncertainty",
    "uncertainty": "planner.studies.uncertainty",
    "HiresPlan": "planner.studies.wisn_hires",
    "fewest_hires": "planner.studies.wisn_hires",
    "hires_for_setting": "planner.studies.wisn_hires",
    "read_scenario": "planner.workbook",
    "validate_workbook": "planner.workbook",
    "write_scenario": "planner.workbook",
    "write_template": "planner.workbook",
}

if TYPE_CHECKING:  # what the type checker and the reader see: the same names, imported eagerly
    from planner.checks import validate_scenario
    from planner.datasets.bundled import bundled_names, bundled_scenario
    from planner.decide import add_decisions, keep_services, keep_units
    from planner.reports import write_comparison, write_frontier, write_result
    from planner.reports.forecast_workbook import write_forecast
    from planner.result import (
        DecisionRow,
        GroupReport,
        GroupResult,
        Proposal,
        Result,
        SolveReport,
        Status,
        StopReason,
    )
    from planner.solve import SolveInterrupted, solve
    from planner.studies.compare import Comparison, Option, compare
    from planner.studies.forecast import Forecast, forecast, forecast_scenario
    from planner.studies.frontier import Frontier, FrontierPoint, GroupFrontier, frontier
    from planner.studies.robust import RobustComparison, robust_study
    from planner.studies.uncertainty import Uncertainty, uncertainty
    from planner.studies.wisn_hires import HiresPlan, fewest_hires, hires_for_setting
    from planner.workbook import read_scenario, validate_workbook, write_scenario, write_template


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'planner' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


class _Package(types.ModuleType):
    """The package object, so that importing the submodule planner.solve does not replace the
    function planner.solve (the import system sets a package attribute for each submodule)."""

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, types.ModuleType) and name in _LAZY:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__all__ = [
    "add_decisions",
    "keep_services",
    "keep_units",
    "Decision",
    "DecisionKind",
    "DecisionRow",
    "Proposal",
    "Forecast",
    "RobustComparison",
    "Uncertainty",
    "forecast",
    "forecast_scenario",
    "robust_study",
    "uncertainty",
    "write_forecast",
    # reading and checking
    "read_scenario",
    "validate_workbook",
    "validate_scenario",
    "bundled_scenario",
    "bundled_names",
    # solving
    "solve",
    "SolveInterrupted",
    "Result",
    "GroupResult",
    "Status",
    "StopReason",
    "SolveReport",
    "GroupReport",
    # studies
    "compare",
    "frontier",
    "Comparison",
    "Option",
    "Frontier",
    "FrontierPoint",
    "GroupFrontier",
    "HiresPlan",
    "fewest_hires",
    "hires_for_setting",
    # writing
    "write_result",
    "write_comparison",
    "write_frontier",
    "write_scenario",
    "write_template",
    # the domain
    "CoefficientMode",
    "Hire",
    "Objective",
    "Scenario",
    "SensitivityKind",
    "Service",
    "ServiceAdjustment",
    "Settings",
    "SolverName",
    "StaffCell",
    "Unit",
    "Variant",
    # errors
    "InfeasibleError",
    "InputError",
    "OutputError",
    "PlannerError",
    "Problem",
    "ProblemCode",
    "Severity",
    "SolverError",
    "VerificationError",
]

# The library logs (solver faults caught, planner.engine) but leaves handlers to the application.
logging.getLogger("planner").addHandler(logging.NullHandler())
