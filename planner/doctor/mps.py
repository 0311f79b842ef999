"""Models in MPS, read without a solver: the shipped models' bounds, rows and entries, so that the
doctor can check any solver's point against the model itself and hand the same model to PuLP.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class MpsModel:
    """A (mixed-integer) linear model as read from an MPS file: bounds, rows and matrix entries."""

    name: str = ""
    columns: list[str] = field(default_factory=list)
    col_lower: list[float] = field(default_factory=list)
    col_upper: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    entries: list[tuple[int, int, float]] = field(default_factory=list)  # (row, column, value)
    costs: list[float] = field(default_factory=list)
    offset: float = 0.0
    maximize: bool = False

    def objective(self, values: list[float]) -> float:
        return self.offset + math.fsum(c * v for c, v in zip(self.costs, values, strict=True))

    def violation(self, values: list[float]) -> float:
        """Largest violation of a bound, integrality or row (rows relative to max(1, |bound|))."""
        worst = 0.0
        for j, v in enumerate(values):
            worst = max(worst, self.col_lower[j] - v, v - self.col_upper[j])
            if self.integer[j]:
                worst = max(worst, abs(v - round(v)))
        activity = [0.0] * len(self.rows)
        for i, j, a in self.entries:
            activity[i] += a * values[j]
        for i, act in enumerate(activity):
            lo, up = self.row_lower[i], self.row_upper[i]
            scale = max(1.0, *(abs(b) for b in (lo, up) if math.isfinite(b)))
            worst = max(worst, (lo - act) / scale, (act - up) / scale)
        return worst


_VALUED_BOUNDS = {"UP", "LO", "FX", "LI", "UI"}
_FLAG_BOUNDS = {"FR", "MI", "PL", "BV"}


def read_mps(path: Path | str) -> MpsModel:
    """Read a free-format MPS file (ROWS, COLUMNS with integer markers, RHS, RANGES, BOUNDS,
    OBJSENSE) as HiGHS reads it. Names may not contain spaces; a column's bound is set once
    (HiGHS keeps the first of two, this reader the last); other sections (SOS, quadratic) are
    refused."""
    model = MpsModel()
    row_kind: dict[str, str] = {}  # name -> N/E/L/G
    row_index: dict[str, int] = {}
    col_index: dict[str, int] = {}
    rhs: dict[str, float] = {}
    ranges: dict[str, float] = {}
    objective_row = None
    section = None
    in_integer = False
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("*"):
            continue
        tokens = raw.split()
        if not raw[0].isspace():  # a section header
            section = tokens[0].upper()
            if section == "NAME":
                model.name = tokens[1] if len(tokens) > 1 else ""
            elif section == "OBJSENSE" and len(tokens) > 1:
                model.maximize = tokens[1].upper() in ("MAX", "MAXIMIZE")
            elif section == "ENDATA":
                break
            elif section not in ("ROWS", "COLUMNS", "RHS", "RANGES", "BOUNDS", "OBJSENSE"):
                raise ValueError(f"{path}:{number}: MPS section {section} is not supported")
            continue
        if section == "OBJSENSE":
            model.maximize = tokens[0].upper() in ("MAX", "MAXIMIZE")
        elif section == "ROWS":
            kind, name = tokens[0].upper(), tokens[1]
            row_kind[name] = kind
            if kind == "N":
                objective_row = objective_row or name
            else:
                row_index[name] = len(model.rows)
                model.rows.append(name)
        elif section == "COLUMNS":
            if len(tokens) >= 3 and tokens[1] == "'MARKER'":
                in_integer = tokens[2] == "'INTORG'"
                continue
            name = tokens[0]
            if name not in col_index:
                col_index[name] = len(model.columns)
                model.columns.append(name)
                model.col_lower.append(0.0)
                model.col_upper.append(math.inf)
                model.integer.append(in_integer)
                model.costs.append(0.0)
            j = col_index[name]
            for row, value in zip(tokens[1::2], tokens[2::2], strict=True):
                if row == objective_row:
                    model.costs[j] += float(value)
                elif row in row_index:
                    model.entries.append((row_index[row], j, float(value)))
                elif row not in row_kind:
                    raise ValueError(f"{path}:{number}: unknown row {row}")
        elif section in ("RHS", "RANGES"):
            pairs = tokens[1:] if len(tokens) % 2 else tokens  # an odd count starts with a set name
            target = rhs if section == "RHS" else ranges
            for row, value in zip(pairs[0::2], pairs[1::2], strict=True):
                if row not in row_kind:
                    raise ValueError(f"{path}:{number}: unknown row {row}")
                target[row] = float(value)
        elif section == "BOUNDS":
            kind = tokens[0].upper()
            if kind in _VALUED_BOUNDS:
                name, bound = tokens[-2], float(tokens[-1])
            elif kind in _FLAG_BOUNDS:
                name, bound = tokens[-1], 0.0
            else:
                raise ValueError(f"{path}:{number}: bound type {kind} is not supported")
            j = col_index[name]
            if kind in ("UP", "UI"):
                model.col_upper[j] = bound  # a negative one leaves the lower bound 0, as in HiGHS
            elif kind in ("LO", "LI"):
                model.col_lower[j] = bound
            elif kind == "FX":
                model.col_lower[j] = model.col_upper[j] = bound
            elif kind == "FR":
                model.col_lower[j], model.col_upper[j] = -math.inf, math.inf
            elif kind == "MI":
                model.col_lower[j] = -math.inf
            elif kind == "PL":
                model.col_upper[j] = math.inf
            elif kind == "BV":
                model.col_lower[j], model.col_upper[j] = 0.0, 1.0
            if kind in ("UI", "LI", "BV"):
                model.integer[j] = True
    if objective_row in rhs:
        model.offset = -rhs[objective_row]  # MPS: an RHS on the objective is minus its constant
    for name in model.rows:
        kind, b = row_kind[name], rhs.get(name, 0.0)
        lo, up = {"E": (b, b), "L": (-math.inf, b), "G": (b, math.inf)}[kind]
        if name in ranges:
            r = ranges[name]
            if kind == "E":
                lo, up = (b, b + r) if r > 0 else (b + r, b)
            elif kind == "L":
                lo = b - abs(r)
            else:
                up = b + abs(r)
        model.row_lower.append(lo)
        model.row_upper.append(up)
    return model


def to_pulp(mps: MpsModel):
    """The model as a PuLP problem, built as the planner builds its own (solvers.PulpBackend)."""
    import pulp

    sense = pulp.LpMaximize if mps.maximize else pulp.LpMinimize
    problem = pulp.LpProblem(mps.name or "model", sense)
    new_variable = getattr(problem, "add_variable", None) or pulp.LpVariable
    variables = [
        new_variable(
            f"c{j}",
            lowBound=lo if math.isfinite(lo) else None,
            upBound=up if math.isfinite(up) else None,
            cat=pulp.LpInteger if integer else pulp.LpContinuous,
        )
        for j, (lo, up, integer) in enumerate(
            zip(mps.col_lower, mps.col_upper, mps.integer, strict=True)
        )
    ]
    problem += pulp.LpAffineExpression(
        [(variables[j], c) for j, c in enumerate(mps.costs) if c != 0], constant=mps.offset
    )
    terms: list[list[tuple[object, float]]] = [[] for _ in mps.rows]
    for i, j, a in mps.entries:
        terms[i].append((variables[j], a))
    for i, (lo, up) in enumerate(zip(mps.row_lower, mps.row_upper, strict=True)):
        expression = pulp.LpAffineExpression(terms[i])
        if lo == up:
            problem += (expression == lo, f"r{i}")
        else:
            if math.isfinite(lo):
                problem += (expression >= lo, f"r{i}_lo")
            if math.isfinite(up):
                problem += (expression <= up, f"r{i}_up")
    return problem, variables
