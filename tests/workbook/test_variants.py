"""Variants: every kind of change `apply_variant` makes, exactly, and the options of a workbook."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import pytest

from planner.domain import (
    CoefficientMode,
    Hire,
    Objective,
    Scenario,
    Service,
    ServiceAdjustment,
    Settings,
    StaffCell,
    Unit,
    Variant,
)
from planner.errors import InputError
from planner.options import BASELINE, apply_variant, options
from planner.workbook import read_scenario, write_scenario


def scenario(**changes) -> Scenario:
    """Three units, two skills, four services with known volumes and digital shares."""
    base = Scenario(
        name="tiny",
        units=(Unit("A", "Alpha"), Unit("B", "Beta", max_moves=2), Unit("C", "Gamma")),
        staff=(
            StaffCell("A", "general", 4),
            StaffCell("A", "legal", 1),
            StaffCell("B", "general", 6),
            StaffCell("C", "general", 2),
        ),
        services=(
            Service("S1", "A", volume=100.0, minutes=30.0, digital_share=0.1),
            Service("S2", "A", skill="legal", volume=50.0, minutes=60.0),
            Service("S3", "B", volume=200.0, minutes=15.0, digital_share=0.5, movable=True),
            Service("S4", "C", skill="legal", volume=10.0, minutes=20.0),
        ),
        settings=Settings(hours_per_fte=1700.0),
    )
    return dataclasses.replace(base, **changes)


def variant(**fields) -> Variant:
    fields.setdefault("name", "v")
    if "settings" in fields:
        fields["settings"] = MappingProxyType(fields["settings"])
    return Variant(**fields)


def test_settings_overrides_replace_only_the_named_fields():
    """Each overridden setting takes the variant's typed value; every other setting is the base's."""
    changed = apply_variant(
        scenario(),
        variant(
            settings={
                "allow_service_moves": False,
                "max_staff_moves": 3,
                "coefficient": CoefficientMode.HOURS,
                "objective": Objective.BALANCE,
            }
        ),
    )
    assert changed.settings == Settings(
        allow_service_moves=False,
        max_staff_moves=3,
        coefficient=CoefficientMode.HOURS,
        objective=Objective.BALANCE,
        hours_per_fte=1700.0,
    )
    assert changed.settings.allow_staff_moves is True
    assert changed.settings.overload_margin == 0.10


def test_a_variant_can_lift_a_cap_with_none():
    """`none` in a setting cell reads as None: a variant lifts the base's move limit."""
    base = scenario(settings=Settings(max_staff_moves=5))
    assert apply_variant(base, variant(settings={"max_staff_moves": None})).settings == Settings()


def test_new_hires_go_to_scenario_hires_after_existing_ones():
    """New hires are added to Scenario.hires (after any already there); staff cells are untouched."""
    base = scenario(hires=(Hire("C", 1),))
    changed = apply_variant(base, variant(hires=(Hire("A", 2), Hire("A", 1, skill="legal"))))
    assert changed.hires == (Hire("C", 1), Hire("A", 2), Hire("A", 1, skill="legal"))
    assert changed.staff == base.staff
    assert changed.total_employees == 13  # hires are not staff cells: "before" stays published


def test_volume_scale_by_service_skill_and_star_multiplies_left_to_right():
    """Volume scales multiply, in the order written: `*` then `skill:legal` then `S2` gives S2
    1 x 1.1 x 2 x 0.5; a service no target names keeps its volume object unchanged."""
    changed = apply_variant(
        scenario(),
        variant(
            volume_scale=(
                ServiceAdjustment("*", 1.1),
                ServiceAdjustment("skill:legal", 2.0),
                ServiceAdjustment("S2", 0.5),
            )
        ),
    )
    volumes = {s.service_id: s.volume for s in changed.services}
    assert volumes == pytest.approx({"S1": 110.0, "S2": 55.0, "S3": 220.0, "S4": 22.0})
    base = scenario()
    only_s3 = apply_variant(base, variant(volume_scale=(ServiceAdjustment("S3", 3.0),)))
    assert [s.volume for s in only_s3.services] == [100.0, 50.0, 600.0, 10.0]
    assert only_s3.services[0] is base.services[0]


def test_digital_share_is_set_and_a_later_target_wins():
    """Digital shares are set (not added): `*=0.8; skill:legal=0.3; S4=0.95` gives S1 0.8, S2 0.3,
    S3 0.8, S4 0.95, and the hours needed follow (S1: 100 x 30 / 60 x 0.2 = 10 h)."""
    changed = apply_variant(
        scenario(),
        variant(
            digital_share=(
                ServiceAdjustment("*", 0.8),
                ServiceAdjustment("skill:legal", 0.3),
                ServiceAdjustment("S4", 0.95),
            )
        ),
    )
    shares = {s.service_id: s.digital_share for s in changed.services}
    assert shares == {"S1": 0.8, "S2": 0.3, "S3": 0.8, "S4": 0.95}
    assert changed.services[0].hours == pytest.approx(10.0)


def test_lock_units_locks_exactly_those_units():
    """Locked units get locked=True; the others keep every field."""
    base = scenario()
    changed = apply_variant(base, variant(lock_units=("B", "C")))
    assert [u.locked for u in changed.units] == [False, True, True]
    assert changed.units[0] is base.units[0]
    assert changed.units[1] == dataclasses.replace(base.units[1], locked=True)


def test_apply_variant_is_pure_and_names_the_option():
    """The base scenario is not changed; the option is named `<scenario>: <variant>`, has no
    variants of its own, and keeps the source fingerprint."""
    base = scenario(variants=(variant(name="x"),), source_sha256="abc")
    copy = dataclasses.replace(base)
    changed = apply_variant(
        base,
        variant(
            name="everything",
            settings={"allow_staff_moves": False},
            hires=(Hire("B", 1),),
            volume_scale=(ServiceAdjustment("*", 2.0),),
            digital_share=(ServiceAdjustment("S1", 0.0),),
            lock_units=("A",),
        ),
    )
    assert base == copy
    assert changed.name == "tiny: everything"
    assert changed.variants == ()
    assert changed.source_sha256 == "abc"
    assert base.settings.allow_staff_moves is True and base.hires == ()


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (variant(settings={"max_moves_typo": 1}), "unknown-setting"),
        (variant(hires=(Hire("Z", 1),)), "unknown-unit"),
        (variant(lock_units=("Q",)), "unknown-unit"),
        (variant(volume_scale=(ServiceAdjustment("S9", 2.0),)), "unknown-service"),
        (variant(volume_scale=(ServiceAdjustment("*", -1.0),)), "negative"),
        (variant(digital_share=(ServiceAdjustment("*", 1.5),)), "share-range"),
    ],
)
def test_apply_variant_refuses_what_the_scenario_does_not_have(bad, code):
    """A variant built in code that names an unknown setting, unit or service, or an impossible
    value, raises InputError with the reason code, never applies silently."""
    with pytest.raises(InputError) as caught:
        apply_variant(scenario(), bad)
    assert [p.code for p in caught.value.problems] == [code]
    assert "variant 'v'" in str(caught.value)


def test_options_lists_baseline_then_variants_in_sheet_order():
    """options(): `baseline` with the base settings first, then every variant by name."""
    base = scenario(
        variants=(
            variant(name="no services", settings={"allow_service_moves": False}),
            variant(name="hire", hires=(Hire("A", 3),)),
        )
    )
    listed = options(base)
    assert [name for name, _ in listed] == [BASELINE, "no services", "hire"]
    assert listed[0][1].settings == base.settings
    assert listed[0][1].variants == () and listed[0][1].hires == ()
    assert listed[1][1].settings.allow_service_moves is False
    assert listed[2][1].hires == (Hire("A", 3),)


def test_variants_read_from_a_workbook_apply_like_variants_built_in_code(tmp_path):
    """A Scenarios sheet written and read back gives the same options as the variants in code."""
    variants = (
        variant(
            name="staff only", description="=no services", settings={"allow_service_moves": False}
        ),
        variant(
            name="digital",
            hires=(Hire("B", 2), Hire("A", 1, skill="legal")),
            volume_scale=(ServiceAdjustment("skill:legal", 1.2),),
            digital_share=(ServiceAdjustment("*", 0.8),),
            lock_units=("C",),
        ),
    )
    base = scenario(variants=variants)
    path = write_scenario(base, tmp_path / "tiny.xlsx")
    read = read_scenario(path)
    for (name, in_code), (read_name, from_file) in zip(options(base), options(read), strict=True):
        assert name == read_name
        assert from_file.settings == in_code.settings
        assert from_file.hires == in_code.hires
        assert [u.locked for u in from_file.units] == [u.locked for u in in_code.units]
        # Flat lists: pytest 9.2's approx refuses nested tuples.
        assert [
            x for s in from_file.services for x in (s.volume, s.digital_share)
        ] == pytest.approx([x for s in in_code.services for x in (s.volume, s.digital_share)])
    assert read.variants[0].description == "=no services"
