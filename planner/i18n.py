"""The language a person reads: gettext catalogues (kk, ru, en) and numbers in words by CLDR.

One setting decides the language, first that is given wins (`resolve_language`): `--lang kk|ru|en`
on the command line, else the workbook's `language` setting, else the environment's locale
(LANGUAGE, LC_ALL, LC_MESSAGES, LANG), else English. The current language is a context variable,
so that each web request and each worker process (which is handed the language explicitly) speaks
its own; `using(lang)` sets it for a block.

Messages are marked with `_("...")`, `ngettext(singular, plural, n)` (each language's plural rule:
Russian has three forms), `pgettext(context, "...")` where one English word needs two
translations (a sheet name against a header), and `N_("...")` for a text translated later where
it is shown. The catalogues are planner/locale/<lang>/LC_MESSAGES/planner.po, managed with Babel
(scripts/i18n.py extract / update / compile) and compiled to .mo when the package is built or
installed (setup.py's build_py). A checkout with no .mo, or with a .po newer than its .mo, is
compiled in memory from the .po here: a stale catalogue is never read.

Numbers inside text go through `decimal` / `integer` (Babel's format_decimal): `1,234.5` in
English, `1 234,5` with a no-break space in Russian and Kazakh. Workbook cells keep numbers as
numbers; only text is formatted here.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

if TYPE_CHECKING:  # babel is imported when a number is first written in ru or kk
    from babel.core import Locale
    from babel.numbers import NumberPattern

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "NP_",
    "N_",
    "_",
    "decimal",
    "decimal_example",
    "environment_language",
    "integer",
    "language",
    "language_from_word",
    "ngettext",
    "npgettext",
    "pgettext",
    "pinned",
    "resolve_language",
    "set_language",
    "translations",
    "using",
]

P = ParamSpec("P")
R = TypeVar("R")
DOMAIN = "planner"
LOCALE_DIR = Path(__file__).with_name("locale")
DEFAULT_LANGUAGE = "en"
LANGUAGES = ("kk", "ru", "en")  # the order of the web workspace's switch
# Each language's name in itself: the switch shows these, and the `language` setting reads them.
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
_WORDS = {
    "kk": ("kk", "kz", "kaz", "kazakh", "қазақша", "қазақ", "казахский", "kk_kz", "kk-kz"),
    "ru": ("ru", "rus", "russian", "русский", "орысша", "ru_ru", "ru-ru", "ru_kz", "ru-kz"),
    "en": ("en", "eng", "english", "ағылшынша", "английский", "en_us", "en-us", "en_gb", "en-gb"),
}
_BY_WORD = {word: code for code, words in _WORDS.items() for word in words}

_current: ContextVar[str | None] = ContextVar("planner_language", default=None)


def language_from_word(text: object) -> str | None:
    """`kk`, `ru` or `en` for a language code or name in any of the three languages
    ("ru_RU.UTF-8", "Русский", "қазақша", "English"), else None."""
    if not isinstance(text, str):
        return None
    word = text.strip().casefold().split(".", 1)[0].split("@", 1)[0]
    return _BY_WORD.get(word) or _BY_WORD.get(word.replace("-", "_").split("_", 1)[0])


def environment_language(environ: Mapping[str, str] | None = None) -> str | None:
    """The language of the environment's locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, as gettext
    reads them), when it is one of ours; None for C, POSIX or another language."""
    environ = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if not value:
            continue
        # LANGUAGE is a list (kk:ru:en); the first of ours wins. A set variable that names no
        # language of ours ends the search, as in gettext: LC_ALL=C means untranslated.
        for part in value.split(":"):
            found = language_from_word(part)
            if found:
                return found
        return None
    return None


def resolve_language(
    option: str | None = None,
    workbook: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The language to speak: the command's --lang, else the workbook's `language` setting, else
    the environment's locale, else English."""
    for given in (option, workbook):
        found = language_from_word(given) if given else None
        if found:
            return found
    return environment_language(environ) or DEFAULT_LANGUAGE


def language() -> str:
    """The current language (`kk`, `ru` or `en`)."""
    current = _current.get()
    if current is None:
        return environment_language() or DEFAULT_LANGUAGE
    return current


def set_language(code: str | None) -> Token[str | None]:
    """Make `code` the current language of this context (None: back to the environment's);
    returns the token that `_current.reset` takes. Prefer `using`."""
    if code is not None and code not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {code!r}")
    return _current.set(code)


@contextmanager
def using(code: str | None) -> Iterator[str]:
    """Speak `code` inside the block (None: the current language stays)."""
    token = set_language(code) if code is not None else None
    try:
        yield language()
    finally:
        if token is not None:
            _current.reset(token)


def pinned(build: Callable[P, R]) -> Callable[P, R]:
    """`build` speaking the current language throughout, looked up once: a workbook asks for
    30,000 words, and reading the environment's locale for each one cost a national result
    0.2 s."""

    @functools.wraps(build)
    def speaking(*args: P.args, **kwargs: P.kwargs) -> R:
        with using(language()):
            return build(*args, **kwargs)

    return speaking


@functools.cache
def translations(code: str) -> _gettext.NullTranslations:
    """The catalogue of `code`: the compiled .mo, or the .po compiled in memory when the .mo is
    missing or older (a checkout that was never built); English and a missing catalogue give the
    messages as written."""
    if code == DEFAULT_LANGUAGE:
        return _gettext.NullTranslations()
    folder = LOCALE_DIR / code / "LC_MESSAGES"
    compiled, source = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if compiled.exists() and (
        not source.exists() or compiled.stat().st_mtime >= source.stat().st_mtime
    ):
        with compiled.open("rb") as stream:
            return _gettext.GNUTranslations(stream)
    if source.exists():
        return _gettext.GNUTranslations(io.BytesIO(compile_catalogue(source)))
    return _gettext.NullTranslations()


def compile_catalogue(source: Path) -> bytes:
    """The .mo bytes of a .po file (Babel), fuzzy entries left out as gettext's msgfmt does."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with source.open("rb") as stream:
        catalogue = read_po(stream, locale=source.parent.parent.name, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    return buffer.getvalue()


def _(message: str) -> str:
    """`message` in the current language."""
    return translations(language()).gettext(message)


def N_(message: str) -> str:
    """Mark `message` for the catalogue; it is translated where it is shown (with `_`)."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark `message` for the catalogue under `context` ("sheet", "header", "setting"); it stays
    English here (the workbook format's key) and is translated where it is written or read."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of `count` in the current language (Russian: one / few / many)."""
    return translations(language()).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """`message` in the current language where `context` (e.g. "sheet") tells it apart."""
    return translations(language()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, count: int) -> str:
    """ngettext with a context."""
    return translations(language()).npgettext(context, singular, plural, count)


def decimal(value: float, decimals: int, *, group: bool = True) -> str:
    """`value` with exactly `decimals` decimals in the current language's notation:
    1234.5 -> `1,234.50` (en), `1 234,50` (ru, kk; the space is a no-break space)."""
    code = language()
    if code == DEFAULT_LANGUAGE:  # CLDR's English is Python's own: the fast path of big tables
        return f"{value:{',' if group else ''}.{max(decimals, 0)}f}"
    # What babel's format_decimal does, with the locale and the pattern parsed once: parsing them
    # for each number was two thirds of the time of a national result page in Russian.
    return _pattern(group, max(decimals, 0)).apply(value, _locale(code), decimal_quantization=True)


@functools.cache
def _locale(code: str) -> Locale:
    from babel.core import Locale

    return Locale.parse(code)


@functools.cache
def _pattern(group: bool, decimals: int) -> NumberPattern:
    from babel.numbers import parse_pattern

    return parse_pattern(("#,##0" if group else "0") + ("." + "0" * decimals if decimals else ""))


def integer(value: int, *, group: bool = True) -> str:
    """A whole number in the current language's notation: `4,780,905` / `4 780 905`."""
    return decimal(value, 0, group=group)


def decimal_example(whole: int = 1250, fraction: int = 5) -> str:
    """A hint of how to type a number in this language: `1250 or 1250.5` (en), `1250 или
    1250,5` (ru): never with a thousands separator, which one locale's Excel reads as a decimal."""
    separator = "," if language() in ("ru", "kk") else "."
    return _("{whole} or {whole}{separator}{fraction}").format(
        whole=whole, separator=separator, fraction=fraction
    )
