"""A scenario's options: its `baseline` (the base settings) and each variant of its Scenarios
sheet applied (`apply_variant`, `options`), as plain Scenario -> Scenario functions.

A variant is a set of overrides: settings, new hires, volume scales, digital shares and locked
units. Applying one never changes the base scenario; a variant that names a setting, unit or
service the scenario does not have raises InputError (a silent no-op would compare an option that
was never applied). Reading variants from a workbook is planner.workbook.variants.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from planner.domain import SETTING_FIELDS, Scenario, Service, Variant
from planner.errors import InputError, Problem, ProblemCode
from planner.i18n import N_

__all__ = ["BASELINE", "BASELINE_DESCRIPTION", "apply_variant", "options"]

BASELINE = "baseline"
BASELINE_DESCRIPTION = N_("the base settings of the workbook")  # translated where it is shown
SCENARIOS = "Scenarios"  # the sheet variants come from (their problems point at it)


def _matches(target: str, service: Service) -> bool:
    """Whether an adjustment's target (service id, `skill:<skill>` or `*`) names this service."""
    if service.allowance:  # WISN individual allowances: not demand, only named changes
        return service.service_id == target
    if target == "*":
        return True
    if target.startswith("skill:"):
        return service.skill == target[len("skill:") :]
    return service.service_id == target


def _problem(variant: Variant, expected: str, value: object, code: ProblemCode) -> Problem:
    # A variant made in code has no row; one read from a workbook points at its Name cell.
    cell = f"A{variant.row}" if variant.row is not None else ""
    return Problem(SCENARIOS, cell, value, f"variant {variant.name!r}: {expected}", code)


def _check(scenario: Scenario, variant: Variant) -> None:
    """Refuse a variant that names things the scenario does not have (variants built in code are
    not checked by the reader; a silent no-op would compare an option that was never applied)."""
    problems: list[Problem] = []
    for name in variant.settings:
        if name not in SETTING_FIELDS:
            problems.append(_problem(variant, "unknown setting", name, ProblemCode.UNKNOWN_SETTING))
    unit_ids = {u.unit_id for u in scenario.units}
    for hire in variant.hires:
        if hire.unit_id not in unit_ids:
            problems.append(
                _problem(variant, "New hires: unknown unit", hire.unit_id, ProblemCode.UNKNOWN_UNIT)
            )
        if hire.employees < 0:
            problems.append(
                _problem(
                    variant, "New hires must be 0 or more", hire.employees, ProblemCode.NEGATIVE
                )
            )
    for unit_id in variant.lock_units:
        if unit_id not in unit_ids:
            problems.append(
                _problem(variant, "Lock units: unknown unit", unit_id, ProblemCode.UNKNOWN_UNIT)
            )
    for adjustment in variant.volume_scale:
        if not adjustment.value >= 0:  # also refuses NaN
            problems.append(
                _problem(
                    variant,
                    "a volume scale must be 0 or more",
                    adjustment.value,
                    ProblemCode.NEGATIVE,
                )
            )
    for adjustment in variant.digital_share:
        if not 0.0 <= adjustment.value <= 1.0:
            problems.append(
                _problem(
                    variant,
                    "a digital share must be between 0 and 1",
                    adjustment.value,
                    ProblemCode.SHARE_RANGE,
                )
            )
    service_ids = {s.service_id for s in scenario.services}
    for adjustment in (*variant.volume_scale, *variant.digital_share):
        target = adjustment.target
        if target != "*" and not target.startswith("skill:") and target not in service_ids:
            problems.append(
                _problem(
                    variant,
                    "not a Service ID of this scenario",
                    target,
                    ProblemCode.UNKNOWN_SERVICE,
                )
            )
    if problems:
        raise InputError(problems)


def _adjusted(service: Service, variant: Variant) -> Service:
    """A service with the variant's volume scales and digital shares applied, left to right:
    scales multiply (`*=1.1; S001=1.2` gives S001 x1.32), a later share replaces an earlier one
    (`*=0.5; S001=0.8` gives S001 0.8), as a planner reads the cell."""
    volume, share = service.volume, service.digital_share
    for adjustment in variant.volume_scale:
        if _matches(adjustment.target, service):
            volume *= adjustment.value
    for adjustment in variant.digital_share:
        if _matches(adjustment.target, service):
            share = adjustment.value
    if volume == service.volume and share == service.digital_share:
        return service
    return dataclasses.replace(service, volume=volume, digital_share=share)


def apply_variant(scenario: Scenario, variant: Variant) -> Scenario:
    """The scenario a variant describes: the base with the variant's setting overrides, new hires
    (added to `Scenario.hires`, on top of any already there), volume scales, digital shares and
    locked units. Pure: the base scenario is not changed.

    The result is named `<scenario>: <variant>` and has no variants of its own. Raises InputError
    when the variant names a setting, unit or service the scenario does not have.
    """
    _check(scenario, variant)
    overrides: dict[str, Any] = dict(variant.settings)
    settings = dataclasses.replace(scenario.settings, **overrides)
    locks = set(variant.lock_units)
    units = tuple(
        dataclasses.replace(u, locked=True) if u.unit_id in locks and not u.locked else u
        for u in scenario.units
    )
    services = tuple(_adjusted(s, variant) for s in scenario.services)
    return dataclasses.replace(
        scenario,
        name=f"{scenario.name}: {variant.name}",
        units=units,
        services=services,
        settings=settings,
        variants=(),
        hires=scenario.hires + tuple(variant.hires),
    )


def options(scenario: Scenario) -> list[tuple[str, Scenario]]:
    """Every option of a scenario for a comparison: `baseline` (the base settings) first, then each
    variant by name, in the order of the Scenarios sheet."""
    baseline = dataclasses.replace(scenario, name=f"{scenario.name}: {BASELINE}", variants=())
    return [(BASELINE, baseline)] + [
        (v.name, apply_variant(scenario, v)) for v in scenario.variants
    ]
