"""The floor: HiGHS alone solving the planner's own models (bench/README.md).

    python bench/floor.py record WORKBOOK --case CASE --dir MODELS   # run the planner once, record
    python bench/floor.py time --dir MODELS --out floor.json         # time highspy on them
    python bench/floor.py io WORKBOOK RESULT --out io.json            # the I/O floor

`record` runs the case (processes=1, not timed) with PLANNER_RECORD_MODELS set, so every
model handed to HiGHS is written as MPS just before it is solved, the bisection steps, ratio and
fewest-moves models included. Next to each model it writes the HiGHS options the planner had set for
that solve (presolve, mip_abs_gap, mip_rel_gap, mip_feasibility_tolerance, random_seed, threads) and, after
the solve, the seconds the planner's own HiGHS call took, so that a model on which the planner's
loaded-and-modified HiGHS object was slower than a fresh one shows up (`planner_run_s`).

`time` reads each model into a fresh highspy.Highs in this process, with output off, one thread,
mip_rel_gap 0 and the recorded options, and times readModel + run. floor_s is the sum over models;
floor_run_s the sum of the run() calls alone.

`io` is the floor of reading and writing: every cell of the scenario workbook read with the fastest
reader available here (python-calamine, Rust, values only: no validation, no safety scan), and every
cell of the planner's result workbook for the case (read beforehand, not timed) written again with
XlsxWriter in constant-memory mode (values only: no styles, charts or tables). No real reader or
writer can go below these; the planner's read_s / write_s are compared with them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as _bench  # noqa: E402, F401  (puts the planner being measured first on sys.path)


def record(workbook: Path, case_name: str, directory: Path) -> None:
    import os

    from run import CASES, run_case

    from planner.engine.solvers import RECORD_MODELS_ENV

    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*"):
        old.unlink()
    os.environ[RECORD_MODELS_ENV] = str(directory)
    started = time.perf_counter()
    try:
        result = run_case(CASES[case_name], workbook, directory, record=True)
    finally:
        del os.environ[RECORD_MODELS_ENV]
    (directory / "planner_groups.json").write_text(json.dumps(result["groups"]))
    recorded = len(list(directory.glob("*.mps")))
    print(
        f"  [{case_name}] recorded {recorded} models in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
        flush=True,
    )


def time_models(directory: Path) -> dict:
    import highspy

    models = sorted(directory.glob("*.mps"))
    planner_runs: dict[str, float] = {}
    read_total = run_total = 0.0
    statuses: Counter[str] = Counter()
    per_model = []
    last_report = time.perf_counter()
    for number, path in enumerate(models, 1):
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("mip_rel_gap", 0.0)
        options_path = path.with_suffix(".json")
        if options_path.exists():
            recorded = json.loads(options_path.read_text())
            for name, value in recorded["options"].items():
                h.setOptionValue(name, value)
            planner_runs[path.stem] = recorded["planner_run_s"]
        started = time.perf_counter()
        h.readModel(str(path))
        read_done = time.perf_counter()
        h.run()
        run_done = time.perf_counter()
        read_total += read_done - started
        run_total += run_done - read_done
        status = h.modelStatusToString(h.getModelStatus())
        statuses[status] += 1
        per_model.append(
            {
                "model": path.stem,
                "read_s": read_done - started,
                "run_s": run_done - read_done,
                "status": status,
                "planner_run_s": planner_runs.get(path.stem),
            }
        )
        if time.perf_counter() - last_report > 5:
            last_report = time.perf_counter()
            print(f"  floor: {number}/{len(models)} models, {read_total + run_total:.0f} s",
                  file=sys.stderr, flush=True)  # fmt: skip
    slowest = sorted(per_model, key=lambda m: -m["run_s"])[:10]
    recorded = [m for m in per_model if m["planner_run_s"] is not None]
    return {
        "floor_s": read_total + run_total,
        "floor_read_s": read_total,
        "floor_run_s": run_total,
        "models": len(models),
        "statuses": dict(statuses),
        "planner_highs_s": sum(m["planner_run_s"] for m in recorded) if recorded else None,
        "slowest": slowest,
        # Where the planner's own HiGHS call took much longer than a fresh HiGHS on the same model
        # (or the reverse): variance, or state kept by the loaded Highs object.
        "planner_slower": sorted(recorded, key=lambda m: m["run_s"] - m["planner_run_s"])[:10],
        "per_model": per_model,
    }


def io_floor(workbook: Path, result: Path, scratch: Path) -> dict:
    """Seconds to read every cell of `workbook` (calamine) and to write every cell of `result`
    (XlsxWriter, constant memory), with the cell counts."""
    import xlsxwriter
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    book = CalamineWorkbook.from_path(str(workbook))
    read_cells = sum(
        len(row) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()
    )
    read_s = time.perf_counter() - started
    source = CalamineWorkbook.from_path(str(result))
    sheets = {name: source.get_sheet_by_name(name).to_python() for name in source.sheet_names}
    started = time.perf_counter()
    out = xlsxwriter.Workbook(str(scratch), {"constant_memory": True})
    written = 0
    for name, rows in sheets.items():
        sheet = out.add_worksheet(name[:31])
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
            written += len(row)
    out.close()
    write_s = time.perf_counter() - started
    scratch.unlink(missing_ok=True)
    return {
        "io_read_floor_s": read_s,
        "io_read_cells": read_cells,
        "io_write_floor_s": write_s,
        "io_write_cells": written,
        "io_floor_tools": "python-calamine (read), XlsxWriter constant_memory (write)",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("workbook")
    rec.add_argument("--case", required=True)
    rec.add_argument("--dir", required=True)
    tim = sub.add_parser("time")
    tim.add_argument("--dir", required=True)
    tim.add_argument("--out", required=True)
    io = sub.add_parser("io")
    io.add_argument("workbook")
    io.add_argument("result")
    io.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    if args.command == "record":
        record(Path(args.workbook), args.case, Path(args.dir))
    elif args.command == "io":
        out = Path(args.out)
        figures = io_floor(Path(args.workbook), Path(args.result), out.with_suffix(".xlsx"))
        out.write_text(json.dumps(figures, indent=1))
    else:
        Path(args.out).write_text(json.dumps(time_models(Path(args.dir)), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
