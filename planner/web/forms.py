"""The settings a page (or an API client) may change before a solve, checked here.

`parse_settings` takes a mapping from a JSON body or a form and returns the typed overrides
(absent: keep the workbook's value; None: no cap), or raises SettingsError naming the setting,
the value and what was expected, as the reader's problems do.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from planner.i18n import N_, _, decimal, integer

__all__ = ["EDITABLE", "SettingsError", "form_settings", "parse_settings"]

# setting -> what a page calls it (in English, marked; messages show it translated)
EDITABLE: dict[str, str] = {
    "objective": N_("objective"),
    "allow_staff_moves": N_("allow staff moves"),
    "allow_service_moves": N_("allow service moves"),
    "max_staff_moves": N_("max staff moves"),
    "max_service_moves": N_("max service moves"),
    "time_limit": N_("time limit"),
}
_WHOLE = N_("must be a whole number of 0 or more, or blank for no cap")
_SECONDS = N_("must be a number of seconds, or blank for none")
MAX_TIME_LIMIT = 86_400.0  # seconds (one day)
MAX_MOVES = 10_000_000
_YES = {"yes", "y", "true", "1", "on"}
_NO = {"no", "n", "false", "0", "off"}


class SettingsError(ValueError):
    """A setting from a page or the API that cannot be used."""


def _fail(name: str, value: object, expected: str) -> SettingsError:
    shown = _(EDITABLE[name]) if name in EDITABLE else name
    return SettingsError(
        _("{setting}: {expected} (found {value!r})").format(
            setting=shown, expected=expected, value=value
        )
    )


def _flag(name: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _YES | _NO:
        return value.strip().lower() in _YES
    raise _fail(name, value, _("must be yes or no"))


def _moves(name: str, value: object) -> int | None:
    if value is None or (
        isinstance(value, str) and value.strip().lower() in ("", "none", "no cap")
    ):
        return None
    if isinstance(value, bool):
        raise _fail(name, value, _(_WHOLE))
    try:
        number = int(value) if isinstance(value, int) else int(str(value).strip())
    except ValueError:
        raise _fail(name, value, _(_WHOLE)) from None
    if not 0 <= number <= MAX_MOVES:
        raise _fail(name, value, _("must be between 0 and {most}").format(most=integer(MAX_MOVES)))
    return number


def _seconds(name: str, value: object) -> float | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
        return None
    if isinstance(value, bool):
        raise _fail(name, value, _(_SECONDS))
    try:
        number = float(value) if isinstance(value, int | float) else float(str(value).strip())
    except ValueError:
        raise _fail(name, value, _(_SECONDS)) from None
    if not math.isfinite(number) or not 0 < number <= MAX_TIME_LIMIT:
        raise _fail(
            name,
            value,
            _("must be more than 0 and at most {most} seconds").format(
                most=decimal(MAX_TIME_LIMIT, 0)
            ),
        )
    return number


def parse_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    """The checked overrides of `values` (keys of EDITABLE only)."""
    overrides: dict[str, Any] = {}
    for name, value in values.items():
        if name not in EDITABLE:
            raise SettingsError(
                _(
                    "{name!r} is not a setting the workspace can change (choose from {names})"
                ).format(name=name, names=", ".join(EDITABLE))
            )
        if name == "objective":
            if value not in ("minmax", "balance"):
                raise _fail(name, value, _("must be minmax or balance"))
            overrides[name] = value
        elif name.startswith("allow_"):
            overrides[name] = _flag(name, value)
        elif name.startswith("max_"):
            overrides[name] = _moves(name, value)
        else:
            overrides[name] = _seconds(name, value)
    return overrides


def form_settings(form: Any) -> dict[str, Any]:
    """The settings of a page's form (a starlette FormData): the fields it sends, each its last
    value (a ticked checkbox follows a hidden `no` of the same name); absent ones are kept."""
    return parse_settings({name: form.getlist(name)[-1] for name in EDITABLE if form.getlist(name)})
