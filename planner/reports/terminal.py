"""The text the command line prints: a result, a comparison (lines or a Markdown table) and a
frontier, as lists of lines (the CLI prints them; nothing here writes to a stream).
"""

from __future__ import annotations

import math
from pathlib import Path

from planner.result import Result, Status
from planner.studies.compare import Comparison
from planner.studies.frontier import Frontier

__all__ = ["comparison_lines", "comparison_markdown", "frontier_lines", "result_lines"]


def _fmt(value: float | None, digits: int = 4) -> str:
    if value is None:
        return "-"
    if math.isinf(value):
        return "inf"
    return f"{value:.{digits}g}"


def _fmt3(value: float | None) -> str:
    if value is None:
        return "-"
    return "inf" if math.isinf(value) else f"{value:.3f}"


def result_lines(result: Result) -> list[str]:
    """The status of a solve and, per group, its maximum coefficient before -> after, the moves and
    why a group has no plan."""

    def fmt(value: float | None) -> str:
        return "inf" if value is None or value == float("inf") else f"{value:.4g}"

    lines = [
        f"{result.scenario.name}: {result.status.value} ({result.objective}, {result.coefficient})"
    ]
    for g in result.groups:
        lines.append(
            f"  {g.group}: {g.status.value}, max coefficient {fmt(g.max_coefficient_before)} -> "
            f"{fmt(g.max_coefficient_after)}, {g.staff_moved} staff moved, "
            f"{g.services_moved:g} services moved"
        )
        lines.extend(f"    - {line}" for line in g.explanation)
    return lines


def comparison_markdown(comparison: Comparison) -> list[str]:
    """The headline figures of a comparison as a Markdown table (for a README or a report)."""

    def cell(text: object) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = [
        "| Workbook | Option | Status | Max coefficient before | after | vs baseline "
        "| Staff moved | New hires | Services moved |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for option in comparison.options:
        result = option.result
        difference = comparison.difference(option)
        versus = ""
        if not option.is_baseline and difference is not None:
            versus = "0.000" if abs(difference) < 5e-4 else f"{difference:+.3f}"
        lines.append(
            f"| {cell(Path(option.source).name)} | {cell(option.name)} | {result.status.value} "
            f"| {_fmt3(result.max_coefficient_before)} | {_fmt3(result.max_coefficient_after)} "
            f"| {versus} | {result.staff_moved} | {option.new_hires} "
            f"| {result.services_moved:g} |"
        )
    return lines


def comparison_lines(comparison: Comparison) -> list[str]:
    """One line per option for the terminal: status, maximum coefficient before -> after, staff
    and services moved, and the difference to the baseline."""
    workbooks = len(comparison.sources)
    lines = [
        f"{len(comparison.options)} option(s) from {workbooks} workbook(s), "
        f"solved in {comparison.seconds:.1f} s:"
    ]
    width = max((len(o.label) for o in comparison.options), default=0)
    for option in comparison.options:
        result = option.result
        difference = comparison.difference(option)
        if option.is_baseline:
            versus = "(the baseline)"
        elif difference is None:
            versus = "(not comparable with the baseline)"
        else:
            versus = f"({difference:+.4g} vs baseline)"
        hires = f", {option.new_hires} hired" if option.new_hires else ""
        line = (
            f"  {option.label:<{width}}  {result.status.value:<10}  "
            f"max coefficient {_fmt(result.max_coefficient_before)} -> "
            f"{_fmt(result.max_coefficient_after)} {versus}, "
            f"{result.staff_moved} staff moved{hires}, {result.services_moved:g} services moved"
        )
        if result.status is Status.INFEASIBLE and option.notes:
            line += f"; {option.notes[0]}"
        lines.append(line)
    if comparison.interrupted:
        lines.append(
            f"Interrupted: {len(comparison.options)} of {comparison.planned} options solved; "
            "the rest were not run."
        )
    return lines


def frontier_lines(frontier: Frontier) -> list[str]:
    """The curve of each group for the terminal, with the points where moves stop helping."""
    points = sum(len(g.points) for g in frontier.groups)
    lines = [
        f"{frontier.scenario}: best maximum coefficient per budget of {frontier.moves_kind} "
        f"(per group; {frontier.coefficient} coefficient), {points} point(s) in "
        f"{frontier.seconds:.1f} s"
    ]
    for note in frontier.notes:
        lines.append(f"  note: {note}")
    for g in frontier.groups:
        width = len(str(max((p.budget for p in g.points), default=0)))
        lines.append(
            f"  {g.group}: before {_fmt(g.max_coefficient_before)}, best with no limit "
            f"{_fmt(g.unconstrained)} using {g.unconstrained_moves} {frontier.moves_kind}"
            + (f" ({g.note})" if g.note else "")
        )
        for p in g.points:
            mark = f"  <- {p.mark}" if p.mark else ""
            proof = "" if p.proven or p.max_coefficient is None else " (not proven: time limit)"
            value = "no plan" if p.max_coefficient is None else _fmt(p.max_coefficient, 6)
            lines.append(f"    budget {p.budget:>{width}}: {value}{proof}{mark}")
    return lines


def uncertainty_lines(result) -> list[str]:
    """The Monte Carlo in a few lines: P50 / P90 / P95 of each group's highest coefficient."""
    lines = [f"Monte Carlo: {result.samples:,} samples (seed {result.seed})"]
    for row in result.table("groups").itertuples(index=False):
        lines.append(
            f"  {row.group} ({row.plan}): P50 {row.P50:.3f}, P90 {row.P90:.3f}, P95 {row.P95:.3f}"
        )
    lines.extend(f"  {note}" for note in result.notes[1:])
    return lines
