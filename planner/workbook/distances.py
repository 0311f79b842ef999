"""The optional Distances sheet: how far staff travel between units, in km or in travel minutes.

One row per pair of units: From unit, To unit and either a `Km` or a `Minutes` column (one of them,
for the whole sheet). A distance holds both ways unless the other direction has a row of its own.
Every cell is read like every other sheet's; a unit that is not in the workbook is named with a
did-you-mean, a pair in two groups, a unit paired with itself and a pair given twice (naming both
cells) are refused. With the sheet, a plan among those that reach the objective with the fewest
moves has the least total distance, and `longest transfer` (Settings) caps each transfer.
"""

from __future__ import annotations

from planner.domain import Distance, DistanceMeasure, Scenario
from planner.errors import ProblemCode
from planner.i18n import N_, NP_, _
from planner.workbook.decision_rules import other_group
from planner.workbook.layout import Column, Kind, SheetFormat, translated_format
from planner.workbook.tables import IdIndex, Problems, Table, read_records, require_columns

__all__ = ["DISTANCES", "distance_rows", "read_distances"]

DISTANCES = SheetFormat(
    name=NP_("sheet", "Distances"),
    required=False,
    purpose=N_(
        "Optional. How far staff travel between two units: a Km or a Minutes column (one of "
        "them). A distance holds both ways unless the other direction has its own row. With this "
        "sheet a transfer between units with no distance is not allowed."
    ),
    columns=(
        Column(
            NP_("header", "From unit"),
            Kind.ID,
            N_("A Unit ID"),
            NP_("default", "required"),
            required=True,
        ),
        Column(
            NP_("header", "To unit"),
            Kind.ID,
            N_("Another unit of the same group"),
            NP_("default", "required"),
            required=True,
        ),
        Column(
            NP_("header", "Km"),
            Kind.NUMBER,
            N_("Road distance in km (or use a Minutes column)"),
            NP_("default", "required"),
        ),
        Column(
            NP_("header", "Minutes"),
            Kind.NUMBER,
            N_("Travel time in minutes (instead of Km)"),
            NP_("default", "required"),
        ),
    ),
)
translated_format(DISTANCES)  # its name and headers read in kk and ru too


def read_distances(
    table: Table | None, problems: Problems, units: IdIndex, unit_groups: dict[str, str]
) -> tuple[tuple[Distance, ...], DistanceMeasure]:
    """The Distances sheet's pairs and what they measure; every problem recorded."""
    if table is None:
        return (), DistanceMeasure.KM
    sheet = table.sheet
    given = [m for m in DistanceMeasure if table.has(m.value)]
    if len(given) != 1:
        km, minutes = (DISTANCES.column(m.value).label for m in DistanceMeasure)
        why = (
            _("the {sheet} sheet has both a {km} and a {minutes} column: give one of them (every "
              "distance in one measure)")
            if given
            else _("the {sheet} sheet has no {km} or {minutes} column: give one of them (every "
                   "distance in one measure)")
        )  # fmt: skip
        problems.error(sheet, "", None, why.format(sheet=sheet, km=km, minutes=minutes),
                       ProblemCode.MISSING_COLUMN)  # fmt: skip
        return (), DistanceMeasure.KM
    measure = given[0]
    if not require_columns(table, ("fromunit", "tounit", measure.value), DISTANCES, problems):
        return (), measure
    seen: dict[tuple[str, str], str] = {}
    distances = []
    for record in read_records(table, DISTANCES, problems, required=(measure.value,)):
        if not all(record.ok(k) for k in ("fromunit", "tounit", measure.value)):
            continue
        a, b, value = record.get("fromunit"), record.get("tounit"), record.get(measure.value)
        if a is None or b is None or value is None:
            continue
        a, b = str(a), str(b)
        ok = True
        for key, unit_id in (("fromunit", a), ("tounit", b)):
            if unit_id not in units:
                problems.error(sheet, record.cells[key], unit_id, units.unknown(unit_id),
                               ProblemCode.UNKNOWN_UNIT)  # fmt: skip
                ok = False
        if not ok:
            continue
        cell = record.cells["fromunit"]
        if a == b:
            problems.error(sheet, record.cells["tounit"], b, _("a distance is between two "
                           "different units"), ProblemCode.INVALID_DECISION)  # fmt: skip
            continue
        if unit_groups.get(a) != unit_groups.get(b):
            problems.error(sheet, record.cells["tounit"], b, other_group(
                           b, unit_groups.get(b, ""), a, unit_groups.get(a, "")),
                           ProblemCode.ELIGIBLE_OTHER_GROUP)  # fmt: skip
            continue
        if (a, b) in seen:
            problems.error(sheet, cell, a, _("the distance from {a} to {b} is given twice: "
                           "{first} and {second}").format(a=a, b=b, first=seen[(a, b)],
                           second=f"{sheet}!{cell}"), ProblemCode.DUPLICATE_ID)  # fmt: skip
            continue
        seen[(a, b)] = f"{sheet}!{cell}"
        distances.append(Distance(a, b, float(value), row=record.row))
    return tuple(distances), measure


def distance_rows(scenario: Scenario) -> list[list[object]]:
    """The Distances sheet's rows as written: From unit, To unit, and the distance."""
    return [[d.from_unit, d.to_unit, d.value] for d in scenario.distances]
