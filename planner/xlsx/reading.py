"""Opening an .xlsx from a stranger safely, and reading its sheets as raw rows of cells.

Safety, in the order it is applied (before any XML is parsed or any member inflated):
1. the path must be a regular file under MAX_FILE_BYTES, read once in binary read-only mode (the
   SHA-256 is taken from the same bytes, so what is checked is what is hashed);
2. its first bytes must be a zip (an .xls, a CSV or a renamed text file is named as such);
3. the zip directory must declare at most MAX_TOTAL_BYTES uncompressed and no large member
   compressed more than MAX_RATIO:1 (a zip bomb is refused before it is inflated; Python's zipfile
   stops reading a member at its declared size, so the declaration bounds the work);
4. no XML part may declare a DOCTYPE or entities, and every XML parser involved is defusedxml's
   (openpyxl picks it when installed; this module refuses to work otherwise);
5. macros (.xlsm) are never run nor kept: the cell data is read and a warning says so.

Cells are read with openpyxl in read-only mode after `reset_dimensions()` (a wrong <dimension>
would silently drop rows), and reading stops after a long run of blank rows, so a sheet that
declares a million rows, or ends in ten thousand blank formatted rows, costs little.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NoReturn
from xml.parsers import expat

import openpyxl
import openpyxl.xml
from defusedxml.common import DefusedXmlException
from openpyxl.utils import column_index_from_string, get_column_letter

from planner.errors import Problem, ProblemCode, Severity

# Refuse to work at all if openpyxl would parse with the standard library's unprotected parser.
if not openpyxl.xml.DEFUSEDXML:  # pragma: no cover - defusedxml is a declared dependency
    raise ImportError("planner needs defusedxml installed so that workbooks are parsed safely")

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # uncompressed, all members
MAX_RATIO = 200  # compression ratio refused for members larger than RATIO_CHECK_BYTES
RATIO_CHECK_BYTES = 10 * 1024 * 1024
MAX_BLANK_RUN = 10_000  # consecutive blank rows after which reading a sheet stops
MAX_DATA_ROWS = 100_000  # non-blank rows per sheet
MAX_COLUMNS = 1_000  # columns read per row; a scenario table is far narrower

# Characters trimmed around every text cell: Python whitespace (which covers the no-break
# spaces U+00A0 and U+202F) plus the zero-width space and byte-order mark that copy-paste leaves.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_ENTITY_MARKERS = (b"<!doctype", b"<!entity")

XML_REFUSED = (
    "contains XML entity declarations (a DOCTYPE), which Excel never writes; refused for safety"
)


def clean_text(value: str) -> str:
    """Text with surrounding spaces (including no-break and zero-width ones) removed."""
    return value.strip().strip(_INVISIBLE).strip()


def is_blank(value: object) -> bool:
    """True for an empty cell or one holding only spaces."""
    return value is None or (isinstance(value, str) and clean_text(value) == "")


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
            name, "the file is empty (0 bytes), not an Excel workbook", ProblemCode.NOT_XLSX
        )
    if data.startswith(_OLE_MAGIC):
        raise _refuse(
            name,
            "this is an old-format Excel file (.xls) or a password-protected workbook; open it "
            "in Excel or LibreOffice, remove any password and save it as Excel Workbook (.xlsx)",
            ProblemCode.NOT_XLSX,
        )
    if _looks_like_text(data[:4096]):
        raise _refuse(
            name,
            "this is a text file (CSV or similar), not an Excel workbook; open it in Excel or "
            "LibreOffice and save it as Excel Workbook (.xlsx)",
            ProblemCode.NOT_XLSX,
        )
    raise _refuse(name, "this is not an Excel workbook (.xlsx)", ProblemCode.NOT_XLSX)


def _check_zip(name: str, archive: zipfile.ZipFile) -> bool:
    """Check the zip directory before inflating anything; return True when it carries macros."""
    members = archive.infolist()
    names = {m.filename for m in members}
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise _refuse(
                name, "the workbook is encrypted; save it without a password", ProblemCode.NOT_XLSX
            )
        total += member.file_size
        if member.file_size > RATIO_CHECK_BYTES and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise _refuse(
                name,
                f"a part of the file ({member.filename}) would inflate {member.file_size:,} bytes "
                f"from {member.compress_size:,} (over {MAX_RATIO}:1): refused as a possible zip bomb",
                ProblemCode.UNSAFE_ZIP,
            )
    if total > MAX_TOTAL_BYTES:
        raise _refuse(
            name,
            f"the file would inflate to {total:,} bytes (more than {MAX_TOTAL_BYTES:,}): "
            "refused as too large or a possible zip bomb",
            ProblemCode.UNSAFE_ZIP,
        )
    if "mimetype" in names and "[Content_Types].xml" not in names:
        mimetype = archive.open("mimetype").read(200)
        if b"opendocument.spreadsheet" in mimetype:
            raise _refuse(
                name,
                "this is an OpenDocument spreadsheet (.ods); save it as Excel Workbook (.xlsx)",
                ProblemCode.NOT_XLSX,
            )
    if "[Content_Types].xml" not in names:
        raise _refuse(name, "this is a zip archive but not an Excel workbook", ProblemCode.NOT_XLSX)
    for member in members:
        if member.filename.endswith((".xml", ".rels", ".vml")):
            with archive.open(member) as stream:
                head = stream.read(4096).lower()
            if any(marker in head for marker in _ENTITY_MARKERS):
                raise _refuse(name, XML_REFUSED, ProblemCode.UNSAFE_XML)
    content_types = archive.open("[Content_Types].xml").read(1 << 20)
    if b"spreadsheetml" not in content_types and b"ms-excel" not in content_types:
        kind = "a Word document" if b"wordprocessingml" in content_types else "not a workbook"
        raise _refuse(
            name, f"this is an Office file but {kind}, not an Excel workbook", ProblemCode.NOT_XLSX
        )
    return b"macroEnabled" in content_types or any(n.endswith("vbaProject.bin") for n in names)


class _SheetScan:
    """Expat handlers that note merged ranges, formulas without a cached value and the last row
    holding anything, building no objects per cell (a sheet may have a million rows).

    A DOCTYPE or entity declaration raises, as in defusedxml (Excel never writes one).
    """

    def __init__(self) -> None:
        self.merged: list[str] = []
        self.formulas: set[str] = set()
        self.last_row = 0
        self._row = 0
        self._last_reference = ""
        self._tags: dict[str, str] = {}
        self._cell: str | None = None
        self._has_formula = False
        self._has_value = False
        self._text_target = ""

    def _finish_cell(self) -> None:
        if self._cell is not None:
            if self._has_formula and not self._has_value:
                self.formulas.add(self._cell)
            if self._has_formula or self._has_value:
                self.last_row = max(self.last_row, self._row)
        self._cell = None

    def start(self, name: str, attributes: dict[str, str]) -> None:
        # Called for every element of the sheet: kept lean (no coordinate parsing per cell).
        tag = self._tags.get(name)
        if tag is None:
            tag = self._tags[name] = name.rsplit(":", 1)[-1]
        self._text_target = ""
        if tag == "c":
            self._finish_cell()
            reference = attributes.get("r")
            if reference is None:  # optional in the format: the cell follows the previous one
                previous = self._last_reference
                column = column_index_from_string(previous.rstrip("0123456789")) if previous else 0
                reference = f"{get_column_letter(column + 1)}{self._row}"
            self._cell = self._last_reference = reference
            self._has_formula = self._has_value = False
        elif tag == "v":
            self._text_target = "v"
        elif tag == "f":
            self._has_formula = True
        elif tag == "is":
            self._has_value = True
        elif tag == "row":
            self._finish_cell()
            self._row = int(attributes.get("r") or self._row + 1)
            self._last_reference = ""
        elif tag == "mergeCell" and attributes.get("ref"):
            self.merged.append(attributes["ref"])

    def text(self, data: str) -> None:
        if self._text_target == "v" and data.strip():
            self._has_value = True

    @staticmethod
    def forbidden(*_: object) -> NoReturn:
        raise DefusedXmlException("DTD or entity declaration in a worksheet")


def _scan_sheet_xml(stream: IO[bytes]) -> tuple[tuple[str, ...], frozenset[str], int]:
    """Merged ranges, formulas without a cached value, and the last row holding anything.

    openpyxl's read-only mode exposes neither merges nor "formula with no saved result" (it reads
    as blank), so the sheet XML is streamed once more with a bare expat parser (fast: no element
    objects) that refuses DTDs and entities as defusedxml does.
    """
    scan = _SheetScan()
    parser = expat.ParserCreate()
    parser.StartElementHandler = scan.start
    parser.CharacterDataHandler = scan.text
    parser.StartDoctypeDeclHandler = scan.forbidden
    parser.EntityDeclHandler = scan.forbidden
    parser.UnparsedEntityDeclHandler = scan.forbidden
    parser.ExternalEntityRefHandler = scan.forbidden
    parser.buffer_text = True
    while chunk := stream.read(1 << 20):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    scan._finish_cell()
    return tuple(scan.merged), frozenset(scan.formulas), scan.last_row


class OpenedWorkbook:
    """An opened, checked workbook; read its sheets with `read_sheet`. Use as a context manager."""

    def __init__(self, path: Path, data: bytes, macros: bool) -> None:
        self.path = path
        self.sha256 = hashlib.sha256(data).hexdigest()
        self.has_macros = macros
        self._archive = zipfile.ZipFile(io.BytesIO(data))
        self._book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False, keep_vba=False
        )

    def __enter__(self) -> OpenedWorkbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._book.close()
        self._archive.close()

    @property
    def sheets(self) -> list[tuple[str, bool]]:
        """(title, hidden) of every worksheet, in workbook order (chart sheets left out)."""
        return [(ws.title, ws.sheet_state != "visible") for ws in self._book.worksheets]

    def read_sheet(self, title: str) -> RawSheet:
        """The non-blank rows of a sheet, read within the row and column bounds."""
        ws = self._book[title]
        ws.reset_dimensions()
        # openpyxl keeps the part name privately; the scan needs the same XML part.
        with self._archive.open(ws._worksheet_path) as stream:
            merged, formulas, last_content_row = _scan_sheet_xml(stream)
        rows: list[tuple[int, dict[int, tuple[object, str]]]] = []
        blank_run = 0
        content_below = None
        too_many = False
        for row_number, row in _numbered_rows(ws, last_content_row):
            cells = {}
            for column_number, cell in enumerate(row[:MAX_COLUMNS], start=1):
                value = getattr(cell, "value", None)
                if not is_blank(value):
                    cells[column_number] = (value, cell.data_type)
                elif f"{get_column_letter(column_number)}{row_number}" in formulas:
                    cells[column_number] = (None, "f")
            if not cells:
                blank_run += 1
                if blank_run >= MAX_BLANK_RUN:
                    if last_content_row > row_number:
                        content_below = last_content_row
                    break
                continue
            blank_run = 0
            if len(rows) >= MAX_DATA_ROWS:
                too_many = True
                break
            rows.append((row_number, cells))
        return RawSheet(title, tuple(rows), merged, formulas, content_below, too_many)


def _numbered_rows(ws, last_content_row: int) -> Iterator[tuple[int, tuple]]:
    # Rows are yielded densely from row 1 (openpyxl fills gaps with empty rows), so counting
    # them gives the row number; stopping at the last row with content skips trailing blank rows.
    if last_content_row == 0:
        return
    yield from enumerate(ws.iter_rows(min_row=1, max_row=last_content_row), start=1)


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
                    f"the file is more than the {MAX_FILE_BYTES:,} bytes accepted",
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
        raise _refuse(str(file_path), "no such file", ProblemCode.FILE_NOT_FOUND) from None
    except OSError as error:
        raise _refuse(
            str(file_path), f"cannot be opened: {error.strerror}", ProblemCode.UNREADABLE
        ) from None
    if not stat.S_ISREG(status.st_mode):
        raise _refuse(
            str(file_path), "this is not a file (a folder or a device?)", ProblemCode.NOT_XLSX
        )
    if status.st_size > MAX_FILE_BYTES:
        raise _refuse(
            name,
            f"the file is {status.st_size:,} bytes, more than the {MAX_FILE_BYTES:,} accepted",
            ProblemCode.FILE_TOO_LARGE,
        )
    try:
        data = _read_bounded(file_path, name)
    except OSError as error:
        raise _refuse(name, f"cannot be read: {error.strerror}", ProblemCode.UNREADABLE) from None
    _sniff(name, data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            macros = _check_zip(name, archive)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, NotImplementedError):
        raise _refuse(
            name,
            "the file is damaged or truncated: it is not a complete .xlsx",
            ProblemCode.NOT_XLSX,
        ) from None
    try:
        return OpenedWorkbook(file_path, data, macros)
    except DefusedXmlException:
        raise _refuse(name, XML_REFUSED, ProblemCode.UNSAFE_XML) from None
    except (zipfile.BadZipFile, EOFError, KeyError) as error:
        raise _refuse(
            name, f"the file is damaged or not a complete workbook ({error})", ProblemCode.NOT_XLSX
        ) from None


def macro_warning(name: str) -> Problem:
    """The warning shown when a macro-enabled workbook is read (its macros are ignored)."""
    return Problem(
        "",
        "",
        None,
        f"{name} contains macros; only its cell values are read, the macros are ignored",
        ProblemCode.MACROS_IGNORED,
        Severity.WARNING,
    )


__all__ = [
    "MAX_BLANK_RUN",
    "XML_REFUSED",
    "RawSheet",
    "Refused",
    "OpenedWorkbook",
    "clean_text",
    "is_blank",
    "macro_warning",
    "open_workbook",
]
