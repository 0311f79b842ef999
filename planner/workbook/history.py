"""The optional History sheet: past yearly volumes (and digital shares) that `planner forecast`
continues.

One row per target and year. The target names what the volume counts, as in Volume scale: a
Service ID, a Unit ID (every service the unit delivers now), `skill:<skill>` (every service of
that skill) or `*` (every service). A series is all the rows of one target. Every problem is
recorded with its sheet and cell, like every other sheet:
- Year is a whole number; a target has each year at most once (the second is named with the
  first's cell);
- a series has at least MIN_YEARS years, and no gaps (the missing years are named);
- Digital share is given for every year of a series or for none of them;
- a target is one thing: an id that is both a Service ID and a Unit ID is refused as ambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from planner.domain import HistoryPoint, Service
from planner.errors import ProblemCode
from planner.i18n import N_, NP_, _
from planner.workbook.cells import clean_text
from planner.workbook.layout import Column, Kind, SheetFormat, translated_format
from planner.workbook.tables import (
    IdIndex,
    Problems,
    Record,
    Table,
    read_records,
    require_columns,
)

__all__ = ["HISTORY", "MIN_YEARS", "history_rows", "read_history", "volume_range"]

MIN_YEARS = 3  # the shortest series a forecast is made from (planner.studies.forecast)

HISTORY = SheetFormat(
    name=NP_("sheet", "History"),
    required=False,
    purpose=(
        N_(
            "Optional. Past yearly volumes for 'planner forecast': one row per target and year. Target: a Service ID, a Unit ID, skill:<skill> or * (every service)."
        )
    ),
    columns=(
        Column(
            NP_("header", "Target"),
            Kind.ID,
            N_("What the volume counts: a Service ID, a Unit ID, skill:<skill> or *"),
            NP_("default", "required"),
            required=True,
            width=16,
        ),
        Column(
            NP_("header", "Year"),
            Kind.WHOLE,
            N_("Calendar year, a whole number"),
            NP_("default", "required"),
            required=True,
        ),
        Column(
            NP_("header", "Volume"),
            Kind.NUMBER,
            N_("Transactions in that year"),
            NP_("default", "required"),
            required=True,
            width=16,
        ),
        Column(
            NP_("header", "Digital share"),
            Kind.SHARE,
            N_(
                "Share (0-1) handled with no staff time that year (every year of a target, or none)"
            ),
            NP_("default", "blank (no digital-share history)"),
        ),
    ),
)
translated_format(HISTORY)  # its name and headers read in kk and ru too


def _years_text(years: Iterable[int]) -> str:
    return ", ".join(str(y) for y in years)


def read_history(
    table: Table | None,
    problems: Problems,
    units: IdIndex,
    services: Sequence[Service],
) -> tuple[HistoryPoint, ...]:
    """The History sheet's points, sorted by (target, year); every problem recorded."""
    if table is None:
        return ()
    if not require_columns(table, ("target", "year", "volume"), HISTORY, problems):
        return ()
    sheet = table.sheet
    service_ids = {s.service_id for s in services}
    service_folded = {s.service_id.casefold(): s.service_id for s in services}
    skills = {s.skill for s in services}
    series: dict[str, list[tuple[HistoryPoint, str, str]]] = {}  # target -> (point, cells)
    first_cell: dict[str, str] = {}
    seen: dict[tuple[str, int], str] = {}
    for record in read_records(table, HISTORY, problems):
        target = record.get("target")
        year = record.get("year")
        volume = record.get("volume")
        if not (record.ok("target") and record.ok("year") and record.ok("volume")):
            continue
        if target is None or year is None or volume is None:
            continue
        target_cell = record.cells["target"]
        target = clean_text(str(target))
        if target.casefold().startswith("skill:"):
            skill = clean_text(target[len("skill:") :])
            target = f"skill:{skill}"
            if skill not in skills:
                problems.error(
                    sheet,
                    target_cell,
                    target,
                    _("no service needs skill {skill!r}, so this series counts nothing").format(
                        skill=skill
                    ),
                    ProblemCode.UNKNOWN_SKILL,
                )
                continue
        elif target != "*":
            is_service, is_unit = target in service_ids, target in units
            if is_service and is_unit:
                problems.error(
                    sheet,
                    target_cell,
                    target,
                    _(
                        "{target!r} is both a Service ID and a Unit ID: the series is ambiguous (rename one of them)"
                    ).format(target=target),
                    ProblemCode.AMBIGUOUS_TARGET,
                )
                continue
            if not (is_service or is_unit):
                near = service_folded.get(target.casefold())
                hint = (
                    _(" (did you mean {near!r}?)").format(near=near) if near else units.hint(target)
                )
                problems.error(
                    sheet,
                    target_cell,
                    target,
                    _(
                        "Target must be a Service ID, a Unit ID, skill:<skill> or *; {target!r} is none of these{hint}"
                    ).format(target=target, hint=hint),
                    ProblemCode.UNKNOWN_TARGET,
                )
                continue
        year = int(year)
        year_cell = record.cells["year"]
        key = (target, year)
        if key in seen:
            problems.error(
                sheet,
                year_cell,
                year,
                _(
                    "{target} {year} appears twice: {value1} and {sheet}!{year_cell}; each target has one row per year"
                ).format(
                    target=target, year=year, value1=seen[key], sheet=sheet, year_cell=year_cell
                ),
                ProblemCode.DUPLICATE_YEAR,
            )
            continue
        seen[key] = f"{sheet}!{year_cell}"
        share = record.get("digitalshare")
        share_cell = record.cells.get("digitalshare", "")
        if not record.ok("digitalshare"):
            continue
        point = HistoryPoint(
            target=target,
            year=year,
            volume=float(volume),
            digital_share=None if share is None else float(share),
            row=record.row,
        )
        series.setdefault(target, []).append((point, year_cell, share_cell))
        first_cell.setdefault(target, target_cell)

    points: list[HistoryPoint] = []
    for target in sorted(series):
        rows = sorted(series[target], key=lambda entry: entry[0].year)
        years = [p.year for p, _, _ in rows]
        ok = True
        if len(years) < MIN_YEARS:
            problems.error(
                sheet,
                first_cell[target],
                target,
                f"the series {target} has {len(years)} year{'s' if len(years) != 1 else ''} "
                f"({_years_text(years)}); a forecast needs at least {MIN_YEARS}",
                ProblemCode.SHORT_HISTORY,
            )
            ok = False
        missing = sorted(set(range(years[0], years[-1] + 1)) - set(years))
        if missing:
            problems.error(
                sheet,
                first_cell[target],
                target,
                _(
                    "the series {target} has no row for {value1} (between {value2} and {value3}): add the missing years"
                ).format(
                    target=target, value1=_years_text(missing), value2=years[0], value3=years[-1]
                ),
                ProblemCode.HISTORY_GAP,
            )
            ok = False
        with_share = [p.digital_share is not None for p, _, _ in rows]
        if any(with_share) and not all(with_share):
            blank = [cell for (p, _, cell), has in zip(rows, with_share, strict=True) if not has]
            problems.error(
                sheet,
                blank[0],
                None,
                _(
                    "the series {target} has a Digital share for some years but not for {value1} ({value2}): give it for every year or for none"
                ).format(
                    target=target,
                    value1=_years_text(
                        p.year for (p, _, _), has in zip(rows, with_share, strict=True) if not has
                    ),
                    value2=", ".join(blank),
                ),
                ProblemCode.HISTORY_INCOMPLETE,
            )
            ok = False
        if ok:
            points.extend(p for p, _, _ in rows)
    return tuple(points)


def history_rows(history: Sequence[HistoryPoint]) -> list[list[object]]:
    """The History sheet's rows as written (blank Digital share where there is none)."""
    return [[p.target, p.year, p.volume, p.digital_share] for p in history]


def volume_range(
    record: Record,
    sheet: str,
    problems: Problems,
    key: str = "volume",
    label: str = "Volume",
    default: float | None = 1.0,
) -> tuple[float | None, float | None]:
    """A Services row's `<label> low` and `<label> high` (its P10 and P90): both or neither, and
    low <= value <= high. (None, None) when blank or wrong (the problem recorded)."""
    low_key, high_key = f"{key}low", f"{key}high"
    values = record.values
    if values.get(low_key) is None and values.get(high_key) is None:
        return None, None  # both blank or absent (nearly every row): record.get's None, cheaper
    low, high = record.get(low_key), record.get(high_key)
    if low is None and high is None:
        return None, None
    value = record.get(key, default)
    value = default if value is None else float(value)
    if low is None or high is None:
        missing = low_key if low is None else high_key
        given = high_key if low is None else low_key
        problems.error(
            sheet,
            record.cells.get(missing, record.cells.get(given, "")),
            None,
            _(
                "{label} low and {label} high go together (the P10 and P90): give both or neither"
            ).format(label=label),
            ProblemCode.BLANK_REQUIRED,
        )
        return None, None
    if value is None:
        problems.error(
            sheet,
            record.cells[low_key],
            low,
            _("{label} low and high need a {label} to range around").format(label=label),
            ProblemCode.BLANK_REQUIRED,
        )
        return None, None
    if not float(low) <= value <= float(high):
        problems.error(
            sheet,
            record.cells[low_key],
            low,
            _("{label} low {low:g} <= {label} {value:g} <= {label} high {high:g} must hold").format(
                label=label, low=low, value=value, high=high
            ),
            ProblemCode.MIN_ABOVE_MAX,
        )
        return None, None
    return float(low), float(high)
