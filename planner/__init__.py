"""planner: balance public-sector workload coefficients by moving staff and services.

Public API: read_scenario, solve, Result, and the domain and error types.
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

__all__ = [
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
