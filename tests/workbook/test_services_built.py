"""The Services read_services builds without Service.__init__ (planner.workbook.records._service)
are the Services __init__ builds: equal, same hash, same fields in the same order with the same
types, and `replace` works on them."""

from __future__ import annotations

import dataclasses

from planner.domain import Service
from planner.workbook.records import _service


def test_a_service_built_fast_equals_the_dataclass() -> None:
    """Every field given, including the wisn ones left at their defaults."""
    values = (
        "S1", "D01", "Licences", "general", 120.0, 15.0, 0.25, True, ("D02", "D03"), 7,
        None, False, 100.0, 140.0, None, None, 0.2, 0.3,
    )  # fmt: skip
    fast = _service(*values)
    slow = Service(*values)
    assert fast == slow and hash(fast) == hash(slow)
    assert type(fast) is Service
    assert list(vars(fast).items()) == list(vars(slow).items())
    assert fast.hours == slow.hours == 120.0 * 15.0 / 60.0 * 0.75
    assert dataclasses.replace(fast, volume=3.0) == dataclasses.replace(slow, volume=3.0)
    assert fast != _service(*values[:4], 121.0, *values[5:])


def test_a_service_built_fast_is_frozen() -> None:
    """Frozen as the dataclass is: no field can be set afterwards."""
    fast = _service("S1", "D01", "", "general", 1.0, None, 0.0, False, (), None, None, False,
                    None, None, None, None, None, None)  # fmt: skip
    try:
        fast.volume = 2.0  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("a Service could be changed")
    assert fast.volume == 1.0
