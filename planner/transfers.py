"""Turn net headcount changes into a concrete transfer plan: who sends how many to whom.

For each skill, units that lose staff send to units that gain, in the fewest (from, to) pairs.
The fewest pairs is the number of senders plus receivers minus the largest number of groups whose
losses and gains balance exactly; it is found with a small MILP, and for large instances (or if the
MILP does not finish) by matching equal amounts first and then largest to largest, which never
needs more than senders + receivers - 1 pairs.
"""

from __future__ import annotations

import numpy as np

from planner.domain import SolverName
from planner.model import LinearModel
from planner.solvers import RunStatus, make_backend

EXACT_PAIR_LIMIT = 400  # senders x receivers up to which the fewest pairs are proven


def pair_transfers(losses: dict[str, int], gains: dict[str, int]) -> list[tuple[str, str, int]]:
    """(from, to, employees) moving `losses` to `gains` (equal totals) in the fewest pairs."""
    senders = sorted((u, v) for u, v in losses.items() if v > 0)
    receivers = sorted((u, v) for u, v in gains.items() if v > 0)
    if not senders or not receivers:
        return []
    if sum(v for _, v in senders) != sum(v for _, v in receivers):
        raise ValueError("losses and gains must balance")
    if len(senders) * len(receivers) <= EXACT_PAIR_LIMIT:
        exact = _fewest_pairs(senders, receivers)
        if exact is not None:
            return exact
    return _greedy_pairs(senders, receivers)


def _greedy_pairs(senders, receivers) -> list[tuple[str, str, int]]:
    remaining_out = dict(senders)
    remaining_in = dict(receivers)
    pairs = []
    # Equal amounts first: each such match saves a pair.
    for s, amount in senders:
        for r, _ in receivers:
            if remaining_out[s] == amount and remaining_in[r] == amount and amount > 0:
                pairs.append((s, r, amount))
                remaining_out[s] = remaining_in[r] = 0
                break
    while any(remaining_out.values()):
        s = max(remaining_out, key=lambda u: (remaining_out[u], u))
        r = max(remaining_in, key=lambda u: (remaining_in[u], u))
        amount = min(remaining_out[s], remaining_in[r])
        pairs.append((s, r, amount))
        remaining_out[s] -= amount
        remaining_in[r] -= amount
    return sorted(pairs)


def _fewest_pairs(senders, receivers) -> list[tuple[str, str, int]] | None:
    model = LinearModel()
    flow, used = {}, {}
    for s, out in senders:
        for r, need in receivers:
            cap = float(min(out, need))
            flow[s, r] = model.add_col(f"f[{s},{r}]", 0.0, cap, integer=True)
            used[s, r] = model.add_col(f"y[{s},{r}]", 0.0, 1.0, integer=True)
            model.add_row(f"link[{s},{r}]", [flow[s, r], used[s, r]], [1.0, -cap], -np.inf, 0.0)
    for s, out in senders:
        cols = [flow[s, r] for r, _ in receivers]
        model.add_row(f"send[{s}]", cols, [1.0] * len(cols), float(out), float(out))
    for r, need in receivers:
        cols = [flow[s, r] for s, _ in senders]
        model.add_row(f"receive[{r}]", cols, [1.0] * len(cols), float(need), float(need))
    backend = make_backend(model, SolverName.HIGHS)
    costs = np.zeros(model.num_cols)
    costs[list(used.values())] = 1.0
    backend.set_objective(costs)
    run = backend.solve(time_limit=5.0, integral_objective=True)
    if run.status is not RunStatus.OPTIMAL:
        return None
    return sorted(
        (s, r, int(round(run.values[col]))) for (s, r), col in flow.items() if run.values[col] > 0.5
    )
