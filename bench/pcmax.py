"""P||Cmax benchmark: does the planner's "optimal" hold on public makespan instances?

Service reassignment with fixed staff is makespan scheduling on identical machines: one unit per
machine with one employee (skill general, Hours per FTE 1, hours mode), every job a movable Service
with Volume = processing time and Minutes = 60, staff moves off, objective minmax. Then a unit's
coefficient is its total processing time and the group's maximum coefficient is the makespan.

    python bench/pcmax.py --instances DIR                # the committed sample, 10 s per instance
    python bench/pcmax.py --instances DIR --sizes 25x10,60x20 --time-limit 20
    python bench/pcmax.py --instances DIR --planner /work/main --label after \\
        --results /tmp/pcmax-after.json
    python bench/pcmax.py --make-sample DIR              # rebuild bench/pcmax/sample.csv

DIR is benchmarks/all_benchmarks_with_opt of github.com/JohannesvG123/makespan-minimization (no
licence, so the instances are not committed here: bench/pcmax/SOURCE.md says how to get them).
Each instance is checked against the sample's recorded size, optimum and git blob id.

Every solve runs in a worker subprocess that imports the planner from --planner (a copy of its
planner/ package taken when the run starts), one solve at a time. A solve still running at
--hard-timeout is killed, recorded as "hung" and the worker restarted, so a run always ends.
Results: --results (JSON, rewritten after every instance) and the block --label of --report
(markdown, between markers; the rest of the file is kept); the same tables go to stdout.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import heapq
import json
import math
import os
import platform
import random
import re
import resource
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SAMPLE = BENCH / "pcmax" / "sample.csv"
DEFAULT_RESULTS = BENCH / "pcmax-results.json"
DEFAULT_REPORT = BENCH / "PCMAX.md"
SOURCE_REPO = "JohannesvG123/makespan-minimization"
SOURCE_PATH = "benchmarks/all_benchmarks_with_opt"

# Classes, in the order the tables show them.
CLASSES = (
    "optimal_right",  # status optimal and makespan == recorded optimum
    "optimal_wrong",  # status optimal and makespan > recorded optimum
    "optimal_below_record",  # status optimal and makespan < recorded optimum (record or check bad)
    "tolerance_stop",  # feasible: the search stopped on "solver tolerance"
    "time_limit",  # feasible: the time limit ran out during the makespan search
    "moves_stage",  # feasible with no stop note: makespan stage done, fewest-moves not proven
    "feasible_other",  # feasible with a note this benchmark does not know
    "unknown",  # no plan within the time limit
    "infeasible",  # wrong by definition: every P||Cmax instance has a plan
    "crash",  # solve raised; the exception text is recorded
    "hung",  # still running at --hard-timeout: killed
)
SHORT = {
    "optimal_right": "opt ok",
    "optimal_wrong": "opt WRONG",
    "optimal_below_record": "opt < rec",
    "tolerance_stop": "tol stop",
    "time_limit": "time lim",
    "moves_stage": "moves stg",
    "feasible_other": "feas other",
    "unknown": "unknown",
    "infeasible": "infeas",
    "crash": "crash",
    "hung": "hung",
}
# The stop notes of planner/search.py at 97e8ea1 (matched as substrings).
TOLERANCE_NOTE = "solver tolerance"
TIME_LIMIT_NOTE = "time limit"
PROOF_NOTE = "t* proven without a MILP"  # planner/engine/bracket.py, not a stop

N_BANDS = ((1, 20), (21, 50), (51, 100), (101, 200), (201, 400))
M_BANDS = ((2, 3), (4, 10), (11, 30), (31, 10**9))
SHAPES = ((25, 10), (60, 20))  # the shapes of the reported failures, sampled on their own
PER_STRATUM = 16
PER_SHAPE = 10
SAMPLE_SEED = 20240528  # the source commit's date
# Named in the report (25 jobs / 10 machines "optimal" 3,006 vs 3,001; 60 / 20 stopped at 10,304).
FORCED = (
    "p_cmax-n25-m10-planted-exact-U3000-perturb0.01.txt",
    "p_cmax-n25-m10-planted-exact-U3000-perturb0.05.txt",
    "p_cmax-n25-m10-planted-exact-U3000-perturb0.1.txt",
    "p_cmax-n60-m20-jobsample-Berlin-10pct_KaRRi-COL_4_3_3_5_w600_r300.csv-cleared--m=20--60-2.txt",
)


# -- instances ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instance:
    name: str
    jobs: tuple[int, ...]
    machines: int
    opt: int
    blob: str  # git blob id of the file, to tell the very same file from a look-alike


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def read_instance(path: Path) -> Instance:
    """`p p_cmax n m` / the n processing times followed by 0 / `OPT:<value>;`."""
    data = path.read_bytes()
    text = data.decode("ascii")
    header, _, rest = text.partition("\n")
    fields = header.split()
    if len(fields) != 4 or fields[:2] != ["p", "p_cmax"]:
        raise ValueError(f"{path.name}: unexpected header {header[:60]!r}")
    n, m = int(fields[2]), int(fields[3])
    found = re.search(r"OPT:\s*(\d+)\s*;", rest)
    if found is None:
        raise ValueError(f"{path.name}: no OPT line")
    numbers = [int(x) for x in rest[: found.start()].split()]
    if len(numbers) == n + 1 and numbers[-1] == 0:
        numbers = numbers[:-1]
    if len(numbers) != n or min(numbers, default=1) < 0:
        raise ValueError(f"{path.name}: {len(numbers)} processing times for n = {n}")
    return Instance(path.name, tuple(numbers), m, int(found.group(1)), git_blob_id(data))


def lpt_makespan(jobs: tuple[int, ...], machines: int) -> int:
    """Longest processing time first: each job, longest first, to the least loaded machine."""
    loads = [0] * machines
    for p in sorted(jobs, reverse=True):
        heapq.heapreplace(loads, loads[0] + p)
    return max(loads)


def lower_bound(jobs: tuple[int, ...], machines: int) -> int:
    """max(ceil(sum / m), longest job, two of the m+1 longest jobs share a machine)."""
    ordered = sorted(jobs, reverse=True)
    bound = max(-(-sum(jobs) // machines), ordered[0] if ordered else 0)
    if len(ordered) > machines:
        bound = max(bound, ordered[machines - 1] + ordered[machines])
    return bound


def family(name: str) -> str:
    if name.startswith(("NU_", "U_")):
        return name.split("_")[0]
    found = re.match(r"p_cmax-([A-Za-z]+\d*)-n", name) or re.match(
        r"p_cmax-n\d+-m\d+-([A-Za-z]+)", name
    )
    return found.group(1).lower() if found else "other"


def stratum_of(n: int, m: int) -> str | None:
    for lo, hi in N_BANDS:
        if lo <= n <= hi:
            for mlo, mhi in M_BANDS:
                if mlo <= m <= mhi:
                    return f"n{lo}-{hi} m{mlo}-{mhi if mhi < 10**9 else '+'}"
    return None


def make_sample(directory: Path, out: Path) -> None:
    """Stratified sample: by (jobs band, machines band), PER_STRATUM each, families in turn, plus
    PER_SHAPE instances of each reported shape (the named ones first). Seeded: reproducible."""
    rng = random.Random(SAMPLE_SEED)
    rows = []
    for path in sorted(directory.iterdir()):
        header = path.open("rb").readline().split()
        n, m = int(header[2]), int(header[3])
        if n <= N_BANDS[-1][1]:
            inst = read_instance(path)
            rows.append((inst, stratum_of(n, m)))
    chosen: list[tuple[Instance, str]] = []
    taken: set[str] = set()
    for n, m in SHAPES:
        pool = [i for i, _ in rows if len(i.jobs) == n and i.machines == m]
        forced = [i for i in pool if i.name in FORCED]
        rest = [i for i in pool if i.name not in FORCED]
        rng.shuffle(rest)
        for inst in (forced + rest)[:PER_SHAPE]:
            chosen.append((inst, f"shape {n}x{m}"))
            taken.add(inst.name)
    strata: dict[str, list[Instance]] = defaultdict(list)
    for inst, stratum in rows:
        if stratum and inst.name not in taken:
            strata[stratum].append(inst)
    for stratum in sorted(strata, key=_stratum_key):
        by_family: dict[str, list[Instance]] = defaultdict(list)
        for inst in strata[stratum]:
            by_family[family(inst.name)].append(inst)
        queues = []
        for fam in sorted(by_family):
            members = by_family[fam]
            rng.shuffle(members)
            queues.append(members)
        rng.shuffle(queues)
        picked: list[Instance] = []
        while len(picked) < PER_STRATUM and any(queues):
            for queue in queues:
                if queue and len(picked) < PER_STRATUM:
                    picked.append(queue.pop())
        chosen.extend((inst, stratum) for inst in picked)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["name", "jobs", "machines", "opt", "stratum", "family", "git_blob"])
        for inst, stratum in chosen:
            writer.writerow(
                [
                    inst.name,
                    len(inst.jobs),
                    inst.machines,
                    inst.opt,
                    stratum,
                    family(inst.name),
                    inst.blob,
                ]
            )
    counts = Counter(stratum for _, stratum in chosen)
    print(f"{len(chosen)} instances written to {out}", file=sys.stderr)
    for stratum in sorted(counts, key=_stratum_key):
        print(f"  {stratum}: {counts[stratum]}", file=sys.stderr)


def _stratum_key(label: str) -> tuple:
    numbers = [int(x) for x in re.findall(r"\d+", label)]
    return (not label.startswith("shape"), numbers)


def read_sample(path: Path) -> list[dict]:
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        for key in ("jobs", "machines", "opt"):
            row[key] = int(row[key])
    return rows


def parse_sizes(spec: str):
    """`25x10,60x20,100-400x*`: jobs x machines, each a number, a range a-b, or *."""

    def part(text: str):
        text = text.strip()
        if text in ("*", ""):
            return (0, math.inf)
        lo, _, hi = text.partition("-")
        return (int(lo), int(hi or lo))

    ranges = []
    for item in spec.split(","):
        jobs, sep, machines = item.strip().lower().partition("x")
        if not sep:
            raise argparse.ArgumentTypeError(f"--sizes item {item!r} is not JOBSxMACHINES")
        ranges.append((part(jobs), part(machines)))

    def accept(n: int, m: int) -> bool:
        return any(a <= n <= b and c <= m <= d for (a, b), (c, d) in ranges)

    return accept


def run_order(rows: list[dict]) -> list[dict]:
    """Strata interleaved (first of each stratum, then second, ...): --limit N stays stratified."""
    rank: Counter = Counter()
    keyed = []
    for i, row in enumerate(rows):
        keyed.append((rank[row["stratum"]], _stratum_key(row["stratum"]), i, row))
        rank[row["stratum"]] += 1
    return [row for *_, row in sorted(keyed, key=lambda k: k[:3])]


# -- the worker (runs the planner) -----------------------------------------------------------------


def build_scenario(planner, jobs: tuple[int, ...], machines: int, time_limit: float, home: str):
    """P||Cmax as a planner Scenario (planner: the imported planner.domain module)."""
    d = planner
    width = len(str(max(machines - 1, 1)))
    units = tuple(d.Unit(f"M{i:0{width}d}", hours_per_fte=1.0) for i in range(machines))
    staff = tuple(d.StaffCell(u.unit_id, d.DEFAULT_SKILL, 1) for u in units)
    jwidth = len(str(max(len(jobs) - 1, 1)))
    services = tuple(
        d.Service(
            f"J{j:0{jwidth}d}",
            units[0 if home == "first" else j % machines].unit_id,
            skill=d.DEFAULT_SKILL,
            volume=float(p),
            minutes=60.0,
            digital_share=0.0,
            movable=True,
        )
        for j, p in enumerate(jobs)
    )
    settings = d.Settings(
        coefficient=d.CoefficientMode.HOURS,
        objective=d.Objective.MINMAX,
        allow_staff_moves=False,
        allow_service_moves=True,
        time_limit=time_limit,
        hours_per_fte=1.0,
    )
    return d.Scenario("pcmax", units, staff, services, settings)


def solve_task(task: dict) -> dict:
    import planner.domain as domain
    from planner.solve import solve

    inst = read_instance(Path(task["path"]))
    scenario = build_scenario(domain, inst.jobs, inst.machines, task["time_limit"], task["home"])
    out: dict = {}
    started, cpu = time.perf_counter(), time.process_time()
    try:
        result = solve(scenario, sensitivity=False)
    except Exception as error:  # recorded, not raised: a crash is a result here
        out["seconds"] = time.perf_counter() - started
        out["cpu_seconds"] = time.process_time() - cpu
        out["status"] = "crash"
        out["error"] = f"{type(error).__name__}: {error}"
        out["traceback"] = traceback.format_exc(limit=6)[-2000:]
        return out
    out["seconds"] = time.perf_counter() - started
    # Below the wall time when the machine was busy: a time-limited solve then got less CPU.
    out["cpu_seconds"] = time.process_time() - cpu
    group = result.groups[0]
    out.update(
        status=result.status.value,
        objective=group.objective_value,
        max_coefficient_after=group.max_coefficient_after,
        lower_bound=group.lower_bound,
        gap=group.gap,
        notes=list(group.notes),
        solver_runs=group.report.solver_runs,
        solver_seconds=group.report.solver_seconds,
        staff_moved=group.staff_moved,
        services_moved=group.services_moved,
        checks_passed=result.checks_passed,
        before=group.max_coefficient_before,
    )
    # The makespan recomputed here from the plan's assignments, in integers.
    index = {s.service_id: j for j, s in enumerate(scenario.services)}
    loads: dict[str, int] = defaultdict(int)
    seen: Counter = Counter()
    whole = True
    for a in result.assignments:
        j = index[a.service_id]
        seen[j] += 1
        whole = whole and a.share == 1.0
        loads[a.unit_id] += inst.jobs[j]
    complete = whole and len(seen) == len(inst.jobs) and set(seen.values()) == {1}
    out["makespan"] = max(loads.values(), default=0) if complete else None
    out["assignment_ok"] = complete
    # t* proven: the bracket closed (the fewest-moves stage may still be unproven).
    bound, value = out.get("lower_bound"), out["makespan"]
    out["tstar_proven"] = bool(
        bound is not None and value is not None and bound >= value * (1 - 2e-6)
    )
    return out


# -- the references: plain HiGHS on the textbook MILP, CP-SAT (each in its own process) ---------


def highs_task(task: dict) -> dict:
    """min t, x[j,i] binary, sum_i x[j,i] = 1, sum_j p_j x[j,i] <= t: HiGHS 1 thread, defaults
    otherwise, no start. Proven: HiGHS says optimal and its dual bound, rounded up (whole jobs),
    reaches the makespan of the plan (recomputed here)."""
    import highspy
    import numpy as np

    inst = read_instance(Path(task["path"]))
    n, m = len(inst.jobs), inst.machines
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("time_limit", float(task["time_limit"]))
    h.setOptionValue("random_seed", 0)
    inf = highspy.kHighsInf
    # Columns: x[j, i] (j-major), then t.
    num = n * m + 1
    h.addVars(num, np.zeros(num), np.concatenate([np.ones(n * m), [inf]]))
    h.changeColsIntegrality(
        n * m, np.arange(n * m, dtype=np.int32),
        np.full(n * m, highspy.HighsVarType.kInteger),
    )  # fmt: skip
    h.changeColCost(n * m, 1.0)
    for j in range(n):
        idx = np.arange(j * m, (j + 1) * m, dtype=np.int32)
        h.addRow(1.0, 1.0, m, idx, np.ones(m))
    for i in range(m):
        idx = np.concatenate([np.arange(n, dtype=np.int32) * m + i, [n * m]]).astype(np.int32)
        h.addRow(-inf, 0.0, n + 1, idx, np.concatenate([np.array(inst.jobs, float), [-1.0]]))
    started, cpu = time.perf_counter(), time.process_time()
    h.run()
    seconds = time.perf_counter() - started
    status = h.getModelStatus()
    info = h.getInfo()
    out: dict = {"seconds": seconds, "cpu_seconds": time.process_time() - cpu,
                 "highs_status": h.modelStatusToString(status)}  # fmt: skip
    values = np.asarray(h.getSolution().col_value)
    if values.size == num and info.primal_solution_status == 2:
        x = values[: n * m].reshape(n, m)
        machine = x.argmax(axis=1)
        if np.allclose(x.max(axis=1), 1.0, atol=1e-6):
            loads = np.zeros(m, dtype=np.int64)
            np.add.at(loads, machine, np.array(inst.jobs, dtype=np.int64))
            out["makespan"] = int(loads.max())
    bound = float(info.mip_dual_bound)
    out["bound"] = math.ceil(bound - 1e-6) if math.isfinite(bound) else None
    out["proven"] = bool(
        status == highspy.HighsModelStatus.kOptimal
        and out.get("makespan") is not None
        and out["bound"] is not None
        and out["bound"] >= out["makespan"]
    )
    return out


def cpsat_task(task: dict) -> dict:
    """The same model in CP-SAT (one worker, fixed seed): x[j,i] Booleans, one machine per job,
    each machine's load <= makespan, minimise the makespan. Proven: status OPTIMAL."""
    from ortools.sat.python import cp_model

    inst = read_instance(Path(task["path"]))
    n, m = len(inst.jobs), inst.machines
    model = cp_model.CpModel()
    x = [[model.new_bool_var(f"x{j}_{i}") for i in range(m)] for j in range(n)]
    makespan = model.new_int_var(max(inst.jobs), sum(inst.jobs), "makespan")
    for j in range(n):
        model.add_exactly_one(x[j])
    for i in range(m):
        model.add(sum(inst.jobs[j] * x[j][i] for j in range(n)) <= makespan)
    model.minimize(makespan)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = float(task["time_limit"])
    started, cpu = time.perf_counter(), time.process_time()
    status = solver.solve(model)
    out: dict = {"seconds": time.perf_counter() - started,
                 "cpu_seconds": time.process_time() - cpu,
                 "cpsat_status": solver.status_name(status)}  # fmt: skip
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        loads = [0] * m
        for j in range(n):
            loads[next(i for i in range(m) if solver.value(x[j][i]))] += inst.jobs[j]
        out["makespan"] = max(loads)
        out["bound"] = math.ceil(solver.best_objective_bound - 1e-6)
    out["proven"] = status == cp_model.OPTIMAL
    return out


def reference_worker_main(kind: str) -> None:
    """A worker for one reference (no planner import: OR-Tools and highspy cannot share a
    process)."""
    answer = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    run = cpsat_task if kind == "cpsat" else highs_task
    answer.write(json.dumps({"ready": kind}) + "\n")
    answer.flush()
    for line in sys.stdin:
        task = json.loads(line)
        try:
            out = run(task)
        except Exception as error:
            out = {"status": "crash", "error": f"{kind}: {type(error).__name__}: {error}"}
        answer.write(json.dumps(out) + "\n")
        answer.flush()


def worker_main(planner_path: str) -> None:
    """Read tasks (JSON lines) on stdin, answer on the original stdout; planner output -> stderr."""
    sys.path.insert(0, planner_path)
    answer = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    import highspy  # noqa: F401

    import planner

    where = str(Path(planner.__file__).resolve())
    answer.write(json.dumps({"ready": where}) + "\n")
    answer.flush()
    for line in sys.stdin:
        task = json.loads(line)
        try:
            out = solve_task(task)
        except Exception as error:
            out = {"status": "crash", "error": f"benchmark: {type(error).__name__}: {error}"}
        answer.write(json.dumps(out) + "\n")
        answer.flush()


class Worker:
    """One worker subprocess at a time; killed (by its pid, which we started) when it hangs."""

    def __init__(
        self, planner_path: Path, memory_mb: int, log: Path, reference: str | None = None
    ) -> None:
        self.planner_path, self.memory_mb, self.log = planner_path, memory_mb, log
        self.reference = reference  # "cpsat" / "highs": a reference worker, no planner
        self.proc: subprocess.Popen | None = None
        self.planner_file = ""

    def _start(self) -> None:
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
        env.pop("PYTHONPATH", None)
        limit = self.memory_mb * 1024 * 1024

        def limits() -> None:
            if limit > 0:
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), *self._mode()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log.open("ab"),
            env=env,
            cwd=tempfile.gettempdir(),
            preexec_fn=limits,
        )
        ready = self._read(120.0)
        if ready is None or "ready" not in ready:
            self.stop()
            raise RuntimeError(f"the worker did not start (see {self.log})")
        if self.reference is not None:
            return
        self.planner_file = ready["ready"]
        if not self.planner_file.startswith(str(self.planner_path.resolve()) + os.sep):
            self.stop()
            raise RuntimeError(f"the worker imported {self.planner_file}, not the snapshot")

    def _mode(self) -> list[str]:
        if self.reference is not None:
            return ["--reference-worker", self.reference]
        return ["--worker", str(self.planner_path)]

    def _read(self, timeout: float) -> dict | None:
        assert self.proc is not None and self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return None
        line = self.proc.stdout.readline()
        return json.loads(line) if line else None

    def run(self, task: dict, timeout: float) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        assert self.proc is not None and self.proc.stdin is not None
        started = time.perf_counter()
        self.proc.stdin.write((json.dumps(task) + "\n").encode())
        self.proc.stdin.flush()
        out = self._read(timeout)
        if out is None:
            code = self.proc.poll()
            self.stop()
            wall = time.perf_counter() - started
            if code is None:
                return {"status": "hung", "seconds": wall, "error": f"killed after {wall:.0f} s"}
            return {"status": "crash", "seconds": wall, "error": f"worker exited with {code}"}
        return out

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            self.proc = None


# -- classification and report ------------------------------------------------------------------


def classify(out: dict, opt: int) -> str:
    status = out.get("status")
    if status in ("crash", "hung", "unknown", "infeasible"):
        return status
    value = out.get("makespan")
    if value is None:
        return "crash"
    if status == "optimal":
        if value == opt:
            return "optimal_right"
        return "optimal_wrong" if value > opt else "optimal_below_record"
    # The note that t* was proven by the scheduling bound says nothing about a stop.
    notes = " ".join(n for n in out.get("notes") or () if PROOF_NOTE not in n)
    if TOLERANCE_NOTE in notes:
        return "tolerance_stop"
    if TIME_LIMIT_NOTE in notes:
        return "time_limit"
    return "moves_stage" if not notes else "feasible_other"


def evaluate(row: dict, out: dict, inst: Instance) -> dict:
    lpt = lpt_makespan(inst.jobs, inst.machines)
    bound = lower_bound(inst.jobs, inst.machines)
    record = dict(row)
    record.update(out)
    record.update(lpt=lpt, trivial_bound=bound, opt_certified=bound == inst.opt)
    record["class"] = cls = classify(out, inst.opt)
    value = out.get("makespan")
    objective = out.get("objective")
    record["worse_than_lpt"] = value is not None and value > lpt
    record["stopped"] = cls in ("tolerance_stop", "time_limit", "moves_stage", "feasible_other")
    # The planner's figure vs the plan's own makespan, and its proven bound vs the optimum.
    record["objective_mismatch"] = (
        value is not None and objective is not None and abs(objective - value) > 1e-6 * value
    )
    lb = out.get("lower_bound")
    record["bound_above_opt"] = lb is not None and lb > inst.opt * (1 + 1e-6)
    record["bound_above_value"] = (
        lb is not None and value is not None and lb > value * (1 + 1e-6) + 1e-9
    )
    record["gap_to_opt"] = (value - inst.opt) / inst.opt if value is not None and inst.opt else None
    return record


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value - round(value)) > 1e-9 else f"{round(value):,}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += [
        "| " + " | ".join(_fmt(c) if not isinstance(c, str) else c for c in r) + " |" for r in rows
    ]
    return lines


def _seconds(records: list[dict]) -> tuple[str, str]:
    times = [r["seconds"] for r in records if r.get("seconds") is not None]
    if not times:
        return "-", "-"
    return f"{statistics.median(times):.2f}", f"{max(times):.2f}"


def _cpu_share(records: list[dict]) -> str:
    """Total CPU over total wall of the solves (1.00: the solver had a core to itself)."""
    wall = sum(r.get("seconds") or 0.0 for r in records if r.get("cpu_seconds") is not None)
    cpu = sum(r.get("cpu_seconds") or 0.0 for r in records)
    return f"{cpu / wall:.2f}" if wall > 0 else "-"


def report(meta: dict, records: list[dict]) -> str:
    lines = [
        f"### {meta['label']}: {meta['date']}, planner {meta['planner_commit']} "
        f"(planner/ as of {meta.get('planner_tree_commit', '-')})",
        "",
        f"planner `{meta['planner_path']}` ({meta['planner_state']}), highspy "
        f"{meta['highspy']}, Python {meta['python']}; time limit {meta['time_limit']:g} s per "
        f"instance (Settings.time_limit), jobs start at unit {meta['home']!r}; "
        f"{len(records)} of {meta['sample_size']} sample instances"
        + (f" (selection: {meta['selection']})" if meta.get("selection") else "")
        + f"; wall {meta['wall_seconds'] / 60:.1f} min, load average {meta['load_before']} -> "
        f"{meta.get('load_after', '-')}, CPU / wall of the solves "
        f"{_cpu_share(records)}.",
        "",
    ]
    counts = Counter(r["class"] for r in records)
    stopped = [r for r in records if r["stopped"]]
    worse = [r for r in stopped if r["worse_than_lpt"]]
    lines += _table(
        ["class", "instances", "median s", "max s"],
        [
            [c, counts[c], *_seconds([r for r in records if r["class"] == c])]
            for c in CLASSES
            if counts[c]
        ]
        + [["all", len(records), *_seconds(records)]],
    )
    bound_bad = [r for r in records if r["bound_above_opt"]]
    lines += [
        "",
        f"- stopped (feasible) plans worse than LPT: **{len(worse)} of {len(stopped)}**; "
        f"stopped plans at the recorded optimum anyway: "
        f"{sum(1 for r in stopped if r['gap_to_opt'] == 0)}",
        f"- proven lower bound above the recorded optimum (a wrong certificate, whatever the "
        f"status): **{len(bound_bad)}** (of which status optimal: "
        f"{sum(1 for r in bound_bad if r.get('status') == 'optimal')})",
        f"- planner's objective differs from the plan's own makespan: "
        f"{sum(1 for r in records if r['objective_mismatch'])}; recorded optimum certified by "
        f"the trivial bound: {sum(1 for r in records if r['opt_certified'])} of {len(records)}",
        "",
    ]
    strata = sorted({r["stratum"] for r in records}, key=_stratum_key)
    shown = [c for c in CLASSES if counts[c]]
    rows = []
    for stratum in strata:
        members = [r for r in records if r["stratum"] == stratum]
        c = Counter(r["class"] for r in members)
        rows.append(
            [
                stratum,
                len(members),
                *(c[k] for k in shown),
                sum(1 for r in members if r["stopped"] and r["worse_than_lpt"]),
                *_seconds(members),
            ]
        )
    lines += _table(
        ["stratum", "n", *(SHORT[c] for c in shown), "stop>LPT", "med s", "max s"], rows
    )
    wrong = [r for r in records if r["class"] in ("optimal_wrong", "optimal_below_record")]
    lines += ["", f"Optimal but wrong ({len(wrong)}):", ""]
    if wrong:
        lines += _table(
            ["instance", "jobs x m", "reported", "recorded opt", "planner bound", "LPT", "s"],
            [
                [
                    f"`{r['name']}`",
                    f"{r['jobs']}x{r['machines']}",
                    r["makespan"],
                    r["opt"],
                    r.get("lower_bound"),
                    r["lpt"],
                    f"{r['seconds']:.1f}",
                ]
                for r in wrong
            ],
        )
    right_bad = [r for r in bound_bad if r["class"] not in ("optimal_wrong",)]
    if right_bad:
        lines += [
            "",
            f"Lower bound above the recorded optimum, plan not wrong-optimal ({len(right_bad)}):",
            "",
        ]
        lines += _table(
            ["instance", "class", "plan", "recorded opt", "planner bound"],
            [
                [f"`{r['name']}`", r["class"], r.get("makespan"), r["opt"], r.get("lower_bound")]
                for r in right_bad
            ],
        )
    if worse:
        lines += ["", f"Stopped plans worse than LPT ({len(worse)}), by makespan / LPT:", ""]
        worse.sort(key=lambda r: -r["makespan"] / r["lpt"])
        lines += _table(
            ["instance", "jobs x m", "class", "plan", "LPT", "recorded opt", "s"],
            [
                [
                    f"`{r['name']}`",
                    f"{r['jobs']}x{r['machines']}",
                    r["class"],
                    r["makespan"],
                    r["lpt"],
                    r["opt"],
                    f"{r['seconds']:.1f}",
                ]
                for r in worse
            ],
        )
    broken = [r for r in records if r["class"] in ("crash", "hung", "infeasible", "unknown")]
    if broken:
        lines += ["", f"Crashed, hung, infeasible or unknown ({len(broken)}):", ""]
        lines += _table(
            ["instance", "class", "error / notes"],
            [
                [
                    f"`{r['name']}`",
                    r["class"],
                    (r.get("error") or "; ".join(r.get("notes") or ())).replace("|", "/")[:200],
                ]
                for r in broken
            ],
        )
    return "\n".join(lines) + "\n"


def side_by_side(references: list[str], records: list[dict]) -> str:
    """Proofs of the planner (t* proven; and optimal, the fewest-moves stage proven too) beside
    each reference's, wrong answers (a proof of a makespan other than the recorded optimum) and
    median seconds."""

    def summary(name: str, rows: list[tuple[bool, int | None, float | None, int]]) -> list:
        proven = [r for r in rows if r[0]]
        wrong = sum(1 for ok, value, _, opt in rows if ok and value != opt)
        times = [s for ok, _, s, _ in rows if ok and s is not None]
        gaps = [(value - opt) / opt for ok, value, _, opt in rows if not ok and value is not None]
        return [
            name, len(rows), len(proven), wrong,
            f"{statistics.median(times):.2f}" if times else "-",
            f"{100 * statistics.median(gaps):.2f} %" if gaps else "-",
        ]  # fmt: skip

    # The planner's seconds are the whole solve's (the fewest-moves stage included): solve()
    # does not say when t* was proven, so its t* times are upper bounds.
    planner_tstar = [
        (bool(r.get("tstar_proven")), r.get("makespan"), r.get("seconds"), r["opt"])
        for r in records
    ]
    planner_full = [
        (r.get("status") == "optimal", r.get("makespan"), r.get("seconds"), r["opt"])
        for r in records
    ]
    rows = [summary("planner, t* proven", planner_tstar),
            summary("planner, optimal (t* and fewest moves)", planner_full)]  # fmt: skip
    for kind in references:
        rows.append(summary(
            {"cpsat": "CP-SAT, 1 worker", "highs": "plain HiGHS, textbook MILP"}[kind],
            [(bool(r.get(kind, {}).get("proven")), r.get(kind, {}).get("makespan"),
              r.get(kind, {}).get("seconds"), r["opt"]) for r in records],
        ))  # fmt: skip
    lines = ["#### Side by side", ""]
    lines += _table(
        ["solver", "instances", "proven", "wrong", "median s of the proven",
         "median gap of the unproven"],
        rows,
    )  # fmt: skip
    lines += [
        "",
        "Per instance (makespan, seconds; * proven; the planner's seconds are the whole solve,",
        "fewest moves included, and its * marks t* proven):",
        "",
    ]
    header = ["instance", "jobs x m", "opt", "planner t*", *references]
    table = []
    for r in records:
        cells = [f"`{r['name'][:70]}`", f"{r['jobs']}x{r['machines']}", r["opt"]]
        mark = "*" if r.get("tstar_proven") else ""
        cells.append(f"{_fmt(r.get('makespan'))}{mark} {r.get('seconds') or 0:.1f}")
        for kind in references:
            ref = r.get(kind, {})
            mark = "*" if ref.get("proven") else ""
            cells.append(f"{_fmt(ref.get('makespan'))}{mark} {ref.get('seconds') or 0:.1f}")
        table.append(cells)
    lines += _table(header, table)
    return "\n".join(lines) + "\n"


def write_block(path: Path, label: str, text: str) -> None:
    """Replace (or append) the block between this label's markers; keep the rest of the file."""
    begin, end = f"<!-- pcmax:{label}:begin -->", f"<!-- pcmax:{label}:end -->"
    block = f"{begin}\n{text}{end}\n"
    old = path.read_text() if path.exists() else "# P||Cmax benchmark results\n\n"
    if begin in old and end in old:
        head, _, rest = old.partition(begin)
        _, _, tail = rest.partition(end)
        new = head + block + tail.lstrip("\n")
    else:
        new = old.rstrip("\n") + "\n\n" + block
    path.write_text(new)


# -- main -------------------------------------------------------------------------------------------


def _git(path: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(path), *args], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        worker_main(argv[1])
        return 0
    if argv[:1] == ["--reference-worker"]:
        reference_worker_main(argv[1])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--instances",
        type=Path,
        default=os.environ.get("PCMAX_INSTANCES"),
        help=f"folder with the instance files ({SOURCE_PATH} of {SOURCE_REPO}; "
        "default $PCMAX_INSTANCES)",
    )
    parser.add_argument("--sample", type=Path, default=SAMPLE, help="sample list (CSV)")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=20.0,
        help="Settings.time_limit per instance, seconds (default 20)",
    )
    parser.add_argument(
        "--hard-timeout",
        type=float,
        default=None,
        help="kill a solve after this many seconds (default 2 x limit + 60)",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        help="at most N instances (strata interleaved, so a prefix stays stratified)",
    )
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=None,
        help="JOBSxMACHINES filter, e.g. 25x10,60x20,100-400x*",
    )
    parser.add_argument("--only", default=None, help="comma-separated instance names")
    parser.add_argument(
        "--planner",
        type=Path,
        default=REPO,
        help="checkout whose planner/ is measured (default: this one)",
    )
    parser.add_argument(
        "--home",
        choices=("first", "round-robin"),
        default="first",
        help="where jobs start: all on the first unit (default) or job j on unit j mod m",
    )
    parser.add_argument(
        "--memory-mb", type=int, default=3000, help="address-space limit of the worker (0: none)"
    )
    parser.add_argument(
        "--references",
        default="",
        help="also run these references on each instance, side by side: cpsat,highs "
        "(CP-SAT 1 worker; plain HiGHS on the textbook MILP, 1 thread), same time limit",
    )
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT)
    parser.add_argument("--label", default="latest", help="block of --report to (re)write")
    parser.add_argument("--no-report", action="store_true", help="do not touch --report")
    parser.add_argument(
        "--make-sample",
        type=Path,
        metavar="DIR",
        default=None,
        help=f"rebuild {SAMPLE.relative_to(REPO)} from the full folder and stop",
    )
    args = parser.parse_args(argv)

    if args.make_sample is not None:
        make_sample(args.make_sample, args.sample)
        return 0
    if args.instances is None or not Path(args.instances).is_dir():
        parser.error(
            f"--instances DIR is needed: {SOURCE_PATH} of github.com/{SOURCE_REPO} "
            "(see bench/pcmax/SOURCE.md)"
        )
    instances = Path(args.instances)
    hard_timeout = args.hard_timeout or 2 * args.time_limit + 60
    rows = run_order(read_sample(args.sample))
    selection = []
    if args.sizes is not None:
        rows = [r for r in rows if args.sizes(r["jobs"], r["machines"])]
        selection.append(f"--sizes {argv[argv.index('--sizes') + 1]}")
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        rows = [r for r in rows if r["name"] in wanted]
        selection.append(f"--only ({len(wanted)} names)")
    if args.limit is not None:
        rows = rows[: args.limit]
        selection.append(f"--limit {args.limit}")

    planner_path = args.planner.resolve()
    if not (planner_path / "planner" / "__init__.py").is_file():
        parser.error(f"--planner {planner_path}: no planner/ package there")
    commit = _git(planner_path, "rev-parse", "--short=10", "HEAD") or "unknown"
    dirty = _git(planner_path, "status", "--porcelain", "--", "planner")
    # The last commit that changed planner/ (HEAD may only have changed bench/ or docs).
    planner_tree = _git(planner_path, "log", "-1", "--format=%h", "--abbrev=10", "--", "planner")
    snapshot = Path(tempfile.mkdtemp(prefix="pcmax-planner-"))
    # A copy of planner/ as it is now: the checkout may be edited while the benchmark runs.
    shutil.copytree(
        planner_path / "planner", snapshot / "planner", ignore=shutil.ignore_patterns("__pycache__")
    )
    import importlib.metadata as md

    meta = {
        "label": args.label,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "planner_path": str(planner_path),
        "planner_commit": commit,
        "planner_tree_commit": planner_tree or "unknown",
        "planner_state": "uncommitted changes in planner/" if dirty else "clean",
        "highspy": md.version("highspy"),
        "pulp": md.version("pulp"),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "time_limit": args.time_limit,
        "hard_timeout": hard_timeout,
        "home": args.home,
        "sample": str(args.sample),
        "sample_size": len(read_sample(args.sample)),
        "selection": ", ".join(selection),
        "instances": str(instances),
        "command": "python bench/pcmax.py " + " ".join(argv),
        "load_before": _load(),
    }
    print(
        f"{len(rows)} instances, time limit {args.time_limit:g} s, planner {commit} "
        f"({meta['planner_state']}), snapshot {snapshot}",
        file=sys.stderr,
    )
    log = Path(tempfile.gettempdir()) / f"pcmax-worker-{os.getpid()}.log"
    worker = Worker(snapshot, args.memory_mb, log)
    references = [r for r in args.references.split(",") if r]
    for kind in references:
        if kind not in ("cpsat", "highs"):
            parser.error(f"--references: unknown reference {kind!r} (cpsat, highs)")
    meta["references"] = references
    if "cpsat" in references:
        meta["ortools"] = md.version("ortools")
    ref_workers = {kind: Worker(snapshot, args.memory_mb, log, kind) for kind in references}
    records: list[dict] = []
    started = time.perf_counter()
    try:
        for i, row in enumerate(rows, 1):
            path = instances / row["name"]
            try:
                inst = read_instance(path)
            except (OSError, ValueError) as error:
                print(f"[{i}/{len(rows)}] {row['name']}: cannot read: {error}", file=sys.stderr)
                continue
            if (len(inst.jobs), inst.machines, inst.opt, inst.blob) != (
                row["jobs"],
                row["machines"],
                row["opt"],
                row["git_blob"],
            ):
                print(
                    f"[{i}/{len(rows)}] {row['name']}: differs from the sample; skipped",
                    file=sys.stderr,
                )
                continue
            task = {"path": str(path), "time_limit": args.time_limit, "home": args.home}
            out = worker.run(task, hard_timeout)
            record = evaluate(row, out, inst)
            for kind, ref_worker in ref_workers.items():
                ref = ref_worker.run(task, hard_timeout)
                record[kind] = ref
                print(
                    f"    {kind}: {'proven' if ref.get('proven') else 'not proven'} "
                    f"{_fmt(ref.get('makespan'))} {ref.get('seconds', 0):.1f}s",
                    file=sys.stderr,
                )
            records.append(record)
            meta["planner_file"] = worker.planner_file or meta.get("planner_file", "")
            print(
                f"[{i}/{len(rows)}] {row['jobs']}x{row['machines']} {record['class']:<14} "
                f"plan {_fmt(record.get('makespan'))} opt {_fmt(row['opt'])} "
                f"lpt {_fmt(record['lpt'])} {out.get('seconds', 0):.1f}s  {row['name'][:60]}",
                file=sys.stderr,
            )
            meta["wall_seconds"] = time.perf_counter() - started
            _write_results(args.results, meta, records)
    finally:
        worker.stop()
        for ref_worker in ref_workers.values():
            ref_worker.stop()
        shutil.rmtree(snapshot, ignore_errors=True)
    meta["wall_seconds"] = time.perf_counter() - started
    meta["load_after"] = _load()
    _write_results(args.results, meta, records)
    text = report(meta, records)
    if references:
        text += "\n" + side_by_side(references, records)
    print(text)
    if not args.no_report:
        write_block(args.report, args.label, text)
    return 0


def _write_results(path: Path, meta: dict, records: list[dict]) -> None:
    counts = Counter(r["class"] for r in records)
    payload = {"meta": meta, "counts": {c: counts[c] for c in CLASSES}, "instances": records}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=1) + "\n")
    tmp.replace(path)


if __name__ == "__main__":
    sys.exit(main())
