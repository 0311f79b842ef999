"""The planner benchmark: one command, every case, two references (bench/README.md).

    python bench/run.py                      # every default case (about an hour on 2 cores)
    python bench/run.py --quick              # region cases only (about a minute)
    python bench/run.py --cases national-minmax-services,region-frontier21
    python bench/run.py --list               # the cases

For each case, each step in a fresh subprocess:
1. the planner, timed end to end: read_scenario, solve (or frontier), write_result; peak RSS;
2. the same run again with PLANNER_RECORD_MODELS set (not timed), which writes every
   model handed to HiGHS as MPS; then the floor: highspy alone reading and running each of them
   (bench/floor.py);
3. the usual way: the same optimisation in plain PuLP + CBC (bench/usual.py), within a time budget,
   extrapolated from a random sample of groups when the budget runs out.
Results: bench/results.json (merged by case name with earlier runs) and bench/RESULTS.md.
Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
# The planner measured: a snapshot of one commit taken when the run starts (others edit planner/
# while the benchmark runs), or the working tree with --planner worktree.
PLANNER_PATH = Path(os.environ.get("BENCH_PLANNER_PATH", str(REPO)))
sys.path.insert(0, str(PLANNER_PATH))

SEED = 1
DEFAULT_USUAL_BUDGET = 240.0  # seconds of the usual way per case before extrapolating
DEFAULT_CASE_TIMEOUT = 1800.0  # a planner run still going after this is stopped and reported
GROUP_CAP_SHARE = 0.25  # one group of the usual way is cut after this share of the budget
# Targets of issue 14 (bench/README.md): end to end per case, reading, writing, start-up, memory,
# and the ratio to the usual way end to end.
REGION_TARGET_S = 0.3
NATIONAL_STAFF_TARGET_S = 4.0  # minmax, staff only
NATIONAL_SERVICES_TARGET_S = 30.0  # minmax with services, default processes
NATIONAL_BALANCE_TARGET_S = 120.0  # balance with services (or a time limit reporting its gap)
NATIONAL_READ_TARGET_S = 1.0
NATIONAL_WRITE_TARGET_S = 1.0
STARTUP_TARGET_S = 0.5
NATIONAL_PEAK_MB = 1024.0
USUAL_SPEEDUP_TARGET = 10.0
FRONTIER_BUDGETS = tuple(range(21))  # staff moves per group: 0, 1, ..., 20


@dataclass(frozen=True)
class Case:
    name: str
    profile: str  # generate() profile
    pooled: bool
    objective: str = "minmax"
    services: bool = True  # allow_service_moves
    processes: int | None = 1  # None: solve()'s default (the cores available, large scenarios)
    kind: str = "solve"  # or "frontier"
    budgets: tuple[int, ...] = ()
    sensitivity: bool = False
    same_models_as: str | None = None  # floor and usual taken from this case (same models)
    default: bool = True  # in a run without --cases

    @property
    def workbook_key(self) -> str:
        return f"{self.profile}{'-pooled' if self.pooled else ''}-seed{SEED}"

    @property
    def targets(self) -> tuple[str, ...]:
        if self.kind != "solve":
            return ()
        if self.profile == "region":
            return ("region_total", "startup")
        if self.profile == "national":
            return ("national_total", "national_read", "national_write", "national_peak",
                    "usual_speedup")  # fmt: skip
        return ()

    @property
    def total_target(self) -> float | None:
        """The end-to-end goal of this case, if issue 14 sets one."""
        if self.profile == "region":
            return REGION_TARGET_S
        if self.profile != "national" or self.pooled:
            return None
        if self.objective == "minmax":
            if not self.services:
                return NATIONAL_STAFF_TARGET_S
            return NATIONAL_SERVICES_TARGET_S if self.processes is None else None
        return NATIONAL_BALANCE_TARGET_S if self.services else None


def _cases() -> dict[str, Case]:
    cases = []
    for profile, pooled, label in (
        ("region", False, "region"),
        ("national", False, "national"),
        ("national", True, "national-pooled"),
    ):
        for objective in ("minmax", "balance"):
            for services in (False, True):
                kind = "services" if services else "staff"
                name = f"{label}-{objective}-{kind}"
                cases.append(Case(name, profile, pooled, objective, services))
                if profile == "national" and services:
                    # The same run with solve()'s default processes (floor and usual reused).
                    cases.append(Case(f"{name}-default", profile, pooled, objective,
                                      processes=None, same_models_as=name))  # fmt: skip
        if profile == "region":
            # What `planner solve` does by default: sensitivity on.
            cases.append(Case("region-minmax-services-sensitivity", profile, pooled,
                              sensitivity=True))  # fmt: skip
            cases.append(Case("region-frontier21", profile, pooled, kind="frontier",
                              budgets=FRONTIER_BUDGETS))  # fmt: skip
    cases.append(
        Case(
            "national-minmax-services-sensitivity",
            "national",
            False,
            sensitivity=True,
            default=False,
        )  # fmt: skip
    )
    return {c.name: c for c in cases}


CASES = _cases()
QUICK = tuple(n for n, c in CASES.items() if c.profile == "region")


def case_scenario(scenario, case: Case):
    """The case's settings variant of a generated scenario (dataclasses.replace, no mutation)."""
    from planner.domain import Objective

    settings = dataclasses.replace(
        scenario.settings,
        objective=Objective(case.objective),
        allow_service_moves=case.services,
    )
    return dataclasses.replace(scenario, settings=settings)


# --- the timed planner run (a fresh process per case) -------------------------------------------


class Throttled:
    """Progress to stderr at most every `every` seconds, prefixed by the case; a heartbeat repeats
    the last message when a long solve (one hard group) sends none for `quiet` seconds."""

    def __init__(self, label: str, every: float = 3.0, quiet: float = 15.0) -> None:
        import threading

        self.label, self.every, self.quiet = label, every, quiet
        self.started = time.perf_counter()
        self.last = self.started
        self.message = "started"
        self.stop = threading.Event()
        threading.Thread(target=self._heartbeat, daemon=True).start()

    def _show(self, message: str) -> None:
        self.last = time.perf_counter()
        print(f"  [{self.label}] {message} ({self.last - self.started:.0f} s)", file=sys.stderr,
              flush=True)  # fmt: skip

    def _heartbeat(self) -> None:
        while not self.stop.wait(self.quiet / 3):
            if time.perf_counter() - self.last >= self.quiet:
                self._show(f"still working; last: {self.message}")

    def __call__(self, message: str) -> None:
        self.message = message
        if time.perf_counter() - self.last >= self.every:
            self._show(message)


def _high_water_mb() -> float | None:
    """This process's own peak RSS (VmHWM): unlike ru_maxrss it is not inherited from the parent
    across fork + exec (Linux keeps the larger of the two in ru_maxrss)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _peak(processes: int) -> dict:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own_mb, child_mb = own.ru_maxrss / 1024, children.ru_maxrss / 1024
    high_water = _high_water_mb()
    if high_water is not None:
        own_mb = min(own_mb, high_water)
    # ru_maxrss of children is the largest single child; pool workers run at the same time, so the
    # bound counts each worker at that size.
    workers = processes if child_mb > 0 else 0
    return {
        "peak_mb": own_mb + workers * child_mb,
        "peak_self_mb": own_mb,
        "peak_child_mb": child_mb,
        "cpu_s": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
    }


def run_case(case: Case, workbook: Path, out_dir: Path, *, record: bool = False) -> dict:
    """Read, solve (or frontier) and write one case, timing each stage. With record=True nothing
    is timed for the table: the models are recorded (bench/floor.py calls this)."""
    from planner.workbook import read_scenario

    label = case.name + (" (recording models)" if record else "")
    progress = Throttled(label)
    try:
        from planner.reports import write_result
    except ImportError:  # a planner from before the reports/ package
        try:
            from planner.report import write_result
        except ImportError:
            write_result = None
    notes = []

    started = time.perf_counter()
    scenario = case_scenario(read_scenario(workbook), case)
    read_done = time.perf_counter()
    print(f"  [{label}] read in {read_done - started:.1f} s; solving {len(scenario.groups)} "
          "groups", file=sys.stderr, flush=True)  # fmt: skip
    processes = 1 if record else case.processes
    if processes is None:
        from planner.solve import default_processes

        processes = default_processes(scenario)
    groups: list[dict] = []
    if case.kind == "frontier":
        try:
            from planner.reports import write_frontier
            from planner.studies.frontier import frontier
        except ImportError:  # a planner from before the studies/ package
            from planner.compare import frontier, write_frontier

        result = frontier(scenario, budgets=case.budgets, progress=progress)
        solve_done = time.perf_counter()
        # The frontier's own report (planners from before it had none: not measured).
        reports = [getattr(g, "report", None) for g in result.groups]
        known = all(r is not None for r in reports)
        build_s = sum(r.build_seconds for r in reports) if known else None
        solver_s = sum(r.solver_seconds for r in reports) if known else None
        check_s = None
        runs = sum(r.solver_runs for r in reports) if known else None
        for g in result.groups:
            groups.append({
                "group": g.group,
                "objective": [p.max_coefficient for p in g.points],
                "seconds": sum(p.seconds for p in g.points),
            })  # fmt: skip
        writer = write_frontier
        status = (
            "optimal" if all(p.proven for g in result.groups for p in g.points) else "not proven"
        )
    else:
        from planner.solve import solve

        result = solve(
            scenario, sensitivity=case.sensitivity, processes=processes, progress=progress
        )
        solve_done = time.perf_counter()
        # Solver facts sit in the report (planners from before it kept them on the result).
        report = getattr(result, "report", result)
        build_s, solver_s, check_s = (
            report.build_seconds,
            report.solver_seconds,
            report.check_seconds,
        )
        runs = sum(getattr(g, "report", g).solver_runs for g in result.groups)
        for g in result.groups:
            facts = getattr(g, "report", g)
            groups.append({
                "group": g.group,
                "objective": g.objective_value,
                "status": g.status.value,
                "seconds": facts.build_seconds + facts.solver_seconds + facts.check_seconds,
                "solver_seconds": facts.solver_seconds,
                "solver_runs": facts.solver_runs,
                "staff_moved": g.staff_moved,
                "services_moved": g.services_moved,
            })  # fmt: skip
        writer = write_result
        status = result.status.value
    if record:
        return {"groups": groups}

    write_s = None
    if writer is None:
        notes.append("write_s not measured: planner.report.write_result is not available yet")
        write_done = solve_done
    else:
        out = out_dir / f"{case.name}-result.xlsx"
        writer(result, out, inputs=(workbook,))
        write_done = time.perf_counter()
        write_s = write_done - solve_done
    row = {
        "case": case.name,
        "planner_commit": planner_commit(),
        "planner_file": sys.modules["planner"].__file__,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "groups": len(scenario.groups),
        "units": len(scenario.units),
        "employees": scenario.total_employees,
        "services": len(scenario.services),
        "status": status,
        "read_s": read_done - started,
        "build_s": build_s,
        "solver_s": solver_s,
        "check_s": check_s,
        "solve_s": solve_done - read_done,
        "write_s": write_s,
        "total_s": write_done - started,
        "solver_runs": runs,
        "processes": processes,
        "sensitivity": case.sensitivity,
        **_peak(processes),
        "load_average_after": list(os.getloadavg()),
        "notes": notes,
        "planner_groups": groups,
    }
    return row


# --- orchestration ------------------------------------------------------------------------------


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _subprocess(args: list[str], *, timeout: float | None = None) -> tuple[int, float, bool]:
    """Run a step in a fresh Python process; (return code, seconds, timed out).

    The step gets its own process group, so that a timeout also ends what it started (PuLP runs
    CBC as a separate program, which would otherwise keep a core busy after its parent is gone).
    """
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, *args], cwd=REPO, start_new_session=True)
    try:
        code = process.wait(timeout=timeout)
        return code, time.perf_counter() - started, False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return -9, time.perf_counter() - started, True
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        raise


def prepare_workbooks(cases: list[Case], work: Path) -> dict[str, Path]:
    """Generate each scenario once (not timed) into the work folder, in a subprocess so that this
    process stays small (a child's ru_maxrss starts from its parent's)."""
    paths = {}
    for case in cases:
        key = case.workbook_key
        if key in paths:
            continue
        path = work / f"{key}.xlsx"
        _say(f"generating {key} -> {path}")
        code, seconds, _ = _subprocess(
            [str(BENCH / "run.py"), "--generate", case.profile, "--workbook", str(path)]
            + (["--pooled"] if case.pooled else [])
        )
        if code != 0:
            raise SystemExit(f"generating {key} failed (exit {code})")
        _say(f"  generated in {seconds:.1f} s")
        paths[key] = path
    return paths


def generate_workbook(profile: str, pooled: bool, path: Path) -> None:
    try:
        from planner.datasets.generate import generate
    except ImportError:  # a planner from before the datasets/ package
        from planner.generate import generate
    from planner.workbook import write_scenario

    write_scenario(generate(profile, SEED, pooled=pooled), path)


def usual_reference(case: Case, workbook: Path, work: Path, budget: float) -> dict:
    """Run bench/usual.py within the budget; extrapolate from the groups it finished."""
    out = work / f"{case.name}-usual.jsonl"
    # usual.py stops starting groups after `budget`; a group still running well past it is cut.
    hard_limit = budget * 1.5 + 60
    code, seconds, timed_out = _subprocess(
        [str(BENCH / "usual.py"), str(workbook), "--case", case.name, "--out", str(out),
         "--budget", str(budget), "--group-cap", str(budget * GROUP_CAP_SHARE)]
        + (["--whole"] if case.kind == "solve" else []),
        timeout=hard_limit,
    )  # fmt: skip
    lines = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    rows = [line for line in lines if "group" in line]
    io = next((line["io"] for line in lines if "io" in line), {})
    return {"rows": rows, "io": io, "wall": seconds, "timed_out": timed_out, "code": code}


def _close(a, b, rel: float = 1e-5) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-9)


def compare_usual(row: dict, usual: dict, total_groups: int) -> None:
    """usual_s (measured or extrapolated), its note, and the t* check against planner's."""
    rows = usual["rows"]
    planner_groups = {g["group"]: g for g in row["planner_groups"]}
    mismatches, moves = [], []
    for u in rows:
        p = planner_groups.get(u["group"])
        if p is None or u.get("capped"):
            continue
        ours, theirs = p["objective"], u["objective"]
        if isinstance(ours, list):
            bad = [i for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) if not _close(a, b)]
            if bad:
                mismatches.append(
                    f"{u['group']} budgets {bad[:5]}: planner {[ours[i] for i in bad[:3]]} "
                    f"usual {[theirs[i] for i in bad[:3]]}"
                )
        else:
            if not _close(ours, theirs):
                mismatches.append(f"{u['group']}: planner {ours!r} usual {theirs!r}")
            ours_moves = p.get("staff_moved", 0) + p.get("services_moved", 0)
            theirs_moves = u.get("staff_moved", 0) + u.get("services_moved", 0)
            if ours_moves != theirs_moves:
                moves.append(f"{u['group']}: planner {ours_moves:g} usual {theirs_moves:g}")
    io = usual.get("io", {})
    row["usual_read_s"] = io.get("read_s")
    row["usual_reader"] = io.get("reader")
    row["usual_same_scenario"] = io.get("same_scenario")
    written = io.get("groups_written") or 0
    # The usual way writes the rows of the groups it solved; scaled to all groups when sampled.
    row["usual_write_s"] = (
        io["write_s"] * total_groups / written
        if io.get("write_s") is not None and written
        else None
    )
    row["usual_rows_written"] = io.get("rows_written")
    done = len(rows)
    capped = [u for u in rows if u.get("capped")]
    measured = sum(u["seconds"] for u in rows)
    planner_same_groups = sum(planner_groups[u["group"]]["seconds"] for u in rows)
    row["usual_groups_done"] = done
    row["usual_groups_total"] = total_groups
    row["usual_measured_s"] = measured
    row["usual_solves"] = sum(u.get("solves", 0) for u in rows)
    row["planner_s_on_usual_groups"] = planner_same_groups
    row["usual_mismatches"] = mismatches
    row["usual_moves_mismatches"] = moves
    row["usual_checked_groups"] = done - len(capped)
    row["usual_capped_groups"] = [u["group"] for u in capped]
    cap_note = (
        f"; {len(capped)} group(s) cut at {capped[0]['seconds']:.0f} s and counted as that "
        f"(a lower bound): {', '.join(u['group'] for u in capped[:3])}"
        if capped
        else ""
    )
    if done == total_groups:
        row["usual_s"] = measured
        row["usual_note"] = f"usual_s is a lower bound{cap_note}" if capped else ""
    elif done == 0:
        row["usual_s"] = usual["wall"]
        row["usual_note"] = (
            f"usual_s is a lower bound: no group of {total_groups} finished in "
            f"{usual['wall']:.0f} s"
        )
    else:
        estimate = measured / done * total_groups
        row["usual_s"] = max(estimate, usual["wall"])
        row["usual_note"] = (
            f"usual_s extrapolated from {done} of {total_groups} groups (random sample, "
            f"{measured:.0f} s measured){cap_note}"
            + ("; a group cut at the time limit is left out, so it is an underestimate"
               if usual["timed_out"] else "")
        )  # fmt: skip


def floor_reference(case: Case, workbook: Path, work: Path, keep_models: bool = False) -> dict:
    models = work / f"{case.name}-models"
    out = work / f"{case.name}-floor.json"
    code, _, _ = _subprocess(
        [
            str(BENCH / "floor.py"),
            "record",
            str(workbook),
            "--case",
            case.name,
            "--dir",
            str(models),
        ]
    )
    if code != 0:
        return {"error": f"recording run failed (exit {code})"}
    code, _, _ = _subprocess(
        [str(BENCH / "floor.py"), "time", "--dir", str(models), "--out", str(out)]
    )
    if code != 0:
        return {"error": f"floor timing failed (exit {code})"}
    if not keep_models:
        shutil.rmtree(models, ignore_errors=True)
    return json.loads(out.read_text())


def targets(row: dict, case: Case) -> list[tuple[str, bool | None, str]]:
    """(target, met, detail) for every target that applies to a case; met None: not measured."""
    found: list[tuple[str, bool | None, str]] = []

    def at_most(name: str, value, limit: float, unit: str = "s") -> None:
        if value is None:
            found.append((name, None, "n/a"))
        else:
            found.append((name, value <= limit, f"{value:.2f} {unit}" if unit else f"{value:.1f}x"))

    for target in case.targets:
        if target == "region_total":
            at_most(f"end to end <= {REGION_TARGET_S} s", row["total_s"], REGION_TARGET_S)
        elif target == "startup":
            at_most(f"start-up <= {STARTUP_TARGET_S} s", row.get("startup_s"), STARTUP_TARGET_S)
        elif target == "national_total" and case.total_target is not None:
            at_most(f"end to end <= {case.total_target:.0f} s", row["total_s"], case.total_target)
        elif target == "national_read":
            at_most(
                f"read <= {NATIONAL_READ_TARGET_S:.0f} s", row["read_s"], NATIONAL_READ_TARGET_S
            )
        elif target == "national_write":
            at_most(f"write <= {NATIONAL_WRITE_TARGET_S:.0f} s", row.get("write_s"),
                    NATIONAL_WRITE_TARGET_S)  # fmt: skip
        elif target == "national_peak":
            at_most("peak < 1 GB", row["peak_mb"], NATIONAL_PEAK_MB, "MB")
        elif target == "usual_speedup":
            ratio = row.get("usual_over_e2e")
            found.append((">= 10x faster than the usual way, end to end",
                          None if ratio is None else ratio >= USUAL_SPEEDUP_TARGET,
                          "n/a" if ratio is None else f"{ratio:.1f}x"))  # fmt: skip
    return found


def startup_seconds() -> dict:
    """Start-up, each in a fresh process: the planner's imports before the first byte is read
    (the CLI's solve path: the reader, solve, the result writer), pandas + PuLP for the usual way,
    and a bare interpreter for scale. Best of three (start-up is noisy on a shared machine)."""
    probes = {
        "startup_s": "import planner.workbook, planner.solve, planner.reports",
        "usual_startup_s": "import pandas, pulp",
        "python_startup_s": "pass",
    }
    figures = {}
    env = {**os.environ, "PYTHONPATH": str(PLANNER_PATH)}
    # The planner's modules compiled first, as installing it does: the usual way's libraries sit
    # in site-packages with their bytecode, and this machine sets PYTHONDONTWRITEBYTECODE, so an
    # uncompiled planner would be compiled from source in every probe (~0.2 s).
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(PLANNER_PATH / "planner")], check=True
    )
    for key, code in probes.items():
        times = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=PLANNER_PATH)
            times.append(time.perf_counter() - started)
        figures[key] = min(times)
    return figures


def io_floor(case: Case, workbook: Path, work: Path) -> dict:
    """bench/floor.py io: the fastest reader on the workbook, the fastest writer on the cells of
    the planner's result workbook of this case."""
    result = work / f"{case.name}-result.xlsx"
    out = work / f"{case.name}-io.json"
    if not result.exists():
        return {"io_floor_note": "no result workbook to time the writer on"}
    code, _, _ = _subprocess(
        [str(BENCH / "floor.py"), "io", str(workbook), str(result), "--out", str(out)]
    )
    if code != 0 or not out.exists():
        return {"io_floor_note": f"bench/floor.py io failed (exit {code})"}
    return json.loads(out.read_text())


def planner_commit() -> str:
    """The commit measured: the snapshot's, else HEAD and whether planner/ has uncommitted
    changes."""
    stamp = PLANNER_PATH / "COMMIT"
    if stamp.exists():
        return stamp.read_text().strip()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                            text=True).stdout.strip()  # fmt: skip
    dirty = subprocess.run(["git", "status", "--porcelain", "planner"], cwd=REPO,
                           capture_output=True, text=True).stdout.strip()  # fmt: skip
    return commit + (" + uncommitted changes in planner/" if dirty else "")


def snapshot_planner(work: Path) -> Path:
    """planner/ as committed at HEAD, extracted into the work folder (git archive)."""
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True,
                            text=True, check=True).stdout.strip()  # fmt: skip
    target = work / f"planner-{commit[:10]}"
    if not (target / "COMMIT").exists():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", commit, "planner"], cwd=REPO,
                                 capture_output=True, check=True).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
        (target / "COMMIT").write_text(f"{commit[:10]} (snapshot of HEAD)\n")
    return target


def machine() -> dict:
    from importlib.metadata import version

    import highspy  # noqa: F401

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "highspy": version("highspy"),
        "pulp": version("pulp"),
        "numpy": version("numpy"),
        "openpyxl": version("openpyxl"),
        "platform": platform.platform(),
        "planner_commit": planner_commit(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average": list(os.getloadavg()),
    }


def _ratio(a, b):
    return None if a is None or b is None or b <= 0 else a / b


def finish_row(row: dict, case: Case, floor: dict, usual_row: dict | None) -> dict:
    row["floor_s"] = floor.get("floor_s")
    row["floor_run_s"] = floor.get("floor_run_s")
    row["floor_models"] = floor.get("models")
    row["floor_statuses"] = floor.get("statuses")
    row["floor_note"] = floor.get("error", "")
    row["floor_read_s"] = floor.get("floor_read_s")
    row["floor_planner_highs_s"] = floor.get("planner_highs_s")
    row["floor_slowest"] = floor.get("slowest", [])[:5]
    swings = [
        m for m in floor.get("slowest", []) + floor.get("planner_slower", [])
        if m.get("planner_run_s") is not None and max(m["run_s"], m["planner_run_s"]) > 1.0
        and max(m["run_s"], m["planner_run_s"]) > 4 * min(m["run_s"], m["planner_run_s"])
    ]  # fmt: skip
    if swings:
        seen = {m["model"]: m for m in swings}
        row["floor_note"] = (
            "HiGHS variance: the same model took "
            + "; ".join(
                f"{m['run_s']:.1f} s fresh vs {m['planner_run_s']:.1f} s in the planner"
                for m in list(seen.values())[:3]
            )
            + f" (planner's HiGHS total on the recorded run {floor.get('planner_highs_s', 0):.1f} s)"
        )
    if usual_row is not None:
        row.update(usual_row)
    if row.get("usual_s") is not None and row.get("usual_read_s") is not None:
        row["usual_e2e_s"] = (
            (row.get("usual_startup_s") or 0.0) + row["usual_read_s"] + row["usual_s"]
            + (row.get("usual_write_s") or 0.0)
        )  # fmt: skip
    row["planner_e2e_s"] = (row.get("startup_s") or 0.0) + row["total_s"]
    row["usual_over_e2e"] = _ratio(row.get("usual_e2e_s"), row["planner_e2e_s"])
    row["read_over_io_floor"] = _ratio(row["read_s"], row.get("io_read_floor_s"))
    row["write_over_io_floor"] = _ratio(row.get("write_s"), row.get("io_write_floor_s"))
    row["total_over_floor"] = _ratio(row["total_s"], row["floor_s"])
    row["solve_over_floor"] = _ratio(row["solve_s"], row["floor_s"])
    row["usual_over_solve"] = _ratio(row.get("usual_s"), row["solve_s"])
    row["usual_over_total"] = _ratio(row.get("usual_s"), row["total_s"])
    row["usual_over_planner_same_groups"] = _ratio(
        row.get("usual_measured_s"), row.get("planner_s_on_usual_groups")
    )
    met = targets(row, case)
    row["targets"] = [{"target": t, "met": m, "value": v} for t, m, v in met]
    return row


def run_all(names: list[str], work: Path, usual_budget: float, skip_usual: bool,
            skip_floor: bool, keep_models: bool = False,
            case_timeout: float | None = None) -> list[dict]:  # fmt: skip
    cases = [CASES[n] for n in names]
    workbooks = prepare_workbooks(cases, work)
    references: dict[str, tuple[dict, dict | None]] = {}
    rows = []
    startup = startup_seconds()
    _say("start-up: " + ", ".join(f"{k} {v:.2f} s" for k, v in startup.items()))
    for number, case in enumerate(cases, 1):
        workbook = workbooks[case.workbook_key]
        _say(f"[{number}/{len(cases)}] {case.name}: planner run")
        case_json = work / f"{case.name}-planner.json"
        code, seconds, timed_out = _subprocess(
            [str(BENCH / "run.py"), "--worker", case.name, "--workbook", str(workbook),
             "--out", str(case_json), "--work", str(work)],
            timeout=case_timeout,
        )  # fmt: skip
        if timed_out:
            _say(f"  {case.name}: stopped after {seconds:.0f} s (--case-timeout); case skipped")
            rows.append({
                "case": case.name, "timed_out_s": seconds,
                "error": f"did not finish: stopped after {seconds:.0f} s (--case-timeout)",
                "planner_commit": planner_commit(),
            })  # fmt: skip
            continue
        if code != 0:
            _say(f"  {case.name}: planner run failed (exit {code}); case skipped")
            rows.append({"case": case.name, "error": f"planner run failed (exit {code})"})
            continue
        row = json.loads(case_json.read_text())
        row.update(startup)
        if not skip_floor:
            row.update(io_floor(case, workbook, work))
        _say(f"  {case.name}: total {row['total_s']:.2f} s (read {row['read_s']:.2f}, solve "
             f"{row['solve_s']:.2f}, write {row['write_s'] or 0:.2f}), peak {row['peak_mb']:.0f} MB")  # fmt: skip
        source = case.same_models_as if case.same_models_as in references else None
        if source:
            floor, usual_row = references[source]
            _say(f"  floor and usual taken from {source} (the same models)")
        else:
            floor = {"error": "skipped (--no-floor)"}
            if not skip_floor:
                _say(f"  {case.name}: recording models, then timing HiGHS alone on them")
                floor = floor_reference(case, workbook, work, keep_models)
                if "floor_s" in floor:
                    _say(f"  floor {floor['floor_s']:.2f} s over {floor['models']} models")
            usual_row = None
            if not skip_usual:
                _say(f"  {case.name}: the usual way (PuLP + CBC), budget {usual_budget:.0f} s")
                usual = usual_reference(case, workbook, work, usual_budget)
                usual_row = {"planner_groups": row["planner_groups"]}
                compare_usual(usual_row, usual, row["groups"])
                del usual_row["planner_groups"]
                _say(f"  usual {usual_row['usual_s']:.1f} s {usual_row['usual_note']}; "
                     f"{len(usual_row['usual_mismatches'])} t* mismatch(es)")  # fmt: skip
            references[case.name] = (floor, usual_row)
        rows.append(finish_row(row, case, floor, usual_row))
    return rows


# --- output -------------------------------------------------------------------------------------


def _fmt(value, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if value >= 100:
            return f"{value:.0f}"
        return f"{value:.{digits}f}"
    return str(value)


def _x(value) -> str:
    return "—" if value is None else (f"{value:.1f}x" if value < 100 else f"{value:.0f}x")


WEB_START = "<!-- web load test (bench/load_web.py) -->"  # bench/load_web.py's section markers
WEB_END = "<!-- end of web load test -->"


def _web_section(path: Path) -> list[str]:
    """The web load test's section of the RESULTS.md being replaced (bench/load_web.py writes it
    between its markers; its figures are in bench/web-results.json), kept as it is."""
    if not path.exists():
        return []
    text = path.read_text()
    if WEB_START not in text or WEB_END not in text:
        return []
    return ["", text[text.index(WEB_START) : text.index(WEB_END) + len(WEB_END)]]


def write_markdown(rows: list[dict], info: dict, path: Path) -> None:
    web = _web_section(path)
    lines = [
        "# Benchmark results",
        "",
        "Generated by `python bench/run.py` (see bench/README.md for what each column means and how "
        "the floors and the usual way are measured). Times in seconds, wall clock, unless noted.",
        "",
        f"- machine: {info.get('nproc')} cores, {info.get('cpu')}, {info.get('platform')}",
        f"- python {info.get('python')}, highspy {info.get('highspy')}, pulp {info.get('pulp')}, "
        f"numpy {info.get('numpy')}, openpyxl {info.get('openpyxl')}",
        f"- planner at {info.get('planner_commit')}; date {info.get('date')}; load average at start "
        f"{', '.join(f'{x:.2f}' for x in info.get('load_average', []))}",
        f"- scenarios: generate(profile, seed={SEED}) written once with write_scenario; solve(..., "
        "sensitivity=False) unless the case says sensitivity; usual-way budget per case "
        f"{info.get('usual_budget', DEFAULT_USUAL_BUDGET):.0f} s",
        "",
        "| case | groups | procs | read_s | solve_s | write_s | total_s | peak_mb | solver_s (runs) "
        "| floor_s (models) | I/O floor read / write | usual read / solve / write | usual e2e "
        "| usual e2e / planner e2e | targets |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    ratios = [
        "",
        "## Every ratio per case",
        "",
        "planner e2e = start-up + total_s; usual e2e = its start-up + read + solve + write. "
        "read / I/O floor and write / I/O floor compare the planner's reader and writer with "
        "calamine and XlsxWriter on the same cells; solve / floor with HiGHS alone on the "
        "planner's models (— when no model was handed to HiGHS: the exact staff-only path).",
        "",
        "| case | read / I/O floor | write / I/O floor | solve / floor | total / floor "
        "| usual solve / planner solve | usual read / planner read | usual write / planner write "
        "| usual e2e / planner e2e |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    notes = []
    for row in rows:
        if "error" in row:
            case = CASES.get(row["case"])
            missed = ""
            if case and "timed_out_s" in row:
                limit = case.total_target
                missed = (
                    f"end to end <= {limit:.0f} s: **missed** (> {row['timed_out_s']:.0f} s)"
                    if limit is not None
                    else f"did not finish in {row['timed_out_s']:.0f} s"
                )
            lines.append(f"| {row['case']} | {row['error']} |" + " |" * 12 + f" {missed} |")
            continue
        marks = []
        case = CASES.get(row["case"])
        # Targets as defined now (a row measured before they changed is judged by today's).
        current = (
            [{"target": t, "met": m, "value": v} for t, m, v in targets(row, case)]
            if case is not None
            else row.get("targets", [])
        )
        for t in current:
            word = "not measured" if t["met"] is None else ("met" if t["met"] else "**missed**")
            marks.append(f"{t['target']}: {word} ({t['value']})")
        usual = _fmt(row.get("usual_s"))
        if row.get("usual_note"):
            usual += f" ({row['usual_groups_done']}/{row['usual_groups_total']} groups)"
        floor = (
            "—" if row.get("floor_s") is None else f"{_fmt(row['floor_s'])} ({row['floor_models']})"
        )
        io_floor = f"{_fmt(row.get('io_read_floor_s'))} / {_fmt(row.get('io_write_floor_s'))}"
        usual_parts = (
            f"{_fmt(row.get('usual_read_s'))} / {usual} / {_fmt(row.get('usual_write_s'))}"
        )
        lines.append(
            f"| {row['case']} | {row['groups']} | {row.get('processes', 1)} | {_fmt(row['read_s'])} "
            f"| {_fmt(row['solve_s'])} | {_fmt(row['write_s'])} | {_fmt(row['total_s'])} "
            f"| {_fmt(row['peak_mb'], 0)} | {_fmt(row['solver_s'])} ({row.get('solver_runs')}) "
            f"| {floor} | {io_floor} | {usual_parts} | {_fmt(row.get('usual_e2e_s'))} "
            f"| {_x(row.get('usual_over_e2e'))} | {'; '.join(marks) or '—'} |"
        )
        floor_ratio = row.get("solve_over_floor") if row.get("floor_models") else None
        total_ratio = row.get("total_over_floor") if row.get("floor_models") else None
        ratios.append(
            f"| {row['case']} | {_x(row.get('read_over_io_floor'))} "
            f"| {_x(row.get('write_over_io_floor'))} | {_x(floor_ratio)} | {_x(total_ratio)} "
            f"| {_x(row.get('usual_over_solve'))} "
            f"| {_x(_ratio(row.get('usual_read_s'), row['read_s']))} "
            f"| {_x(_ratio(row.get('usual_write_s'), row.get('write_s')))} "
            f"| {_x(row.get('usual_over_e2e'))} |"
        )
        if row.get("usual_same_scenario") is False:
            notes.append(f"- {row['case']}: the usual way's pandas reading gave another scenario")
        for note in [*row.get("notes", []), row.get("usual_note"), row.get("floor_note")]:
            if note:
                notes.append(f"- {row['case']}: {note}")
        if row.get("usual_mismatches"):
            notes.append(
                f"- {row['case']}: t* of the usual way differs from planner's (relative 1e-5) in "
                f"{len(row['usual_mismatches'])} of {row['usual_checked_groups']} groups checked: "
                + "; ".join(row["usual_mismatches"][:5])
            )
        if row.get("usual_moves_mismatches"):
            notes.append(
                f"- {row['case']}: moves (staff + services) at the optimum differ from the usual "
                f"way's in {len(row['usual_moves_mismatches'])} group(s): "
                + "; ".join(row["usual_moves_mismatches"][:5])
            )
        if not row.get("usual_mismatches") and row.get("usual_checked_groups"):
            notes.append(
                f"- {row['case']}: t* (or the balance objective) of the usual way equals planner's "
                f"in all {row['usual_checked_groups']} groups checked (relative 1e-5)"
            )
    commits = {r["case"]: r.get("planner_commit") or r.get("machine", {}).get("planner_commit")
               for r in rows if "error" not in r}  # fmt: skip
    if len(set(commits.values())) > 1:
        lines[8:8] = [
            "- rows were measured at different planner commits (cases run at different times): "
            + "; ".join(f"{case}: {commit}" for case, commit in commits.items()),
        ]
    lines += ratios
    speedups = []
    by_name = {r["case"]: r for r in rows if "error" not in r}
    for name, case in CASES.items():
        if case.processes != 1 and name in by_name:
            base = by_name.get(case.same_models_as)
            if base:
                speedups.append(
                    f"- {case.same_models_as}: processes=1 solve {_fmt(base['solve_s'])} s, "
                    f"processes={by_name[name].get('processes')} (default) solve "
                    f"{_fmt(by_name[name]['solve_s'])} s: speed-up "
                    f"{_x(_ratio(base['solve_s'], by_name[name]['solve_s']))} (end to end "
                    f"{_x(_ratio(base['total_s'], by_name[name]['total_s']))})"
                )
    if speedups:
        lines += ["", "## Parallel groups (process pool)", "", *speedups]
    if notes:
        lines += ["", "## Notes", "", *notes]
    lines += web
    samples = BENCH / "SAMPLES.md"  # bench/samples.py: Monte Carlo on processes and a cluster
    if samples.exists():
        lines += ["", samples.read_text().rstrip()]
    path.write_text("\n".join(lines) + "\n")


SPEED_LABELS = {
    "region-minmax-staff": "region, minmax, staff only",
    "region-minmax-services": "region, minmax, staff + services",
    "region-minmax-services-sensitivity": "region, minmax + sensitivity",
    "region-balance-staff": "region, balance, staff only",
    "region-balance-services": "region, balance, staff + services",
    "region-frontier21": "region, 21-point frontier",
    "national-minmax-staff": "national, minmax, staff only",
    "national-minmax-services": "national, minmax, staff + services",
    "national-minmax-services-default": "the same, default processes",
    "national-balance-staff": "national, balance, staff only",
    "national-balance-services": "national, balance, staff + services",
    "national-balance-services-default": "the same, default processes",
    "national-pooled-minmax-staff": "national pooled, minmax, staff only",
    "national-pooled-minmax-services": "national pooled, minmax, staff + services",
    "national-pooled-minmax-services-default": "the same, default processes",
}
README_START = "<!-- speed table (python bench/run.py --readme) -->"
README_END = "<!-- end of speed table -->"


def speed_table(rows: list[dict]) -> str:
    """The README's Speed table, from results.json rows (one line per case measured)."""
    lines = [
        README_START,
        "| case | start-up | read | solve | write | total | peak MB | HiGHS (runs) | usual way "
        "read / solve / write | usual / planner, end to end | measured |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        if "error" in row or row["case"] not in SPEED_LABELS:
            continue
        usual = row.get("usual_s")
        usual_text = "—"
        if usual is not None:
            sampled = row.get("usual_groups_done") != row.get("usual_groups_total")
            usual_text = (
                f"{_fmt(row.get('usual_read_s'), 1)} / {'> ' if sampled else ''}{_fmt(usual, 1)}"
                f" / {_fmt(row.get('usual_write_s'), 1)}"
            )
        lines.append(
            f"| {SPEED_LABELS[row['case']]} | {_fmt(row.get('startup_s'), 1)} "
            f"| {_fmt(row['read_s'], 1)} | {_fmt(row['solve_s'], 1)} | {_fmt(row['write_s'], 1)} "
            f"| {_fmt(row['total_s'], 1)} | {_fmt(row['peak_mb'], 0)} "
            f"| {_fmt(row['solver_s'], 1)} ({row.get('solver_runs')}) | {usual_text} "
            f"| {_x(row.get('usual_over_e2e'))} | {row.get('measured_at', '')[:10]} |"
        )
    lines.append(README_END)
    return "\n".join(lines)


def write_readme_speed(rows: list[dict], readme: Path) -> bool:
    """Replace the Speed table of the README (between its markers); False when it has none."""
    text = readme.read_text()
    if README_START not in text or README_END not in text:
        return False
    before = text[: text.index(README_START)]
    after = text[text.index(README_END) + len(README_END) :]
    readme.write_text(before + speed_table(rows) + after)
    return True


def merge_results(rows: list[dict], path: Path, info: dict) -> list[dict]:
    """Keep earlier rows of cases not run now; order as CASES."""
    old = []
    if path.exists():
        try:
            old = json.loads(path.read_text())
        except json.JSONDecodeError:
            old = []
    for row in rows:
        row["machine"] = info
    merged = {r["case"]: r for r in old if r.get("case") in CASES}
    merged.update({r["case"]: r for r in rows})
    return [merged[n] for n in CASES if n in merged]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="planner benchmark (bench/README.md)")
    parser.add_argument("--cases", help="comma-separated case names (default: every default case)")
    parser.add_argument("--quick", action="store_true", help="region cases only")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--render", action="store_true",
                        help="only rewrite RESULTS.md from results.json")  # fmt: skip
    parser.add_argument("--readme", action="store_true",
                        help="only rewrite the README's Speed table from results.json")  # fmt: skip
    parser.add_argument("--usual-budget", type=float, default=DEFAULT_USUAL_BUDGET,
                        help="seconds of the usual way per case before extrapolating")  # fmt: skip
    parser.add_argument("--case-timeout", type=float, default=DEFAULT_CASE_TIMEOUT,
                        help="stop a planner run after S seconds; the case is then reported as "
                        "not finished (default %(default)s)")  # fmt: skip
    parser.add_argument("--no-usual", action="store_true")
    parser.add_argument("--no-floor", action="store_true")
    parser.add_argument("--planner", choices=("head", "worktree"), default="head",
                        help="measure planner/ as committed at HEAD (a snapshot, default) or the "
                        "working tree as it is while the run goes on")  # fmt: skip
    parser.add_argument("--keep-models", action="store_true", help="keep the recorded MPS files")
    parser.add_argument("--work", help="folder for workbooks, models and results (default: temp)")
    parser.add_argument("--results", default=str(BENCH), help="where results.json/RESULTS.md go")
    # Internal: one timed planner run, in its own process.
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--workbook", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--generate", help=argparse.SUPPRESS)
    parser.add_argument("--pooled", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.generate:
        generate_workbook(args.generate, args.pooled, Path(args.workbook))
        return 0

    if args.worker:
        row = run_case(CASES[args.worker], Path(args.workbook), Path(args.work))
        Path(args.out).write_text(json.dumps(row, indent=1))
        return 0
    if args.render or args.readme:
        results = Path(args.results)
        rows = json.loads((results / "results.json").read_text())
        info = rows[-1].get("machine", {}) if rows else {}
        if args.render:
            write_markdown(rows, info, results / "RESULTS.md")
        if args.readme and not write_readme_speed(rows, REPO / "README.md"):
            parser.error(f"README.md has no {README_START} ... {README_END} section")
        return 0
    if args.list:
        for name, case in CASES.items():
            print(f"{name}{'' if case.default else '  (only with --cases)'}")
        return 0
    if args.cases:
        names = [n.strip() for n in args.cases.split(",") if n.strip()]
        unknown = [n for n in names if n not in CASES]
        if unknown:
            parser.error(f"unknown case(s): {', '.join(unknown)} (see --list)")
    elif args.quick:
        names = list(QUICK)
    else:
        names = [n for n, c in CASES.items() if c.default]
    # A case reusing another's references needs that case first.
    for name in list(names):
        source = CASES[name].same_models_as
        if source and source not in names:
            names.insert(names.index(name), source)
    work = Path(args.work) if args.work else Path(tempfile.gettempdir()) / "planner-bench"
    work.mkdir(parents=True, exist_ok=True)
    if args.planner == "head":
        global PLANNER_PATH
        PLANNER_PATH = snapshot_planner(work)
        os.environ["BENCH_PLANNER_PATH"] = str(PLANNER_PATH)  # every step imports this planner
    info = machine()
    info["usual_budget"] = args.usual_budget
    _say(f"planner benchmark: {len(names)} case(s), work folder {work}")
    started = time.perf_counter()
    rows = run_all(
        names, work, args.usual_budget, args.no_usual, args.no_floor, args.keep_models,
        args.case_timeout,
    )  # fmt: skip
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    merged = merge_results(rows, results / "results.json", info)
    (results / "results.json").write_text(json.dumps(merged, indent=1) + "\n")
    write_markdown(merged, info, results / "RESULTS.md")
    _say(f"done in {time.perf_counter() - started:.0f} s: {results / 'results.json'}, "
         f"{results / 'RESULTS.md'}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
