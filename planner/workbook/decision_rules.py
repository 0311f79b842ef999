"""The rules a planner's decisions must follow before any plan is sought (the Decisions sheet or
`Scenario.decisions`): what each decision names exists, a decision can be kept at all, and no two
decisions contradict each other.

One implementation for both doors: the workbook reader turns each finding into a Problem on the
decision's cell, validate_scenario into a Problem on its record. A decision that can be kept on
its own but not with the other rules of the scenario (a lock, Min / Max, a move limit) is not
refused here: the engine reports that group infeasible and its explanation names the decision.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from planner.domain import Decision, DecisionKind, Scenario
from planner.errors import Problem, ProblemCode
from planner.i18n import NP_, _, pgettext
from planner.workbook.nearmiss import near_miss

__all__ = [
    "KIND_WORDS",
    "DecisionFinding",
    "decision_findings",
    "decision_label",
    "decision_problems",
    "decision_source",
    "kind_word",
    "not_a_unit",
    "other_group",
    "resolve_skills",
]

# The Decision column's words (context "decision"), as the Decisions sheet is read and written in
# each language; the English ones are DecisionKind's values.
KIND_WORDS = {
    DecisionKind.PIN_TRANSFER: NP_("decision", "pin transfer"),
    DecisionKind.FORBID_TRANSFER: NP_("decision", "forbid transfer"),
    DecisionKind.PIN_SERVICE: NP_("decision", "pin service"),
    DecisionKind.FORBID_SERVICE: NP_("decision", "forbid service"),
    DecisionKind.FIX_HEADCOUNT: NP_("decision", "fix headcount"),
}


def kind_word(kind: DecisionKind) -> str:
    """The Decision column's word for `kind` in the current language."""
    return pgettext("decision", KIND_WORDS[kind])


def decision_label(decision: Decision) -> str:
    """The decision in words, in the current language: 'pin transfer A -> B, 2 nurse'."""
    kind = kind_word(decision.kind)
    skill = f" {decision.skill}" if decision.skill else ""
    if decision.kind.is_transfer:
        amount = f", {decision.employees}" if decision.employees is not None else ""
        return f"{kind} {decision.unit_id} -> {decision.to_unit}{amount}{skill}"
    if decision.kind.is_service:
        return _("{decision} {service} at {unit}").format(
            decision=kind, service=decision.service_id, unit=decision.unit_id
        )
    return f"{kind} {decision.unit_id} = {decision.employees}{skill}"


def decision_source(decision: Decision) -> str:
    """Where the decision came from, for messages: its cell, or the decision itself."""
    return decision.where or _("decision {label!r}").format(label=decision_label(decision))


@dataclass(frozen=True)
class DecisionFinding:
    """One thing wrong with a decision: the field it is about (`unit`, `to_unit`, `skill`,
    `service`, `employees`, `kind`), the value found, why, and the other decision it contradicts."""

    decision: Decision
    column: str
    value: object
    reason: str
    code: ProblemCode
    other: Decision | None = None


def _hint(value: str, candidates: Iterable[str]) -> str:
    near = near_miss(value, candidates)
    return _(" (did you mean {near!r}?)").format(near=near) if near else ""


def not_a_unit(unit_id: str, units: Iterable[str]) -> str:
    """`unit_id` is not a unit, with a did-you-mean from `units` (decisions and distances)."""
    return _("{unit!r} is not a unit of the scenario{hint}").format(
        unit=unit_id, hint=_hint(unit_id, units)
    )


def other_group(unit_id: str, group: str, other_id: str, other_group: str) -> str:
    """Why two units of different groups cannot exchange staff (decisions and distances)."""
    return _("{unit!r} is in group {group!r} and {other!r} in {other_group!r}: staff move only "
             "within a group").format(unit=unit_id, group=group, other=other_id,
                                      other_group=other_group)  # fmt: skip


def _skills_of_group(scenario: Scenario, group: str) -> set[str]:
    records = scenario.by_group.get(group)
    if records is None:
        return set()
    return (
        {c.skill for c in records.staff}
        | {s.skill for s in records.services}
        | {h.skill for h in records.hires}
    )


def resolve_skills(scenario: Scenario) -> tuple[Decision, ...]:
    """The decisions with a pinned transfer's blank Skill read as its group's only skill (a group
    of one skill needs no Skill column); every other decision unchanged."""
    group_of = {u.unit_id: u.group for u in scenario.units}
    resolved = []
    for decision in scenario.decisions:
        if decision.kind is DecisionKind.PIN_TRANSFER and decision.skill is None:
            skills = _skills_of_group(scenario, group_of.get(decision.unit_id, ""))
            if len(skills) == 1:
                decision = replace(decision, skill=next(iter(skills)))
        resolved.append(decision)
    return tuple(resolved)


def decision_findings(scenario: Scenario) -> list[DecisionFinding]:
    """Every problem of the scenario's decisions, in decision order, then the contradictions."""
    found: list[DecisionFinding] = []
    units = {u.unit_id: u for u in scenario.units}
    services = {s.service_id: s for s in scenario.services}
    settings = scenario.settings
    decisions = resolve_skills(scenario)
    sound: list[Decision] = []
    for decision in decisions:
        before = len(found)

        def bad(column: str, value: object, reason: str, code: ProblemCode) -> None:
            found.append(DecisionFinding(decision, column, value, reason, code))  # noqa: B023

        unit = units.get(decision.unit_id)
        if unit is None:
            bad("unit", decision.unit_id, not_a_unit(decision.unit_id, units),
                ProblemCode.UNKNOWN_UNIT)  # fmt: skip
            continue
        group_skills = _skills_of_group(scenario, unit.group)
        if decision.skill is not None and decision.skill not in group_skills:
            bad("skill", decision.skill, _("no employee or service of group {group!r} has "
                "skill {skill!r}{hint}").format(group=unit.group, skill=decision.skill,
                hint=_hint(decision.skill, group_skills)), ProblemCode.UNKNOWN_SKILL)  # fmt: skip
        if decision.kind.is_transfer:
            to_unit = units.get(decision.to_unit or "")
            if decision.to_unit is None:
                bad("to_unit", None, _("a {decision} needs the unit the staff go to (To unit)")
                    .format(decision=kind_word(decision.kind)), ProblemCode.BLANK_REQUIRED)  # fmt: skip
            elif to_unit is None:
                bad("to_unit", decision.to_unit, not_a_unit(decision.to_unit, units),
                    ProblemCode.UNKNOWN_UNIT)  # fmt: skip
            elif to_unit.unit_id == unit.unit_id:
                bad("to_unit", decision.to_unit, _("a transfer goes from one unit to another: "
                    "Unit and To unit are the same"), ProblemCode.INVALID_DECISION)  # fmt: skip
            elif to_unit.group != unit.group:
                bad("to_unit", decision.to_unit, other_group(to_unit.unit_id, to_unit.group,
                    unit.unit_id, unit.group), ProblemCode.INVALID_DECISION)  # fmt: skip
        if decision.kind is DecisionKind.PIN_TRANSFER:
            if decision.skill is None:
                bad("skill", None, _("group {group!r} has several skills ({skills}): say which "
                    "skill the transfer moves").format(group=unit.group,
                    skills=", ".join(sorted(group_skills))), ProblemCode.BLANK_REQUIRED)  # fmt: skip
            if decision.employees is None or decision.employees < 1:
                bad("employees", decision.employees, _("a pinned transfer moves 1 or more "
                    "employees (Employees)"), ProblemCode.INVALID_DECISION)  # fmt: skip
            elif not settings.allow_staff_moves:
                bad("kind", kind_word(decision.kind), _("Settings, allow staff moves = no: no "
                    "transfer can be pinned"), ProblemCode.INVALID_DECISION)  # fmt: skip
        if decision.kind is DecisionKind.FIX_HEADCOUNT and (
            decision.employees is None or decision.employees < 0
        ):
            bad("employees", decision.employees, _("fix headcount needs the headcount the unit "
                "ends with (Employees, 0 or more)"),
                ProblemCode.INVALID_DECISION)  # fmt: skip
        if decision.kind.is_service:
            service = services.get(decision.service_id or "")
            if decision.service_id is None:
                bad("service", None, _("a {decision} needs a Service ID").format(
                    decision=kind_word(decision.kind)), ProblemCode.BLANK_REQUIRED)  # fmt: skip
            elif service is None:
                bad("service", decision.service_id, _("{service!r} is not a service of the "
                    "scenario{hint}").format(service=decision.service_id,
                    hint=_hint(decision.service_id, services)), ProblemCode.UNKNOWN_SERVICE)  # fmt: skip
            else:
                movable = service.movable and settings.allow_service_moves
                allowed = {service.unit_id}
                if movable:
                    members = scenario.by_group[unit.group].units
                    allowed |= set(service.eligible_units) or {u.unit_id for u in members}
                at_home = decision.unit_id == service.unit_id
                why_fixed = (
                    _("Settings, allow service moves = no")
                    if service.movable
                    else _("service {service} is not Movable").format(service=service.service_id)
                )
                if decision.kind is DecisionKind.PIN_SERVICE and decision.unit_id not in allowed:
                    reason = (
                        _("{why}: it stays at {unit}").format(why=why_fixed, unit=service.unit_id)
                        if not movable
                        else _("{unit!r} is not among the units service {service} may go to "
                               "(Eligible units)").format(unit=decision.unit_id,
                                                          service=service.service_id)
                    )  # fmt: skip
                    bad("unit", decision.unit_id, reason, ProblemCode.INVALID_DECISION)
                if decision.kind is DecisionKind.FORBID_SERVICE and at_home and not movable:
                    bad("unit", decision.unit_id, _("{why}: it cannot leave {unit}").format(
                        why=why_fixed, unit=service.unit_id), ProblemCode.INVALID_DECISION)  # fmt: skip
        if len(found) == before:
            sound.append(decision)
    found.extend(_contradictions(scenario, sound))
    return found


def _contradictions(scenario: Scenario, decisions: list[Decision]) -> list[DecisionFinding]:
    """Pairs of decisions no plan can keep together, each named with the first one's record."""
    found: list[DecisionFinding] = []

    def clash(decision: Decision, other: Decision, column: str, value: object, why: str) -> None:
        reason = _("{why}: it contradicts {other} ({label})").format(
            why=why, other=decision_source(other), label=decision_label(other)
        )
        found.append(DecisionFinding(decision, column, value, reason,
                                     ProblemCode.CONTRADICTORY_DECISIONS, other))  # fmt: skip

    service_pins: dict[str, Decision] = {}
    service_forbids: dict[tuple[str, str], Decision] = {}
    transfer_pins: dict[tuple[str, str, str], Decision] = {}
    transfer_forbids: list[Decision] = []
    headcounts: dict[tuple[str, str | None], Decision] = {}
    senders: dict[tuple[str, str], Decision] = {}
    receivers: dict[tuple[str, str], Decision] = {}
    for d in decisions:
        if d.kind is DecisionKind.PIN_SERVICE:
            assert d.service_id is not None
            first = service_pins.setdefault(d.service_id, d)
            if first is not d:
                clash(d, first, "service", d.service_id, _("service {service} is pinned twice "
                      "({first} and {second})").format(service=d.service_id, first=first.unit_id,
                      second=d.unit_id))  # fmt: skip
            forbid = service_forbids.get((d.service_id, d.unit_id))
            if forbid is not None:
                clash(d, forbid, "unit", d.unit_id, _("service {service} is pinned at {unit} "
                      "and forbidden there").format(service=d.service_id, unit=d.unit_id))  # fmt: skip
        elif d.kind is DecisionKind.FORBID_SERVICE:
            assert d.service_id is not None
            pin = service_pins.get(d.service_id)
            if pin is not None and pin.unit_id == d.unit_id:
                clash(d, pin, "unit", d.unit_id, _("service {service} is forbidden at {unit} "
                      "and pinned there").format(service=d.service_id, unit=d.unit_id))  # fmt: skip
            first = service_forbids.setdefault((d.service_id, d.unit_id), d)
            if first is not d:
                clash(d, first, "unit", d.unit_id, _("the same service is forbidden twice"))
        elif d.kind is DecisionKind.PIN_TRANSFER:
            assert d.skill is not None and d.to_unit is not None
            key = (d.unit_id, d.to_unit, d.skill)
            first = transfer_pins.setdefault(key, d)
            if first is not d:
                clash(d, first, "unit", d.unit_id, _("the same transfer is pinned twice"))
            for forbid in transfer_forbids:
                if (forbid.unit_id, forbid.to_unit) == key[:2] and forbid.skill in (None, d.skill):
                    clash(d, forbid, "unit", d.unit_id, _("this transfer is pinned and forbidden"))
            # Transfers are of net headcount: a unit cannot both send and receive one skill.
            receiving = receivers.get((d.unit_id, d.skill))
            if receiving is not None:
                clash(d, receiving, "unit", d.unit_id, _("{unit} would both send and receive "
                      "{skill}").format(unit=d.unit_id, skill=d.skill))  # fmt: skip
            sending = senders.get((d.to_unit, d.skill))
            if sending is not None:
                clash(d, sending, "to_unit", d.to_unit, _("{unit} would both receive and send "
                      "{skill}").format(unit=d.to_unit, skill=d.skill))  # fmt: skip
            senders.setdefault((d.unit_id, d.skill), d)
            receivers.setdefault((d.to_unit, d.skill), d)
        elif d.kind is DecisionKind.FORBID_TRANSFER:
            for key, pin in transfer_pins.items():
                if (d.unit_id, d.to_unit) == key[:2] and d.skill in (None, key[2]):
                    clash(d, pin, "unit", d.unit_id, _("this transfer is forbidden and pinned"))
            transfer_forbids.append(d)
        elif d.kind is DecisionKind.FIX_HEADCOUNT:
            first = headcounts.setdefault((d.unit_id, d.skill), d)
            if first is not d and first.employees != d.employees:
                clash(d, first, "employees", d.employees, _("{unit}'s headcount is fixed at "
                      "{first} and at {second}").format(unit=d.unit_id, first=first.employees,
                      second=d.employees))  # fmt: skip
    # A unit fixed in total and per skill: the skills' headcounts must be able to add up.
    per_skill: dict[str, list[Decision]] = defaultdict(list)
    for (unit_id, skill), d in headcounts.items():
        if skill is not None:
            per_skill[unit_id].append(d)
    for (unit_id, skill), d in headcounts.items():
        fixed = per_skill.get(unit_id, [])
        if skill is None and fixed:
            skills = _skills_of_group(scenario, scenario.unit(unit_id).group)
            given = sum(f.employees or 0 for f in fixed)
            complete = {f.skill for f in fixed} >= skills
            if given > (d.employees or 0) or (complete and given != d.employees):
                clash(d, fixed[0], "employees", d.employees, _("{unit}'s headcount is fixed "
                      "at {total} in total and at {given} over its skills").format(
                      unit=unit_id, total=d.employees, given=given))  # fmt: skip
    return found


def decision_problems(scenario: Scenario) -> list[Problem]:
    """The findings as Problems for a Scenario built in code (or read: each names the decision's
    cell when it has one), on the Decisions sheet."""
    problems = []
    for finding in decision_findings(scenario):
        where = finding.decision.where
        sheet, _, cell = where.partition("!") if where else ("Decisions", "", "")
        problems.append(
            Problem(
                sheet,
                cell,
                finding.value,
                f"{decision_source(finding.decision)}: {finding.reason}"
                if not where
                else finding.reason,
                finding.code,
            )
        )
    return problems
