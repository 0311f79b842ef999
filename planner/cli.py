"""The `planner` command: parse arguments, call the Python API, print, return an exit code.

Exit codes: 0 a plan was found (or the workbook is valid), 2 invalid input or arguments (an output
that exists without --force, an input named as the output, a wrong extension), 3 infeasible (a
Result whose status is infeasible, or an InfeasibleError), 1 anything unexpected (a message on
stderr and the traceback in a log file, never on the terminal), 130 interrupted (solve and compare
still write what was solved so far), 143 terminated (SIGTERM while an output was being written:
the partial file is removed).

Outputs go next to the input workbook (`<name>-result.xlsx` beside `<name>.xlsx`; for a bundled
scenario, into the current folder) or to --out; an existing file is never replaced without
--force, an input never, and every write is atomic. Files are read here and the studies get
Scenarios; what is printed comes from planner.reports.terminal. Progress (phases, a bar with
elapsed time and time left) goes to stderr only when it is a terminal.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.checks import MAX_FRONTIER_BUDGETS
from planner.console import guarded_streams
from planner.datasets.bundled import DEFAULT_SCENARIO_NAME, bundled_scenario, is_bundled
from planner.domain import CoefficientMode, Scenario
from planner.errors import (
    InfeasibleError,
    InputError,
    OutputError,
    PlannerError,
    Problem,
    ProblemCode,
)
from planner.i18n import LANGUAGES, N_, _, decimal, integer, ngettext, resolve_language, using
from planner.xlsx.files import OutputRefused, Terminated, collection_paused

if TYPE_CHECKING:
    from planner.studies.wisn_hires import HiresPlan

EXIT_OK, EXIT_UNEXPECTED, EXIT_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it
EXIT_TERMINATED = 143  # SIGTERM during a write (128 + 15, as shells report a SIGTERM death)
DEFAULT_SCENARIO = bundled_scenario(DEFAULT_SCENARIO_NAME)  # package data: works from any install


class UsageError(PlannerError):
    """Arguments that cannot be used (exit 2): a wrong output extension, an output that exists
    without --force or that is an input, a missing output folder."""


def version() -> str:
    """The installed version of planner."""
    try:
        return metadata.version("planner")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


# --- the terminal --------------------------------------------------------------------------------

_COUNTER = re.compile(r"(\d+)/(\d+)")
# The words before the counter ("groups solved:", "option", "point", or their translations):
# at most two words, so that "frontier D: point 3/16" keeps "frontier D".
_COUNTER_PHRASE = re.compile(r"(?:[^\W\d]+(?: [^\W\d]+)?:?\s*)?\d+/\d+:?")


def progress_detail(message: str) -> str:
    """What a progress message says is being worked on, without the counter the bar shows:
    'groups solved: 2/3 (Districts)' -> 'Districts'; 'option 2/8: staff only (groups solved:
    1/3)' -> 'staff only'; 'frontier D: point 3/16, budget 20: 0.5' -> 'frontier D: budget 20: 0.5'.
    """
    text = _COUNTER_PHRASE.sub("", message, count=1).strip()
    text = re.sub(r"\s*[:,]\s*[:,]\s*", ": ", text)
    head, _, tail = text.partition(" (")
    if not head and text.startswith("("):
        return text.strip("() ")
    return (head or tail).strip(" :,()")


class Terminal:
    """What a run shows on stderr: warnings (each once) and, only when stderr is a terminal and
    not --quiet, a phase line per step with a progress bar (rich), elapsed time and time left.
    The bar is removed when its phase ends and a one-line account of the phase stays."""

    def __init__(self, *, quiet: bool = False, console: Any = None) -> None:
        self._console = console
        self.quiet = quiet
        self._warned: set[tuple[str, str]] = set()
        self.written: list[Path] = []  # the files this run wrote, named again if stdout is lost

    def wrote(self, path: Path) -> Path:
        """Note a file the run wrote (returns it)."""
        self.written.append(path)
        return path

    @property
    def console(self) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True, highlight=False, soft_wrap=True)
        return self._console

    @property
    def live(self) -> bool:
        return not self.quiet and self.console.is_terminal

    def warnings(self, problems: Sequence[Problem], source: str | os.PathLike[str] = "") -> None:
        """Print the warnings not printed yet in this run, under the file they come from."""
        fresh = []
        for problem in problems:
            key = (str(source), str(problem))
            if key not in self._warned:
                self._warned.add(key)
                fresh.append(problem)
        heading = (
            _("Warnings in {file}:").format(file=Path(source).name) if source else _("Warnings:")
        )
        _print_problems(fresh, heading)

    @contextmanager
    def phase(
        self, description: str, *, counted: bool = False, counter_starts: bool = False
    ) -> Iterator[Callable[[str], None]]:
        """A step of the run; yields the progress callback the API calls with its messages.

        counted: the messages carry `i/n` (groups, options, points), shown as a bar with time
        left; counter_starts: `i` names the item being started, not the one just finished.
        """
        if not self.live:
            yield lambda message: None
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}")]
        if counted:
            columns += [BarColumn(bar_width=20), MofNCompleteColumn()]
        columns += [TimeElapsedColumn(), TextColumn(_("elapsed"))]
        if counted:
            columns += [TimeRemainingColumn(), TextColumn(_("left"))]
        columns += [TextColumn("{task.fields[detail]}", style="dim")]
        started = time.perf_counter()
        with Progress(*columns, console=self.console, transient=True) as bar:
            task = bar.add_task(description, total=None, detail="")

            def update(message: str) -> None:
                match = _COUNTER.search(message)
                if counted and match:
                    done = int(match[1]) - (1 if counter_starts else 0)
                    bar.update(task, completed=max(done, 0), total=int(match[2]))
                bar.update(task, detail=progress_detail(message)[:40])

            yield update
        seconds = decimal(time.perf_counter() - started, 1)
        self.console.print(
            _("{phase}: done in {seconds} s").format(phase=description, seconds=seconds)
        )


def _interrupted(message: str) -> None:
    """The message of a Ctrl-C on a line of its own (a terminal has echoed `^C` after the last
    line; the progress bar is already gone)."""
    print(("\n" if sys.stderr.isatty() else "") + message, file=sys.stderr)


def _print_problems(problems: Sequence[Problem], heading: str) -> None:
    if problems:
        print(heading, file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)


# --- arguments -----------------------------------------------------------------------------------

MAX_BUDGET_POINTS = MAX_FRONTIER_BUDGETS  # checked here before a list is built


class BudgetRangeError(InputError, ValueError):
    """A --max-moves range that cannot be read (an InputError, so the CLI exits with 2)."""

    def __init__(self, text: object, expected: str) -> None:
        super().__init__([Problem("--max-moves", "", text, expected, ProblemCode.BAD_BUDGET_RANGE)])


_RANGE = re.compile(r"\s*(\d+)\s*:\s*(\d+)\s*(?::\s*(\d+)\s*)?")


def parse_budget_range(text: str) -> list[int]:
    """Budgets from `START:STOP:STEP` (stop included), e.g. `0:100:10` -> [0, 10, ..., 100].

    `START:STOP` steps by one; a STOP that the steps do not land on is added as the last point.
    Raises BudgetRangeError (an InputError and a ValueError) with a message a planner can act on.
    """
    usage = _("must look like START:STOP:STEP with whole numbers of 0 or more, e.g. 0:100:10")
    match = _RANGE.fullmatch(text or "")
    if not match:
        raise BudgetRangeError(text, usage)
    start, stop = int(match[1]), int(match[2])
    step = int(match[3]) if match[3] is not None else 1
    if step <= 0:
        raise BudgetRangeError(text, _("the STEP of START:STOP:STEP must be 1 or more"))
    if stop < start:
        raise BudgetRangeError(
            text,
            _("STOP ({stop}) must not be below START ({start})").format(stop=stop, start=start),
        )
    # Counted before anything is built: 0:100000000:1 must be refused, not listed (and
    # len(range(...)) itself overflows past sys.maxsize).
    points = (stop - start) // step + 1
    lands = (stop - start) % step == 0
    count = points if lands else points + 1
    if count > MAX_BUDGET_POINTS:
        raise BudgetRangeError(
            text,
            _("gives {count} points; at most {most} (take a larger STEP)").format(
                # integer() formats through a double: exact below 2**53 only
                count=integer(count) if count < 2**53 else f"{count:,}",
                most=MAX_BUDGET_POINTS,
            ),
        )
    budgets = range(start, stop + 1, step)
    return [*budgets] if lands else [*budgets, stop]


def _count(minimum: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                _("{option} must be a whole number, not {text}").format(
                    option=what, text=repr(text)
                )
            ) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(
                _("{option} must be {minimum} or more, not {value}").format(
                    option=what, minimum=minimum, value=value
                )
            )
        return value

    return parse


def _processes(text: str) -> int:
    value = _count(1, "--processes")(text)
    cores = os.cpu_count() or 1
    if value > cores:
        raise argparse.ArgumentTypeError(
            ngettext(
                "--processes {value}: this machine has {cores} core; use at most {cores}",
                "--processes {value}: this machine has {cores} cores; use at most {cores}",
                cores,
            ).format(value=value, cores=cores)
        )
    return value


def scenario_source(text: str | None) -> Path:
    """The workbook a command reads: a file, or the name of a bundled scenario (with or without
    `.xlsx`) when no such file exists, or the bundled default when no argument is given."""
    if text is None:
        return DEFAULT_SCENARIO
    path = Path(text).expanduser()
    if not path.exists():
        try:
            return bundled_scenario(text)
        except KeyError:
            pass  # the reader says "no such file", naming it
    return path


def default_output(source: Path, kind: str) -> Path:
    """`<name>-<kind>.xlsx` beside the input, or in the current folder for a bundled scenario
    (never inside the installed package)."""
    folder = Path.cwd() if is_bundled(source) else source.parent
    return folder / f"{source.stem}-{kind}.xlsx"


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def check_output(
    path: Path,
    *,
    suffixes: Sequence[str],
    inputs: Sequence[Path] = (),
    force: bool = False,
    option: str = "--out",
) -> Path:
    """The output `path` if it may be written, else UsageError (exit 2) before any work is done:
    its extension must be one of `suffixes`, it must not be an input (not even with --force),
    its folder must exist, and it must not exist unless `force`."""
    shown = f"{option} {path}" if option else str(path)
    if path.suffix.lower() not in suffixes:
        choices = _(" or ").join(suffixes)
        raise UsageError(
            _("{output}: the output must end in {suffixes}").format(output=shown, suffixes=choices)
            + " "
            + (
                _("(found {value})").format(value=repr(path.suffix))
                if path.suffix
                else _("(it has no extension)")
            )
        )
    for source in inputs:
        if _same_file(path, source):
            raise UsageError(
                _(
                    "{output}: that is the input workbook; refusing to write over it (even with "
                    "--force): choose another name"
                ).format(output=shown)
            )
    if path.is_dir():
        raise UsageError(_("{output}: it is a folder; give a file name").format(output=shown))
    folder = path.expanduser().resolve().parent
    if not folder.is_dir():
        raise UsageError(
            _("{output}: the folder {folder} does not exist").format(output=shown, folder=folder)
        )
    if (path.exists() or path.is_symlink()) and not force:
        raise UsageError(
            (
                _(
                    "{path} already exists: pass --force (-f) to replace it, or choose another name with --out"
                )
                if option == "--out"
                else _(
                    "{path} already exists: pass --force (-f) to replace it, or choose another name"
                )
            ).format(path=path)
        )
    return path


def _output(args: argparse.Namespace, source: Path, kind: str, suffixes: Sequence[str]) -> Path:
    path = Path(args.out).expanduser() if args.out else default_output(source, kind)
    return check_output(path, suffixes=suffixes, inputs=(source,), force=args.force)


# --- the commands --------------------------------------------------------------------------------


def _read(term: Terminal, path: Path):
    from planner.workbook import read_scenario

    with term.phase(_("reading {file}").format(file=path.name)):
        try:
            scenario = read_scenario(path)
        except InputError as error:
            term.warnings(error.warnings, path)  # here, where the file is known
            raise InputError(error.problems) from None
    term.warnings(scenario.warnings, path)
    return scenario


def cmd_validate(args: argparse.Namespace, term: Terminal) -> int:
    from planner.workbook import validate_workbook

    path = scenario_source(args.path)
    with term.phase(_("checking {file}").format(file=path.name)):
        report = validate_workbook(path)
    term.warnings(report.warnings, path)
    if report.problems:
        count = len(report.problems)
        _print_problems(
            report.problems,
            ngettext("{path}: {count} problem:", "{path}: {count} problems:", count).format(
                path=path, count=count
            ),
        )
        return EXIT_INPUT
    scenario = report.scenario
    assert scenario is not None  # a report without problems carries its scenario
    units, employees = len(scenario.units), scenario.total_employees
    services, groups, skills = len(scenario.services), len(scenario.groups), len(scenario.skills)
    counts = ", ".join(
        (
            ngettext("{count} unit", "{count} units", units).format(count=integer(units)),
            ngettext("{count} employee", "{count} employees", employees).format(
                count=integer(employees)
            ),
            ngettext("{count} service", "{count} services", services).format(
                count=integer(services)
            ),
            ngettext("{count} group", "{count} groups", groups).format(count=integer(groups)),
            ngettext("{count} skill", "{count} skills", skills).format(count=integer(skills)),
        )
    )
    variants = len(scenario.variants)
    print(
        _("{path}: valid. {counts}; coefficient {coefficient}, objective {objective}").format(
            path=path,
            counts=counts,
            coefficient=scenario.settings.coefficient,
            objective=scenario.settings.objective,
        )
        + (
            "; " + ngettext("{count} variant", "{count} variants", variants).format(count=variants)
            if variants
            else ""
        )
    )
    return EXIT_OK


def cmd_template(args: argparse.Namespace, term: Terminal) -> int:
    from planner.workbook import template_workbook
    from planner.workbook.wisn_sheets import wisn_template_workbook
    from planner.xlsx.files import save_workbook

    out = check_output(Path(args.path).expanduser(), suffixes=(".xlsx",), force=args.force,
                       option="")  # fmt: skip
    workbook = wisn_template_workbook() if args.wisn else template_workbook()
    path = term.wrote(save_workbook(workbook, out, overwrite=args.force))
    print(_("template written to {path}").format(path=path))
    return EXIT_OK


def _uncertainty(args: argparse.Namespace, result):
    """The Monte Carlo of `planner solve --samples N --seed S [--cluster ADDRESS]` (or the
    `samples` setting), or None."""
    from planner.studies.sweep import cluster_address
    from planner.studies.uncertainty import uncertainty

    samples = args.samples if args.samples is not None else result.scenario.settings.samples
    if args.robust and not samples:
        samples = 1000  # the robust plan is judged on fresh samples
    if not samples:
        return None
    if samples < 0:
        raise InputError([Problem("--samples", "", samples, _("a whole number of 1 or more"),
                                  ProblemCode.NEGATIVE)])  # fmt: skip
    cluster = cluster_address(args.cluster)
    if args.robust:
        from planner.studies.robust import robust_study

        study = robust_study(result.scenario, args.robust, samples, args.seed, nominal=result,
                             processes=args.processes or 1, cluster=cluster)  # fmt: skip
        return study.evaluation
    return uncertainty(result, samples, args.seed, processes=args.processes or 1, cluster=cluster)


def _fewest_hires(term: Terminal, scenario: Scenario) -> HiresPlan | None:
    """The fewest hires of the `wisn target` setting (wisn mode), or None without it."""
    target = scenario.settings.wisn_target
    if target is None or scenario.settings.coefficient is not CoefficientMode.WISN:
        return None
    from planner.studies.wisn_hires import hires_for_setting

    with term.phase(
        _("finding the fewest hires for a WISN ratio of {target}").format(target=decimal(target, 2))
    ):
        return hires_for_setting(scenario)


def cmd_solve(args: argparse.Namespace, term: Terminal) -> int:
    from planner.reports import result_workbook
    from planner.reports.terminal import hires_lines, result_lines
    from planner.result import Status
    from planner.solve import SolveInterrupted, solve
    from planner.xlsx.files import save_text, save_workbook

    source = scenario_source(args.scenario)
    out = _output(args, source, "result", (".xlsx", ".json"))
    scenario = _read(term, source)
    groups = len(scenario.groups)
    interrupted = False
    try:
        with term.phase(
            ngettext("solving {count} group", "solving {count} groups", groups).format(
                count=groups
            ),
            counted=True,
        ) as step:
            result = solve(
                scenario, sensitivity=not args.no_sensitivity, processes=args.processes,
                progress=step,
            )  # fmt: skip
    except SolveInterrupted as stop:
        result, interrupted = stop.result, True
    # The Monte Carlo (and robust plans) of --samples / --robust: on a whole result only.
    monte_carlo = None if interrupted else _uncertainty(args, result)
    hires = None if interrupted else _fewest_hires(term, scenario)
    summary = result.to_dict() | ({} if hires is None else {"hires": hires.to_dict()})
    # The collector paused over building and saving, as write_result does (see collection_paused).
    with term.phase(_("writing {file}").format(file=out.name)), collection_paused():
        if out.suffix.lower() == ".json":
            text = json.dumps(summary, indent=2, ensure_ascii=False)
            written = save_text(text, out, inputs=(source,), overwrite=args.force)
        else:
            written = save_workbook(result_workbook(result, uncertainty=monte_carlo, hires=hires),
                                    out, inputs=(source,), overwrite=args.force)  # fmt: skip
    term.wrote(written)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        for line in result_lines(result, verbose=args.verbose):
            print(line)
        for line in [] if hires is None else hires_lines(hires):
            print(line)
        if written.suffix.lower() == ".json":
            print(_("result JSON: {path}").format(path=written))
        else:
            print(_("result workbook: {path}").format(path=written))
    if monte_carlo is not None and not args.json:
        from planner.reports.terminal import uncertainty_lines

        for line in uncertainty_lines(monte_carlo):
            print(line)
    if interrupted:
        _interrupted(
            ngettext(
                "interrupted: {solved} of {count} group solved; {path} holds them (marked as "
                "interrupted in its Summary)",
                "interrupted: {solved} of {count} groups solved; {path} holds them (marked as "
                "interrupted in its Summary)",
                groups,
            ).format(solved=len(result.groups), count=groups, path=written)
        )
        return EXIT_INTERRUPTED
    if result.status is Status.UNKNOWN:
        print(_("no plan was found within the time limit: raise `time limit` in Settings"),
              file=sys.stderr)  # fmt: skip
        return EXIT_UNEXPECTED
    return EXIT_INFEASIBLE if result.status is Status.INFEASIBLE else EXIT_OK


def cmd_compare(args: argparse.Namespace, term: Terminal) -> int:
    from planner.reports import comparison_workbook
    from planner.reports.terminal import comparison_lines, comparison_markdown
    from planner.studies.compare import compare
    from planner.studies.sweep import cluster_address
    from planner.xlsx.files import save_text, save_workbook

    paths = [scenario_source(p) for p in args.scenarios] or [DEFAULT_SCENARIO]
    out = _output(args, paths[0], "comparison", (".xlsx", ".md"))
    for path in paths[1:]:
        check_output(out, suffixes=(".xlsx", ".md"), inputs=(path,), force=args.force)
    # Every workbook is read before anything is solved, so that an InputError comes at once.
    scenarios = [_read(term, path) for path in paths]
    with term.phase(_("solving the options"), counted=True, counter_starts=True) as step:
        comparison = compare(scenarios, processes=args.processes or 1, progress=step,
                             robust=args.robust, evaluate=args.samples, seed=args.seed,
                             cluster=cluster_address(args.cluster))  # fmt: skip
    markdown = comparison_markdown(comparison)
    with term.phase(_("writing {file}").format(file=out.name)):
        if out.suffix.lower() == ".md":
            written = save_text("\n".join(markdown), out, inputs=paths, overwrite=args.force)
        else:
            written = save_workbook(comparison_workbook(comparison), out, inputs=paths,
                                    overwrite=args.force)  # fmt: skip
    term.wrote(written)
    for line in markdown if args.markdown else comparison_lines(comparison):
        print(line)
    if written.suffix.lower() == ".md":
        print(_("comparison table: {path}").format(path=written))
    else:
        print(_("comparison workbook: {path}").format(path=written))
    if comparison.interrupted:
        _interrupted(_("interrupted: the output holds the options solved so far"))
        return EXIT_INTERRUPTED
    return EXIT_OK


def cmd_frontier(args: argparse.Namespace, term: Terminal) -> int:
    from planner.reports import frontier_workbook
    from planner.reports.terminal import frontier_lines
    from planner.studies.frontier import frontier, unknown_group
    from planner.xlsx.files import save_workbook

    source = scenario_source(args.scenario)
    out = _output(args, source, "frontier", (".xlsx",))
    budgets = parse_budget_range(args.max_moves) if args.max_moves else None
    scenario = _read(term, source)
    if args.group is not None and args.group not in scenario.groups:
        raise InputError([unknown_group(scenario, args.group, "--group")])
    with term.phase(_("solving the frontier"), counted=True) as step:
        result = frontier(
            scenario, group=args.group, budgets=budgets, service_moves=args.service_moves,
            progress=step,
        )  # fmt: skip
    with term.phase(_("writing {file}").format(file=out.name)):
        written = term.wrote(save_workbook(frontier_workbook(result), out, inputs=(source,),
                                           overwrite=args.force))  # fmt: skip
    for line in frontier_lines(result):
        print(line)
    print(_("frontier workbook: {path}").format(path=written))
    return EXIT_OK


def cmd_forecast(args: argparse.Namespace, term: Terminal) -> int:
    from planner.reports.forecast_workbook import forecast_workbook
    from planner.studies.forecast import forecast, method_text, quantity_text
    from planner.xlsx.files import save_workbook

    source = scenario_source(args.scenario)
    out = _output(args, source, f"forecast-{args.year}", (".xlsx",))
    scenario = _read(term, source)
    with term.phase(_("forecasting to {year}").format(year=args.year)):
        result = forecast(scenario, args.year)
    with term.phase(_("writing {file}").format(file=out.name)):
        written = term.wrote(save_workbook(forecast_workbook(result), out, inputs=(source,),
                                           overwrite=args.force))  # fmt: skip

    def shown(value: float) -> str:
        # four significant figures below 1000 (0.4523, 12.35), whole numbers above
        if abs(value) >= 1000 or value == 0:
            return integer(round(value))
        return decimal(value, max(0, 3 - math.floor(math.log10(abs(value)))))

    for s in result.series:
        low, high = s.interval80
        print(_("{target} {quantity} {year}: {point} (80%: {low} to {high}; {method})").format(
            target=s.target, quantity=quantity_text(s.quantity), year=s.year, point=shown(s.point),
            low=shown(low), high=shown(high), method=method_text(s.method)))  # fmt: skip
    for warning in result.warnings:
        print(_("warning: {warning}").format(warning=warning), file=sys.stderr)
    print(_("forecast scenario workbook: {path}").format(path=written))
    return EXIT_OK


def cmd_generate(args: argparse.Namespace, term: Terminal) -> int:
    from planner.datasets.generate import generate
    from planner.workbook.writer import scenario_workbook
    from planner.xlsx.files import save_workbook

    out = check_output(Path(args.out).expanduser(), suffixes=(".xlsx",), force=args.force)
    with term.phase(_("generating a {profile} scenario").format(profile=args.profile)):
        scenario = generate(args.profile, args.seed, pooled=args.pooled)
    with term.phase(_("writing {file}").format(file=out.name)):
        path = term.wrote(save_workbook(scenario_workbook(scenario), out, overwrite=args.force))
    print(
        _(
            "{profile} scenario (seed {seed}{pooled}) written to {path}: {units} units, "
            "{employees} employees, {services} services, {groups} groups"
        ).format(
            profile=args.profile,
            seed=args.seed,
            pooled=", " + _("pooled") if args.pooled else "",
            path=path,
            units=integer(len(scenario.units)),
            employees=integer(scenario.total_employees),
            services=integer(len(scenario.services)),
            groups=integer(len(scenario.groups)),
        )
    )
    return EXIT_OK


# --- planner apply (issue 13: the accepted plan as next year's scenario) --------------------------


def cmd_apply(args: argparse.Namespace, term: Terminal) -> int:
    """The accepted plan of a result workbook as a new scenario workbook."""
    from planner.reports.apply import accepted_scenario
    from planner.workbook import write_scenario

    result_path = Path(args.result).expanduser()
    default = result_path.with_name(f"{result_path.stem}-applied.xlsx")
    out = Path(args.out).expanduser() if args.out else default
    out = check_output(out, suffixes=(".xlsx",), inputs=(result_path,), force=args.force)
    with term.phase(_("reading {file} and its input").format(file=result_path.name)):
        accepted = accepted_scenario(result_path)
    check_output(out, suffixes=(".xlsx",), inputs=(result_path, accepted.source_path),
                 force=args.force)  # fmt: skip
    with term.phase(_("writing {file}").format(file=out.name)):
        path = write_scenario(accepted.scenario, out, assumptions=accepted.assumptions)
    scenario = accepted.scenario
    print(
        _(
            "applied scenario written to {path}: the plan of {result} on {source}, {units} units, "
            "{employees} employees, {services} services"
        ).format(
            path=path,
            result=result_path.name,
            source=accepted.source_path.name,
            units=integer(len(scenario.units)),
            employees=integer(scenario.total_employees),
            services=integer(len(scenario.services)),
        )
    )
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace, term: Terminal) -> int:
    from planner.doctor import command

    return command(json_output=args.json)


def cmd_serve(args: argparse.Namespace, term: Terminal) -> int:
    from planner.web import serve

    return serve(args.host, args.port, args.data, open_browser=args.open, token=args.token)


# --- the parser ----------------------------------------------------------------------------------


# argparse's own words ("usage: ", "options", its error messages) come from its module-level
# `gettext`; pointing it at planner's catalogue (which gives any other text back unchanged) lets
# `--help` and argument errors read in the chosen language too. The ones translated:
_ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("expected one argument"),
    N_("invalid %(type)s value: %(value)r"),
)
argparse._ = _  # type: ignore[attr-defined]


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help with the example kept as written and each option's default shown."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30)


def _command(sub: Any, name: str, summary: str, example: str, run: Callable[..., int]) -> Any:
    parser = sub.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog=_("example:") + f"\n  {example}",
        formatter_class=_Formatter,
    )
    parser.set_defaults(run=run)
    _lang(parser)
    return parser


def _lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,  # on the command and on `planner` itself: either place
        help=_(
            "language of messages and results: kk (Қазақша), ru (Русский) or en (English); "
            "default: the workbook's language setting, else the computer's language"
        ),
    )


def _force(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-f", "--force", action="store_true",
                        help=_("replace the output file if it exists (an input is never replaced)"))  # fmt: skip


def _scenario_help(default: bool) -> str:
    text = _("scenario workbook (.xlsx), or the name of a bundled scenario")
    return text + (
        " " + _("(default: the bundled {name})").format(name=DEFAULT_SCENARIO_NAME)
        if default
        else ""
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planner",
        description=_(
            "Balance workload coefficients by moving staff and services (proven optimal)."
        ),
        epilog=_("example:")
        + "\n  planner solve my-scenario.xlsx\n\n"
        + _("`planner COMMAND --help` describes each command."),
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"planner {version()}",
                        help=_("print the version of planner and exit"))  # fmt: skip
    _lang(parser)
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", help=_("what to do (one of these):")
    )

    def common(p: argparse.ArgumentParser, kinds: str, default: str) -> None:
        p.add_argument("--out", metavar="PATH",
                       help=_("output file ({kinds}; default: {default})").format(kinds=kinds, default=default))  # fmt: skip
        _force(p)
        p.add_argument("-q", "--quiet", action="store_true",
                       help=_("no progress on the terminal"))  # fmt: skip
        p.add_argument("--processes", type=_processes, default=None, metavar="N",
                       help=_("groups solved in parallel (default: the cores available for a "
                              "scenario of 2,000 services or more, else 1)"))  # fmt: skip

    p = _command(sub, "validate", _("check a scenario workbook and list every problem with its cell"),
                 "planner validate my-scenario.xlsx", cmd_validate)  # fmt: skip
    p.add_argument("path", metavar="SCENARIO", help=_scenario_help(False))
    p.add_argument("-q", "--quiet", action="store_true", help=_("no progress on the terminal"))

    p = _command(sub, "template", _("write an empty scenario workbook to fill in"),
                 "planner template my-scenario.xlsx", cmd_template)  # fmt: skip
    p.add_argument("path", metavar="PATH", help=_("the workbook to write (.xlsx)"))
    p.add_argument("--wisn", action="store_true",
                   help=_("the WHO WISN form (coefficient wisn, Working time and Allowances sheets)"))  # fmt: skip
    _force(p)

    p = _command(sub, "solve", _("optimise a scenario and write the result workbook"),
                 "planner solve my-scenario.xlsx --out plan.xlsx", cmd_solve)  # fmt: skip
    p.add_argument("scenario", nargs="?", metavar="SCENARIO", help=_scenario_help(True))
    p.add_argument("--json", action="store_true", help=_("print the JSON summary on stdout"))
    p.add_argument("--no-sensitivity", action="store_true",
                   help=_("skip the sensitivity re-solves (faster)"))  # fmt: skip
    p.add_argument("-v", "--verbose", action="store_true",
                   help=_("print one line per group (default: a short summary)"))  # fmt: skip
    p.add_argument("--samples", type=int, metavar="N",
                   help=_("Monte Carlo samples of the volumes (the Uncertainty sheet)"))  # fmt: skip
    p.add_argument("--seed", type=_count(0, "--seed"), default=0, metavar="S",
                   help=_("seed of the samples (default %(default)s)"))  # fmt: skip
    p.add_argument("--cluster", metavar="ADDRESS",
                   help=_("Dask scheduler, e.g. tcp://HOST:8786 (default: $PLANNER_CLUSTER)"))  # fmt: skip
    p.add_argument("--robust", type=int, metavar="K",
                   help=_("also a robust plan for K training samples, judged on the --samples"))  # fmt: skip
    common(p, _(".xlsx workbook, or .json for the JSON summary instead"),
           _("<scenario>-result.xlsx beside the scenario"))  # fmt: skip

    p = _command(sub, "compare", _("solve every option of one or more workbooks side by side"),
                 "planner compare option-a.xlsx option-b.xlsx --markdown", cmd_compare)  # fmt: skip
    p.add_argument("scenarios", nargs="*", metavar="SCENARIO",
                   help=_scenario_help(True) + _("; each with its Scenarios sheet"))  # fmt: skip
    p.add_argument("--markdown", action="store_true",
                   help=_("print the options as a Markdown table"))  # fmt: skip
    p.add_argument("--robust", type=_count(1, "--robust"), metavar="K",
                   help=_("each option also with its robust plan for K training samples of the "
                   "volumes; all judged on --samples fresh samples and ranked by their P90"))  # fmt: skip
    p.add_argument("--samples", type=_count(1, "--samples"), default=1000, metavar="N",
                   help=_("fresh samples that judge the options with --robust (default %(default)s)"))  # fmt: skip
    p.add_argument("--seed", type=_count(0, "--seed"), default=0, metavar="S",
                   help=_("seed of the samples (default %(default)s)"))  # fmt: skip
    p.add_argument("--cluster", metavar="ADDRESS",
                   help=_("Dask scheduler, e.g. tcp://HOST:8786 (default: $PLANNER_CLUSTER)"))  # fmt: skip
    common(p, _(".xlsx workbook, or .md for the Markdown table"),
           _("<first scenario>-comparison.xlsx beside it"))  # fmt: skip

    p = _command(sub, "frontier", _("best maximum coefficient for each budget of moves"),
                 "planner frontier my-scenario.xlsx --group Districts --max-moves 0:100:10",
                 cmd_frontier)  # fmt: skip
    p.add_argument("scenario", nargs="?", metavar="SCENARIO", help=_scenario_help(True))
    p.add_argument("--group", metavar="GROUP", help=_("only this group (default: every group)"))
    p.add_argument("--max-moves", metavar="START:STOP:STEP",
                   help=_("budgets, e.g. 0:100:10 (default: 0 up to the moves of the optimum)"))  # fmt: skip
    p.add_argument("--service-moves", action="store_true",
                   help=_("budget service moves instead of staff moves"))  # fmt: skip
    common(p, _(".xlsx workbook"), _("<scenario>-frontier.xlsx beside the scenario"))

    p = _command(sub, "forecast", _("continue the History sheet to a year: a new scenario workbook"),
                 "planner forecast my-scenario.xlsx --year 2026", cmd_forecast)  # fmt: skip
    p.add_argument(
        "scenario", metavar="SCENARIO", help=_scenario_help(False) + " with a History sheet"
    )
    p.add_argument("--year", type=int, required=True, metavar="Y", help=_("the year to forecast"))
    p.add_argument("--out", metavar="PATH",
                   help=_("output workbook (.xlsx; default: <scenario>-forecast-Y.xlsx beside it)"))  # fmt: skip
    _force(p)
    p.add_argument("-q", "--quiet", action="store_true", help=_("no progress on the terminal"))

    p = _command(sub, "generate", _("write a synthetic scenario (national, region or small)"),
                 "planner generate --profile region --seed 7 --out region.xlsx", cmd_generate)  # fmt: skip
    p.add_argument("--profile", choices=["national", "region", "small"], default="national",
                   help=_("the size and shape (default %(default)s)"))  # fmt: skip
    p.add_argument("--seed", type=_count(0, "--seed"), default=1, metavar="N",
                   help=_("the random seed: one seed, one scenario (default %(default)s)"))  # fmt: skip
    p.add_argument("--pooled", action="store_true", help=_("each region one group"))
    p.add_argument("--out", required=True, metavar="PATH", help=_("the workbook to write (.xlsx)"))
    _force(p)
    p.add_argument("-q", "--quiet", action="store_true", help=_("no progress on the terminal"))

    p = _command(sub, "apply", _("write the plan of a result workbook as a new scenario workbook"),
                 "planner apply plan.xlsx --out next-year.xlsx", cmd_apply)  # fmt: skip
    p.add_argument("result", metavar="RESULT", help=_("a result workbook of planner solve (.xlsx)"))
    p.add_argument("--out", metavar="PATH",
                   help=_("the scenario workbook to write (.xlsx; default: <result>-applied.xlsx "
                          "beside it)"))  # fmt: skip
    _force(p)
    p.add_argument("-q", "--quiet", action="store_true", help=_("no progress on the terminal"))

    p = _command(sub, "doctor", _("check the installed solvers on models with known answers"),
                 "planner doctor", cmd_doctor)  # fmt: skip
    p.add_argument("--json", action="store_true", help=_("print the checks as JSON"))

    p = _command(sub, "serve", _("the web workspace in a browser (local by default)"),
                 "planner serve --open", cmd_serve)  # fmt: skip
    p.add_argument("--host", default="127.0.0.1",
                   help=_("address (default %(default)s: this computer only)"))  # fmt: skip
    p.add_argument("--port", type=int, default=8000, help=_("port (default %(default)s)"))
    p.add_argument("--data", metavar="DIR",
                   help=_("workspace folder (default: under the user's data directory)"))  # fmt: skip
    p.add_argument("--open", action="store_true", help=_("open the browser"))
    p.add_argument("--token",
                   help=_("access token (off loopback; generated and printed when absent)"))  # fmt: skip
    return parser


def _log_unexpected(error: BaseException) -> Path:
    """The traceback in a new file of its own (mkstemp: never an existing file, never a link)."""
    handle, name = tempfile.mkstemp(prefix="planner-error-", suffix=".log")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(f"planner {version()}\n")
        stream.write("".join(traceback.format_exception(error)))
    return Path(name)


def main(argv: Sequence[str] | None = None, *, console: Any = None) -> int:
    """Run the command line; returns the exit code. `console`: a rich Console for the progress
    (tests pass one that records; default: stderr).

    The exit code is the work's: a closed or full stdout, or a console that cannot show a
    character, changes nothing but the text shown (planner.console); when stdout was lost, the
    files written are named on stderr."""
    with guarded_streams() as streams:
        arguments = list(sys.argv[1:] if argv is None else argv)
        # The help is written in the language of --lang, so it is known before the parser is
        # built; the workbook's `language` setting decides next, then the computer's locale.
        with using(resolve_language(_lang_option(arguments))):
            args = build_parser().parse_args(arguments)
        term = Terminal(quiet=getattr(args, "quiet", False), console=console)
        with using(resolve_language(getattr(args, "lang", None), _workbook_language(args))):
            code = _run(args, term)
            streams.flush()
            lost = streams.stdout_lost
            if lost is not None:
                reason = (
                    lost.strerror if isinstance(lost, OSError) and lost.strerror else _("closed")
                )
                print(_("planner: the standard output could not be written ({reason})").format(
                      reason=reason), file=sys.stderr)  # fmt: skip
                for path in term.written:
                    print(_("written: {path}").format(path=path), file=sys.stderr)
    return code


def _lang_option(arguments: Sequence[str]) -> str | None:
    for i, argument in enumerate(arguments):
        if argument == "--lang" and i + 1 < len(arguments):
            return arguments[i + 1]
        if argument.startswith("--lang="):
            return argument.partition("=")[2]
    return None


def _workbook_language(args: argparse.Namespace) -> str | None:
    """The `language` setting of the workbook the command reads first, if any (never raises)."""
    if getattr(args, "lang", None):
        return None  # --lang wins: the workbook is not opened twice
    names = [
        getattr(args, "scenario", None),
        getattr(args, "path", None) if args.run is cmd_validate else None,
    ]
    names += list(getattr(args, "scenarios", None) or [])
    name = next((n for n in names if n), None)
    if name is None and args.run in (cmd_solve, cmd_compare, cmd_frontier):
        source: Path | None = DEFAULT_SCENARIO
    else:
        source = scenario_source(name) if name else None
    if source is None:
        return None
    from planner.workbook.language import workbook_language

    return workbook_language(source)


def _run(args: argparse.Namespace, term: Terminal) -> int:
    """The command's exit code, every expected failure turned into its message and code."""
    try:
        return args.run(args, term)
    except InputError as error:
        term.warnings(error.warnings)
        count = len(error.problems)
        _print_problems(
            error.problems,
            ngettext(
                "{count} problem in the input:", "{count} problems in the input:", count
            ).format(count=count),
        )
        return EXIT_INPUT
    except UsageError as error:
        print(_("error: {error}").format(error=error), file=sys.stderr)
        return EXIT_INPUT
    except OutputRefused as error:
        hint = _(": pass --force (-f) to replace it") if error.exists else ""
        print(_("error: {error}").format(error=error) + hint, file=sys.stderr)
        return EXIT_INPUT
    except InfeasibleError as error:
        print(_("infeasible: {error}").format(error=error), file=sys.stderr)
        return EXIT_INFEASIBLE
    except OutputError as error:
        print(_("error: {error}").format(error=error), file=sys.stderr)
        return EXIT_UNEXPECTED
    except PlannerError as error:
        log = _log_unexpected(error)
        print(_("error: {error}\n(details in {log})").format(error=error, log=log), file=sys.stderr)
        return EXIT_UNEXPECTED
    except Terminated as stop:
        print(_("terminated: {path} was not written").format(path=stop.target), file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        _interrupted(_("interrupted"))
        return EXIT_INTERRUPTED
    except Exception as error:  # noqa: BLE001 - the one place where anything is caught
        log = _log_unexpected(error)
        print(
            _(
                "error: unexpected {kind}: {error}\nThis is a bug in planner; the details are in {log}"
            ).format(kind=type(error).__name__, error=error, log=log),
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED


if __name__ == "__main__":
    sys.exit(main())
