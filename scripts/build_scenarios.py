"""Build the bundled West Kazakhstan scenario workbooks from the published tables.

    python scripts/build_scenarios.py [--data DIR] [--out DIR] [--docs FILE]

Writes `west-kazakhstan-2024.xlsx` (count mode) and `west-kazakhstan-2024-hours.xlsx` (hours mode)
into --out (default `<repo>/planner/datasets/scenarios`, package data), and the Markdown list of their assumptions into --docs
(default `<repo>/docs/assumptions.md`). The data folder defaults to `planner/datasets/data`.
Deterministic: two runs give workbooks with equal cell values. Never edit the workbooks by hand;
change planner/datasets/westkaz/ and run this again (a test compares the committed files with a build).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    # Runs from a checkout without `pip install -e .` too.
    sys.path.insert(0, str(REPO))

from planner.datasets.westkaz import (  # noqa: E402
    COUNT_SCENARIO_NAME,
    HOURS_SCENARIO_NAME,
    MOVABLE_PAIRS,
    Assumption,
    count_assumptions,
    count_scenario,
    default_data_dir,
    hours_assumptions,
    hours_scenario,
    read_units,
)
from planner.domain import Scenario, Variant  # noqa: E402
from planner.workbook import write_scenario  # noqa: E402

DEFAULT_DATA = default_data_dir()
DEFAULT_OUT = REPO / "planner" / "datasets" / "scenarios"  # package data
DEFAULT_DOCS = REPO / "docs" / "assumptions.md"
COUNT_FILE = f"{COUNT_SCENARIO_NAME}.xlsx"
HOURS_FILE = f"{HOURS_SCENARIO_NAME}.xlsx"


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _assumption_table(assumptions: Sequence[Assumption]) -> list[str]:
    lines = ["| Assumption | Value | Basis |", "|---|---|---|"]
    lines.extend(
        f"| {_cell(a.assumption)} | {_cell(a.value)} | {_cell(a.basis)} |" for a in assumptions
    )
    return lines


def _variant_summary(variant: Variant) -> str:
    parts = []
    for field, value in variant.settings.items():
        shown = {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value
        parts.append(f"{field.replace('_', ' ')} = {getattr(shown, 'value', shown)}")
    if variant.hires:
        parts.append(
            "new hires "
            + "; ".join(
                f"{h.unit_id}{'' if h.skill == 'general' else ':' + h.skill}={h.employees}"
                for h in variant.hires
            )
        )
    if variant.volume_scale:
        parts.append(
            "volume scale " + "; ".join(f"{a.target}={a.value:g}" for a in variant.volume_scale)
        )
    if variant.digital_share:
        parts.append(
            "digital share " + "; ".join(f"{a.target}={a.value:g}" for a in variant.digital_share)
        )
    if variant.lock_units:
        parts.append("lock " + "; ".join(variant.lock_units))
    return ", ".join(parts)


def _variant_table(scenarios: Sequence[tuple[str, Scenario]]) -> list[str]:
    lines = ["| Workbook | Option | What it tries | Overrides |", "|---|---|---|---|"]
    for file_name, scenario in scenarios:
        for variant in scenario.variants:
            lines.append(
                f"| `{file_name}` | {_cell(variant.name)} | {_cell(variant.description)} "
                f"| {_cell(_variant_summary(variant))} |"
            )
    return lines


def assumptions_markdown(data_dir: Path) -> str:
    """The README section on the bundled scenarios, with both workbooks' assumptions."""
    units = read_units(data_dir)
    count, hours = count_scenario(data_dir), hours_scenario(data_dir)
    ids = "; ".join(f"{u.unit_id} {u.name}" for u in units)
    names = {
        u.unit_id: u.name.removeprefix("Department of ").removeprefix("Department for ")
        for u in units
    }
    lines = [
        "## Bundled scenarios",
        "",
        "`planner/datasets/scenarios/` (package data, so every install has them; `scenarios/` in a "
        "clone links there) holds two workbooks built by `python scripts/build_scenarios.py` from the "
        "published West Kazakhstan tables in `planner/datasets/data` (Samarkhanov, Karsembayeva, "
        "Tsaurkubule, DOI 10.52123/1994-2370-2025-1660, Tables 1-4). Do not edit them by hand: "
        "a test rebuilds them and compares.",
        "",
        f"- `{COUNT_FILE}` (count mode): the three published tables as three groups - "
        "`Region departments` (15 units, R01-R15), `Districts` (12 districts and Uralsk City, "
        "D01-D13, Uralsk City = D13) and `Uralsk City departments` (6 units, C01-C06, Parent D13). "
        "One Services row per published service (volume 1, skill general), so every unit's "
        "coefficient before optimisation is the published one to two decimals (a test checks all "
        "34).",
        f"- `{HOURS_FILE}` (hours mode): the same units and groups with four illustrative skills, "
        "a Staff sheet, yearly volumes adding up to the published 2024 total of 4,018,049, "
        "minutes per transaction, digital shares whose volume-weighted mean is the published "
        "62.6%, service shares below 1 for planning departments, and 1,720 hours per FTE.",
        "",
        "Uralsk City is counted once. Table 3 breaks it down: its 49 services and 73 of its 192 "
        "employees are its six departments' (C01-C06, `Uralsk City departments`). A parent's "
        "record is its own, its children's excluded, so D13 in `Districts` holds the other 119 "
        "employees (units that deliver no listed service) and no services; a result's roll-up of "
        "D13 gives the published 192, 49 and 0.26, and no person is moved at both levels.",
        "",
        "Services may move only between these department pairs of one group (illustrative; the "
        "paper recommends redistributing functions between departments): "
        + "; ".join(f"{a} {names[a]} <-> {b} {names[b]}" for a, b, _ in MOVABLE_PAIRS)
        + ". In the hours workbook only services whose skill the partner employs. No service "
        "moves between districts: a district akimat serves its own residents, so the `services "
        "only` option changes nothing in `Districts`.",
        "",
        f"Unit ids: {ids}.",
        "",
        "### Options in the Scenarios sheets (`planner compare`)",
        "",
        *_variant_table([(COUNT_FILE, count), (HOURS_FILE, hours)]),
        "",
        f"### Assumptions of `{COUNT_FILE}`",
        "",
        "Every row whose basis says *illustrative* is not a published figure.",
        "",
        *_assumption_table(count_assumptions(data_dir)),
        "",
        f"### Assumptions of `{HOURS_FILE}`",
        "",
        "Every row whose basis says *illustrative* is not a published figure.",
        "",
        *_assumption_table(hours_assumptions(data_dir)),
        "",
    ]
    return "\n".join(lines)


def build(data_dir: Path, out_dir: Path, docs_path: Path | None = None) -> list[Path]:
    """Write both workbooks (and the Markdown assumptions when docs_path is given)."""
    written = [
        write_scenario(
            count_scenario(data_dir), out_dir / COUNT_FILE, assumptions=count_assumptions(data_dir)
        ),
        write_scenario(
            hours_scenario(data_dir), out_dir / HOURS_FILE, assumptions=hours_assumptions(data_dir)
        ),
    ]
    if docs_path is not None:
        docs_path.parent.mkdir(parents=True, exist_ok=True)
        docs_path.write_text(assumptions_markdown(data_dir), encoding="utf-8")
        written.append(docs_path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="published tables (CSV)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the workbooks")
    parser.add_argument(
        "--docs", type=Path, default=DEFAULT_DOCS, help="Markdown file for the assumptions"
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in build(args.data, args.out, args.docs):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
