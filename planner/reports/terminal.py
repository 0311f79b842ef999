"""The text the command line prints: a result, a comparison (lines or a Markdown table) and a
frontier, as lists of lines (the CLI prints them; nothing here writes to a stream).
"""

from __future__ import annotations

from pathlib import Path

from planner.display import (
    coefficient_table,
    coefficient_text,
    significant,
)
from planner.i18n import NP_, _, decimal, integer, ngettext, pgettext
from planner.result import GroupResult, Result, Status
from planner.studies.compare import Comparison, difference_words
from planner.studies.frontier import Frontier
from planner.studies.uncertainty import plan_name
from planner.studies.wisn_hires import HiresPlan

__all__ = [
    "comparison_lines", "comparison_markdown", "frontier_lines", "hires_lines", "result_lines",
]  # fmt: skip


SHOWN_GROUPS = 10  # groups without a proven plan listed in the short summary


# The status words, marked for the catalogue (status_text looks them up by value).
_STATUS_WORDS = (
    NP_("status", "optimal"),
    NP_("status", "feasible"),
    NP_("status", "infeasible"),
    NP_("status", "unknown"),
)


def status_text(status: Status) -> str:
    """The status in the current language: optimal / оптимально / оңтайлы ..."""
    return pgettext("status", status.value)


def _services(count: float) -> str:
    # A split service moves in parts: 2.5 services; a whole count is shown without decimals.
    return integer(int(count)) if float(count).is_integer() else decimal(count, 2)


def _moved(staff: int, services: float) -> str:
    staff_words = ngettext("{count} staff moved", "{count} staff moved", staff)
    service_words = ngettext(
        "{count} service moved",
        "{count} services moved",
        int(services) if float(services).is_integer() else 2,
    )
    return (
        staff_words.format(count=integer(staff))
        + ", "
        + service_words.format(count=_services(services))
    )


def _group_line(g: GroupResult) -> str:
    return _("{group}: {status}, max coefficient {before} -> {after}, {moves}").format(
        group=g.group,
        status=status_text(g.status),
        before=coefficient_text(g.max_coefficient_before),
        after=coefficient_text(g.max_coefficient_after),
        moves=_moved(g.staff_moved, g.services_moved),
    )


def result_lines(result: Result, *, verbose: bool = False) -> list[str]:
    """The status of a solve, the maximum coefficient before -> after and the moves; then, with
    `verbose`, one line per group (and why a group has no plan); without it a short summary: the
    count of groups by status, the group that holds the maximum and the groups without a proven
    plan (at most SHOWN_GROUPS of them)."""
    groups = result.groups
    lines = [
        _(
            "{scenario}: {status} ({objective}, {coefficient}); max coefficient {before} -> "
            "{after}, {moves}"
        ).format(
            scenario=result.scenario.name,
            status=status_text(result.status),
            objective=result.objective,
            coefficient=result.coefficient,
            before=coefficient_text(result.max_coefficient_before),
            after=coefficient_text(result.max_coefficient_after),
            moves=_moved(result.staff_moved, result.services_moved),
        )
    ]
    missing = len(result.scenario.groups) - len(groups)
    if missing:
        lines.append(
            "  "
            + ngettext(
                "interrupted: {solved} of {count} group solved; the other {missing} were not run",
                "interrupted: {solved} of {count} groups solved; the other {missing} were not run",
                len(result.scenario.groups),
            ).format(solved=len(groups), count=len(result.scenario.groups), missing=missing)
        )
    if verbose:
        for g in groups:
            lines.append(f"  {_group_line(g)}")
            lines.extend(f"    - {line}" for line in g.explanation)
        return lines
    counts: dict[Status, int] = {}
    for g in groups:
        counts[g.status] = counts.get(g.status, 0) + 1
    lines.append(
        "  "
        + ngettext("{count} group", "{count} groups", len(groups)).format(
            count=integer(len(groups))
        )
        + ": "
        + ", ".join(
            f"{integer(counts[status])} {status_text(status)}"
            for status in Status
            if status in counts
        )
    )
    planned = [g for g in groups if g.max_coefficient_after is not None]
    if planned:
        worst = max(planned, key=lambda g: (g.max_coefficient_after, g.group))
        lines.append("  " + _("the maximum is in {group}").format(group=_group_line(worst)))
    unproven = [g for g in groups if g.status is not Status.OPTIMAL]
    for g in unproven[:SHOWN_GROUPS]:
        lines.append(f"  {_group_line(g)}")
        lines.extend(f"    - {line}" for line in g.explanation[:2])
    if len(unproven) > SHOWN_GROUPS:
        more = len(unproven) - SHOWN_GROUPS
        lines.append(
            "  "
            + ngettext(
                "... and {count} more group without a proven plan",
                "... and {count} more groups without a proven plan",
                more,
            ).format(count=integer(more))
        )
    if len(groups) > 1:
        lines.append(
            "  " + _("(every group: --verbose, or the Summary sheet of the result workbook)")
        )
    return lines


def comparison_markdown(comparison: Comparison) -> list[str]:
    """The headline figures of a comparison as a Markdown table (for a README or a report), with
    each option's rank in its workbook (planner.studies.compare.RANKING_RULE)."""

    def cell(text: object) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    # With robust plans (compare --robust) every option has its P90 over the fresh samples.
    judged = any(o.p90 is not None for o in comparison.options)
    headers = [
        _("Workbook"), _("Option"), _("Status"), _("Max coefficient before"), _("after"),
        _("vs baseline"), _("Mean after"), _("Spread after"), _("Overloaded after"),
        _("Staff moved"), _("New hires"), _("Services moved"),
        *([_("P90 over samples")] if judged else []), _("Rank"),
    ]  # fmt: skip
    lines = [
        "| " + " | ".join(headers) + " |",
        "|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|"
        + ("---:|" if judged else "")
        + "---|",
    ]
    for option in comparison.options:
        result = option.result
        standing = comparison.standing(option)
        versus = "" if option.is_baseline else comparison.versus_baseline(option)
        rank = "" if standing.rank is None else str(standing.rank)
        if standing.recommended:
            rank += " " + _("(recommended)")
        overloaded = "" if standing.overloaded_after is None else standing.overloaded_after
        lines.append(
            f"| {cell(Path(option.source).name)} | {cell(option.name)} | {status_text(result.status)} "
            f"| {coefficient_table(result.max_coefficient_before)} | {coefficient_table(result.max_coefficient_after)} "
            f"| {versus} | {coefficient_table(standing.mean)} | {coefficient_table(standing.spread)} | {overloaded} "
            f"| {result.staff_moved} | {option.new_hires} | {significant(result.services_moved)} "
            + (f"| {coefficient_table(option.p90)} " if judged else "")
            + f"| {rank} |"
        )
    return lines


def comparison_lines(comparison: Comparison) -> list[str]:
    """One line per option for the terminal: status, maximum coefficient before -> after and
    against the baseline in words, staff and services moved, the mean and spread of the unit
    coefficients, the overloaded units, and the option's rank (the recommended one with why)."""
    workbooks = len(comparison.sources)
    lines = [
        _("{value1} option(s) from {workbooks} workbook(s), solved in {seconds} s:").format(
            value1=len(comparison.options),
            workbooks=workbooks,
            seconds=decimal(comparison.seconds, 1),
        )
    ]
    width = max((len(o.label) for o in comparison.options), default=0)
    for option in comparison.options:
        result = option.result
        standing = comparison.standing(option)
        difference = None if option.is_baseline else comparison.difference(option)
        if option.is_baseline:
            versus = _("(the baseline)")
        elif difference is None:
            versus = _("(not comparable with the baseline)")
        elif difference_words(difference) == _("same"):
            versus = _("(the same as the baseline)")
        elif difference > 0:
            versus = _("(worse by {amount} than the baseline)").format(
                amount=decimal(difference, 3)
            )
        else:
            versus = _("(better by {amount} than the baseline)").format(
                amount=decimal(-difference, 3)
            )
        hires = (
            ", " + _("{count} hired").format(count=integer(option.new_hires))
            if option.new_hires
            else ""
        )
        figures = ""
        if standing.mean is not None and standing.overloaded_after is not None:
            figures = _(
                ", mean {value1}, spread {value2}, {standing.overloaded_after} overloaded"
            ).format(
                value1=coefficient_text(standing.mean),
                value2=coefficient_text(standing.spread),
                standing=standing,
            )
        if option.p90 is not None:
            figures += _(", P90 {value} over the fresh samples").format(
                value=coefficient_text(option.p90)
            )
        if standing.recommended:
            rank = "; " + _("rank 1, {reason}").format(reason=standing.reason)
        elif standing.rank is not None:
            rank = "; " + _("rank {rank}").format(rank=standing.rank)
        else:
            rank = f"; {standing.reason}"
        line = f"  {option.label:<{width}}  {status_text(result.status):<10}  " + _(
            "max coefficient {before} -> {after} {versus}, {moves}{hires}{figures}{rank}"
        ).format(
            before=coefficient_text(result.max_coefficient_before),
            after=coefficient_text(result.max_coefficient_after),
            versus=versus,
            moves=_moved(result.staff_moved, result.services_moved),
            hires=hires,
            figures=figures,
            rank=rank,
        )
        if result.status is Status.INFEASIBLE and option.notes:
            line += f"; {option.notes[0]}"
        lines.append(line)
    if comparison.interrupted:
        lines.append(
            _(
                "Interrupted: {value1} of {comparison.planned} options solved; the rest were not run."
            ).format(value1=len(comparison.options), comparison=comparison)
        )
    return lines


def frontier_lines(frontier: Frontier) -> list[str]:
    """The curve of each group for the terminal, with the points where moves stop helping."""
    points = sum(len(g.points) for g in frontier.groups)
    lines = [
        _(
            "{frontier.scenario}: best maximum coefficient per budget of {frontier.moves_kind} (per group; {frontier.coefficient} coefficient), {points} point(s) in {seconds} s"
        ).format(frontier=frontier, points=points, seconds=decimal(frontier.seconds, 1))
    ]
    for note in frontier.notes:
        lines.append("  " + _("note: {note}").format(note=note))
    for g in frontier.groups:
        width = len(str(max((p.budget for p in g.points), default=0)))
        lines.append(
            _(
                "  {g.group}: before {value1}, best with no limit {value2} using {g.unconstrained_moves} {frontier.moves_kind}"
            ).format(
                g=g,
                value1=coefficient_text(g.max_coefficient_before),
                value2=coefficient_text(g.unconstrained),
                frontier=frontier,
            )
            + (f" ({g.note})" if g.note else "")
        )
        for p in g.points:
            mark = f"  <- {p.mark}" if p.mark else ""
            proof = "" if p.proven or p.max_coefficient is None else _(" (not proven: time limit)")
            value = coefficient_text(p.max_coefficient, missing=_("no plan"))
            budget = _("budget {budget}: {value}").format(
                budget=f"{p.budget:>{width}}", value=value
            )
            lines.append(f"    {budget}{proof}{mark}")
    return lines


def uncertainty_lines(result) -> list[str]:
    """The Monte Carlo in a few lines: P50 / P90 / P95 of each group's highest coefficient."""
    lines = [
        _("Monte Carlo: {samples} samples (seed {result.seed})").format(
            samples=integer(result.samples), result=result
        )
    ]
    for row in result.table("groups").itertuples(index=False):
        lines.append(
            f"  {row.group} ({plan_name(row.plan)}): P50 {coefficient_text(row.P50)}, "
            f"P90 {coefficient_text(row.P90)}, P95 {coefficient_text(row.P95)}"
        )
    lines.extend(f"  {note}" for note in result.notes[1:])
    return lines


def proof_text(plan: HiresPlan) -> str:
    """Whether the count is proven fewest, and if not, why not: one sentence."""
    target = decimal(plan.target, 2)
    if not plan.reached:
        return ngettext(
            "No plan reaches a WISN ratio of {target} in every cell, even hiring each cell's "
            "shortfall where it is (below): a Max employees or a lock stands in the way. At "
            "least {bound} hire would be needed.",
            "No plan reaches a WISN ratio of {target} in every cell, even hiring each cell's "
            "shortfall where it is (below): a Max employees or a lock stands in the way. At "
            "least {bound} hires would be needed.",
            plan.lower_bound,
        ).format(target=target, bound=plan.lower_bound)
    if plan.total == 0:
        return _(
            "No hires are needed: a plan brings every WISN ratio to at least {target} with the "
            "staff there are."
        ).format(target=target)
    if plan.proven:
        return ngettext(
            "{total} hire, proven fewest: every cell needs ceil(target x required) staff, so no "
            "plan reaches a WISN ratio of {target} in every cell with fewer than {bound}.",
            "{total} hires, proven fewest: every cell needs ceil(target x required) staff, so no "
            "plan reaches a WISN ratio of {target} in every cell with fewer than {bound}.",
            plan.total,
        ).format(total=plan.total, target=target, bound=plan.lower_bound)
    return ngettext(
        "{total} hire, not proven fewest: at least {bound} are needed, but no plan with that "
        "many reached a WISN ratio of {target} in every cell (a rule such as Max moves keeps "
        "staff from moving), so each cell's own shortfall is hired where it is.",
        "{total} hires, not proven fewest: at least {bound} are needed, but no plan with that "
        "many reached a WISN ratio of {target} in every cell (a rule such as Max moves keeps "
        "staff from moving), so each cell's own shortfall is hired where it is.",
        plan.total,
    ).format(total=plan.total, target=target, bound=plan.lower_bound)


def hires_lines(plan: HiresPlan) -> list[str]:
    """The fewest hires of the `wisn target` setting (planner.studies.wisn_hires.HiresPlan): the
    proof sentence of the Hires sheet, then where they go."""
    lines = [proof_text(plan)]
    lines += [f"  {h.unit_id} {h.skill}: +{h.employees}" for h in plan.hires]
    ratio = plan.smallest_ratio
    if ratio is not None:
        lines.append(_("  smallest WISN ratio with them: {ratio}").format(ratio=decimal(ratio, 2)))
    return lines
