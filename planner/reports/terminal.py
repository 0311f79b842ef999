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
    """The headline figures of a comparison as a Markdown table (for a README or a report), with
    each option's rank in its workbook (planner.studies.compare.RANKING_RULE)."""

    def cell(text: object) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = [
        "| Workbook | Option | Status | Max coefficient before | after | vs baseline "
        "| Mean after | Spread after | Overloaded after | Staff moved | New hires | Services moved "
        "| Rank |",
        "|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for option in comparison.options:
        result = option.result
        standing = comparison.standing(option)
        versus = "" if option.is_baseline else comparison.versus_baseline(option)
        rank = "" if standing.rank is None else str(standing.rank)
        if standing.recommended:
            rank += " (recommended)"
        overloaded = "" if standing.overloaded_after is None else standing.overloaded_after
        lines.append(
            f"| {cell(Path(option.source).name)} | {cell(option.name)} | {result.status.value} "
            f"| {_fmt3(result.max_coefficient_before)} | {_fmt3(result.max_coefficient_after)} "
            f"| {versus} | {_fmt3(standing.mean)} | {_fmt3(standing.spread)} | {overloaded} "
            f"| {result.staff_moved} | {option.new_hires} | {result.services_moved:g} | {rank} |"
        )
    return lines


def comparison_lines(comparison: Comparison) -> list[str]:
    """One line per option for the terminal: status, maximum coefficient before -> after and
    against the baseline in words, staff and services moved, the mean and spread of the unit
    coefficients, the overloaded units, and the option's rank (the recommended one with why)."""
    workbooks = len(comparison.sources)
    lines = [
        f"{len(comparison.options)} option(s) from {workbooks} workbook(s), "
        f"solved in {comparison.seconds:.1f} s:"
    ]
    width = max((len(o.label) for o in comparison.options), default=0)
    for option in comparison.options:
        result = option.result
        standing = comparison.standing(option)
        if option.is_baseline:
            versus = "(the baseline)"
        else:
            words = comparison.versus_baseline(option)
            versus = (
                f"({words} than the baseline)"
                if words.startswith(("worse", "better"))
                else (
                    "(the same as the baseline)"
                    if words == "same"
                    else f"({words} with the baseline)"
                )
            )
        hires = f", {option.new_hires} hired" if option.new_hires else ""
        figures = ""
        if standing.mean is not None and standing.overloaded_after is not None:
            figures = (
                f", mean {_fmt3(standing.mean)}, spread {_fmt3(standing.spread)}, "
                f"{standing.overloaded_after} overloaded"
            )
        if standing.recommended:
            rank = f"; rank 1, {standing.reason}"
        elif standing.rank is not None:
            rank = f"; rank {standing.rank}"
        else:
            rank = f"; {standing.reason}"
        line = (
            f"  {option.label:<{width}}  {result.status.value:<10}  "
            f"max coefficient {_fmt(result.max_coefficient_before)} -> "
            f"{_fmt(result.max_coefficient_after)} {versus}, "
            f"{result.staff_moved} staff moved{hires}, {result.services_moved:g} services moved"
            f"{figures}{rank}"
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
