"""Checks across the records of a workbook: unit limits and parents, headcounts, staff for each
service's skill, groups with no staff and what hours mode needs, each problem naming its cell.
"""

from __future__ import annotations

from planner.domain import CoefficientMode, Service, Settings, StaffCell, service_load
from planner.errors import ProblemCode
from planner.i18n import _
from planner.workbook.cells import CellError, is_blank, parse_number
from planner.workbook.layout import SCENARIOS
from planner.workbook.nearmiss import near_miss
from planner.workbook.tables import IdIndex, Problems, Record

__all__ = [
    "check_empty_groups",
    "check_headcounts",
    "check_hours_mode",
    "check_limits",
    "check_parents",
    "check_services_staffed",
]


def check_limits(record: Record, employees: int | None, sheet: str, problems: Problems) -> None:
    low, high = record.get("minemployees"), record.get("maxemployees")
    if low is not None and high is not None and low > high:
        problems.error(
            sheet,
            record.cells["minemployees"],
            low,
            _("Min employees ({low}) is above Max employees ({high}, {sheet}!{value1})").format(
                low=low, high=high, sheet=sheet, value1=record.cells["maxemployees"]
            ),
            ProblemCode.MIN_ABOVE_MAX,
        )
        return
    if employees is None:
        return
    if (low is not None and employees < low) or (high is not None and employees > high):
        cell = record.cells.get("employees") or record.cells["unitid"]
        limits = f"{low or 0}..{high if high is not None else 'no cap'}"
        problems.warn(
            sheet,
            cell,
            employees,
            _(
                "unit {value1!r} has {employees} employees now, outside its limits {limits}; the plan must bring it inside"
            ).format(value1=record.get("unitid"), employees=employees, limits=limits),
            ProblemCode.HEADCOUNT_OUTSIDE_LIMITS,
        )


def check_parents(records: list[Record], units: IdIndex, sheet: str, problems: Problems) -> None:
    parents: dict[str, str] = {}
    by_id = {r.get("unitid"): r for r in records}
    for record in records:
        parent = record.get("parent")
        if not parent:
            continue
        unit_id = record.get("unitid")
        cell = record.cells["parent"]
        if parent == unit_id:
            problems.error(
                sheet,
                cell,
                parent,
                _("unit {unit_id!r} cannot be its own parent").format(unit_id=unit_id),
                ProblemCode.PARENT_CYCLE,
            )
        elif parent not in units:
            problems.error(
                sheet, cell, parent, f"Parent {units.unknown(parent)}", ProblemCode.UNKNOWN_PARENT
            )
        else:
            parents[unit_id] = parent
    reported: set[str] = set()
    for start in sorted(parents, key=lambda u: by_id[u].row):
        path = [start]
        while path[-1] in parents and parents[path[-1]] not in path:
            path.append(parents[path[-1]])
        if path[-1] not in parents:
            continue
        loop = path[path.index(parents[path[-1]]) :]
        if reported & set(loop):
            continue
        reported |= set(loop)
        first = min(loop, key=lambda u: by_id[u].row)
        cycle = loop[loop.index(first) :] + loop[: loop.index(first)] + [first]
        problems.error(
            sheet,
            by_id[first].cells["parent"],
            parents[first],
            _("the Parent column goes round in a circle: ") + " -> ".join(cycle),
            ProblemCode.PARENT_CYCLE,
        )


def check_headcounts(
    unit_records: list[Record],
    totals: dict[str, int],
    unsure: set[str],
    staff_sheet: bool,
    sheet: str,
    problems: Problems,
) -> None:
    """Per unit: an Employees cell that a Staff sheet overrides, and a headcount outside its
    limits (units in `unsure`, whose headcount could not be read, get no headcount warning)."""
    for record in unit_records:
        unit_id = record.get("unitid")
        employees = totals.get(unit_id, 0)
        if staff_sheet and "employees" in record.cells and unit_id not in unsure:
            typed = _quiet_whole(record.raw.get("employees"))
            if typed is not None and typed != employees:
                problems.warn(
                    sheet,
                    record.cells["employees"],
                    record.raw.get("employees"),
                    _(
                        "Employees is ignored because a Staff sheet exists; the Staff sheet gives {employees} for unit {unit_id!r}"
                    ).format(employees=employees, unit_id=unit_id),
                    ProblemCode.EMPLOYEES_IGNORED,
                )
        check_limits(record, None if unit_id in unsure else employees, sheet, problems)


def check_services_staffed(
    services: list[Service],
    service_records: dict[str, Record],
    staff: list[StaffCell],
    units: IdIndex,
    unsure: set[str],
    sheet: str,
    problems: Problems,
    unit_groups: dict[str, str],
    settings: Settings,
    hired: set[tuple[str, str]],
) -> None:
    """A service whose group has employees but none of its skill, and no variant hiring one,
    can never be delivered: an error on its Skill cell, with "did you mean" the nearest skill
    (most often a typo: `nurses` where the staff are `nurse`). A service whose own unit has no
    staff of its skill is a warning: the plan must move staff or the service. `hired` holds the
    (group, skill) pairs that a variant's New hires add."""
    staff_skills = {(c.unit_id, c.skill) for c in staff if c.employees > 0}
    group_skills: dict[str, set[str]] = {}
    for unit_id, skill in staff_skills:
        if unit_id in unit_groups:
            group_skills.setdefault(unit_groups[unit_id], set()).add(skill)
    unsure_groups = {unit_groups[u] for u in unsure if u in unit_groups}
    every_skill = {skill for _, skill in staff_skills}
    for service in services:
        if (
            service.unit_id not in units
            or service.unit_id in unsure
            or (service.unit_id, service.skill) in staff_skills
        ):
            continue
        record = service_records[service.service_id]
        cell = record.cells.get("skill", record.cells["unitid"])
        group = unit_groups.get(service.unit_id, "")
        skills = group_skills.get(group, set())
        folded = {s.casefold() for s in skills}
        if (
            service_load(service, settings) > 0  # a service with no load needs nobody
            and skills  # a group with no employees at all has its own warning (check_empty_groups)
            and group not in unsure_groups
            and service.skill.casefold() not in folded  # a case slip is already an error
            and (group, service.skill) not in hired
        ):
            near = near_miss(service.skill, skills) or near_miss(service.skill, every_skill)
            hint = _("did you mean {near!r}? ").format(near=near) if near else ""
            problems.error(
                sheet,
                cell,
                service.skill,
                _(
                    "no employee of group {group!r} has skill {service.skill!r}, so service {service.service_id!r} can never be delivered ({hint}the group's skills: {value1})"
                ).format(group=group, service=service, hint=hint, value1=", ".join(sorted(skills))),
                ProblemCode.NO_STAFF_OF_SKILL,
            )
            continue
        problems.warn(
            sheet,
            cell,
            service.skill,
            _(
                "unit {service.unit_id!r} has no staff of its skill {service.skill!r}: the plan must move staff or the service"
            ).format(service=service),
            ProblemCode.NO_STAFF_OF_SKILL,
        )


def check_empty_groups(
    unit_groups: dict[str, str],
    totals: dict[str, int],
    services: list[Service],
    sheet: str,
    problems: Problems,
) -> None:
    employees_by_group: dict[str, int] = {}
    for unit_id, group in unit_groups.items():
        employees_by_group[group] = employees_by_group.get(group, 0) + totals.get(unit_id, 0)
    loaded_services: dict[str, int] = {}  # one pass: a national workbook has 300 groups
    for service in services:
        service_group = unit_groups.get(service.unit_id)
        if service.volume > 0 and service_group is not None:
            loaded_services[service_group] = loaded_services.get(service_group, 0) + 1
    for group in sorted(employees_by_group):
        load = loaded_services.get(group, 0)
        if employees_by_group[group] == 0 and load:
            problems.warn(
                sheet,
                "",
                group,
                _(
                    "group {group!r} has no employees but {load} services to deliver: no plan can staff them (the solver will report it infeasible)"
                ).format(group=group, load=load),
                ProblemCode.GROUP_NO_STAFF,
            )


def check_hours_mode(
    settings: Settings,
    variants_hours: list[tuple[str, str, float | None]],
    unit_records: list[Record],
    service_records: dict[str, Record],
    units_sheet: str,
    services_sheet: str,
    problems: Problems,
) -> None:
    """In hours mode every unit needs Hours per FTE (its own or the default) and every service
    its Minutes; `variants_hours` lists (variant name, cell, hours-per-fte default) of variants
    that switch to hours mode."""
    base_hours = settings.coefficient is CoefficientMode.HOURS
    if not base_hours and not variants_hours:
        return
    why = "" if base_hours else _(" (a variant of the Scenarios sheet uses hours mode)")
    for record in service_records.values():
        if record.get("minutes") is None and record.ok("minutes"):
            cell = record.cells.get("minutes")
            problems.error(
                services_sheet,
                cell or "",
                None,
                _("Minutes is required in hours mode{why}").format(why=why)
                + ("" if cell else _(": add a Minutes column to the Services sheet")),
                ProblemCode.MISSING_FOR_HOURS,
            )
    missing = [r for r in unit_records if r.get("hoursperfte") is None and r.ok("hoursperfte")]
    if base_hours and settings.hours_per_fte is None and missing:
        for record in missing:
            cell = record.cells.get("hoursperfte")
            problems.error(
                units_sheet,
                cell or "",
                None,
                _(
                    "Hours per FTE is required in hours mode: fill it here or set 'hours per fte' in the Settings sheet"
                )
                + ("" if cell else _(" (or add an Hours per FTE column to Units)")),
                ProblemCode.MISSING_FOR_HOURS,
            )
    for name, cell, default in variants_hours:
        if default is None and settings.hours_per_fte is None and missing:
            ids = ", ".join(repr(r.get("unitid")) for r in missing[:5])
            problems.error(
                SCENARIOS.name,
                cell,
                name,
                _(
                    "variant {name!r} uses hours mode but units {ids} have no Hours per FTE and no 'hours per fte' default is set"
                ).format(name=name, ids=ids),
                ProblemCode.MISSING_FOR_HOURS,
            )


def _quiet_whole(value: object) -> int | None:
    """A whole number when the cell holds one, else None (for a column that is only compared)."""
    try:
        return int(parse_number(value, "", whole=True)) if not is_blank(value) else None
    except CellError:
        return None
