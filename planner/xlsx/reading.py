"""Opening an .xlsx from a stranger safely, and reading its sheets as raw rows of cells.

Safety, in the order it is applied (before any XML is parsed or any member inflated):
1. the path must be a regular file under MAX_FILE_BYTES, read once in binary read-only mode (the
   SHA-256 is taken from the same bytes, so what is checked is what is hashed);
2. its first bytes must be a zip (an .xls, a CSV or a renamed text file is named as such);
3. the zip directory must declare at most MAX_TOTAL_BYTES uncompressed and no large member
   compressed more than MAX_RATIO:1 (a zip bomb is refused before it is inflated; Python's zipfile
   stops reading a member at its declared size, so the declaration bounds the work);
4. no XML part may declare a DOCTYPE or entities: the reading parser (planner.xlsx.ooxml, bare
   expat) refuses them in its handlers, and openpyxl, which writes the planner's own workbooks,
   uses defusedxml (this module refuses to work otherwise);
5. macros (.xlsm) are never run nor kept: the cell data is read and a warning says so.

Cells are read from the sheet XML by planner.xlsx.ooxml (a streaming expat parser, by the
format's rules: no `<dimension>` trusted, every column read, each `<v>` checked against its cell
type), and rows more than MAX_BLANK_RUN below the last content are not kept, so a sheet that
declares a million rows, or ends in ten thousand blank formatted rows, costs little. Further
refusals, each with its reason: a zip that holds one member twice (which copy would Excel read?),
members compressed with Deflate64 or another method Excel does not write, .xlsb binary workbooks,
Strict Open XML, more cell formats or shared strings than the bounds.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.parsers.expat import ExpatError

from defusedxml.common import DefusedXmlException

from planner.errors import Problem, ProblemCode, Severity
from planner.i18n import N_, _, integer
from planner.xlsx import ooxml
from planner.xlsx.ooxml import PartError, clean_text, is_blank

# Refuse to work at all if openpyxl would parse with the standard library's unprotected parser.
# openpyxl's own rule (openpyxl.xml.DEFUSEDXML): defusedxml importable (imported above) and not
# switched off by OPENPYXL_DEFUSEDXML; checked here without importing openpyxl (0.2 s at start-up).
if os.environ.get("OPENPYXL_DEFUSEDXML", "True") != "True":  # pragma: no cover
    raise ImportError("planner needs defusedxml installed so that workbooks are parsed safely")

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # uncompressed, all members
MAX_RATIO = 200  # compression ratio refused for members larger than RATIO_CHECK_BYTES
RATIO_CHECK_BYTES = 10 * 1024 * 1024
MAX_BLANK_RUN = 10_000  # consecutive blank rows after which reading a sheet stops
MAX_DATA_ROWS = 100_000  # data rows per table (below its header row)
HEADER_SEARCH_ROWS = 10  # a title may sit above the table; headers are looked for this far down
MAX_STYLES = ooxml.MAX_STYLES
MAX_SHARED_STRINGS = ooxml.MAX_SHARED_STRINGS
# Zip compression methods Excel and LibreOffice write (stored, deflate); Python reads bzip2 and
# lzma too, but Deflate64 (9), which Windows' own zip tool uses for large files, it cannot.
_READABLE_COMPRESSION = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_ENTITY_MARKERS = (b"<!doctype", b"<!entity")

XML_REFUSED = N_(
    "contains XML entity declarations (a DOCTYPE), which Excel never writes; refused for safety"
)


class Refused(Exception):
    """The file cannot be read at all; `problem` says why in plain words."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _refuse(name: str, reason: str, code: ProblemCode) -> Refused:
    return Refused(Problem("", "", None, f"{name}: {reason}", code))


@dataclass(frozen=True)
class RawSheet:
    """The non-blank rows of one sheet, and what its XML says about merges and formulas."""

    title: str
    # (row number, {column number: (value, openpyxl data type)}); blank cells are left out.
    rows: tuple[tuple[int, dict[int, tuple[object, str]]], ...]
    merged: tuple[str, ...]  # merged ranges, e.g. "B3:B5"
    formulas_without_value: frozenset[str]  # coordinates, e.g. "E7"
    content_below: int | None  # first row with content after reading stopped, if any
    too_many_rows: bool
    hidden_rows: frozenset[int] = frozenset()  # hidden rows that hold a value
    hidden_columns: tuple[tuple[int, int], ...] = ()  # (first, last) column numbers hidden
    bad_cells: tuple[tuple[str, str], ...] = ()  # (coordinate, why) of cells breaking the format
    invisible_cells: tuple[tuple[int, int], ...] = ()  # (row, column) of values a format hides

    def column_hidden(self, column: int) -> bool:
        return any(first <= column <= last for first, last in self.hidden_columns)


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = head.decode("utf-16")
        except UnicodeDecodeError:
            return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable >= 0.95 * len(text)


def _sniff(name: str, data: bytes) -> None:
    """Refuse anything that is not a zip, naming what it seems to be."""
    if data.startswith(_ZIP_MAGICS):
        return
    if not data:
        raise _refuse(
            name, _("the file is empty (0 bytes), not an Excel workbook"), ProblemCode.NOT_XLSX
        )
    if data.startswith(_OLE_MAGIC):
        raise _refuse(
            name,
            _(
                "this is an old-format Excel file (.xls) or a password-protected workbook; open "
                "it in Excel or LibreOffice, remove any password and save it as Excel Workbook "
                "(.xlsx)"
            ),
            ProblemCode.NOT_XLSX,
        )
    if _looks_like_text(data[:4096]):
        raise _refuse(
            name,
            _(
                "this is a text file (CSV or similar), not an Excel workbook; open it in Excel or "
                "LibreOffice and save it as Excel Workbook (.xlsx)"
            ),
            ProblemCode.NOT_XLSX,
        )
    raise _refuse(name, _("this is not an Excel workbook (.xlsx)"), ProblemCode.NOT_XLSX)


def _check_zip(name: str, archive: zipfile.ZipFile) -> bool:
    """Check the zip directory before inflating anything; return True when it carries macros."""
    members = archive.infolist()
    names = {m.filename for m in members}
    if len(names) != len(members):
        seen: set[str] = set()
        twice = ""
        for member in members:
            if member.filename in seen:
                twice = member.filename
                break
            seen.add(member.filename)
        raise _refuse(
            name,
            _(
                "the file holds the part {part} twice; which copy a program reads is not "
                "defined, so it is refused (open and save it in Excel or LibreOffice)"
            ).format(part=twice),
            ProblemCode.UNSAFE_ZIP,
        )
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise _refuse(
                name,
                _("the workbook is encrypted; save it without a password"),
                ProblemCode.NOT_XLSX,
            )
        if member.compress_type not in _READABLE_COMPRESSION:
            method = (
                "Deflate64"
                if member.compress_type == 9
                else _("method {number}").format(number=member.compress_type)
            )
            raise _refuse(
                name,
                _(
                    "a part of the file ({part}) is compressed with {method}, which Excel does "
                    "not write (a zip tool re-packed the file?); open and save it in Excel or "
                    "LibreOffice as Excel Workbook (.xlsx)"
                ).format(part=member.filename, method=method),
                ProblemCode.NOT_XLSX,
            )
        total += member.file_size
        if member.file_size > RATIO_CHECK_BYTES and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise _refuse(
                name,
                _(
                    "a part of the file ({part}) would inflate {size} bytes from {compressed} "
                    "(over {ratio}:1): refused as a possible zip bomb"
                ).format(
                    part=member.filename,
                    size=integer(member.file_size),
                    compressed=integer(member.compress_size),
                    ratio=MAX_RATIO,
                ),
                ProblemCode.UNSAFE_ZIP,
            )
    if total > MAX_TOTAL_BYTES:
        raise _refuse(
            name,
            _(
                "the file would inflate to {size} bytes (more than {most}): refused as too large "
                "or a possible zip bomb"
            ).format(size=integer(total), most=integer(MAX_TOTAL_BYTES)),
            ProblemCode.UNSAFE_ZIP,
        )
    if "mimetype" in names and "[Content_Types].xml" not in names:
        mimetype = archive.open("mimetype").read(200)
        if b"opendocument.spreadsheet" in mimetype:
            raise _refuse(
                name,
                _("this is an OpenDocument spreadsheet (.ods); save it as Excel Workbook (.xlsx)"),
                ProblemCode.NOT_XLSX,
            )
    if "[Content_Types].xml" not in names:
        raise _refuse(
            name, _("this is a zip archive but not an Excel workbook"), ProblemCode.NOT_XLSX
        )
    for member in members:
        if member.filename.endswith((".xml", ".rels", ".vml")):
            with archive.open(member) as stream:
                head = stream.read(4096).lower()
            if any(marker in head for marker in _ENTITY_MARKERS):
                raise _refuse(name, _(XML_REFUSED), ProblemCode.UNSAFE_XML)
    content_types = archive.open("[Content_Types].xml").read(1 << 20)
    if b"sheet.binary" in content_types or "xl/workbook.bin" in names:
        raise _refuse(
            name,
            _(
                "this is an Excel Binary Workbook (.xlsb), not an .xlsx; open it in Excel and "
                "save it as Excel Workbook (.xlsx)"
            ),
            ProblemCode.NOT_XLSX,
        )
    if b"spreadsheetml" not in content_types and b"ms-excel" not in content_types:
        reason = (
            _("this is an Office file but a Word document, not an Excel workbook")
            if b"wordprocessingml" in content_types
            else _("this is an Office file but not a workbook, not an Excel workbook")
        )
        raise _refuse(name, reason, ProblemCode.NOT_XLSX)
    return b"macroEnabled" in content_types or any(n.endswith("vbaProject.bin") for n in names)


class OpenedWorkbook:
    """An opened, checked workbook; read its sheets with `read_sheet`. Use as a context manager."""

    def __init__(self, path: Path, data: bytes, macros: bool) -> None:
        self.path = path
        self.sha256 = hashlib.sha256(data).hexdigest()
        self._archive = zipfile.ZipFile(io.BytesIO(data))
        try:
            self._parts = ooxml.read_workbook(self._archive)
            self._styles = (
                ooxml.read_styles(self._archive, self._parts.styles, MAX_STYLES)
                if self._parts.styles in self._archive.NameToInfo
                else ooxml.Styles()
            )
        except BaseException:
            self._archive.close()
            raise
        self._strings: list[str] | None = None
        kinds = {entry.kind for entry in self._parts.sheets}
        self.has_macro_sheets = "Excel 4 macro sheet" in kinds
        self.auto_open = self._parts.auto_open
        self.has_macros = macros or self.has_macro_sheets
        self._by_title = {e.title: e for e in self._parts.sheets if e.kind == "worksheet"}

    def __enter__(self) -> OpenedWorkbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._archive.close()

    @property
    def sheets(self) -> list[tuple[str, bool]]:
        """(title, hidden) of every worksheet, in workbook order (chart, dialog and macro sheets
        left out)."""
        return [(e.title, e.state != "visible") for e in self._by_title.values()]

    def _shared_strings(self) -> list[str]:
        # Read on first use: a workbook whose sheets hold only numbers never needs them.
        if self._strings is None:
            member = self._parts.shared_strings
            self._strings = (
                ooxml.read_shared_strings(self._archive, member, MAX_SHARED_STRINGS)
                if member is not None and member in self._archive.NameToInfo
                else []
            )
        return self._strings

    def read_sheet(self, title: str) -> RawSheet:
        """The non-blank rows of a sheet, read within the row bounds (every column is read)."""
        entry = self._by_title[title]
        if entry.part not in self._archive.NameToInfo:
            raise PartError(
                _("the part of the sheet {title!r} ({part}) is missing").format(
                    title=title, part=entry.part or _("none")
                )
            )
        cells = ooxml.read_sheet_cells(
            self._archive,
            entry.part,
            self._shared_strings,
            self._styles,
            self._parts.date1904,
            MAX_DATA_ROWS + HEADER_SEARCH_ROWS,
            MAX_BLANK_RUN,
        )
        return RawSheet(
            title,
            tuple(cells.rows),
            tuple(cells.merged),
            frozenset(cells.formulas_without_value),
            cells.content_below,
            cells.too_many_rows,
            frozenset(cells.hidden_rows),
            tuple(cells.hidden_columns),
            tuple(cells.bad_cells),
            tuple(
                (row, column)
                for row, columns in cells.invisible_cells.items()
                for column in columns
            ),
        )


def _read_bounded(path: Path, name: str) -> bytes:
    """The file's bytes, read-only and in chunks (read(n) would reserve n bytes up front)."""
    chunks: list[bytes] = []
    total = 0
    with open(path, "rb") as stream:  # read-only: the input is never opened for writing
        while chunk := stream.read(1 << 20):
            total += len(chunk)
            if total > MAX_FILE_BYTES:
                raise _refuse(
                    name,
                    _("the file is more than the {most} bytes accepted").format(
                        most=integer(MAX_FILE_BYTES)
                    ),
                    ProblemCode.FILE_TOO_LARGE,
                )
            chunks.append(chunk)
    return b"".join(chunks)


def open_workbook(path: str | os.PathLike[str]) -> OpenedWorkbook:
    """Open a workbook for reading after the safety checks; raise Refused with the reason."""
    file_path = Path(path)
    name = file_path.name or str(file_path)
    try:
        status = file_path.stat()
    except FileNotFoundError:
        raise _refuse(str(file_path), _("no such file"), ProblemCode.FILE_NOT_FOUND) from None
    except OSError as error:
        raise _refuse(
            str(file_path),
            _("cannot be opened: {reason}").format(reason=error.strerror),
            ProblemCode.UNREADABLE,
        ) from None
    if not stat.S_ISREG(status.st_mode):
        raise _refuse(
            str(file_path), _("this is not a file (a folder or a device?)"), ProblemCode.NOT_XLSX
        )
    if status.st_size > MAX_FILE_BYTES:
        raise _refuse(
            name,
            _("the file is {size} bytes, more than the {most} accepted").format(
                size=integer(status.st_size), most=integer(MAX_FILE_BYTES)
            ),
            ProblemCode.FILE_TOO_LARGE,
        )
    try:
        data = _read_bounded(file_path, name)
    except OSError as error:
        raise _refuse(
            name,
            _("cannot be read: {reason}").format(reason=error.strerror),
            ProblemCode.UNREADABLE,
        ) from None
    _sniff(name, data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            macros = _check_zip(name, archive)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, NotImplementedError):
        raise _refuse(
            name,
            _("the file is damaged or truncated: it is not a complete .xlsx"),
            ProblemCode.NOT_XLSX,
        ) from None
    try:
        return OpenedWorkbook(file_path, data, macros)
    except DefusedXmlException:
        raise _refuse(name, _(XML_REFUSED), ProblemCode.UNSAFE_XML) from None
    except PartError as error:
        raise part_refused(name, error) from None
    except ExpatError as error:
        raise _refuse(
            name, _("the file is damaged: a part of it is not well-formed XML ({error})").format(
                error=error),
            ProblemCode.NOT_XLSX,
        ) from None  # fmt: skip
    except (zipfile.BadZipFile, EOFError, KeyError) as error:
        raise _refuse(
            name,
            _("the file is damaged or not a complete workbook ({error})").format(error=error),
            ProblemCode.NOT_XLSX,
        ) from None


def part_refused(name: str, error: PartError) -> Refused:
    """The refusal for a part that breaks the format or a bound."""
    code = ProblemCode.TOO_MANY_PARTS if error.too_large else ProblemCode.NOT_XLSX
    return _refuse(name, error.reason, code)


def macro_sheet_warning(name: str, auto_open: bool) -> Problem:
    """The warning shown when a workbook holds Excel 4 macro sheets (never run, never read)."""
    message = (
        _(
            "{name} contains Excel 4 macro sheets and an Auto_Open name that would run one on "
            "opening in Excel; they are ignored: only the cell values of worksheets are read, no "
            "macro is run"
        )
        if auto_open
        else _(
            "{name} contains Excel 4 macro sheets; they are ignored: only the cell values of "
            "worksheets are read, no macro is run"
        )
    )
    return Problem(
        "",
        "",
        None,
        message.format(name=name),
        ProblemCode.MACROS_IGNORED,
        Severity.WARNING,
    )


def macro_warning(name: str) -> Problem:
    """The warning shown when a macro-enabled workbook is read (its macros are ignored)."""
    return Problem(
        "",
        "",
        None,
        _("{name} contains macros; only its cell values are read, the macros are ignored").format(
            name=name
        ),
        ProblemCode.MACROS_IGNORED,
        Severity.WARNING,
    )


__all__ = [
    "HEADER_SEARCH_ROWS",
    "MAX_BLANK_RUN",
    "MAX_DATA_ROWS",
    "XML_REFUSED",
    "RawSheet",
    "Refused",
    "OpenedWorkbook",
    "clean_text",
    "is_blank",
    "macro_sheet_warning",
    "macro_warning",
    "part_refused",
    "open_workbook",
]
