"""solve(scenario) -> Result: every group optimised, explained, checked, and put in one Result.

Groups are independent pools, solved one after another or in a process pool. Each plan is checked by
verify.py, which does not use the model; a failed check raises VerificationError instead of being
reported as an answer.
"""

from __future__ import annotations

import dataclasses
import math
import os
import signal
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from planner.checks import validate_scenario
from planner.domain import CoefficientMode, DecisionKind, Scenario
from planner.engine.explain import explain_infeasible
from planner.engine.group import GroupData, group_data
from planner.engine.plan import Plan, current_plan, max_coefficient, plan_load
from planner.engine.search import GroupSearch, search_group
from planner.engine.sensitivity import group_sensitivity
from planner.engine.transfers import pair_transfers
from planner.engine.verify import PlanFigures, verify_group
from planner.errors import InputError, VerificationError
from planner.i18n import _, language, ngettext, pinned, using
from planner.result import (
    NEW_HIRES,
    Assignment,
    Check,
    CheckCode,
    GroupReport,
    GroupResult,
    Proposal,
    Reassignment,
    Result,
    SensitivityItem,
    SolveReport,
    StaffRow,
    Status,
    StopReason,
    Transfer,
    UnitRow,
)
from planner.workbook.decision_rules import decision_problems, resolve_skills
from planner.workbook.distance_rules import distance_problems

Progress = Callable[[str], None]


class Step(str):
    """A progress message that carries its counter: `done` of `total` (groups solved, options
    started). A reader of progress that needs the numbers (the web workspace's bar) takes them
    from here, never from the words, which are in the reader's language; being a str, the
    message shows as before wherever text is shown."""

    done: int
    total: int

    def __new__(cls, text: str, done: int, total: int) -> Step:
        step = super().__new__(cls, text)
        step.done, step.total = done, total
        return step

    def __reduce__(self) -> tuple[type[Step], tuple[str, int, int]]:
        return (Step, (str(self), self.done, self.total))


@dataclass
class _GroupOutcome:
    search: GroupSearch
    explanation: tuple[str, ...]
    sensitivity: tuple[SensitivityItem, ...]


def _solve_group_speaking(language: str, data: GroupData, with_sensitivity: bool) -> _GroupOutcome:
    # A worker process does not inherit the caller's context: its explanations and sensitivity
    # sentences are written in the language it is handed.
    with using(language):
        return _solve_group(data, with_sensitivity)


def _solve_group(data: GroupData, with_sensitivity: bool) -> _GroupOutcome:
    limit = data.settings.time_limit
    # One time limit per group: the sensitivity re-solves share what the search left of it.
    deadline = None if limit is None else time.perf_counter() + limit
    search = search_group(data)
    explanation: tuple[str, ...] = ()
    sensitivity: tuple[SensitivityItem, ...] = ()
    if search.status is Status.INFEASIBLE:
        explanation = explain_infeasible(data)
    elif search.status is Status.UNKNOWN:
        explanation = tuple(search.notes)
    if (
        with_sensitivity
        and search.status is Status.OPTIMAL
        and data.settings.objective.minimises_the_maximum
        and search.plan is not None
        and search.objective_value is not None
    ):
        sensitivity = group_sensitivity(data, search.plan, search.objective_value, deadline)
    return _GroupOutcome(search, explanation, sensitivity)


# A scenario this small is solved in this process unless asked otherwise: starting a pool and
# sending it the groups (about 0.1-0.3 s) costs more than such a scenario takes to solve.
PARALLEL_MIN_SERVICES = 2_000


def default_processes(scenario: Scenario) -> int:
    """The processes solve() uses when not told: the cores this process may run on
    (os.sched_getaffinity, which honours taskset and container limits) for a scenario with at least
    PARALLEL_MIN_SERVICES services, else 1."""
    if len(scenario.services) < PARALLEL_MIN_SERVICES:
        return 1
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _size(data: GroupData) -> int:
    """How much work a group is likely to be: its services and its unit-skill cells."""
    return len(data.services) + int(data.start.size)


@pinned  # the locale looked up once: assembling a national result asks for thousands of words
def solve(
    scenario: Scenario,
    *,
    sensitivity: bool = True,
    processes: int | None = None,
    progress: Progress | None = None,
) -> Result:
    """Optimise every group of a scenario and return the checked Result.

    sensitivity: re-solve each optimal minmax group with its binding units and limits relaxed by one.
    processes: groups solved in parallel (1: in this process; None: default_processes); at most
    one worker per group, the largest groups started first. The Result is the same for any number
    of processes (each group is solved alone and deterministically; results are kept in group order).
    """
    started = time.perf_counter()
    progress = progress or (lambda message: None)
    # A Scenario built in code gets the same checks as one read from a workbook: a service at an
    # unknown unit would otherwise be dropped from its group and the plan "verified" without it.
    problems = validate_scenario(scenario)
    if scenario.decisions:
        problems.extend(decision_problems(scenario))
    if scenario.distances:
        problems.extend(distance_problems(scenario))
    if problems:
        raise InputError(problems)
    if processes is None:
        processes = default_processes(scenario)
    if scenario.decisions:
        return _solve_with_decisions(scenario, sensitivity, processes, progress)
    return _solve_checked(scenario, sensitivity, processes, progress, started)


def _solve_checked(
    scenario: Scenario, sensitivity: bool, processes: int, progress: Progress, started: float
) -> Result:
    """solve() of a scenario already checked."""
    groups = scenario.groups
    datas = [group_data(scenario, g) for g in groups]
    outcomes: dict[int, _GroupOutcome] = {}
    try:
        if processes > 1 and len(datas) > 1:
            # Never more workers than groups: each worker is a process with its own solver.
            workers = min(processes, len(datas))
            # Largest first: a large group started last would leave the other workers idle.
            order = sorted(range(len(datas)), key=lambda i: (-_size(datas[i]), i))
            pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupt)
            try:
                futures = {
                    pool.submit(_solve_group_speaking, language(), datas[i], sensitivity): i
                    for i in order
                }
                for future in as_completed(futures):
                    outcomes[futures[future]] = future.result()
                    progress(
                        Step(
                            _("groups solved: {done}/{count}").format(
                                done=len(outcomes), count=len(datas)
                            ),
                            len(outcomes),
                            len(datas),
                        )
                    )
            finally:
                # On Ctrl-C the workers got the signal too: do not wait for the groups queued.
                pool.shutdown(wait=len(outcomes) == len(datas), cancel_futures=True)
        else:
            for i, data in enumerate(datas):
                outcomes[i] = _solve_group(data, sensitivity)
                progress(
                    Step(
                        _("groups solved: {done}/{count} ({group})").format(
                            done=i + 1, count=len(datas), group=data.group
                        ),
                        i + 1,
                        len(datas),
                    )
                )
    except KeyboardInterrupt:
        if not outcomes:
            raise
        solved = sorted(outcomes)
        partial = assemble_result(
            scenario, [datas[i] for i in solved], [outcomes[i] for i in solved],
            time.perf_counter() - started,
        )  # fmt: skip
        note = ngettext(
            "Interrupted (Ctrl-C) after {solved} of {count} group: the other {missing} groups were not "
            "solved and are not in this result.",
            "Interrupted (Ctrl-C) after {solved} of {count} groups: the other {missing} groups were not "
            "solved and are not in this result.",
            len(datas),
        ).format(solved=len(solved), count=len(datas), missing=len(datas) - len(solved))
        raise SolveInterrupted(dataclasses.replace(partial, notes=(note, *partial.notes))) from None
    ordered = [outcomes[i] for i in range(len(datas))]
    return assemble_result(scenario, datas, ordered, time.perf_counter() - started)


def _solve_with_decisions(
    scenario: Scenario, sensitivity: bool, processes: int, progress: Progress
) -> Result:
    """The plan that keeps the planner's decisions ("final"), with the plan the planner proposes
    without them ("auto") beside it: the same scenario solved twice."""
    decided = dataclasses.replace(scenario, decisions=resolve_skills(scenario))
    started = time.perf_counter()
    auto = _solve_checked(dataclasses.replace(scenario, decisions=()), False, processes,
                          progress, started)  # fmt: skip
    final = _solve_checked(decided, sensitivity, processes, progress, time.perf_counter())
    proposal = Proposal(auto.status, auto.max_coefficient_after, auto.staff, auto.transfers,
                        auto.reassignments)  # fmt: skip
    return dataclasses.replace(final, proposal=proposal)


def result_for_plans(
    scenario: Scenario,
    plans: Mapping[str, Plan],
    *,
    reason: StopReason,
    notes: Mapping[str, tuple[str, ...]] | None = None,
    reports: Mapping[str, GroupReport] | None = None,
) -> Result:
    """The checked Result of plans found another way than `solve` (a robust plan): each group's
    plan is verified independently and its figures computed exactly as for solve(). A group with
    a plan is `feasible` with `reason` (the plan is not claimed optimal for the scenario's own
    volumes); a group without one is `unknown`, with its note as the explanation. reports: the
    solver effort and faults of the search that found each group's plan."""
    started = time.perf_counter()
    notes = notes or {}
    reports = reports or {}
    datas = [group_data(scenario, g) for g in scenario.groups]
    outcomes = []
    for data in datas:
        plan = plans.get(data.group)
        said = tuple(notes.get(data.group, ()))
        minmax = data.settings.objective.minimises_the_maximum
        value = max_coefficient(data, plan) if plan is not None and minmax else None
        search = GroupSearch(
            status=Status.FEASIBLE if plan is not None else Status.UNKNOWN,
            plan=plan,
            objective_value=value,
            lower_bound=None,
            gap=None,
            stop_reason=reason,
            report=reports.get(data.group, GroupReport()),
            notes=said,
        )
        outcomes.append(_GroupOutcome(search, () if plan is not None else said, ()))
    return assemble_result(scenario, datas, outcomes, time.perf_counter() - started)


def _ignore_interrupt() -> None:
    """In a worker process: Ctrl-C is for the parent, which keeps the groups solved and cancels
    the rest (a worker stopped mid-group would only print its own traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class SolveInterrupted(KeyboardInterrupt):
    """Ctrl-C during solve() after some groups were solved: `result` holds those groups (its
    scenario lists every group; the missing ones were not run, and its notes say so). A
    KeyboardInterrupt, so code that does not look for it stops as before."""

    def __init__(self, result: Result) -> None:
        super().__init__(f"interrupted after {len(result.groups)} groups")
        self.result = result


def assemble_result(
    scenario: Scenario, datas: list[GroupData], outcomes: list[_GroupOutcome], seconds: float
) -> Result:
    """Records, checks and figures of every group, in one Result."""
    group_results, unit_rows, staff_rows = [], [], []
    assignments, transfers, reassignments, checks = [], [], [], []
    for data, outcome in zip(datas, outcomes, strict=True):
        search = outcome.search
        before = current_plan(data)
        # "Before" is the published state: current staff, without a variant's new hires.
        before_headcount = data.current
        load_before = plan_load(data, before)
        coefficient_before = max_coefficient(data, _with_headcount(before, before_headcount))
        plan = search.plan
        staff_moved, services_moved = 0, 0.0
        if plan is not None:
            staff_moved = int(np.maximum(plan.headcount - data.start, 0).sum())
            services_moved = float((1.0 - plan.home_shares(data)).sum())
        max_after = max_coefficient(data, plan) if plan is not None else None
        load_after = plan_load(data, plan) if plan is not None else None
        # Per-unit sums once as arrays, then read as Python numbers: numpy calls per unit cost
        # a national result a fifth of a second. Each figure is the same IEEE arithmetic as
        # per unit (row sums of the same rows; products and quotients element by element).
        headcount_before = before_headcount.sum(axis=1)
        load_before_units = load_before.sum(axis=1)
        ratio_before = [
            _ratio(load, capacity)
            for load, capacity in zip(
                load_before_units, headcount_before * data.capacity_per_employee, strict=True
            )
        ]
        if plan is not None and load_after is not None:
            headcount_after = plan.headcount.sum(axis=1)
            load_after_units = load_after.sum(axis=1)
            ratio_after: list[float | None] = [
                _ratio(load, capacity)
                for load, capacity in zip(
                    load_after_units, headcount_after * data.capacity_per_employee, strict=True
                )
            ]
            after_counts, after_loads = headcount_after.tolist(), load_after_units.tolist()
            after_cells = plan.headcount.tolist()
        else:
            ratio_after = [None] * len(data.units)
            after_counts, after_loads = headcount_before.tolist(), load_before_units.tolist()
            after_cells = data.start.tolist()
        before_counts, before_loads = headcount_before.tolist(), load_before_units.tolist()
        before_cells, hire_cells = before_headcount.tolist(), data.hires.tolist()
        for u, unit in enumerate(data.units):
            unit_rows.append(
                UnitRow(
                    unit.unit_id,
                    unit.label,
                    unit.level,
                    unit.parent,
                    data.group,
                    int(before_counts[u]),
                    int(after_counts[u]),
                    float(before_loads[u]),
                    float(after_loads[u]),
                    ratio_before[u],
                    ratio_after[u],
                )  # fmt: skip
            )
            for k, skill in enumerate(data.skills):
                had, after, hired = before_cells[u][k], after_cells[u][k], hire_cells[u][k]
                if had or after or hired:
                    staff_rows.append(
                        StaffRow(unit.unit_id, skill, int(had), int(after), int(hired))
                    )
        if plan is not None and max_after is not None:
            shares_of = _assignment_map(data, plan)
            assignments.extend(_assignments(shares_of))
            reassignments.extend(_reassignments(data, plan))
            group_transfers = _transfers(data, plan)
            transfers.extend(group_transfers)
            check_started = time.perf_counter()
            group_checks = verify_group(
                scenario,
                data.group,
                {
                    (unit.unit_id, skill): int(plan.headcount[u, k])
                    for u, unit in enumerate(data.units)
                    for k, skill in enumerate(data.skills)
                },
                shares_of,
                PlanFigures(max_after, staff_moved, services_moved),
                [(t.source, t.target, t.skill, t.employees)
                 for t in group_transfers if t.source != NEW_HIRES],
            )  # fmt: skip
            check_seconds = time.perf_counter() - check_started
            failed = [c for c in group_checks if not c.passed]
            if failed:
                raise VerificationError(
                    _(
                        "group {group}: the plan failed the independent check (a bug in planner, "
                        "please report it): {failed}"
                    ).format(
                        group=data.group, failed="; ".join(f"{c.name}: {c.detail}" for c in failed)
                    )
                )
            checks.extend(group_checks)
        else:
            check_seconds = 0.0
            checks.append(
                Check.of(data.group, CheckCode.PLAN_EXISTS, False, "; ".join(outcome.explanation))
            )
        group_results.append(
            GroupResult(
                group=data.group,
                status=search.status,
                max_coefficient_before=coefficient_before,
                max_coefficient_after=max_after,
                lower_bound=search.lower_bound,
                objective_value=search.objective_value,
                gap=search.gap,
                staff_moved=staff_moved,
                services_moved=services_moved,
                employees=int(data.start.sum()),
                report=dataclasses.replace(search.report, check_seconds=check_seconds),
                explanation=outcome.explanation,
                notes=search.notes,
                sensitivity=outcome.sensitivity,
                stop_reason=search.stop_reason,
            )
        )
    statuses = {g.status for g in group_results}
    if Status.INFEASIBLE in statuses:
        status = Status.INFEASIBLE
    elif Status.UNKNOWN in statuses:
        status = Status.UNKNOWN
    elif Status.FEASIBLE in statuses:
        status = Status.FEASIBLE
    else:
        status = Status.OPTIMAL
    return Result(
        scenario=scenario,
        status=status,
        groups=tuple(group_results),
        units=tuple(unit_rows),
        staff=tuple(staff_rows),
        assignments=tuple(assignments),
        transfers=tuple(transfers),
        reassignments=tuple(reassignments),
        checks=tuple(checks),
        report=SolveReport(
            solver=scenario.settings.solver,
            solved_at=datetime.now(UTC).isoformat(timespec="seconds"),
            seconds=seconds,
            groups=tuple(g.report for g in group_results),
        ),
    )


def _with_headcount(plan, headcount):

    return Plan(headcount, plan.assignment)


def _ratio(load: float, capacity: float) -> float:
    if capacity > 0:
        return float(load / capacity)
    return math.inf if load > 0 else 0.0


def _shares(plan: Plan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(services, units, shares) of every share above 1e-9, by service then unit: one scan of
    the sparse matrix (a scan per service cost 57,000 numpy calls nationally)."""
    matrix = plan.assignment.tocoo()  # a Plan's matrix is canonical CSR: row-major, sorted
    services, units = matrix.coords
    keep = matrix.data > 1e-9
    return services[keep], units[keep], matrix.data[keep]


def _assignment_map(data: GroupData, plan) -> dict[str, dict[str, float]]:
    """Service id -> {unit id: share} of every share above 1e-9, services and units in order."""
    services, units, shares = _shares(plan)
    service_ids = [data.services[s].service_id for s in services.tolist()]
    unit_ids = [data.units[u].unit_id for u in units.tolist()]
    result: dict[str, dict[str, float]] = {s.service_id: {} for s in data.services}
    for service_id, unit_id, share in zip(service_ids, unit_ids, shares.tolist(), strict=True):
        result[service_id][unit_id] = float(share)
    return result


def _assignments(shares_of: dict[str, dict[str, float]]) -> list[Assignment]:
    return [
        Assignment(service_id, unit_id, share)
        for service_id, shares in shares_of.items()
        for unit_id, share in sorted(shares.items())
    ]


def _reassignments(data: GroupData, plan) -> list[Reassignment]:
    rows = []
    services, units, shares = _shares(plan)
    away = units != data.service_unit[services]
    for s, u, share in zip(
        services[away].tolist(), units[away].tolist(), shares[away].tolist(), strict=True
    ):
        service = data.services[s]
        rows.append(
            Reassignment(
                service.service_id,
                service.unit_id,
                data.units[u].unit_id,
                share,
                share * float(data.weight[s]),
            )  # fmt: skip
        )
    return rows


def _transfers(data: GroupData, plan: Plan) -> list[Transfer]:
    rows: list[Transfer] = []
    for k, skill in enumerate(data.skills):
        change = plan.headcount[:, k] - data.start[:, k]
        losses = {data.units[u].unit_id: int(-change[u]) for u in np.flatnonzero(change < 0)}
        gains = {data.units[u].unit_id: int(change[u]) for u in np.flatnonzero(change > 0)}
        pinned, forbidden = _transfer_decisions(data, skill)
        cost = _transfer_distances(data)
        rows.extend(
            Transfer(a, b, skill, n, None if cost is None else cost[(a, b)])
            for a, b, n in pair_transfers(losses, gains, pinned, forbidden, cost)
        )
        for u in np.flatnonzero(data.hires[:, k] > 0):
            rows.append(Transfer(NEW_HIRES, data.units[u].unit_id, skill, int(data.hires[u, k])))
    return rows


def _transfer_distances(data: GroupData) -> dict[tuple[str, str], float] | None:
    """(from, to) -> distance of the transfers the group allows (none beyond the longest
    transfer, none without a distance), or None without a Distances sheet."""
    if data.distance is None:
        return None
    longest = data.settings.longest_transfer
    ids = [u.unit_id for u in data.units]
    return {
        (ids[a], ids[b]): float(data.distance[a, b])
        for a in range(len(ids))
        for b in range(len(ids))
        if a != b
        and math.isfinite(data.distance[a, b])
        and (longest is None or data.distance[a, b] <= longest)
    }


def _transfer_decisions(
    data: GroupData, skill: str
) -> tuple[dict[tuple[str, str], int], set[tuple[str, str]]]:
    """The pinned (from, to) -> employees and the forbidden (from, to) of one skill."""
    pinned: dict[tuple[str, str], int] = {}
    forbidden: set[tuple[str, str]] = set()
    for d in data.decisions:
        if d.kind.is_transfer and d.to_unit is not None and d.skill in (None, skill):
            if d.kind is DecisionKind.PIN_TRANSFER:
                pinned[(d.unit_id, d.to_unit)] = d.employees or 0
            else:
                forbidden.add((d.unit_id, d.to_unit))
    return pinned, forbidden


__all__ = [
    "solve", "SolveInterrupted", "CoefficientMode", "default_processes", "result_for_plans",
]  # fmt: skip
