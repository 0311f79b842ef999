"""The parts of an .xlsx read as its format says, with a bare expat parser that refuses DTDs.

A scenario workbook is read cell by cell from the sheet XML itself rather than through
openpyxl's reader, so that nothing is guessed (issue 12):
- the workbook's sheets, their visibility and kind (worksheet, chart, dialog, Excel 4 macro
  sheet) come from xl/workbook.xml and its relationships; a Strict Open XML workbook is named;
- a `<v>` is read by the OOXML rules of its cell type: a number by the xsd:double grammar (no
  `1_0`, `0x10` or `NaN`), a shared string by an index inside the table, a boolean 0 or 1, a
  date in ISO 8601; anything else is a bad cell, reported with its coordinate;
- hidden rows (hidden, or zero height) and hidden columns (hidden, or zero width) are noted;
- cell styles and shared strings are read up to a bound, so a file with millions of them is
  refused quickly instead of filling memory;
- every column is read (no column limit that drops a header), kept sparse.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NoReturn, cast
from xml.parsers import expat

from defusedxml.common import DefusedXmlException

from planner.i18n import N_, _, integer
from planner.xlsx.numfmt import (
    BUILTIN_FORMATS,
    MAC_EPOCH,
    WINDOWS_EPOCH,
    from_excel,
    is_date_format,
    is_timedelta_format,
)

# Characters trimmed around every text cell: Python whitespace (which covers the no-break
# spaces U+00A0 and U+202F) plus the zero-width space and byte-order mark that copy-paste leaves.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def clean_text(value: str) -> str:
    """Text with surrounding spaces (including no-break and zero-width ones) removed."""
    return value.strip().strip(_INVISIBLE).strip()


def is_blank(value: object) -> bool:
    """True for an empty cell or one holding only spaces."""
    return value is None or (isinstance(value, str) and clean_text(value) == "")


MAX_STYLES = 64_000  # cell formats: Excel's own limit for one workbook
MAX_SHARED_STRINGS = 1_000_000  # a scenario of 100,000 rows needs a few hundred thousand
MAX_COLUMN = 16_384  # XFD, the last column Excel has
MAX_ROW = 1_048_576

STRICT_NAMESPACE = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_REL_KINDS = {
    "worksheet": "worksheet",
    "chartsheet": "chart sheet",
    "dialogsheet": "dialog sheet",
    "macrosheet": "Excel 4 macro sheet",
    "xlMacrosheet": "Excel 4 macro sheet",
    "xlIntlMacrosheet": "Excel 4 macro sheet",
    "intlMacrosheet": "Excel 4 macro sheet",
}
# xsd:double as OOXML writes numbers in <v>; INF and NaN are legal there but are not numbers a
# scenario can hold, so they are refused by name.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([1-9]\d{0,6})")
_WHOLE = re.compile(r"\d{1,10}")
_ASCII_DIGITS = "0123456789"


class PartError(Exception):
    """A part of the file breaks the format so that it cannot be read at all; `reason` says how."""

    def __init__(self, reason: str, *, too_large: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.too_large = too_large  # beyond a bound (styles, shared strings), not damaged


def _forbidden(*_: object) -> NoReturn:
    raise DefusedXmlException("DTD or entity declaration in an XML part")


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _parser(
    start: Callable[[str, dict[str, str]], None] | None,
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> expat.XMLParserType:
    """An expat parser without namespace processing that refuses DTDs and entities."""
    parser = expat.ParserCreate()
    if start is not None:
        parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = _forbidden
    parser.EntityDeclHandler = _forbidden
    parser.UnparsedEntityDeclHandler = _forbidden
    parser.ExternalEntityRefHandler = _forbidden
    parser.buffer_text = True
    return parser


def _parse(archive: zipfile.ZipFile, member: str, parser: expat.XMLParserType) -> None:
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


class _Stop(Exception):
    """Raised from a handler to stop parsing early (a bound was reached)."""


def column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


_LETTERS: dict[int, str] = {}  # column number -> letters, filled as columns are met


def column_letters(number: int) -> str:
    """The letters of a column number (1 -> A, 28 -> AB); "" for 0."""
    letters = _LETTERS.get(number)
    if letters is None:
        letters, rest_of = "", number
        while rest_of:
            rest_of, rest = divmod(rest_of - 1, 26)
            letters = chr(65 + rest) + letters
        if 0 < number <= MAX_COLUMN:  # a bounded cache: every message names cells by these
            _LETTERS[number] = letters
    return letters


# A reference as openpyxl's range_boundaries accepts it: A1, $A$1, A1:B2, A:B, 1:2 (tests hold the
# two equal on what a hostile sheet may carry).
_RANGE = re.compile(
    r"[$]?(?P<min_col>[A-Za-z]{1,3})?[$]?(?P<min_row>\d+)?"
    r"(?P<sep>:[$]?(?P<max_col>[A-Za-z]{1,3})?[$]?(?P<max_row>\d+)?)?"
)
_COORDINATE = re.compile(r"[$]?([A-Za-z]{1,3})[$]?(\d+)")


def range_last_row(reference: str) -> int | None:
    """The last row a range such as B3:B5 covers (None for whole columns such as A:B); raises
    ValueError for text that is not a range."""
    match = _RANGE.fullmatch(reference)
    if match is None:
        raise ValueError(f"{reference} is not a valid coordinate or range")
    min_col, min_row, sep, max_col, max_row = match.group(
        "min_col", "min_row", "sep", "max_col", "max_row"
    )
    if sep:
        columns, rows = (min_col, max_col), (min_row, max_row)
        if not (
            all(columns + rows)
            or (all(columns) and not any(rows))
            or (all(rows) and not any(columns))
        ):
            raise ValueError(f"{reference} is not a valid coordinate or range")
    last = max_row if max_row is not None else min_row
    return int(last) if last is not None else None


def row_of(coordinate: str) -> int:
    """The row number of a cell coordinate such as E7 or $E$7; raises ValueError otherwise."""
    match = _COORDINATE.fullmatch(coordinate)
    if match is None or not int(match[2]):
        raise ValueError(f"Invalid cell coordinates ({coordinate})")
    return int(match[2])


# --- the workbook: sheets and their parts --------------------------------------------------


@dataclass(frozen=True)
class SheetEntry:
    title: str
    state: str  # visible, hidden or veryHidden
    kind: str  # worksheet, chart sheet, dialog sheet, Excel 4 macro sheet
    part: str  # zip member, e.g. xl/worksheets/sheet1.xml ("" when the relationship is missing)


@dataclass(frozen=True)
class WorkbookParts:
    sheets: tuple[SheetEntry, ...]
    date1904: bool
    shared_strings: str | None
    styles: str | None
    auto_open: bool  # a defined name Auto_Open (an Excel 4 macro that would run on opening)


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type's last word, target member) of a part."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    found: dict[str, tuple[str, str]] = {}
    if rels not in archive.NameToInfo:
        return found

    def start(tag: str, attributes: dict[str, str]) -> None:
        if _local(tag) == "Relationship" and attributes.get("TargetMode") != "External":
            target = attributes.get("Target", "")
            member = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            kind = attributes.get("Type", "").rsplit("/", 1)[-1]
            found[attributes.get("Id", "")] = (kind, member)

    _parse(archive, rels, _parser(start))
    return found


def read_workbook(archive: zipfile.ZipFile) -> WorkbookParts:
    """The workbook part's sheets (in order), date system and the parts cells refer to."""
    root = _relationships(archive, "")
    workbook_part = next((m for k, m in root.values() if k == "officeDocument"), "xl/workbook.xml")
    if workbook_part not in archive.NameToInfo:
        raise PartError(_("the workbook part {part} is missing").format(part=workbook_part))
    sheets: list[tuple[str, str, str]] = []  # title, state, relationship id
    state = {"date1904": False, "auto_open": False, "strict": False, "in_name": False}

    def start(tag: str, attributes: dict[str, str]) -> None:
        local = _local(tag)
        if local == "workbook":
            state["strict"] = any(value == STRICT_NAMESPACE for value in attributes.values())
        elif local == "sheet":
            rid = next((v for k, v in attributes.items() if _local(k) == "id"), "")
            sheets.append((attributes.get("name", ""), attributes.get("state", "visible"), rid))
        elif local == "workbookPr":
            state["date1904"] = attributes.get("date1904", "0").lower() in ("1", "true")
        elif local == "definedName":
            name = attributes.get("name", "").casefold()
            if name in ("auto_open", "_xlnm.auto_open") or name.startswith("auto_open"):
                state["auto_open"] = True

    _parse(archive, workbook_part, _parser(start))
    if state["strict"]:
        raise PartError(
            _(
                "the workbook is saved as Strict Open XML, which planner does not read: save it "
                "as Excel Workbook (.xlsx)"
            )
        )
    rels = _relationships(archive, workbook_part)
    entries = []
    for title, sheet_state, rid in sheets:
        kind, member = rels.get(rid, ("worksheet", ""))
        entries.append(SheetEntry(title, sheet_state, _REL_KINDS.get(kind, kind), member))
    parts = {kind: member for kind, member in rels.values()}
    return WorkbookParts(
        tuple(entries),
        bool(state["date1904"]),
        parts.get("sharedStrings"),
        parts.get("styles"),
        bool(state["auto_open"]),
    )


# --- shared strings and styles -------------------------------------------------------------


def read_shared_strings(archive: zipfile.ZipFile, member: str, limit: int) -> list[str]:
    """The shared string table; raises PartError beyond `limit` strings. Phonetic runs (<rPh>)
    are left out, as Excel shows them only on request."""
    strings = _plain_shared_strings(archive, member)
    if strings is None:
        return _expat_shared_strings(archive, member, limit)
    if len(strings) > limit:
        raise _too_many_strings(limit)
    return strings


def _expat_shared_strings(archive: zipfile.ZipFile, member: str, limit: int) -> list[str]:
    """read_shared_strings through expat, for a table in any form."""
    strings: list[str] = []
    current: list[str] = []
    depth = {"rph": 0, "t": False}

    def start(tag: str, attributes: dict[str, str]) -> None:
        local = _local(tag)
        if local == "si":
            current.clear()
        elif local == "rPh":
            depth["rph"] += 1
        elif local == "t":
            depth["t"] = True

    def end(tag: str) -> None:
        local = _local(tag)
        if local == "si":
            if len(strings) >= limit:
                raise _Stop
            strings.append("".join(current))
        elif local == "rPh":
            depth["rph"] -= 1
        elif local == "t":
            depth["t"] = False

    def text(data: str) -> None:
        if depth["t"] and not depth["rph"]:
            current.append(data)

    try:
        _parse(archive, member, _parser(start, end, text))
    except _Stop:
        raise _too_many_strings(limit) from None
    return strings


def _too_many_strings(limit: int) -> PartError:
    return PartError(
        _(
            "the workbook holds more than {most} shared strings; a scenario needs far fewer "
            "(save a copy with only the scenario's sheets)"
        ).format(most=integer(limit)),
        too_large=True,
    )


# A shared string table in the plain form spreadsheet programs write: each string one <t> of
# plain text (no entity, markup, carriage return or ']]>'), the table and its attributes as
# _PLAIN_ROW accepts a row's. Anything else is read by expat.
_PLAIN_SHARED_STRINGS = re.compile(
    r'<sst(?: [A-Za-z][\w:.-]*="[^"<>&\t\n\r]*")*>'
    r'((?:<si><t(?: xml:space="preserve")?>[^<>&\r]*</t></si>)*)</sst>[ \t\r\n]*'
)
_PLAIN_STRING = re.compile(r'<si><t(?: xml:space="preserve")?>([^<>&\r]*)</t></si>')


def _plain_shared_strings(archive: zipfile.ZipFile, member: str) -> list[str] | None:
    """The shared strings of a table in the plain form, None when it is not in it (read by expat
    then). The part's size was bounded when the zip was opened."""
    with archive.open(member) as stream:
        data = stream.read()
    declaration = _XML_DECLARATION.match(data)
    if (
        declaration is None
        or data.find(b"<!") >= 0  # comments, CDATA, DOCTYPE
        or data.find(b"<?", 1) >= 0  # processing instructions
        or len(data.translate(None, _CONTROL_BYTES)) != len(data)
        or any(data.find(character) >= 0 for character in _NOT_XML_CHARACTERS)
    ):
        return None
    try:
        text = data[declaration.end() :].decode("utf-8").lstrip(" \t\r\n")
    except UnicodeDecodeError:
        return None
    table = _PLAIN_SHARED_STRINGS.fullmatch(text)
    if table is None:
        return None
    names = [name for name, _value in _ROW_ATTRIBUTE.findall(text, 0, table.start(1))]
    if len(set(names)) != len(names):  # an attribute written twice: expat's error to give
        return None
    return _PLAIN_STRING.findall(text, table.start(1), table.end(1))


@dataclass(frozen=True)
class Styles:
    """For each cell style index: whether it shows a date (and whether a duration)."""

    dates: frozenset[int] = frozenset()
    durations: frozenset[int] = frozenset()
    count: int = 0
    invisible: frozenset[int] = frozenset()  # formats such as ;;; that show nothing


def read_styles(archive: zipfile.ZipFile, member: str, limit: int) -> Styles:
    custom: dict[int, str] = {}
    formats: list[int] = []
    state = {"xfs": False}

    def start(tag: str, attributes: dict[str, str]) -> None:
        local = _local(tag)
        if local == "numFmt":
            try:
                custom[int(attributes.get("numFmtId", ""))] = attributes.get("formatCode", "")
            except ValueError:
                pass
        elif local == "cellXfs":
            state["xfs"] = True
        elif local == "xf" and state["xfs"]:
            if len(formats) >= limit:
                raise _Stop
            try:
                formats.append(int(attributes.get("numFmtId", "0")))
            except ValueError:
                formats.append(0)

    def end(tag: str) -> None:
        if _local(tag) == "cellXfs":
            state["xfs"] = False

    try:
        _parse(archive, member, _parser(start, end))
    except _Stop:
        raise PartError(
            _("the workbook defines more than {most} cell formats, more than Excel allows").format(
                most=integer(limit)
            ),
            too_large=True,
        ) from None
    dates, durations, invisible = set(), set(), set()
    for index, number_format in enumerate(formats):
        code = custom.get(number_format, BUILTIN_FORMATS.get(number_format))
        if code and ";" in code and not code.replace(";", "").strip():
            invisible.add(index)
        if is_date_format(code):
            dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
    return Styles(frozenset(dates), frozenset(durations), len(formats), frozenset(invisible))


# --- one worksheet -------------------------------------------------------------------------


@dataclass
class SheetCells:
    """What a worksheet's XML holds, read within the bounds given."""

    rows: list[tuple[int, dict[int, tuple[object, str]]]] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    formulas_without_value: set[str] = field(default_factory=set)
    hidden_rows: set[int] = field(default_factory=set)  # hidden rows that hold a value
    hidden_columns: list[tuple[int, int]] = field(default_factory=list)  # (first, last) ranges
    invisible_cells: dict[int, list[int]] = field(default_factory=dict)  # row -> columns (;;;)
    bad_cells: list[tuple[str, str]] = field(default_factory=list)  # (coordinate, why)
    content_below: int | None = None
    too_many_rows: bool = False


class _SheetReader:
    """Expat handlers building the non-blank rows of a sheet as {column: (value, type)}.

    Types as openpyxl names them: n (number), s (text), b (boolean), d (date or duration), e
    (error), and f for a formula whose result was never saved.
    """

    def __init__(
        self,
        strings: Callable[[], list[str]],
        styles: Styles,
        date1904: bool,
        max_rows: int,
        max_blank_run: int,
    ) -> None:
        self.out = SheetCells()
        self._strings = strings
        self._styles = styles
        self._epoch = MAC_EPOCH if date1904 else WINDOWS_EPOCH
        self._max_rows = max_rows
        self._max_blank_run = max_blank_run
        self._tags: dict[str, str] = {}
        self._row = 0
        self._row_hidden = False
        self._cells: dict[int, tuple[object, str]] = {}
        self._seen_rows: set[int] = set()
        self._last_content_row = 0
        self._stopped = False
        self._column = 0
        self._cell: tuple[str, str, int] | None = None  # reference, type, style
        self._has_formula = False
        self._value: list[str] | None = None  # text of <v>, or None when there is no <v>
        self._inline: list[str] | None = None
        self._in_v = self._in_t = False
        self._rph = 0
        self._row_text: str | None = None  # the row's number as a reference writes it
        self._columns: dict[str, int] = {}  # column letters checked valid -> column number
        self._style_numbers: dict[str, int] = {}  # an s attribute -> its style index

    # -- handlers --
    def start(self, name: str, attributes: dict[str, str]) -> None:
        tag = self._tags.get(name)
        if tag is None:
            tag = self._tags[name] = _local(name)
        if tag == "c":
            self._start_cell(attributes)
        elif tag == "v":
            self._in_v = True
            if self._value is None:
                self._value = []
        elif tag == "f":
            self._has_formula = True
        elif tag == "is":
            self._inline = []
        elif tag == "t":
            self._in_t = True
        elif tag == "rPh":
            self._rph += 1
        elif tag == "row":
            self._start_row(attributes)
        elif tag == "col":
            self._column_range(attributes)
        elif tag == "mergeCell" and attributes.get("ref"):
            self.out.merged.append(attributes["ref"])

    def end(self, name: str) -> None:
        tag = self._tags.get(name) or _local(name)
        if tag == "c":
            self._end_cell()
        elif tag == "v":
            self._in_v = False
        elif tag == "t":
            self._in_t = False
        elif tag == "rPh":
            self._rph -= 1
        elif tag == "row":
            self._end_row()

    def text(self, data: str) -> None:
        if self._in_v and self._value is not None:
            self._value.append(data)
        elif self._in_t and self._inline is not None and not self._rph:
            self._inline.append(data)

    # -- rows and columns --
    def _start_row(self, attributes: dict[str, str]) -> None:
        self._end_row()
        number = attributes.get("r")
        if number is None:
            self._row += 1
        elif _WHOLE.fullmatch(number) and 0 < int(number) <= MAX_ROW:
            self._row = int(number)
        else:
            self.out.bad_cells.append(
                ("", _("the row number {number!r} is not valid").format(number=number))
            )
            self._row += 1
        self._column = 0
        self._row_text = str(self._row) if self._row > 0 else None
        hidden = attributes.get("hidden", "0").lower() in ("1", "true")
        height = attributes.get("ht")
        custom = attributes.get("customHeight", "0").lower() in ("1", "true")
        self._row_hidden = hidden or (custom and height is not None and _is_zero(height))

    def _end_row(self) -> None:
        if not self._cells:
            return
        cells, self._cells = self._cells, {}
        row = self._row
        if self._stopped:
            return
        if row in self._seen_rows:
            self.out.bad_cells.append(
                ("", _("row {row} is written twice in the file").format(row=row))
            )
            return
        self._seen_rows.add(row)
        if self._last_content_row and row - self._last_content_row > self._max_blank_run:
            self.out.content_below = row
            self._stopped = True
            return
        if len(self.out.rows) >= self._max_rows:
            self.out.too_many_rows = True
            self._stopped = True
            return
        self._last_content_row = row
        if self._row_hidden:
            self.out.hidden_rows.add(row)
        self.out.rows.append((row, cells))

    def _column_range(self, attributes: dict[str, str]) -> None:
        hidden = attributes.get("hidden", "0").lower() in ("1", "true")
        width = attributes.get("width")
        custom = attributes.get("customWidth", "0").lower() in ("1", "true")
        if not (hidden or (custom and width is not None and _is_zero(width))):
            return
        try:
            first, last = int(attributes.get("min", "")), int(attributes.get("max", ""))
        except ValueError:
            return
        self.out.hidden_columns.append((max(first, 1), min(last, MAX_COLUMN)))

    # -- cells --
    def _start_cell(self, attributes: dict[str, str]) -> None:
        reference = attributes.get("r")
        if reference is None:
            column = self._column + 1
            reference = f"{column_letters(column)}{self._row}"
        else:
            # The common case without a regex: the row's own number after letters already seen
            # valid in this sheet (the cache holds only letters the full check accepted).
            letters = reference.rstrip(_ASCII_DIGITS)
            column = (
                self._columns.get(letters, 0) if reference[len(letters) :] == self._row_text else 0
            )
            if not column:
                match = _CELL_REFERENCE.fullmatch(reference)
                column = column_number(match[1]) if match else 0
                if match is None or column > MAX_COLUMN or int(match[2]) != self._row:
                    self.out.bad_cells.append(
                        (
                            "",
                            _("the cell reference {reference!r} is not valid in row {row}").format(
                                reference=reference, row=self._row
                            ),
                        )
                    )
                    column = 0
                else:
                    self._columns[match[1]] = column
        self._column = column
        style_text = attributes.get("s", "0")
        style = self._style_numbers.get(style_text)
        if style is None:
            try:
                style = int(style_text)
            except ValueError:
                style = 0
            self._style_numbers[style_text] = style
        self._cell = (reference, attributes.get("t", "n"), style) if column else None
        self._has_formula = False
        self._value = None
        self._inline = None

    def _end_cell(self) -> None:
        if self._cell is None:
            return
        reference, kind, style = self._cell
        self._cell = None
        text = None if self._value is None else "".join(self._value)
        entry = self._entry(reference, kind, text, style)
        if entry is not None:
            self._store(reference, entry, style)

    def _entry(
        self, reference: str, kind: str, text: str | None, style: int
    ) -> tuple[object, str] | None:
        """The cell's (value, type), or None for a blank cell without a formula."""
        try:
            entry = self._typed(kind, text, style)
        except _BadValue as bad:
            self.out.bad_cells.append((reference, bad.reason))
            return (None, "x")  # kept, so that the cell is not taken for a blank one
        value = None if entry is None else entry[0]
        if entry is None or (
            value is None or (isinstance(value, str) and clean_text(value) == "")
        ):  # is_blank, inline: half a million calls on a national workbook
            if self._has_formula:
                self.out.formulas_without_value.add(reference)
                return (None, "f")
            return None
        return entry

    def _store(self, reference: str, entry: tuple[object, str], style: int) -> None:
        if self._column in self._cells:
            self.out.bad_cells.append(
                (
                    reference,
                    _("cell {reference} is written twice in the file").format(reference=reference),
                )
            )
            return
        self._cells[self._column] = entry
        if style in self._styles.invisible and entry[0] is not None:
            self.out.invisible_cells.setdefault(self._row, []).append(self._column)

    def _typed(self, kind: str, text: str | None, style: int) -> tuple[object, str] | None:
        if kind == "inlineStr":
            value = "".join(self._inline) if self._inline is not None else text
            return None if not value else (value, "s")
        if text is None or text == "":
            return None
        if kind in ("n", "s", "b"):
            text = text.strip()  # the format's numbers and indexes allow surrounding whitespace
        if kind == "n":
            if not _NUMBER.fullmatch(text):
                if text.strip().casefold() in ("nan", "inf", "-inf", "+inf"):
                    raise _BadValue(N_("the cell holds {text!r}, which is not a number"), text=text)
                raise _BadValue(
                    N_("the cell's stored number {text!r} is not a number in the file format"),
                    text=text,
                )
            number: int | float = (
                float(text) if ("." in text or "e" in text or "E" in text) else int(text)
            )
            if isinstance(number, float) and number in (float("inf"), float("-inf")):
                raise _BadValue(
                    N_("the cell's stored number {text!r} is too large for a number"), text=text
                )
            if style in self._styles.dates:
                try:
                    return (
                        from_excel(number, self._epoch, timedelta=style in self._styles.durations),
                        "d",
                    )
                except (OverflowError, ValueError):
                    raise _BadValue(
                        N_(
                            "the cell is formatted as a date but {text!r} is outside the dates "
                            "Excel can show"
                        ),
                        text=text,
                    ) from None
            return (number, "n")
        if kind == "s":
            strings = self._strings()
            if not _WHOLE.fullmatch(text) or int(text) >= len(strings):
                raise _BadValue(
                    N_(
                        "the cell refers to shared string {text!r}, but the file has {count} "
                        "(numbered from 0)"
                    ),
                    text=text,
                    count=len(strings),
                )
            value = strings[int(text)]
            return (value, "s") if value else None
        if kind == "str":
            return (text, "s")
        if kind == "b":
            if text not in ("0", "1", "true", "false"):
                raise _BadValue(N_("the cell is a yes/no value but holds {text!r}"), text=text)
            return (text in ("1", "true"), "b")
        if kind == "e":
            return (text, "e")
        if kind == "d":
            try:
                return (dt.datetime.fromisoformat(text.replace("Z", "+00:00")), "d")
            except ValueError:
                raise _BadValue(N_("the cell is a date but holds {text!r}"), text=text) from None
        raise _BadValue(N_("the cell has the unknown type {kind!r}"), kind=kind)

    def finish(self) -> SheetCells:
        self._end_row()
        self.out.rows.sort(key=lambda row: row[0])  # rows may be written out of order
        return self.out


class _BadValue(Exception):
    """A cell's stored value that breaks the format: `message` (marked with N_) and its fields,
    translated when the reason is read, in the reader's language."""

    def __init__(self, message: str, **fields: object) -> None:
        super().__init__(message)
        self.message, self.fields = message, fields

    @property
    def reason(self) -> str:
        fields = {k: integer(v) if type(v) is int else v for k, v in self.fields.items()}
        return _(self.message).format(**fields)


def _is_zero(text: str) -> bool:
    try:
        return float(text) == 0
    except ValueError:
        return False


def read_sheet_cells(
    archive: zipfile.ZipFile,
    member: str,
    strings: Callable[[], list[str]],
    styles: Styles,
    date1904: bool,
    max_rows: int,
    max_blank_run: int,
) -> SheetCells:
    """The non-blank rows of one worksheet part, with what its XML says about merges, formulas
    without a saved result, hidden rows and columns, and cells that break the format."""
    reader = _SheetReader(strings, styles, date1904, max_rows, max_blank_run)
    if _read_plain_sheet(archive, member, reader):
        return reader.finish()
    reader = _SheetReader(strings, styles, date1904, max_rows, max_blank_run)
    _parse(archive, member, _parser(reader.start, reader.end, reader.text))
    return reader.finish()


# --- the fast path: sheet data in the plain form spreadsheet programs write ------------------
#
# Expat calls Python handlers six times per cell; on a national workbook (half a million cells)
# that is most of the reading. Most sheets are written in one plain form (rows with an r, cells
# <c r="B2" s="1" t="s"><v>17</v></c>), which one compiled pattern reads with a Python step per
# cell instead. The pattern accepts only that form, and only where the whole sheetData is made of
# it; anything else (formulas, inline strings, entities, comments, attributes in another order or
# quoted otherwise, cells without r) sends the whole sheet to expat. Each cell's value then goes
# through the same _SheetReader code as expat's (_entry, _store, _start_row, _end_row), so the
# two paths agree by construction; tests/xlsx/test_plain_sheet.py holds them equal on generated
# sheets.

_XML_DECLARATION = re.compile(
    rb'<\?xml version="1\.0"(?: encoding="(?i:utf-8)")?(?: standalone="(?:yes|no)")?\s*\?>'
)
# One plain cell: <c r="B2" s="1" t="s"><v>17</v></c>, or empty (/> or ></c>).
_PLAIN_CELL_FORM = (
    r'<c r="[A-Z]{1,3}[0-9]{1,7}"(?: s="[0-9]{1,9}")?(?: t="[a-zA-Z]{1,9}")?'
    r"(?:><v>[^<>&\r]*</v></c>|/>|></c>)"
)
# A plain cell of the usual row: a column of one letter, on the row's own number (\1).
_USUAL_CELL_FORM = (
    r'<c r="[A-Z]\1"(?: s="[0-9]{1,9}")?(?: t="[a-zA-Z]{1,9}")?'
    r"(?:><v>[^<>&\r]*</v></c>|/>|></c>)"
)
# One row in the plain form, text outside tags (which the reader ignores) before it. Groups: the
# row number, its other attributes, its cells when each is a usual cell, else its cells (both
# None for <row .../>). The pattern matches only a row made of plain cells, so rows matched one
# after another with nothing between them prove the whole piece plain.
_PLAIN_ROW = re.compile(
    r'[^<>]*<row r="([0-9]{1,7})"((?: [A-Za-z][\w:.-]*="[^"<>&\t\n\r]*")*)'
    r"(?:/>|>(?:((?:" + _USUAL_CELL_FORM + r")*)|((?:" + _PLAIN_CELL_FORM + r")*))</row>)"
)
_ONE_LETTER = {chr(code): code - 64 for code in range(65, 91)}  # A -> 1 ... Z -> 26
# The cells of a row that _PLAIN_ROW matched. Groups: column letters, row digits, and the rest
# (s, t and the <v> or the empty ending): a cell's value depends on that rest only.
_PLAIN_CELL = re.compile(
    r'<c r="([A-Z]{1,3})([0-9]{1,7})"'
    r'((?: s="[0-9]{1,9}")?(?: t="[a-zA-Z]{1,9}")?(?:><v>[^<>&\r]*</v></c>|/>|></c>))'
)
# That rest taken apart. Groups: s, t, <v> text, "/>" or "></c>" of an empty cell.
_PLAIN_REST = re.compile(
    r'(?: s="([0-9]{1,9})")?(?: t="([a-zA-Z]{1,9})")?(?:><v>([^<>&\r]*)</v></c>|(/>|></c>))'
)
_ROW_ATTRIBUTE = re.compile(r' ([A-Za-z][\w:.-]*)="([^"]*)"')
# Characters XML forbids (expat refuses them), so that the fast path never accepts them: the
# control characters but tab and line ends, and U+FFFE and U+FFFF as UTF-8 writes them.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r")
_NOT_XML_CHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")
# A tag the sheet reader acts on, outside sheetData (then the order of events would matter).
_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:c|row|v|f|is|t|rPh)[\s/>]")
_UNSEEN: tuple[object, str] = (None, "")  # a value not met yet (compared by identity)


def _read_plain_sheet(archive: zipfile.ZipFile, member: str, reader: _SheetReader) -> bool:
    """Read the sheet into `reader` if its sheetData is all in the plain form; False (and the
    reader left to be thrown away) otherwise."""
    with archive.open(member) as stream:
        data = stream.read()  # bounded: the zip directory's sizes were checked on opening
    declaration = _XML_DECLARATION.match(data)
    body_start = data.find(b"<sheetData>")
    body_end = data.find(b"</sheetData>")
    if (
        declaration is None
        or body_start < 0
        or body_end < body_start
        or data.find(b"<sheetData>", body_start + 1) >= 0
        or data.find(b"</sheetData>", body_end + 1) >= 0
        or data.find(b"<!") >= 0  # comments, CDATA, DOCTYPE
        or data.find(b"<?", 1) >= 0  # processing instructions
        or data.find(b"&", body_start, body_end) >= 0
        or len(data.translate(None, _CONTROL_BYTES)) != len(data)
        or any(data.find(character) >= 0 for character in _NOT_XML_CHARACTERS)
    ):
        return False
    body_start += len(b"<sheetData>")
    outside = data[:body_start] + data[body_end:]
    if _CELL_TAG.search(outside):
        return False
    # The rest of the part (columns, merged cells) through expat: it checks that it is
    # well-formed, and a sheet that is not is read again by expat for its own message.
    try:
        _parser(reader.start, reader.end, reader.text).Parse(outside, True)
    except expat.ExpatError:
        return False
    scan = _PlainRows(reader)
    start = body_start
    while start < body_end:
        # In pieces of about a megabyte cut after a </row> (never inside a character: no byte of
        # a multi-byte UTF-8 character is <), so that a large sheet is never held twice.
        cut = data.find(b"</row>", start + _PIECE, body_end)
        end = body_end if cut < 0 else cut + len(b"</row>")
        try:
            piece = data[start:end].decode("utf-8")
        except UnicodeDecodeError:
            return False
        if not scan.read(piece):
            return False
        start = end
    return not scan.in_row


_PIECE = 1 << 20


class _PlainEntries(dict[str, "tuple[object, str] | None"]):
    """A cell's rest (s, t, <v>) -> its (value, type), None when blank, for the cells a usual row
    takes in one step: a rest met for the first time is read by _PlainRows._entry, and refused
    (KeyError: the row then takes the cell-by-cell loop, which reports it at its own cell) when
    its value breaks the format or its format hides it."""

    def __init__(self, rows: _PlainRows) -> None:
        super().__init__()
        self.rows = rows

    def __missing__(self, rest: str) -> tuple[object, str] | None:
        rows = self.rows
        # The two usual cells first, as _entry reads them: a shared string by its index (blank
        # when the string is), a whole number, both in style 0 (no s), visible, not a date.
        entry: tuple[object, str] | None
        if rest[-8:] == "</v></c>" and 0 not in rows.reader._styles.invisible:
            entry = _UNSEEN
            if rest[:10] == ' t="s"><v>':
                text = rest[10:-8]
                if text.isdigit() and text.isascii() and len(text) <= 10:
                    strings = rows.reader._strings()
                    index = int(text)
                    if index < len(strings):
                        value = strings[index]
                        entry = (
                            (value, "s")
                            if value
                            and (
                                (not value[0].isspace() and value[0] not in _INVISIBLE)
                                or clean_text(value) != ""
                            )
                            else None
                        )
            elif rest[:4] == "><v>" and 0 not in rows.reader._styles.dates:
                text = rest[4:-8]
                if text.isdigit() and text.isascii() and len(text) <= 10:
                    entry = (int(text), "n")
            if entry is not _UNSEEN:
                self[rest] = entry
                return entry
        entry = rows.memo.get(rest, _UNSEEN)
        if entry is _UNSEEN:
            bad_cells = rows.reader.out.bad_cells
            reported = len(bad_cells)
            entry = rows._entry("", rest)
            if len(bad_cells) != reported:  # to be reported at its own cell, by the loop
                del bad_cells[reported:]
                raise KeyError(rest)
        if entry is not None and rows.styles[rest] in rows.reader._styles.invisible:
            raise KeyError(rest)
        self[rest] = entry
        return entry


class _PlainRows:
    """Rows in the plain form read into a _SheetReader, piece by piece."""

    def __init__(self, reader: _SheetReader) -> None:
        self.reader = reader
        self.in_row = False  # never left open: a piece ends after a </row>
        # A cell's rest (s, t, <v>) -> its (value, type), None when blank: values repeat (a
        # national Services sheet has 460,000 cells and far fewer distinct ones).
        self.memo: dict[str, tuple[object, str] | None] = {}
        self.styles: dict[str, int] = {}  # a cell's rest -> its style index
        self.plain = _PlainEntries(self)

    def _style(self, rest: str) -> int:
        style = self.styles.get(rest)
        if style is None:
            style_text = _PLAIN_REST.fullmatch(rest)[1] or "0"  # type: ignore[index]
            numbers = self.reader._style_numbers
            style = numbers.get(style_text)
            if style is None:
                style = numbers[style_text] = int(style_text)
            style = self.styles[rest] = style
        return style

    def _cell_in_full(self, reference: str, rest: str) -> None:
        """A cell with an unusual reference through the reader's own steps, in full."""
        style_text, kind, text, empty = _PLAIN_REST.fullmatch(rest).groups()  # type: ignore[union-attr]
        reader = self.reader
        reader._start_cell({"r": reference, "s": style_text or "0", "t": kind or "n"})
        reader._value = [text] if not empty else None
        reader._end_cell()

    def _entry(self, reference: str, rest: str) -> tuple[object, str] | None:
        """The value of a cell not met before, memoised unless it breaks the format (a bad
        value is reported at each cell)."""
        if rest.endswith("</v></c>"):  # the usual cells without a pattern: no s, t="s" or none
            head, _, text = rest[:-8].partition("><v>")
            kind, style_text, empty = (
                ("s", None, None) if head == ' t="s"' else ("", None, None) if not head else
                _PLAIN_REST.fullmatch(rest).group(2, 1, 4)  # type: ignore[union-attr]
            )  # fmt: skip
        else:
            style_text, kind, text, empty = _PLAIN_REST.fullmatch(rest).groups()  # type: ignore[union-attr]
        reader = self.reader
        style_text = style_text or "0"
        style = reader._style_numbers.get(style_text)
        if style is None:
            style = reader._style_numbers[style_text] = int(style_text)
        self.styles[rest] = style
        entry: tuple[object, str] | None
        if empty or text is None:
            # An empty cell: the reader's _entry with no <v> (blank for every type).
            entry = reader._entry(reference, kind or "n", None, style)
        elif (
            text.isdigit()
            and text.isascii()
            and len(text) <= 10
            and (kind == "s" or (not kind and style not in reader._styles.dates))
        ):
            # The two usual cells, as _typed and _entry read them: a shared string by its
            # index (blank when the string is), a whole number in a style that is not a date.
            if kind:
                strings = reader._strings()
                index = int(text)
                if index >= len(strings):
                    return reader._entry(reference, kind, text, style)  # reported, not memoised
                value = strings[index]
                entry = (value, "s") if value and clean_text(value) != "" else None
            else:
                entry = (int(text), "n")
        else:
            entry = reader._entry(reference, kind or "n", text, style)
        if entry is None or entry[1] != "x":
            self.memo[rest] = entry
        return entry

    def _usual_row(self, content: str, skip: int) -> bool:
        """The cells of a row whose every cell is a usual one (one letter, the row's number:
        `skip` characters from the letter to the rest), taken in one step when none is blank in
        a column met twice, breaks the format or is hidden by its format: what the cell-by-cell
        loop would store then. False (nothing done) otherwise, for that loop to read the row."""
        # Each '<c r="' starts a cell: the pattern left no '<' in a value or an attribute.
        pieces = content.split('<c r="')
        del pieces[0]
        plain = self.plain
        try:
            found = {_ONE_LETTER[piece[0]]: plain[piece[skip:]] for piece in pieces}
        except KeyError:
            return False
        if len(found) != len(pieces):  # a column written twice
            return False
        cells = (  # blank cells left out, as the loop leaves them
            {column: entry for column, entry in found.items() if entry is not None}
            if None in found.values()
            else cast("dict[int, tuple[object, str]]", found)
        )
        reader = self.reader
        reader._cells = cells
        reader._end_row()
        return True

    def read(self, body: str) -> bool:
        """False when the piece is not all in the plain form."""
        reader = self.reader
        memo = self.memo
        columns = reader._columns
        invisible = reader._styles.invisible
        position = 0
        for row in _PLAIN_ROW.finditer(body):
            if row.start() != position:
                return False
            position = row.end()
            number, attributes, usual, content = row.groups()
            if not attributes and number[0] != "0" and int(number) <= MAX_ROW:
                # The usual row, r="17" and nothing else: _start_row's steps for it (the row
                # before was ended at its </row>, or held no cells).
                reader._row = int(number)
                reader._column = 0
                reader._row_text = number
                reader._row_hidden = False
            else:
                found = _ROW_ATTRIBUTE.findall(attributes)
                row_attributes = dict(found, r=number)
                if len(row_attributes) != len(found) + 1:  # an attribute written twice
                    return False
                reader._start_row(row_attributes)
            if usual is not None:
                row_text = reader._row_text
                if number == row_text and self._usual_row(usual, len(number) + 2):
                    continue
                content = usual
            elif content is None:  # <row .../>: no cells, and the row stays open as in expat
                continue
            row_text = reader._row_text
            cells = reader._cells
            for letters, digits, rest in _PLAIN_CELL.findall(content):
                column = columns.get(letters, 0) if digits == row_text else 0
                if not column:
                    self._cell_in_full(letters + digits, rest)
                    continue
                entry = memo.get(rest, _UNSEEN)
                if entry is _UNSEEN:
                    entry = self._entry(letters + digits, rest)
                if entry is None:
                    continue
                if column in cells or invisible:
                    reader._column = column
                    reader._store(letters + digits, entry, self._style(rest))
                else:
                    cells[column] = entry
            reader._end_row()
        tail = body[position:]
        return "<" not in tail and ">" not in tail
