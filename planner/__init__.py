"""planner: balance public-sector workload coefficients by moving staff and services.

The public API: read a scenario (`read_scenario`, `validate_workbook`) or build one in code and
check it (`validate_scenario`), solve it (`solve` -> `Result` with its `Status`, and apart from the answer a `SolveReport` of how it was found), study options side by
side (`compare`) and balance against disruption (`frontier`), and write what a planner reads
(`write_result`, `write_comparison`, `write_frontier`, `write_scenario`, `write_template`); with
the domain records and the error types. See README.md, "Python API".
"""

import logging

from planner.checks import validate_scenario
from planner.datasets.bundled import bundled_names, bundled_scenario
from planner.decide import add_decisions, keep_services, keep_units
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
from planner.workbook import read_scenario, validate_workbook, write_scenario, write_template

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
