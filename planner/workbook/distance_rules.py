"""The rules of distances given in code (Scenario.distances), as the Distances sheet's rows are
checked (planner.workbook.distances): no file format here, so solve() can check a Scenario with it.
"""

from __future__ import annotations

from planner.domain import Scenario
from planner.errors import Problem, ProblemCode
from planner.workbook.nearmiss import near_miss

__all__ = ["distance_problems"]


def distance_problems(scenario: Scenario) -> list[Problem]:
    """The Distances of a Scenario built in code, checked as the sheet's rows are."""
    problems = []
    units = {u.unit_id: u for u in scenario.units}
    seen: set[tuple[str, str]] = set()
    for d in scenario.distances:
        where = f"distance {d.from_unit} -> {d.to_unit}"
        for unit_id in (d.from_unit, d.to_unit):
            if unit_id not in units:
                near = near_miss(unit_id, units)
                hint = f" (did you mean {near!r}?)" if near else ""
                problems.append(Problem("Distances", "", unit_id, f"{where}: {unit_id!r} is not "
                                        f"a unit of the scenario{hint}", ProblemCode.UNKNOWN_UNIT))  # fmt: skip
        if d.from_unit not in units or d.to_unit not in units:
            continue
        if d.from_unit == d.to_unit or units[d.from_unit].group != units[d.to_unit].group:
            problems.append(Problem("Distances", "", d.to_unit, f"{where}: a distance is between "
                                    "two units of one group", ProblemCode.INVALID_DECISION))  # fmt: skip
        if not (d.value >= 0 and d.value < float("inf")):
            problems.append(Problem("Distances", "", d.value, f"{where}: a distance is a "
                                    "number of 0 or more", ProblemCode.NEGATIVE))  # fmt: skip
        if (d.from_unit, d.to_unit) in seen:
            problems.append(Problem("Distances", "", d.from_unit, f"{where} is given twice",
                                    ProblemCode.DUPLICATE_ID))  # fmt: skip
        seen.add((d.from_unit, d.to_unit))
    return problems
