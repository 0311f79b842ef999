"""Monte Carlo samples on 1 process, 2 processes and a 2-worker Dask LocalCluster (issue 17).

    python bench/samples.py                  # region 1,000 samples, national 200
    python bench/samples.py --quick          # region only

For each profile: generate(profile, seed=1) in memory, every service given a volume range of
P10 = 0.8 x Volume and P90 = 1.25 x Volume (a bench assumption: generated scenarios have none),
solved once with staff moves only (sensitivity off), then planner.uncertainty(result, N, seed=1)
timed three ways: in this process, with a pool of 2 processes, and on a LocalCluster of 2
worker processes (threads_per_worker=1) on 127.0.0.1 started before the timing (its start-up
is reported apart). Every way must give bit-identical maxima (checked). The cluster overhead is
its time minus the 2-process pool's. Writes bench/samples-results.json and bench/SAMPLES.md,
which bench/run.py copies into RESULTS.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from planner.datasets.generate import generate  # noqa: E402
from planner.solve import solve  # noqa: E402
from planner.studies.uncertainty import uncertainty  # noqa: E402

CASES = (("region", 1000), ("national", 200))


def _with_ranges(scenario):
    services = tuple(
        dataclasses.replace(s, volume_low=0.8 * s.volume, volume_high=1.25 * s.volume)
        for s in scenario.services
    )
    settings = dataclasses.replace(scenario.settings, allow_service_moves=False)
    return dataclasses.replace(scenario, services=services, settings=settings)


def run(profile: str, samples: int) -> dict:
    from distributed import Client, LocalCluster

    started = time.perf_counter()
    scenario = _with_ranges(generate(profile, 1))
    result = solve(scenario, sensitivity=False)
    setup = time.perf_counter() - started
    row: dict = {
        "profile": profile,
        "samples": samples,
        "services": len(scenario.services),
        "groups": len(scenario.groups),
        "setup_seconds": setup,
    }
    timings = {}
    t = time.perf_counter()
    serial = uncertainty(result, samples, seed=1)
    timings["1 process"] = time.perf_counter() - t
    t = time.perf_counter()
    pooled = uncertainty(result, samples, seed=1, processes=2)
    timings["2 processes"] = time.perf_counter() - t
    t = time.perf_counter()
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, silence_logs=40,
    ) as cluster, Client(cluster) as client:  # fmt: skip
        client.wait_for_workers(2, timeout=120)
        row["cluster_start_seconds"] = time.perf_counter() - t
        t = time.perf_counter()
        clustered = uncertainty(result, samples, seed=1, cluster=client)
        timings["2-worker LocalCluster"] = time.perf_counter() - t
    identical = all(
        np.array_equal(serial.maxima[p], other.maxima[p])
        for other in (pooled, clustered)
        for p in serial.maxima
    )
    row["timings"] = timings
    row["ms_per_sample"] = {k: v / samples * 1000 for k, v in timings.items()}
    row["cluster_overhead_seconds"] = timings["2-worker LocalCluster"] - timings["2 processes"]
    row["identical"] = identical
    groups = serial.table("groups")
    worst = groups[groups.plan == "plan"].sort_values("P90").iloc[-1]
    row["worst_group_plan_p90"] = {"group": worst.group, "P90": float(worst.P90)}
    print(json.dumps(row, indent=1), file=sys.stderr)
    return row


def markdown(rows: list[dict], date: str) -> str:
    lines = [
        "## Monte Carlo samples (`python bench/samples.py`)",
        "",
        f"Run of {date} on this 2-core machine (shared: read as ±30%). Each service's volume "
        "ranges over P10 0.8 x, P90 1.25 x; staff-only plan; `planner.uncertainty(result, N, "
        "seed=1)` for the current allocation and the plan. Seconds for all samples, then "
        "milliseconds per sample; every way gave bit-identical results.",
        "",
        "| case | samples | services | 1 process | 2 processes | 2-worker LocalCluster | "
        "ms/sample (1 / 2 / cluster) | cluster overhead vs 2 processes | cluster start-up | identical |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        t, ms = r["timings"], r["ms_per_sample"]
        lines.append(
            f"| {r['profile']} | {r['samples']:,} | {r['services']:,} | {t['1 process']:.2f} | "
            f"{t['2 processes']:.2f} | {t['2-worker LocalCluster']:.2f} | "
            f"{ms['1 process']:.2f} / {ms['2 processes']:.2f} / {ms['2-worker LocalCluster']:.2f} | "
            f"{r['cluster_overhead_seconds']:+.2f} | {r['cluster_start_seconds']:.1f} | "
            f"{'yes' if r['identical'] else 'NO'} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="region only")
    args = parser.parse_args(argv)
    rows = [run(p, n) for p, n in CASES if not (args.quick and p != "region")]
    date = datetime.now(UTC).strftime("%Y-%m-%d")
    (BENCH / "samples-results.json").write_text(json.dumps({"date": date, "rows": rows}, indent=1))
    (BENCH / "SAMPLES.md").write_text(markdown(rows, date))
    print(markdown(rows, date))
    return 0 if all(r["identical"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
