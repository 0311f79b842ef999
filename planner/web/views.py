"""JSON-ready views of what the library returns, for the pages and the API: a validation report
with a preview of the offending rows, a scenario's units and coefficients today, and the figures
of a Result, a Comparison and a Frontier.

Every figure comes from the library (Result.to_dict, reports.figures, reports.narrative, the WISN
and Hires sheets' rows, Comparison.difference, the domain's one definition of the coefficient);
nothing is recomputed here except the layout.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from planner import Comparison, Frontier, HiresPlan, Problem, Result, Scenario, validate_workbook
from planner.domain import CoefficientMode, coefficient, service_load, unit_capacity
from planner.i18n import LANGUAGES, _, using
from planner.options import BASELINE_DESCRIPTION, options
from planner.reports.figures import Figures
from planner.reports.hires_sheet import hires_rows
from planner.reports.narrative import group_account
from planner.reports.terminal import proof_text
from planner.reports.wisn_sheet import WisnRow, pressure_text, pressure_word, wisn_rows
from planner.result import Check
from planner.xlsx.reading import open_workbook

__all__ = [
    "check_view",
    "comparison_view",
    "finite",
    "frontier_view",
    "hires_view",
    "knee",
    "report_view",
    "result_view",
    "result_views",
    "scenario_view",
    "wisn_view",
]

MAX_PREVIEW_ROWS = 25  # offending rows shown per sheet
_CELL = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


def finite(value: float | None) -> float | None:
    """A float for JSON: None for None, inf and NaN."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _problem(problem: Problem, stored: str, shown: str) -> dict[str, Any]:
    def named(text: str) -> str:
        # The reader names the file it read: the stored `<sha256>.xlsx`; show the user's name.
        return text.replace(stored, shown)

    return {
        "sheet": problem.sheet,
        "cell": problem.cell,
        "location": named(problem.location),
        "value": None if problem.value is None or problem.value == "" else str(problem.value),
        "expected": named(problem.expected),
        "code": problem.code.value,
        "severity": problem.severity.value,
        "text": named(str(problem)),
    }


def _previews(path: Path, problems: tuple[Problem, ...]) -> list[dict[str, Any]]:
    """The header row and the offending rows of each sheet with cell problems, the cells marked."""
    marked: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for problem in problems:
        match = _CELL.fullmatch(problem.cell or "")
        if problem.sheet and match:
            marked[problem.sheet].add((int(match[2]), _column_number(match[1])))
    if not marked:
        return []
    previews = []
    try:
        with open_workbook(path) as book:
            titles = {title for title, _ in book.sheets}
            for sheet in sorted(marked):
                if sheet not in titles:
                    continue
                raw = book.read_sheet(sheet)
                cells = marked[sheet]
                wanted = {row for row, _ in cells}
                rows = [(n, c) for n, c in raw.rows if n in wanted or n == raw.rows[0][0]]
                rows = rows[: MAX_PREVIEW_ROWS + 1]
                width = max([max(c, default=0) for _, c in rows] + [col for _, col in cells])
                previews.append(
                    {
                        "sheet": sheet,
                        "columns": [_column_letters(i) for i in range(1, width + 1)],
                        "rows": [
                            {
                                "row": number,
                                "cells": [
                                    {
                                        "value": ""
                                        if i not in row_cells or row_cells[i][0] is None
                                        else str(row_cells[i][0]),
                                        "marked": (number, i) in cells,
                                    }
                                    for i in range(1, width + 1)
                                ],
                            }
                            for number, row_cells in rows
                        ],
                    }
                )
    except Exception:  # noqa: BLE001 - a preview is a courtesy; the problems stand without it
        return previews
    return previews


def report_view(path: Path, shown_name: str) -> dict[str, Any]:
    """validate_workbook's report as JSON: problems and warnings apart, a summary, previews."""
    report = validate_workbook(path)
    stored = path.name
    view: dict[str, Any] = {
        "problems": [_problem(p, stored, shown_name) for p in report.problems],
        "warnings": [_problem(p, stored, shown_name) for p in report.warnings],
        "summary": report.summary(),
        "previews": _previews(path, report.problems + report.warnings),
    }
    if report.scenario is not None:
        scenario = report.scenario
        view["scenario"] = {
            "units": len(scenario.units),
            "employees": scenario.total_employees,
            "services": len(scenario.services),
            "groups": list(scenario.groups),
            "skills": list(scenario.skills),
            "coefficient": scenario.settings.coefficient.value,
            "objective": scenario.settings.objective.value,
            "options": ["baseline", *(v.name for v in scenario.variants)],
        }
    return view


def option_names(scenario: Scenario) -> list[str]:
    return ["baseline", *(v.name for v in scenario.variants)]


def scenario_view(scenario: Scenario) -> dict[str, Any]:
    """Units per group with their coefficient today (the domain's definition), the settings and
    the options of the Scenarios sheet."""
    settings = scenario.settings
    load: dict[str, float] = defaultdict(float)
    for service in scenario.services:
        load[service.unit_id] += service_load(service, settings)
    groups = []
    for group, records in scenario.by_group.items():
        units = []
        for unit in records.units:
            employees = scenario.employees(unit.unit_id)
            value = coefficient(load[unit.unit_id], employees * unit_capacity(unit, settings))
            units.append(
                {
                    "unit_id": unit.unit_id,
                    "name": unit.label,
                    "employees": employees,
                    "load": load[unit.unit_id],
                    "coefficient": finite(value),
                    "locked": unit.locked,
                }
            )
        groups.append({"group": group, "units": units})
    return {
        "name": scenario.name,
        "groups": groups,
        "settings": {
            "coefficient": settings.coefficient.value,
            "objective": settings.objective.value,
            "allow_staff_moves": settings.allow_staff_moves,
            "allow_service_moves": settings.allow_service_moves,
            "max_staff_moves": settings.max_staff_moves,
            "max_service_moves": settings.max_service_moves,
            "time_limit": settings.time_limit,
        },
        "options": [
            {"name": "baseline", "description": _(BASELINE_DESCRIPTION)},
            *({"name": v.name, "description": v.description} for v in scenario.variants),
        ],
    }


def choose_option(scenario: Scenario, name: str) -> Scenario:
    """The scenario of one option (`baseline`: the scenario itself, as `planner solve` solves
    it; or a variant applied); KeyError for an unknown name."""
    if name == "baseline":
        return scenario
    chosen = dict(options(scenario))
    return chosen[name]


def _wisn_row(row: WisnRow) -> dict[str, Any]:
    after = row.staff_after is not None
    return {
        "unit_id": row.unit_id,
        "unit": row.unit,
        "group": row.group,
        "category": row.category,
        "label": f"{row.unit} / {row.category}",
        "current": row.current,
        "required": row.required,
        "difference": row.difference,
        "ratio": finite(row.ratio),
        "pressure": pressure_word(row.ratio),
        "reading": pressure_text(row.ratio),
        "hired": row.hired,
        "staff_after": row.staff_after,
        "required_after": row.required_after,
        "difference_after": row.difference_after,
        "ratio_after": finite(row.ratio_after),
        "pressure_after": pressure_word(row.ratio_after) if after else None,
        "reading_after": pressure_text(row.ratio_after) if after else None,
    }


def wisn_view(result: Result) -> list[dict[str, Any]]:
    """The WISN table (the result workbook's WISN sheet): per unit and staff category the current
    and required staff, difference, ratio and pressure, before and after the plan."""
    return [_wisn_row(row) for row in wisn_rows(result)]


def hires_view(plan: HiresPlan, result: Result) -> dict[str, Any]:
    """The fewest hires of the `wisn target` setting (the result workbook's Hires sheet): how
    many, whether proven fewest and why (not), and per cell the ratio before hiring and after."""
    return plan.to_dict() | {
        "reached": plan.reached,
        "proof": proof_text(plan),
        "cells": [_wisn_row(row) for row in hires_rows(plan, result)],
    }


def result_view(
    result: Result, hires: HiresPlan | None = None, figures: Figures | None = None
) -> dict[str, Any]:
    """What the result page shows, in the current language: per group the figures, the plan in
    plain words and the units; transfers and reassignments with names; sensitivity and checks; in
    wisn mode the WISN table, and the fewest hires when the `wisn target` setting asked for them.
    `figures`: Figures.of(result) when the caller has them (they are the same in every language)."""
    scenario = result.scenario
    figures = Figures.of(result) if figures is None else figures
    names = {u.unit_id: u.label for u in scenario.units}
    service_names = {s.service_id: s.name for s in scenario.services}
    # Grouped once: scanning every unit for each group cost 0.85 s on the national scenario.
    units_of: dict[str, list[Any]] = defaultdict(list)
    for unit in result.units:
        units_of[unit.group].append(unit)
    groups = []
    for g in result.groups:
        group_figures = figures.groups[g.group]
        units = [
            {
                "unit_id": u.unit_id,
                "name": names.get(u.unit_id, u.name),  # the label in this language
                "employees_before": u.employees_before,
                "employees_after": u.employees_after,
                "coefficient_before": finite(u.coefficient_before),
                "coefficient_after": finite(u.coefficient_after),
                "overloaded_after": u.unit_id in group_figures.overloaded_after,
            }
            for u in units_of[g.group]
        ]
        groups.append(
            {
                "group": g.group,
                "status": g.status.value,
                "max_coefficient_before": finite(g.max_coefficient_before),
                "max_coefficient_after": finite(g.max_coefficient_after),
                "lower_bound": finite(g.lower_bound),
                "gap": finite(g.gap),
                "stop_reason": None if g.stop_reason is None else g.stop_reason.value,
                "staff_moved": g.staff_moved,
                "services_moved": g.services_moved,
                "account": group_account(result, g.group, group_figures),
                "notes": list(g.notes),
                "units": units,
                "sensitivity": [
                    {
                        "item": s.item,
                        "change": s.change,
                        "now": finite(s.max_coefficient_now),
                        "after": finite(s.max_coefficient_after_change),
                    }
                    for s in g.sensitivity
                ],
            }
        )
    return {
        "scenario": scenario.name,
        "status": result.status.value,
        "coefficient": result.coefficient.value,
        "objective": result.objective.value,
        "max_coefficient_before": finite(result.max_coefficient_before),
        "max_coefficient_after": finite(result.max_coefficient_after),
        "staff_moved": result.staff_moved,
        "services_moved": result.services_moved,
        "seconds": round(result.report.seconds, 2),
        "groups": groups,
        "transfers": [
            {
                "from": t.source,
                "from_name": names.get(t.source, t.source),
                "to": t.target,
                "to_name": names.get(t.target, t.target),
                "skill": t.skill,
                "employees": t.employees,
            }
            for t in result.transfers
        ],
        "reassignments": [
            {
                "service_id": r.service_id,
                "service": service_names.get(r.service_id, ""),
                "from": r.source,
                "from_name": names.get(r.source, r.source),
                "to": r.target,
                "to_name": names.get(r.target, r.target),
                "share": r.share,
                "load": r.load,
            }
            for r in result.reassignments
        ],
        "checks": [check_view(c) for c in result.checks],
        "wisn": wisn_view(result) if result.coefficient is CoefficientMode.WISN else None,
        "hires": None if hires is None else hires_view(hires, result),
    }


def result_views(result: Result, hires: HiresPlan | None = None) -> dict[str, dict[str, Any]]:
    """result_view in each language of the workspace (kk, ru, en), by language: a finished job's
    page speaks its viewer's language, whichever language the job ran in. The figures are
    computed once."""
    figures = Figures.of(result)
    views = {}
    for code in LANGUAGES:
        with using(code):
            views[code] = result_view(result, hires, figures)
    return views


def check_view(check: Check) -> dict[str, Any]:
    """One independent check for the result page: its name and detail as the solve wrote them
    (in the job's language), and its stable code, by which the page names it in the viewer's."""
    code = getattr(check, "code", None)
    return {
        "group": check.group,
        "code": None if code is None else str(code),
        "name": check.name,
        "passed": check.passed,
        "detail": check.detail,
    }


def comparison_view(comparison: Comparison, names: dict[str, str]) -> dict[str, Any]:
    """One row per option (the figures of the comparison workbook's Summary), in the current
    language; `names` maps a stored workbook path to the name its user gave it."""
    rows = []
    for option in comparison.options:
        result = option.result
        rows.append(
            {
                "label": option.label,
                "workbook": names.get(option.source, Path(option.source).name),
                "option": option.name,
                # the baseline's words are the planner's, in this language; a variant's, the workbook's
                "description": _(BASELINE_DESCRIPTION)
                if option.is_baseline
                else option.description,
                "status": result.status.value,
                "max_coefficient_before": finite(result.max_coefficient_before),
                "max_coefficient_after": finite(result.max_coefficient_after),
                "difference": finite(comparison.difference(option)),
                "baseline": option.is_baseline,
                "staff_moved": result.staff_moved,
                "new_hires": option.new_hires,
                "services_moved": result.services_moved,
                "notes": list(option.notes),
            }
        )
    return {"options": rows, "seconds": round(comparison.seconds, 2)}


def knee(points: list[tuple[int, float]]) -> int | None:
    """The budget of the knee of a decreasing curve: the point farthest from the straight line
    between its first and last points, both axes scaled to 0..1 (None for fewer than 3 points
    or a flat curve)."""
    if len(points) < 3:
        return None
    (x0, y0), (x1, y1) = points[0], points[-1]
    if x1 == x0 or y1 == y0:
        return None
    best, best_distance = None, 0.0
    for x, y in points[1:-1]:
        u, v = (x - x0) / (x1 - x0), (y - y0) / (y1 - y0)
        distance = abs(u - v) / math.sqrt(2)
        if distance > best_distance + 1e-12:
            best, best_distance = x, distance
    return best


def frontier_view(curve: Frontier) -> dict[str, Any]:
    """Each group's points with their marks and the knee."""
    groups = []
    for g in curve.groups:
        points = [
            {
                "budget": p.budget,
                "max_coefficient": finite(p.max_coefficient),
                "proven": p.proven,
                "mark": p.mark,
            }
            for p in g.points
        ]
        valued = [
            (p.budget, p.max_coefficient) for p in g.points if finite(p.max_coefficient) is not None
        ]
        groups.append(
            {
                "group": g.group,
                "max_coefficient_before": finite(g.max_coefficient_before),
                "unconstrained": finite(g.unconstrained),
                "unconstrained_moves": g.unconstrained_moves,
                "note": g.note,
                "points": points,
                "knee": knee([(b, float(v)) for b, v in valued if v is not None]),
            }
        )
    return {
        "scenario": curve.scenario,
        "moves_kind": curve.moves_kind,
        "service_moves": curve.service_moves,
        "coefficient": curve.coefficient,
        "notes": list(curve.notes),
        "seconds": round(curve.seconds, 2),
        "groups": groups,
    }
