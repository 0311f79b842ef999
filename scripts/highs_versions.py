"""Rebuild the highspy version table in docs/solvers.md.

For every highspy release that pip offers this Python (1.11 up to the newest, or the versions named
with --versions), this script makes a throw-away venv, installs that highspy, and solves each model
in planner/reproducers/ (models.json names the true answers) with presolve on and off, under the
planner's HiGHS options and under HiGHS's defaults. With --tests it also installs the planner
(editable, without its highspy pin) and its test dependencies into each venv and runs the engine
tests there; with --workbooks it runs `planner solve` on the workbooks named; with --solve-log it
runs the whole test suite and counts every answer HiGHS gives the planner.

    python scripts/highs_versions.py                     # every version, models only
    python scripts/highs_versions.py --tests             # and the engine tests in each venv
    python scripts/highs_versions.py --versions 1.15.1 1.16.0 --tests
    python scripts/highs_versions.py --tests --workbooks ../shared/reproducers/*.xlsx
    python scripts/highs_versions.py --versions 1.16.0 --solve-log   # look for 'Solve error'

Venvs are kept under --venvs (default /tmp/highs-venvs) and reused; the environment that runs this
script is never changed. Writes table.md, results.json and the test logs to --out
(default /tmp/highs-versions) and prints the tables.

`--probe` is the part that runs inside each venv: it needs only highspy and the standard library.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS_DIR = ROOT / "planner" / "reproducers"
TESTS = ["tests/test_engine_exhaustive.py", "tests/test_engine_known.py"]
# The planner's HiGHS options (planner/solvers.py, HighsBackend), with its gap settings for a proof.
PLANNER_OPTIONS = {
    "mip_feasibility_tolerance": 1e-7,
    "primal_feasibility_tolerance": 1e-9,
    "random_seed": 0,
    "threads": 1,
    "mip_rel_gap": 0.0,
    "mip_abs_gap": 1e-9,
}
TEST_DEPS = ["pulp", "numpy", "pandas", "openpyxl", "defusedxml", "pytest", "hypothesis"]
OBJECTIVE_TOLERANCE = 1e-6
PROBE_MARK = "highs_versions probe: "
TOLERANCES = [1e-6, 1e-7, 1e-8, 1e-9, 1e-10]  # mip_feasibility_tolerance, for --probe-tolerances


# --------------------------------------------------------------------------- inside each venv
def probe(models_dir: Path, repeat: int, time_limit: float) -> dict:
    """Solve every model of models.json in this interpreter's highspy; return the records."""
    import highspy

    try:
        version = highspy.Highs().version()
    except AttributeError:
        version = metadata.version("highspy")
    manifest = json.loads((models_dir / "models.json").read_text())
    records = []
    for entry in manifest["models"]:
        for options_name in ("planner", "default"):
            for presolve in ("on", "off"):
                runs = []
                for _ in range(repeat):
                    h = highspy.Highs()
                    h.setOptionValue("output_flag", False)
                    h.readModel(str(models_dir / entry["file"]))
                    if options_name == "planner":
                        for key, value in PLANNER_OPTIONS.items():
                            h.setOptionValue(key, value)
                    h.setOptionValue("presolve", presolve)
                    h.setOptionValue("time_limit", time_limit)
                    started = time.perf_counter()
                    run_status = h.run()
                    seconds = time.perf_counter() - started
                    info = h.getInfo()
                    has_point = info.primal_solution_status == 2
                    runs.append(
                        {
                            "status": h.modelStatusToString(h.getModelStatus()),
                            "run_status": str(run_status),
                            "objective": info.objective_function_value if has_point else None,
                            "seconds": seconds,
                        }
                    )
                statuses = sorted({r["status"] for r in runs})
                records.append(
                    {
                        "model": entry["file"],
                        "options": options_name,
                        "presolve": presolve,
                        "status": runs[0]["status"],
                        "run_status": runs[0]["run_status"],
                        "objective": runs[0]["objective"],
                        "stable": len(statuses) == 1 and len({r["objective"] for r in runs}) == 1,
                        "statuses": statuses,
                        "seconds": statistics.median(r["seconds"] for r in runs),
                        "verdict": verdict(entry, runs[0]["status"], runs[0]["objective"]),
                    }
                )
    return {"highspy": version, "python": sys.version.split()[0], "records": records}


def probe_tolerances(models_dir: Path, time_limit: float) -> list[dict]:
    """Every model under the planner's options with mip_feasibility_tolerance 1e-6 to 1e-10,
    presolve on and off: is the answer tied to the planner's tolerance?"""
    import highspy

    manifest = json.loads((models_dir / "models.json").read_text())
    records = []
    for entry in manifest["models"]:
        for tolerance in TOLERANCES:
            for presolve in ("on", "off"):
                h = highspy.Highs()
                h.setOptionValue("output_flag", False)
                h.readModel(str(models_dir / entry["file"]))
                for key, value in PLANNER_OPTIONS.items():
                    h.setOptionValue(key, value)
                h.setOptionValue("mip_feasibility_tolerance", tolerance)
                h.setOptionValue("presolve", presolve)
                h.setOptionValue("time_limit", time_limit)
                h.run()
                info = h.getInfo()
                objective = (
                    info.objective_function_value if info.primal_solution_status == 2 else None
                )
                status = h.modelStatusToString(h.getModelStatus())
                records.append({"model": entry["file"], "tolerance": tolerance,
                                "presolve": presolve, "status": status, "objective": objective,
                                "verdict": verdict(entry, status, objective)})  # fmt: skip
    return records


def verdict(entry: dict, status: str, objective: float | None) -> str:
    """'right' when the status and objective agree with the model's known answer."""
    if entry["expected_status"] == "infeasible":
        return "right" if status == "Infeasible" else "wrong"
    if status != "Optimal" or objective is None:
        return "wrong"
    expected = entry["expected_objective"]
    close = abs(objective - expected) <= OBJECTIVE_TOLERANCE * max(1.0, abs(expected))
    return "right" if close else "wrong"


# --------------------------------------------------------------------------- driver
def available_versions(minimum: tuple[int, ...] = (1, 11)) -> list[str]:
    """highspy versions pip offers this interpreter, oldest first, from `minimum` on."""
    out = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", "highspy"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("Available versions:"))
    versions = [v.strip() for v in line.split(":", 1)[1].split(",")]
    chosen = [v for v in versions if _key(v) >= minimum]
    return sorted(chosen, key=_key)


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", version)[:3])


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kwargs)


def ensure_venv(venvs: Path, version: str, *, with_planner: bool) -> Path:
    """A venv with highspy==version (and, if asked, the planner and its test deps); reused."""
    venv = venvs / f"highspy-{version}"
    python = venv / "bin" / "python"
    if not python.exists():
        _run([sys.executable, "-m", "venv", str(venv)])
    if not (venv / ".highspy-ready").exists():
        _run([str(python), "-m", "pip", "install", "-q", f"highspy=={version}"])
        (venv / ".highspy-ready").write_text(version)
    if with_planner and not (venv / ".planner-ready").exists():
        # The same versions as the environment running this script, so only highspy differs.
        deps = []
        for name in TEST_DEPS:
            try:
                deps.append(f"{name}=={metadata.version(name)}")
            except metadata.PackageNotFoundError:
                deps.append(name)
        _run([str(python), "-m", "pip", "install", "-q", *deps])
        # --no-deps: the planner's own pin on highspy would replace the version under test.
        _run([str(python), "-m", "pip", "install", "-q", "--no-deps", "-e", str(ROOT)])
        (venv / ".planner-ready").write_text(version)
    return python


def solve_workbooks(python: Path, workbooks: list[Path], out: Path, timeout: float) -> list[dict]:
    """`planner solve --json` on each workbook in the venv: every group's status, objective, proven
    bound and moves (the planner of this checkout, only highspy differs)."""
    records = []
    for workbook in workbooks:
        started = time.perf_counter()
        cmd = [str(python), "-m", "planner.cli", "solve", str(workbook), "--json", "--quiet"]
        cmd += ["--no-sensitivity", "--force", "--out", str(out / f"{workbook.stem}.xlsx")]
        try:
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
            # highspy 1.16 prints a banner on stdout before the planner's JSON.
            text = proc.stdout[proc.stdout.find("{") :]
            document = json.loads(text)
            groups = [
                {k: g[k] for k in ("group", "status", "objective", "lower_bound", "gap",
                                   "staff_moved", "services_moved")}
                for g in document["groups"]
            ]  # fmt: skip
            record = {"status": document["status"], "groups": groups,
                      "banner_on_stdout": not proc.stdout.startswith("{")}  # fmt: skip
        except (subprocess.TimeoutExpired, json.JSONDecodeError, KeyError) as error:
            record = {"status": f"error: {type(error).__name__}", "groups": []}
        record.update(workbook=workbook.name, seconds=time.perf_counter() - started)
        records.append(record)
    return records


# A pytest plugin that wraps the planner's HiGHS solve and counts HiGHS's answers; a model that got
# an answer the planner calls an error ("Solve error", ...) is written to ERRLOG_DIR as MPS.
SOLVE_LOG_PLUGIN = """
import collections, json, os, uuid
from planner import solvers

OUT = os.environ["ERRLOG_DIR"]
COUNTS = collections.Counter()
_solve_once = solvers.HighsBackend._solve_once

def _logged(self, *args, **kwargs):
    run = _solve_once(self, *args, **kwargs)
    COUNTS[run.detail] += 1
    if run.status is solvers.RunStatus.ERROR:
        self.highs.writeModel(os.path.join(OUT, uuid.uuid4().hex + ".mps"))
    return run

solvers.HighsBackend._solve_once = _logged

def pytest_unconfigure(config):
    with open(os.path.join(OUT, "solves.json"), "w") as f:
        json.dump(dict(COUNTS), f)
"""


def log_solves(python: Path, out: Path, timeout: float) -> dict:
    """The whole test suite (but the doctor's) in the venv, counting every HiGHS answer."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "solve_log_plugin.py").write_text(SOLVE_LOG_PLUGIN)
    env = {**os.environ, "ERRLOG_DIR": str(out), "PYTHONPATH": str(out)}
    cmd = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "solve_log_plugin"]
    cmd += ["--ignore=tests/test_doctor.py"]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
    (out / "pytest.log").write_text(proc.stdout + proc.stderr)
    lines = proc.stdout.strip().splitlines()
    counts = json.loads((out / "solves.json").read_text()) if (out / "solves.json").exists() else {}
    return {
        "summary": lines[-1].strip("= ") if lines else "",
        "exit_code": proc.returncode,
        "solves": counts,
        "error_models": sorted(p.name for p in out.glob("*.mps")),
        "seconds": time.perf_counter() - started,
    }


def run_tests(python: Path, log: Path, timeout: float) -> dict:
    """Run the engine tests in the venv from the repository root; summarise the outcome."""
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        output, code = proc.stdout + proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as error:
        output, code = (error.stdout or "") + f"\n(timed out after {timeout:g} s)", None
        output = output.decode() if isinstance(output, bytes) else output
    seconds = time.perf_counter() - started
    log.write_text(output)
    lines = output.strip().splitlines()
    summary = next(
        (x.strip("= ") for x in reversed(lines) if re.search(r"\d+ (passed|failed)", x)),
        lines[-1] if lines else "",
    )
    failures = [x for x in lines if x.startswith(("FAILED ", "ERROR "))]
    return {"exit_code": code, "summary": summary, "failures": failures, "seconds": seconds}


def describe(record: dict) -> str:
    if record["objective"] is not None and record["status"] == "Optimal":
        text = f"Optimal {record['objective']:.6g}"
    else:
        text = record["status"]
    if not record["stable"]:
        text += f" (varies: {', '.join(record['statuses'])})"
    return text if record["verdict"] == "right" else f"**{text}** ✗"


def _tolerance_faults(records: list[dict]) -> str:
    """'model, presolve on: Infeasible at every tolerance; ...', or 'none'."""
    tolerances = {r["tolerance"] for r in records}
    wrong: dict[tuple[str, str, str], set[float]] = {}
    for r in records:
        if r["verdict"] != "right":
            key = (r["model"].removesuffix(".mps"), r["presolve"], r["status"])
            wrong.setdefault(key, set()).add(r["tolerance"])
    parts = []
    for (model, presolve, status), where in sorted(wrong.items()):
        at = (
            "every tolerance" if where == tolerances else ", ".join(f"{t:g}" for t in sorted(where))
        )
        parts.append(f"{model}, presolve {presolve}: {status} at {at}")
    return "; ".join(parts) or "none"


def tables(results: list[dict], manifest: dict) -> str:
    models = [m["file"] for m in manifest["models"]]
    short = {m: m.removesuffix(".mps") for m in models}
    out = []
    for options in ("planner", "default"):
        out.append(f"\n**{options} options** (presolve on / off; ✗ = wrong)\n")
        out.append("| highspy | " + " | ".join(short[m] for m in models) + " |")
        out.append("|---" * (len(models) + 1) + "|")
        for result in results:
            cells = []
            for model in models:
                by = {
                    r["presolve"]: r
                    for r in result["probe"]["records"]
                    if r["model"] == model and r["options"] == options
                }
                cells.append(f"{describe(by['on'])} / {describe(by['off'])}")
            out.append(f"| {result['probe']['highspy']} | " + " | ".join(cells) + " |")
    out.append("\n**seconds per solve** (median, planner options, presolve on / off)\n")
    out.append("| highspy | " + " | ".join(short[m] for m in models) + " |")
    out.append("|---" * (len(models) + 1) + "|")
    for result in results:
        cells = []
        for model in models:
            by = {
                r["presolve"]: r
                for r in result["probe"]["records"]
                if r["model"] == model and r["options"] == "planner"
            }
            cells.append(f"{by['on']['seconds']:.3f} / {by['off']['seconds']:.3f}")
        out.append(f"| {result['probe']['highspy']} | " + " | ".join(cells) + " |")
    out.append(
        "\n**mip_feasibility_tolerance 1e-6 to 1e-10** (planner options otherwise): wrong answers\n"
    )
    for result in results:
        out.append(f"- {result['probe']['highspy']}: {_tolerance_faults(result['tolerances'])}")
    if any("tests" in r for r in results):
        out.append(f"\n**engine tests** (`{' '.join(TESTS)}`)\n")
        out.append("| highspy | outcome | seconds | failing tests |")
        out.append("|---|---|---|---|")
        for result in results:
            tests = result.get("tests")
            if tests:
                failing = (
                    "<br>".join(
                        f.split(" - ")[0].removeprefix("FAILED ") for f in tests["failures"]
                    )
                    or "none"
                )
                out.append(
                    f"| {result['probe']['highspy']} | {tests['summary']} | "
                    f"{tests['seconds']:.0f} | {failing} |"
                )
    if any("workbooks" in r for r in results):
        out.append("\n**the planner on the workbooks** (`planner solve --no-sensitivity`; per group: "
                   "status, objective, staff + services moved)\n")  # fmt: skip
        names = [w["workbook"] for w in next(r for r in results if "workbooks" in r)["workbooks"]]
        out.append("| highspy | " + " | ".join(n.removesuffix(".xlsx") for n in names) + " |")
        out.append("|---" * (len(names) + 1) + "|")
        for result in results:
            by = {w["workbook"]: w for w in result.get("workbooks", [])}
            cells = []
            for name in names:
                w = by.get(name)
                if not w or not w["groups"]:
                    cells.append(w["status"] if w else "")
                    continue
                cells.append("; ".join(
                    f"{g['status']} {g['objective']:.10g} (gap {g['gap']:.2g}), "
                    f"{g['staff_moved']} + {g['services_moved']:g} moves"
                    for g in w["groups"]
                ))  # fmt: skip
            out.append(f"| {result['probe']['highspy']} | " + " | ".join(cells) + " |")
    if any("solve_log" in r for r in results):
        out.append("\n**whole test suite, every HiGHS solve counted** (HiGHS's model status)\n")
        out.append("| highspy | outcome | HiGHS answers | models that got an error |")
        out.append("|---|---|---|---|")
        for result in results:
            log = result.get("solve_log")
            if log:
                answers = ", ".join(f"{k.removeprefix('HiGHS: ')} {v:,}"
                                    for k, v in sorted(log["solves"].items()))  # fmt: skip
                out.append(f"| {result['probe']['highspy']} | {log['summary']} | {answers} | "
                           f"{len(log['error_models'])} |")  # fmt: skip
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", nargs="*", help="highspy versions (default: 1.11 to newest)")
    parser.add_argument("--venvs", type=Path, default=Path("/tmp/highs-venvs"))
    parser.add_argument("--out", type=Path, default=Path("/tmp/highs-versions"))
    parser.add_argument("--tests", action="store_true", help="also run the engine tests per venv")
    parser.add_argument("--repeat", type=int, default=3, help="solves per cell (median time)")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per solve")
    parser.add_argument("--test-timeout", type=float, default=1800.0)
    parser.add_argument("--workbooks", nargs="*", type=Path, default=[],
                        help="scenario workbooks to solve with the planner in each venv")  # fmt: skip
    parser.add_argument("--solve-log", action="store_true",
                        help="run the whole suite per venv, counting every HiGHS answer")  # fmt: skip
    parser.add_argument("--fresh", action="store_true", help="measure again what --out holds")
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--probe-tolerances", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.probe_tolerances:
        print(PROBE_MARK + json.dumps(probe_tolerances(MODELS_DIR, args.time_limit)))
        return 0
    if args.probe:
        # On a line of its own: highspy 1.16 prints a banner on stdout when a Highs is made.
        print(PROBE_MARK + json.dumps(probe(MODELS_DIR, args.repeat, args.time_limit)))
        return 0

    versions = args.versions or available_versions()
    args.out.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((MODELS_DIR / "models.json").read_text())
    results = []
    for version in versions:
        # One file per version: a run that stopped half way, or one that asks for more, measures
        # only what is missing (--fresh measures everything again).
        saved = args.out / f"result-highspy-{version}.json"
        result = {"version": version}
        if saved.exists() and not args.fresh:
            result = json.loads(saved.read_text())
        python = ensure_venv(
            args.venvs, version, with_planner=args.tests or args.solve_log or bool(args.workbooks)
        )
        if "probe" not in result:
            print(f"highspy {version}: models", file=sys.stderr, flush=True)
            probe_cmd = [str(python), str(Path(__file__).resolve()), "--probe"]
            probe_cmd += ["--repeat", str(args.repeat), "--time-limit", str(args.time_limit)]
            stdout = _run(probe_cmd).stdout
            line = next(x for x in stdout.splitlines() if x.startswith(PROBE_MARK))
            result["probe"] = json.loads(line.removeprefix(PROBE_MARK))
        if "tolerances" not in result:
            cmd = [str(python), str(Path(__file__).resolve()), "--probe-tolerances"]
            stdout = _run(cmd + ["--time-limit", str(args.time_limit)]).stdout
            line = next(x for x in stdout.splitlines() if x.startswith(PROBE_MARK))
            result["tolerances"] = json.loads(line.removeprefix(PROBE_MARK))
        if args.tests and "tests" not in result:
            print(f"highspy {version}: engine tests", file=sys.stderr, flush=True)
            log = args.out / f"tests-highspy-{version}.log"
            result["tests"] = run_tests(python, log, args.test_timeout)
            print(f"  {result['tests']['summary']}", file=sys.stderr, flush=True)
        if args.workbooks and "workbooks" not in result:
            print(f"highspy {version}: workbooks", file=sys.stderr, flush=True)
            folder = args.out / f"workbooks-highspy-{version}"
            folder.mkdir(exist_ok=True)
            result["workbooks"] = solve_workbooks(python, args.workbooks, folder, args.test_timeout)
        if args.solve_log and "solve_log" not in result:
            print(
                f"highspy {version}: whole suite, every solve logged", file=sys.stderr, flush=True
            )
            folder = args.out / f"solve-log-highspy-{version}"
            result["solve_log"] = log_solves(python, folder, args.test_timeout)
            print(f"  {result['solve_log']['summary']}", file=sys.stderr, flush=True)
        saved.write_text(json.dumps(result, indent=1))
        results.append(result)
    (args.out / "results.json").write_text(json.dumps(results, indent=1))
    table = tables(results, manifest)
    (args.out / "table.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
