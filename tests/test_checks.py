"""validate_scenario: a Scenario built in code is checked as the workbook reader checks a workbook,
and every problem names its record."""

from __future__ import annotations

import dataclasses

import pytest

import planner
from planner import (
    CoefficientMode,
    Hire,
    InputError,
    Problem,
    ProblemCode,
    Scenario,
    Service,
    Settings,
    StaffCell,
    Unit,
    Variant,
    read_scenario,
    validate_scenario,
)
from tests.support import COUNT_PATH, HOURS_PATH


def broken() -> Scenario:
    """Unit A twice, a negative headcount in B, and service S2 at a unit that does not exist."""
    return Scenario(
        "built in code",
        units=(Unit("A"), Unit("B"), Unit("A")),
        staff=(StaffCell("A", "general", 4), StaffCell("B", "general", -2)),
        services=(Service("S1", "A"), Service("S2", "X9")),
    )


EXPECTED = [
    Problem(
        "Units", "", "A", "Unit ID 'A' is given twice: ids must be unique", ProblemCode.DUPLICATE_ID
    ),
    Problem(
        "Staff",
        "",
        -2,
        "staff of unit 'B', skill 'general': Employees must be 0 or more",
        ProblemCode.NEGATIVE,
    ),
    Problem(
        "Services",
        "",
        "X9",
        "service 'S2': Unit ID 'X9' is not a unit of the scenario",
        ProblemCode.UNKNOWN_UNIT,
    ),
]


def test_unknown_unit_negative_headcount_and_duplicate_id_are_each_named():
    """The three problems come back in one pass, each with its sheet, the value found, the record
    it is about and the reader's reason code."""
    assert validate_scenario(broken()) == EXPECTED
    assert [str(p) for p in validate_scenario(broken())] == [
        "Units: Unit ID 'A' is given twice: ids must be unique (found 'A')",
        "Staff: staff of unit 'B', skill 'general': Employees must be 0 or more (found -2)",
        "Services: service 'S2': Unit ID 'X9' is not a unit of the scenario (found 'X9')",
    ]


def test_solve_refuses_the_scenario_with_the_same_problems():
    """solve() raises InputError carrying exactly validate_scenario's problems."""
    with pytest.raises(InputError) as caught:
        planner.solve(broken(), sensitivity=False)
    assert list(caught.value.problems) == EXPECTED


@pytest.mark.parametrize("path", [COUNT_PATH, HOURS_PATH], ids=["count", "hours"])
def test_the_bundled_scenarios_have_no_problem(path):
    """What the reader accepts, validate_scenario accepts too."""
    assert validate_scenario(read_scenario(path)) == []


def test_each_rule_gives_its_reason_code():
    """One broken record per rule: the codes in the order the checks run."""
    units = (
        Unit("A", min_employees=5, max_employees=3, group="g", service_share=1.5),
        Unit("a", group="G", parent="nowhere"),
        Unit("B", group="g", parent="C", max_moves=-1),
        Unit("C", group="g", parent="B", hours_per_fte=0.0),
    )
    scenario = Scenario(
        "rules",
        units=units,
        staff=(
            StaffCell("A", "general", 2),
            StaffCell("A", "general", 1),
            StaffCell("Z", "general", 1),
            StaffCell("B", "general", 1.5),  # type: ignore[arg-type]
        ),
        services=(
            Service("S1", "A", volume=-1.0, digital_share=2.0, eligible_units=("a", "Q")),
            Service("S1", "B", minutes=float("nan")),
        ),
        settings=Settings(time_limit=0.0, mip_gap=1.5, max_staff_moves=-3),
        variants=(Variant("baseline"), Variant("v"), Variant("V")),
        hires=(Hire("nowhere", 2), Hire("B", -1)),
    )
    assert [p.code for p in validate_scenario(scenario)] == [
        # units
        ProblemCode.DUPLICATE_ID,  # 'a' differs only in case from 'A'
        ProblemCode.MIN_ABOVE_MAX,
        ProblemCode.SHARE_RANGE,
        ProblemCode.CASE_MISMATCH,  # group 'G' vs 'g'
        ProblemCode.UNKNOWN_PARENT,
        ProblemCode.NEGATIVE,  # Max moves
        ProblemCode.NOT_POSITIVE,  # Hours per FTE 0
        ProblemCode.PARENT_CYCLE,  # B -> C -> B
        # staff
        ProblemCode.DUPLICATE_ID,
        ProblemCode.UNKNOWN_UNIT,
        ProblemCode.NOT_WHOLE,
        # services
        ProblemCode.DUPLICATE_ID,
        ProblemCode.NEGATIVE,  # volume
        ProblemCode.SHARE_RANGE,  # digital share
        ProblemCode.ELIGIBLE_OTHER_GROUP,  # 'a' is in group 'G'
        ProblemCode.UNKNOWN_UNIT,  # eligible 'Q'
        ProblemCode.NOT_FINITE,  # minutes NaN
        # hires
        ProblemCode.UNKNOWN_UNIT,
        ProblemCode.NEGATIVE,
        # settings
        ProblemCode.NEGATIVE,  # max staff moves
        ProblemCode.NOT_POSITIVE,  # time limit
        ProblemCode.SHARE_RANGE,  # mip gap
        # variants
        ProblemCode.RESERVED_NAME,
        ProblemCode.DUPLICATE_ID,
    ]


def test_hours_mode_needs_hours_per_fte_and_minutes():
    """In hours mode a unit with no Hours per FTE (and no default) and a service with no Minutes
    are named; with the default set, only the service is."""
    scenario = Scenario(
        "hours",
        units=(Unit("A"),),
        staff=(StaffCell("A", "general", 1),),
        services=(Service("S1", "A"),),
        settings=Settings(coefficient=CoefficientMode.HOURS),
    )
    assert [(p.sheet, p.code) for p in validate_scenario(scenario)] == [
        ("Units", ProblemCode.MISSING_FOR_HOURS),
        ("Services", ProblemCode.MISSING_FOR_HOURS),
    ]
    with_default = dataclasses.replace(
        scenario, settings=dataclasses.replace(scenario.settings, hours_per_fte=1700.0)
    )
    assert [p.sheet for p in validate_scenario(with_default)] == ["Services"]


def test_names_made_in_code_follow_the_identity_rule():
    """A Scenario built in code cannot be merged for its author: two spellings of one group
    (NFC and NFD), a word mixing alphabets, look-alike service ids and an invisible character
    are each refused, naming the names."""
    scenario = Scenario(
        "identity",
        units=(
            Unit("A", group="R\u00e9gion"),
            Unit("B", group="Re\u0301gion"),
            Unit("\u0421ity"),  # Cyrillic С in a Latin word
            Unit("D\u200b1"),
        ),
        staff=(StaffCell("A", "general", 1),),
        services=(Service("CO", "A"), Service("\u0421\u041e", "A")),  # Latin CO, Cyrillic СО
    )
    assert [(p.code, p.expected) for p in validate_scenario(scenario)] == [
        (
            ProblemCode.INVISIBLE_CHARACTER,
            "Unit ID 'D\\u200b1' holds an invisible character (U+200B ZERO WIDTH SPACE)",
        ),
        (
            ProblemCode.CONFUSABLE,
            "Unit ID 'Сity' mixes look-alike letters of two alphabets in one word (U+0421 "
            "CYRILLIC CAPITAL LETTER ES); did you mean 'City'?",
        ),
        (
            ProblemCode.SPELLING_NORMALISED,
            "Group 'Région' and 'Re\\u0301gion' differ only in Unicode form or spacing: the "
            "workbook reader reads both as 'Région'; use one spelling",
        ),
        (
            ProblemCode.CONFUSABLE,
            "Service ID 'СО' looks the same as 'CO' but is spelt with letters of another "
            "alphabet: names must be told apart by eye",
        ),
    ]
