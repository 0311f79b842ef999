"""A scenario built in code with everything the format can say, and a comparison helper."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

from planner.domain import (
    Hire,
    Objective,
    Scenario,
    Service,
    ServiceAdjustment,
    Settings,
    SolverName,
    StaffCell,
    Unit,
    Variant,
)


def content(scenario: Scenario) -> Scenario:
    """A scenario without what depends on the file (name, source, rows, warnings)."""
    return replace(
        scenario,
        name="",
        source_path=None,
        source_sha256=None,
        warnings=(),
        units=tuple(replace(u, row=None) for u in scenario.units),
        staff=tuple(replace(c, row=None) for c in scenario.staff),
        services=tuple(replace(s, row=None) for s in scenario.services),
        variants=tuple(replace(v, row=None, settings=dict(v.settings)) for v in scenario.variants),
    )


EXAMPLE = Scenario(
    name="example",
    units=(
        Unit("D01", "Agriculture", "department", None, "regional", 2, 20, 3, False, 0.8, 1776.0),
        Unit("D02", "Finance", "department", "D01", "regional", 0, None, None, True, 1.0, None),
        Unit("Ақжайық", "Ақжайық ауданы", "district", None, "districts"),
    ),
    staff=(
        StaffCell("D01", "general", 7),
        StaffCell("D01", "legal", 3),
        StaffCell("D02", "general", 0),
        StaffCell("Ақжайық", "жер", 5),
    ),
    services=(
        Service("S01", "D01", "Farm subsidy", "general", 1200.5, 12.25, 0.626, True, ("D01", "D02")),
        Service("S02", "D02", "=HYPERLINK(\"http://x\")", "legal", 3.0, None, 0.0, False),
        Service("S03", "Ақжайық", "+cmd", "жер", 40.0, 5.0),
    ),
    settings=Settings(
        objective=Objective.BALANCE, max_staff_moves=4, mip_gap=0.01, solver=SolverName.CBC
    ),
    variants=(
        Variant(
            "hire", "Two new", MappingProxyType({"max_staff_moves": None, "time_limit": 30.0}),
            (Hire("D01", 2), Hire("D02", 1, "legal")),
            (ServiceAdjustment("S01", 1.5), ServiceAdjustment("skill:жер", 0.75)),
            (ServiceAdjustment("*", 0.7),), ("D02",),
        ),
        Variant("=1+1", "@SUM(A1)"),
    ),
)  # fmt: skip
