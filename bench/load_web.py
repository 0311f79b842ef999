"""Load test of the web workspace (`planner serve`), loopback only, bounded in count and time.

1. One client alone, then 20 concurrent clients: each uploads the region scenario of bench/run.py
   (`planner generate --profile region --seed 1`; every upload is stored and validated again)
   and solves it through the JSON API, polling every 0.25 s until done; every result must equal
   planner.solve on the same workbook (the JSON of `planner solve --json`, times aside).
2. While a national scenario solves (`--profile national --seed 1`), the health endpoint is
   called every 0.2 s for at most 30 s; each answer must come in under 100 ms.

Reports p50/p95 latency per client (upload + solve + result), the server's peak memory (the
server process and its workers, RSS summed, sampled every 0.1 s) and the health latencies, in
bench/web-results.json and in a section of bench/RESULTS.md (between its markers).

    python bench/load_web.py [--clients 20] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import planner  # noqa: E402
from planner.datasets.generate import generate  # noqa: E402

MAX_CLIENTS = 50  # the bound on --clients
RUN_LIMIT = 900.0  # seconds for the whole run
HEALTH_WINDOW = 30.0  # seconds of health calls during the national solve
HEALTH_TARGET_MS = 100.0
START = "<!-- web load test (bench/load_web.py) -->"
END = "<!-- end of web load test -->"
TIMED = ("solved_at", "seconds")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _call(url: str, body: bytes | None = None, content_type: str = "application/json",
          timeout: float = 60.0) -> dict:  # fmt: skip
    headers = {"X-Planner-Client": "load_web"}
    if body is not None:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=body, headers=headers,
                                     method="POST" if body is not None else "GET")  # fmt: skip
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        return json.load(answer)


def _tree_rss(pid: int) -> int:
    """RSS in bytes of a process and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
        stack.extend(children.get(current, []))
    return total


class MemoryWatch(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, _tree_rss(self.pid))
            time.sleep(0.1)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


POLL = 0.25  # seconds between two status requests of a client (the pages poll every 1 s)


def _client(url: str, name: str, data: bytes, expected: dict, deadline: float) -> dict:
    started = time.perf_counter()
    uploaded = _call(f"{url}/api/uploads?name={name}", data, "application/octet-stream")
    upload_s = time.perf_counter() - started
    job = _call(f"{url}/api/jobs", json.dumps({"kind": "solve", "upload": uploaded["id"]}).encode())
    while True:
        state = _call(f"{url}/api/jobs/{job['id']}")
        if state["status"] not in ("queued", "running"):
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"job {job['id']} still {state['status']}")
        time.sleep(POLL)
    result = _call(f"{url}/api/jobs/{job['id']}/result") if state["status"] == "done" else {}
    total = time.perf_counter() - started
    correct = {k: v for k, v in result.items() if k not in TIMED} == expected
    return {"status": state["status"], "correct": correct, "upload_s": upload_s, "total_s": total}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="the server's worker processes")
    parser.add_argument("--no-national", action="store_true", help="skip the health test")
    args = parser.parse_args(argv)
    clients = max(1, min(args.clients, MAX_CLIENTS))
    deadline = time.monotonic() + RUN_LIMIT
    folder = Path(tempfile.mkdtemp(prefix="planner-load-"))
    path = folder / "region.xlsx"
    planner.write_scenario(generate("region", 1), path)
    result = planner.solve(planner.read_scenario(path))
    solve_seconds = [result.report.seconds]
    expected = {k: v for k, v in result.to_dict().items() if k not in TIMED}
    # (name, bytes, the expected JSON) per client, the lone one first
    workbooks = [(path.name, path.read_bytes(), json.loads(json.dumps(expected)))] * (clients + 1)
    national_path = None
    if not args.no_national:
        national_path = folder / "national.xlsx"
        planner.write_scenario(generate("national", 1), national_path)

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from planner.web import serve; "
         f"sys.exit(serve('127.0.0.1', {port}, sys.argv[1], workers={args.workers}))",
         str(folder / "workspace")],
        cwd=REPO, env=os.environ | {"PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    watch = MemoryWatch(server.pid)
    report: dict = {}
    try:
        while True:
            try:
                _call(f"{url}/api/health", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)
        idle_rss = _tree_rss(server.pid)
        watch.start()
        alone = _client(url, *workbooks[0], deadline)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            futures = [pool.submit(_client, url, *w, deadline) for w in workbooks[1:]]
            runs = [f.result() for f in futures]
        wall = time.perf_counter() - started
        totals = [r["total_s"] for r in runs]
        uploads = [r["upload_s"] for r in runs]
        report["load"] = {
            "clients": clients,
            "workers": args.workers,
            "wall_s": round(wall, 2),
            "done": sum(r["status"] == "done" for r in runs),
            "correct": sum(r["correct"] for r in runs),
            "p50_s": round(statistics.median(totals), 2),
            "p95_s": round(_percentile(totals, 0.95), 2),
            "max_s": round(max(totals), 2),
            "upload_p50_s": round(statistics.median(uploads), 3),
            "upload_p95_s": round(_percentile(uploads, 0.95), 3),
            "region_solve_s": round(statistics.median(solve_seconds), 2),
            "alone_s": round(alone["total_s"], 2),
            "alone_upload_s": round(alone["upload_s"], 3),
            "alone_correct": alone["correct"],
            "idle_mb": round(idle_rss / 2**20),
            "peak_mb": round(watch.peak / 2**20),
        }
        if national_path is not None:
            report["health"] = _health_during_national(url, national_path.read_bytes(), deadline)
        report["peak_mb"] = round(watch.peak / 2**20)
    finally:
        watch.stop.set()
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    report["machine"] = {
        "cores": os.cpu_count(), "python": platform.python_version(),
        "load_average": [round(v, 2) for v in os.getloadavg()],
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                                 capture_output=True, text=True).stdout.strip(),
    }  # fmt: skip
    (REPO / "bench" / "web-results.json").write_text(json.dumps(report, indent=1) + "\n")
    _write_markdown(report)
    print(json.dumps(report, indent=1))
    ok = report["load"]["correct"] == clients and report["load"]["alone_correct"]
    if "health" in report:
        ok = ok and report["health"]["max_ms"] < HEALTH_TARGET_MS
    return 0 if ok else 1


def _health_during_national(url: str, data: bytes, deadline: float) -> dict:
    uploaded = _call(f"{url}/api/uploads?name=national.xlsx", data, "application/octet-stream",
                     timeout=300)  # fmt: skip
    body = {"kind": "solve", "upload": uploaded["id"], "sensitivity": False}
    job = _call(f"{url}/api/jobs", json.dumps(body).encode())
    while _call(f"{url}/api/jobs/{job['id']}")["status"] == "queued":
        time.sleep(0.1)
    latencies, states = [], set()
    window = min(time.monotonic() + HEALTH_WINDOW, deadline)
    while time.monotonic() < window:
        started = time.perf_counter()
        _call(f"{url}/api/health", timeout=5)
        latencies.append((time.perf_counter() - started) * 1000)
        state = _call(f"{url}/api/jobs/{job['id']}")
        states.add(state["status"])
        if state["status"] != "running":
            break
        time.sleep(0.2)
    still_running = _call(f"{url}/api/jobs/{job['id']}")["status"] == "running"
    _call(f"{url}/api/jobs/{job['id']}/cancel", b"{}")
    return {
        "samples": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(_percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies), 1),
        "national_running_throughout": still_running,
        "national_upload_valid": uploaded["valid"],
    }


def _write_markdown(report: dict) -> None:
    load, machine = report["load"], report["machine"]
    lines = [
        START,
        "## Web workspace under load (`python bench/load_web.py`)",
        "",
        f"- {machine['date']}, planner at {machine['commit']}, {machine['cores']} cores (shared: "
        f"load average {', '.join(map(str, machine['load_average']))} at the end), "
        f"python {machine['python']}; server `planner serve` on 127.0.0.1 with "
        f"{load['workers']} worker processes",
        f"- {load['clients']} concurrent clients, each: upload the region scenario (generate "
        "region, seed 1; validated on every upload), solve it as a job (sensitivity on), poll "
        "every 0.25 s, fetch the JSON; before them one client alone",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| results done / equal to planner.solve | {load['done']} / {load['correct']} of "
        f"{load['clients']} |",
        f"| one client alone: upload / end to end | {load['alone_upload_s']} s / "
        f"{load['alone_s']} s |",
        f"| latency per client (upload + queue + solve + result), p50 | {load['p50_s']} s |",
        f"| p95 | {load['p95_s']} s |",
        f"| slowest | {load['max_s']} s |",
        f"| upload + validation, p50 / p95 | {load['upload_p50_s']} s / {load['upload_p95_s']} s |",
        f"| wall clock for all clients | {load['wall_s']} s |",
        f"| the same solve in process (planner.solve), for scale | {load['region_solve_s']} s |",
        f"| server memory idle / peak (server + workers, RSS) | {load['idle_mb']} MB / "
        f"{report['peak_mb']} MB |",
    ]
    if "health" in report:
        health = report["health"]
        lines.append(
            f"| `/api/health` while a national scenario solves: p50 / p95 / max "
            f"({health['samples']} calls) | {health['p50_ms']} / {health['p95_ms']} / "
            f"{health['max_ms']} ms |"
        )
    lines += [
        "",
        "Jobs run at most `workers` at a time, so with 20 clients most of the latency is the "
        "queue: p50 and p95 grow with clients / workers times one job (process start, read, "
        "solve, write the result workbook).",
        END,
    ]
    path = REPO / "bench" / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    section = "\n".join(lines)
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
