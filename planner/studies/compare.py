"""Options side by side: every option of one or more scenarios solved in one run (`compare`).

A comparison solves each scenario's `baseline` (its base settings) and every variant of its
Scenarios sheet, and keeps each option's Result. It takes Scenarios, not files: read them with
`read_scenario` first (the CLI does), so that an InputError comes before anything is solved. The
comparison workbook is written by planner.reports, its terminal text by planner.reports.terminal.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from planner.domain import Scenario
from planner.errors import Problem
from planner.options import BASELINE, options
from planner.result import Result
from planner.solve import solve

__all__ = ["Comparison", "Option", "compare"]

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    """A progress callback that shows nothing."""


@dataclass(frozen=True)
class Option:
    """One solved option: a workbook's baseline or one of its variants, or another workbook."""

    name: str  # the variant's name, or `baseline`
    source: str  # the workbook it came from (the scenario's name when it was built in code)
    description: str
    result: Result
    label: str = ""  # unique in its comparison: the name, prefixed by the workbook when several
    workbook: int = 0  # position of the source among the workbooks compared (the same file may
    # be given twice; each copy has its own baseline)

    @property
    def is_baseline(self) -> bool:
        return self.name == BASELINE

    @property
    def new_hires(self) -> int:
        return sum(h.employees for h in self.result.scenario.hires)

    @property
    def notes(self) -> tuple[str, ...]:
        """Why a group has no plan, and what the solver said, in plain words."""
        lines: list[str] = []
        for g in self.result.groups:
            lines.extend(f"{g.group}: {line}" for line in (*g.explanation, *g.notes))
        return tuple(lines)


@dataclass(frozen=True)
class Comparison:
    """Options solved side by side. `interrupted`: Ctrl-C stopped the run after `len(options)` of
    `planned` options; the options kept are complete and checked."""

    options: tuple[Option, ...]
    sources: tuple[str, ...]
    planned: int
    interrupted: bool = False
    seconds: float = 0.0
    warnings: tuple[Problem, ...] = ()  # found while reading the workbooks (never fatal)
    fingerprints: tuple[str | None, ...] = ()  # SHA-256 of each source file (None: built in code)

    def baseline(self, option: Option) -> Option | None:
        """The baseline of the workbook an option came from (None if it was not solved)."""
        return next((o for o in self.options if o.source == option.source and o.is_baseline), None)

    def difference(self, option: Option) -> float | None:
        """Maximum coefficient after the plan, minus the baseline's (negative: better balanced).

        None when either has no plan, or when they measure workload differently (a count
        coefficient and an hours coefficient are not comparable)."""
        baseline = self.baseline(option)
        if baseline is None:
            return None
        after, base = option.result.max_coefficient_after, baseline.result.max_coefficient_after
        if after is None or base is None or not (math.isfinite(after) and math.isfinite(base)):
            return None
        if option.result.coefficient is not baseline.result.coefficient:
            return None
        return after - base

    def staff_difference(self, option: Option) -> int | None:
        baseline = self.baseline(option)
        if baseline is None:
            return None
        return option.result.staff_moved - baseline.result.staff_moved

    def services_difference(self, option: Option) -> float | None:
        baseline = self.baseline(option)
        if baseline is None:
            return None
        return option.result.services_moved - baseline.result.services_moved


def _labels(entries: Sequence[tuple[int, str]], several: bool, stems: Sequence[str]) -> list[str]:
    """Unique labels: the option name, prefixed by its workbook when several are compared."""
    labels: list[str] = []
    seen: set[str] = set()
    for source_index, name in entries:
        label = f"{stems[source_index]}: {name}" if several else name
        candidate, count = label, 1
        while candidate.casefold() in seen:
            count += 1
            candidate = f"{label} ({count})"
        seen.add(candidate.casefold())
        labels.append(candidate)
    return labels


def compare(
    scenarios: Sequence[Scenario],
    *,
    processes: int = 1,
    progress: Progress | None = None,
) -> Comparison:
    """Solve every option of every scenario in one run: each one's `baseline` and its variants.

    Every variant is applied before anything is solved, so an InputError (a variant naming a unit
    or service the scenario does not have) comes at once. Sensitivity re-solves are skipped (a
    comparison wants the headline figures). An infeasible option is kept with status
    `infeasible`. Ctrl-C (KeyboardInterrupt) stops the run but keeps the options already solved:
    the Comparison says `interrupted`; it is re-raised only when no option was solved yet.
    """
    started = time.perf_counter()
    progress = progress or _quiet
    sources = [s.source_path or s.name for s in scenarios]
    stems = [s.name for s in scenarios]
    planned: list[tuple[int, str, str, Scenario]] = []
    warnings: list[Problem] = []
    for index, scenario in enumerate(scenarios):
        warnings.extend(scenario.warnings)
        descriptions = {v.name: v.description for v in scenario.variants}
        descriptions[BASELINE] = "the base settings of the workbook"
        for name, option_scenario in options(scenario):
            planned.append((index, name, descriptions.get(name, ""), option_scenario))
    labels = _labels([(i, name) for i, name, _, _ in planned], len(sources) > 1, stems)

    solved: list[Option] = []
    interrupted = False
    total = len(planned)
    try:
        for number, ((index, name, description, scenario), label) in enumerate(
            zip(planned, labels, strict=True), start=1
        ):
            heading = f"option {number}/{total}: {label}"
            progress(heading)
            result = _solve_option(scenario, processes, heading, progress)
            solved.append(Option(name, sources[index], description, result, label, index))
    except KeyboardInterrupt:
        if not solved:
            raise
        interrupted = True
    return Comparison(
        options=tuple(solved),
        sources=tuple(sources),
        planned=total,
        interrupted=interrupted,
        seconds=time.perf_counter() - started,
        warnings=tuple(warnings),
        fingerprints=tuple(s.source_sha256 for s in scenarios),
    )


def _solve_option(scenario: Scenario, processes: int, heading: str, progress: Progress) -> Result:
    return solve(
        scenario,
        sensitivity=False,
        processes=processes,
        progress=lambda message: progress(f"{heading} ({message})"),
    )
