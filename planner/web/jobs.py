"""Background jobs: a queue and a bounded set of worker processes, one process per job.

Each job runs in its own process (planner.web.worker.run), at most `workers` at a time; the rest
wait in a queue whose position is shown. A job's process is ended by cancel (terminate, then
kill) or when it runs past its time limit, so a stopped job really stops, and a crash or timeout
in one job never touches another or the server. The state of every job is `job.json` in its
folder, written only here; after a restart, jobs that were queued or running show as
`interrupted` and can be rerun.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

from planner.i18n import N_, NP_, _, language, pgettext
from planner.web.workspace import UnknownId, Workspace, now, read_json, write_json
from planner.xlsx.files import HOLD_WRITE_ENVIRONMENT

__all__ = ["FINAL", "JobManager", "JobState", "status_word"]

# A job's status: these English words in job.json and the API, pgettext("job", ...) on a page.
QUEUED, RUNNING, DONE, FAILED = (
    NP_("job", "queued"), NP_("job", "running"), NP_("job", "done"), NP_("job", "failed")
)  # fmt: skip
CANCELLED, TIMED_OUT, INTERRUPTED = NP_("job", "cancelled"), NP_("job", "timed out"), NP_(
    "job", "interrupted"
)  # fmt: skip
FINAL = frozenset({DONE, FAILED, CANCELLED, TIMED_OUT, INTERRUPTED})
KILL_GRACE = 2.0  # seconds between terminate and kill
# Why the server ended a job, kept in job.json as the English message and its arguments
# ("error_message"), so that each viewer reads it in their own language.
STOPPED_RUNNING = N_("the server stopped before this job finished; rerun it")
STOPPED_QUEUED = N_("the server stopped before this job started; rerun it")
TIMED_OUT_AFTER = N_("stopped after its time limit of {seconds} s")
WORKER_DIED = N_("the worker process stopped unexpectedly (exit code {code})")
CANCELLED_WORDS = N_("cancelled")


def status_word(state: JobState) -> str:
    """The job's status in the current language (queued, running, done, ...)."""
    return pgettext("job", state.status)


def _error(message: str, **arguments: Any) -> dict[str, Any]:
    """The job.json fields of an error the server gives: the English text (the API's `error`
    of old) and the message with its arguments, translated when it is shown."""
    return {"error": message.format(**arguments),
            "error_message": {"id": message, "arguments": arguments}}  # fmt: skip


def _error_text(job: dict[str, Any]) -> str | None:
    """A job's error in the current language: the server's own messages translated, a worker's
    (already in the job's language) as written."""
    message = job.get("error_message")
    if isinstance(message, dict) and isinstance(message.get("id"), str):
        return _(message["id"]).format(**message.get("arguments", {}))
    return job["error"]


@dataclass(frozen=True)
class JobState:
    """A job as the pages and the API show it."""

    job_id: str
    kind: str
    params: dict[str, Any]
    status: str
    created: str
    started: str | None
    finished: str | None
    error: str | None
    problems: tuple[str, ...]
    progress: dict[str, Any] | None
    position: int | None  # place in the queue, 1 = next
    label: str
    pid: int | None = None  # the worker process while it runs

    @property
    def final(self) -> bool:
        return self.status in FINAL

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.job_id,
            "kind": self.kind,
            "label": self.label,
            "status": self.status,
            "created": self.created,
            "started": self.started,
            "finished": self.finished,
            "position": self.position,
            "progress": self.progress,
            "error": self.error,
            "problems": list(self.problems),
            "params": self.params,
            "pid": self.pid,
        }


class JobManager:
    """The queue and the worker processes of one workspace."""

    def __init__(self, workspace: Workspace, *, workers: int = 2, job_timeout: float = 1800.0):
        self.workspace = workspace
        self.workers = max(1, workers)
        self.job_timeout = job_timeout
        self._context = multiprocessing.get_context("forkserver")
        # Workers fork from a server process that has already imported the planner (fast start).
        self._context.set_forkserver_preload(["planner.web.worker"])
        self._lock = threading.Condition()
        self._queue: deque[str] = deque()
        self._running: dict[str, tuple[BaseProcess, float]] = {}
        self._stopping = False
        self._recover()
        self._thread = threading.Thread(target=self._loop, name="planner-jobs", daemon=True)
        self._thread.start()

    # --- state on disk ---------------------------------------------------------------------------

    def _job_path(self, job_id: str):
        return self.workspace.job_folder(job_id) / "job.json"

    def _update(self, job_id: str, **changes: Any) -> None:
        path = self._job_path(job_id)
        job = read_json(path)
        job.update(changes)
        write_json(path, job)

    def _recover(self) -> None:
        """Jobs left queued or running by a server that stopped are interrupted (or done, when
        the worker finished its outcome before the server went)."""
        for job_id in self.workspace.job_ids():
            job = read_json(self._job_path(job_id))
            if job["status"] in (QUEUED, RUNNING):
                outcome = self._outcome(job_id)
                if outcome is not None:
                    self._update(job_id, status=outcome["status"], finished=now(),
                                 error=outcome.get("error"), problems=outcome.get("problems", []))  # fmt: skip
                else:
                    self._update(job_id, status=INTERRUPTED, finished=now(),
                                 **_error(STOPPED_RUNNING))  # fmt: skip

    def _outcome(self, job_id: str) -> dict[str, Any] | None:
        path = self.workspace.job_folder(job_id) / "outcome.json"
        return read_json(path) if path.is_file() else None

    # --- the public interface --------------------------------------------------------------------

    def submit(self, kind: str, params: dict[str, Any], label: str) -> str:
        """Queue a job; returns its id."""
        job_id = self.workspace.new_job_id()
        folder = self.workspace.jobs / job_id
        folder.mkdir()
        write_json(
            folder / "job.json",
            # The language of the request that asked: the worker writes its result in it.
            {"kind": kind, "params": params, "label": label, "language": language(),
             "status": QUEUED, "created": now(),
             "started": None, "finished": None, "error": None, "problems": []},
        )  # fmt: skip
        with self._lock:
            self._queue.append(job_id)
            self._lock.notify_all()
        return job_id

    def state(self, job_id: str) -> JobState:
        """A job's state; UnknownId for an id that names no job."""
        job = read_json(self._job_path(job_id))
        folder = self.workspace.job_folder(job_id)
        progress_path = folder / "progress.json"
        progress = None
        if progress_path.is_file():
            try:
                progress = read_json(progress_path)
            except ValueError:  # pragma: no cover - written atomically; kept for safety
                progress = None
        with self._lock:
            position = self._queue.index(job_id) + 1 if job_id in self._queue else None
        return JobState(
            job_id, job["kind"], job["params"], job["status"], job["created"], job["started"],
            job["finished"], _error_text(job), tuple(job.get("problems", [])), progress, position,
            job.get("label", job["kind"]), job.get("pid"),
        )  # fmt: skip

    def states(self) -> list[JobState]:
        """Every job, newest first."""
        found = []
        for job_id in self.workspace.job_ids():
            try:
                found.append(self.state(job_id))
            except (UnknownId, ValueError, KeyError):
                continue
        return sorted(found, key=lambda s: (s.created, s.job_id), reverse=True)

    def cancel(self, job_id: str) -> JobState:
        """Stop a queued or running job (its process is ended); a finished job is left as is."""
        self.workspace.job_folder(job_id)
        process = None
        with self._lock:
            if job_id in self._queue:
                self._queue.remove(job_id)
                self._update(job_id, status=CANCELLED, finished=now(), **_error(CANCELLED_WORDS))
            elif job_id in self._running:
                process, _deadline = self._running.pop(job_id)
                self._update(job_id, status=CANCELLED, finished=now(), **_error(CANCELLED_WORDS))
        if process is not None:
            _stop(process)
        return self.state(job_id)

    def rerun(self, job_id: str) -> str:
        """A new job with the same kind and parameters as a finished one."""
        state = self.state(job_id)
        return self.submit(state.kind, state.params, state.label)

    def shutdown(self) -> None:
        """Stop the dispatcher and every running job; queued and running jobs stay interrupted."""
        with self._lock:
            self._stopping = True
            running = list(self._running.items())
            self._running.clear()
            queued = list(self._queue)
            self._queue.clear()
            self._lock.notify_all()
        for job_id, (process, _deadline) in running:
            _stop(process)
            self._update(job_id, status=INTERRUPTED, finished=now(), **_error(STOPPED_RUNNING))
        for job_id in queued:
            self._update(job_id, status=INTERRUPTED, finished=now(), **_error(STOPPED_QUEUED))
        self._thread.join(timeout=5)

    @property
    def running(self) -> int:
        with self._lock:
            return len(self._running)

    @property
    def queued(self) -> int:
        with self._lock:
            return len(self._queue)

    # --- the dispatcher --------------------------------------------------------------------------

    def _loop(self) -> None:
        # Start the fork server now (it imports the planner once, about a second), not with the
        # first job.
        warm_up = self._context.Process(target=_ready, name="planner-job-warm-up")
        warm_up.start()
        warm_up.join(timeout=60)
        while True:
            with self._lock:
                if self._stopping:
                    return
                self._reap()
                while self._queue and len(self._running) < self.workers:
                    job_id = self._queue.popleft()
                    self._start(job_id)
                self._lock.wait(timeout=0.1)

    def _start(self, job_id: str) -> None:
        from planner.web import worker

        process = self._context.Process(
            target=worker.run,
            args=(str(self.workspace.root), job_id, os.getpid()),
            # The fork server keeps the environment of its start: the test hook that holds a
            # write is handed to each job as the server has it now.
            kwargs={"hold_write": os.environ.get(HOLD_WRITE_ENVIRONMENT)},
            name=f"planner-job-{job_id}",
        )
        process.start()
        self._update(job_id, status=RUNNING, started=now(), pid=process.pid)
        self._running[job_id] = (process, time.monotonic() + self.job_timeout)

    def _reap(self) -> None:
        for job_id, (process, deadline) in list(self._running.items()):
            if process.is_alive():
                if time.monotonic() > deadline:
                    del self._running[job_id]
                    _stop(process)
                    self._update(job_id, status=TIMED_OUT, finished=now(),
                                 **_error(TIMED_OUT_AFTER, seconds=f"{self.job_timeout:g}"))  # fmt: skip
                continue
            del self._running[job_id]
            process.join()
            outcome = self._outcome(job_id)
            if outcome is None:
                self._update(job_id, status=FAILED, finished=now(),
                             **_error(WORKER_DIED, code=process.exitcode))  # fmt: skip
            else:
                self._update(job_id, status=outcome["status"], finished=now(),
                             error=outcome.get("error"), error_message=None,
                             problems=outcome.get("problems", []))  # fmt: skip


def _ready() -> None:
    """The warm-up process: nothing to do."""


def _stop(process: BaseProcess) -> None:
    process.terminate()
    process.join(KILL_GRACE)
    if process.is_alive():
        process.kill()
        process.join(KILL_GRACE)
