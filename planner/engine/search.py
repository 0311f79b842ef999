"""Lexicographic optimisation of one group: first the objective (minmax or balance), then the fewest
moves among plans that reach it, each step certified.

Stage 1 is the minmax bisection (bracket.py) or the least total deviation from the skill means;
stage 2 fixes the objective at its optimum (load rows at t*, or a row capping the deviation) and
minimises the moves. A minimum is reported only when two solver configurations agree on it and no
checked point beats it (SolverSession.least); a checked plan below the bound stage 1 proved means
both configurations behind that bound were wrong (a fault, never a certificate). The outcome is an
immutable GroupSearch: what was found, what is proven, why the proof stopped, and how it was found.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from planner.display import significant
from planner.domain import Objective
from planner.engine.bracket import Bracket, GroupSolver
from planner.engine.counting import StaffOnlyOptimum, solve_staff_only
from planner.engine.group import GroupData
from planner.engine.model import RowFamily, balance_scale
from planner.engine.panel import FaultKind, SolverFault, no_plan_claim
from planner.engine.plan import Plan, max_coefficient, plan_load, skill_means, total_deviation
from planner.engine.session import (
    RELATIVE_TOLERANCE,
    BudgetKind,
    Progress,
    SearchStopped,
    plan_from_values,
    point_of_plan,
)
from planner.i18n import _, ngettext
from planner.result import GroupReport, Status, StopReason


@dataclass(frozen=True)
class GroupSearch:
    """What the search found for one group, with the evidence for it and how it was found."""

    status: Status
    plan: Plan | None
    objective_value: float | None  # t* (minmax) or total deviation (balance)
    lower_bound: float | None  # proven: no plan does better than this
    gap: float | None  # relative, between the plan and the proven bound
    stop_reason: StopReason | None  # why the proof stopped short of `optimal`
    report: GroupReport
    notes: tuple[str, ...] = ()
    faults: tuple[SolverFault, ...] = ()


def _outcome(
    solver: GroupSolver,
    status: Status,
    plan: Plan | None = None,
    objective_value: float | None = None,
    lower_bound: float | None = None,
    gap: float | None = None,
    stop_reason: StopReason | None = None,
) -> GroupSearch:
    """The search's answer with the session's record: notes, faults and effort."""
    faults = tuple(solver.panel.faults)
    return GroupSearch(
        status, plan, objective_value, lower_bound, gap, stop_reason, solver.report(),
        tuple(solver.notes) + tuple(f.sentence() for f in faults), faults,
    )  # fmt: skip


def _fewest_moves(
    solver: GroupSolver, fallback: Plan
) -> tuple[Plan, bool, StopReason | None, float | None]:
    """Among plans satisfying the model as it stands, one with the fewest moves, starting from
    `fallback` (a plan that satisfies it)."""
    solver.backend.set_objective(solver.group_model.moves_objective())
    least = solver.least(
        fallback, integral=not solver.settings.split_services, what=_("fewest moves")
    )
    plan = plan_from_values(solver.group_model, least.point)
    if solver.group_model.flows.cols and solver.data.distance is not None:
        return _least_distance(solver, plan, least.proven, least.stop, least.gap)
    return plan, least.proven, least.stop, least.gap


def _least_distance(
    solver: GroupSolver, plan: Plan, proven: bool, stop: StopReason | None, gap: float | None
) -> tuple[Plan, bool, StopReason | None, float | None]:
    """The distance stage (Distances sheet): among plans keeping the model as it stands and the
    fewest moves just found, the least total distance of the transfers, certified as the moves
    are (SolverSession.least). The moves of `plan` stay the cap of the stage, and the cap is
    lifted afterwards, so later solves of this model see it as it was."""
    group_model = solver.group_model
    moves = group_model.moves_objective()
    cols = [int(c) for c in np.flatnonzero(moves)]
    fewest = float(moves @ point_of_plan(group_model, plan))
    if not cols or fewest == 0:
        return plan, proven, stop, gap
    solver.progress(_("group {group}: {moves} moves, least total distance").format(
        group=solver.data.group, moves=significant(fewest)))  # fmt: skip
    # Whole moves: the cap sits half a move above, so that tolerance cannot change the count.
    cap = solver.backend.add_row("fewest_moves_kept", cols, [1.0] * len(cols), -np.inf,
                                 fewest + 0.5)  # fmt: skip
    solver.backend.set_objective(group_model.distance_objective())
    least = solver.least(plan, integral=False, what=_("least total distance"))
    solver.backend.set_row_bounds(cap, -np.inf, np.inf)
    nearest = plan_from_values(group_model, least.point)
    if float(moves @ point_of_plan(group_model, nearest)) > fewest + 0.5:
        solver.notes.append(_("the distance stage returned more moves; kept the fewest-moves plan"))
        return plan, False, stop or StopReason.SOLVER_FAULT, gap
    return nearest, proven and least.proven, stop or least.stop, gap


def solve_minmax(solver: GroupSolver, *, leximax: bool = False) -> GroupSearch:
    """The smallest maximum coefficient (certified), then the fewest moves that keep it.

    leximax: between the two, the levels below the maximum (_levels), each certified like t*;
    the moves stage then keeps every level."""
    bracket = solver.minimise_max_coefficient()
    if bracket.infeasible:
        return _outcome(solver, Status.INFEASIBLE)
    if bracket.plan is None:
        solver.notes.append(bracket.reason)
        solver.notes.append(_("no plan was found within the time limit; infeasibility not proven"))
        return _outcome(solver, Status.UNKNOWN, stop_reason=bracket.stop)
    plan, best, lower = bracket.plan, float(bracket.value or 0.0), float(bracket.lower)
    status_proven, stop, gap = bracket.certified, bracket.stop, None
    level = best  # the free cells' bound in the moves stage: t*, or leximax's last level
    counted = None
    if leximax and status_proven:
        plan, level, stop, counted = _levels(solver, plan, best)
        status_proven = stop is None
    if counted is not None:
        gap = counted.gap  # the counted levels' moves stage
    elif stop is not StopReason.TIME_LIMIT and solver.panel.trusted:
        # Also when the proof stopped on a solver fault: the best plan still gets its fewest
        # moves, only the status says what is not proven.
        solver.progress(_("group {group}: t* = {value}, minimising moves").format(
            group=solver.data.group, value=significant(best)))  # fmt: skip
        solver.rescale(level)
        threshold = level * (1 + _slack(solver))
        if not leximax:
            # No higher than the promised gap allows: a plan above lower / (1 - 1e-6) would be
            # reported with a gap above 1e-6 (at t* x (1 + 1e-6) it was 1.0000000001e-6 at the
            # top of the ranges). Less the part HiGHS's tolerance may pass through the scaled
            # rows (1e-7 x RESCALE_ABOVE, model.py), so no accepted plan is past it; never below
            # best, so that the stage-1 plan stays feasible.
            promised = lower / (1 - RELATIVE_TOLERANCE) * (1 - 2e-7)
            threshold = max(min(threshold, promised), best)
        solver.set_threshold(threshold)
        moved_plan, moves_proven, moves_stop, gap = _fewest_moves(solver, plan)
        moved_value = max_coefficient(solver.data, moved_plan)
        moved_level = solver.value_of(moved_plan)
        if (
            moved_value > best * (1 + RELATIVE_TOLERANCE) + 1e-12
            or moved_level > level * (1 + RELATIVE_TOLERANCE) + 1e-12
        ):
            solver.notes.append(
                _("the fewest-moves stage returned a worse plan; kept the stage-1 plan")
            )
            moves_proven = False
        else:
            plan = moved_plan
        status_proven = status_proven and moves_proven
        stop = stop or moves_stop
    value = max_coefficient(solver.data, plan)
    if value < lower * (1 - 1e-12):  # within rounding the exact bound may equal the plan
        lower = _refuted_bound(solver, bracket, value)
        status_proven, stop = False, StopReason.SOLVER_FAULT
    # The certificate holds only if the plan reported is within the tolerance of the bound
    # (split services are an LP whose plan can sit a hair above t* by solver tolerance).
    bracket_gap = max((value - lower) / value, 0.0) if value > 0 else 0.0
    proven = status_proven and bracket_gap <= 2 * RELATIVE_TOLERANCE
    return _outcome(
        solver,
        Status.OPTIMAL if proven else Status.FEASIBLE,
        plan, value, lower,
        gap=bracket_gap if gap is None or proven else max(gap, bracket_gap),
        stop_reason=None if proven else (stop or StopReason.SOLVER_FAULT),
    )  # fmt: skip


def _slack(solver: GroupSolver) -> float:
    """How far above a certified value a later stage may let a cell sit. Whole services: the rows
    are scaled so that a plan at the value meets them up to rounding; split services are
    continuous, and any slack would be spent on fewer moves."""
    return 1e-9 if solver.settings.split_services else RELATIVE_TOLERANCE


MAX_LEVELS = 25  # leximax: levels certified below the maximum, at most


def _levels(
    solver: GroupSolver, plan: Plan, top: float
) -> tuple[Plan, float, StopReason | None, Counted | None]:
    """Leximax below a certified maximum `top`: the cells that must sit at the level in every
    plan keeping all cells at or below it are fixed there (caps); the smallest maximum of the rest
    is the next level, certified like t*; and so on until no free cell carries load. Returns the
    plan, the last level and None when every level is certified, else why not (the plan then
    keeps the levels fixed so far), and the counted outcome when a level was held by several
    cells together (_levels_by_count, which then gave the fewest moves too)."""
    level, found = top, list[tuple[float, int]]()
    uncertified: StopReason | None = None
    while level > 0:
        if len(found) >= MAX_LEVELS:
            uncertified = StopReason.LEVEL_LIMIT
            break
        held, plan, stop = _held_cells(solver, plan, level)
        if stop is not None:
            uncertified = stop
            break
        if not held:
            # Each cell can go below the level alone, but not all of them together (integer
            # staff, ties): from here the levels are counted, which also gives the moves.
            counted = _levels_by_count(solver, plan, level, found)
            _describe_levels(solver, found)
            return counted.plan, level, uncertified or counted.stop, counted
        for u, k in held:
            solver.caps[u, k] = level * (1 + _slack(solver))
        found.append((level, len(held)))
        solver.progress(_("group {group}: leximax level {level} = {value}").format(
            group=solver.data.group, level=len(found), value=significant(level)))  # fmt: skip
        bracket = solver.minimise_max_coefficient(start_plan=plan)
        if not bracket.certified or bracket.plan is None or bracket.value is None:
            uncertified = bracket.stop or StopReason.SOLVER_FAULT
            plan = bracket.plan or plan
            break
        plan, level = bracket.plan, bracket.value
    _describe_levels(solver, found)
    return plan, level, uncertified, None


MAX_COUNT_STEPS = 200  # leximax by counts: solves at most, then the level limit is the outcome


@dataclass(frozen=True)
class Counted:
    """The levels found by counting (_levels_by_count) and the fewest-moves plan that keeps them."""

    plan: Plan
    stop: StopReason | None  # None: every level and the moves proven
    gap: float | None


def _levels_by_count(
    solver: GroupSolver, plan: Plan, level: float, found: list[tuple[float, int]]
) -> Counted:
    """Leximax from a level no single cell holds (ties), by counting: with K free cells allowed
    above the levels so far, the next level is the least value v such that no plan keeping the
    levels has only K free cells above v; its count is the fewest free cells at or above v.

    Each step is a count MILP (session.least_at_levels, confirmed by a second configuration and
    recounted on the exact plan): the fewest free cells above v(1 - 1e-6) among plans that keep
    every level (at most K_i cells above L_i(1 - 1e-6) and at most K_(i-1) above L_i(1 + slack)).
    The step also keeps at most K cells above v(1 + slack), so that it counts among plans whose
    (K+1)-th coefficient is v (the current plan is one). When the count is more than K, v is a
    level (held by the extra cells); otherwise its plan has a lower (K+1)-th coefficient, which
    is the next v. Which cells sit at a level is never fixed:
    only how many, so a later level is free to pick them (fixing them lost the optimum on
    generated cases). Then the fewest moves under the same rows."""
    data = solver.data
    top = level * (1 + _slack(solver))
    bounds: list[tuple[float, int]] = []
    kept = 0  # free cells above the last level's lower bound

    def free_coefficients(p: Plan) -> np.ndarray:
        coefficients = data.coefficients(p.headcount, plan_load(data, p))
        return np.sort(coefficients[~np.isfinite(solver.caps)])[::-1]

    value = level
    for _step in range(MAX_COUNT_STEPS):
        if len(found) >= MAX_LEVELS:
            return Counted(plan, StopReason.LEVEL_LIMIT, None)
        below = value * (1 - RELATIVE_TOLERANCE)
        # At most `kept` cells above v as well: the count is among plans whose next coefficient
        # is v, not above it (the current plan is one); at the first level the load rows say so.
        ceiling = value * (1 + _slack(solver))
        capped = [(ceiling, kept)] if ceiling < top else []
        least, counted, count = solver.least_at_levels(
            top, bounds + capped, plan, count_above=below
        )
        if not least.proven:
            return Counted(plan, least.stop or StopReason.LEVEL_NOT_SEPARABLE, None)
        coefficients = free_coefficients(counted)
        if int((coefficients > below).sum()) != count or coefficients[:1].max(initial=0) > top:
            solver.notes.append(
                _("the count step claimed {count} cells above {value}; its plan disagrees").format(
                    count=count, value=significant(below, 9)
                )
            )
            return Counted(plan, StopReason.SOLVER_FAULT, None)
        plan = counted
        if count > kept:  # no plan keeps only `kept` cells above v: v is a level
            bounds.extend([*capped, (below, count)])
            found.append((value, count - kept))
            solver.progress(_("group {group}: leximax level {level} = {value}").format(
                group=data.group, level=len(found), value=significant(value)))  # fmt: skip
            kept = count
        if kept >= coefficients.size or coefficients[kept] <= 0:
            break
        value = float(coefficients[kept])
    else:
        return Counted(plan, StopReason.LEVEL_LIMIT, None)
    bounds.append((0.0, kept))  # the cells below the last level carry no load
    solver.progress(_("group {group}: leximax levels counted, minimising moves").format(
        group=data.group))  # fmt: skip
    least, moved, _count = solver.least_at_levels(top, bounds, plan)
    coefficients = free_coefficients(moved)
    if coefficients[:1].max(initial=0) > top or any(
        int((coefficients > value * (1 + 1e-9)).sum()) > most for value, most in bounds
    ):
        solver.notes.append(_("the fewest-moves stage returned a worse plan; kept the level plan"))
        return Counted(plan, StopReason.SOLVER_FAULT, None)
    return Counted(
        moved, None if least.proven else least.stop or StopReason.SOLVER_FAULT, least.gap
    )


def _describe_levels(solver: GroupSolver, found: list[tuple[float, int]]) -> None:
    text = "; ".join(
        ngettext("{value} ({count} cell)", "{value} ({count} cells)", count).format(
            value=significant(value), count=count) for value, count in found
    )  # fmt: skip
    solver.notes.append(_("leximax levels, worst first: {levels}").format(levels=text))


def _held_cells(
    solver: GroupSolver, plan: Plan, level: float
) -> tuple[list[tuple[int, int]], Plan, StopReason | None]:
    """The free cells at `level` that no plan keeping every free cell at or below it can take
    below it: each is asked alone, with its row just under the level (the margin of the load rows
    makes "just under" a certificate, as for t*). A cell that can go lower brings the plan that
    shows it, which the next cells start from."""
    data = solver.data
    below = level * (1 - RELATIVE_TOLERANCE)

    def coefficients(p: Plan) -> np.ndarray:
        return data.coefficients(p.headcount, plan_load(data, p))

    free = ~np.isfinite(solver.caps)
    candidates = [
        tuple(int(i) for i in c) for c in np.argwhere(free & (coefficients(plan) >= below))
    ]
    held: list[tuple[int, int]] = []
    for u, k in candidates:
        if coefficients(plan)[u, k] < below:
            continue  # an earlier answer already took it below
        solver.caps[u, k] = below
        try:
            answer = _lower_one(solver, level * (1 + _slack(solver)), (u, k), below)
        finally:
            solver.caps[u, k] = np.inf
        if answer is None:  # no plan takes it below: held at the level
            held.append((u, k))
        elif isinstance(answer, Plan):
            plan = answer
        else:
            return held, plan, answer
    return held, plan, None


def _lower_one(
    solver: GroupSolver, t: float, cell: tuple[int, int], below: float
) -> Plan | StopReason | None:
    """A plan with `cell` under `below` and the other free cells at or below t, or None when two
    configurations (or exact arithmetic) agree there is none, or why it could not be settled."""
    data = solver.data

    def objection(plan: Plan) -> str | None:
        value = data.coefficients(plan.headcount, plan_load(data, plan))[cell]
        if value < below * (1 + RELATIVE_TOLERANCE / 2):
            return None
        return _("a plan with cell {cell} at or below {below} (it is at {value})").format(
            cell=f"{data.units[cell[0]].unit_id}/{data.skills[cell[1]]}",
            below=significant(below, 9), value=significant(value, 9))  # fmt: skip

    answer = solver.plan_at(t, objection=objection)
    return answer.plan if answer.plan is not None else answer.stop


def _refuted_bound(solver: GroupSolver, bracket: Bracket, value: float) -> float:
    """A checked plan of `value` is below the bracket's proven bound: the configurations that
    agreed on the bound were both wrong. Their claim is a fault, and the bound left is what exact
    arithmetic proved (a negative gap is never a small one, never a certificate)."""
    for config in bracket.claimed_by:
        solver.panel.fault(
            FaultKind.FALSE_INFEASIBLE, config,
            _("{claim} (the fewest-moves stage found one at {value})").format(
              claim=no_plan_claim(bracket.lower), value=significant(value, 9)),
        )  # fmt: skip
    return bracket.proven_without_solvers


def solve_balance(solver: GroupSolver) -> GroupSearch:
    """The least total deviation from the skill means (certified), then the fewest moves."""
    data = solver.data
    try:
        start = solver.starting_plan()
    except SearchStopped as stopped:
        solver.notes.append(stopped.detail)
        return _outcome(solver, Status.UNKNOWN, stop_reason=stopped.reason)
    if start is None:
        return _outcome(solver, Status.INFEASIBLE)
    means = skill_means(data)
    solver.use(*solver.build(balance_means=means))
    group_model = solver.group_model
    assert group_model.deviation_cols is not None  # built with balance_means
    costs = np.zeros(group_model.model.num_cols)
    costs[group_model.deviation_cols] = 1.0
    solver.backend.set_objective(costs)
    least = solver.least(start, integral=False, what=_("least total deviation"))
    first = plan_from_values(group_model, least.point)
    deviation = total_deviation(data, first, means)
    if least.proven:
        bound = deviation
    elif least.bound is not None and least.bound * balance_scale(data) <= deviation * (1 + 1e-9):
        bound = least.bound * balance_scale(data)
    else:
        bound = 0.0
    cols = group_model.deviation_cols.tolist()
    scaled = deviation / balance_scale(data)  # the model measures deviation in this unit
    solver.backend.add_row(
        "deviation_at_optimum", cols, [1.0] * len(cols), -np.inf,
        scaled * (1 + RELATIVE_TOLERANCE) + 1e-9, family=RowFamily.DEVIATION_AT_OPTIMUM,
    )  # fmt: skip
    stop, gap = least.stop, least.gap
    moved_plan, moves_proven = first, False
    if stop is not StopReason.TIME_LIMIT and solver.panel.trusted:
        moved_plan, moves_proven, moves_stop, moves_gap = _fewest_moves(solver, first)
        stop = stop or moves_stop
        gap = gap if gap is not None else moves_gap
    value = total_deviation(data, moved_plan, means)
    lower = min(bound, value)
    proven = least.proven and moves_proven
    if proven:
        gap = 0.0
    elif gap is None:
        gap = (value - lower) / value if value > 0 else 0.0
    return _outcome(
        solver,
        Status.OPTIMAL if proven else Status.FEASIBLE,
        moved_plan, value, lower, gap,
        stop_reason=None if proven else (stop or StopReason.SOLVER_FAULT),
    )  # fmt: skip


def search_group(data: GroupData, progress: Progress | None = None) -> GroupSearch:
    """Optimise one group under its settings' objective (minmax with only staff moving: exactly
    by counting and flows, counting.py, when the group's shape allows)."""
    exact = solve_staff_only(data)
    if exact is not None:
        return _counted(exact)
    solver = GroupSolver(data, progress)
    if data.settings.objective is Objective.BALANCE:
        return solve_balance(solver)
    return solve_minmax(solver, leximax=data.settings.objective is Objective.LEXIMAX)


def _counted(exact: StaffOnlyOptimum) -> GroupSearch:
    """counting.py's answer as a search outcome: optimal, its bound proven by exact arithmetic."""
    gap = (exact.value - exact.t_star) / exact.value if exact.value > 0 else 0.0
    note = _(
        "t* found exactly by counting (only staff move, no MILP): {refuted} thresholds refuted "
        "by sums of the rules, {built} shown by a plan built directly, {flows} settled by a max "
        "flow"
    ).format(refuted=exact.refuted, built=exact.built, flows=exact.flows)
    return GroupSearch(
        Status.OPTIMAL, exact.plan, exact.value, exact.t_star, max(gap, 0.0), None,
        GroupReport(), (note,),
    )  # fmt: skip


def best_max_coefficient(data: GroupData, incumbent: Plan | None = None) -> float | None:
    """t* alone (no moves stage): used by sensitivity and the frontier. None if there is no plan
    or the proof stopped (a time limit, a solver fault): a figure is given only when proven.

    incumbent: a plan that is likely still optimal (sensitivity: the plan before one rule was
    relaxed); when it is, the first step of the search proves it with one solve."""
    exact = solve_staff_only(data)
    if exact is not None:
        return exact.t_star
    bracket = GroupSolver(data).minimise_max_coefficient(start_plan=incumbent)
    return bracket.value if bracket.certified else None


def with_settings(data: GroupData, **changes) -> GroupData:
    """A copy of a group's data with some settings changed."""
    return dataclasses.replace(data, settings=dataclasses.replace(data.settings, **changes))


__all__ = [
    "Bracket",
    "BudgetKind",
    "GroupSearch",
    "GroupSolver",
    "best_max_coefficient",
    "search_group",
    "solve_balance",
    "solve_minmax",
    "with_settings",
]
