"""Reading one cell: numbers with decimal commas or thousands separators, shares, yes/no, ids.

Each parser takes the raw value openpyxl gives (str, int, float, bool, datetime...) and a label (the
column or setting name) and returns a clean Python value, or raises CellError with a reason code
and a message in plain words. Nothing here knows about sheets or rows.

Ambiguity is an error, never a guess: "1,531" in a column that may hold fractions could be 1531 or
1.531, so it is refused there; in a whole-number column it can only be 1531.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from planner.domain import char_name, invisible_characters, mixed_script, normalise_name, shown
from planner.errors import ProblemCode
from planner.i18n import _, decimal_example, language, language_from_word
from planner.workbook.layout import CHOICE_ALIASES, NO_WORDS, YES_WORDS
from planner.xlsx.reading import clean_text, is_blank

__all__ = [
    "CellError",
    "clean_text",
    "id_text",
    "is_blank",
    "number_as_text",
    "parse_choice",
    "parse_id",
    "parse_number",
    "parse_text",
    "parse_yes_no",
    "text_to_number",
]

# Spaces that may group thousands: space, no-break space, narrow no-break space, thin space.
_GROUP_SPACES = " \u00a0\u202f\u2009"
_MINUS_SIGNS = "-\u2212\u2013"
_PLAIN_NUMBER = re.compile(r"(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_SPACE_GROUPED = re.compile(r"\d{1,3}(?:[" + _GROUP_SPACES + r"]\d{3})+(?:[.,]\d+)?")
_COMMA_GROUPED = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+")
_DOT_GROUPED = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")


class CellError(ValueError):
    """A cell value that cannot be used: `code` is the stable reason, `expected` the message."""

    def __init__(self, code: ProblemCode, expected: str) -> None:
        super().__init__(expected)
        self.code = code
        self.expected = expected


def _decimal_comma() -> bool:
    # Russian and Kazakh Excel write 0,626: a hint with a point would be refused there.
    return language() in ("ru", "kk")


def _typed(text: str) -> str:
    """A number as the user would type it in this language (a decimal comma in ru and kk)."""
    return text.replace(".", ",") if _decimal_comma() else text


def _is_date(value: object) -> bool:
    return isinstance(value, dt.date | dt.time | dt.timedelta)


def number_as_text(value: float | int) -> str:
    """A number as id text: whole numbers without a decimal part, so 1, 1.0 and "1" all read "1"."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def parse_id(value: object, label: str) -> str:
    """An identifier: a number as its text ("1" for 1 and 1.0), or text normalised by the one
    identity rule (planner.domain.normalise_name: NFKC, whitespace collapsed, trimmed).

    Refused: invisible characters inside the text, and a word mixing Latin with Cyrillic or Greek
    look-alike letters (with a "did you mean").
    """
    if isinstance(value, bool) or _is_date(value):
        message = (
            _("{label} must be text or a whole number, not a yes/no value")
            if isinstance(value, bool)
            else _("{label} must be text or a whole number, not a date")
        )
        raise CellError(ProblemCode.ID_TYPE, message.format(label=label))
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise CellError(
                ProblemCode.NOT_FINITE,
                _("{label} must be text or a whole number").format(label=label),
            )
        return number_as_text(value)
    return id_text(clean_text(str(value)), label)


def id_text(text: str, label: str) -> str:
    """Trimmed id text (a cell, or one item of a list) checked and normalised; see parse_id."""
    hidden = invisible_characters(text)
    if hidden:
        names = ", ".join(dict.fromkeys(char_name(ch) for ch in hidden))
        raise CellError(
            ProblemCode.INVISIBLE_CHARACTER,
            _("{label} {text} holds an invisible character ({names}): retype it without").format(
                label=label, text=shown(text), names=names
            ),
        )
    name = normalise_name(text)
    mixed = mixed_script(name)
    if mixed is not None:
        suggestion, letters = mixed
        which = ", ".join(dict.fromkeys(char_name(ch) for ch in letters))
        raise CellError(
            ProblemCode.CONFUSABLE,
            _(
                "{label} {name} mixes look-alike letters of two alphabets in one word ({which}); "
                "did you mean {suggestion}?"
            ).format(label=label, name=repr(name), which=which, suggestion=repr(suggestion)),
        )
    return name


def parse_text(value: object) -> str:
    """Free text (names, descriptions): trimmed; numbers written as they read."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) and math.isfinite(value):
        return number_as_text(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return clean_text(str(value))


def _grouped_to_plain(text: str, whole: bool, label: str) -> str:
    """Remove thousands separators and make the decimal separator a point."""
    if _SPACE_GROUPED.fullmatch(text):
        text = "".join(ch for ch in text if ch not in _GROUP_SPACES)
    if "," in text and "." in text:
        # Both separators: the last one is the decimal separator, the other groups thousands.
        decimal_sep, group_sep = (",", ".") if text.rfind(",") > text.rfind(".") else (".", ",")
        integer, _separator, fraction = text.rpartition(decimal_sep)
        grouped = _COMMA_GROUPED if group_sep == "," else _DOT_GROUPED
        if not (grouped.fullmatch(integer) or integer.isdigit()):
            raise ValueError(text)
        return integer.replace(group_sep, "") + "." + fraction
    if "," in text:
        if _COMMA_GROUPED.fullmatch(text):
            if text.count(",") > 1 or whole:
                return text.replace(",", "")
            plain = text.replace(",", "")
            point = text.replace(",", ".")
            raise CellError(
                ProblemCode.AMBIGUOUS_NUMBER,
                _("{label}: {text} could mean {plain} or {point}; type {plain} or {point}").format(
                    label=label, text=text, plain=plain, point=_typed(point)
                ),
            )
        if text.count(",") == 1:
            return text.replace(",", ".")  # decimal comma, as the source tables print them
        raise ValueError(text)
    if text.count(".") > 1 and _DOT_GROUPED.fullmatch(text):
        return text.replace(".", "")
    return text


def text_to_number(text: str, *, whole: bool, percent_allowed: bool, label: str) -> float:
    """A number typed as text: "0,52", "1 531", "1,531" (whole columns), "62.6%" (shares).

    Raises CellError (code not-a-number, not-finite or ambiguous-number) or returns a float; the
    caller checks the range.
    """
    original = text
    text = clean_text(text)
    percent = text.endswith("%")
    if percent:
        if not percent_allowed:
            raise CellError(
                ProblemCode.NOT_A_NUMBER,
                _("{label} must be a number, not a percentage").format(label=label),
            )
        text = text[:-1].rstrip()
    sign = ""
    if text[:1] in _MINUS_SIGNS or text[:1] == "+":
        sign = "-" if text[0] in _MINUS_SIGNS else ""
        text = text[1:].lstrip()
    if text.casefold() in {"nan", "inf", "infinity"}:
        raise CellError(
            ProblemCode.NOT_FINITE, _("{label} must be an ordinary number").format(label=label)
        )
    try:
        plain = _grouped_to_plain(text, whole, label)
        if not _PLAIN_NUMBER.fullmatch(plain):
            raise ValueError(original)
        number = Decimal(sign + plain)
    except CellError:
        raise
    except (ValueError, InvalidOperation):
        raise CellError(
            ProblemCode.NOT_A_NUMBER,
            _("{label} must be a number (type it as {example})").format(
                label=label, example=decimal_example()
            ),
        ) from None
    if percent:
        number /= 100
    result = float(number)
    if not math.isfinite(result):
        raise CellError(
            ProblemCode.NOT_FINITE, _("{label} must be an ordinary number").format(label=label)
        )
    return result


def _number_rule(label: str, *, whole: bool, share: bool, positive: bool) -> str:
    """The rule a number cell breaks, e.g. "Employees must be a whole number of 0 or more";
    built only when a cell breaks it (a catalogue look-up per cell would cost seconds)."""
    if whole:
        rule = _("{label} must be a whole number of 0 or more")
    elif share:
        rule = _("{label} must be a share between 0 and 1 (for example {share} or {percent}%)")
    elif positive:
        rule = _("{label} must be a number above 0")
    else:
        rule = _("{label} must be a number of 0 or more")
    comma = _decimal_comma()
    return rule.format(
        label=label, share="0,626" if comma else "0.626", percent="62,6" if comma else "62.6"
    )


def parse_number(
    value: object,
    label: str,
    *,
    whole: bool = False,
    share: bool = False,
    positive: bool = False,
) -> float | int:
    """A number >= 0 (> 0 when `positive`, in 0..1 when `share`, an int when `whole`).

    `expected` messages read like "Employees must be a whole number of 0 or more".
    """
    kind = type(value)
    if kind is int or kind is float:
        # The common clean cell (a number the sheet stores as one, within its range) returns
        # here; every other value, and every number that breaks a rule, takes the full path.
        number = float(value)  # type: ignore[arg-type]
        if (
            0 <= number < math.inf
            and not (share and number > 1)
            and not (positive and number == 0)
            and not (whole and not number.is_integer())
        ):
            return int(number) if whole else number
    return _parse_number(value, label, whole=whole, share=share, positive=positive)


def _parse_number(
    value: object, label: str, *, whole: bool, share: bool, positive: bool
) -> float | int:
    """parse_number's full path: text, other types, and every number that breaks a rule."""
    rule = _number_rule(label, whole=whole, share=share, positive=positive)

    if isinstance(value, bool):
        raise CellError(
            ProblemCode.BOOL_NOT_NUMBER, _("{rule}, not a yes/no value").format(rule=rule)
        )
    if _is_date(value):
        raise CellError(
            ProblemCode.DATE_NOT_NUMBER,
            _("{rule}, not a date: format the cell as Number and retype it").format(rule=rule),
        )
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            raise CellError(ProblemCode.NOT_FINITE, rule)
    elif isinstance(value, str):
        try:
            number = text_to_number(value, whole=whole, percent_allowed=share, label=label)
        except CellError as error:
            if error.code is ProblemCode.AMBIGUOUS_NUMBER:
                raise
            if error.code is ProblemCode.NOT_A_NUMBER and not (whole or share):
                # How to type it in this language: 1250 or 1250.5 / 1250,5 (never 1.250).
                hint = _("{rule} (type it as {example})").format(
                    rule=rule, example=decimal_example()
                )
                raise CellError(error.code, hint) from None
            raise CellError(error.code, rule) from None
    else:
        raise CellError(ProblemCode.NOT_A_NUMBER, rule)

    if number < 0:
        raise CellError(ProblemCode.NEGATIVE, rule)
    if share and number > 1:
        if number <= 100:
            as_share = number_as_text(float(Decimal(repr(number)) / 100))
            raise CellError(
                ProblemCode.SHARE_RANGE,
                _("{rule}: {number} looks like a percentage; write {share} or {number}%").format(
                    rule=rule, number=_typed(number_as_text(number)), share=_typed(as_share)
                ),
            )
        raise CellError(ProblemCode.SHARE_RANGE, rule)
    if positive and number == 0:
        raise CellError(ProblemCode.NOT_POSITIVE, rule)
    if whole:
        if not number.is_integer():
            raise CellError(ProblemCode.NOT_WHOLE, _("{rule}, not a fraction").format(rule=rule))
        return int(number)
    return number


def parse_yes_no(value: object, label: str) -> bool:
    """yes/no, y/n, true/false, 1/0 (any case) or an Excel boolean."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = clean_text(value).casefold()
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
    raise CellError(ProblemCode.NOT_YES_NO, _("{label} must be yes or no").format(label=label))


def parse_choice(value: object, label: str, choices: Sequence[str]) -> str:
    """One word of `choices`, any case."""
    if isinstance(value, str):
        word = clean_text(value).casefold()
        word = CHOICE_ALIASES.get(word, word)
        if word not in choices:
            word = language_from_word(word) or word  # the language setting: "Русский", "kk"
        if word in choices:
            return word
    raise CellError(
        ProblemCode.BAD_CHOICE,
        _("{label} must be one of: {choices}").format(label=label, choices=", ".join(choices)),
    )
