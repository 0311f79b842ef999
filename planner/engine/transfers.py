"""Turn net headcount changes into a concrete transfer plan: who sends how many to whom.

For each skill, units that lose staff send to units that gain, in the fewest (from, to) pairs.
A set of k units whose losses and gains balance exactly can always be settled in k - 1 pairs, and
never in fewer; so the fewest pairs is (senders + receivers) minus the largest number of groups the
units can be split into, each balancing exactly. That number is found exactly by dynamic programming
over subsets (vectorised with numpy) when at most EXACT_LIMIT units change; above that, equal amounts
are matched first and the rest largest to largest, which needs at most senders + receivers - 1 pairs.
"""

from __future__ import annotations

import numpy as np

EXACT_LIMIT = 16  # 2**16 subsets take about 0.1 s; beyond, the greedy bound is used


def pair_transfers(losses: dict[str, int], gains: dict[str, int]) -> list[tuple[str, str, int]]:
    """(from, to, employees) moving `losses` to `gains` (equal totals) in the fewest pairs."""
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
    remaining_out = dict(senders)
    remaining_in = dict(receivers)
    pairs = []
    # Equal amounts first: each such match closes a balanced group of two in one pair.
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
