"""The scenario workbook format: sheets, columns and settings, shared by the reader and the writers.

One table describes each column once (header, meaning, default, kind), so that the reader, the
template, `write_scenario` and the header comments can never disagree about the format.
`SETTINGS_LIST` is the one list of settings: the Settings sheet's reader, the Scenarios columns,
the template, variants and the reports' Inputs sheet all take the settings from it, and it has
exactly one entry per field of `domain.Settings` (a test checks it).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from planner.domain import CoefficientMode, Objective, SolverName
from planner.i18n import LANGUAGES, N_, NP_, _, pgettext, translations


def normalise_header(text: object) -> str:
    """A sheet, header or setting name as compared: lower case, without spaces and underscores,
    and a Kazakh or Russian name as its English one ("Бөлімше ID" and "ID подразделения" read as
    "unitid"), so that the three languages can be mixed freely in one workbook."""
    if text is None:
        return ""
    key = _normalise_text(str(text))
    return _aliases().get(key, key)


def normalised_headers(texts: Iterable[str]) -> set[str]:
    """normalise_header of each text (the reader looks for column names among every text cell of
    a table: tens of thousands on a national sheet, so the steps are taken here in one loop)."""
    aliases = _aliases()
    dropped = _ASCII_DROPPED
    keys = set()
    for text in texts:
        key = text.lower().translate(dropped) if text.isascii() else _normalise_unicode(text)
        keys.add(aliases.get(key, key))
    return keys


# ASCII characters a name drops: whitespace (as str.isspace has it, \x1c-\x1f included) and "_".
_ASCII_DROPPED = {code: None for code in range(128) if chr(code).isspace() or chr(code) == "_"}


def _normalise_text(text: str) -> str:
    # ASCII text, nearly every cell, in C: NFKC leaves it as it is and casefold is lower there.
    # The reader meets every text cell of a table here (looking for a second header row), tens
    # of thousands of distinct ones on a national sheet, too many for the cache below.
    if text.isascii():
        return text.lower().translate(_ASCII_DROPPED)
    return _normalise_unicode(text)


@functools.lru_cache(maxsize=4096)
def _normalise_unicode(text: str) -> str:
    # Cached: the reader compares the same few dozen header names millions of times. NFKC first,
    # as for ids: a full-width or compatibility spelling of a header is the same header.
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "_\u200b\ufeff")


# Sheet formats whose names are read in every language: this module's, and those of other
# modules of the format (History, Working time, Allowances) through `translated_format`.
_FORMATS: list[SheetFormat] = []
_SETTINGS: list[SettingFormat] = []


def translated_format(sheet: SheetFormat) -> SheetFormat:
    """Read `sheet`'s name and headers in Kazakh and Russian too (their catalogue names)."""
    _FORMATS.append(sheet)
    _aliases.cache_clear()
    return sheet


class AliasConflict(ValueError):
    """Two names of the format translate to one word: the reader could not tell them apart."""


@functools.lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    """Kazakh and Russian name (normalised) -> English key, from the catalogues: what the writers
    put in a workbook (pgettext "sheet", "header", "setting") is what the reader accepts."""
    names: list[tuple[str, str]] = []
    for sheet in _FORMATS:
        names.append(("sheet", sheet.name))
        names += [("header", column.header) for column in sheet.columns]
    names += [("setting", setting.name) for setting in _SETTINGS]
    aliases: dict[str, str] = {}
    english = {_normalise_text(name) for _, name in names}
    for code in LANGUAGES:
        catalogue = translations(code)
        for context, name in names:
            key = _normalise_text(name)
            alias = _normalise_text(catalogue.pgettext(context, name))
            if alias == key:
                continue
            if aliases.get(alias, key) != key or alias in english:
                raise AliasConflict(
                    f"{code}: {name!r} translates to a name already taken: {alias!r}"
                )
            aliases[alias] = key
    return aliases


def _shown(text: str) -> str:
    """A meaning or purpose of the format (marked N_) in the current language."""
    return _(text) if text else ""


def _default_shown(text: str) -> str:
    """A default in words (marked NP_("default", ...)) in the current language; a default that
    is a value as typed ("0", "general", "hours") is not marked and stays as it is."""
    return pgettext("default", text) if text else ""


class _Described:
    """A column or setting of the format, with its meaning and default in English (marked)."""

    meaning: str
    default: str

    @property
    def meaning_text(self) -> str:
        """What the column or setting means, in the current language."""
        return _shown(self.meaning)

    @property
    def default_text(self) -> str:
        """What a blank cell (or no setting) means, in words, in the current language."""
        return _default_shown(self.default)


class Kind(StrEnum):
    """What a cell of a column holds; decides how it is parsed and what the message says."""

    ID = "id"  # an identifier: text, or a whole number read as its text ("1")
    TEXT = "text"
    WHOLE = "whole"  # whole number >= 0
    NUMBER = "number"  # number >= 0
    POSITIVE = "positive"  # number > 0
    SHARE = "share"  # number in 0..1, "62.6%" text accepted
    YES_NO = "yes/no"
    CHOICE = "choice"  # one of a fixed list of words
    LIST = "list"  # a `;`-separated list or mini-language, parsed by the sheet's reader

    @property
    def text(self) -> str:
        """What the cells hold, in the current language (the template's Values column)."""
        if self is Kind.YES_NO:
            return f"{_('yes')}/{_('no')}"
        return _(_KIND_WORDS[self])


_KIND_WORDS = {
    Kind.ID: N_("a code"),
    Kind.TEXT: N_("text"),
    Kind.WHOLE: N_("a whole number of 0 or more"),
    Kind.NUMBER: N_("a number of 0 or more"),
    Kind.POSITIVE: N_("a number above 0"),
    Kind.SHARE: N_("a share from 0 to 1"),
    Kind.CHOICE: N_("one of the listed words"),
    Kind.LIST: N_("a list separated by ;"),
}


@dataclass(frozen=True)
class Column(_Described):
    """One column of a sheet: its header as written, what it means, and how its cells are read."""

    header: str
    kind: Kind
    meaning: str  # in English, marked N_; `meaning_text` is what a person reads
    default: str  # in words, for comments and the Instructions sheet (NP_ "default")
    required: bool = False  # a blank cell is an error
    width: int = 14
    field: str = ""  # the domain field it fills, when different from the normalised header

    @property
    def label(self) -> str:
        """The header in the current language, as messages name the column."""
        return pgettext("header", self.header)

    @functools.cached_property
    def key(self) -> str:
        # cached_property writes to the instance __dict__, which a frozen dataclass allows.
        return _normalise_text(self.header)  # the English key


@dataclass(frozen=True)
class SheetFormat:
    """One sheet: its name and columns, in the order the writers use."""

    name: str
    columns: tuple[Column, ...]
    required: bool
    purpose: str  # in English, marked N_

    @property
    def key(self) -> str:
        return _normalise_text(self.name)  # the English key

    @property
    def purpose_text(self) -> str:
        """What the sheet is for, in the current language."""
        return _shown(self.purpose)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


UNITS = SheetFormat(
    name=NP_("sheet", "Units"),
    required=True,
    purpose=N_("One row per organisational unit (department, district): its limits and headcount."),
    columns=(
        Column(
            NP_("header", "Unit ID"),
            Kind.ID,
            N_("Unique code of the unit"),
            NP_("default", "required"),
            required=True,
        ),
        Column(
            NP_("header", "Name"),
            Kind.TEXT,
            N_("Display name"),
            NP_("default", "the Unit ID"),
            width=36,
        ),
        Column(
            NP_("header", "Name (kk)"),
            Kind.TEXT,
            N_("Name in Kazakh, shown when the language is kk"),
            NP_("default", "the Name"),
            width=36,
        ),
        Column(
            NP_("header", "Name (ru)"),
            Kind.TEXT,
            N_("Name in Russian, shown when the language is ru"),
            NP_("default", "the Name"),
            width=36,
        ),
        Column(
            NP_("header", "Level"),
            Kind.TEXT,
            N_("Kind of unit, e.g. district or department"),
            NP_("default", "blank"),
        ),
        Column(
            NP_("header", "Parent"),
            Kind.ID,
            N_("Unit ID of the unit this one sits inside"),
            NP_("default", "blank (none)"),
        ),
        Column(
            NP_("header", "Group"),
            Kind.ID,
            N_("Pool inside which staff and services may move"),
            NP_("default", "all"),
        ),
        Column(
            NP_("header", "Employees"),
            Kind.WHOLE,
            N_("Current headcount, whole number of 0 or more (ignored when a Staff sheet exists)"),
            NP_("default", "required when there is no Staff sheet"),
        ),
        Column(
            NP_("header", "Min employees"),
            Kind.WHOLE,
            N_("Fewest employees the unit may keep"),
            "0",
        ),
        Column(
            NP_("header", "Max employees"),
            Kind.WHOLE,
            N_("Most employees the unit may have"),
            NP_("default", "no cap"),
        ),
        Column(
            NP_("header", "Max moves"),
            Kind.WHOLE,
            N_("Most employees that may leave or join the unit"),
            NP_("default", "no cap"),
        ),
        Column(
            NP_("header", "Locked"),
            Kind.YES_NO,
            N_("yes: no staff moves in or out of this unit"),
            NP_("default", "no"),
        ),
        Column(
            NP_("header", "Service share"),
            Kind.SHARE,
            N_("Share (0-1) of staff time that goes to citizen services"),
            "1",
        ),
        Column(
            NP_("header", "Hours per FTE"),
            Kind.POSITIVE,
            N_("Available working hours per employee per year (hours mode)"),
            NP_("default", "the Settings value 'hours per fte'"),
        ),
    ),
)

STAFF = SheetFormat(
    name=NP_("sheet", "Staff"),
    required=False,
    purpose=N_(
        "Optional. Current headcount by skill; without it every employee has skill 'general'."
    ),
    columns=(
        Column(
            NP_("header", "Unit ID"),
            Kind.ID,
            N_("Unit ID of a row of the Units sheet"),
            NP_("default", "required"),
            required=True,
        ),
        Column(NP_("header", "Skill"), Kind.ID, N_("Skill of these employees"), "general"),
        Column(
            NP_("header", "Employees"),
            Kind.WHOLE,
            N_("Headcount of this skill in this unit"),
            NP_("default", "required"),
            required=True,
        ),
    ),
)

SERVICES = SheetFormat(
    name=NP_("sheet", "Services"),
    required=True,
    purpose=N_("One row per public service and the unit that delivers it now."),
    columns=(
        Column(
            NP_("header", "Service ID"),
            Kind.ID,
            N_("Unique code of the service"),
            NP_("default", "required"),
            required=True,
        ),
        Column(
            NP_("header", "Name"), Kind.TEXT, N_("Display name"), NP_("default", "blank"), width=36
        ),
        Column(
            NP_("header", "Unit ID"),
            Kind.ID,
            N_("Unit that delivers the service now"),
            NP_("default", "required"),
            required=True,
        ),
        Column(
            NP_("header", "Skill"),
            Kind.ID,
            N_("Skill needed to deliver the service"),
            "general",
        ),
        Column(NP_("header", "Volume"), Kind.NUMBER, N_("Transactions per year"), "1"),
        Column(
            NP_("header", "Minutes"),
            Kind.NUMBER,
            N_("Staff minutes per transaction"),
            NP_("default", "required in hours mode"),
        ),
        Column(
            NP_("header", "Digital share"),
            Kind.SHARE,
            N_("Share (0-1) handled with no staff time"),
            "0",
        ),
        Column(
            NP_("header", "Movable"),
            Kind.YES_NO,
            N_("yes: the service may move to another unit"),
            NP_("default", "no"),
        ),
        Column(
            NP_("header", "Eligible units"),
            Kind.LIST,
            N_("Unit IDs that may deliver it, separated by ;"),
            NP_("default", "any unit of the same group"),
            width=24,
        ),
        Column(
            NP_("header", "Volume low"),
            Kind.NUMBER,
            N_(
                "P10 of the yearly volume, for Monte Carlo (solve --samples): 1 year in 10 below it"
            ),
            NP_("default", "blank (the volume is certain)"),
        ),
        Column(
            NP_("header", "Volume high"),
            Kind.NUMBER,
            N_(
                "P90 of the yearly volume, for Monte Carlo (solve --samples): 1 year in 10 above it"
            ),
            NP_("default", "blank (the volume is certain)"),
        ),
        Column(
            NP_("header", "Minutes low"),
            Kind.NUMBER,
            N_("P10 of Minutes, for Monte Carlo"),
            NP_("default", "blank (certain)"),
        ),
        Column(
            NP_("header", "Minutes high"),
            Kind.NUMBER,
            N_("P90 of Minutes, for Monte Carlo"),
            NP_("default", "blank (certain)"),
        ),
        Column(
            NP_("header", "Digital share low"),
            Kind.SHARE,
            N_("P10 of Digital share, for Monte Carlo"),
            NP_("default", "blank (certain)"),
        ),
        Column(
            NP_("header", "Digital share high"),
            Kind.SHARE,
            N_("P90 of Digital share, for Monte Carlo"),
            NP_("default", "blank (certain)"),
        ),
    ),
)


@dataclass(frozen=True)
class SettingFormat(_Described):
    """One setting of the Settings sheet (and a column of the Scenarios sheet)."""

    name: str  # as written in the Settings sheet
    field: str  # the Settings dataclass field
    kind: Kind
    meaning: str
    default: str
    choices: tuple[str, ...] = ()
    optional: bool = False  # "none" (no cap, no limit) is a value, so that a variant can lift a cap
    value_type: Callable[[Any], Any] | None = None  # turns the parsed cell into the field's type

    @property
    def key(self) -> str:
        return _normalise_text(self.name)  # the English key

    @property
    def header(self) -> str:
        """The column header used for this setting in the Scenarios sheet."""
        return self.name[0].upper() + self.name[1:]


SETTINGS_LIST: tuple[SettingFormat, ...] = (
    SettingFormat(
        NP_("setting", "coefficient"),
        "coefficient",
        Kind.CHOICE,
        N_("count: services per employee; hours: staff hours needed / hours available"),
        "count",
        tuple(m.value for m in CoefficientMode),
        value_type=CoefficientMode,
    ),
    SettingFormat(
        NP_("setting", "objective"),
        "objective",
        Kind.CHOICE,
        N_(
            "minmax: lowest highest coefficient; leximax: that, then the next highest, level by "
            "level; balance: smallest total deviation from the mean"
        ),
        "minmax",
        tuple(o.value for o in Objective),
        value_type=Objective,
    ),
    SettingFormat(
        NP_("setting", "allow staff moves"),
        "allow_staff_moves",
        Kind.YES_NO,
        N_("Staff may move"),
        NP_("default", "yes"),
    ),
    SettingFormat(
        NP_("setting", "allow service moves"),
        "allow_service_moves",
        Kind.YES_NO,
        N_("Services may move"),
        NP_("default", "yes"),
    ),
    SettingFormat(
        NP_("setting", "max staff moves"),
        "max_staff_moves",
        Kind.WHOLE,
        N_("Most staff moves per group"),
        NP_("default", "no cap"),
        optional=True,
    ),
    SettingFormat(
        NP_("setting", "max service moves"),
        "max_service_moves",
        Kind.WHOLE,
        N_("Most service moves per group"),
        NP_("default", "no cap"),
        optional=True,
    ),
    SettingFormat(
        NP_("setting", "time limit"),
        "time_limit",
        Kind.POSITIVE,
        N_("Seconds for each group's whole search (all its solver calls together)"),
        NP_("default", "none"),
        optional=True,
        value_type=float,
    ),
    SettingFormat(
        NP_("setting", "mip gap"),
        "mip_gap",
        Kind.SHARE,
        N_("Relative gap (0-1) at which the solver may stop"),
        NP_("default", "0 (prove the plan optimal)"),
        optional=True,
        value_type=float,
    ),
    SettingFormat(
        NP_("setting", "split services"),
        "split_services",
        Kind.YES_NO,
        N_("yes: a service's volume may be shared between units"),
        NP_("default", "no"),
    ),
    SettingFormat(
        NP_("setting", "solver"),
        "solver",
        Kind.CHOICE,
        N_("Solver to use"),
        "highs",
        tuple(s.value for s in SolverName),
        value_type=SolverName,
    ),
    SettingFormat(
        NP_("setting", "hours per fte"),
        "hours_per_fte",
        Kind.POSITIVE,
        N_("Default Hours per FTE for units that leave it blank"),
        NP_("default", "none"),
        optional=True,
        value_type=float,
    ),
    SettingFormat(
        NP_("setting", "overload margin"),
        "overload_margin",
        Kind.NUMBER,
        N_("Flag units above group mean x (1 + margin)"),
        "0.10",
        value_type=float,
    ),
    SettingFormat(
        NP_("setting", "keep staff share"),
        "keep_staff_share",
        Kind.SHARE,
        N_(
            "Least share (0-1) of each unit's staff a plan keeps, with one employee of each skill "
            "its services need; 0 allows a plan to empty a unit"
        ),
        "0.25",
        value_type=float,
    ),
    SettingFormat(
        NP_("setting", "samples"),
        "samples",
        Kind.WHOLE,
        N_("Monte Carlo samples of the volumes for 'planner solve' (Uncertainty sheet)"),
        NP_("default", "none"),
        optional=True,
        value_type=int,
    ),
    SettingFormat(
        NP_("setting", "longest transfer"),
        "longest_transfer",
        Kind.POSITIVE,
        N_(
            "Longest transfer allowed, in the measure of the Distances sheet (km or minutes); with "
            "a Distances sheet a transfer between units with no distance is not allowed"
        ),
        NP_("default", "no limit"),
        optional=True,
        value_type=float,
    ),
    SettingFormat(
        NP_("setting", "wisn target"),
        "wisn_target",
        Kind.POSITIVE,
        N_(
            "Coefficient wisn: the smallest WISN ratio every cell should reach (1 = staffing matches "
            "the workload); 'planner solve' then also finds the fewest new hires that reach it"
        ),
        NP_("default", "none"),
        optional=True,
        value_type=float,
    ),
    SettingFormat(
        NP_("setting", "language"),
        "language",
        Kind.CHOICE,
        N_(
            "Language of messages and results: kk (Қазақша), ru (Русский) or en (English); the "
            "command's --lang wins"
        ),
        NP_("default", "the computer's language"),
        LANGUAGES,
        optional=True,
    ),
)
_SETTINGS.extend(SETTINGS_LIST)
_aliases.cache_clear()
SETTINGS_BY_KEY = {s.key: s for s in SETTINGS_LIST}
SETTINGS_BY_FIELD = {s.field: s for s in SETTINGS_LIST}
# Settings of the whole workbook, not of a variant (no Scenarios column).
WORKBOOK_ONLY_SETTINGS = frozenset({"language"})

# Settings whose value may be "none" (no cap / no limit), so that a variant can lift a base cap.
OPTIONAL_SETTING_FIELDS = frozenset(s.field for s in SETTINGS_LIST if s.optional)
NONE_WORDS = frozenset({"none", "no cap", "nocap", "no limit", "unlimited", "нет", "без ограничений",
                        "без ограничения", "жоқ", "шексіз", "шектеусіз"})  # fmt: skip

SETTINGS = SheetFormat(
    name=NP_("sheet", "Settings"),
    required=False,
    purpose=N_("Optional. Two columns: Setting and Value. Leave a value blank for its default."),
    columns=(
        Column(
            NP_("header", "Setting"),
            Kind.TEXT,
            N_("Name of the setting"),
            NP_("default", "required"),
            required=True,
            width=22,
        ),
        Column(
            NP_("header", "Value"),
            Kind.TEXT,
            N_("Its value"),
            NP_("default", "the default of the setting"),
            width=16,
        ),
    ),
)

SCENARIOS = SheetFormat(
    name=NP_("sheet", "Scenarios"),
    required=False,
    purpose=(
        N_(
            "Optional. Named variants compared by 'planner compare', one per row: a blank cell "
            "inherits the Settings value."
        )
    ),
    columns=(
        Column(
            NP_("header", "Name"),
            Kind.TEXT,
            N_("Unique name of the variant ('baseline' is reserved)"),
            NP_("default", "required"),
            required=True,
            width=18,
        ),
        Column(
            NP_("header", "Description"),
            Kind.TEXT,
            N_("What the variant tries"),
            NP_("default", "blank"),
            width=30,
        ),
        *(
            Column(s.header, s.kind, s.meaning, NP_("default", "inherits Settings"), field=s.field)
            for s in SETTINGS_LIST
            if s.field not in WORKBOOK_ONLY_SETTINGS
        ),
        Column(
            NP_("header", "New hires"),
            Kind.LIST,
            N_("Headcount added from outside: unit[:skill]=count; ... e.g. D05=10; D07:legal=2"),
            NP_("default", "none"),
            width=22,
        ),
        Column(
            NP_("header", "Volume scale"),
            Kind.LIST,
            N_("Multiply Volume: target=factor; ... target is a Service ID, skill:<skill> or *"),
            NP_("default", "none"),
            width=22,
        ),
        Column(
            NP_("header", "Digital share"),
            Kind.LIST,
            N_("Set Digital share: target=share; ... target as for Volume scale"),
            NP_("default", "none"),
            width=22,
        ),
        Column(
            NP_("header", "Lock units"),
            Kind.LIST,
            N_("Unit IDs to lock, separated by ;"),
            NP_("default", "none"),
            width=18,
        ),
    ),
)

ASSUMPTIONS_HEADERS = (NP_("header", "Assumption"), NP_("header", "Value"), NP_("header", "Basis"))

# The languages of the Units sheet's optional name columns `Name (kk)` and `Name (ru)`.
UNIT_NAME_LANGUAGES = ("kk", "ru")

# Sheets in the order the writers create them.
SHEETS: tuple[SheetFormat, ...] = (UNITS, STAFF, SERVICES, SETTINGS, SCENARIOS)
_FORMATS.extend(SHEETS)
_aliases.cache_clear()

# In English, Russian and Kazakh (with the spellings typed on a keyboard without Kazakh letters),
# and the text of Excel's own TRUE/FALSE in Russian and Kazakh Excel.
YES_WORDS = frozenset({"yes", "y", "true", "1", "да", "д", "истина", "иә", "ия", "иа", "ақиқат"})
NO_WORDS = frozenset({"no", "n", "false", "0", "нет", "н", "ложь", "жоқ", "жок", "жалған"})

# Words of a choice setting in Russian and Kazakh -> the English word the settings hold.
CHOICE_ALIASES: dict[str, str] = {
    "количество": "count", "число": "count", "саны": "count", "сан": "count",
    "часы": "hours", "час": "hours", "сағат": "hours", "сағаттар": "hours",
    "баланс": "balance", "теңгерім": "balance",
}  # fmt: skip
