"""Issue 12, classes 3 and 5: numbers beyond their documented range are refused with their cell,
the limit and its reason (planner.checks.RANGES), never an OverflowError or a plan that only looks
optimal."""

from __future__ import annotations

from tests.corpus.cases import Case, _both, _hours_mode, _settings_row, edited, setter

HEADCOUNT = "must be at most 1,000,000 (no unit has a million staff"

RANGE_CASES: tuple[Case, ...] = (
    Case(
        "employees 2^63",
        edited(setter("Units", F2=2**63)),
        (("out-of-range", "Units!F2"),),
        message=f"Units!F2: Employees {HEADCOUNT}",
    ),
    Case(
        "employees 1e300",
        edited(setter("Units", F3=1e300)),
        (("out-of-range", "Units!F3"),),
        message=f"Employees {HEADCOUNT}",
    ),
    Case(
        "a billion employees in one unit",
        edited(setter("Units", F4=10**9)),
        (("out-of-range", "Units!F4"),),
        message="Employees must be at most 1,000,000",
    ),
    Case(
        "employees typed as text beyond the range",
        edited(setter("Units", F5="1 000 001")),
        (("out-of-range", "Units!F5"),),
        message="(found '1 000 001')",
    ),
    Case(
        "Staff sheet headcount beyond the range",
        edited(setter("Staff", C2=1_000_001), staff=True),
        (("out-of-range", "Staff!C2"),),
        message=f"Employees {HEADCOUNT}",
    ),
    Case(
        "max employees and max moves beyond the range",
        edited(setter("Units", H2=10**7, I3=10**12)),
        (("out-of-range", "Units!H2"), ("out-of-range", "Units!I3")),
        message=f"Max employees {HEADCOUNT}",
    ),
    Case(
        "volume 1e308 with 600 minutes",
        edited(setter("Services", E2=1e308, F2=600)),
        (("out-of-range", "Services!E2"),),
        message="Volume must be at most 1,000,000,000,000 (a trillion transactions a year",
    ),
    Case(
        "minutes beyond a million",
        edited(setter("Services", F3=2e6)),
        (("out-of-range", "Services!F3"),),
        message="Minutes must be at most 1,000,000",
    ),
    Case(
        "hours per FTE 1e308",
        edited(_both(_hours_mode, setter("Units", L2=1e308))),
        (("out-of-range", "Units!L2"),),
        message="Hours per FTE must be at most 8,784 (the hours in a leap year",
    ),
    Case(
        "hours per FTE below one hour",
        edited(setter("Units", L3=0.5)),
        (("out-of-range", "Units!L3"),),
        message="Hours per FTE must be at least 1",
    ),
    Case(
        "hours per fte setting 1e308",
        edited(_settings_row("hours per fte", 1e308)),
        (("out-of-range", "Settings!B5"),),
        message="The setting 'hours per fte' must be at most 8,784",
    ),
    Case(
        "max staff moves setting beyond the range",
        edited(setter("Settings", B4=10**7)),
        (("out-of-range", "Settings!B4"),),
        message="The setting 'max staff moves' must be at most 1,000,000",
    ),
    Case(
        "time limit of 1e300 seconds",
        edited(_settings_row("time limit", 1e300)),
        (("out-of-range", "Settings!B5"),),
        message="must be at most 31,622,400 (the seconds in a leap year)",
    ),
    Case(
        "service share too small to be a share of time",
        edited(setter("Units", K2=1e-9)),
        (("out-of-range", "Units!K2"),),
        message="Service share must be at least 0.0001",
    ),
    Case(
        "new hires 1e20",
        edited(setter("Scenarios", D2="D01=100000000000000000000")),
        (("out-of-range", "Scenarios!D2"),),
        message=f"New hires for D01 {HEADCOUNT}",
    ),
    Case(
        "variant max staff moves beyond the range",
        edited(setter("Scenarios", C2=2**63)),
        (("out-of-range", "Scenarios!C2"),),
        message="The setting 'max staff moves' must be at most 1,000,000",
    ),
    Case(
        "volume scale of a billion",
        edited(setter("Scenarios", E2="S01=1e9")),
        (("out-of-range", "Scenarios!E2"),),
        message="Volume scale factor must be at most 1,000,000",
    ),
)


def _many_skills(workbook) -> None:
    """Staff of 501 skills in unit D01: with 'general' of the services, 501 skills in the group."""
    staff = workbook["Staff"]
    for number in range(501):
        staff.append(["D03", f"skill {number}", 1])


SIZE_CASES: tuple[Case, ...] = (
    Case(
        "more skills in a group than the bound",
        edited(_many_skills, staff=True),
        (("too-many-skills", "Units"),),
        message=(
            "group 'districts' has 502 skills, more than the 500 a group may have (each skill is "
            "a pool of its own: merge skills or split the group)"
        ),
    ),
)
