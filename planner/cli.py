"""The `planner` command: parse arguments, call the Python API, print, return an exit code.

Exit codes: 0 a plan was found (or the workbook is valid), 2 invalid input, 3 infeasible (a
Result whose status is infeasible, or an InfeasibleError), 1 anything unexpected (a message on
stderr and the traceback in a log file, never on the terminal), 130 interrupted (a comparison still
writes the options solved so far). Files are read here and the studies get Scenarios; what is
printed comes from planner.reports.terminal.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from planner.errors import (
    InfeasibleError,
    InputError,
    OutputError,
    PlannerError,
    Problem,
    ProblemCode,
)

EXIT_OK, EXIT_UNEXPECTED, EXIT_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = REPO_ROOT / "scenarios" / "west-kazakhstan-2024.xlsx"
DEFAULT_OUTPUTS = REPO_ROOT / "outputs"


class Progress:
    """One-line progress on stderr for long runs; silent when stderr is not a terminal or --quiet."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.started = time.perf_counter()
        self.shown = False

    def __call__(self, message: str) -> None:
        # Only after a couple of seconds: short runs stay quiet.
        if not self.enabled or time.perf_counter() - self.started < 2.0:
            return
        sys.stderr.write("\r\033[K" + message[:120])
        sys.stderr.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


MAX_BUDGET_POINTS = 1000


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
    usage = "must look like START:STOP:STEP with whole numbers of 0 or more, e.g. 0:100:10"
    match = _RANGE.fullmatch(text or "")
    if not match:
        raise BudgetRangeError(text, usage)
    start, stop = int(match[1]), int(match[2])
    step = int(match[3]) if match[3] is not None else 1
    if step <= 0:
        raise BudgetRangeError(text, "the STEP of START:STOP:STEP must be 1 or more")
    if stop < start:
        raise BudgetRangeError(text, f"STOP ({stop}) must not be below START ({start})")
    budgets = list(range(start, stop + 1, step))
    if budgets[-1] != stop:
        budgets.append(stop)
    if len(budgets) > MAX_BUDGET_POINTS:
        raise BudgetRangeError(
            text, f"gives {len(budgets)} points; at most {MAX_BUDGET_POINTS} (take a larger STEP)"
        )
    return budgets


def _print_problems(problems: Sequence[Problem], heading: str) -> None:
    if problems:
        print(heading, file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)


def _default_out(scenario_path: Path, suffix: str) -> Path:
    return DEFAULT_OUTPUTS / f"{scenario_path.stem}-{suffix}.xlsx"


def cmd_validate(args: argparse.Namespace) -> int:
    from planner.workbook import validate_workbook

    report = validate_workbook(args.path)
    _print_problems(report.warnings, "Warnings:")
    if report.problems:
        _print_problems(report.problems, f"{args.path}: {len(report.problems)} problem(s):")
        return EXIT_INPUT
    scenario = report.scenario
    assert scenario is not None  # a report without problems carries its scenario
    print(
        f"{args.path}: valid. {len(scenario.units)} units, {scenario.total_employees:,} employees, "
        f"{len(scenario.services)} services, {len(scenario.groups)} group(s), "
        f"{len(scenario.skills)} skill(s); coefficient {scenario.settings.coefficient}, "
        f"objective {scenario.settings.objective}"
        + (f"; {len(scenario.variants)} variant(s)" if scenario.variants else "")
    )
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from planner.workbook import write_template
    from planner.workbook.wisn_sheets import write_wisn_template

    path = (write_wisn_template if args.wisn else write_template)(args.path)
    print(f"template written to {path}")
    return EXIT_OK


def _read(path: Path):
    from planner.workbook import read_scenario

    scenario = read_scenario(path)
    _print_problems(scenario.warnings, "Warnings:")
    return scenario


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
        raise InputError([Problem("--samples", "", samples, "a whole number of 1 or more",
                                  ProblemCode.NEGATIVE)])  # fmt: skip
    cluster = cluster_address(args.cluster)
    if args.robust:
        from planner.studies.robust import robust_study

        study = robust_study(result.scenario, args.robust, samples, args.seed, nominal=result,
                             processes=args.processes, cluster=cluster)  # fmt: skip
        return study.evaluation
    return uncertainty(result, samples, args.seed, processes=args.processes, cluster=cluster)


def cmd_solve(args: argparse.Namespace) -> int:
    from planner.reports import write_result
    from planner.reports.terminal import result_lines
    from planner.result import Status
    from planner.solve import solve

    scenario_path = Path(args.scenario) if args.scenario else DEFAULT_SCENARIO
    scenario = _read(scenario_path)
    progress = Progress(not args.quiet)
    result = solve(
        scenario, sensitivity=not args.no_sensitivity, processes=args.processes, progress=progress
    )
    progress.done()
    out = Path(args.out) if args.out else _default_out(scenario_path, "result")
    monte_carlo = _uncertainty(args, result)
    write_result(result, out, inputs=(scenario_path,), uncertainty=monte_carlo)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        for line in result_lines(result):
            print(line)
        print(f"result workbook: {out}")
    if monte_carlo is not None and not args.json:
        from planner.reports.terminal import uncertainty_lines

        for line in uncertainty_lines(monte_carlo):
            print(line)
    if result.status is Status.UNKNOWN:
        print("no plan was found within the time limit: raise `time limit` in Settings",
              file=sys.stderr)  # fmt: skip
        return EXIT_UNEXPECTED
    return EXIT_INFEASIBLE if result.status is Status.INFEASIBLE else EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from planner.reports import write_comparison
    from planner.reports.terminal import comparison_lines, comparison_markdown
    from planner.studies.compare import compare
    from planner.workbook import read_scenario

    paths = [Path(p) for p in args.scenarios] or [DEFAULT_SCENARIO]
    # Every workbook is read before anything is solved, so that an InputError comes at once.
    scenarios = [read_scenario(path) for path in paths]
    progress = Progress(not args.quiet)
    comparison = compare(scenarios, processes=args.processes, progress=progress)
    progress.done()
    _print_problems(comparison.warnings, "Warnings:")
    out = Path(args.out) if args.out else _default_out(paths[0], "comparison")
    write_comparison(comparison, out, inputs=tuple(paths))
    lines = comparison_markdown(comparison) if args.markdown else comparison_lines(comparison)
    for line in lines:
        print(line)
    print(f"comparison workbook: {out}")
    if comparison.interrupted:
        print("interrupted: the workbook holds the options solved so far", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK


def cmd_frontier(args: argparse.Namespace) -> int:
    from planner.reports import write_frontier
    from planner.reports.terminal import frontier_lines
    from planner.studies.frontier import frontier, unknown_group

    scenario_path = Path(args.scenario) if args.scenario else DEFAULT_SCENARIO
    scenario = _read(scenario_path)
    budgets = parse_budget_range(args.max_moves) if args.max_moves else None
    if args.group is not None and args.group not in scenario.groups:
        raise InputError([unknown_group(scenario, args.group, "--group")])
    progress = Progress(not args.quiet)
    result = frontier(
        scenario, group=args.group, budgets=budgets, service_moves=args.service_moves,
        progress=progress,
    )  # fmt: skip
    progress.done()
    out = Path(args.out) if args.out else _default_out(scenario_path, "frontier")
    write_frontier(result, out, inputs=(scenario_path,))
    for line in frontier_lines(result):
        print(line)
    print(f"frontier workbook: {out}")
    return EXIT_OK


def cmd_forecast(args: argparse.Namespace) -> int:
    from planner.reports.forecast_workbook import write_forecast
    from planner.studies.forecast import forecast

    scenario_path = Path(args.scenario)
    scenario = _read(scenario_path)
    result = forecast(scenario, args.year)
    out = Path(args.out) if args.out else _default_out(scenario_path, f"forecast-{args.year}")
    write_forecast(result, out, inputs=(str(scenario_path),))

    def shown(value: float) -> str:
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"

    for s in result.series:
        low, high = s.interval80
        print(f"{s.target} {s.quantity} {s.year}: {shown(s.point)} (80%: {shown(low)} to "
              f"{shown(high)}; {s.method})")  # fmt: skip
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"forecast scenario workbook: {out}")
    return EXIT_OK


def cmd_generate(args: argparse.Namespace) -> int:
    from planner.datasets.generate import generate
    from planner.workbook import write_scenario

    scenario = generate(args.profile, args.seed, pooled=args.pooled)
    path = write_scenario(scenario, args.out)
    print(
        f"{args.profile} scenario (seed {args.seed}{', pooled' if args.pooled else ''}) written to "
        f"{path}: {len(scenario.units):,} units, {scenario.total_employees:,} employees, "
        f"{len(scenario.services):,} services, {len(scenario.groups)} groups"
    )
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    from planner.doctor import command

    return command(json_output=args.json)


def cmd_serve(args: argparse.Namespace) -> int:
    from planner.web import serve

    return serve(args.host, args.port, args.data, open_browser=args.open, token=args.token)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planner",
        description="Balance workload coefficients by moving staff and services (proven optimal).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check a scenario workbook")
    p.add_argument("path")
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser("template", help="write an empty scenario workbook to fill in")
    p.add_argument("path")
    p.add_argument("--wisn", action="store_true", help="the WHO WISN form (coefficient wisn)")
    p.set_defaults(run=cmd_template)

    def common(p, *, processes_default=1):
        p.add_argument("--out", help="output workbook (default: outputs/<scenario>-<kind>.xlsx)")
        p.add_argument("--quiet", action="store_true", help="no progress line")
        p.add_argument("--processes", type=int, default=processes_default,
                       help="groups solved in parallel (default %(default)s)")  # fmt: skip

    p = sub.add_parser("solve", help="optimise a scenario and write the result workbook")
    p.add_argument("scenario", nargs="?", help="scenario workbook (default: the bundled one)")
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    p.add_argument("--no-sensitivity", action="store_true", help="skip the sensitivity re-solves")
    p.add_argument("--samples", type=int, help="Monte Carlo samples of the volumes (Uncertainty)")
    p.add_argument("--seed", type=int, default=0, help="seed of the samples (default 0)")
    p.add_argument("--cluster", help="Dask scheduler, e.g. tcp://HOST:8786 (or $PLANNER_CLUSTER)")
    p.add_argument(
        "--robust",
        type=int,
        metavar="K",
        help="also a robust plan for K training samples, judged on the --samples",
    )
    common(p)
    p.set_defaults(run=cmd_solve)

    p = sub.add_parser("compare", help="solve every option of one or more workbooks side by side")
    p.add_argument("scenarios", nargs="*")
    p.add_argument("--markdown", action="store_true", help="print the options as a Markdown table")
    common(p)
    p.set_defaults(run=cmd_compare)

    p = sub.add_parser("frontier", help="best maximum coefficient for each budget of moves")
    p.add_argument("scenario", nargs="?")
    p.add_argument("--group", help="only this group")
    p.add_argument("--max-moves", help="budgets as START:STOP:STEP, e.g. 0:100:10")
    p.add_argument("--service-moves", action="store_true",
                   help="budget service moves instead of staff moves")  # fmt: skip
    common(p)
    p.set_defaults(run=cmd_frontier)

    p = sub.add_parser("forecast", help="continue the History sheet to a year: a new scenario")
    p.add_argument("scenario")
    p.add_argument("--year", type=int, required=True, help="the year to forecast")
    p.add_argument("--out", help="output workbook (default: outputs/<scenario>-forecast-Y.xlsx)")
    p.set_defaults(run=cmd_forecast)

    p = sub.add_parser("generate", help="write a synthetic scenario (national, region or small)")
    p.add_argument("--profile", choices=["national", "region", "small"], default="national")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--pooled", action="store_true", help="each region one group")
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_generate)

    p = sub.add_parser("doctor", help="check the installed solvers on models with known answers")
    p.add_argument("--json", action="store_true", help="print the checks as JSON")
    p.set_defaults(run=cmd_doctor)

    p = sub.add_parser("serve", help="the web workspace in a browser (local by default)")
    p.add_argument("--host", default="127.0.0.1", help="address (default %(default)s: this computer only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--data", help="workspace folder (default: under the user's data directory)")
    p.add_argument("--open", action="store_true", help="open the browser")
    p.add_argument("--token", help="access token (off loopback; generated and printed when absent)")
    p.set_defaults(run=cmd_serve)
    return parser


def _log_unexpected(error: BaseException) -> Path:
    folder = DEFAULT_OUTPUTS if DEFAULT_OUTPUTS.is_dir() else Path(tempfile.gettempdir())
    path = folder / f"planner-error-{datetime.now().strftime('%Y%m%d-%H%M%S')}.log"
    try:
        path.write_text("".join(traceback.format_exception(error)), encoding="utf-8")
    except OSError:
        path = Path(tempfile.mkstemp(prefix="planner-error-", suffix=".log")[1])
        path.write_text("".join(traceback.format_exception(error)), encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except InputError as error:
        _print_problems(error.warnings, "Warnings:")
        _print_problems(error.problems, f"{len(error.problems)} problem(s) in the input:")
        return EXIT_INPUT
    except InfeasibleError as error:
        print(f"infeasible: {error}", file=sys.stderr)
        return EXIT_INFEASIBLE
    except OutputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_UNEXPECTED
    except PlannerError as error:
        log = _log_unexpected(error)
        print(f"error: {error}\n(details in {log})", file=sys.stderr)
        return EXIT_UNEXPECTED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # noqa: BLE001 - the one place where anything is caught
        log = _log_unexpected(error)
        print(
            f"error: unexpected {type(error).__name__}: {error}\n"
            f"This is a bug in planner; the details are in {log}",
            file=sys.stderr,
        )
        logging.getLogger(__name__).debug("unexpected error", exc_info=error)
        return EXIT_UNEXPECTED


if __name__ == "__main__":
    sys.exit(main())
