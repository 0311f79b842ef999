"""Scale benchmark (issue 12, "memory and time that grow with the data, not with its products").

Cases, each run in a fresh process so that its peak memory (ru_maxrss) is its own:

- `units-50000`: one group of 50,000 units, two fixed services each, staff alternately 1 and 3
  (count mode). Known optimum: every unit at 2 staff, maximum coefficient 2.0 -> 1.0 with 25,000
  staff moved. A dense services x units array would be 100,000 x 50,000 doubles = 37 GiB.
- `units-5000`: the same shape at 5,000 units (optimum 1.0, 2,500 moves), for the trend.
- `skills-5000-one-group`: 5,000 skills x 1,000 units in one group: refused by the limits of
  planner.checks (500 skills, 1,000,000 unit-skill cells per group) before any model is built; the
  figure is how fast and how small the refusal is (it ran out of memory at 3 GB before).
- `skills-5000-ten-groups`: the same 5,000 skills and 1,000 units as ten groups of 100 units and
  500 skills, each unit with staff and one fixed service in 5 skills; solved.

Usage: python bench/scale.py [CASE ...] [--out bench/scale-results.json]
Writes the JSON and prints one line per case. Timings depend on the machine and its load: they
are figures, not assertions (tests/engine/test_sparse.py checks the representation).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CASES = ("units-5000", "units-50000", "skills-5000-one-group", "skills-5000-ten-groups")


def alternating_units(count: int):
    """One group of `count` units (count even), staff 1, 3, 1, 3, ..., two fixed services each."""
    from planner import Scenario, Service, Settings, StaffCell, Unit

    units = tuple(Unit(f"U{n:06d}") for n in range(count))
    staff = tuple(StaffCell(f"U{n:06d}", "general", 1 if n % 2 == 0 else 3) for n in range(count))
    services = tuple(
        Service(f"S{n:06d}-{j}", f"U{n:06d}", movable=False) for n in range(count) for j in (1, 2)
    )
    return Scenario(f"units-{count}", units, staff, services,
                    settings=Settings(allow_service_moves=False))  # fmt: skip


def many_skills(groups: int):
    """5,000 skills over 1,000 units in `groups` groups; each unit has 5 skills, 2 staff of each
    and one fixed service of each (so every coefficient is 0.5 and nothing needs to move)."""
    from planner import Scenario, Service, Settings, StaffCell, Unit

    units, staff, services = [], [], []
    per_group = 1000 // groups
    for n in range(1000):
        unit_id, group = f"U{n:04d}", f"G{n // per_group:02d}"
        units.append(Unit(unit_id, group=group))
        for j in range(5):
            skill = f"K{(n * 5 + j) % 5000:04d}"
            staff.append(StaffCell(unit_id, skill, 2))
            services.append(Service(f"S{n:04d}-{j}", unit_id, skill=skill, movable=False))
    return Scenario(f"skills-{groups}", tuple(units), tuple(staff), tuple(services),
                    settings=Settings(allow_service_moves=False))  # fmt: skip


def run_case(name: str) -> dict:
    """Build and solve (or refuse) one case in this process; its figures."""
    import planner
    from planner.engine.group import group_data
    from planner.engine.plan import current_plan

    started = time.perf_counter()
    scenario = {
        "units-5000": lambda: alternating_units(5000),
        "units-50000": lambda: alternating_units(50_000),
        "skills-5000-one-group": lambda: many_skills(1),
        "skills-5000-ten-groups": lambda: many_skills(10),
    }[name]()
    built = time.perf_counter() - started
    problems = planner.validate_scenario(scenario)
    figures: dict = {"case": name, "units": len(scenario.units),
                     "services": len(scenario.services), "skills": len(scenario.skills),
                     "groups": len(scenario.groups), "build_scenario_s": round(built, 2)}  # fmt: skip
    if problems:
        figures.update(refused=[str(p) for p in problems],
                       seconds=round(time.perf_counter() - started, 2))  # fmt: skip
    else:
        largest = max(scenario.groups, key=lambda g: len(scenario.by_group[g].units))
        data = group_data(scenario, largest)
        assignment = current_plan(data).assignment
        figures["largest_group_assignment"] = {
            "shape": list(assignment.shape),
            "stored_entries": int(assignment.nnz),
            "bytes": int(
                assignment.data.nbytes + assignment.indices.nbytes + assignment.indptr.nbytes
            ),  # fmt: skip
            "dense_bytes_would_be": int(assignment.shape[0] * assignment.shape[1] * 8),
        }
        solve_started = time.perf_counter()
        result = planner.solve(scenario, sensitivity=False)
        figures.update(
            status=str(result.status),
            max_coefficient_before=result.max_coefficient_before,
            max_coefficient_after=result.max_coefficient_after,
            staff_moved=result.staff_moved,
            solve_s=round(time.perf_counter() - solve_started, 2),
            seconds=round(time.perf_counter() - started, 2),
        )
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", default=list(CASES), help=", ".join(CASES))
    parser.add_argument("--out", default=str(ROOT / "bench" / "scale-results.json"))
    parser.add_argument("--one", help=argparse.SUPPRESS)  # the child process of one case
    args = parser.parse_args()
    unknown = sorted(set(args.cases) - set(CASES))
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; the cases are {', '.join(CASES)}")
    if args.one:
        print(json.dumps(run_case(args.one)))
        return 0
    results = []
    for case in args.cases:
        child = subprocess.run([sys.executable, __file__, "--one", case], capture_output=True,
                               text=True, check=False)  # fmt: skip
        if child.returncode != 0:
            results.append({"case": case, "failed": child.stderr[-2000:]})
        else:
            results.append(json.loads(child.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]))
    Path(args.out).write_text(json.dumps({
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cases": results,
    }, indent=2) + "\n", encoding="utf-8")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
