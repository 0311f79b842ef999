"""The usual way: the planner's optimisation written plainly, as a first-time PuLP user would.

This is the benchmark's second reference (bench/README.md). It solves the same lexicographic
problems as planner, group by group and sequentially, from the same Scenario, but the way a first
model is usually written:

- PuLP expressions: `LpVariable.dicts` keyed by (unit, skill) and (service, unit), `lpSum` over
  dictionaries, one `LpProblem` per solve, rebuilt from scratch every time;
- PuLP's bundled CBC, `PULP_CBC_CMD(msg=False)`, default options;
- one binary per (movable service, eligible unit); integer headcounts; joiners/leavers as
  `j >= n - start`, `l >= start - n`.

Objectives, as planner defines them (README, docs):
- minmax, staff only (no service can move): maximise r = 1/t subject to cap*n >= load*r, then the
  fewest staff moves at t*;
- minmax with services: bisection on t from [0, current maximum] to the same 1e-6 relative
  tolerance, each step a feasibility MILP, then the fewest moves at t*;
- balance: minimise the total deviation |load - mean_k * capacity| over cells (in load units:
  staff hours or services, as planner reports it), then the fewest
  moves at that deviation;
- frontier: for each budget of staff moves per group, t* alone (no moves stage), by the same
  bisection (or ratio MILP when no service can move).

t* is taken as the exact maximum coefficient of the plan found (recomputed from its headcounts and
assignments), as a careful user would report it.

Run by bench/run.py; standalone:
    python bench/usual.py WORKBOOK --case national-minmax-services --out usual.jsonl [--budget S]
Each finished group is appended to the JSONL file as soon as it is done, so that a run stopped by
the time budget still leaves every group it finished. With --group-cap S each group runs in a forked
child that is cut after S seconds (with the CBC it is running); the group is then recorded as
taking S seconds (a lower bound) with `"capped": true`, and the sample goes on.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import math
import multiprocessing
import os
import random
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from queue import Empty

import pulp

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as _bench  # noqa: E402, F401  (puts the planner being measured first on sys.path)

RELATIVE_TOLERANCE = 1e-6
HOURS = "hours"


@dataclass
class GroupInput:
    """What a first-time user would pull out of the scenario for one group, as plain dicts."""

    name: str
    units: list[str]
    skills: list[str]
    start: dict[tuple[str, str], int]  # (unit, skill) -> headcount before
    capacity: dict[str, float]  # unit -> load one employee carries at coefficient 1
    unit: dict[str, object]  # unit id -> Unit
    fixed_load: dict[tuple[str, str], float]  # load of services that cannot move
    movable: dict[str, tuple[str, str, float, list[str]]]  # service -> (home, skill, weight, units)
    settings: object
    own_skills: dict[str, set[str]]  # unit -> skills of the services it delivers now


def group_input(scenario, group: str) -> GroupInput:
    settings = scenario.settings
    hours_mode = settings.coefficient.value == HOURS
    units = sorted(u.unit_id for u in scenario.units if u.group == group)
    in_group = set(units)
    unit = {u.unit_id: u for u in scenario.units if u.group == group}
    skills = sorted(
        {c.skill for c in scenario.staff if c.unit_id in in_group}
        | {s.skill for s in scenario.services if s.unit_id in in_group}
        | {h.skill for h in scenario.hires if h.unit_id in in_group}
    )
    start = {(u, k): 0 for u in units for k in skills}
    for cell in scenario.staff:
        if cell.unit_id in in_group:
            start[cell.unit_id, cell.skill] += cell.employees
    for hire in scenario.hires:
        if hire.unit_id in in_group:
            start[hire.unit_id, hire.skill] += hire.employees
    capacity = {}
    for u in units:
        if hours_mode:
            hours = unit[u].hours_per_fte or settings.hours_per_fte or 0.0
            capacity[u] = unit[u].service_share * hours
        else:
            capacity[u] = unit[u].service_share
    fixed_load = {(u, k): 0.0 for u in units for k in skills}
    movable = {}
    for s in scenario.services:
        if s.unit_id not in in_group:
            continue
        weight = s.hours if hours_mode else 1.0
        eligible = [s.unit_id]
        if s.movable and settings.allow_service_moves:
            listed = [u for u in s.eligible_units if u in in_group] if s.eligible_units else units
            eligible += sorted(u for u in listed if u != s.unit_id)
        if len(eligible) > 1:
            movable[s.service_id] = (s.unit_id, s.skill, weight, eligible)
        else:
            fixed_load[s.unit_id, s.skill] += weight
    own_skills: dict[str, set[str]] = {u: set() for u in units}
    for s in scenario.services:
        if s.unit_id in in_group:
            own_skills[s.unit_id].add(s.skill)
    return GroupInput(
        group, units, skills, start, capacity, unit, fixed_load, movable, settings, own_skills
    )


class Model:
    """One LpProblem of a group, built from scratch (the usual way: nothing is reused)."""

    def __init__(self, g: GroupInput, sense=pulp.LpMinimize, max_staff_moves=None) -> None:
        self.g = g
        settings = g.settings
        self.prob = pulp.LpProblem("group", sense)
        cells = [(u, k) for u in g.units for k in g.skills]
        total = {k: sum(g.start[u, k] for u in g.units) for k in g.skills}
        self.n = {}
        for u, k in cells:
            unit = g.unit[u]
            fixed = (
                not settings.allow_staff_moves or unit.locked or unit.max_moves == 0 or not total[k]
            )
            if fixed:
                low = up = g.start[u, k]
            else:
                low = 0
                up = total[k] if unit.max_employees is None else min(total[k], unit.max_employees)
                up = max(up, g.start[u, k])
            self.n[u, k] = pulp.LpVariable(f"n_{u}_{k}", low, up, cat="Integer")
        self.join = pulp.LpVariable.dicts("join", cells, lowBound=0)
        self.leave = pulp.LpVariable.dicts("leave", cells, lowBound=0)
        pairs = [(s, u) for s, (_, _, _, units) in g.movable.items() for u in units]
        self.x = pulp.LpVariable.dicts("x", pairs, cat="Binary")
        for u, k in cells:
            self.prob += self.join[u, k] >= self.n[u, k] - g.start[u, k]
            self.prob += self.leave[u, k] >= g.start[u, k] - self.n[u, k]
        if settings.allow_staff_moves:
            for k in g.skills:
                self.prob += pulp.lpSum(self.n[u, k] for u in g.units) == total[k]
        from planner.domain import staff_to_keep  # the measured planner's (after run.py's path)

        share = getattr(settings, "keep_staff_share", 0.0)
        for u in g.units:
            unit = g.unit[u]
            headcount = pulp.lpSum(self.n[u, k] for k in g.skills)
            if unit.min_employees:
                self.prob += headcount >= unit.min_employees
            if share > 0 and settings.allow_staff_moves and not unit.locked:
                # The keep rule (README, Settings): a quarter of the unit's staff (rounded up)
                # and one employee of each skill its own services need and it has.
                employees = sum(g.start[u, k] for k in g.skills)
                self.prob += headcount >= staff_to_keep(employees, share)
                for k in g.skills:
                    if g.start[u, k] > 0 and k in g.own_skills[u]:
                        self.prob += self.n[u, k] >= 1
            if unit.max_employees is not None:
                self.prob += headcount <= unit.max_employees
            if unit.max_moves is not None:
                self.prob += (
                    pulp.lpSum(self.join[u, k] + self.leave[u, k] for k in g.skills)
                    <= unit.max_moves
                )
        for s, (_, _, _, units) in g.movable.items():
            self.prob += pulp.lpSum(self.x[s, u] for u in units) == 1
        budget = settings.max_staff_moves if max_staff_moves is None else max_staff_moves
        if budget is not None:
            self.prob += pulp.lpSum(self.join.values()) <= budget
        self.service_moves = pulp.lpSum(
            1 - self.x[s, home] for s, (home, _, _, _) in g.movable.items()
        )
        if settings.max_service_moves is not None and g.movable:
            self.prob += self.service_moves <= settings.max_service_moves
        # A cell with load needs staff of its skill (a scenario rule; minmax implies it, balance
        # does not).
        for u, k in cells:
            if g.fixed_load[u, k] > 0:
                self.prob += self.n[u, k] >= 1
        for s, (_, skill, _, units) in g.movable.items():
            for u in units:
                self.prob += self.x[s, u] <= self.n[u, skill]
        self.load = {}
        for u, k in cells:
            self.load[u, k] = g.fixed_load[u, k] + pulp.lpSum(
                w * self.x[s, u]
                for s, (_, skill, w, units) in g.movable.items()
                if skill == k and u in units
            )

    def moves(self):
        return pulp.lpSum(self.join.values()) + self.service_moves

    def solve(self) -> str:
        self.prob.solve(pulp.PULP_CBC_CMD(msg=False))
        return pulp.LpStatus[self.prob.status]

    def plan(self) -> tuple[dict, dict]:
        """(headcount per cell, unit of each movable service), rounded."""
        headcount = {c: int(round(v.varValue or 0)) for c, v in self.n.items()}
        placed = {}
        for s, (_, _, _, units) in self.g.movable.items():
            placed[s] = max(units, key=lambda u: self.x[s, u].varValue or 0)
        return headcount, placed


def plan_load(g: GroupInput, placed: dict) -> dict:
    load = dict(g.fixed_load)
    for s, (home, skill, w, _) in g.movable.items():
        load[placed.get(s, home), skill] += w
    return load


def max_coefficient(g: GroupInput, headcount: dict, placed: dict) -> float:
    load = plan_load(g, placed)
    worst = 0.0
    for (u, k), value in load.items():
        capacity = headcount[u, k] * g.capacity[u]
        if capacity > 0:
            worst = max(worst, value / capacity)
        elif value > 0:
            return math.inf
    return worst


def moves_of(g: GroupInput, headcount: dict, placed: dict) -> tuple[int, int]:
    staff = sum(max(headcount[c] - g.start[c], 0) for c in headcount)
    services = sum(1 for s, (home, _, _, _) in g.movable.items() if placed[s] != home)
    return staff, services


def current(g: GroupInput) -> tuple[dict, dict]:
    return dict(g.start), {s: home for s, (home, _, _, _) in g.movable.items()}


class Counter:
    solves = 0


def best_t(g: GroupInput, counter: Counter, max_staff_moves=None) -> tuple[float, dict, dict]:
    """t* and a plan reaching it: ratio MILP (staff only) or bisection on t."""
    headcount, placed = current(g)
    best = max_coefficient(g, headcount, placed)
    if best == 0.0:
        return 0.0, headcount, placed
    if not g.movable:
        m = Model(g, pulp.LpMaximize, max_staff_moves)
        r = pulp.LpVariable("r", lowBound=0)
        m.prob += r
        for c, load in m.load.items():
            value = pulp.value(load)
            if value and value > 0:
                m.prob += g.capacity[c[0]] * m.n[c] >= value * r
        counter.solves += 1
        if m.solve() == "Optimal":
            headcount, placed = m.plan()
            best = min(best, max_coefficient(g, headcount, placed))
        return best, headcount, placed
    if not math.isfinite(best):  # a cell with load and no staff now: start from a crude bound
        smallest = min((c for c in g.capacity.values() if c > 0), default=1.0)
        total_load = sum(g.fixed_load.values()) + sum(w for _, _, w, _ in g.movable.values())
        best = 2 * total_load / smallest + 1
    low, high = 0.0, best
    while high - low > RELATIVE_TOLERANCE * high:
        t = (low + high) / 2
        m = Model(g, pulp.LpMinimize, max_staff_moves)
        m.prob += pulp.lpSum([])  # feasibility problem
        for c, load in m.load.items():
            m.prob += load <= t * g.capacity[c[0]] * m.n[c]
        counter.solves += 1
        if m.solve() == "Optimal":
            found = m.plan()
            value = max_coefficient(g, *found)
            if value < best:
                best, (headcount, placed) = value, found
            high = t
        else:
            low = t
    return best, headcount, placed


def fewest_moves_at(g: GroupInput, t: float, counter: Counter) -> tuple[dict, dict] | None:
    m = Model(g)
    m.prob += m.moves()
    limit = t * (1 + RELATIVE_TOLERANCE)
    for c, load in m.load.items():
        m.prob += load <= limit * g.capacity[c[0]] * m.n[c]
    counter.solves += 1
    return m.plan() if m.solve() == "Optimal" else None


def minmax(g: GroupInput) -> dict:
    counter = Counter()
    best, headcount, placed = best_t(g, counter)
    if best > 0:
        moved = fewest_moves_at(g, best, counter)
        if moved is not None and max_coefficient(g, *moved) <= best * (1 + 2 * RELATIVE_TOLERANCE):
            headcount, placed = moved
    staff, services = moves_of(g, headcount, placed)
    return {
        "objective": max_coefficient(g, headcount, placed),
        "staff_moved": staff,
        "services_moved": services,
        "solves": counter.solves,
        **plan_record(g, headcount, placed),
    }


def plan_record(g: GroupInput, headcount: dict, placed: dict) -> dict:
    """The plan as JSON-able lists, for the usual way's own result tables (write_tables)."""
    return {
        "headcount": [[u, k, int(round(n))] for (u, k), n in sorted(headcount.items())],
        "placed": sorted([s, u] for s, u in placed.items()),
    }


def balance(g: GroupInput) -> dict:
    counter = Counter()
    load0 = plan_load(g, current(g)[1])
    mean = {}
    for k in g.skills:
        capacity = sum(g.start[u, k] * g.capacity[u] for u in g.units)
        mean[k] = sum(load0[u, k] for u in g.units) / capacity if capacity > 0 else 0.0

    def build():
        m = Model(g)
        over = pulp.LpVariable.dicts("over", list(m.n), lowBound=0)
        under = pulp.LpVariable.dicts("under", list(m.n), lowBound=0)
        for (u, k), load in m.load.items():
            m.prob += load - mean[k] * g.capacity[u] * m.n[u, k] == over[u, k] - under[u, k]
        return m, pulp.lpSum(over.values()) + pulp.lpSum(under.values())

    def deviation(headcount, placed):
        load = plan_load(g, placed)
        return sum(abs(load[u, k] - mean[k] * g.capacity[u] * headcount[u, k]) for u, k in load)

    m, total = build()
    m.prob += total
    counter.solves += 1
    if m.solve() != "Optimal":
        return {"objective": None, "solves": counter.solves}
    headcount, placed = m.plan()
    best = deviation(headcount, placed)
    m, total = build()
    m.prob += m.moves()
    m.prob += total <= best * (1 + RELATIVE_TOLERANCE) + 1e-9
    counter.solves += 1
    if m.solve() == "Optimal":
        headcount, placed = m.plan()
    staff, services = moves_of(g, headcount, placed)
    return {
        **plan_record(g, headcount, placed),
        "objective": deviation(headcount, placed),
        "staff_moved": staff,
        "services_moved": services,
        "solves": counter.solves,
    }


def frontier(g: GroupInput, budgets: list[int]) -> dict:
    counter = Counter()
    points = []
    for budget in budgets:
        best, _, _ = best_t(g, counter, max_staff_moves=budget)
        points.append(best)
    return {"objective": points, "solves": counter.solves}


# --- reading and writing, the usual way: pandas ---------------------------------------------------


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _number(value, default=None):
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return default
    return float(value)


def scenario_from_frames(frames: dict):
    """The scenario as an analyst would build it from `pandas.read_excel(path, sheet_name=None)`:
    column by column, into the same plain records (planner.domain's dataclasses, used here only as
    records so that both sides solve the same problem; bench/run.py checks they are equal)."""
    from planner.domain import CoefficientMode, Scenario, Service, Settings, StaffCell, Unit

    yes = {"yes", "true", "1", "y"}
    settings_rows = dict(
        zip(frames["Settings"]["Setting"], frames["Settings"]["Value"], strict=True)
    )

    def setting(name, default=None):
        return _number(settings_rows.get(name), default)

    coefficient = CoefficientMode(_text(settings_rows.get("coefficient")) or "count")
    settings = Settings(
        coefficient=coefficient,
        allow_staff_moves=_text(settings_rows.get("allow staff moves")).lower() in yes,
        allow_service_moves=_text(settings_rows.get("allow service moves")).lower() in yes,
        max_staff_moves=None
        if setting("max staff moves") is None
        else int(setting("max staff moves")),
        max_service_moves=None
        if setting("max service moves") is None
        else int(setting("max service moves")),
        hours_per_fte=setting("hours per fte"),
        keep_staff_share=setting("keep staff share", 0.25),
    )
    units = tuple(
        Unit(
            unit_id=str(row["Unit ID"]),
            name=_text(row["Name"]),
            level=_text(row["Level"]),
            parent=_text(row["Parent"]) or None,
            group=_text(row["Group"]) or "all",
            min_employees=int(_number(row["Min employees"], 0)),
            max_employees=None
            if _number(row["Max employees"]) is None
            else int(row["Max employees"]),
            max_moves=None if _number(row["Max moves"]) is None else int(row["Max moves"]),
            locked=_text(row["Locked"]).lower() in yes,
            service_share=_number(row["Service share"], 1.0),
            hours_per_fte=_number(row["Hours per FTE"]),
        )
        for row in frames["Units"].to_dict("records")
    )
    staff = tuple(
        StaffCell(str(row["Unit ID"]), _text(row["Skill"]) or "general", int(row["Employees"]))
        for row in frames["Staff"].to_dict("records")
    )
    services = tuple(
        Service(
            service_id=str(row["Service ID"]),
            unit_id=str(row["Unit ID"]),
            name=_text(row["Name"]),
            skill=_text(row["Skill"]) or "general",
            volume=_number(row["Volume"], 1.0),
            minutes=_number(row["Minutes"]),
            digital_share=_number(row["Digital share"], 0.0),
            movable=_text(row["Movable"]).lower() in yes,
            eligible_units=tuple(
                u.strip() for u in _text(row["Eligible units"]).split(";") if u.strip()
            ),
        )
        for row in frames["Services"].to_dict("records")
    )
    return Scenario("usual", units, staff, services, settings)


def _plain(records) -> tuple:
    """Records without their sheet row numbers (only the planner's reader keeps them)."""
    return tuple(dataclasses.replace(r, row=None) for r in records)


def result_frames(scenario, rows: list[dict]) -> dict:
    """The result tables the usual way writes (one row per unit, staff cell and service), as
    DataFrames: the same rows as the planner's Units, Staff and Assignments sheets."""
    import pandas as pd

    after: dict[tuple[str, str], int] = {}
    placed: dict[str, str] = {}
    for row in rows:
        after.update({(u, k): n for u, k, n in row.get("headcount", [])})
        placed.update(dict(row.get("placed", [])))
    done = {u for (u, _) in after}
    before: dict[tuple[str, str], int] = {}
    for cell in scenario.staff:
        before[cell.unit_id, cell.skill] = (
            before.get((cell.unit_id, cell.skill), 0) + cell.employees
        )
    staff = pd.DataFrame(
        [(u, k, before.get((u, k), 0), n) for (u, k), n in sorted(after.items())],
        columns=["Unit ID", "Skill", "Employees before", "Employees after"],
    )
    units = pd.DataFrame(
        [
            (u.unit_id, u.name, u.group, sum(v for (x, _), v in before.items() if x == u.unit_id))
            for u in scenario.units
            if u.unit_id in done
        ],
        columns=["Unit ID", "Name", "Group", "Employees before"],
    )
    totals = staff.groupby("Unit ID")["Employees after"].sum()
    units["Employees after"] = units["Unit ID"].map(totals).fillna(0).astype(int)
    assignments = pd.DataFrame(
        [
            (s.service_id, s.unit_id, placed.get(s.service_id, s.unit_id), s.hours)
            for s in scenario.services
            if s.unit_id in done
        ],
        columns=["Service ID", "Unit before", "Unit after", "Hours"],
    )
    return {"Units": units, "Staff": staff, "Assignments": assignments}


def write_tables(frames: dict, path: Path) -> int:
    """DataFrame.to_excel of every table into one workbook (pandas' default engine)."""
    import pandas as pd

    with pd.ExcelWriter(path) as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return sum(len(f) for f in frames.values())


def sample_order(groups: list[str], seed: int = 0) -> list[str]:
    """Groups in a deterministic random order: a budget-capped run is a random sample."""
    order = sorted(groups)
    random.Random(seed).shuffle(order)
    return order


def solve_group(scenario, group: str, case) -> dict:
    g = group_input(scenario, group)
    if case.kind == "frontier":
        return frontier(g, list(case.budgets))
    if case.objective == "balance":
        return balance(g)
    return minmax(g)


def _child(scenario, group: str, case, queue) -> None:
    os.setpgrp()  # its own process group: a cut also ends the CBC it is running
    queue.put(solve_group(scenario, group, case))


def solve_group_capped(scenario, group: str, case, cap: float | None) -> dict:
    """One group in a forked child, cut after `cap` seconds (None: no cap, in this process)."""
    if cap is None:
        return solve_group(scenario, group, case)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child, args=(scenario, group, case, queue))
    child.start()
    try:
        return queue.get(timeout=cap)
    except Empty:
        return {"objective": None, "capped": True}
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.join()


def main(argv: list[str] | None = None) -> int:
    from run import CASES, case_scenario  # bench/run.py: case definitions shared by all parts

    from planner.workbook import read_scenario

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook")
    parser.add_argument("--case", required=True, choices=sorted(CASES))
    parser.add_argument("--out", required=True, help="JSONL file: one line per finished group")
    parser.add_argument("--budget", type=float, default=None, help="stop starting groups after S")
    parser.add_argument(
        "--group-cap", type=float, default=None,
        help="cut a group after S seconds (it then counts as S, a lower bound)",
    )  # fmt: skip
    parser.add_argument(
        "--whole", action="store_true",
        help="the whole pipeline: pandas.read_excel of the workbook, the solves, to_excel of the "
             "result tables (the last JSONL line holds read_s, write_s and the check)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    case = CASES[args.case]
    out = Path(args.out)
    out.write_text("")
    io: dict = {}
    if args.whole:
        import pandas as pd

        read_started = time.perf_counter()
        frames = pd.read_excel(args.workbook, sheet_name=None)
        scenario = case_scenario(scenario_from_frames(frames), case)
        io["read_s"] = time.perf_counter() - read_started
        io["reader"] = f"pandas {pd.__version__}, read_excel default engine"
        # Not timed: the planner's reader on the same file, to check both read the same problem.
        reference = case_scenario(read_scenario(args.workbook), case)
        io["same_scenario"] = (
            all(
                _plain(getattr(reference, part)) == _plain(getattr(scenario, part))
                for part in ("units", "staff", "services")
            )
            and reference.settings == scenario.settings
        )
    else:
        scenario = case_scenario(read_scenario(args.workbook), case)
    groups = sample_order(list(scenario.groups))
    started = time.perf_counter()
    last_report = started
    rows: list[dict] = []
    for number, group in enumerate(groups, 1):
        if args.budget is not None and time.perf_counter() - started > args.budget:
            break
        group_started = time.perf_counter()
        row = solve_group_capped(scenario, group, case, args.group_cap)
        row = {"group": group, "seconds": time.perf_counter() - group_started, **row}
        rows.append(row)
        with out.open("a") as f:
            record = {k: v for k, v in row.items() if k not in ("headcount", "placed")}
            f.write(json.dumps(record) + "\n")
        if time.perf_counter() - last_report > 5:
            last_report = time.perf_counter()
            print(
                f"  [{args.case}] usual: {number}/{len(groups)} groups, "
                f"{last_report - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )
    if args.whole and case.kind == "solve":
        write_started = time.perf_counter()
        written = write_tables(result_frames(scenario, rows), out.with_suffix(".xlsx"))
        io["write_s"] = time.perf_counter() - write_started
        io["rows_written"] = written
        io["groups_written"] = len(rows)
        with out.open("a") as f:
            f.write(json.dumps({"io": io}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
