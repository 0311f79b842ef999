"""The format's one list of settings matches the Settings record field for field."""

from __future__ import annotations

import dataclasses

from planner.domain import Settings
from planner.workbook.layout import OPTIONAL_SETTING_FIELDS, SETTINGS_LIST


def test_one_setting_per_field_of_settings_in_its_order():
    """Reader, template, variants and reports all take the settings from SETTINGS_LIST."""
    fields = [f.name for f in dataclasses.fields(Settings)]
    assert [s.field for s in SETTINGS_LIST] == fields


def test_the_settings_that_may_be_none_are_those_whose_default_is_none():
    """'none' lifts a cap exactly where the Settings field may hold None."""
    may_be_none = {f.name for f in dataclasses.fields(Settings) if f.default is None}
    assert OPTIONAL_SETTING_FIELDS == may_be_none
