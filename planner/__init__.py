"""planner: balance public-sector workload coefficients by moving staff and services.

Public API: read_scenario, validate_workbook, write_template, solve, Result, and the domain and
error types.
"""

from planner.domain import (
    CoefficientMode,
    Objective,
    Scenario,
    Service,
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
    SolverError,
    VerificationError,
)
from planner.result import Result, Status
from planner.solve import solve
from planner.workbook import read_scenario, validate_workbook, write_scenario, write_template

__all__ = [
    "Result",
    "Status",
    "read_scenario",
    "solve",
    "validate_workbook",
    "write_scenario",
    "write_template",
    "CoefficientMode",
    "InfeasibleError",
    "InputError",
    "Objective",
    "OutputError",
    "PlannerError",
    "Problem",
    "Scenario",
    "Service",
    "Settings",
    "SolverError",
    "SolverName",
    "StaffCell",
    "Unit",
    "Variant",
    "VerificationError",
]
