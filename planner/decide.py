"""Decisions made on a page or in a notebook, as Scenario.decisions: keep units' staff where they
are, keep services at their unit. The planner re-optimises around them and shows the proposal
without them beside the decided plan (Result.decision_rows).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from planner.domain import Decision, DecisionKind, Scenario
from planner.errors import InputError, Problem, ProblemCode

__all__ = ["add_decisions", "keep_services", "keep_units"]


def add_decisions(scenario: Scenario, decisions: Iterable[Decision]) -> Scenario:
    """The scenario with `decisions` after its own (a decision already there is not repeated)."""
    new = tuple(d for d in decisions if d not in scenario.decisions)
    return dataclasses.replace(scenario, decisions=scenario.decisions + new) if new else scenario


def _unknown(ids: Iterable[str], known: set[str], sheet: str, what: str, code: ProblemCode):
    unknown = sorted(set(ids) - known)
    if unknown:
        raise InputError(
            [Problem(sheet, "", unknown[0], f"is not a {what} of this workbook", code)]
        )


def keep_units(scenario: Scenario, unit_ids: Iterable[str]) -> Scenario:
    """The scenario where no staff join or leave these units: each skill of the group fixed at
    the unit's headcount now (its staff plus new hires). InputError for an unknown unit."""
    chosen = sorted(set(unit_ids))
    _unknown(chosen, {u.unit_id for u in scenario.units}, "Units", "unit", ProblemCode.UNKNOWN_UNIT)
    decisions = []
    for unit_id in chosen:
        records = scenario.by_group[scenario.unit(unit_id).group]
        skills = sorted({c.skill for c in records.staff} | {s.skill for s in records.services}
                        | {h.skill for h in records.hires})  # fmt: skip
        for skill in skills:
            employees = sum(c.employees for c in records.staff
                            if c.unit_id == unit_id and c.skill == skill) + sum(
                h.employees for h in records.hires if h.unit_id == unit_id and h.skill == skill)  # fmt: skip
            decisions.append(Decision(DecisionKind.FIX_HEADCOUNT, unit_id, skill=skill,
                                      employees=employees))  # fmt: skip
    return add_decisions(scenario, decisions)


def keep_services(scenario: Scenario, service_ids: Iterable[str]) -> Scenario:
    """The scenario where these services stay at their unit (pinned there). InputError for an
    unknown service."""
    chosen = sorted(set(service_ids))
    services = {s.service_id: s for s in scenario.services}
    _unknown(chosen, set(services), "Services", "service", ProblemCode.UNKNOWN_SERVICE)
    return add_decisions(scenario, (
        Decision(DecisionKind.PIN_SERVICE, services[s].unit_id, service_id=s) for s in chosen
    ))  # fmt: skip
