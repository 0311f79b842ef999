"""The rules of distances given in code (Scenario.distances), as the Distances sheet's rows are
checked (planner.workbook.distances): no file format here, so solve() can check a Scenario with it.
"""

from __future__ import annotations

from planner.domain import Scenario
from planner.errors import Problem, ProblemCode
from planner.i18n import _
from planner.workbook.decision_rules import not_a_unit

__all__ = ["distance_problems"]


def distance_problems(scenario: Scenario) -> list[Problem]:
    """The Distances of a Scenario built in code, checked as the sheet's rows are."""
    problems = []
    units = {u.unit_id: u for u in scenario.units}
    seen: set[tuple[str, str]] = set()
    for d in scenario.distances:
        where = _("distance {a} -> {b}").format(a=d.from_unit, b=d.to_unit)
        for unit_id in (d.from_unit, d.to_unit):
            if unit_id not in units:
                problems.append(Problem("Distances", "", unit_id, f"{where}: "
                                        f"{not_a_unit(unit_id, units)}", ProblemCode.UNKNOWN_UNIT))  # fmt: skip
        if d.from_unit not in units or d.to_unit not in units:
            continue
        if d.from_unit == d.to_unit or units[d.from_unit].group != units[d.to_unit].group:
            problems.append(Problem("Distances", "", d.to_unit, f"{where}: " + _("a distance is "
                                    "between two units of one group"), ProblemCode.INVALID_DECISION))  # fmt: skip
        if not (d.value >= 0 and d.value < float("inf")):
            problems.append(Problem("Distances", "", d.value, f"{where}: " + _("a distance is a "
                                    "number of 0 or more"), ProblemCode.NEGATIVE))  # fmt: skip
        if (d.from_unit, d.to_unit) in seen:
            problems.append(Problem("Distances", "", d.from_unit, _("{where} is given twice")
                                    .format(where=where), ProblemCode.DUPLICATE_ID))  # fmt: skip
        seen.add((d.from_unit, d.to_unit))
    return problems
