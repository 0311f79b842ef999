"""The linear / mixed-integer program for one group, built as arrays.

Pure: a `GroupData` (numbers taken from a Scenario) goes in, a `LinearModel` (column bounds,
integrality, a sparse row matrix, row bounds, names) comes out. Nothing here solves or reads files.

Why arrays and not PuLP expressions: PuLP costs about 9 us per nonzero to build and hands the model to
HiGHS through Python objects; a minmax solve re-solves the same model 20 times with a different
threshold t. Arrays let the HiGHS backend load the model once and change only the t coefficients
(DESIGN.md, "Solver facts"). The PuLP backend builds its problem from the same arrays.

Variables of a group (U units, K skills, S services):
  n[u,k]  integer headcount of skill k in unit u after the plan
  p[u,k]  employees of skill k who join u;  m[u,k]  who leave u:  n - p + m = start
  x[s,u]  service s assigned to unit u (binary; continuous in [0,1] with split services), created
          only for services that may move; a service that stays put is a constant load
  r       1 / t, only in the staff-only ratio form (see below)
  d+/d-   deviation of a cell's load above/below mean x capacity (balance objective)

Load row of a cell, divided by a scale (build_group_model says which and why):
  sum_s w_s/scale x[s,u] - t * capacity_u/scale * n[u,k] <= -fixed_load[u,k]/scale
i.e. load <= t * capacity. With t fixed this is linear; the solver layer changes the coefficient of
n in every load row to move t. When no service can move, the staff-only ratio form
  fixed_load[u,k]/h_u * r - share_u * n[u,k] <= 0,  maximise r = 1/t
is linear in (n, r) and gives t* in one MILP solve.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from planner.domain import DecisionKind
from planner.engine.group import GroupData
from planner.engine.plan import shares_matrix
from planner.engine.transfers import pair_transfers

if TYPE_CHECKING:  # imported by plan.shares_matrix when a plan is built (not at start-up)
    from scipy.sparse import csr_array


class ModelForm(StrEnum):
    """How a group's model bounds the coefficient; each form needs what its docstring says, and
    build_group_model refuses the rest at build time."""

    # Load rows at a movable threshold t: the feasibility MILP of the bisection.
    THRESHOLD = "threshold"
    # Staff only: a column r = 1/t to maximise (no service may move).
    RATIO = "ratio"
    # Services only: a column t to minimise (staff fixed; an LP for split services).
    DIRECT = "direct"


class RowFamily(StrEnum):
    """What rule a row of the model is."""

    ASSIGN = "assign"  # every movable service delivered once
    LOAD = "load"  # load <= t x capacity of a cell (unit, skill)
    HEADCOUNT = "headcount"  # Min / Max employees of a unit
    KEEP_STAFF = "keep_staff"  # a unit keeps its share of staff (Settings.keep_staff_share)
    KEEP_SKILL = "keep_skill"  # ... and one employee of a skill its services need (explain only)
    CONSERVE = "conserve"  # staff of a skill are moved, not created
    MOVES = "moves"  # n - joiners + leavers = start of a cell
    UNIT_MOVES = "unit_moves"  # Max moves of a unit
    STAFF_BUDGET = "group_staff_moves"  # max staff moves of the group
    SERVICE_BUDGET = "group_service_moves"  # max service moves of the group
    DEVIATION = "deviation"  # load - mean x capacity = over - under (balance)
    DEVIATION_HULL = "deviation_hull"  # balance: a fixed-load cell's deviation at whole headcounts
    DEVIATION_AT_OPTIMUM = "deviation_at_optimum"  # balance stage 2 keeps stage 1's deviation
    DECISION = "decision"  # a planner's decision (Scenario.decisions): LinearModel.row_decisions
    DISTANCE = "distance"  # no transfer beyond the longest or without a distance: row_pairs
    TRANSFER_FLOW = "transfer_flow"  # who sends to whom, for a skill with a forbidden transfer
    LEVEL_COUNT = "level_count"  # leximax: a cell under the level unless its binary says not

    def rows(self, model: LinearModel) -> list[int]:
        """Indices of this family's rows in a model."""
        return [i for i, family in enumerate(model.row_family) if family is self]


@dataclass
class LinearModel:
    """A linear program in arrays: min/max c'x, row_lower <= A x <= row_upper, bounds, integers.

    Rows are kept as coordinate triplets until `matrix_csr` is asked for.
    """

    col_names: list[str] = field(default_factory=list)
    col_lower: list[float] = field(default_factory=list)
    col_upper: list[float] = field(default_factory=list)
    col_integer: list[bool] = field(default_factory=list)
    row_names: list[str] = field(default_factory=list)
    row_family: list[RowFamily | None] = field(default_factory=list)
    row_unit: list[int] = field(default_factory=list)  # unit index of a row, -1 if none
    row_skill: list[int] = field(default_factory=list)  # skill index of a row, -1 if none
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    entry_row: list[int] = field(default_factory=list)
    entry_col: list[int] = field(default_factory=list)
    entry_value: list[float] = field(default_factory=list)
    # DECISION rows: row -> the indices (into GroupData.decisions) of the decisions it keeps.
    row_decisions: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # DISTANCE rows: row -> (from unit, to unit) of the transfer it holds at 0.
    row_pairs: dict[int, tuple[int, int]] = field(default_factory=dict)

    def add_col(self, name: str, lower: float, upper: float, integer: bool = False) -> int:
        self.col_names.append(name)
        self.col_lower.append(lower)
        self.col_upper.append(upper)
        self.col_integer.append(integer)
        return len(self.col_names) - 1

    def add_row(
        self,
        name: str,
        cols: list[int],
        values: list[float],
        lower: float,
        upper: float,
        *,
        family: RowFamily | None = None,
        unit: int = -1,
        skill: int = -1,
    ) -> int:
        """Add a row; family, unit and skill say what rule it is (names are for people)."""
        row = len(self.row_names)
        self.row_names.append(name)
        self.row_family.append(family)
        self.row_unit.append(unit)
        self.row_skill.append(skill)
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        self.entry_row.extend([row] * len(cols))
        self.entry_col.extend(cols)
        self.entry_value.extend(values)
        return row

    @property
    def num_cols(self) -> int:
        return len(self.col_names)

    @property
    def num_rows(self) -> int:
        return len(self.row_names)

    def matrix_csr(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row-wise sparse matrix (starts, column indices, values), duplicates summed."""
        rows = np.asarray(self.entry_row, dtype=np.int64)
        cols = np.asarray(self.entry_col, dtype=np.int64)
        values = np.asarray(self.entry_value, dtype=float)
        order = np.lexsort((cols, rows))
        rows, cols, values = rows[order], cols[order], values[order]
        if rows.size:
            # Sum duplicate (row, col) pairs so that every backend sees the same matrix.
            key = rows * max(self.num_cols, 1) + cols
            first = np.concatenate(([True], key[1:] != key[:-1]))
            group_id = np.cumsum(first) - 1
            values = np.bincount(group_id, weights=values)
            rows, cols = rows[first], cols[first]
        starts = np.zeros(self.num_rows + 1, dtype=np.int64)
        np.add.at(starts, rows + 1, 1)
        return np.cumsum(starts), cols, values


@dataclass
class Flows:
    """The flow columns of a group's model (add_decision_rows)."""

    cols: dict[tuple[int, int, int], int] = field(default_factory=dict)  # (from, to, skill)
    gains: dict[tuple[int, int], int] = field(default_factory=dict)  # (unit, skill): gains or not
    blocked: set[tuple[int, int, int]] = field(default_factory=set)  # held at 0 by a row
    pinned: dict[tuple[int, int, int], int] = field(default_factory=dict)  # at least this many


@dataclass
class GroupModel:
    """The model of one group and where each decision variable sits in it."""

    data: GroupData
    model: LinearModel
    n_col: np.ndarray  # (U, K) column of n[u,k]
    p_col: np.ndarray  # (U, K) column of p[u,k] (joiners), -1 where staff cannot move
    m_col: np.ndarray  # (U, K) column of m[u,k] (leavers), -1 where staff cannot move
    classes: tuple[np.ndarray, ...]  # service indices of each class of interchangeable services
    x_cols: tuple[np.ndarray, ...]  # per class: columns counting its services at each eligible unit
    load_rows: np.ndarray  # row index of each load row
    load_n_cols: np.ndarray  # column of n in each load row
    load_capacity: np.ndarray  # capacity per employee / row scale: coefficient of n is -t * this
    ratio_col: int = -1  # column of r = ratio_scale / t in the ratio form, else -1
    ratio_scale: float = 1.0  # the coefficient r is measured against (the start's maximum)
    threshold_col: int = -1  # column of t in the direct form, else -1
    deviation_cols: np.ndarray | None = None  # (2 * cells,) d+ and d- in the balance form
    balance_means: np.ndarray | None = None  # (K,) the means the deviation rows measure from
    service_move_cols: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    staff_budget_row: int = -1  # row of `max staff moves` (group_staff_moves), -1 if none
    service_budget_row: int = -1  # row of `max service moves` (group_service_moves), -1 if none
    # Who sends to whom (add_decision_rows), for skills with a forbidden transfer, or every skill
    # when the group has distances: (from unit, to unit, skill) -> column of the employees sent.
    flows: Flows = field(default_factory=lambda: Flows())

    def distance_objective(self) -> np.ndarray:
        """Costs that add up the distance travelled by every employee moved."""
        costs = np.zeros(self.model.num_cols)
        distance = self.data.distance
        if distance is not None:
            for (a, b, _), col in self.flows.cols.items():
                costs[col] = distance[a, b] if np.isfinite(distance[a, b]) else 0.0
        return costs

    def complete_point(self, values: np.ndarray, headcount: np.ndarray) -> None:
        """Fill the flow columns of a solution vector from a plan's headcounts with a pairing that
        keeps the pinned and blocked pairs (transfers.pair_transfers), so that a known plan is a
        point of the model (a start, or a point to check); left at 0 when there is none."""
        flows = self.flows
        for k in sorted({k for (_, _, k) in flows.cols}):
            change = headcount[:, k] - self.data.start[:, k]
            losses = {int(u): int(-change[u]) for u in np.flatnonzero(change < 0)}
            gains = {int(u): int(change[u]) for u in np.flatnonzero(change > 0)}
            pinned = {(a, b): e for (a, b, kk), e in flows.pinned.items() if kk == k}
            blocked = {(a, b) for (a, b, kk) in flows.blocked if kk == k}
            try:
                pairs = pair_transfers(losses, gains, pinned, blocked)  # type: ignore[arg-type]
            except ValueError:
                continue  # no pairing keeps the rules: the point is not one of the model's
            for a, b, employees in pairs:
                col = flows.cols.get((int(a), int(b), k))
                if col is not None:
                    values[col] = employees
            for u in range(len(self.data.units)):
                col = flows.gains.get((u, k))
                if col is not None:
                    values[col] = 1.0 if change[u] > 0 else 0.0

    def moves_objective(self) -> np.ndarray:
        """Costs that count staff moved (joiners) plus services moved."""
        costs = np.zeros(self.model.num_cols)
        joiners = self.p_col[self.p_col >= 0]
        costs[joiners] = 1.0
        costs[self.service_move_cols] = 1.0
        return costs

    def headcount(self, values: np.ndarray) -> np.ndarray:
        """(U, K) integer headcount read from a solution vector."""
        return np.rint(values[self.n_col]).astype(np.int64)

    def assignment(self, values: np.ndarray) -> csr_array:
        """(S, U) sparse share of each service at each unit read from a solution vector.

        A class's count at each unit is handed to its members in id order: the first members stay
        at their current unit, the rest go to the other units in unit order, so the same counts
        always give the same plan. With split services every member takes an equal share.
        """
        data = self.data
        # Triplets (service, unit, share): one per service at home, replaced for the movable.
        unit_of = data.service_unit.copy()
        home = np.ones(len(data.services), dtype=bool)
        split_services, split_units, split_shares = [], [], []
        headcount = self.headcount(values)
        for members, cols in zip(self.classes, self.x_cols, strict=True):
            eligible = np.asarray(data.eligible[members[0]], dtype=np.int64)
            counts = values[cols]
            if data.settings.split_services:
                # Solver noise (a share of 1e-8 at a unit with no staff of the skill, within the
                # MIP tolerance) would read as load without staff: drop such shares and
                # renormalise. Small shares at staffed units are real (a plan just below t).
                skill = data.service_skill[members[0]]
                unstaffed = headcount[eligible, skill] == 0
                counts = np.where(unstaffed & (counts < 1e-6 * len(members)), 0.0, counts)
                counts = counts * (len(members) / counts.sum())
                home[members] = False
                split_services.append(np.repeat(members, len(eligible)))
                split_units.append(np.tile(eligible, len(members)))
                split_shares.append(np.tile(counts / len(members), len(members)))
                continue
            whole = np.maximum(np.rint(counts).astype(np.int64), 0)
            # Members in id order take the eligible units in order, whole[i] of them unit i; a
            # member left over (counts short of the class) has no unit, and verify says so.
            placed = np.repeat(eligible, whole)[: len(members)]
            unit_of[members[: len(placed)]] = placed
            home[members[len(placed) :]] = False
        services = np.flatnonzero(home)
        return shares_matrix(
            np.concatenate([services, *split_services]),
            np.concatenate([unit_of[services], *split_units]),
            np.concatenate([np.ones(len(services)), *split_shares]),
            (len(data.services), len(data.units)),
        )

    def class_counts(self, assignment: csr_array) -> list[np.ndarray]:
        """Per class, the number (or total share) of its services at each eligible unit.

        One pass over the assignment's entries (a sparse slice per class cost ~30 ms a plan on
        national groups, most of the search's time outside HiGHS): each entry of a class member
        at one of the class's eligible units adds its share to that (class, unit) slot."""
        if not self.classes:
            return []
        slots, order, sorted_keys, class_of, splits = self._class_slots()
        units = len(self.data.units)
        indptr = np.asarray(assignment.indptr)
        rows = np.repeat(np.arange(assignment.shape[0], dtype=np.int64), np.diff(indptr))
        cls = class_of[rows]
        member = cls >= 0
        keys = cls[member] * units + np.asarray(assignment.indices, dtype=np.int64)[member]
        at = np.searchsorted(sorted_keys, keys)
        at = np.minimum(at, sorted_keys.size - 1)
        eligible = (
            sorted_keys[at] == keys
        )  # an entry at a unit outside its class's list: not counted
        totals = np.bincount(
            order[at[eligible]],
            weights=np.asarray(assignment.data, dtype=float)[member][eligible],
            minlength=slots,
        )
        return np.split(totals.astype(float), splits)

    def _class_slots(self) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """class_counts' index, built once per model: one slot per (class, eligible unit) in class
        order, their keys class x units + unit sorted (with the slot of each), the class of every
        service (-1: none) and where each class's slots end."""
        cached = self.__dict__.get("_slots")
        if cached is None:
            data = self.data
            units = len(data.units)
            class_of = np.full(len(data.services), -1, dtype=np.int64)
            keys, sizes = [], []
            for c, members in enumerate(self.classes):
                class_of[members] = c
                eligible = np.asarray(data.eligible[members[0]], dtype=np.int64)
                keys.append(c * units + eligible)
                sizes.append(eligible.size)
            flat = np.concatenate(keys)
            order = np.argsort(flat, kind="stable")
            cached = (flat.size, order, flat[order], class_of, np.cumsum(sizes)[:-1])
            self.__dict__["_slots"] = cached
        return cached


def service_classes(data: GroupData) -> list[np.ndarray]:
    """Movable services grouped by (skill, current unit, eligible units, weight), in id order."""
    classes: dict[tuple, list[int]] = {}
    # A service a decision names is a class of its own, so that its column is its alone.
    decided = {d.service_id for d in data.decisions if d.kind.is_service}
    for s, eligible in enumerate(data.eligible):
        if len(eligible) > 1:
            own = data.services[s].service_id if data.services[s].service_id in decided else ""
            key = (int(data.service_skill[s]), eligible, float(data.weight[s]), own)
            classes.setdefault(key, []).append(s)
    return [np.asarray(members, dtype=np.int64) for members in classes.values()]


def build_group_model(
    data: GroupData,
    form: ModelForm = ModelForm.THRESHOLD,
    *,
    t: float | None = None,
    balance_means: np.ndarray | None = None,
    elastic: bool = False,
    reference_t: float | None = None,
) -> GroupModel:
    """Build the model of one group.

    form: how the load rows bound the coefficient (ModelForm).
    t: threshold of the load rows in the threshold form (None: only "load needs staff", the
        loosest bound).
    balance_means: (K,) mean coefficient per skill; adds deviation columns and rows (threshold
        form only).
    elastic: keep join/leave columns even where Max moves is 0, so that a unit_moves row exists
        for an explanation to relax (explain.py turns locks into Max moves = 0).
    reference_t: scale every load row by capacity per employee x reference_t (see below); the
        search passes a t close to the thresholds it will test. None: scale by the most load a
        cell could carry (models that are not used to certify a threshold).
    """
    if form is not ModelForm.THRESHOLD and (t is not None or balance_means is not None):
        raise ValueError(f"the {form} form has no threshold t and no deviation rows")
    ratio_form, direct_form = form is ModelForm.RATIO, form is ModelForm.DIRECT
    settings = data.settings
    model = LinearModel()
    num_units, num_skills = len(data.units), len(data.skills)
    start = data.start
    total = start.sum(axis=0)
    staff_can_move = settings.allow_staff_moves

    n_col = np.zeros((num_units, num_skills), dtype=np.int64)
    p_col = np.full((num_units, num_skills), -1, dtype=np.int64)
    m_col = np.full((num_units, num_skills), -1, dtype=np.int64)
    keep_cells, keep_totals = data.staff_kept()
    for u, unit in enumerate(data.units):
        fixed = (not staff_can_move) or unit.locked or (unit.max_moves == 0 and not elastic)
        for k, skill in enumerate(data.skills):
            name = f"n[{unit.unit_id},{skill}]"
            if fixed or total[k] == 0:
                # Fixed: continuous, so a model where nothing else is integer stays a pure LP
                # (LP tolerances are tighter than the MIP ones).
                n_col[u, k] = model.add_col(name, start[u, k], start[u, k])
            else:
                upper = float(total[k])
                if unit.max_employees is not None:
                    upper = min(upper, float(unit.max_employees))
                upper = max(upper, float(start[u, k]))
                # One of each skill its services need: a bound, or in the elastic model (explain.py)
                # a row that may give.
                lower = 0.0 if elastic else float(keep_cells[u, k])
                n_col[u, k] = model.add_col(name, lower, upper, integer=True)
                if elastic and keep_cells[u, k]:
                    model.add_row(f"keep_skill[{unit.unit_id},{skill}]", [int(n_col[u, k])],
                                  [1.0], 1.0, np.inf, family=RowFamily.KEEP_SKILL, unit=u, skill=k)  # fmt: skip
                p_col[u, k] = model.add_col(f"join[{unit.unit_id},{skill}]", 0.0, float(total[k]))
                m_col[u, k] = model.add_col(
                    f"leave[{unit.unit_id},{skill}]", 0.0, float(start[u, k])
                )

    # Services that may move, in classes of interchangeable services (same skill, current unit,
    # eligible units and weight): one integer column per class and eligible unit counts how many
    # of them go there. Binaries per service would make the solver explore every permutation of
    # identical services (count mode is all ties), which made a 40-service balance take seconds.
    classes = service_classes(data)
    integer_services = not settings.split_services
    x_cols: list[np.ndarray] = []
    service_move_cols: list[int] = []
    for c, members in enumerate(classes):
        first = data.services[members[0]]
        eligible = data.eligible[members[0]]
        size = float(len(members))
        cols = [
            model.add_col(
                f"x[{first.service_id}+{len(members) - 1},{data.units[u].unit_id}]",
                0.0,
                size,
                integer_services,
            )  # fmt: skip
            for u in eligible
        ]
        x_cols.append(np.asarray(cols, dtype=np.int64))
        service_move_cols.extend(cols[1:])  # eligible[0] is the current unit
        model.add_row(f"assign[{first.service_id}+{c}]", cols, [1.0] * len(cols), size, size,
                      family=RowFamily.ASSIGN)  # fmt: skip

    ratio_col, ratio_scale = -1, 1.0
    if ratio_form:
        if x_cols:
            raise ValueError("the ratio form needs services that cannot move")
        ratio_scale = _ratio_scale(data)
        ratio_col = model.add_col("r", 0.0, 1e12)
    threshold_col = -1
    if direct_form:
        if (p_col >= 0).any():
            raise ValueError("the direct form needs staff that cannot move")
        threshold_col = model.add_col("t", 0.0, data.upper_bound_t())

    # Load rows: load <= t * capacity, each divided by a scale chosen with the certificate in mind.
    # With reference_t, a row is measured in "employees at reference_t": divided by capacity per
    # employee x reference_t, the coefficient of n is -t / reference_t and a plan whose cell sits
    # at coefficient v violates the row at threshold t by (v - t) / reference_t x n, n >= 1. A plan
    # at t* tested at t*(1 - 1e-6) therefore misses by at least 1e-6 x t* / reference_t, which the
    # search keeps above 1e-6 / 1.25: eight times HiGHS's MIP feasibility tolerance (1e-7), so no
    # tolerance can pass it (DESIGN.md: dividing by the most load a cell could carry let such a plan
    # pass by 8.4e-8, and dividing by hours per FTE let a 0.003 FTE cell accept t 3e-4 too low).
    fixed_load = data.fixed_load()
    if reference_t is not None and reference_t > 0:
        capacity_scale = data.capacity_per_employee[:, None] * reference_t
        cell_scale = np.broadcast_to(capacity_scale, fixed_load.shape).copy()
    else:
        cell_scale = fixed_load.copy()
        for members in classes:
            s = members[0]
            for u in data.eligible[s]:
                cell_scale[u, data.service_skill[s]] += data.weight[s] * len(members)
    cell_scale = np.where(cell_scale > 0, cell_scale, 1.0)
    movable_terms = _movable_load_terms(data, classes, x_cols, cell_scale)
    threshold = data.upper_bound_t() if t is None else t
    load_rows, load_n, load_capacity = [], [], []
    capacity_per_employee = data.capacity_per_employee  # a property computed on each access
    for u, unit in enumerate(data.units):
        for k, skill in enumerate(data.skills):
            cols, values = movable_terms.get((u, k), ([], []))
            fixed = fixed_load[u, k] / cell_scale[u, k]
            capacity = capacity_per_employee[u] / cell_scale[u, k]
            if not cols and fixed_load[u, k] <= 0:
                continue
            name = f"load[{unit.unit_id},{skill}]"
            if ratio_form:
                # In employees: fixed load / (capacity per employee x ratio_scale) x r' <= n,
                # with r' = ratio_scale / t of order one. Unscaled, a coefficient of 1e-21 put
                # 6e19 in the matrix and HiGHS returned points breaking the rows.
                per_employee = capacity_per_employee[u]
                values = (
                    [fixed_load[u, k] / (per_employee * ratio_scale), -1.0]
                    if per_employee > 0
                    else [fixed, -capacity]
                )
                row = model.add_row(
                    name, [ratio_col, int(n_col[u, k])], values, -np.inf, 0.0,
                    family=RowFamily.LOAD, unit=u, skill=k,
                )  # fmt: skip
            elif direct_form:
                # Staff fixed: load <= t * capacity is linear in (x, t).
                row = model.add_row(
                    name,
                    [*cols, threshold_col],
                    [*values, -capacity * float(start[u, k])],
                    -np.inf,
                    -fixed,
                    family=RowFamily.LOAD, unit=u, skill=k,
                )  # fmt: skip
            else:
                row = model.add_row(
                    name,
                    [*cols, int(n_col[u, k])],
                    [*values, -threshold * capacity],
                    -np.inf,
                    -fixed,
                    family=RowFamily.LOAD, unit=u, skill=k,
                )  # fmt: skip
            load_rows.append(row)
            load_n.append(int(n_col[u, k]))
            load_capacity.append(float(capacity))

    # Unit totals hold whether or not staff may move: a unit already outside its Min/Max with
    # moves switched off has no plan, and must be reported as such rather than verified as broken.
    for u, unit in enumerate(data.units):
        lower = float(unit.min_employees)
        upper = np.inf if unit.max_employees is None else float(unit.max_employees)
        if lower > 0 or upper < np.inf:
            cols = [int(c) for c in n_col[u]]
            model.add_row(f"headcount[{unit.unit_id}]", cols, [1.0] * len(cols), lower, upper,
                          family=RowFamily.HEADCOUNT, unit=u)  # fmt: skip
        if keep_totals[u] > unit.min_employees and staff_can_move and not unit.locked:
            # The unit keeps its share of staff: a row of its own, so that an explanation names it.
            cols = [int(c) for c in n_col[u]]
            model.add_row(f"keep_staff[{unit.unit_id}]", cols, [1.0] * len(cols),
                          float(keep_totals[u]), np.inf, family=RowFamily.KEEP_STAFF, unit=u)  # fmt: skip

    # Staff: conservation per skill, moves.
    staff_budget_row = service_budget_row = -1
    if staff_can_move:
        for k, skill in enumerate(data.skills):
            model.add_row(
                f"conserve[{skill}]", [int(c) for c in n_col[:, k]], [1.0] * num_units,
                float(total[k]), float(total[k]), family=RowFamily.CONSERVE, skill=k,
            )  # fmt: skip
        for u, unit in enumerate(data.units):
            for k, skill in enumerate(data.skills):
                if p_col[u, k] >= 0:
                    model.add_row(
                        f"moves[{unit.unit_id},{skill}]",
                        [int(n_col[u, k]), int(p_col[u, k]), int(m_col[u, k])],
                        [1.0, -1.0, 1.0],
                        float(start[u, k]),
                        float(start[u, k]),
                        family=RowFamily.MOVES, unit=u, skill=k,
                    )  # fmt: skip
            movers = [int(c) for c in (*p_col[u], *m_col[u]) if c >= 0]
            if unit.max_moves is not None and movers:
                model.add_row(
                    f"unit_moves[{unit.unit_id}]", movers, [1.0] * len(movers),
                    -np.inf, float(unit.max_moves), family=RowFamily.UNIT_MOVES, unit=u,
                )  # fmt: skip
        joiners = [int(c) for c in p_col.ravel() if c >= 0]
        if settings.max_staff_moves is not None and joiners:
            staff_budget_row = model.add_row(
                "group_staff_moves", joiners, [1.0] * len(joiners),
                -np.inf, float(settings.max_staff_moves), family=RowFamily.STAFF_BUDGET,
            )  # fmt: skip
    if settings.max_service_moves is not None and service_move_cols:
        service_budget_row = model.add_row(
            "group_service_moves", service_move_cols, [1.0] * len(service_move_cols),
            -np.inf, float(settings.max_service_moves), family=RowFamily.SERVICE_BUDGET,
        )  # fmt: skip

    flows = Flows()
    if data.decisions or data.distance is not None:
        flows = add_decision_rows(model, data, n_col, p_col, m_col, classes, x_cols)

    deviation_cols = None
    if balance_means is not None:
        deviation_cols = _add_balance_rows(model, data, n_col, classes, x_cols, balance_means)

    return GroupModel(
        data=data,
        model=model,
        n_col=n_col,
        p_col=p_col,
        m_col=m_col,
        classes=tuple(classes),
        x_cols=tuple(x_cols),
        load_rows=np.asarray(load_rows, dtype=np.int64),
        load_n_cols=np.asarray(load_n, dtype=np.int64),
        load_capacity=np.asarray(load_capacity, dtype=float),
        ratio_col=ratio_col,
        ratio_scale=ratio_scale,
        threshold_col=threshold_col,
        deviation_cols=deviation_cols,
        balance_means=balance_means,
        service_move_cols=np.asarray(service_move_cols, dtype=np.int64),
        staff_budget_row=staff_budget_row,
        service_budget_row=service_budget_row,
        flows=flows,
    )


def _ratio_scale(data: GroupData) -> float:
    """The highest coefficient of the start (staff where they are, every service fixed), or 1.0
    when there is none: the ratio form measures r against it, so that r is of order one
    whatever the magnitudes of load and capacity."""
    with np.errstate(over="ignore"):
        coefficients = data.coefficients(data.start, data.fixed_load())
    finite = coefficients[np.isfinite(coefficients) & (coefficients > 0)]
    return float(finite.max()) if finite.size else 1.0


def _movable_load_terms(
    data: GroupData, classes: list[np.ndarray], x_cols: list[np.ndarray], scale: np.ndarray
) -> dict[tuple[int, int], tuple[list[int], list[float]]]:
    """Per cell (u, k): the class columns that may bring load there and their weights / scale."""
    terms: dict[tuple[int, int], tuple[list[int], list[float]]] = {}
    for members, cols in zip(classes, x_cols, strict=True):
        s = members[0]
        k = int(data.service_skill[s])
        for u, col in zip(data.eligible[s], cols, strict=True):
            entry = terms.setdefault((u, k), ([], []))
            entry[0].append(int(col))
            entry[1].append(float(data.weight[s] / scale[u, k]))
    return terms


def balance_scale(data: GroupData) -> float:
    """The unit deviations are measured in inside the model: the mean load of a loaded cell, so
    that deviation rows are O(1) whatever the unit of measure (services or hours)."""
    loaded = data.weight[data.weight > 0]
    if loaded.size == 0:
        return 1.0
    cells = len(
        {(int(u), int(k)) for u, k in zip(data.service_unit, data.service_skill, strict=True)}
    )
    return float(loaded.sum() / max(cells, 1))


def _add_balance_rows(
    model: LinearModel,
    data: GroupData,
    n_col: np.ndarray,
    classes: list[np.ndarray],
    x_cols: list[np.ndarray],
    means: np.ndarray,
) -> np.ndarray:
    """Deviation rows: load - mean_k * capacity = d+ - d-, in one unit of measure for the group;
    d+ and d- bounded by the most a cell can deviate, and for a cell whose load cannot change and
    whose headcount can, the hull row of its deviation at whole headcounts (_add_secant_row)."""
    scale = balance_scale(data)
    fixed_load = data.fixed_load()
    scales = np.full((len(data.units), len(data.skills)), scale)
    terms = _movable_load_terms(data, classes, x_cols, scales)
    deviation: list[int] = []
    for u, unit in enumerate(data.units):
        capacity = data.capacity_per_employee[u] / scale
        for k, skill in enumerate(data.skills):
            cols, values = terms.get((u, k), ([], []))
            n = int(n_col[u, k])
            # The most a cell can be above or below its mean: its most load on its fewest staff,
            # its most staff on its least load (bounds every plan's deviation keeps; with a
            # margin so that rounding never cuts one).
            per_employee = means[k] * capacity
            least_load = fixed_load[u, k] / scale
            most_load = least_load + sum(
                v * model.col_upper[c] for c, v in zip(cols, values, strict=True)
            )
            most_over = max(most_load - per_employee * model.col_lower[n], 0.0)
            most_under = max(per_employee * model.col_upper[n] - least_load, 0.0)
            above = model.add_col(f"over[{unit.unit_id},{skill}]", 0.0,
                                  most_over * (1 + 1e-9) + 1e-9)  # fmt: skip
            below = model.add_col(f"under[{unit.unit_id},{skill}]", 0.0,
                                  most_under * (1 + 1e-9) + 1e-9)  # fmt: skip
            deviation.extend([above, below])
            rhs = -fixed_load[u, k] / scale
            model.add_row(
                f"deviation[{unit.unit_id},{skill}]",
                [*cols, int(n_col[u, k]), above, below],
                [*values, -means[k] * capacity, -1.0, 1.0],
                rhs,
                rhs,
                family=RowFamily.DEVIATION, unit=u, skill=k,
            )  # fmt: skip
            if not cols and model.col_integer[n]:
                _add_secant_row(model, n, above, below, fixed_load[u, k] / scale,
                                means[k] * capacity, f"deviation_hull[{unit.unit_id},{skill}]",
                                u, k)  # fmt: skip
    return np.asarray(deviation, dtype=np.int64)


def _add_secant_row(
    model: LinearModel, n: int, above: int, below: int, load: float, per_employee: float,
    name: str, unit: int, skill: int,
) -> None:  # fmt: skip
    """The convex hull of a cell whose load cannot change: its deviation |load - a n| at whole
    headcounts n is the V of |.| except between the two whole numbers around load / a, where the
    hull is the chord through them. The row `over + under >= chord(n)` is implied for whole n
    (the chord lies under the V there) and cuts off the fractional headcounts with which the
    relaxation reaches a deviation no plan has, so the relaxation's bound is the cell's own."""
    if per_employee <= 0 or load <= 0:
        return  # the deviation is linear in n: nothing to cut
    low = float(np.floor(load / per_employee))
    at_low = load - per_employee * low  # >= 0
    at_high = per_employee * (low + 1) - load  # > 0
    if at_low <= 0:
        return  # load / a is whole: the V has its point at a whole number
    slope = at_high - at_low
    chord_at_zero = at_low - slope * low
    # A margin of 1e-9 relative, so that rounding never cuts the plan at either whole number.
    model.add_row(name, [above, below, n], [1.0, 1.0, -slope],
                  chord_at_zero - 1e-9 * max(1.0, abs(chord_at_zero)), np.inf,
                  family=RowFamily.DEVIATION_HULL, unit=unit, skill=skill)  # fmt: skip


def add_decision_rows(
    model: LinearModel,
    data: GroupData,
    n_col: np.ndarray,
    p_col: np.ndarray,
    m_col: np.ndarray,
    classes: list[np.ndarray],
    x_cols: list[np.ndarray],
) -> Flows:
    """The planner's decisions as rows of their own (family DECISION, so that an explanation can
    name the decision that must give), each mapped to its decisions in `model.row_decisions`.

    Transfers are of net headcount (as the result lists them): pinning e of skill k from A to B
    is n[A,k] <= start - e and n[B,k] >= start + e (summed over the pins of a unit), and the
    transfers are then paired with those first (transfers.pair_transfers). A forbidden transfer
    needs to know who sends to whom, so a skill with one gets flow columns f[a,b] from each unit
    that loses staff to each that gains (a binary per cell says which one it does), with the
    forbidden flows held at 0 and the pinned ones at their size."""
    start = data.start
    unit_index = {u.unit_id: i for i, u in enumerate(data.units)}
    skill_index = {k: i for i, k in enumerate(data.skills)}

    def skills_of(skill: str | None) -> list[int]:
        return list(range(len(data.skills))) if skill is None else [skill_index[skill]]

    def keep(name: str, decisions: list[int], cols: list[int], values: list[float],
             lower: float, upper: float, unit: int = -1, skill: int = -1) -> None:  # fmt: skip
        row = model.add_row(name, cols, values, lower, upper, family=RowFamily.DECISION,
                            unit=unit, skill=skill)  # fmt: skip
        model.row_decisions[row] = tuple(decisions)

    sent: dict[tuple[int, int], list[int]] = {}  # (unit, skill) -> pins it sends
    received: dict[tuple[int, int], list[int]] = {}
    pinned_flows: dict[tuple[int, int, int], int] = {}  # (from, to, skill) -> pin
    forbidden_flows: dict[tuple[int, int, int], int] = {}
    class_of = {int(members[0]): c for c, members in enumerate(classes) if len(members) == 1}
    service_index = {s.service_id: i for i, s in enumerate(data.services)}
    for i, decision in enumerate(data.decisions):
        u = unit_index[decision.unit_id]
        if decision.kind is DecisionKind.FIX_HEADCOUNT:
            ks = skills_of(decision.skill)
            employees = float(decision.employees or 0)
            keep(f"decision[{i}:fix[{decision.unit_id}]]", [i], [int(n_col[u, k]) for k in ks],
                 [1.0] * len(ks), employees, employees, unit=u,
                 skill=ks[0] if decision.skill is not None else -1)  # fmt: skip
        elif decision.kind.is_service:
            s = service_index[decision.service_id or ""]
            eligible = data.eligible[s]
            if s not in class_of or u not in eligible:
                continue  # a service that cannot move: the rule holds already (validated)
            col = int(x_cols[class_of[s]][eligible.index(u)])
            placed = 1.0 if decision.kind is DecisionKind.PIN_SERVICE else 0.0
            keep(f"decision[{i}:{decision.kind.name.lower()}[{decision.service_id}]]", [i],
                 [col], [1.0], placed, placed, unit=u)  # fmt: skip
        else:
            b = unit_index[decision.to_unit or ""]
            for k in skills_of(decision.skill):
                if decision.kind is DecisionKind.PIN_TRANSFER:
                    sent.setdefault((u, k), []).append(i)
                    received.setdefault((b, k), []).append(i)
                    pinned_flows[(u, b, k)] = i
                else:
                    forbidden_flows[(u, b, k)] = i
    for (u, k), pins in sorted(sent.items()):
        employees = float(sum(data.decisions[i].employees or 0 for i in pins))
        keep(f"decision[send[{data.units[u].unit_id},{data.skills[k]}]]", pins,
             [int(n_col[u, k])], [1.0], -np.inf, float(start[u, k]) - employees,
             unit=u, skill=k)  # fmt: skip
    for (b, k), pins in sorted(received.items()):
        employees = float(sum(data.decisions[i].employees or 0 for i in pins))
        keep(f"decision[receive[{data.units[b].unit_id},{data.skills[k]}]]", pins,
             [int(n_col[b, k])], [1.0], float(start[b, k]) + employees, np.inf,
             unit=b, skill=k)  # fmt: skip

    # Who sends to whom: for a skill with a forbidden transfer, and for every skill when the group
    # has distances (the longest transfer, the least total distance).
    distance = data.distance
    longest = data.settings.longest_transfer
    flows = Flows(pinned=dict.fromkeys(pinned_flows, 0))
    for key, i in pinned_flows.items():
        flows.pinned[key] = int(data.decisions[i].employees or 0)
    flow_skills = set(range(len(data.skills))) if distance is not None else set()
    flow_skills |= {k for (_, _, k) in forbidden_flows}
    for k in sorted(flow_skills):
        movers = [u for u in range(len(data.units)) if p_col[u, k] >= 0]
        if len(movers) < 2:
            continue
        total = float(start[:, k].sum())
        skill = data.skills[k]
        for u in movers:
            unit_id = data.units[u].unit_id
            gains = model.add_col(f"gains[{unit_id},{skill}]", 0.0, 1.0, integer=True)
            flows.gains[(u, k)] = gains
            # A cell either gains (joiners only) or loses (leavers only): joiners and leavers
            # are then the net change, which is what the transfers are paired from.
            model.add_row(f"gains_only[{unit_id},{skill}]", [int(p_col[u, k]), gains],
                          [1.0, -total], -np.inf, 0.0, family=RowFamily.TRANSFER_FLOW,
                          unit=u, skill=k)  # fmt: skip
            model.add_row(f"loses_only[{unit_id},{skill}]", [int(m_col[u, k]), gains],
                          [1.0, float(start[u, k])], -np.inf, float(start[u, k]),
                          family=RowFamily.TRANSFER_FLOW, unit=u, skill=k)  # fmt: skip
        for a in movers:
            for b in movers:
                if a != b:
                    flows.cols[(a, b, k)] = model.add_col(
                        f"flow[{data.units[a].unit_id},{data.units[b].unit_id},{skill}]",
                        0.0, total)  # fmt: skip
        for u in movers:
            out = [flows.cols[(u, b, k)] for b in movers if b != u]
            into = [flows.cols[(a, u, k)] for a in movers if a != u]
            model.add_row(f"sends[{data.units[u].unit_id},{skill}]", [*out, int(m_col[u, k])],
                          [1.0] * len(out) + [-1.0], 0.0, 0.0, family=RowFamily.TRANSFER_FLOW,
                          unit=u, skill=k)  # fmt: skip
            model.add_row(f"receives[{data.units[u].unit_id},{skill}]",
                          [*into, int(p_col[u, k])], [1.0] * len(into) + [-1.0], 0.0, 0.0,
                          family=RowFamily.TRANSFER_FLOW, unit=u, skill=k)  # fmt: skip
        for (a, b, skill_k), i in sorted(forbidden_flows.items()):
            if skill_k == k and (a, b, k) in flows.cols:
                flows.blocked.add((a, b, k))
                keep(f"decision[{i}:forbid[{data.units[a].unit_id},{data.units[b].unit_id}]]",
                     [i], [flows.cols[(a, b, k)]], [1.0], 0.0, 0.0, unit=a, skill=k)  # fmt: skip
        for (a, b, skill_k), i in sorted(pinned_flows.items()):
            if skill_k == k and (a, b, k) in flows.cols:
                employees = float(data.decisions[i].employees or 0)
                keep(f"decision[{i}:pin[{data.units[a].unit_id},{data.units[b].unit_id}]]",
                     [i], [flows.cols[(a, b, k)]], [1.0], employees, np.inf, unit=a, skill=k)  # fmt: skip
        if distance is None:
            continue
        for a in movers:
            for b in movers:
                far = not np.isfinite(distance[a, b]) or (
                    longest is not None and distance[a, b] > longest
                )
                if a != b and far:
                    # Its own row, so that an explanation names the distance (or its absence).
                    flows.blocked.add((a, b, k))
                    row = model.add_row(
                        f"distance[{data.units[a].unit_id},{data.units[b].unit_id},{skill}]",
                        [flows.cols[(a, b, k)]], [1.0], 0.0, 0.0, family=RowFamily.DISTANCE,
                        unit=a, skill=k)  # fmt: skip
                    model.row_pairs[row] = (a, b)
    return flows


def add_level_count(
    group_model: GroupModel, free: np.ndarray, threshold: float, below: float
) -> np.ndarray:
    """Leximax's count step, added to a threshold model before it is loaded: one binary per load
    row, 1 when its cell may sit above `below` (up to the load row's own threshold, at most
    `threshold`), 0 when the cell must be under `below`, for the load rows where `free` (a mask
    in load-row order: cells not capped at an earlier level) is set. Minimising their sum gives
    the fewest cells at the level. Returns the binaries' columns, in load-row order.

    Each indicator row is its load row at `below` less M x z; with M = (threshold - below) x
    capacity x the most employees the cell may have, z = 1 makes it no stronger than the load row
    at `threshold`, so it cuts nothing the level allows. With z = 0 a plan whose cell is at the
    level misses the row by the load rows' certifying margin (the rows share their scale)."""
    model = group_model.model
    entries: dict[int, tuple[list[int], list[float]]] = {}
    load_rows = set(group_model.load_rows.tolist())
    for r, c, v in zip(model.entry_row, model.entry_col, model.entry_value, strict=True):
        if r in load_rows:
            cols, values = entries.setdefault(r, ([], []))
            cols.append(c)
            values.append(v)
    binaries = []
    for row, n_col, capacity, counted in zip(
        group_model.load_rows.tolist(), group_model.load_n_cols.tolist(),
        group_model.load_capacity.tolist(), free.tolist(), strict=True,
    ):  # fmt: skip
        if not counted:
            continue
        most = float(model.col_upper[n_col])
        if not np.isfinite(most):
            raise ValueError(f"{model.row_names[row]}: no upper bound on the headcount")
        z = model.add_col(f"above[{model.row_names[row]}]", 0.0, 1.0, integer=True)
        cols, values = entries[row]
        # The row is broken only while load > below x capacity x n, so by at most
        # (threshold - below) x capacity x n < (threshold / below - 1) x the most load the cell
        # can carry: the smaller M, the less a binary's integrality tolerance (1e-6 x M) lets a
        # cell past `below` with its binary "0" (a large M let one solver count 14 of 15 cells).
        load_most = -model.row_upper[row] + sum(
            v * model.col_upper[c]
            for c, v in zip(cols, values, strict=True)
            if c != n_col and v > 0
        )
        big = (threshold - below) * capacity * most
        if below > 0:
            big = min(big, (threshold / below - 1) * load_most)
        big = big * (1 + 1e-6) + 1e-9
        terms = [
            (c, -below * capacity if c == n_col else v) for c, v in zip(cols, values, strict=True)
        ]
        model.add_row(
            f"level_count[{model.row_names[row]}]",
            [c for c, _ in terms] + [z], [v for _, v in terms] + [-big],
            -np.inf, model.row_upper[row],
            family=RowFamily.LEVEL_COUNT, unit=model.row_unit[row], skill=model.row_skill[row],
        )  # fmt: skip
        binaries.append(z)
    return np.asarray(binaries, dtype=np.int64)
