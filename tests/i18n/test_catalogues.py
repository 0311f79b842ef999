"""The message catalogues are complete and sound: every message id of the source (extracted again
here with Babel, so a message added without a translation fails) has a Kazakh and a Russian
translation that is not fuzzy, keeps every placeholder, has every plural form of its language,
and each catalogue compiles."""

from __future__ import annotations

import gettext
import io
import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from planner.i18n import LOCALE_DIR, compile_catalogue
from tests.support import REPO

LANGUAGES = ("kk", "ru")
KEYWORDS = {
    "_": None, "N_": None, "NP_": ((1, "c"), 2), "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3),
}  # fmt: skip
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sd]")
PLURALS = {"kk": 2, "ru": 3}


def source_messages() -> set[tuple[str | None, str]]:
    """(context, msgid) of every marked message in planner/ (Python and the web templates)."""
    found = set()
    method_map = [("**.py", "python"), ("web/templates/**.html", "jinja2")]
    for _file, _line, message, _comments, context in extract_from_dir(
        str(REPO / "planner"), method_map, keywords=KEYWORDS
    ):
        found.add((context, message if isinstance(message, str) else message[0]))
    return found


def catalogue(code: str):
    with (LOCALE_DIR / code / "LC_MESSAGES" / "planner.po").open("rb") as stream:
        return read_po(stream, locale=code)


@pytest.fixture(scope="module")
def messages() -> set[tuple[str | None, str]]:
    return source_messages()


def test_the_source_has_messages(messages):
    """The extraction itself works (a broken extraction would make the next test vacuous)."""
    assert ("header", "Unit ID") in messages
    assert (None, "{label} must be yes or no") in messages
    assert len(messages) > 400


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_message_is_translated(code, messages):
    """No message id of the source lacks a translation, none is fuzzy, none is left empty."""
    entries = {
        (m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in catalogue(code) if m.id
    }
    missing = sorted(messages - set(entries), key=str)
    assert missing == []
    fuzzy = sorted(str(k) for k, m in entries.items() if m.fuzzy)
    assert fuzzy == []
    empty = sorted(
        str(k) for k, m in entries.items()
        if k in messages and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    )  # fmt: skip
    assert empty == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_translations_keep_their_placeholders(code):
    """Each translation keeps every placeholder of its id ({label}, {value!r}, %(num)d...) and
    adds none; plural entries have all of their language's forms."""
    wrong = []
    for m in catalogue(code):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if isinstance(m.id, tuple) and len(strings) != PLURALS[code]:
            wrong.append((m.id, "plural forms", len(strings)))
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != expected:
                wrong.append((m.id, text))
    assert wrong == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_catalogue_compiles(code):
    """The .po compiles with Babel to a .mo that gettext reads, with the language's plural rule
    (Russian: 1 сотрудник, 3 сотрудника, 5 сотрудников, 21 сотрудник)."""
    compiled = gettext.GNUTranslations(
        io.BytesIO(compile_catalogue(LOCALE_DIR / code / "LC_MESSAGES" / "planner.po"))
    )
    forms = [compiled.ngettext("{count} employee", "{count} employees", n) for n in (1, 3, 5, 21)]
    if code == "ru":
        assert forms == ["{count} сотрудник", "{count} сотрудника", "{count} сотрудников",
                         "{count} сотрудник"]  # fmt: skip
    else:
        assert forms == ["{count} қызметкер"] * 4
    assert compiled.pgettext("sheet", "Units") == {"ru": "Подразделения", "kk": "Бөлімшелер"}[code]


@pytest.mark.parametrize("code", LANGUAGES)
def test_babel_finds_no_error_in_the_catalogue(code):
    """`scripts/i18n.py compile` (pybabel compile) reports no error: Babel's own checks of each
    entry (the printf placeholders it finds in an id such as "32% short", taken for "% s", and
    the plural forms) pass, so compiling prints no "placeholders are incompatible"."""
    errors = [(m.lineno, m.id, [str(e) for e in found]) for m, found in catalogue(code).check()]
    assert errors == []


def test_a_per_cent_sign_in_an_id_is_what_babel_takes_for_a_placeholder():
    """The check above can fail: an id with "% s" and a translation without it is an error."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="ru")
    catalog.add("{percent}% short", "недостаёт {percent}")
    assert [str(e) for _, found in catalog.check() for e in found] == [
        "placeholders are incompatible"
    ]
