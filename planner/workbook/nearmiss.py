"""Near misses for "did you mean": the id or name a typed value most likely meant.

Two values are compared after normalisation (Unicode NFKC, case, spaces, `_`, `-` and `.`
dropped, and the look-alikes O/0 and l/I/1 made one), then by edit distance on the normalised
forms: `CLO2`, `CL 02` and `cl02` all mean `CL02`; `CL2` is one edit from it; `nurses` one
from `nurse`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

__all__ = ["edit_distance", "near_miss", "normalised"]

_DROPPED = str.maketrans("", "", " \t\u00a0_-.")
_LOOKALIKES = str.maketrans({"o": "0", "l": "1", "i": "1"})
MAX_SCANNED = 5_000  # beyond this many candidates only normalised equality is looked for


def normalised(text: str) -> str:
    """`text` as near-miss matching compares it: NFKC, casefolded, separators dropped,
    O -> 0 and l, I -> 1."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return folded.translate(_DROPPED).translate(_LOOKALIKES)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of `a` and `b`, or `limit + 1` as soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def near_miss(value: str, candidates: Iterable[str]) -> str | None:
    """The candidate `value` most likely meant, or None: first one equal after normalisation,
    else the nearest within 1 edit (2 for values of 6 characters or more) of the normalised
    forms; ties go to the first candidate in sorted order. `value` itself is never returned."""
    key = normalised(value)
    if not key:
        return None
    others = sorted(c for c in candidates if c != value)
    forms = [(normalised(c), c) for c in others]
    for form, candidate in forms:
        if form == key:
            return candidate
    if len(forms) > MAX_SCANNED:
        return None
    limit = 1 if len(key) < 6 else 2
    best: tuple[int, str] | None = None
    for form, candidate in forms:
        distance = edit_distance(key, form, limit)
        # A one-character id is within one edit of every other one-character id: no guess.
        if distance <= limit and distance < max(len(key), len(form)):
            if best is None or distance < best[0]:
                best = (distance, candidate)
    return None if best is None else best[1]
