"""A scenario as a short Python expression (only the fields that differ from their defaults), so
that a failing generated case can be pasted into a test as plain code."""

from __future__ import annotations

import dataclasses

from planner.domain import Scenario, Settings

_SKIP = {"row", "name"}  # layout only: not part of the model


def _record(obj, positional: int) -> str:
    fields = dataclasses.fields(obj)
    parts = [repr(getattr(obj, f.name)) for f in fields[:positional]]
    for f in fields[positional:]:
        value = getattr(obj, f.name)
        if f.name in _SKIP:
            continue
        if f.default is not dataclasses.MISSING and value == f.default:
            continue
        if f.default_factory is not dataclasses.MISSING and value == f.default_factory():
            continue
        parts.append(f"{f.name}={_value(value)}")
    return f"{type(obj).__name__}({', '.join(parts)})"


def _value(value) -> str:
    if hasattr(value, "value") and type(value).__module__ == "planner.domain":  # enum members
        return f"{type(value).__name__}.{value.name}"
    return repr(value)


def scenario_code(scenario: Scenario) -> str:
    """`Scenario(...)` building this scenario from planner.domain names, one record a line."""
    positional = {"Unit": 1, "StaffCell": 3, "Service": 2, "Hire": 3}

    def block(name: str, records) -> str:
        if not records:
            return f"    {name}=(),\n"
        lines = "".join(f"        {_record(r, positional[type(r).__name__])},\n" for r in records)
        return f"    {name}=(\n{lines}    ),\n"

    settings = _record(scenario.settings, 0) if scenario.settings != Settings() else "Settings()"
    text = "Scenario(\n    " + repr(scenario.name) + ",\n"
    text += block("units", scenario.units)
    text += block("staff", scenario.staff)
    text += block("services", scenario.services)
    text += f"    settings={settings},\n"
    if scenario.hires:
        text += block("hires", scenario.hires)
    return text + ")"
