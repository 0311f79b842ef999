"""An exact reference for planner's engine, written from the model's definition (tests/oracle.py's
docstring), beyond the size that enumeration reaches.

- problem.py reads one group's problem from a frozen Scenario in exact fractions and evaluates any
  plan exactly (rules broken, max coefficient, total deviation, moves);
- worker.py is a CP-SAT process (OR-Tools cannot share a process with highspy) that finds the exact
  optimum with integer-scaled coefficient tests, then the fewest moves at it;
- client.py runs that worker once per test session and re-checks every plan it returns.

This package imports neither planner.model, planner.search nor planner.solvers, and the parent side
never imports OR-Tools.
"""

from .client import NEAR, GroupAnswer, Reference, ReferenceError
from .problem import GroupProblem, PlanValue, evaluate, exact, group_problem, planner_plan

__all__ = [
    "NEAR",
    "GroupAnswer",
    "GroupProblem",
    "PlanValue",
    "Reference",
    "ReferenceError",
    "evaluate",
    "exact",
    "group_problem",
    "planner_plan",
]
