"""Turn net headcount changes into a concrete transfer plan: who sends how many to whom.

For each skill, units that lose staff send to units that gain, in the fewest (from, to) pairs.
A set of k units whose losses and gains balance exactly can always be settled in k - 1 pairs, and
never in fewer; so the fewest pairs is (senders + receivers) minus the largest number of groups the
units can be split into, each balancing exactly. That number is found exactly by dynamic programming
over subsets (vectorised with numpy) when at most EXACT_LIMIT units change; above that, equal amounts
are matched first and the rest largest to largest, which needs at most senders + receivers - 1 pairs.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Collection, Mapping

import numpy as np

EXACT_LIMIT = 16  # 2**16 subsets take about 0.1 s; beyond, the greedy bound is used


def pair_transfers(
    losses: dict[str, int],
    gains: dict[str, int],
    pinned: Mapping[tuple[str, str], int] | None = None,
    forbidden: Collection[tuple[str, str]] = (),
    cost: Mapping[tuple[str, str], float] | None = None,
) -> list[tuple[str, str, int]]:
    """(from, to, employees) moving `losses` to `gains` (equal totals) in the fewest pairs.

    pinned: (from, to) -> employees that must go that way (a planner's decision), paired first;
    forbidden: (from, to) pairs no employee may take. With forbidden pairs the rest is paired by a
    maximum flow over the allowed pairs (not always the fewest pairs); ValueError when no pairing
    keeps the decisions (the model's flow rows guarantee one for a plan it returns).
    cost: (from, to) -> distance of one employee's transfer; the rest is then paired at the least
    total distance (pairs without a cost are not used), ties broken in sorted order."""
    pairs: list[tuple[str, str, int]] = []
    if pinned:
        losses, gains = dict(losses), dict(gains)
        for (a, b), employees in sorted(pinned.items()):
            if losses.get(a, 0) < employees or gains.get(b, 0) < employees:
                raise ValueError(f"the plan does not move {employees} from {a} to {b}")
            losses[a] -= employees
            gains[b] -= employees
            pairs.append((a, b, employees))
    blocked = {(a, b) for a, b in forbidden if losses.get(a, 0) > 0 and gains.get(b, 0) > 0}
    if cost is not None:
        rest = _cheapest_pairs(losses, gains, blocked, cost)
    elif blocked:
        rest = _flow_pairs(losses, gains, blocked)
    else:
        rest = _fewest_pairs(losses, gains)
    merged: dict[tuple[str, str], int] = {}
    for a, b, employees in [*pairs, *rest]:
        merged[(a, b)] = merged.get((a, b), 0) + employees
    return sorted((a, b, n) for (a, b), n in merged.items())


def _fewest_pairs(losses: dict[str, int], gains: dict[str, int]) -> list[tuple[str, str, int]]:
    senders = sorted((u, v) for u, v in losses.items() if v > 0)
    receivers = sorted((u, v) for u, v in gains.items() if v > 0)
    if not senders or not receivers:
        return []
    if sum(v for _, v in senders) != sum(v for _, v in receivers):
        raise ValueError("losses and gains must balance")
    if len(senders) + len(receivers) > EXACT_LIMIT:
        return _greedy_pairs(senders, receivers)
    pairs = []
    for group in _balanced_groups(senders, receivers):
        pairs.extend(
            _greedy_pairs([m for m in group if m[1] > 0], [(u, -v) for u, v in group if v < 0])
        )
    return sorted(pairs)


def _balanced_groups(senders, receivers) -> list[list[tuple[str, int]]]:
    """Split the units into the most groups that each balance exactly (losses as +, gains as -)."""
    members = [(u, v) for u, v in senders] + [(u, -v) for u, v in receivers]
    n = len(members)
    values = np.array([v for _, v in members], dtype=np.int64)
    masks = np.arange(1 << n, dtype=np.int64)
    bits = ((masks[:, None] >> np.arange(n)) & 1).astype(bool)
    sums = bits.astype(np.int64) @ values
    popcount = bits.sum(axis=1)
    # best[mask]: most balanced groups that the members of mask can be split into, counting a
    # group each time the removal order passes through a balanced subset.
    best = np.zeros(1 << n, dtype=np.int64)
    for size in range(1, n + 1):
        layer = masks[popcount == size]
        candidate = np.zeros(layer.size, dtype=np.int64)
        for i in range(n):
            has = (layer >> i) & 1 == 1
            candidate[has] = np.maximum(candidate[has], best[layer[has] ^ (1 << i)])
        best[layer] = candidate + (sums[layer] == 0)
    # Walk back from the full set; each stretch between balanced subsets is one group.
    groups, current, mask = [], [], (1 << n) - 1
    while mask:
        target = best[mask] - (sums[mask] == 0)
        for i in range(n):
            if mask >> i & 1 and best[mask ^ (1 << i)] == target:
                current.append(members[i])
                mask ^= 1 << i
                break
        if sums[mask] == 0:
            groups.append(current)
            current = []
    return groups


def _greedy_pairs(senders, receivers) -> list[tuple[str, str, int]]:
    """Equal amounts matched first (each sender, in order, with the first receiver of the same
    amount), then the largest remaining sender with the largest remaining receiver (ties to the
    greater id). Heaps and a table of receivers by amount keep it O(n log n) for thousands of
    units (the plain scans were quadratic: 2.2 s of a 5,000-unit solve)."""
    waiting_by_amount: dict[int, deque[str]] = {}
    for r, amount in receivers:
        waiting_by_amount.setdefault(amount, deque()).append(r)
    pairs = []
    out_left: list[tuple[int, _Descending]] = []
    for s, amount in senders:
        waiting = waiting_by_amount.get(amount)
        if waiting and amount > 0:
            pairs.append((s, waiting.popleft(), amount))
        elif amount > 0:
            out_left.append((-amount, _Descending(s)))
    in_left = [
        (-amount, _Descending(r))
        for amount, rs in waiting_by_amount.items()
        if amount > 0
        for r in rs
    ]
    heapq.heapify(out_left)
    heapq.heapify(in_left)
    while out_left:
        out_amount, s = heapq.heappop(out_left)
        in_amount, r = heapq.heappop(in_left)
        amount = min(-out_amount, -in_amount)
        pairs.append((s.name, r.name, amount))
        if -out_amount > amount:
            heapq.heappush(out_left, (out_amount + amount, s))
        if -in_amount > amount:
            heapq.heappush(in_left, (in_amount + amount, r))
    return sorted(pairs)


class _Descending:
    """An id that sorts in reverse, so that a min-heap of (-amount, id) pops the largest amount
    and, among equal amounts, the greatest id."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __lt__(self, other: _Descending) -> bool:
        return self.name > other.name


def _flow_pairs(
    losses: dict[str, int], gains: dict[str, int], blocked: set[tuple[str, str]]
) -> list[tuple[str, str, int]]:
    """Losses sent to gains over the pairs not blocked: a maximum flow (Edmonds-Karp, shortest
    augmenting paths) from the senders to the receivers, in sorted order so it is deterministic."""
    senders = sorted(u for u, v in losses.items() if v > 0)
    receivers = sorted(u for u, v in gains.items() if v > 0)
    if sum(losses[u] for u in senders) != sum(gains[u] for u in receivers):
        raise ValueError("losses and gains must balance")
    flow: dict[tuple[str, str], int] = {}
    left_out = {u: losses[u] for u in senders}
    left_in = {u: gains[u] for u in receivers}
    allowed = {a: [b for b in receivers if (a, b) not in blocked] for a in senders}
    while any(left_out.values()):
        # Breadth-first over the residual graph: sender -> receiver on an allowed pair, and
        # receiver -> sender back along flow already sent (to reroute it).
        parent: dict[tuple[str, str], tuple[str, str] | None] = {}
        queue: deque[tuple[str, str]] = deque()
        for a in senders:
            if left_out[a] > 0:
                parent[("s", a)] = None
                queue.append(("s", a))
        end = None
        while queue and end is None:
            side, node = queue.popleft()
            if side == "s":
                for b in allowed[node]:
                    if ("r", b) not in parent:
                        parent[("r", b)] = (side, node)
                        if left_in[b] > 0:
                            end = ("r", b)
                            break
                        queue.append(("r", b))
            else:
                for a in senders:
                    if flow.get((a, node), 0) > 0 and ("s", a) not in parent:
                        parent[("s", a)] = (side, node)
                        queue.append(("s", a))
        if end is None:
            raise ValueError("no pairing of the transfers avoids the forbidden pairs")
        path = [end]
        while parent[path[-1]] is not None:
            path.append(parent[path[-1]])  # type: ignore[arg-type]
        path.reverse()
        amount = min(left_out[path[0][1]], left_in[end[1]])
        for (side, node), (_, following) in zip(path, path[1:], strict=False):
            if side == "s":
                amount = min(amount, losses[node] + gains[following])  # no cap on a pair
            else:
                amount = min(amount, flow[(following, node)])
        for (side, node), (_, following) in zip(path, path[1:], strict=False):
            if side == "s":
                flow[(node, following)] = flow.get((node, following), 0) + amount
            else:
                flow[(following, node)] -= amount
        left_out[path[0][1]] -= amount
        left_in[end[1]] -= amount
    return sorted((a, b, n) for (a, b), n in flow.items() if n > 0)


def _cheapest_pairs(
    losses: Mapping[str, int],
    gains: Mapping[str, int],
    blocked: set[tuple[str, str]],
    cost: Mapping[tuple[str, str], float],
) -> list[tuple[str, str, int]]:
    """Losses sent to gains at the least total cost over the pairs with a cost and not blocked:
    successive shortest paths (Bellman-Ford on the residual graph, where sending back along a
    pair already used saves its cost), one path at a time, ties in sorted order."""
    senders = sorted(u for u, v in losses.items() if v > 0)
    receivers = sorted(u for u, v in gains.items() if v > 0)
    if sum(losses[u] for u in senders) != sum(gains[u] for u in receivers):
        raise ValueError("losses and gains must balance")
    arcs = {
        (a, b): float(cost[(a, b)])
        for a in senders
        for b in receivers
        if (a, b) in cost and (a, b) not in blocked and math.isfinite(cost[(a, b)])
    }
    flow = dict.fromkeys(arcs, 0)
    left_out = {u: losses[u] for u in senders}
    left_in = {u: gains[u] for u in receivers}
    while any(left_out.values()):
        # Cheapest path from a sender with employees left to a receiver with room left; nodes
        # are ("s", unit) and ("r", unit).
        best: dict[tuple[str, str], float] = {("s", a): 0.0 for a in senders if left_out[a] > 0}
        parent: dict[tuple[str, str], tuple[str, str]] = {}
        for _ in range(len(senders) + len(receivers)):
            changed = False
            for (a, b), price in arcs.items():
                here, there = ("s", a), ("r", b)
                if here in best and best[here] + price < best.get(there, math.inf) - 1e-12:
                    best[there], parent[there] = best[here] + price, here
                    changed = True
                if (
                    flow[(a, b)] > 0
                    and there in best
                    and (best[there] - price < best.get(here, math.inf) - 1e-12)
                ):
                    best[here], parent[here] = best[there] - price, there
                    changed = True
            if not changed:
                break
        ends = [("r", b) for b in receivers if left_in[b] > 0 and ("r", b) in best]
        if not ends:
            raise ValueError("no pairing of the transfers keeps to the pairs allowed")
        end = min(ends, key=lambda node: (best[node], node))
        path = [end]
        while path[-1] in parent:
            path.append(parent[path[-1]])
        path.reverse()
        amount = min(left_out[path[0][1]], left_in[end[1]])
        for (side, node), (_, following) in zip(path, path[1:], strict=False):
            if side == "r":
                amount = min(amount, flow[(following, node)])
        for (side, node), (_, following) in zip(path, path[1:], strict=False):
            if side == "s":
                flow[(node, following)] += amount
            else:
                flow[(following, node)] -= amount
        left_out[path[0][1]] -= amount
        left_in[end[1]] -= amount
    return sorted((a, b, n) for (a, b), n in flow.items() if n > 0)
