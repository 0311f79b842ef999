"""Print the README table: the bundled West Kazakhstan scenario solved with staff moves only, for
group staff-move limits 0, 10, 20, 50 and none (t* per group, proven optimal).

    python scripts/move_limits_table.py [SCENARIO]
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from planner import read_scenario, solve

LIMITS = (0, 10, 20, 50, None)
DEFAULT = (
    Path(__file__).resolve().parent.parent / "planner" / "datasets" / "scenarios" / "west-kazakhstan-2024.xlsx"
)


def staff_only_results(path: Path = DEFAULT):
    """{limit: Result} for each staff-move limit, services fixed."""
    scenario = read_scenario(path)
    results = {}
    for limit in LIMITS:
        settings = dataclasses.replace(
            scenario.settings, allow_service_moves=False, max_staff_moves=limit
        )
        results[limit] = solve(dataclasses.replace(scenario, settings=settings), sensitivity=False)
    return results


def markdown(results) -> str:
    groups = [g.group for g in results[LIMITS[0]].groups]
    header = "| group | before | " + " | ".join(
        f"limit {limit if limit is not None else 'none'}: after (moved)" for limit in LIMITS
    )
    lines = [header + " |", "|---" * (len(LIMITS) + 2) + "|"]
    for name in groups:
        before = results[LIMITS[0]].group(name).max_coefficient_before
        cells = []
        for limit in LIMITS:
            g = results[limit].group(name)
            assert g.status.value == "optimal", (name, limit, g.status)
            cells.append(f"{g.max_coefficient_after:.4f} ({g.staff_moved})")
        lines.append(f"| {name} | {before:.4f} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(staff_only_results(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)))
