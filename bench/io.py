"""I/O and start-up figures of issue 14: read the national workbook, write its result workbook,
import planner, and a region case end to end. Each figure is the best of --repeat runs in this
process (the import in fresh processes), so a busy machine inflates it least.

    python bench/io.py [--work /tmp/io-bench] [--repeat 3] [--only read,write,import,region]

Run it with the planner to be measured first on the path (PYTHONPATH=. from a worktree), since
the installed planner may be another checkout. The national scenario is generate("national", seed=1) written once with write_scenario; its
staff-only minmax result is solved once and pickled beside it, so that the write figure does not
wait for a solve.
"""

from __future__ import annotations

import argparse
import copyreg
import dataclasses
import json
import pickle
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

SEED = 1


def _best(repeat: int, run) -> dict[str, float]:
    """The best wall and CPU seconds of `repeat` runs (CPU: this process; on a machine shared
    with other work the CPU figure is the steadier one)."""
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu_started)
    return {"wall_s": round(min(walls), 3), "cpu_s": round(min(cpus), 3)}


def _scenario_path(work: Path, profile: str) -> Path:
    path = work / f"{profile}.xlsx"
    if not path.exists():
        from planner.datasets.generate import generate
        from planner.workbook import write_scenario

        write_scenario(generate(profile, SEED), path)
    return path


def _staff_only(scenario):
    from planner.domain import Objective

    settings = dataclasses.replace(
        scenario.settings, objective=Objective.MINMAX, allow_service_moves=False
    )
    return dataclasses.replace(scenario, settings=settings)


def _proxy(mapping: dict) -> types.MappingProxyType:
    return types.MappingProxyType(mapping)


def _national_result(work: Path, workbook: Path):
    cached = work / "national-staff-only-result.pickle"
    if cached.exists():
        return pickle.loads(cached.read_bytes())
    from planner.solve import solve
    from planner.workbook import read_scenario

    result = solve(_staff_only(read_scenario(workbook)))
    # The result's read-only mappings pickle as the mappings they wrap.
    copyreg.pickle(types.MappingProxyType, lambda m: (_proxy, (dict(m),)))
    cached.write_bytes(pickle.dumps(result))
    return result


def measure_read(work: Path, repeat: int) -> dict[str, float]:
    from planner.workbook import read_scenario

    workbook = _scenario_path(work, "national")
    return _best(repeat, lambda: read_scenario(workbook))


def measure_write(work: Path, repeat: int) -> dict[str, float]:
    from planner.reports import write_result

    workbook = _scenario_path(work, "national")
    result = _national_result(work, workbook)
    out = work / "national-result.xlsx"

    def run() -> None:
        out.unlink(missing_ok=True)
        write_result(result, out, inputs=(workbook,))

    return _best(repeat, run)


def measure_scenario_write(work: Path, repeat: int) -> dict[str, float]:
    from planner.workbook import read_scenario, write_scenario

    scenario = read_scenario(_scenario_path(work, "national"))
    out = work / "national-copy.xlsx"

    def run() -> None:
        out.unlink(missing_ok=True)
        write_scenario(scenario, out)

    return _best(repeat, run)


def measure_import(repeat: int) -> dict[str, float]:
    """`import planner` in a fresh interpreter, and the modules it pulls in that it should not."""
    script = (
        "import time, sys; t = time.perf_counter(); import planner; "
        "print(time.perf_counter() - t); "
        "print(','.join(m for m in ('openpyxl', 'xlsxwriter', 'pandas', 'numpy', 'scipy', "
        "'statsmodels', 'highspy', 'pulp') if m in sys.modules))"
    )
    seconds, heavy = [], ""
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            cwd=tempfile.gettempdir(),  # not the caller's folder, which may hold a planner
        ).stdout.split("\n")
        seconds.append(float(out[0]))
        heavy = out[1]
    return {"import_s": min(seconds), "heavy_modules": heavy}  # type: ignore[dict-item]


def measure_region(work: Path, repeat: int) -> dict[str, float]:
    """read_scenario + solve (staff-only minmax) + write_result of the generated region."""
    from planner.reports import write_result
    from planner.solve import solve
    from planner.workbook import read_scenario

    workbook = _scenario_path(work, "region")
    out = work / "region-result.xlsx"

    def run() -> None:
        out.unlink(missing_ok=True)
        write_result(solve(_staff_only(read_scenario(workbook))), out, inputs=(workbook,))

    run()  # warm: the first solve imports the solver stack, which import_s measures apart
    return _best(repeat, run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/io-bench"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="read,write,scenario,import,region")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    wanted = set(args.only.split(","))
    figures: dict[str, object] = {}
    if "import" in wanted:
        figures.update(measure_import(args.repeat))
    if "read" in wanted:
        figures["read_national"] = measure_read(args.work, args.repeat)
    if "write" in wanted:
        figures["write_national_result"] = measure_write(args.work, args.repeat)
        print(figures, file=sys.stderr, flush=True)
    if "scenario" in wanted:
        figures["write_national_scenario"] = measure_scenario_write(args.work, args.repeat)
    if "region" in wanted:
        figures["region_end_to_end"] = measure_region(args.work, args.repeat)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
