"""Solver backends: hand a LinearModel to HiGHS (directly or through PuLP) or to CBC, and read back
a status that keeps "did it run" apart from "why did it stop".

Every backend keeps the model loaded between solves so that the minmax search can move the threshold
t (the coefficient of n in each load row), swap objectives and add rows without rebuilding.

Status is never taken on trust: PuLP maps HiGHS stopping on a time or iteration limit to "Optimal"
(DESIGN.md, "Known traps"), so both PuLP statuses are read, HiGHS's own model status is read where we
talk to HiGHS directly, and every returned point is checked against the rows, bounds and
integrality of the model before it is accepted.
"""

from __future__ import annotations

import itertools
import json
import os
import time
import warnings
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from planner.domain import SolverName
from planner.engine.model import LinearModel
from planner.errors import SolverError

# A directory in this environment variable makes every HiGHS run also write its model (MPS) and
# its options and seconds (JSON) there, so that HiGHS alone can be timed on exactly the planner's
# models (bench/floor.py). An environment variable, not a module setting, so that worker
# processes record too.
RECORD_MODELS_ENV = "PLANNER_RECORD_MODELS"
RECORDED_OPTIONS = (
    "presolve", "mip_heuristic_effort", "mip_abs_gap", "mip_rel_gap", "mip_feasibility_tolerance", "random_seed", "threads",
)  # fmt: skip
_recorded = itertools.count(1)

FEASIBILITY_TOLERANCE = 1e-6  # how far a returned point may violate a row or bound
INTEGRALITY_TOLERANCE = 1e-6


class RunStatus(StrEnum):
    """Why a solver call stopped."""

    OPTIMAL = "optimal"  # proven optimal (feasibility problems: a feasible point)
    FEASIBLE = "feasible"  # stopped by a limit with a checked feasible point
    INFEASIBLE = "infeasible"  # proven infeasible
    NO_SOLUTION = "no solution"  # stopped by a limit with no usable point
    REJECTED = "rejected"  # returned a point that violates the model: a wrong answer, not a limit
    ERROR = "error"


@dataclass(frozen=True)
class SolverRun:
    """What one solver call returned."""

    status: RunStatus
    values: np.ndarray | None
    objective: float | None
    bound: float | None  # best proven bound on the objective (MIP dual bound), if known
    seconds: float
    detail: str  # the solver's own words for why it stopped

    @property
    def point(self) -> np.ndarray:
        """The checked point of an optimal or feasible run (Backend._accept checks every point)."""
        if self.values is None:
            raise RuntimeError(f"a {self.status} solver run has no point")
        return self.values

    @property
    def gap(self) -> float | None:
        """Relative gap between the solution and the proven bound, if both are known."""
        if self.objective is None or self.bound is None:
            return None
        return abs(self.objective - self.bound) / max(abs(self.objective), 1e-9)


def point_violation(model: LinearModel, values: np.ndarray) -> float:
    """Largest violation of a row, a bound or integrality by a point (0.0 when it satisfies all)."""
    lower = np.asarray(model.col_lower)
    upper = np.asarray(model.col_upper)
    worst = float(max(np.max(lower - values, initial=0.0), np.max(values - upper, initial=0.0)))
    integer = np.asarray(model.col_integer, dtype=bool)
    if integer.any():
        worst = max(worst, float(np.max(np.abs(values[integer] - np.rint(values[integer])))))
    if model.num_rows:
        rows = np.asarray(model.entry_row, dtype=np.int64)
        cols = np.asarray(model.entry_col, dtype=np.int64)
        terms = np.asarray(model.entry_value, dtype=float) * values[cols]
        activity = np.bincount(rows, weights=terms, minlength=model.num_rows)
        row_lower, row_upper = np.asarray(model.row_lower), np.asarray(model.row_upper)
        finite_lower = np.where(np.isfinite(row_lower), np.abs(row_lower), 0.0)
        finite_upper = np.where(np.isfinite(row_upper), np.abs(row_upper), 0.0)
        scale = np.maximum(1.0, np.maximum(finite_lower, finite_upper))
        worst = max(
            worst,
            float(np.max((row_lower - activity) / scale, initial=0.0)),
            float(np.max((activity - row_upper) / scale, initial=0.0)),
        )
    return worst


class Backend:
    """A model loaded into a solver, changed in place between solves."""

    def __init__(self, model: LinearModel, *, threads: int = 1, seed: int = 0) -> None:
        self.model = model
        self.costs = np.zeros(model.num_cols)
        self.maximize = False
        self.threads = threads
        self.seed = seed
        self._entry_index: dict[tuple[int, int], int] | None = None

    # The model object is kept in sync with every change so that points can be checked against it.
    def set_coefficients(self, rows: np.ndarray, cols: np.ndarray, values: np.ndarray) -> None:
        """Set matrix coefficients A[rows[i], cols[i]] = values[i] (entries must exist)."""
        if self._entry_index is None:
            # Built once: the entries changed here (load rows) exist from the start.
            pairs = zip(self.model.entry_row, self.model.entry_col, strict=True)
            self._entry_index = {pair: i for i, pair in enumerate(pairs)}
        key = self._entry_index
        for r, c, v in zip(rows.tolist(), cols.tolist(), values.tolist(), strict=True):
            self.model.entry_value[key[(r, c)]] = v

    def set_objective(self, costs: np.ndarray, *, maximize: bool = False) -> None:
        self.costs = np.asarray(costs, dtype=float)
        self.maximize = maximize

    def set_row_bounds(self, row: int, lower: float, upper: float) -> None:
        self.model.row_lower[row] = lower
        self.model.row_upper[row] = upper

    def set_col_bounds(self, cols: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        for j, lo, up in zip(cols.tolist(), lower.tolist(), upper.tolist(), strict=True):
            self.model.col_lower[j] = lo
            self.model.col_upper[j] = up

    def add_row(
        self, name: str, cols: list[int], values: list[float], lower: float, upper: float, **rule
    ) -> int:
        """rule: family, unit, skill (LinearModel.add_row)."""
        return self.model.add_row(name, cols, values, lower, upper, **rule)

    def solve(
        self,
        *,
        time_limit: float | None = None,
        mip_gap: float | None = None,
        integral_objective: bool = False,
        start: np.ndarray | None = None,
        presolve: bool = True,
        heuristics: bool = True,
    ) -> SolverRun:
        """Solve with `time_limit`, `mip_gap`, `integral_objective` and `start` (a known feasible
        point the solver may start from; see HighsBackend.solve). heuristics=False: no primal
        heuristics, for a run expected to prove that there is no point (HighsBackend.solve)."""
        raise NotImplementedError

    def _accept(self, status: RunStatus, values, objective, bound, seconds, detail) -> SolverRun:
        """Check a returned point against the model; a point that violates it is no solution."""
        if status in (RunStatus.OPTIMAL, RunStatus.FEASIBLE):
            if values is None:
                return SolverRun(RunStatus.NO_SOLUTION, None, None, bound, seconds, detail)
            values = np.asarray(values, dtype=float)
            violation = point_violation(self.model, values)
            if violation > FEASIBILITY_TOLERANCE * 10:
                return SolverRun(
                    RunStatus.REJECTED, None, None, bound, seconds,
                    f"{detail}; returned point violates the model by {violation:.2g}",
                )  # fmt: skip
        return SolverRun(status, values, objective, bound, seconds, detail)


DEFAULT_HEURISTIC_EFFORT = 0.05  # HiGHS's own default of mip_heuristic_effort


class HighsBackend(Backend):
    """HiGHS through highspy: the matrix is passed once as arrays and changed in place."""

    def __init__(self, model: LinearModel, *, threads: int = 1, seed: int = 0) -> None:
        super().__init__(model, threads=threads, seed=seed)
        import highspy

        self._highspy = highspy
        self.highs = highspy.Highs()
        h = self.highs
        h.setOptionValue("output_flag", False)
        h.setOptionValue("random_seed", seed)
        h.setOptionValue("threads", threads)
        h.setOptionValue("mip_feasibility_tolerance", INTEGRALITY_TOLERANCE / 10)
        # Tighter than HiGHS's 1e-7 so that LP plans (split services) meet t* to 1e-6 relative.
        h.setOptionValue("primal_feasibility_tolerance", 1e-9)
        num_cols = model.num_cols
        lower = np.asarray(model.col_lower, dtype=float)
        upper = np.asarray(model.col_upper, dtype=float)
        h.addCols(num_cols, np.zeros(num_cols), lower, upper, 0, np.zeros(0, np.int32),
                  np.zeros(0, np.int32), np.zeros(0))  # fmt: skip
        integer = np.flatnonzero(np.asarray(model.col_integer, dtype=bool)).astype(np.int32)
        if integer.size:
            kinds = np.full(integer.size, self._highspy.HighsVarType.kInteger)
            h.changeColsIntegrality(integer.size, integer, kinds)
        starts, cols, values = model.matrix_csr()
        status = h.addRows(model.num_rows, np.asarray(model.row_lower, float),
                           np.asarray(model.row_upper, float), cols.size,
                           starts[:-1].astype(np.int32), cols.astype(np.int32), values)  # fmt: skip
        if status == highspy.HighsStatus.kError:
            # HiGHS refuses the whole block (a coefficient above its 1e15, or not finite) and
            # then solves a model without rows: never let that pass as an answer.
            largest = float(np.abs(values).max(initial=0.0))
            raise SolverError(
                f"HiGHS refused the model's {model.num_rows} rows (largest coefficient "
                f"{largest:g}); the numbers of this group are beyond what the solver can take"
            )

    def set_coefficients(self, rows: np.ndarray, cols: np.ndarray, values: np.ndarray) -> None:
        for r, c, v in zip(rows.tolist(), cols.tolist(), values.tolist(), strict=True):
            self.highs.changeCoeff(r, c, v)
        super().set_coefficients(rows, cols, values)

    def set_objective(self, costs: np.ndarray, *, maximize: bool = False) -> None:
        super().set_objective(costs, maximize=maximize)
        n = self.model.num_cols
        self.highs.changeColsCost(n, np.arange(n, dtype=np.int32), self.costs)
        sense = self._highspy.ObjSense.kMaximize if maximize else self._highspy.ObjSense.kMinimize
        self.highs.changeObjectiveSense(sense)

    def set_row_bounds(self, row: int, lower: float, upper: float) -> None:
        super().set_row_bounds(row, lower, upper)
        self.highs.changeRowBounds(row, lower, upper)

    def set_col_bounds(self, cols: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        super().set_col_bounds(cols, lower, upper)
        self.highs.changeColsBounds(
            cols.size, cols.astype(np.int32), lower.astype(float), upper.astype(float)
        )

    def add_row(
        self, name: str, cols: list[int], values: list[float], lower: float, upper: float, **rule
    ) -> int:
        row = super().add_row(name, cols, values, lower, upper, **rule)
        self.highs.addRow(
            lower, upper, len(cols), np.asarray(cols, np.int32), np.asarray(values, float)
        )
        return row

    def solve(
        self,
        *,
        time_limit: float | None = None,
        mip_gap: float | None = None,
        integral_objective: bool = False,
        start: np.ndarray | None = None,
        presolve: bool = True,
        heuristics: bool = True,
    ) -> SolverRun:
        """presolve=False runs HiGHS without its presolve: slower, but a different code path, used
        to confirm what the presolved run claimed (highspy 1.14/1.15 presolve calls some feasible
        MILPs infeasible; ../shared/reproducers). heuristics=False sets HiGHS's primal heuristic
        effort to 0, for a run expected to end "infeasible": the heuristics look for a point that
        is not there. On the national R05 D08 proof at t*(1 - 1e-6) (one core, CPU time) the run
        took 33.6 s with them and 4.9 s without at a 1e-9 integrality tolerance, but 33.3 s
        without at 1e-7 (branch and bound varies that much with any option); the group's whole
        search went from 142 s to 115 s CPU. Either answer is taken as it comes."""
        self.highs.setOptionValue("presolve", "on" if presolve else "off")
        self.highs.setOptionValue(
            "mip_heuristic_effort", DEFAULT_HEURISTIC_EFFORT if heuristics else 0.0
        )
        run = self._solve_once(time_limit, mip_gap, integral_objective, start)
        if run.status is RunStatus.ERROR:
            # HiGHS 1.16.0 returned "Solve error" on a small knife-edge MIP with the tighter
            # integrality tolerance that 1.15 handles; retry once with HiGHS's own default. The
            # plan is checked against the model and again by verify.py either way.
            self.highs.setOptionValue("mip_feasibility_tolerance", 1e-6)
            retry = self._solve_once(time_limit, mip_gap, integral_objective, start)
            self.highs.setOptionValue("mip_feasibility_tolerance", INTEGRALITY_TOLERANCE / 10)
            if retry.status is not RunStatus.ERROR:
                return retry
        return run

    def _solve_once(self, time_limit, mip_gap, integral_objective, start) -> SolverRun:
        h, hs = self.highs, self._highspy
        h.setOptionValue("time_limit", float(time_limit) if time_limit else float("inf"))
        h.setOptionValue("mip_rel_gap", float(mip_gap) if mip_gap else 0.0)
        # An objective that only takes whole values is optimal once the gap is below one.
        h.setOptionValue("mip_abs_gap", 1.0 - 1e-6 if integral_objective and not mip_gap else 1e-9)
        h.clearSolver()
        if start is not None:
            # A MIP start: the solver begins with this incumbent and only has to improve on it.
            n = self.model.num_cols
            h.setSolution(n, np.arange(n, dtype=np.int32), np.asarray(start, dtype=float))
        record = os.environ.get(RECORD_MODELS_ENV)
        stem = _record_model(h, record) if record else None
        started = time.perf_counter()
        h.run()
        seconds = time.perf_counter() - started
        if stem is not None:
            _record_options(h, stem, seconds)
        model_status = h.getModelStatus()
        detail = h.modelStatusToString(model_status)
        info = h.getInfo()
        has_point = info.primal_solution_status == 2  # kSolutionStatusFeasible
        values = np.asarray(h.getSolution().col_value) if has_point else None
        objective = float(info.objective_function_value) if has_point else None
        is_mip = any(self.model.col_integer)
        bound = (
            float(info.mip_dual_bound) if is_mip and np.isfinite(info.mip_dual_bound) else objective
        )
        M = hs.HighsModelStatus
        if model_status == M.kOptimal:
            status = RunStatus.OPTIMAL
        elif model_status in (M.kInfeasible, M.kUnboundedOrInfeasible):
            # Every model built here is bounded, so "unbounded or infeasible" means infeasible.
            status = RunStatus.INFEASIBLE
        elif model_status in (M.kTimeLimit, M.kIterationLimit, M.kInterrupt, M.kSolutionLimit,
                              M.kObjectiveBound, M.kObjectiveTarget, M.kMemoryLimit, M.kHighsInterrupt):  # fmt: skip
            status = RunStatus.FEASIBLE if has_point else RunStatus.NO_SOLUTION
        elif model_status == M.kModelEmpty:
            status, values, objective, bound = RunStatus.OPTIMAL, np.zeros(0), 0.0, 0.0
        else:
            status = RunStatus.ERROR
        return self._accept(status, values, objective, bound, seconds, f"HiGHS: {detail}")


def _record_model(highs, directory: str) -> str:
    """Write the model about to be solved; the stem orders models by process and solve."""
    stem = os.path.join(directory, f"{os.getpid()}-{next(_recorded):07d}")
    highs.writeModel(stem + ".mps")
    return stem


def _record_options(highs, stem: str, seconds: float) -> None:
    def option(name: str):
        value = highs.getOptionValue(name)
        # highspy returns (status, value) in some versions and the value alone in others.
        return value[1] if isinstance(value, tuple) else value

    options = {name: option(name) for name in RECORDED_OPTIONS}
    with open(stem + ".json", "w", encoding="utf-8") as file:
        json.dump({"options": options, "planner_run_s": seconds}, file)


class PulpBackend(Backend):
    """HiGHS or CBC through PuLP; the PuLP problem is rebuilt from the arrays at each solve."""

    def __init__(
        self, model: LinearModel, *, solver: SolverName, threads: int = 1, seed: int = 0
    ) -> None:
        super().__init__(model, threads=threads, seed=seed)
        self.solver_name = solver

    def _problem(self):
        import pulp

        model = self.model
        sense = pulp.LpMaximize if self.maximize else pulp.LpMinimize
        problem = pulp.LpProblem("group", sense)
        # PuLP 4 attaches variables to their problem; PuLP 3.3 has the same call.
        new_variable = getattr(problem, "add_variable", None) or pulp.LpVariable
        variables = [
            new_variable(
                f"c{j}",
                lowBound=None if not np.isfinite(lo) else lo,
                upBound=None if not np.isfinite(up) else up,
                cat=pulp.LpInteger if integer else pulp.LpContinuous,
            )
            for j, (lo, up, integer) in enumerate(
                zip(model.col_lower, model.col_upper, model.col_integer, strict=True)
            )
        ]
        problem += pulp.LpAffineExpression(
            [(variables[j], c) for j, c in enumerate(self.costs) if c != 0]
        )
        starts, cols, values = model.matrix_csr()
        for i in range(model.num_rows):
            span = slice(starts[i], starts[i + 1])
            expression = pulp.LpAffineExpression(
                [
                    (variables[j], v)
                    for j, v in zip(cols[span].tolist(), values[span].tolist(), strict=True)
                ]
            )
            lower, upper = model.row_lower[i], model.row_upper[i]
            if np.isfinite(lower) and np.isfinite(upper) and lower == upper:
                problem += (expression == lower, f"r{i}")
            else:
                if np.isfinite(lower):
                    problem += (expression >= lower, f"r{i}_lo")
                if np.isfinite(upper):
                    problem += (expression <= upper, f"r{i}_up")
        return problem, variables

    def solve(
        self,
        *,
        time_limit: float | None = None,
        mip_gap: float | None = None,
        integral_objective: bool = False,
        start: np.ndarray | None = None,  # not passed on: PuLP's warm start writes files
        presolve: bool = True,  # PuLP's solvers keep their own presolve
        heuristics: bool = True,  # and their own heuristics
    ) -> SolverRun:
        import pulp

        problem, variables = self._problem()
        gap_abs = 1.0 - 1e-6 if integral_objective and not mip_gap else None
        if self.solver_name is SolverName.CBC:
            solver = _cbc(pulp)(msg=False, timeLimit=time_limit, gapRel=mip_gap or 0.0,
                                gapAbs=gap_abs, threads=self.threads,
                                options=[f"randomSeed {self.seed + 1}"])  # fmt: skip
        else:
            solver = pulp.HiGHS(msg=False, timeLimit=time_limit, gapRel=mip_gap or 0.0, gapAbs=gap_abs,
                                threads=self.threads, random_seed=self.seed,
                                mip_feasibility_tolerance=INTEGRALITY_TOLERANCE / 10)  # fmt: skip
        started = time.perf_counter()
        try:
            problem.solve(solver)
        except pulp.PulpSolverError as error:  # the solver binary failed to run
            raise SolverError(f"{self.solver_name} failed to run: {error}") from error
        seconds = time.perf_counter() - started
        status, solution = problem.status, problem.sol_status
        detail = f"PuLP {self.solver_name}: {pulp.LpStatus[status]}, {pulp.LpSolution[solution]}"
        values = None
        if solution in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
            values = np.array([v.varValue if v.varValue is not None else np.nan for v in variables])
            if np.isnan(values).any():
                values = None
        objective = None if values is None else float(self.costs @ values)
        # Trust "optimal" only when both PuLP statuses say so.
        if status == pulp.LpStatusOptimal and solution == pulp.LpSolutionOptimal:
            run_status = RunStatus.OPTIMAL
        elif status == pulp.LpStatusInfeasible or solution == pulp.LpSolutionInfeasible:
            run_status = RunStatus.INFEASIBLE
        elif solution == pulp.LpSolutionIntegerFeasible or (
            status == pulp.LpStatusNotSolved and values is not None
        ):
            run_status = RunStatus.FEASIBLE
        elif status == pulp.LpStatusNotSolved:
            run_status = RunStatus.NO_SOLUTION
        else:
            run_status = RunStatus.ERROR
        bound = objective if run_status is RunStatus.OPTIMAL else None
        return self._accept(run_status, values, objective, bound, seconds, detail)


def cbc_class(pulp):
    """The CBC the planner uses: one on the PATH (COIN_CMD, the PuLP 4 way), else the one PuLP 3
    ships (its deprecation warning silenced); None when neither exists."""
    if pulp.COIN_CMD(msg=False).available():
        return pulp.COIN_CMD
    bundled = getattr(pulp, "PULP_CBC_CMD", None)
    if bundled is not None:
        with warnings.catch_warnings():
            # PuLP 3.3 warns that the bundled CBC goes away in PuLP 4; it is the fallback here.
            warnings.simplefilter("ignore", DeprecationWarning)
            if bundled(msg=False).available():
                return _quiet(bundled)
    return None


def _cbc(pulp):
    found = cbc_class(pulp)
    if found is None:
        raise SolverError("CBC is not installed: `pip install pulp[cbc]`, or use solver = highs")
    return found


def _quiet(solver_class):
    def make(**options):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return solver_class(**options)

    return make


def solver_version(solver: SolverName) -> str:
    """The installed version of a solver, as its users would report it ("HiGHS 1.15.1")."""
    from importlib import metadata

    if solver is SolverName.CBC:
        try:
            return f"CBC (PuLP {metadata.version('pulp')})"
        except metadata.PackageNotFoundError:
            return "CBC"
    try:
        return f"HiGHS {metadata.version('highspy')}"
    except metadata.PackageNotFoundError:
        return "HiGHS"


def make_backend(
    model: LinearModel, solver: SolverName, *, threads: int = 1, seed: int = 0
) -> Backend:
    """Load a model into the chosen solver."""
    if solver is SolverName.HIGHS:
        return HighsBackend(model, threads=threads, seed=seed)
    return PulpBackend(model, solver=solver, threads=threads, seed=seed)
