"""The domain's one definition of load, capacity and coefficient, and the enums that replace bare
strings (problem codes, sensitivity kinds)."""

from __future__ import annotations

import math

import planner
from planner.domain import (
    CoefficientMode,
    Scenario,
    SensitivityKind,
    Service,
    Settings,
    StaffCell,
    Unit,
    coefficient,
    service_load,
    unit_capacity,
)
from planner.errors import ProblemCode

HOURS = Settings(coefficient=CoefficientMode.HOURS, hours_per_fte=1600.0)


def test_load_is_one_per_service_in_count_mode_and_staff_hours_in_hours_mode():
    """1200 transactions x 15 minutes, 30% digital: 210 staff hours a year; 1 service in count."""
    service = Service("S1", "A", volume=1200.0, minutes=15.0, digital_share=0.3)
    assert service_load(service, Settings()) == 1.0
    assert service_load(service, HOURS) == 1200 * 15 / 60 * 0.7


def test_capacity_is_the_service_share_times_the_hours_per_fte():
    """A unit's own Hours per FTE wins over the default; count mode uses the share alone."""
    assert unit_capacity(Unit("A", service_share=0.5), Settings()) == 0.5
    assert unit_capacity(Unit("A", service_share=0.5), HOURS) == 800.0
    assert unit_capacity(Unit("A", service_share=0.5, hours_per_fte=1800.0), HOURS) == 900.0


def test_coefficient_is_load_over_capacity_and_infinite_for_load_with_no_staff():
    assert coefficient(3.0, 2.0) == 1.5
    assert coefficient(3.0, 0.0) == math.inf
    assert coefficient(0.0, 0.0) == 0.0


def test_problem_codes_are_strings_with_unique_values():
    """A member equals its string, so `problem.code == "duplicate-id"` still holds."""
    assert ProblemCode.DUPLICATE_ID == "duplicate-id"
    assert len({c.value for c in ProblemCode}) == len(ProblemCode)


def test_every_sensitivity_kind_written_is_a_member():
    """Two units, max staff moves 2: the binding unit and the move limit, as SensitivityKind."""
    scenario = Scenario(
        "two units",
        units=(Unit("A"), Unit("B")),
        staff=(StaffCell("A", "general", 10), StaffCell("B", "general", 10)),
        services=tuple(Service(f"S{i:02d}", "A") for i in range(30))
        + tuple(Service(f"T{i:02d}", "B") for i in range(10)),
        settings=Settings(max_staff_moves=2),
    )
    kinds = {item.kind for item in planner.solve(scenario).group("all").sensitivity}
    assert kinds == {SensitivityKind.BINDING_UNIT, SensitivityKind.GROUP_STAFF_MOVE_LIMIT}
    assert kinds == {"binding unit", "group staff move limit"}
    assert all(SensitivityKind(kind) for kind in kinds)


def test_a_solved_result_and_its_scenario_pickle_whole():
    """A Result pickles after solve() filled the Scenario's cached indexes (read-only mappings,
    which do not pickle): the indexes are left out and rebuilt on use."""
    import pickle

    from planner.datasets.generate import generate
    from planner.solve import solve

    result = solve(generate("region", seed=1), sensitivity=False, processes=1)
    assert "by_group" in vars(result.scenario)  # the cache that used to break pickling
    back = pickle.loads(pickle.dumps(result))
    assert back == result
    assert "by_group" not in vars(back.scenario)
    assert [len(r.units) for r in back.scenario.by_group.values()] == [
        len(r.units) for r in result.scenario.by_group.values()
    ]
    assert back.scenario.unit("R01-D01").group == result.scenario.unit("R01-D01").group


def test_a_variant_with_settings_pickles_and_keeps_them_read_only():
    import pickle
    from types import MappingProxyType

    from planner.domain import Variant

    variant = Variant("more staff", settings=MappingProxyType({"max staff moves": 5}))
    back = pickle.loads(pickle.dumps(variant))
    assert back == variant
    assert type(back.settings) is MappingProxyType
    assert dict(back.settings) == {"max staff moves": 5}
