"""Balance against disruption (`frontier`): for each budget of moves, the best maximum coefficient a
group can reach, the price in disruption of each step of balance.

The frontier re-solves one loaded model per group: the group move limit is a single row of the model
whose bound is changed between points, the plan of the previous (smaller) budget starts the next
point, and the unconstrained optimum's proven lower bound closes the bracket from below, so a point
whose budget no longer binds costs no solve at all (DESIGN.md: warm re-solves were 15x faster than
rebuilding). It takes a Scenario; the frontier workbook is written by planner.reports and its
terminal text by planner.reports.terminal.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from planner.checks import MAX_FRONTIER_BUDGETS
from planner.display import significant
from planner.domain import Objective, Scenario
from planner.engine.group import GroupData, group_data
from planner.engine.plan import Plan, current_plan, max_coefficient
from planner.engine.search import (
    BudgetKind,
    GroupSearch,
    GroupSolver,
    search_group,
    with_settings,
)
from planner.engine.session import RELATIVE_TOLERANCE
from planner.engine.transfers import pair_transfers
from planner.errors import InputError, Problem, ProblemCode
from planner.i18n import _, integer, pgettext
from planner.result import GroupReport, Status
from planner.solve import Step

Progress = Callable[[str], None]

# Two maxima closer than this (relative) are the same point: each is certified to
# RELATIVE_TOLERANCE, so two certified values of one optimum may differ by twice that.
SAME_VALUE = 2 * RELATIVE_TOLERANCE + 1e-12
DEFAULT_POINTS = 15  # about this many budgets (plus the ends) when the range is not given


def _counted(progress: Progress, done: int, total: int, message: str) -> None:
    progress(Step(message, done, total))


def _quiet(message: str) -> None:
    """A progress callback that shows nothing."""


def _fmt(value: float | None, digits: int = 4) -> str:
    if value is None:
        return "-"
    if math.isinf(value):
        return "inf"
    return significant(value, digits)  # in the language's notation: 0,15625 in kk and ru


# --- the frontier: balance against disruption ---------------------------------------------------


def unknown_group(scenario: Scenario, group: str, where: str = "group") -> Problem:
    """The problem of a group the scenario does not have; `where` names the argument that gave it
    (`frontier`'s `group`; the CLI passes "--group")."""
    return Problem(
        where,
        "",
        group,
        _("is not a group of {scenario} (groups: {groups})").format(
            scenario=scenario.name, groups=", ".join(scenario.groups)
        ),
        ProblemCode.UNKNOWN_GROUP,
    )


def _budget_problem(value: object, expected: str) -> Problem:
    return Problem(
        "",
        "",
        value,
        _("budgets: {expected}").format(expected=expected),
        ProblemCode.BAD_BUDGET_RANGE,
    )


def _distinct_budgets(budgets: Iterable[int]) -> set[int]:
    """The distinct budgets, refused as soon as there are more than MAX_FRONTIER_BUDGETS (a
    range of 10^8 is never listed)."""
    distinct: set[int] = set()
    for budget in budgets:
        distinct.add(int(budget))
        if len(distinct) > MAX_FRONTIER_BUDGETS:
            raise InputError([_budget_problem(
                "", _("more than {most} budgets; at most {most}").format(most=MAX_FRONTIER_BUDGETS)
            )])  # fmt: skip
    return distinct


def default_budgets(moves: int, points: int = DEFAULT_POINTS) -> list[int]:
    """0 up to `moves`: every budget when there are few, else about `points` evenly spaced."""
    if moves <= 20:
        return list(range(moves + 1))
    step = math.ceil(moves / points)
    budgets = list(range(0, moves, step))
    return [*budgets, moves]


@dataclass(frozen=True)
class Move:
    """One move of a plan: employees of a skill from one unit to another, or a service (or a
    share of it) from its unit to another."""

    kind: str  # "staff" or "service"
    source: str  # unit id
    target: str  # unit id
    source_name: str
    target_name: str
    item: str  # the skill (staff) or the service id (service)
    item_name: str  # the skill, or the service's name
    amount: float  # employees, or the share of the service

    def words(self) -> str:
        """'2 legal: Akzhar -> Uralsk' or 'service S01 (Permits): Akzhar -> Uralsk'."""
        if self.kind == "staff":
            return (
                f"{significant(self.amount)} {self.item}: {self.source_name} -> {self.target_name}"
            )
        share = "" if self.amount >= 1 - 1e-9 else f" ({integer(round(self.amount * 100))}%)"
        name = f" ({self.item_name})" if self.item_name and self.item_name != self.item else ""
        return _("service {service}: {source} -> {target}").format(
            service=f"{self.item}{name}{share}", source=self.source_name, target=self.target_name
        )


@dataclass(frozen=True)
class FrontierPoint:
    """The best maximum coefficient of a group under one budget of moves, the plan that reaches
    it, and the moves that this budget adds to (and drops from) the plan of the budget before it
    (for the first budget: to the current allocation)."""

    budget: int
    max_coefficient: float | None  # None: no plan within this budget
    proven: bool  # False: a time limit stopped the search (the value is a plan's, not proven)
    reaches_optimum: bool = False  # equals the best with no move limit
    flat_to_next: bool = False  # the next budget gives no better value
    solver_runs: int = 0
    seconds: float = 0.0
    moves_added: tuple[Move, ...] = ()  # in this budget's plan, not in the previous budget's
    moves_dropped: tuple[Move, ...] = ()  # in the previous budget's plan, not in this one's
    plan: Plan | None = field(default=None, compare=False, repr=False)  # kept by the study

    def moves_text(self) -> str:
        """The moves added and dropped in words, '+' added, '-' dropped; '' for none."""
        parts = [f"+ {m.words()}" for m in self.moves_added]
        parts += [f"- {m.words()}" for m in self.moves_dropped]
        return "; ".join(parts)

    @property
    def stops_helping(self) -> bool:
        """Extra moves stop helping here: the next budget, or any budget, does no better."""
        return self.reaches_optimum or self.flat_to_next

    @property
    def mark(self) -> str:
        if self.reaches_optimum:
            return _("optimum reached")
        if self.flat_to_next:
            return _("no gain from the next budget")
        return ""


@dataclass(frozen=True)
class GroupFrontier:
    """One group's curve, and the unconstrained optimum it tends to."""

    group: str
    max_coefficient_before: float
    unconstrained: float | None  # best maximum coefficient with no move limit (None: infeasible)
    unconstrained_moves: int  # moves of the budgeted kind that the unconstrained optimum needs
    points: tuple[FrontierPoint, ...]
    report: GroupReport  # the effort of the whole curve, the unconstrained solve included
    note: str = ""

    @property
    def first_optimal_budget(self) -> int | None:
        return next((p.budget for p in self.points if p.reaches_optimum), None)


@dataclass(frozen=True)
class Frontier:
    """Best maximum coefficient per group for each budget of staff (or service) moves."""

    scenario: str
    source_path: str | None
    source_sha256: str | None
    coefficient: str
    service_moves: bool  # the budget counts service moves (else staff moves)
    budgets: tuple[int, ...] | None  # as given; None: each group its own default range
    groups: tuple[GroupFrontier, ...]
    seconds: float
    notes: tuple[str, ...] = ()

    @property
    def moves_kind(self) -> str:
        return _("service moves") if self.service_moves else _("staff moves")

    def group(self, name: str) -> GroupFrontier:
        for g in self.groups:
            if g.group == name:
                return g
        raise KeyError(name)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=SAME_VALUE, abs_tol=1e-12)


def _moves(data: GroupData, plan: Plan, service_moves: bool) -> int:
    if service_moves:
        home = plan.home_shares(data)
        return int(round(float((1.0 - home).sum())))
    return int(np.maximum(plan.headcount - data.start, 0).sum())


def plan_moves(data: GroupData, plan: Plan) -> tuple[Move, ...]:
    """The moves of a plan against the group's start: staff paired from-to in the fewest pairs
    per skill (as in the result), then every service placed away from its unit."""
    moves: list[Move] = []
    for k, skill in enumerate(data.skills):
        change = plan.headcount[:, k] - data.start[:, k]
        losses = {data.units[u].unit_id: int(-change[u]) for u in np.flatnonzero(change < 0)}
        gains = {data.units[u].unit_id: int(change[u]) for u in np.flatnonzero(change > 0)}
        labels = {u.unit_id: u.label for u in data.units}
        for a, b, n in pair_transfers(losses, gains):
            moves.append(Move("staff", a, b, labels[a], labels[b], skill, skill, float(n)))
    for s, service in enumerate(data.services):
        home = int(data.service_unit[s])
        for u, share in zip(*plan.units_of(s), strict=True):
            if int(u) == home or share <= 1e-9:
                continue
            source, target = data.units[home], data.units[int(u)]
            moves.append(
                Move("service", source.unit_id, target.unit_id, source.label, target.label,
                     service.service_id, service.name, float(share))
            )  # fmt: skip
    return tuple(moves)


def _move_key(move: Move) -> tuple[str, str, str, str]:
    return move.kind, move.source, move.target, move.item


def moves_between(
    previous: Sequence[Move], current: Sequence[Move]
) -> tuple[tuple[Move, ...], tuple[Move, ...]]:
    """(added, dropped): the moves of `current` beyond those of `previous` (by pair and skill or
    service, the difference in amount), and those of `previous` that `current` no longer has."""
    before = {_move_key(m): m for m in previous}
    after = {_move_key(m): m for m in current}
    added, dropped = [], []
    for key, move in after.items():
        extra = move.amount - (before[key].amount if key in before else 0.0)
        if extra > 1e-9:
            added.append(dataclasses.replace(move, amount=extra))
    for key, move in before.items():
        less = move.amount - (after[key].amount if key in after else 0.0)
        if less > 1e-9:
            dropped.append(dataclasses.replace(move, amount=less))
    return tuple(added), tuple(dropped)


@dataclass
class _Solved:
    """What a solved point proves: its value, a plan that reaches it, a bound no plan beats."""

    value: float | None  # None: no plan within the budget
    plan: Plan | None
    lower: float  # proven lower bound on the best maximum coefficient at this budget
    proven: bool
    runs: int = 0
    seconds: float = 0.0


def _group_frontier(
    data: GroupData,
    unconstrained: GroupSearch,
    budgets: Sequence[int],
    service_moves: bool,
    progress: Progress,
) -> GroupFrontier:
    """Sweep the budgets of one group; `data` has no limit of the budgeted kind and `unconstrained`
    is its optimum.

    t*(budget) never rises with the budget, so a solved smaller budget gives a plan (an upper
    bound) and a solved larger budget a proven lower bound; when the two meet, a point needs no
    solve. Points are solved in increasing budget: each starts from the plan of the budget just
    below it. (Solving ends first and then midpoints, to bracket every point from both sides, was
    measured slower: near t* the feasibility solves cost the most, and a close plan saves more of
    them than a close lower bound.)
    """
    field = "max_service_moves" if service_moves else "max_staff_moves"
    budget_kind = BudgetKind.SERVICES if service_moves else BudgetKind.STAFF
    kind = _("service moves") if service_moves else _("staff moves")
    before = max_coefficient(data, current_plan(data))
    free_plan = unconstrained.plan
    best_free = unconstrained.objective_value if free_plan is not None else None
    lower_free = unconstrained.lower_bound if unconstrained.lower_bound is not None else 0.0
    moves_free = _moves(data, free_plan, service_moves) if free_plan is not None else 0
    note = ""
    if free_plan is None:
        note = _("no plan even with no move limit")
    elif moves_free == 0:
        note = _("the optimum needs no {kind}: the curve is flat").format(kind=kind)

    solved: dict[int, _Solved] = {}
    for i, budget in enumerate(budgets):
        if free_plan is None:
            # No plan with unlimited moves: none within any budget.
            infeasible = unconstrained.status is Status.INFEASIBLE
            solved[i] = _Solved(None, None, math.inf, infeasible)
        elif budget >= moves_free:
            # The unconstrained optimum fits in this budget: it is the answer, with no solve.
            optimal = unconstrained.status is Status.OPTIMAL
            solved[i] = _Solved(best_free, free_plan, lower_free, optimal)

    solver: GroupSolver | None = None
    pending = [i for i in range(len(budgets)) if i not in solved]
    for number, i in enumerate(pending, start=1):
        started = time.perf_counter()
        left = max((j for j in solved if j < i), default=None)
        right = min((j for j in solved if j > i), default=None)
        upper = solved[left] if left is not None else None
        lower = solved[right] if right is not None else None
        if lower is not None and lower.value is None and lower.proven:
            # No plan within a larger budget: none within this one.
            solved[i] = _Solved(None, None, math.inf, True)
        elif (
            upper is not None
            and lower is not None
            and upper.value is not None
            and upper.value * (1 - RELATIVE_TOLERANCE) <= lower.lower
        ):
            # Flat between solved neighbours: the smaller budget's plan is optimal here too.
            solved[i] = _Solved(upper.value, upper.plan, lower.lower, True)
        else:
            if solver is None:
                # Built on first need: moves_free > 0, so the move-limit row exists in the model,
                # and it stays loaded: only the bound of that row changes between points.
                solver = GroupSolver(with_settings(data, **{field: budgets[i]}), progress)
            runs = solver.solver_runs
            solver.set_budget(budget_kind, budgets[i])
            point = _solve_point(
                solver,
                # A smaller budget's plan is feasible under a larger one; a larger budget's
                # proven bound (or the unconstrained one) holds under a smaller limit.
                upper.plan if upper is not None else None,
                max(lower_free, lower.lower if lower is not None else 0.0),
            )
            point.runs = solver.solver_runs - runs
            solved[i] = point
        solved[i].seconds = time.perf_counter() - started
        progress(
            _("frontier {group}: point {number}/{count}, budget {budget}: {value}").format(
                group=data.group, number=number, count=len(pending), budget=budgets[i],
                value=_fmt(solved[i].value, 6),
            )
        )  # fmt: skip

    marked: list[FrontierPoint] = []
    previous_moves: tuple[Move, ...] = ()  # the first budget is compared with no move at all
    for i, budget in enumerate(budgets):
        point = solved[i]
        following = solved[i + 1].value if i + 1 < len(budgets) else None
        added: tuple[Move, ...] = ()
        dropped: tuple[Move, ...] = ()
        if point.plan is not None:
            moves = plan_moves(data, point.plan)
            added, dropped = moves_between(previous_moves, moves)
            previous_moves = moves
        marked.append(
            FrontierPoint(
                budget=budget,
                max_coefficient=point.value,
                proven=point.proven,
                reaches_optimum=point.value is not None and _same(point.value, best_free),
                flat_to_next=point.value is not None
                and i + 1 < len(budgets)
                and _same(point.value, following),
                solver_runs=point.runs,
                seconds=point.seconds,
                moves_added=added,
                moves_dropped=dropped,
                plan=point.plan,
            )
        )
    report = unconstrained.report if solver is None else unconstrained.report.plus(solver.report())
    return GroupFrontier(data.group, before, best_free, moves_free, tuple(marked), report, note)


def _solve_point(solver: GroupSolver, start_plan: Plan | None, known_lower: float) -> _Solved:
    """The best maximum coefficient under the solver's current budget, with its evidence."""
    bracket = solver.minimise_max_coefficient(start_plan=start_plan, known_lower=known_lower)
    if bracket.infeasible:
        return _Solved(None, None, math.inf, True)
    # A stop (time limit, solver fault): the best plan so far and the bound proven so far.
    return _Solved(bracket.value if bracket.plan is not None else None, bracket.plan,
                   bracket.lower, bracket.certified)  # fmt: skip


def frontier(
    scenario: Scenario,
    *,
    group: str | None = None,
    budgets: Iterable[int] | None = None,
    service_moves: bool = False,
    progress: Progress | None = None,
) -> Frontier:
    """For each budget of staff moves per group (service moves with `service_moves=True`), the
    best maximum coefficient each group can reach (the minmax objective, whatever the scenario's).

    budgets: None gives each group 0 up to the moves its unconstrained optimum needs (every budget
    up to 20, else about 16 evenly spaced points; the unconstrained problem is solved first). The scenario's own limit on the budgeted kind of move is replaced by each
    budget; every other setting holds. Points where extra moves stop helping are marked.
    """
    started = time.perf_counter()
    progress = progress or _quiet
    if group is not None and group not in scenario.groups:
        raise InputError([unknown_group(scenario, group)])
    field = "max_service_moves" if service_moves else "max_staff_moves"
    notes: list[str] = []
    settings = scenario.settings
    if settings.objective is not Objective.MINMAX:
        notes.append(
            _("the frontier is of the maximum coefficient (minmax), not the balance objective")
        )
    if getattr(settings, field) is not None:
        setting = pgettext("setting", field.replace("_", " "))
        notes.append(
            _("the scenario's own {setting} ({value}) is replaced by each budget").format(
                setting=setting, value=getattr(settings, field)
            )
        )
    lifted: dict[str, Any] = {field: None}
    free_settings = dataclasses.replace(settings, objective=Objective.MINMAX, **lifted)
    free = dataclasses.replace(scenario, settings=free_settings)
    groups = scenario.groups if group is None else (group,)
    datas = [group_data(free, g) for g in groups]

    # The unconstrained optimum of each group: the end of the default range, the lower bound of
    # every point, and the answer for every budget at or above its move count.
    chosen: list[int] | None = None
    if budgets is not None:  # checked before anything is solved
        chosen = sorted(_distinct_budgets(budgets))
        if not chosen:
            raise InputError([_budget_problem("", _("give at least one budget"))])
        if chosen[0] < 0:
            raise InputError([_budget_problem(chosen[0], _("budgets must be 0 or more"))])
    searches: list[GroupSearch] = []
    for data in datas:
        progress(_("frontier {group}: solving with no move limit").format(group=data.group))
        searches.append(search_group(data))

    results = []
    for done, (data, search) in enumerate(zip(datas, searches, strict=True)):
        # Each message of this group's points counts the groups already drawn (the web
        # workspace's bar reads the count, never the words).
        counted = functools.partial(_counted, progress, done, len(datas))
        # By default each group gets its own range: groups differ by orders of magnitude in the
        # moves their optimum needs, and one shared range would give the small ones two points.
        own = chosen
        if own is None:
            own = default_budgets(_moves(data, search.plan, service_moves) if search.plan else 0)
        results.append(_group_frontier(data, search, own, service_moves, counted))
    return Frontier(
        scenario=scenario.name,
        source_path=scenario.source_path,
        source_sha256=scenario.source_sha256,
        coefficient=settings.coefficient.value,
        service_moves=service_moves,
        budgets=None if chosen is None else tuple(chosen),
        groups=tuple(results),
        seconds=time.perf_counter() - started,
        notes=tuple(notes),
    )


__all__ = [
    "Frontier",
    "FrontierPoint",
    "GroupFrontier",
    "Move",
    "default_budgets",
    "frontier",
    "moves_between",
    "plan_moves",
    "unknown_group",
]
