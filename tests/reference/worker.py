"""CP-SAT worker of the exact reference: one JSON request per line on stdin, one answer per line out.

Run as a script (`python tests/reference/worker.py`); it imports only the standard library and
OR-Tools, never planner or highspy (OR-Tools ships its own HiGHS, and the two cannot share a
process). The parent side (tests/reference/problem.py) encodes one group's problem with every
number an exact fraction written as a string; this worker scales them to integers so that every
coefficient test CP-SAT makes is an exact integer inequality (CP-SAT has no tolerances).

Requests:
    {"op": "solve", "problem": {...}, "time_limit": seconds, "workers": n}
        -> {"status": "optimal", "best": "p/q", "fewest_moves": m, "headcount": [[..]],
            "unit_of": [..], "calls": c, "seconds": s}
           or {"status": "infeasible" | "timeout" | "overflow", "detail": "..."}
    {"op": "fewest_moves", "problem": {...}, "threshold": "p/q", ...}
        -> the fewest moves among plans whose objective is <= threshold (same answer shape)
    {"op": "quit"}

Problem (one group; units and skills are indices):
    objective "minmax" | "balance"; units [{"min", "max", "max_moves", "fixed", "keep",
    "keep_skills"}] (keep: the fewest employees the unit keeps; keep_skills: skills it keeps one of);
    skills K; start [[headcount per skill] per unit]; capacity [per-employee capacity per unit];
    services [{"skill", "home", "weight", "allowed": [units, home first]}];
    max_staff_moves, max_service_moves (null: no cap); means [mean coefficient per skill].

minmax: the exact t* by bisection over simple rationals between a proven lower bound and the exact
value of the best plan found, closed by a strict test "every loaded cell below the best value"
proven infeasible; a cell's test load <= t x capacity x n is, for integer scaled load L and each
possible headcount n, L <= floor(W t c n) (strict: ceil(W t c n) - 1), a table indexed by n, so no
coefficient grows with the denominators of t (the linear L <= W t c n is added, when small, for
CP-SAT's relaxation only). Then the fewest moves with every cell at most t*.
balance: the total deviation scaled by the lcm of every denominator (refused as "overflow" when
that does not fit CP-SAT's int64 arithmetic), minimised, then the fewest moves at that minimum; in
count mode each cell's deviation is also a table over its (load, headcount) pairs.
Services with the same skill, weight, unit and allowed units are one class whose count per unit is
a variable (no symmetric copies). CP-SAT runs without dual reductions and inclusion detection in
presolve: OR-Tools 9.15 dropped a balance optimum with them (test_cp_sat_presolve_keeps_the_optimum).
"""

from __future__ import annotations

import json
import math
import sys
import time
import traceback
from fractions import Fraction

from ortools.sat.python import cp_model

INT_LIMIT = 2**62  # headroom below int64 for CP-SAT's own sums of bounds
# minmax bisects until the bracket is this close (relative), then tests 'below the best plan'.
CLOSE = Fraction(1, 20)
TABLE_LOADS = 64  # a cell's deviation is tabled when it has at most this many possible loads
TABLE_CELLS = 4000  # ... and loads x headcounts is at most this


class Overflow(Exception):
    """The exactly scaled model does not fit in int64."""


class Timeout(Exception):
    """CP-SAT did not finish within the case's time limit."""


def lcm_of_denominators(values) -> int:
    return math.lcm(1, *(v.denominator for v in values))


class Group:
    """One group's problem with every weight scaled to an integer (load L = W x load)."""

    def __init__(self, p: dict):
        self.objective = p["objective"]
        self.units = p["units"]
        self.U = len(self.units)
        self.K = int(p["skills"])
        self.start = [[int(v) for v in row] for row in p["start"]]
        self.total = [sum(self.start[u][k] for u in range(self.U)) for k in range(self.K)]
        self.capacity = [Fraction(c) for c in p["capacity"]]
        self.services = p["services"]
        weights = [Fraction(s["weight"]) for s in self.services]
        self.W = lcm_of_denominators(weights)
        self.w = [int(x * self.W) for x in weights]
        self.max_staff_moves = p.get("max_staff_moves")
        self.max_service_moves = p.get("max_service_moves")
        self.means = [Fraction(m) for m in p.get("means") or [0] * self.K]
        # The planner's decisions about staff (problem.py's GroupProblem says what they mean).
        self.cell_bounds = p.get("cell_bounds") or []
        self.fixed_headcounts = p.get("fixed_headcounts") or []
        self.pairs = p.get("pairs") or []
        # Services with the same skill, weight, unit and allowed units are interchangeable: the
        # model counts how many of each class go where (no symmetric copies for CP-SAT to search).
        classes: dict[tuple, list[int]] = {}
        for s, service in enumerate(self.services):
            key = (service["skill"], self.w[s], service["home"], tuple(service["allowed"]))
            classes.setdefault(key, []).append(s)
        self.classes = [
            {"skill": key[0], "w": key[1], "home": key[2], "allowed": key[3], "members": members}
            for key, members in classes.items()
        ]
        self.cell_classes = {(u, k): [] for u in range(self.U) for k in range(self.K)}
        for c, cls in enumerate(self.classes):
            for u in cls["allowed"]:
                self.cell_classes[(u, cls["skill"])].append(c)
        self.lmax = {
            cell: sum(self.classes[c]["w"] * len(self.classes[c]["members"]) for c in cs)
            for cell, cs in self.cell_classes.items()
        }
        if any(v > INT_LIMIT for v in self.lmax.values()):
            raise Overflow("scaled loads exceed int64")
        if any(v * max(self.total, default=0) > INT_LIMIT for v in self.lmax.values()):
            raise Overflow("scaled load x headcount exceeds int64")
        self._balance_scale = None

    # -- exact figures of a plan ------------------------------------------------------------------

    def loads(self, unit_of: list[int]) -> dict[tuple[int, int], int]:
        load = {c: 0 for c in self.cell_classes}
        for s, u in enumerate(unit_of):
            load[(u, self.services[s]["skill"])] += self.w[s]
        return load

    def max_coefficient(self, headcount, unit_of) -> Fraction:
        worst = Fraction(0)
        for (u, k), load in self.loads(unit_of).items():
            if load:
                capacity = self.capacity[u] * headcount[u][k]
                if capacity <= 0:
                    raise AssertionError("plan has load without capacity")
                worst = max(worst, Fraction(load, self.W) / capacity)
        return worst

    def deviation(self, headcount, unit_of) -> Fraction:
        total = Fraction(0)
        for (u, k), load in self.loads(unit_of).items():
            total += abs(
                Fraction(load, self.W) - self.means[k] * self.capacity[u] * headcount[u][k]
            )
        return total

    def moves(self, headcount, unit_of) -> int:
        staff = sum(
            max(0, headcount[u][k] - self.start[u][k]) for u in range(self.U) for k in range(self.K)
        )
        services = sum(1 for s, u in enumerate(unit_of) if u != self.services[s]["home"])
        return staff + services

    def lower_bound(self) -> Fraction:
        """t* >= total load of skill k / (headcount of k x largest capacity per employee): the
        maximum of the cells' ratios is at least the ratio of their sums (the mediant)."""
        best_capacity = max(self.capacity, default=Fraction(0))
        bound = Fraction(0)
        for k in range(self.K):
            load = sum(self.w[s] for s, sv in enumerate(self.services) if sv["skill"] == k)
            if load and self.total[k] and best_capacity > 0:
                bound = max(bound, Fraction(load, self.W) / (best_capacity * self.total[k]))
        return bound

    def balance_scale(self) -> tuple[Fraction, list[int], dict[tuple[int, int], int]]:
        """(unit, a, b): a cell's deviation is |sum_s a[s] y[s, u] - b[u, k] n[u, k]| x unit, all
        integers: every term scaled by the lcm D of every denominator, then divided by the gcd g
        of all the coefficients (unit = g / D)."""
        if self._balance_scale is None:
            per_employee = {
                (u, k): self.means[k] * self.capacity[u]
                for u in range(self.U)
                for k in range(self.K)
            }
            D = math.lcm(self.W, lcm_of_denominators(per_employee.values()))
            a = [w * (D // self.W) for w in self.w]
            b = {c: int(v * D) for c, v in per_employee.items()}
            g = math.gcd(*a, *b.values()) or 1
            self._balance_scale = (
                Fraction(g, D),
                [v // g for v in a],
                {c: v // g for c, v in b.items()},
            )
        return self._balance_scale

    # -- the model --------------------------------------------------------------------------------

    def build(
        self,
        *,
        threshold: Fraction | None = None,
        strict: bool = False,
        deviation_limit: int | None = None,
        minimise: str | None = None,
        hint=None,
    ):
        m = cp_model.CpModel()
        U, K = self.U, self.K
        n = [[None] * K for _ in range(U)]
        j = [[None] * K for _ in range(U)]
        for u, unit in enumerate(self.units):
            for k in range(K):
                s0 = self.start[u][k]
                if unit["fixed"]:
                    n[u][k] = m.new_int_var(s0, s0, f"n{u}_{k}")
                else:
                    lowest = 1 if k in unit["keep_skills"] else 0
                    n[u][k] = m.new_int_var(lowest, self.total[k], f"n{u}_{k}")
                j[u][k] = m.new_int_var(0, self.total[k], f"j{u}_{k}")
                m.add(j[u][k] >= n[u][k] - s0)
        for k in range(K):
            m.add(sum(n[u][k] for u in range(U)) == self.total[k])
        for u, unit in enumerate(self.units):
            headcount = sum(n[u][k] for k in range(K))
            m.add(headcount >= max(int(unit["min"]), int(unit["keep"])))
            if unit["max"] is not None:
                m.add(headcount <= int(unit["max"]))
            if unit["max_moves"] is not None:
                # sum_k |n - start| = sum_k (2 j - (n - start)) when j = max(0, n - start)
                m.add(
                    sum(2 * j[u][k] - n[u][k] + self.start[u][k] for k in range(K))
                    <= int(unit["max_moves"])
                )
        for u, k, low, high in self.cell_bounds:
            m.add(n[u][k] >= low)
            m.add(n[u][k] <= high)
        for u, k, employees in self.fixed_headcounts:
            m.add(sum(n[u][s] for s in range(K) if k in (-1, s)) == employees)
        for k in sorted({pair[2] for pair in self.pairs}):
            # Who sends to whom: the net loss of every cell goes to the net gains, over the
            # pairs not forbidden, with every pinned pair carrying at least its pins.
            rule = {(a, b): e for a, b, skill, e in self.pairs if skill == k}
            gain = [m.new_int_var(0, self.total[k], f"g{u}_{k}") for u in range(U)]
            loss = [m.new_int_var(0, self.total[k], f"l{u}_{k}") for u in range(U)]
            flow = {}
            for u in range(U):
                m.add_max_equality(gain[u], [n[u][k] - self.start[u][k], 0])
                m.add_max_equality(loss[u], [self.start[u][k] - n[u][k], 0])
            for a in range(U):
                for b in range(U):
                    if a != b and rule.get((a, b), 0) is not None:
                        flow[(a, b)] = m.new_int_var(rule.get((a, b)) or 0, self.total[k],
                                                     f"f{a}_{b}_{k}")  # fmt: skip
            for u in range(U):
                m.add(sum(flow[(u, b)] for b in range(U) if (u, b) in flow) == loss[u])
                m.add(sum(flow[(a, u)] for a in range(U) if (a, u) in flow) == gain[u])
        staff_moved = sum(j[u][k] for u in range(U) for k in range(K))
        if self.max_staff_moves is not None:
            m.add(staff_moved <= int(self.max_staff_moves))
        y = {}  # (class, unit) -> how many of the class's services are at the unit
        moved = []
        for c, cls in enumerate(self.classes):
            size = len(cls["members"])
            for u in cls["allowed"]:
                y[(c, u)] = m.new_int_var(0, size, f"y{c}_{u}")
                if u != cls["home"]:
                    moved.append(y[(c, u)])
            m.add(sum(y[(c, u)] for u in cls["allowed"]) == size)
        services_moved = sum(moved)
        if self.max_service_moves is not None and moved:
            m.add(services_moved <= int(self.max_service_moves))
        load = {
            cell: sum(self.classes[c]["w"] * y[(c, cell[0])] for c in cs)
            for cell, cs in self.cell_classes.items()
        }
        for (u, k), expr in load.items():
            if not self.lmax[(u, k)]:
                continue
            if self.capacity[u] <= 0:
                m.add(expr == 0)  # a cell with load and no capacity is not allowed
            else:
                m.add(expr <= self.lmax[(u, k)] * n[u][k])
            if threshold is not None:
                table = [0]
                for count in range(1, self.total[k] + 1):
                    v = self.W * threshold * self.capacity[u] * count
                    most = math.floor(v) if not strict else math.ceil(v) - 1
                    table.append(min(max(most, 0), self.lmax[(u, k)]))
                if self.units[u]["fixed"]:
                    m.add(expr <= table[self.start[u][k]])
                else:
                    allowed = m.new_int_var(0, self.lmax[(u, k)], f"a{u}_{k}")
                    m.add_element(n[u][k], table, allowed)
                    m.add(expr <= allowed)
                    # Implied, for CP-SAT's linear relaxation: load <= W t c n.
                    slope = self.W * threshold * self.capacity[u]
                    if (
                        max(slope.numerator * self.total[k], slope.denominator * self.lmax[(u, k)])
                        < 2**50
                    ):
                        m.add(slope.denominator * expr <= slope.numerator * n[u][k])
        deviation = None
        if self.objective == "balance" and (deviation_limit is not None or minimise == "deviation"):
            _, a, b = self.balance_scale()
            terms = []
            bound = 0
            for (u, k), cs in self.cell_classes.items():
                coefficient = [a[self.classes[c]["members"][0]] for c in cs]
                sizes = [len(self.classes[c]["members"]) for c in cs]
                placed = [y[(c, u)] for c in cs]
                high = sum(v * size for v, size in zip(coefficient, sizes, strict=True))
                low = b[(u, k)] * self.total[k]
                top = max(high, low)
                bound += top
                if bound > INT_LIMIT:
                    raise Overflow("scaled deviation bounds exceed int64")
                d = m.new_int_var(0, top, f"d{u}_{k}")
                e = (
                    sum(v * p for v, p in zip(coefficient, placed, strict=True))
                    - b[(u, k)] * n[u][k]
                )
                m.add(d >= e)
                m.add(d >= -e)
                self._deviation_table(m, d, coefficient, sizes, placed, b[(u, k)], u, k, n)
                terms.append(d)
            # Every service is in one cell, every employee in one: the total deviation is at most
            # the scaled total load plus the largest scaled capacity of each skill's staff.
            most = sum(a) + sum(
                max(b[(u, k)] for u in range(U)) * self.total[k] for k in range(K) if U
            )
            if most > INT_LIMIT:
                raise Overflow("scaled total deviation exceeds int64")
            deviation = m.new_int_var(0, most, "deviation")
            m.add(deviation == sum(terms))
            if deviation_limit is not None:
                m.add(deviation <= deviation_limit)
        objective = None
        if minimise == "moves":
            objective = staff_moved + services_moved
        elif minimise == "deviation":
            objective = deviation
        if objective is not None:
            m.minimize(objective)
        if hint is not None:
            headcount, unit_of = hint
            for u in range(U):
                for k in range(K):
                    m.add_hint(n[u][k], headcount[u][k])
            for (c, u), var in y.items():
                m.add_hint(var, sum(1 for s in self.classes[c]["members"] if unit_of[s] == u))
        return m, n, y, objective

    def _deviation_table(self, m, d, weights, sizes, placed, b_uk, u, k, n) -> None:
        """d = |load - b n| exactly, as a table over the cell's possible loads and headcounts,
        when that table is small: the inequalities d >= +-(load - b n) alone leave CP-SAT a
        relaxation where fractional headcounts cost nothing, and its proofs very long."""
        if len(set(self.w)) > 1:
            return  # weights that differ (hours mode): tables of large values slow CP-SAT down
        sums = {0}
        for w, size in zip(weights, sizes, strict=True):
            sums = {v + w * count for v in sums for count in range(size + 1)}
            if len(sums) > TABLE_LOADS:
                return
        counts = self.possible_headcounts(u, k)
        if len(sums) * len(counts) > TABLE_CELLS:
            return
        sums = sorted(sums)
        load = m.new_int_var_from_domain(cp_model.Domain.from_values(sums), f"l{u}_{k}")
        m.add(load == sum(w * v for w, v in zip(weights, placed, strict=True)))
        m.add_allowed_assignments(
            [load, n[u][k], d], [(v, c, abs(v - b_uk * c)) for v in sums for c in counts]
        )

    def possible_headcounts(self, u: int, k: int) -> list[int]:
        unit = self.units[u]
        if unit["fixed"]:
            return [self.start[u][k]]
        return list(range(1 if k in unit["keep_skills"] else 0, self.total[k] + 1))

    def read(self, solver, n, y) -> tuple[list[list[int]], list[int]]:
        headcount = [[solver.value(n[u][k]) for k in range(self.K)] for u in range(self.U)]
        unit_of = [-1] * len(self.services)
        for c, cls in enumerate(self.classes):
            members = iter(cls["members"])  # the class's services, in a fixed order
            for u in cls["allowed"]:
                for _ in range(solver.value(y[(c, u)])):
                    unit_of[next(members)] = u
        return headcount, unit_of


def simplest_between(low: Fraction, high: Fraction) -> Fraction:
    """The rational with the smallest denominator in [low, high] (0 <= low < high)."""
    floor = low.numerator // low.denominator
    if floor == low:
        return Fraction(floor)
    if floor + 1 <= high:
        return Fraction(floor + 1)
    return floor + 1 / simplest_between(1 / (high - floor), 1 / (low - floor))


class Runner:
    """CP-SAT calls within one case's time budget."""

    def __init__(self, time_limit: float, workers: int):
        self.deadline = time.perf_counter() + time_limit
        self.workers = workers
        self.calls = 0

    def run(self, built, *, optimise: bool):
        model = built[0]
        remaining = self.deadline - time.perf_counter()
        if remaining <= 0:
            raise Timeout("time limit reached")
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = remaining
        solver.parameters.num_workers = self.workers
        solver.parameters.random_seed = 1
        # OR-Tools 9.15's presolve drops the optimum of some balance models (tests/engine/
        # test_reference.py::test_cp_sat_presolve_keeps_the_optimum): no dual reductions, no
        # inclusion detection. A reference must not trade any optimum for speed.
        solver.parameters.keep_all_feasible_solutions_in_presolve = True
        solver.parameters.presolve_inclusion_work_limit = 0
        solver.parameters.absolute_gap_limit = 0.0  # optimal means proven: objectives are integers
        solver.parameters.relative_gap_limit = 0.0
        self.calls += 1
        status = solver.solve(model)
        if status == cp_model.INFEASIBLE:
            return None
        if status == cp_model.OPTIMAL or (status == cp_model.FEASIBLE and not optimise):
            return solver, built
        if status == cp_model.MODEL_INVALID:
            raise Overflow(f"CP-SAT refused the model: {model.validate()}")
        raise Timeout(f"CP-SAT stopped with {solver.status_name(status)}")


def fewest_moves(g: Group, runner: Runner, *, threshold=None, deviation_limit=None, hint=None):
    found = runner.run(
        g.build(threshold=threshold, deviation_limit=deviation_limit, minimise="moves", hint=hint),
        optimise=True,
    )
    if found is None:
        return None
    solver, (_, n, y, objective) = found
    plan = g.read(solver, n, y)
    moves = g.moves(*plan)
    if moves != solver.value(objective):
        raise AssertionError("moves objective differs from the plan's moves")
    return moves, plan


def solve_minmax(g: Group, runner: Runner) -> dict:
    found = runner.run(g.build(), optimise=False)
    if found is None:
        return {"status": "infeasible"}
    plan = g.read(found[0], *found[1][1:3])
    high = g.max_coefficient(*plan)
    low = g.lower_bound()  # t* >= low
    while high > low:
        if (high - low) <= high * CLOSE:
            found = runner.run(g.build(threshold=high, strict=True), optimise=False)
            if found is None:
                break  # no plan has every loaded cell below `high`: t* = high
        else:
            mid = simplest_between(low + (high - low) * 2 / 5, low + (high - low) * 3 / 5)
            found = runner.run(g.build(threshold=mid), optimise=False)
            if found is None:
                low = mid  # t* > mid
                continue
        plan = g.read(found[0], *found[1][1:3])
        high = g.max_coefficient(*plan)
    best = high
    moves, plan = fewest_moves(g, runner, threshold=best, hint=plan)
    return {"status": "optimal", "best": str(best), "fewest_moves": moves, "plan": plan}


def deviation_limit(g: Group, value: Fraction) -> int:
    unit = g.balance_scale()[0]
    return math.floor(value / unit)


def solve_balance(g: Group, runner: Runner) -> dict:
    found = runner.run(g.build(minimise="deviation"), optimise=True)
    if found is None:
        return {"status": "infeasible"}
    solver, (_, n, y, objective) = found
    plan = g.read(solver, n, y)
    best = g.deviation(*plan)
    unit = g.balance_scale()[0]
    if best != solver.value(objective) * unit:  # exact integers, not the float objective
        raise AssertionError("scaled deviation differs from the plan's exact deviation")
    moves, plan = fewest_moves(g, runner, deviation_limit=deviation_limit(g, best), hint=plan)
    return {"status": "optimal", "best": str(best), "fewest_moves": moves, "plan": plan}


def handle(request: dict) -> dict:
    started = time.perf_counter()
    runner = Runner(float(request.get("time_limit", 60.0)), int(request.get("workers", 1)))
    try:
        g = Group(request["problem"])
        if request["op"] == "solve":
            answer = (
                solve_minmax(g, runner) if g.objective == "minmax" else solve_balance(g, runner)
            )
        elif request["op"] == "fewest_moves":
            limit = Fraction(request["threshold"])
            if g.objective == "minmax":
                got = fewest_moves(g, runner, threshold=limit)
            else:
                got = fewest_moves(g, runner, deviation_limit=deviation_limit(g, limit))
            if got is None:
                answer = {"status": "infeasible"}
            else:
                answer = {"status": "optimal", "fewest_moves": got[0], "plan": got[1]}
        else:
            raise ValueError(f"unknown op {request['op']!r}")
    except Overflow as error:
        answer = {"status": "overflow", "detail": str(error)}
    except Timeout as error:
        answer = {"status": "timeout", "detail": str(error)}
    if "plan" in answer:
        answer["headcount"], answer["unit_of"] = answer.pop("plan")
    answer["calls"] = runner.calls
    answer["seconds"] = time.perf_counter() - started
    return answer


def main() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if request.get("op") == "quit":
            break
        try:
            answer = handle(request)
        except Exception as error:  # reported to the parent, which raises it in the test
            # The line of the worker where it failed, so that the test's message shows it.
            own = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == __file__]
            where = own[-1] if own else traceback.extract_tb(error.__traceback__)[-1]
            answer = {
                "status": "error",
                "detail": f"{type(error).__name__} at line {where.lineno}: {error}",
            }
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
