"""What runs in a job's own worker process: read the workbook, solve, compare or draw the
frontier with the library, and write the outputs into the job's folder.

The worker writes only inside its job folder: `progress.json` while it runs, then its outputs
(`result.json`, `workbook.xlsx`, and the page's view in each language, `view-kk.json`,
`view-ru.json`, `view-en.json`, so that the page speaks its viewer's language) and last
`outcome.json`. The sentences the library wrote while it ran (a group's notes, the checks'
details, the sensitivity items, a comparison's or frontier's notes) stay in the job's language
in every view. The server owns
`job.json`; a worker killed half-way (cancel, timeout, crash) leaves no outcome, and the server
records why it stopped.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
import traceback
from pathlib import Path
from typing import Any

import planner
from planner import InputError, Objective, Scenario
from planner.i18n import LANGUAGES, pgettext, using
from planner.solve import Step
from planner.web.views import (
    choose_option,
    comparison_view,
    frontier_view,
    result_views,
)
from planner.web.workspace import Workspace, read_json, write_json
from planner.xlsx.files import HOLD_WRITE_ENVIRONMENT

__all__ = ["apply_settings", "keep_services", "load_scenario", "lock_units", "run"]


def load_scenario(workspace: Workspace, upload_id: str) -> Scenario:
    """The scenario of an upload, named after the workbook its user uploaded."""
    upload = workspace.upload(upload_id)
    scenario = planner.read_scenario(workspace.upload_path(upload_id))
    stem = Path(upload.name).stem or upload.name
    return dataclasses.replace(scenario, name=stem)


def apply_settings(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
    """The scenario with settings changed in the page (already checked by the server)."""
    if not overrides:
        return scenario
    values = dict(overrides)
    if "objective" in values:
        values["objective"] = Objective(values["objective"])
    settings = dataclasses.replace(scenario.settings, **values)
    return dataclasses.replace(scenario, settings=settings)


def lock_units(scenario: Scenario, unit_ids: list[str]) -> Scenario:
    """The scenario with these units' staff kept where they are, as decided on a page: the
    library's decisions (planner.keep_units), so the result shows the proposal beside them."""
    return planner.keep_units(scenario, unit_ids) if unit_ids else scenario


def keep_services(scenario: Scenario, service_ids: list[str]) -> Scenario:
    """The scenario with these services kept at their unit, as decided on a page
    (planner.keep_services)."""
    return planner.keep_services(scenario, service_ids) if service_ids else scenario


class _Progress:
    """The library's progress messages, written to progress.json at most five times a second,
    with the count of steps done that a message carries (planner.solve.Step: groups solved,
    options started), whatever language its words are in."""

    def __init__(self, folder: Path, total: int) -> None:
        self.folder = folder
        self.started = time.monotonic()
        self.total = total
        self.last = 0.0
        self.write(pgettext("progress", "starting"), 0)

    def write(self, message: str, done: int) -> None:
        elapsed = time.monotonic() - self.started
        left = None
        if 0 < done < self.total:
            left = round(elapsed / done * (self.total - done), 1)
        write_json(
            self.folder / "progress.json",
            {"message": message, "done": done, "total": self.total,
             "elapsed": round(elapsed, 1), "seconds_left": left},
        )  # fmt: skip

    def __call__(self, message: str) -> None:
        now = time.monotonic()
        done = message.done if isinstance(message, Step) else 0
        if now - self.last < 0.2 and done < self.total:
            return
        self.last = now
        self.write(message, done)


def _solve(workspace: Workspace, folder: Path, params: dict[str, Any]) -> None:
    scenario = load_scenario(workspace, params["upload"])
    scenario = choose_option(scenario, params.get("option") or "baseline")
    scenario = apply_settings(scenario, params.get("settings") or {})
    scenario = lock_units(scenario, params.get("lock_units") or [])
    scenario = keep_services(scenario, params.get("keep_services") or [])
    progress = _Progress(folder, len(scenario.groups))
    # One process per job: the workspace's own bounded pool of job workers is its parallelism
    # (solve's default would start a pool of its own inside each worker for a large scenario).
    result = planner.solve(
        scenario, sensitivity=params.get("sensitivity", True), processes=1, progress=progress
    )
    # The `wisn target` setting: the fewest hires too, as `planner solve` finds them.
    hires = planner.hires_for_setting(scenario)
    planner.write_result(result, folder / "workbook.xlsx", hires=hires)
    summary = result.to_dict() | ({} if hires is None else {"hires": hires.to_dict()})
    write_json(folder / "result.json", summary)
    for code, view in result_views(result, hires).items():
        write_json(folder / f"view-{code}.json", view)
    progress.write(pgettext("progress", "done"), len(scenario.groups))


def _compare(workspace: Workspace, folder: Path, params: dict[str, Any]) -> None:
    scenarios, names = [], {}
    chosen: dict[str, list[str]] = params.get("options") or {}
    for upload_id in params["uploads"]:
        scenario = load_scenario(workspace, upload_id)
        if upload_id in chosen:
            keep = set(chosen[upload_id])
            scenario = dataclasses.replace(
                scenario, variants=tuple(v for v in scenario.variants if v.name in keep)
            )
        names[scenario.source_path or scenario.name] = workspace.upload(upload_id).name
        scenarios.append(scenario)
    total = sum(1 + len(s.variants) for s in scenarios)
    progress = _Progress(folder, total)
    comparison = planner.compare(scenarios, progress=progress)
    planner.write_comparison(comparison, folder / "workbook.xlsx")
    view = comparison_view(comparison, names)
    write_json(
        folder / "result.json",
        {
            "options": [
                {"label": o.label, "option": o.name, "workbook": row["workbook"],
                 "result": o.result.to_dict()}
                for o, row in zip(comparison.options, view["options"], strict=True)
            ],
            "seconds": round(comparison.seconds, 3),
        },
    )  # fmt: skip
    for code in LANGUAGES:  # the page in the viewer's language
        with using(code):
            write_json(folder / f"view-{code}.json", comparison_view(comparison, names))
    progress.write(pgettext("progress", "done"), total)


def _frontier(workspace: Workspace, folder: Path, params: dict[str, Any]) -> None:
    scenario = load_scenario(workspace, params["upload"])
    group = params.get("group") or None
    total = 1 if group else len(scenario.groups)
    progress = _Progress(folder, total)
    budgets = params.get("budgets")
    curve = planner.frontier(
        scenario, group=group, budgets=budgets, service_moves=bool(params.get("service_moves")),
        progress=progress,
    )  # fmt: skip
    planner.write_frontier(curve, folder / "workbook.xlsx")
    write_json(folder / "result.json", frontier_view(curve))
    for code in LANGUAGES:  # the page in the viewer's language (its moves' kind and marks)
        with using(code):
            write_json(folder / f"view-{code}.json", frontier_view(curve))
    progress.write(pgettext("progress", "done"), total)


KINDS = {"solve": _solve, "compare": _compare, "frontier": _frontier}


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie does not: its parent may never reap it)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False
    except OSError:  # no /proc (not Linux): ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def _exit_with_the_server(server_pid: int) -> None:
    """End this process when the server goes (killed, even with SIGKILL): a job is never left
    running on its own; after a restart it shows as interrupted. (The fork server, this
    process's parent, outlives the server while any of its children runs, so the server's own
    pid is watched.)"""

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if not _alive(server_pid):
                os._exit(3)

    threading.Thread(target=watch, name="planner-job-server-watch", daemon=True).start()


def run(
    root: str, job_id: str, server_pid: int | None = None, hold_write: str | None = None
) -> None:
    """Run one job of the workspace at `root` (the target of the worker process); end with the
    server whose pid is `server_pid`. `hold_write`: the server's PLANNER_TEST_HOLD_WRITE (the
    test hook that pauses a write mid-file), or None."""
    if hold_write:
        os.environ[HOLD_WRITE_ENVIRONMENT] = hold_write
    else:
        os.environ.pop(HOLD_WRITE_ENVIRONMENT, None)
    if server_pid is not None:
        _exit_with_the_server(server_pid)
    workspace = Workspace(root)
    folder = workspace.job_folder(job_id)
    job = read_json(folder / "job.json")
    try:
        with using(job.get("language")):  # a job queued before languages existed: the default
            KINDS[job["kind"]](workspace, folder, job["params"])
    except InputError as error:
        write_json(
            folder / "outcome.json",
            {"status": "failed", "error": str(error),
             "problems": [str(p) for p in error.problems]},
        )  # fmt: skip
        return
    except Exception as error:  # noqa: BLE001 - the job fails, the server and other jobs go on
        write_json(
            folder / "outcome.json",
            {"status": "failed", "error": f"{type(error).__name__}: {error}",
             "traceback": traceback.format_exc()},
        )  # fmt: skip
        return
    write_json(folder / "outcome.json", {"status": "done"})
