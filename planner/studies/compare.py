"""Options side by side: every option of one or more scenarios solved in one run (`compare`).

A comparison solves each scenario's `baseline` (its base settings) and every variant of its
Scenarios sheet, and keeps each option's Result. It takes Scenarios, not files: read them with
`read_scenario` first (the CLI does), so that an InputError comes before anything is solved. The
comparison workbook is written by planner.reports, its terminal text by planner.reports.terminal.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from planner.domain import Scenario, coefficient, unit_capacity
from planner.errors import Problem
from planner.i18n import N_, _, decimal, ngettext
from planner.options import BASELINE, BASELINE_DESCRIPTION, options
from planner.result import Result
from planner.solve import Step, solve
from planner.studies.sweep import connected, run_chunks

__all__ = [
    "RANKING_RULE",
    "Comparison",
    "Option",
    "Standing",
    "compare",
    "difference_words",
    "overloaded_units",
]

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    """A progress callback that shows nothing."""


# The rule that ranks the options of one workbook (documented in the README, "Choosing an option").
# Marked N_: translated where it is shown (the comparison workbook).
RANKING_RULE = N_(
    "Options are ranked within their workbook: first the lowest highest coefficient after the plan "
    "(to six significant digits, the precision of its certificate); on a tie, fewer overloaded "
    "units after the plan (above their group mean by more than the overload margin); then the "
    "smaller spread (standard deviation) of the unit coefficients; then fewer moves (staff moved "
    "plus services moved); then fewer new hires; then the order of the workbook. An option with "
    "no plan, or whose plan failed a check, is not ranked. The first is recommended. A "
    "comparison with robust plans (compare --robust) judges every option on the same fresh "
    "samples of the volumes and ranks first by the P90 of the highest coefficient over them (in "
    "9 years out of 10 the worst unit is at most that loaded), then by the rule above."
)
SHOWN = 5e-4  # differences smaller than this read as "same": figures are shown to 3 decimals
TOLERANCE = 1e-9  # a unit exactly at the overload threshold is not overloaded (as in the reports)


def difference_words(difference: float | None) -> str:
    """A difference of maximum coefficients (option minus baseline) in words: 'worse by 0.251',
    'better by 0.018' or 'same' (within the 3 decimals shown); '' for none. A lower maximum is
    better, so a positive difference is worse: words, because a signed number reads like a gain."""
    if difference is None or not math.isfinite(difference):
        return ""
    if abs(difference) < SHOWN:
        return _("same")
    amount = decimal(abs(difference), 3)
    if difference > 0:
        return _("worse by {amount}").format(amount=amount)
    return _("better by {amount}").format(amount=amount)


# The reason of the recommended option: the comparison workbook writes its own sentence around
# what follows the prefix (recommended_why).
RECOMMENDED = N_("recommended: {why}")


def recommended_why(reason: str) -> str:
    """The reason of the recommended option without its 'recommended: ' (in the current
    language)."""
    prefix = _(RECOMMENDED).split("{", 1)[0]
    return reason.removeprefix(prefix)


def overloaded_units(result: Result, *, after: bool = True) -> int | None:
    """Units above their group's mean coefficient x (1 + overload margin), after the plan (or
    before it); None after the plan when a group has no plan. The group mean is its total load
    over its total capacity, the definition the result workbook uses (planner.reports.figures)."""
    scenario = result.scenario
    settings = scenario.settings
    count = 0
    for g in result.groups:
        if after and g.max_coefficient_after is None:
            return None
        rows = [u for u in result.units if u.group == g.group]
        load = sum(u.load_after if after else u.load_before for u in rows)
        capacity = sum(
            (u.employees_after if after else u.employees_before)
            * unit_capacity(scenario.unit(u.unit_id), settings)
            for u in rows
        )
        threshold = coefficient(load, capacity) * (1 + settings.overload_margin)
        for u in rows:
            value = u.coefficient_after if after else u.coefficient_before
            if value is not None and value > threshold * (1 + TOLERANCE) + TOLERANCE:
                count += 1
    return count


def _unit_coefficients(result: Result) -> list[float]:
    """The finite coefficients after the plan of the units that have staff or services then."""
    return [
        u.coefficient_after
        for u in result.units
        if u.coefficient_after is not None
        and math.isfinite(u.coefficient_after)
        and (u.employees_after > 0 or u.load_after > 0)
    ]


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
    # compare --robust: the P90 of the highest coefficient over the comparison's fresh samples
    # of the volumes (None without them), and whether the plan is the robust one of its option.
    p90: float | None = None
    robust: bool = False

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
class Standing:
    """Where an option stands among the options of its workbook (RANKING_RULE): its rank, the
    figures it is ranked on, and the reason in words."""

    option: Option
    mean: float | None  # mean coefficient of the units after the plan (unweighted)
    spread: float | None  # standard deviation of those unit coefficients
    overloaded_before: int
    overloaded_after: int | None  # None: no plan
    rank: int | None  # 1 = the best of its workbook; None: not ranked (no plan, failed check)
    recommended: bool
    reason: str  # why it stands where it does, against the option just above (or below)

    @property
    def moves(self) -> float:
        return self.option.result.staff_moved + self.option.result.services_moved


def _standing_figures(option: Option) -> tuple[float | None, float | None]:
    values = _unit_coefficients(option.result)
    if option.result.max_coefficient_after is None or not values:
        return None, None
    mean = sum(values) / len(values)
    spread = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return mean, spread


def _key(standing: Standing, order: int) -> tuple[float, float, int, float, float, int, int]:
    """The ranking key of RANKING_RULE (smaller is better); the P90 is 0 for every option of a
    comparison without robust plans, so that it orders nothing there."""
    after = standing.option.result.max_coefficient_after
    assert after is not None and standing.overloaded_after is not None
    p90 = standing.option.p90
    return (
        float(f"{p90:.6g}") if p90 is not None else 0.0,
        float(f"{after:.6g}"),
        standing.overloaded_after,
        round(standing.spread or 0.0, 6),
        round(standing.moves, 6),
        standing.option.new_hires,
        order,
    )


def _versus(better: Standing, worse: Standing, order: tuple[int, int], *, named: bool) -> str:
    """The first figure of the rule on which `better` beats `worse`, in words (`named`: the words
    name `worse`, for the reason of `better`)."""
    a, b = better.option.result, worse.option.result
    assert a.max_coefficient_after is not None and b.max_coefficient_after is not None
    other = _(" for '{label}'").format(label=worse.option.label) if named else ""
    next_best = _(", the next best") if named else ""
    c = decimal  # coefficients in words: 3 decimals, in the language's notation
    key_a: tuple[float, ...] = _key(better, order[0])
    key_b: tuple[float, ...] = _key(worse, order[1])
    if key_a[0] != key_b[0]:
        assert better.option.p90 is not None and worse.option.p90 is not None
        text = (
            _("the lowest P90 of the highest coefficient over the fresh samples: {a} against {b}")
            if named
            else _("a lower P90 of the highest coefficient over the fresh samples: {a} against {b}")
        )
        return text.format(a=c(better.option.p90, 3), b=c(worse.option.p90, 3)) + other + next_best
    key_a, key_b = key_a[1:], key_b[1:]
    if key_a[0] != key_b[0]:
        text = (
            _("the lowest highest coefficient: {a} against {b}")
            if named
            else _("a lower highest coefficient: {a} against {b}")
        )
        return (
            text.format(a=c(a.max_coefficient_after, 3), b=c(b.max_coefficient_after, 3))
            + other
            + next_best
        )
    value = c(a.max_coefficient_after, 3)
    tie = _("the same highest coefficient ({value})").format(value=value)
    if named:
        tie = _("the same highest coefficient as '{label}' ({value})").format(
            label=worse.option.label, value=value
        )
    if key_a[1] != key_b[1]:
        return _("{tie} and fewer overloaded units: {a} against {b}").format(
            tie=tie, a=better.overloaded_after, b=worse.overloaded_after
        )
    tie += _(", as many overloaded units ({count})").format(count=better.overloaded_after)
    if key_a[2] != key_b[2]:
        assert better.spread is not None and worse.spread is not None
        return _("{tie} and a smaller spread of unit coefficients: {a} against {b}").format(
            tie=tie, a=c(better.spread, 3), b=c(worse.spread, 3)
        )
    if key_a[3] != key_b[3]:
        return _("{tie} and fewer moves: {a} against {b}").format(
            tie=tie, a=f"{better.moves:g}", b=f"{worse.moves:g}"
        )
    if key_a[4] != key_b[4]:
        return _("{tie} and fewer new hires: {a} against {b}").format(
            tie=tie, a=better.option.new_hires, b=worse.option.new_hires
        )
    return _("{tie} and every other figure of the rule, and comes first in the workbook").format(
        tie=tie
    )


def _rank(options: Sequence[Option]) -> dict[int, Standing]:
    """The standings of one workbook's options, keyed by id(option)."""
    standings: dict[int, Standing] = {}
    for option in options:
        mean, spread = _standing_figures(option)
        before = overloaded_units(option.result, after=False) or 0
        after = overloaded_units(option.result)
        if option.result.max_coefficient_after is None or after is None:
            reason = _("not ranked: no plan ({status})").format(status=option.result.status.value)
        elif not option.result.checks_passed:
            reason = _("not ranked: the plan failed an independent check (a bug: see Notes)")
        else:
            reason = ""
        standings[id(option)] = Standing(option, mean, spread, before, after, None, False, reason)
    order = {id(o): i for i, o in enumerate(options)}
    ranked = sorted(
        (s for s in standings.values() if not s.reason),
        key=lambda s: _key(s, order[id(s.option)]),
    )
    for rank, standing in enumerate(ranked, start=1):
        if rank == 1:
            if len(ranked) == 1:
                reason = _(RECOMMENDED).format(why=_("the only option with a plan"))
            else:
                runner_up = ranked[1]
                pair = (order[id(standing.option)], order[id(runner_up.option)])
                reason = _(RECOMMENDED).format(why=_versus(standing, runner_up, pair, named=True))
        else:
            above = ranked[rank - 2]
            pair = (order[id(above.option)], order[id(standing.option)])
            versus = _versus(above, standing, pair, named=False)
            reason = _("after '{label}', which has {versus}").format(
                label=above.option.label, versus=versus
            )
        standings[id(standing.option)] = dataclasses.replace(
            standing, rank=rank, recommended=rank == 1, reason=reason
        )
    return standings


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

    @cached_property
    def standings(self) -> tuple[Standing, ...]:
        """Each option's standing among the options of its workbook, in the options' order."""
        by_option: dict[int, Standing] = {}
        for workbook in sorted({o.workbook for o in self.options}):
            by_option |= _rank([o for o in self.options if o.workbook == workbook])
        return tuple(by_option[id(o)] for o in self.options)

    def standing(self, option: Option) -> Standing:
        return next(s for s in self.standings if s.option is option)

    def recommended(self) -> tuple[Standing, ...]:
        """The recommended option of each workbook (none for a workbook with no plan)."""
        return tuple(s for s in self.standings if s.recommended)

    def versus_baseline(self, option: Option) -> str:
        """The option's maximum coefficient against its baseline's, in words ('worse by 0.251',
        'better by 0.018', 'same'); 'the baseline' for the baseline itself; 'not comparable' when
        either has no plan or they measure workload differently."""
        if option.is_baseline:
            return "the baseline"
        difference = self.difference(option)
        return difference_words(difference) if difference is not None else "not comparable"

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
    robust: int | None = None,
    evaluate: int = 1000,
    seed: int = 0,
    cluster: Any = None,
) -> Comparison:
    """Solve every option of every scenario in one run: each one's `baseline` and its variants.

    robust: with N, each option also gets its robust plan for N training samples of the volumes
    (planner.studies.robust), as an option of its own labelled "<label> (robust)", and every
    option is judged on the same `evaluate` fresh samples (seed `seed`): its `p90`, by which
    the ranking then goes first (RANKING_RULE).

    cluster: a Dask scheduler address or distributed.Client (planner.studies.sweep): every
    option is solved as a task of its own on the cluster, and the robust plans and their
    samples go there too; None: the options one after another here, each with `processes`.

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
        descriptions[BASELINE] = _(BASELINE_DESCRIPTION)
        for name, option_scenario in options(scenario):
            planned.append((index, name, descriptions.get(name, ""), option_scenario))
    labels = _labels([(i, name) for i, name, _, _ in planned], len(sources) > 1, stems)

    solved: list[Option] = []
    interrupted = False
    total = len(planned)
    with connected(cluster) as client:
        results: list[Result] | None = None
        if client is not None:
            progress(
                ngettext("{count} option on the cluster", "{count} options on the cluster", total)
                .format(count=total)
            )  # fmt: skip
            results = run_chunks(_solve_quietly, [s for _, _, _, s in planned], cluster=client)
        try:
            for number, ((index, name, description, scenario), label) in enumerate(
                zip(planned, labels, strict=True), start=1
            ):
                # Option `number` is being started: `number - 1` are done.
                heading = Step(
                    _("option {number}/{count}: {label}").format(
                        number=number, count=total, label=label
                    ),
                    number - 1,
                    total,
                )
                progress(heading)
                result = (
                    results[number - 1]
                    if results is not None
                    else _solve_option(scenario, processes, heading, progress)
                )
                option = Option(name, sources[index], description, result, label, index)
                if robust is None:
                    solved.append(option)
                    continue
                progress(
                    Step(
                        ngettext(
                            "{heading} (robust plan for {count} sample)",
                            "{heading} (robust plan for {count} samples)",
                            robust,
                        ).format(heading=heading, count=robust),
                        heading.done,
                        total,
                    )
                )
                solved.extend(_with_robust(option, robust, evaluate, seed, processes, client))
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


def _with_robust(
    option: Option, samples: int, evaluate: int, seed: int, processes: int, cluster: Any = None
) -> tuple[Option, Option]:
    """The option with its P90 over the fresh samples, and its robust plan as an option beside
    it (judged on the same samples: the evaluation draws them from the seed alone)."""
    from planner.studies.robust import ROBUST, robust_study
    from planner.studies.uncertainty import PLAN

    study = robust_study(
        option.result.scenario, samples, evaluate, seed, nominal=option.result,
        processes=processes, cluster=cluster,
    )  # fmt: skip
    evaluation = study.evaluation
    robust = dataclasses.replace(
        option,
        name=f"{option.name} (robust)",
        description=(
            ngettext(
                "{description}; robust plan for {count} sampled volumes",
                "{description}; robust plan for {count} sampled volumes",
                samples,
            ).format(description=option.description, count=samples)
            if option.description
            else ngettext(
                "robust plan for {count} sampled volumes",
                "robust plan for {count} sampled volumes",
                samples,
            ).format(count=samples)
        ),
        result=study.robust_result(),
        label=_("{label} (robust)").format(label=option.label),
        p90=evaluation.scenario_quantile(ROBUST, 0.9),
        robust=True,
    )
    nominal = dataclasses.replace(option, p90=evaluation.scenario_quantile(PLAN, 0.9))
    return nominal, robust


def _solve_quietly(scenario: Scenario) -> Result:
    """One option solved on a cluster worker (a module-level function: it travels by name)."""
    return solve(scenario, sensitivity=False)


def _solve_option(scenario: Scenario, processes: int, heading: Step, progress: Progress) -> Result:
    """The option solved, its groups' progress shown under its heading (and counted as it)."""
    return solve(
        scenario,
        sensitivity=False,
        processes=processes,
        progress=lambda message: progress(
            Step(f"{heading} ({message})", heading.done, heading.total)
        ),
    )
