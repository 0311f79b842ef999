"""The fewest hires that bring every WISN ratio to a target (planner/studies/wisn_hires.py), on
the README's district study (scripts/wisn_example.py), against hand-solved counts."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import pytest

from planner.domain import Hire, Scenario
from planner.studies.wisn_hires import fewest_hires
from planner.workbook import read_scenario

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Scenario:
    spec = importlib.util.spec_from_file_location(
        "wisn_example", REPO / "scripts" / "wisn_example.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = tmp_path_factory.mktemp("hires") / "district.xlsx"
    module.district_workbook().save(path)
    return read_scenario(path)


def _with(scenario: Scenario, **settings) -> Scenario:
    return dataclasses.replace(
        scenario, settings=dataclasses.replace(scenario.settings, **settings)
    )


def test_with_staff_moves_one_hire_is_proven_fewest(district):
    """Target 1.00. Clinicians required 5.88, 2.22, 1.11 need 6 + 3 + 2 = 11 of 10: at least 1
    hire; nurses 5.43, 1.96, 1.74 need 6 + 2 + 2 = 10 of 12: none. One clinician hired at the
    Central clinic, and a plan reaches every ratio >= 1 (smallest 1.02): proven fewest."""
    plan = fewest_hires(district, 1.0)
    assert plan.hires == (Hire("C1", 1, "clinician"),)
    assert (plan.total, plan.lower_bound, plan.proven) == (1, 1, True)
    assert plan.result is not None
    assert round(1 / plan.result.max_coefficient_after, 2) == 1.02


def test_higher_target(district):
    """Target 1.20: clinicians need ceil(7.06) + ceil(2.66) + ceil(1.33) = 8 + 3 + 2 = 13 (3
    hires), nurses ceil(6.52) + ceil(2.35) + ceil(2.09) = 7 + 3 + 3 = 13 (1 hire): 4, proven."""
    plan = fewest_hires(district, 1.2)
    assert plan.hires == (Hire("C1", 3, "clinician"), Hire("C1", 1, "nurse"))
    assert (plan.total, plan.proven) == (4, True)


def test_staff_fixed_each_cell_hires_its_own_shortfall(district):
    """allow staff moves = no, target 1.00: the Central clinic needs 6 clinicians (has 4) and 6
    nurses (has 5): 3 hires, every other cell already at 1 or more; proven."""
    plan = fewest_hires(_with(district, allow_staff_moves=False), 1.0)
    assert plan.hires == (Hire("C1", 2, "clinician"), Hire("C1", 1, "nurse"))
    assert (plan.total, plan.lower_bound, plan.proven) == (3, 3, True)


def test_when_the_bound_is_not_reached_the_plan_is_not_called_fewest(district):
    """Hill clinic with Max moves 0: its surplus clinician cannot move, so 1 hire at the bound
    is not enough (C1 would need C2's third clinician). Every cell's own shortfall is hired
    (C1: 2 clinicians, 1 nurse), which reaches the target, and is reported not proven (the
    true fewest is 2: the nurse could come from the Lake clinic)."""
    units = tuple(
        dataclasses.replace(u, max_moves=0) if u.unit_id == "C3" else u for u in district.units
    )
    plan = fewest_hires(dataclasses.replace(district, units=units), 1.0)
    assert plan.hires == (Hire("C1", 2, "clinician"), Hire("C1", 1, "nurse"))
    assert (plan.total, plan.lower_bound, plan.proven) == (3, 1, False)
    assert plan.result is not None and plan.result.max_coefficient_after <= 1.0
