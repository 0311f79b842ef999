"""Result: the answer to a solve, owned by one immutable object.

A Result holds the scenario it answers, one GroupResult per group, the plan as tidy records
(staff cells, assignments, transfers, reassignments), the independent checks, and solver facts.
Tables for reports come from it (`to_dict`, `table`); nothing is written back onto the scenario or
the model.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum

from planner.domain import (
    CoefficientMode,
    Decision,
    DecisionKind,
    Objective,
    Scenario,
    SensitivityKind,
    SolverName,
    coefficient,
    service_load,
    unit_capacity,
)
from planner.i18n import N_, NP_, _, pgettext
from planner.wisn import wisn_difference, wisn_ratio, workload_pressure


class Status(StrEnum):
    """What is proven about a group's plan, and so about a Result (the worst of its groups)."""

    OPTIMAL = "optimal"  # proven: objective certified, fewest moves proven
    FEASIBLE = "feasible"  # a checked plan, but the proof stopped (see stop_reason and gap)
    INFEASIBLE = "infeasible"  # no plan satisfies the constraints (confirmed)
    UNKNOWN = "unknown"  # a limit stopped the search before any plan was found


class StopReason(StrEnum):
    """Why a search ended without a full proof (a `feasible` or `unknown` group)."""

    TIME_LIMIT = "time limit"
    SOLVER_FAULT = "solver fault"  # confirmations disagreed and nothing was left to settle a claim
    NOT_CONVERGED = "bisection did not converge"
    # leximax: no single cell must stay at a level, yet they cannot all go below it together
    # (integer staff); the cells at the level in the plan found were kept there.
    LEVEL_NOT_SEPARABLE = "leximax level held by several cells together"
    LEVEL_LIMIT = "leximax level limit"  # MAX_LEVELS levels were certified, the rest not tried
    # A plan chosen some other way than for these volumes (a robust plan, for sampled volumes):
    # checked like any plan, but not claimed optimal for the scenario's own volumes.
    CHOSEN_ELSEWHERE = "plan chosen for other volumes (robust)"

    @property
    def text(self) -> str:
        """Why the search stopped, in the current language (the value stays as written: JSON)."""
        return pgettext("stop reason", _STOP_REASONS[self])


_STOP_REASONS = {
    StopReason.TIME_LIMIT: NP_("stop reason", "time limit"),
    StopReason.SOLVER_FAULT: NP_("stop reason", "solver fault"),
    StopReason.NOT_CONVERGED: NP_("stop reason", "bisection did not converge"),
    StopReason.LEVEL_NOT_SEPARABLE: NP_(
        "stop reason", "leximax level held by several cells together"
    ),
    StopReason.LEVEL_LIMIT: NP_("stop reason", "leximax level limit"),
    StopReason.CHOSEN_ELSEWHERE: NP_("stop reason", "plan chosen for other volumes (robust)"),
}


@dataclass(frozen=True)
class GroupReport:
    """How one group's answer was found: effort and the solver errors caught on the way. Kept
    apart from the answer (as linopy keeps solver facts apart from the solution): two solves with
    the same answer may have different reports."""

    solver_runs: int = 0
    solver_seconds: float = 0.0
    build_seconds: float = 0.0  # building models and loading them into the solver
    check_seconds: float = 0.0  # the independent verification (verify.py)
    confirmation_runs: int = 0  # solver runs spent confirming claims (included in solver_runs)
    confirmation_seconds: float = 0.0
    solver_faults: tuple[str, ...] = ()  # wrong solver answers caught and not used, in words

    def plus(self, other: GroupReport) -> GroupReport:
        """The effort of two solves of one group together (the frontier: its points and the
        unconstrained solve)."""
        return GroupReport(
            *(getattr(self, f.name) + getattr(other, f.name) for f in fields(GroupReport))
        )


@dataclass(frozen=True)
class SolveReport:
    """How a Result was found: which solver, when, how long, and the groups' reports."""

    solver: SolverName
    solved_at: str  # ISO 8601, UTC
    seconds: float  # wall clock of solve(), groups in parallel included
    groups: tuple[GroupReport, ...] = ()  # in the order of Result.groups

    @property
    def solver_runs(self) -> int:
        return sum(g.solver_runs for g in self.groups)

    @property
    def build_seconds(self) -> float:
        """Time spent building models and loading them into the solver, summed over groups."""
        return sum(g.build_seconds for g in self.groups)

    @property
    def solver_seconds(self) -> float:
        """Time spent inside the solver, summed over groups."""
        return sum(g.solver_seconds for g in self.groups)

    @property
    def check_seconds(self) -> float:
        """Time spent in the independent verification, summed over groups."""
        return sum(g.check_seconds for g in self.groups)

    @property
    def solver_faults(self) -> int:
        """Wrong solver answers caught (and not used) over all groups."""
        return sum(len(g.solver_faults) for g in self.groups)


class CheckCode(StrEnum):
    """Which independent check (verify.py) a Check is: the same in every language, so that
    `planner solve --json` readers match on `code` while `name` is shown in the reader's language.
    """

    WHOLE_HEADCOUNTS = "whole-headcounts"
    HEADCOUNTS_IN_GROUP = "headcounts-in-group"
    STAFF_CONSERVED = "staff-conserved"
    EMPLOYEE_BOUNDS = "employee-bounds"
    STAFF_SHARE_KEPT = "staff-share-kept"
    LOCKS = "locks"
    UNIT_MOVE_LIMIT = "unit-move-limit"
    GROUP_STAFF_MOVE_LIMIT = "group-staff-move-limit"
    SERVICES_DELIVERED = "services-delivered"
    ELIGIBLE_UNITS = "eligible-units"
    GROUP_SERVICE_MOVE_LIMIT = "group-service-move-limit"
    LOAD_STAFFED = "load-staffed"
    FIGURES_MATCH = "figures-match"
    TRANSFERS_ADD_UP = "transfers-add-up"
    TRANSFER_DISTANCES = "transfer-distances"
    DECISIONS_KEPT = "decisions-kept"
    PLAN_EXISTS = "plan-exists"

    @property
    def text(self) -> str:
        """The check's name in the current language."""
        return _(_CHECK_NAMES[self])


# Each check's name as a person reads it (the catalogue's message ids).
_CHECK_NAMES = {
    CheckCode.WHOLE_HEADCOUNTS: N_("headcounts are whole and not negative"),
    CheckCode.HEADCOUNTS_IN_GROUP: N_("headcounts only in units of the group"),
    CheckCode.STAFF_CONSERVED: N_("staff of each skill conserved"),
    CheckCode.EMPLOYEE_BOUNDS: N_("Min and Max employees respected"),
    CheckCode.STAFF_SHARE_KEPT: N_("units keep their share of staff"),
    CheckCode.LOCKS: N_("locked units and 'allow staff moves' respected"),
    CheckCode.UNIT_MOVE_LIMIT: N_("Max moves per unit respected"),
    CheckCode.GROUP_STAFF_MOVE_LIMIT: N_("group limit on staff moves respected"),
    CheckCode.SERVICES_DELIVERED: N_("every service delivered exactly once"),
    CheckCode.ELIGIBLE_UNITS: N_("services only at eligible units"),
    CheckCode.GROUP_SERVICE_MOVE_LIMIT: N_("group limit on service moves respected"),
    CheckCode.LOAD_STAFFED: N_("no load without staff of its skill"),
    CheckCode.FIGURES_MATCH: N_("reported figures match the plan"),
    CheckCode.TRANSFERS_ADD_UP: N_("transfers add up to the headcount changes"),
    CheckCode.TRANSFER_DISTANCES: N_("transfers within the distances allowed"),
    CheckCode.DECISIONS_KEPT: N_("the planner's decisions kept"),
    CheckCode.PLAN_EXISTS: N_("a plan exists"),
}


@dataclass(frozen=True)
class Check:
    """One independent check of a plan (verify.py): `name` and `detail` in the language of the
    solve, `code` the same in every language."""

    group: str
    name: str
    passed: bool
    detail: str
    code: CheckCode

    @classmethod
    def of(cls, group: str, code: CheckCode, passed: bool, detail: str) -> Check:
        """The check `code` of `group`, named in the current language."""
        return cls(group, code.text, passed, detail, code)


@dataclass(frozen=True)
class SensitivityItem:
    """What holds a group's maximum up, and what relaxing it by one would do (re-solved)."""

    group: str
    item: str  # plain words: "Zhangala District (general) at the maximum", "max staff moves (20)"
    kind: SensitivityKind
    change: str  # "one more employee", "one more allowed move"
    max_coefficient_now: float
    max_coefficient_after_change: float | None  # None: still infeasible / not computed
    unit_id: str | None = None

    @property
    def improvement(self) -> float | None:
        if self.max_coefficient_after_change is None:
            return None
        return self.max_coefficient_now - self.max_coefficient_after_change


@dataclass(frozen=True)
class StaffRow:
    unit_id: str
    skill: str
    before: int
    after: int
    hired: int = 0  # headcount added by a variant (not from another unit)


@dataclass(frozen=True)
class Assignment:
    service_id: str
    unit_id: str
    share: float = 1.0


@dataclass(frozen=True)
class Transfer:
    source: str  # a unit id, or NEW_HIRES
    target: str
    skill: str
    employees: int
    distance: float | None = None  # of one employee's transfer (Distances sheet); None: none

    @property
    def total_distance(self) -> float | None:
        """Employees x distance, or None without a distance."""
        return None if self.distance is None else self.employees * self.distance


NEW_HIRES = "(new hires)"


@dataclass(frozen=True)
class Reassignment:
    service_id: str
    source: str
    target: str
    share: float  # 1.0 for a whole service
    load: float  # services (count mode) or staff hours per year (hours mode) moved


@dataclass(frozen=True)
class Proposal:
    """The plan the planner proposed before the decisions ("auto"): the same scenario solved
    without them. Kept beside the decided plan ("final") so that each row can show both."""

    status: Status
    max_coefficient_after: float | None
    staff: tuple[StaffRow, ...]
    transfers: tuple[Transfer, ...]
    reassignments: tuple[Reassignment, ...]


@dataclass(frozen=True)
class DecisionRow:
    """One row of the decisions table: a transfer (from, to, skill), a service move (service,
    to) or a decided headcount (unit, skill) with its size in the proposal (`auto`) and in the
    decided plan (`final`), and the decision that made them differ (blank: none)."""

    kind: str  # "transfer", "service" or "headcount"
    source: str  # the sending unit; the service's own unit; the unit
    target: str  # the receiving unit; the unit it goes to; "" for a headcount
    subject: str  # the skill moved; the service id; the skill ("" for the whole unit)
    auto: float  # employees moved / share of the service moved / headcount, in the proposal
    final: float  # the same in the decided plan
    decision: str = ""  # the decision's words ("pin transfer A -> B, 2 nurse")
    where: str = ""  # its cell ("Decisions!A3"), "" when made in code


@dataclass(frozen=True)
class UnitRow:
    unit_id: str
    name: str
    level: str
    parent: str | None
    group: str
    employees_before: int
    employees_after: int
    load_before: float
    load_after: float
    coefficient_before: float  # inf: load with no capacity
    coefficient_after: float | None  # None when the group has no plan


@dataclass(frozen=True)
class SkillRow:
    """One unit-skill cell before and after: the highest coefficient is taken over these."""

    unit_id: str
    name: str
    group: str
    skill: str
    employees_before: int
    employees_after: int
    hired: int
    load_before: float
    load_after: float | None  # None when the group has no plan
    coefficient_before: float  # inf: load with no staff
    coefficient_after: float | None


@dataclass(frozen=True)
class GroupResult:
    group: str
    status: Status
    max_coefficient_before: float
    max_coefficient_after: float | None
    lower_bound: float | None  # proven: no plan reaches a lower objective
    objective_value: float | None  # t* (minmax) or total deviation (balance)
    gap: float | None
    staff_moved: int
    services_moved: float
    employees: int
    report: GroupReport
    explanation: tuple[str, ...] = ()  # why it is infeasible, in plain words
    notes: tuple[str, ...] = ()
    sensitivity: tuple[SensitivityItem, ...] = ()
    stop_reason: StopReason | None = None  # why the proof stopped short of `optimal`


@dataclass(frozen=True)
class Result:
    scenario: Scenario
    status: Status
    groups: tuple[GroupResult, ...]
    units: tuple[UnitRow, ...]
    staff: tuple[StaffRow, ...]
    assignments: tuple[Assignment, ...]
    transfers: tuple[Transfer, ...]
    reassignments: tuple[Reassignment, ...]
    checks: tuple[Check, ...]
    report: SolveReport
    notes: tuple[str, ...] = field(default=())
    # With decisions (Scenario.decisions): the plan without them, to show "auto" beside "final".
    proposal: Proposal | None = None

    @property
    def coefficient(self) -> CoefficientMode:
        return self.scenario.settings.coefficient

    @property
    def objective(self) -> Objective:
        return self.scenario.settings.objective

    @property
    def is_optimal(self) -> bool:
        return self.status is Status.OPTIMAL

    @property
    def max_coefficient_before(self) -> float:
        return max((g.max_coefficient_before for g in self.groups), default=0.0)

    @property
    def max_coefficient_after(self) -> float | None:
        values = [g.max_coefficient_after for g in self.groups]
        known = [v for v in values if v is not None]
        if not values or len(known) < len(values):
            return None
        return max(known)

    @property
    def objective_value(self) -> float | None:
        """The objective over all groups: the largest t* (minmax) or summed deviation (balance)."""
        values = [g.objective_value for g in self.groups]
        known = [v for v in values if v is not None]
        if not values or len(known) < len(values):
            return None
        return max(known) if self.objective.minimises_the_maximum else sum(known)

    @property
    def total_distance(self) -> float | None:
        """The distance all transfers travel together (employees x distance), in the measure of
        the Distances sheet (scenario.distance_measure); None without a Distances sheet."""
        if not self.scenario.distances:
            return None
        return float(sum(t.total_distance or 0.0 for t in self.transfers))

    @property
    def staff_moved(self) -> int:
        return sum(g.staff_moved for g in self.groups)

    @property
    def services_moved(self) -> float:
        return sum(g.services_moved for g in self.groups)

    @property
    def checks_passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def group(self, name: str) -> GroupResult:
        for g in self.groups:
            if g.group == name:
                return g
        raise KeyError(name)

    def unit(self, unit_id: str) -> UnitRow:
        for row in self.units:
            if row.unit_id == unit_id:
                return row
        raise KeyError(unit_id)

    def skill_rows(self) -> tuple[SkillRow, ...]:
        """Every unit-skill cell with staff or load, before and after, by group then unit and
        skill (the Skills sheet and `table("skills")`)."""
        scenario, settings = self.scenario, self.scenario.settings
        # Each service's load and skill, found once (a national plan has 57,000 services).
        loads: dict[str, tuple[float, str]] = {}
        load_before: dict[tuple[str, str], float] = {}
        load_after: dict[tuple[str, str], float] = {}
        for s in scenario.services:
            load = service_load(s, settings)
            loads[s.service_id] = (load, s.skill)
            key = (s.unit_id, s.skill)
            load_before[key] = load_before.get(key, 0.0) + load
        for a in self.assignments:
            load, skill = loads[a.service_id]
            key = (a.unit_id, skill)
            load_after[key] = load_after.get(key, 0.0) + load * a.share
        staff = {(s.unit_id, s.skill): s for s in self.staff}
        planned = {g.group for g in self.groups if g.max_coefficient_after is not None}
        solved = {g.group for g in self.groups}
        keys = {k for k in staff} | {k for k, v in load_before.items() if v}
        keys |= {k for k, v in load_after.items() if v}
        rows = []
        for unit_id, skill in sorted(keys, key=lambda k: (scenario.unit(k[0]).group, k)):
            unit = scenario.unit(unit_id)
            if unit.group not in solved:  # a solve stopped by Ctrl-C: not run
                continue
            cell = staff.get((unit_id, skill))
            before, after = (cell.before, cell.after) if cell else (0, 0)
            capacity = unit_capacity(unit, settings)
            has_plan = unit.group in planned
            loaded_before = load_before.get((unit_id, skill), 0.0)
            loaded_after = load_after.get((unit_id, skill), 0.0)
            rows.append(
                SkillRow(
                    unit_id,
                    unit.label,
                    unit.group,
                    skill,
                    before,
                    after,
                    cell.hired if cell else 0,
                    loaded_before,
                    loaded_after if has_plan else None,
                    coefficient(loaded_before, before * capacity),
                    coefficient(loaded_after, after * capacity) if has_plan else None,
                )  # fmt: skip
            )
        return tuple(rows)

    TABLES = (
        "groups", "units", "skills", "staff", "assignments", "transfers", "reassignments",
        "sensitivity", "checks", "decisions",
    )  # fmt: skip

    def decision_rows(self) -> tuple[DecisionRow, ...]:
        """Per transfer, service move and decided headcount: the proposal ("auto", the plan
        without the decisions), the decided plan ("final") and the decision. Empty without
        decisions (no proposal to compare with)."""
        proposal = self.proposal
        if proposal is None:
            return ()
        decisions = self.scenario.decisions
        rows: list[DecisionRow] = []

        def decided(match) -> Decision | None:
            return next((d for d in decisions if match(d)), None)

        def row(kind: str, key: tuple[str, str, str], auto: float, final: float,
                decision: Decision | None) -> DecisionRow:  # fmt: skip
            return DecisionRow(kind, *key, auto, final, decision.label if decision else "",
                               decision.where if decision else "")  # fmt: skip

        moved: dict[tuple[str, str, str], list[float]] = {}
        for index, transfers in enumerate((proposal.transfers, self.transfers)):
            for t in transfers:
                if t.source != NEW_HIRES:
                    moved.setdefault((t.source, t.target, t.skill), [0.0, 0.0])[index] += (
                        t.employees
                    )
        for (a, b, k), (auto, final) in sorted(moved.items()):
            rows.append(row("transfer", (a, b, k), auto, final, decided(
                lambda d, a=a, b=b, k=k: d.kind.is_transfer and (d.unit_id, d.to_unit) == (a, b)
                and d.skill in (None, k))))  # fmt: skip
        for d in decisions:
            if d.kind.is_transfer and not any(
                (a, b) == (d.unit_id, d.to_unit) and d.skill in (None, k) for a, b, k in moved
            ):
                rows.append(row("transfer", (d.unit_id, d.to_unit or "", d.skill or ""), 0, 0, d))
        services = {s.service_id: s for s in self.scenario.services}
        placed: dict[tuple[str, str, str], list[float]] = {}
        for index, moves in enumerate((proposal.reassignments, self.reassignments)):
            for r in moves:
                placed.setdefault((r.source, r.target, r.service_id), [0.0, 0.0])[index] += r.share
        for d in decisions:
            if d.kind.is_service and d.service_id in services:
                home = services[d.service_id].unit_id
                if d.unit_id != home:
                    placed.setdefault((home, d.unit_id, d.service_id), [0.0, 0.0])
        for (home, to, service_id), (auto, final) in sorted(placed.items()):
            rows.append(row("service", (home, to, service_id), auto, final, decided(
                lambda d, s=service_id, to=to, home=home: d.kind.is_service and d.service_id == s
                and (d.unit_id == to or (d.unit_id == home and d.kind is DecisionKind.FORBID_SERVICE))
            )))  # fmt: skip
        for d in decisions:
            if d.kind is DecisionKind.FIX_HEADCOUNT:
                counts = []
                for staff in (proposal.staff, self.staff):
                    counts.append(float(sum(s.after for s in staff if s.unit_id == d.unit_id
                                            and d.skill in (None, s.skill))))  # fmt: skip
                rows.append(
                    row("headcount", (d.unit_id, "", d.skill or ""), counts[0], counts[1], d)
                )
        return tuple(rows)

    def table(self, name: str):
        """One of TABLES as a pandas DataFrame, one row per record, for analysts in notebooks.

        Every table that names a unit also gives its name and group (`from_name`, `to_name` for
        transfers and reassignments); `skills` has every unit-skill cell, `sensitivity` every
        re-solve of every group. An empty table keeps its columns.
        """
        import pandas as pd

        if name not in self.TABLES:
            raise KeyError(f"no table {name!r}; choose one of {', '.join(self.TABLES)}")
        rows, columns = self._table_rows(name)
        return pd.DataFrame(rows, columns=columns)

    def _table_rows(self, name: str) -> tuple[list[dict], list[str]]:
        scenario = self.scenario

        def unit_name(unit_id: str) -> str:
            return NEW_HIRES if unit_id == NEW_HIRES else scenario.unit(unit_id).label

        def group_of(unit_id: str) -> str:
            return scenario.unit(unit_id).group

        services = {s.service_id: s for s in scenario.services}
        if name == "groups":
            rows = [
                {k: v for k, v in asdict(g).items() if k not in _NOT_COLUMNS}
                | {"explanation": "; ".join(g.explanation)}
                | asdict(g.report)
                | {"solver_faults": "; ".join(g.report.solver_faults)}
                for g in self.groups
            ]
            columns = [f.name for f in fields(GroupResult) if f.name not in _NOT_COLUMNS]
            return rows, [*columns, "explanation", *(f.name for f in fields(GroupReport))]
        if name == "skills":
            return [asdict(r) for r in self.skill_rows()], [f.name for f in fields(SkillRow)]
        if name == "staff":
            rows = [
                {"unit_id": s.unit_id, "name": unit_name(s.unit_id), "group": group_of(s.unit_id)}
                | {k: v for k, v in asdict(s).items() if k != "unit_id"}
                for s in self.staff
            ]
            return rows, ["unit_id", "name", "group", "skill", "before", "after", "hired"]
        if name == "assignments":
            rows = [
                {"group": group_of(a.unit_id), "service_id": a.service_id,
                 "service": services[a.service_id].name, "unit_id": a.unit_id,
                 "unit": unit_name(a.unit_id), "share": a.share}
                for a in self.assignments
            ]  # fmt: skip
            return rows, ["group", "service_id", "service", "unit_id", "unit", "share"]
        if name == "transfers":
            rows = [
                {"group": group_of(t.target), "from": t.source, "from_name": unit_name(t.source),
                 "to": t.target, "to_name": unit_name(t.target), "skill": t.skill,
                 "employees": t.employees}
                # With a Distances sheet: each transfer's distance and employees x distance.
                | ({"distance": t.distance, "total_distance": t.total_distance}
                   if scenario.distances else {})
                for t in self.transfers
            ]  # fmt: skip
            columns = ["group", "from", "from_name", "to", "to_name", "skill", "employees"]
            return rows, columns + (["distance", "total_distance"] if scenario.distances else [])
        if name == "reassignments":
            rows = [
                {"group": group_of(r.target), "service_id": r.service_id,
                 "service": services[r.service_id].name, "from": r.source,
                 "from_name": unit_name(r.source), "to": r.target, "to_name": unit_name(r.target),
                 "share": r.share, "load": r.load}
                for r in self.reassignments
            ]  # fmt: skip
            columns = ["group", "service_id", "service", "from", "from_name", "to", "to_name"]
            return rows, [*columns, "share", "load"]
        if name == "decisions":
            return [asdict(r) for r in self.decision_rows()], [f.name for f in fields(DecisionRow)]
        if name == "sensitivity":
            rows = [
                asdict(s) | {"improvement": s.improvement}
                for g in self.groups
                for s in g.sensitivity
            ]
            return rows, [f.name for f in fields(SensitivityItem)] + ["improvement"]
        records = getattr(self, name)
        record_type = {"units": UnitRow, "checks": Check}[name]
        return [asdict(r) for r in records], [f.name for f in fields(record_type)]

    def to_dict(self) -> dict:
        """JSON-ready summary (infinite coefficients become None, i.e. null)."""
        settings = self.scenario.settings
        return _finite(
            {
                "scenario": self.scenario.name,
                "status": self.status.value,
                "coefficient": settings.coefficient.value,
                "objective": self.objective_value,
                "objective_kind": settings.objective.value,
                "max_coefficient_before": self.max_coefficient_before,
                "max_coefficient_after": self.max_coefficient_after,
                "staff_moved": self.staff_moved,
                "services_moved": self.services_moved,
                "solver": self.report.solver.value,
                "solved_at": self.report.solved_at,
                "seconds": round(self.report.seconds, 3),
                "checks_passed": self.checks_passed,
                "solver_faults": self.report.solver_faults,
                "groups": [
                    {
                        "group": g.group,
                        "status": g.status.value,
                        "objective": g.objective_value,
                        "max_coefficient_before": g.max_coefficient_before,
                        "max_coefficient_after": g.max_coefficient_after,
                        "lower_bound": g.lower_bound,
                        "gap": g.gap,
                        "stop_reason": None if g.stop_reason is None else g.stop_reason.value,
                        "solver_faults": list(g.report.solver_faults),
                        "staff_moved": g.staff_moved,
                        "services_moved": g.services_moved,
                        "explanation": list(g.explanation),
                        "sensitivity": [
                            {
                                "item": s.item,
                                "kind": s.kind.value,
                                "change": s.change,
                                "max_coefficient_now": s.max_coefficient_now,
                                "max_coefficient_after_change": s.max_coefficient_after_change,
                            }
                            for s in g.sensitivity
                        ],
                    }
                    for g in self.groups
                ],
                "units": [
                    {
                        "unit_id": u.unit_id,
                        "group": u.group,
                        "employees_before": u.employees_before,
                        "employees_after": u.employees_after,
                        "coefficient_before": u.coefficient_before,
                        "coefficient_after": u.coefficient_after,
                    }
                    for u in self.units
                ],
                "staff": [
                    {"unit_id": s.unit_id, "skill": s.skill, "before": s.before, "after": s.after}
                    for s in self.staff
                ],
                "assignments": [
                    {"service_id": a.service_id, "unit_id": a.unit_id}
                    | ({"share": a.share} if settings.split_services else {})
                    for a in self.assignments
                ],
                "transfers": [
                    {"from": t.source, "to": t.target, "skill": t.skill, "employees": t.employees}
                    | ({"distance": t.distance} if self.scenario.distances else {})
                    for t in self.transfers
                ],
                "reassignments": [
                    {"service_id": r.service_id, "from": r.source, "to": r.target}
                    | ({"share": r.share} if settings.split_services else {})
                    for r in self.reassignments
                ],
                "checks": [asdict(c) for c in self.checks if not c.passed],
            }
            # Only with a Distances sheet / decisions, so that other summaries keep their keys.
            | ({"total_distance": self.total_distance} if self.scenario.distances else {})
            | ({"decisions": [asdict(r) for r in self.decision_rows()]} if self.proposal else {})
            | ({"wisn": self._wisn_cells()} if settings.coefficient is CoefficientMode.WISN else {})
        )

    def _wisn_cells(self) -> list[dict]:
        """In wisn mode, each cell as WISN studies publish it (current, required, difference,
        ratio, pressure), before and after: a cell's load is its required staff (planner.wisn),
        so these come from the skill rows. A ratio is None (null) where nothing is required."""

        def figures(staff: int, required: float | None) -> dict:
            if required is None:  # the group has no plan
                return {"staff": None, "required": None, "difference": None, "ratio": None,
                        "pressure": None}  # fmt: skip
            ratio = wisn_ratio(staff, required) if required > 0 else None
            return {
                "staff": staff,
                "required": required,
                "difference": wisn_difference(staff, required),
                "ratio": ratio,
                "pressure": None if ratio is None else workload_pressure(ratio).value,
            }

        cells = []
        for row in self.skill_rows():
            before = figures(row.employees_before, row.load_before)
            after = figures(row.employees_after, row.load_after)
            cells.append(
                {"unit_id": row.unit_id, "group": row.group, "category": row.skill}
                | before
                | {f"{key}_after": value for key, value in after.items()}
            )
        return cells


_NOT_COLUMNS = ("sensitivity", "explanation", "report")  # nested: flattened or joined instead


def _finite(value):
    """Replace inf and NaN by None all through a JSON-ready structure."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
