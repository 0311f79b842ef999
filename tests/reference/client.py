"""The parent side of the exact reference: a long-lived CP-SAT worker process and its answers.

OR-Tools and highspy cannot be imported in one process (OR-Tools ships its own HiGHS), so CP-SAT
runs in tests/reference/worker.py, started once with this interpreter and fed one group problem per
line. Every plan the worker returns is re-evaluated here in exact fractions (problem.evaluate): it
must respect every rule and reach the value and moves the worker claims, so a scaling mistake in the
worker shows as an error, not as a wrong reference. What rests on CP-SAT alone is the proof that no
better plan exists.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from planner.domain import Scenario

from .problem import GroupProblem, PlanValue, evaluate, group_problem

WORKER = Path(__file__).with_name("worker.py")
TIME_LIMIT = float(os.environ.get("REFERENCE_TIME_LIMIT", "60"))  # seconds of CP-SAT per case
WORKERS = int(os.environ.get("REFERENCE_WORKERS", "1"))  # CP-SAT threads (1: deterministic)
NEAR = Fraction(1, 10**6)  # the engine certifies its optimum to one part in a million


class ReferenceError(RuntimeError):
    """The worker failed, or returned a plan that does not check out."""


@dataclass(frozen=True)
class GroupAnswer:
    """The exact lexicographic optimum of one group, or why there is none."""

    group: str
    status: str  # "optimal", "infeasible", "timeout" (not finished in time), "overflow"
    best: Fraction | None = None  # t* (minmax) or the smallest total deviation (balance)
    fewest_moves: int | None = None  # fewest staff moved + services moved at `best`
    plan: tuple[dict, dict] | None = None  # one plan at `best` with `fewest_moves`
    detail: str = ""
    seconds: float = 0.0
    calls: int = 0

    @property
    def decided(self) -> bool:
        return self.status in ("optimal", "infeasible")


class Reference:
    """A running worker; `solve_group` sends one problem and waits for its exact answer."""

    def __init__(self, time_limit: float = TIME_LIMIT, workers: int = WORKERS):
        self.time_limit = time_limit
        self.workers = workers
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        self._process = subprocess.Popen(
            [sys.executable, "-u", str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self._stderr: list[str] = []
        self._reader = threading.Thread(target=self._drain_stderr, daemon=True)
        self._reader.start()
        self._lock = threading.Lock()

    def _drain_stderr(self) -> None:
        for line in self._process.stderr:
            self._stderr.append(line)
            del self._stderr[:-50]

    def _ask(self, request: dict) -> dict:
        with self._lock:
            if self._process.poll() is not None:
                raise ReferenceError(f"worker exited: {''.join(self._stderr)}")
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            line = self._process.stdout.readline()
        if not line:
            raise ReferenceError(f"worker died: {''.join(self._stderr)}")
        answer = json.loads(line)
        if answer["status"] == "error":
            raise ReferenceError(f"worker error: {answer['detail']}")
        return answer

    def close(self) -> None:
        if self._process.poll() is None:
            try:
                self._process.stdin.write(json.dumps({"op": "quit"}) + "\n")
                self._process.stdin.flush()
                self._process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if not stream.closed:
                stream.close()
        self._reader.join(timeout=5)
        self._process.stderr.close()

    def __enter__(self) -> Reference:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- questions --------------------------------------------------------------------------------

    def solve_group(self, scenario_or_problem: Scenario | GroupProblem, group: str | None = None):
        """The exact optimum and fewest moves of one group, every returned plan re-checked."""
        g = _problem(scenario_or_problem, group)
        answer = self._ask(
            {
                "op": "solve",
                "problem": g.to_json(),
                "time_limit": self.time_limit,
                "workers": self.workers,
            }
        )
        return self._checked(g, answer, best=None)

    def fewest_moves_within(self, g: GroupProblem, threshold: Fraction) -> GroupAnswer:
        """The fewest moves among plans whose objective is at most `threshold`."""
        answer = self._ask(
            {
                "op": "fewest_moves",
                "problem": g.to_json(),
                "threshold": str(threshold),
                "time_limit": self.time_limit,
                "workers": self.workers,
            }
        )
        return self._checked(g, answer, best=threshold)

    def solve(self, scenario: Scenario) -> dict[str, GroupAnswer]:
        return {group: self.solve_group(scenario, group) for group in scenario.groups}

    def _checked(self, g: GroupProblem, answer: dict, best: Fraction | None) -> GroupAnswer:
        common = {
            "group": g.group,
            "status": answer["status"],
            "detail": answer.get("detail", ""),
            "seconds": answer.get("seconds", 0.0),
            "calls": answer.get("calls", 0),
        }
        if answer["status"] != "optimal":
            return GroupAnswer(**common)
        plan = g.plan_from_json(answer["headcount"], answer["unit_of"])
        value = evaluate(g, *plan)
        claimed = Fraction(answer["best"]) if "best" in answer else None
        _check_plan(g, value, claimed if best is None else best, answer["fewest_moves"], exact=best)
        return GroupAnswer(
            **common,
            best=claimed if claimed is not None else value.objective(g.objective),
            fewest_moves=answer["fewest_moves"],
            plan=plan,
        )


def _problem(scenario_or_problem, group):
    if isinstance(scenario_or_problem, GroupProblem):
        return scenario_or_problem
    return group_problem(scenario_or_problem, group)


def _check_plan(g: GroupProblem, value: PlanValue, best, moves: int, exact) -> None:
    if value.broken:
        raise ReferenceError(f"{g.group}: the reference's plan breaks {value.broken}")
    reached = value.objective(g.objective)
    if exact is None and reached != best:
        raise ReferenceError(f"{g.group}: the reference's plan reaches {reached}, not {best}")
    if exact is not None and reached > best:
        raise ReferenceError(f"{g.group}: the reference's plan reaches {reached} > {best}")
    if value.moves != moves:
        raise ReferenceError(f"{g.group}: the reference's plan moves {value.moves}, not {moves}")
