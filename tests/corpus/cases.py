"""One case per way a planner (or a stranger) can get a scenario workbook wrong.

Each case builds its workbook in a folder from the clean base (or from raw bytes for files that
are not workbooks) and names the errors it must give as exact (code, location) pairs, the
warnings it must include, and a fragment of the message a planner reads.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from tests.corpus.base import (
    add_member,
    base_workbook,
    rewrite_member,
    set_cached_value,
    sheet_part,
)

Builder = Callable[[Path], Path]


@dataclass(frozen=True)
class Case:
    """A broken workbook and what validation must say about it."""

    name: str
    build: Builder
    errors: tuple[tuple[str, str], ...]  # exactly these (code, location) errors
    warnings: tuple[tuple[str, str], ...] = ()  # at least these warnings
    message: str = ""  # fragment of str(problem) of the first error (or warning if no error)


def edited(change: Callable[[Workbook], None], *, staff: bool = False, after=None) -> Builder:
    """A builder: the base workbook, changed by `change`, saved, then patched by `after`."""

    def build(folder: Path) -> Path:
        workbook = base_workbook(staff=staff)
        change(workbook)
        path = folder / "scenario.xlsx"
        workbook.save(path)
        if after is not None:
            after(path)
        return path

    return build


def raw_file(data: bytes, name: str = "scenario.xlsx") -> Builder:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return build


def setter(sheet: str, **cells: object) -> Callable[[Workbook], None]:
    def change(workbook: Workbook) -> None:
        for coordinate, value in cells.items():
            workbook[sheet][coordinate] = value

    return change


def _both(*changes: Callable[[Workbook], None]) -> Callable[[Workbook], None]:
    def change(workbook: Workbook) -> None:
        for each in changes:
            each(workbook)

    return change


def _base_bytes() -> bytes:
    stream = io.BytesIO()
    base_workbook().save(stream)
    return stream.getvalue()


def _truncated(folder: Path) -> Path:
    data = _base_bytes()
    return raw_file(data[: len(data) // 2])(folder)


def _plain_zip(folder: Path) -> Path:
    path = folder / "scenario.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    return path


def _ods(folder: Path) -> Path:
    path = folder / "scenario.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return path


def _macro_workbook(folder: Path) -> Path:
    path = edited(lambda wb: None)(folder)
    macro = folder / "scenario.xlsm"
    path.rename(macro)
    add_member(macro, "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake VBA project")
    return macro


ENTITY_BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
)


def _with_doctype(doctype: str, entity: str) -> Builder:
    def add(xml: str) -> str:
        body = xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
        return doctype + body.replace("<t>Unit ID</t>", f"<t>Unit ID{entity}</t>", 1)

    def after(path: Path) -> None:
        rewrite_member(path, sheet_part(path, "Units"), add)

    return edited(lambda wb: None, after=after)


def _zip_bomb_declared(folder: Path) -> Path:
    """A workbook whose sheet declares 4 GB uncompressed (sizes patched in the zip headers)."""
    path = edited(lambda wb: None)(folder)
    data = bytearray(path.read_bytes())
    # Central directory entries: signature PK\1\2, uncompressed size at offset 24 (4 bytes).
    member = sheet_part(path, "Units").encode()
    position = data.find(b"PK\x01\x02")
    while position != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        name = bytes(data[position + 46 : position + 46 + name_length])
        if name == member:
            struct.pack_into("<I", data, position + 24, 0xFFFFFFF0)
        position = data.find(b"PK\x01\x02", position + 4)
    path.write_bytes(bytes(data))
    return path


def _zip_bomb_ratio(folder: Path) -> Path:
    """A real member of 40 MB of zeros that deflates to about 40 KB (1000:1)."""
    path = edited(lambda wb: None)(folder)
    add_member(path, "xl/media/padding.bin", bytes(40 * 1024 * 1024))
    return path


def _empty_workbook(folder: Path) -> Path:
    workbook = Workbook()
    workbook.active.title = "Units"
    workbook.create_sheet("Services")
    path = folder / "scenario.xlsx"
    workbook.save(path)
    return path


def _hide(title: str) -> Callable[[Workbook], None]:
    def change(workbook: Workbook) -> None:
        workbook[title].sheet_state = "hidden"

    return change


def _delete_sheet(title: str) -> Callable[[Workbook], None]:
    def change(workbook: Workbook) -> None:
        del workbook[title]

    return change


def _delete_column(sheet: str, index: int) -> Callable[[Workbook], None]:
    def change(workbook: Workbook) -> None:
        workbook[sheet].delete_cols(index)

    return change


def _merge(sheet: str, cells: str) -> Callable[[Workbook], None]:
    def change(workbook: Workbook) -> None:
        workbook[sheet].merge_cells(cells)

    return change


def _extra_unit(unit_id: str) -> Callable[[Workbook], None]:
    def change(workbook: Workbook) -> None:
        workbook["Units"].append([unit_id, "Extra", "district", None, "districts", 1])

    return change


def _stray_far_below(workbook: Workbook) -> None:
    workbook["Units"]["A1048576"] = "stray"


def _blank_row_values(workbook: Workbook) -> None:
    for column in "ABCDEFGHIJKL":
        workbook["Services"][f"{column}3"] = None


def _settings_row(name: object, value: object) -> Callable[[Workbook], None]:
    def change(workbook: Workbook) -> None:
        workbook["Settings"].append([name, value])

    return change


def _hours_mode(workbook: Workbook) -> None:
    workbook["Settings"]["B2"] = "hours"


CASES: tuple[Case, ...] = (
    # --- not a workbook ---------------------------------------------------------------------
    Case(
        "csv",
        raw_file(b"Unit ID,Employees\nD01,10\n", "scenario.csv"),
        (("not-xlsx", "workbook"),),
        message="text file (CSV or similar)",
    ),
    Case(
        "xls",
        raw_file(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "scenario.xls"),
        (("not-xlsx", "workbook"),),
        message="old-format Excel file (.xls)",
    ),
    Case(
        "renamed text",
        raw_file(b"Just some notes\n", "scenario.xlsx"),
        (("not-xlsx", "workbook"),),
        message="scenario.xlsx: this is a text file",
    ),
    Case("truncated", _truncated, (("not-xlsx", "workbook"),), message="damaged or truncated"),
    Case(
        "zip not workbook",
        _plain_zip,
        (("not-xlsx", "workbook"),),
        message="zip archive but not an Excel workbook",
    ),
    Case("ods", _ods, (("not-xlsx", "workbook"),), message="OpenDocument spreadsheet"),
    Case("empty file", raw_file(b""), (("not-xlsx", "workbook"),), message="empty (0 bytes)"),
    Case(
        "missing file",
        lambda folder: folder / "nowhere.xlsx",
        (("file-not-found", "workbook"),),
        message="no such file",
    ),
    Case("folder", lambda folder: folder, (("not-xlsx", "workbook"),), message="not a file"),
    # --- hostile ----------------------------------------------------------------------------
    Case(
        "entity bomb",
        _with_doctype(ENTITY_BOMB, "&lol3;"),
        (("unsafe-xml", "workbook"),),
        message="XML entity declarations",
    ),
    Case(
        "external entity",
        _with_doctype(EXTERNAL_ENTITY, "&xxe;"),
        (("unsafe-xml", "workbook"),),
        message="refused for safety",
    ),
    Case(
        "zip bomb declared",
        _zip_bomb_declared,
        (("unsafe-zip", "workbook"),),
        message="possible zip bomb",
    ),
    Case(
        "zip bomb ratio",
        _zip_bomb_ratio,
        (("unsafe-zip", "workbook"),),
        message="xl/media/padding.bin",
    ),
    Case(
        "xlsm read without macros",
        _macro_workbook,
        (),
        (("macros-ignored", "workbook"),),
        message="the macros are ignored",
    ),
    # --- sheets and headers -----------------------------------------------------------------
    Case(
        "every sheet empty",
        _empty_workbook,
        (("workbook-empty", "workbook"),),
        message="every sheet is empty",
    ),
    Case(
        "missing Services sheet",
        edited(_delete_sheet("Services")),
        (("missing-sheet", "Services"),),
        message="no Services sheet",
    ),
    Case(
        "hidden Services sheet",
        edited(_hide("Services")),
        (("missing-sheet", "Services"),),
        (("hidden-sheet", "Services"),),
        message="no Services sheet",
    ),
    Case(
        "hidden other sheet",
        edited(lambda wb: (wb.create_sheet("Old"), _hide("Old")(wb))),
        (),
        (("hidden-sheet", "Old"),),
        message="hidden sheet, ignored",
    ),
    Case(
        "missing Employees column",
        edited(_delete_column("Units", 6)),
        (("missing-column", "Units"),),
        message="no Employees column (needed when there is no Staff",
    ),
    Case(
        "missing Unit ID column in Services",
        edited(_delete_column("Services", 3)),
        (("missing-column", "Services"),),
        message="no Unit ID column",
    ),
    Case(
        "no header row",
        edited(lambda wb: wb["Units"].delete_rows(1)),
        (("missing-headers", "Units!A1"),),
        message="no header row found",
    ),
    Case(
        "headers on row 3 under a title",
        edited(lambda wb: (wb["Units"].insert_rows(1, 2), setter("Units", A1="Units 2024")(wb))),
        (),
        (("header-row-moved", "Units!A3"),),
        message="headers are on row 3",
    ),
    Case(
        "unknown extra column",
        edited(setter("Units", M1="Comment", M2="x")),
        (),
        (("unknown-column", "Units!M1"),),
        message="unknown column, ignored",
    ),
    Case(
        "duplicate column",
        edited(setter("Units", N1="employees", N2=4)),
        (("duplicate-column", "Units!N1"),),
        message="appears twice (F1 and N1)",
    ),
    Case(
        "second table beside the first",
        edited(setter("Units", O1="Region", P1="Population", O2="West", P2=650000)),
        (),
        (("unknown-column", "Units!O1"), ("unknown-column", "Units!P1")),
    ),
    Case(
        "values without a header",
        edited(setter("Units", M3="orphan")),
        (),
        (("unnamed-column", "Units!M1"),),
        message="column M has values but no header",
    ),
    Case(
        "merged cells",
        edited(_merge("Units", "B2:B3")),
        (("merged-cells", "Units!B2:B3"),),
        message="unmerge them",
    ),
    Case(
        "stray value a million rows down",
        edited(_stray_far_below),
        (("far-below", "Units"),),
        message="row 1048576",
    ),
    # --- cells ------------------------------------------------------------------------------
    Case(
        "text in a number cell",
        edited(setter("Units", F2="ten")),
        (("not-a-number", "Units!F2"),),
        message="Employees must be a whole number of 0 or more",
    ),
    Case(
        "fraction of an employee",
        edited(setter("Units", F2=2.5)),
        (("not-whole", "Units!F2"),),
        message="not a fraction",
    ),
    Case(
        "negative volume",
        edited(setter("Services", E3=-5)),
        (("negative", "Services!E3"),),
        message="Volume must be a number of 0 or more",
    ),
    Case(
        "NaN typed",
        edited(setter("Services", F2="NaN")),
        (("not-finite", "Services!F2"),),
        message="Minutes must be a number",
    ),
    Case("infinity typed", edited(setter("Services", E2="inf")), (("not-finite", "Services!E2"),)),
    Case(
        "share as 62.6",
        edited(setter("Services", G2=62.6)),
        (("share-range", "Services!G2"),),
        message="write 0.626 or 62.6%",
    ),
    Case("share above 100", edited(setter("Units", K2=150)), (("share-range", "Units!K2"),)),
    Case(
        "percentage where a count belongs",
        edited(setter("Units", F2="10%")),
        (("not-a-number", "Units!F2"),),
    ),
    Case(
        "ambiguous thousands in a decimal column",
        edited(setter("Services", E2="1,531")),
        (("ambiguous-number", "Services!E2"),),
        message="could mean 1531 or 1.531",
    ),
    Case(
        "date where a number belongs",
        edited(setter("Units", F2=dt.datetime(2024, 1, 5))),
        (("date-not-number", "Units!F2"),),
        message="not a date",
    ),
    Case(
        "boolean where a number belongs",
        edited(setter("Services", E2=True)),
        (("bool-not-number", "Services!E2"),),
        message="not a yes/no value",
    ),
    Case(
        "not yes or no",
        edited(setter("Units", J2="maybe")),
        (("not-yes-no", "Units!J2"),),
        message="Locked must be yes or no",
    ),
    Case(
        "blank required id",
        edited(setter("Services", A3=None)),
        (("blank-required", "Services!A3"),),
        message="Service ID is required here",
    ),
    Case(
        "blank Employees without Staff",
        edited(setter("Units", F3=None)),
        (("blank-required", "Units!F3"),),
        message="Employees is required here",
    ),
    Case(
        "formula without cached value",
        edited(setter("Units", F2="=4+6")),
        (("formula-no-value", "Units!F2"),),
        message="formula whose result was never saved",
    ),
    Case(
        "error cell",
        edited(setter("Units", F3="#N/A")),
        (("error-cell", "Units!F3"),),
        message="shows the Excel error #N/A",
    ),
    Case(
        "error cell cached by a formula",
        edited(
            setter("Services", E2="=1/0"),
            after=lambda p: _cached_error(p, "Services", "E2", "#DIV/0!"),
        ),
        (("error-cell", "Services!E2"),),
        message="#DIV/0!",
    ),
    Case(
        "fully blank row then a broken row",
        edited(_both(_blank_row_values, setter("Services", A6="S09", C6="D77"))),
        (("unknown-unit", "Services!C6"),),
        message="'D77' is not a unit",
    ),
    # --- ids and references -----------------------------------------------------------------
    Case(
        "duplicate unit id",
        edited(_extra_unit("D01")),
        (("duplicate-id", "Units!A6"),),
        message="appears twice: Units!A2 and Units!A6",
    ),
    Case(
        "unit ids differing only in case",
        edited(_extra_unit("d01")),
        (("duplicate-id", "Units!A6"),),
        message="differs only in case from 'D01' (Units!A2)",
    ),
    Case(
        "unit ids differing only in spaces",
        edited(_extra_unit(" D01\u00a0")),
        (("duplicate-id", "Units!A6"),),
        message="appears twice",
    ),
    Case(
        "duplicate service id",
        edited(setter("Services", A4="s01")),
        (("duplicate-id", "Services!A4"),),
    ),
    Case(
        "separator inside a unit id",
        edited(_extra_unit("D;05")),
        (("id-character", "Units!A6"),),
        message="Unit ID may not contain ';'",
    ),
    Case(
        "service at an unknown unit",
        edited(setter("Services", C3="D99")),
        (("unknown-unit", "Services!C3"),),
        message="'D99' is not a unit",
    ),
    Case(
        "reference differing in case",
        edited(setter("Services", C3="d02")),
        (("unknown-unit", "Services!C3"),),
        message="did you mean 'D02', Units!A3?",
    ),
    Case(
        "unknown parent",
        edited(setter("Units", D2="D99")),
        (("unknown-parent", "Units!D2"),),
        message="Parent 'D99' is not a unit",
    ),
    Case(
        "unit that is its own parent",
        edited(setter("Units", D2="D01")),
        (("parent-cycle", "Units!D2"),),
        message="cannot be its own parent",
    ),
    Case(
        "cycle in Parent",
        edited(setter("Units", D2="D02", D3="D01")),
        (("parent-cycle", "Units!D2"),),
        message="D01 -> D02 -> D01",
    ),
    Case(
        "unknown eligible unit",
        edited(setter("Services", I2="D01; D55")),
        (("unknown-unit", "Services!I2"),),
        message="Eligible units: 'D55'",
    ),
    Case(
        "eligible units separated by commas",
        edited(setter("Services", I2="D01, D02")),
        (("unknown-unit", "Services!I2"),),
        message="separate unit ids with ;",
    ),
    Case(
        "eligible unit in another group",
        edited(setter("Services", I2="D01; D03")),
        (("eligible-other-group", "Services!I2"),),
        message="services move only within a group",
    ),
    Case(
        "group names differing in case",
        edited(setter("Units", E3="Regional")),
        (("case-mismatch", "Units!E3"),),
        message="differs only in case from 'regional'",
    ),
    # --- numbers that disagree --------------------------------------------------------------
    Case(
        "min above max",
        edited(setter("Units", G2=25)),
        (("min-above-max", "Units!G2"),),
        message="Min employees (25) is above Max employees (20",
    ),
    Case(
        "headcount above max",
        edited(setter("Units", F2=25)),
        (),
        (("headcount-outside-limits", "Units!F2"),),
        message="outside its limits 2..20",
    ),
    Case(
        "group with zero employees but load",
        edited(setter("Units", F4=0, F5=0)),
        (),
        (("group-no-staff", "Units"), ("no-staff-of-skill", "Services!D4")),
        message="group 'districts' has no employees",
    ),
    Case(
        "service skill with no staff in its group",
        edited(setter("Services", D3="legal")),
        (("no-staff-of-skill", "Services!D3"),),
        message="no employee of group 'regional' has skill 'legal', so service 'S02' can never "
        "be delivered (the group's skills: general)",
    ),
    Case(
        "service skill typed with a plural",
        edited(setter("Services", D3="legals"), staff=True),
        (("no-staff-of-skill", "Services!D3"),),
        message="no employee of group 'regional' has skill 'legals', so service 'S02' can never "
        "be delivered (did you mean 'legal'? the group's skills: general, legal)",
    ),
    Case(
        "service skill with no staff in its unit",
        edited(setter("Services", D3="legal"), staff=True),
        (),
        (("no-staff-of-skill", "Services!D3"),),
        message="unit 'D02' has no staff of its skill 'legal': the plan must move staff or the "
        "service",
    ),
    Case(
        "unit id typed with O for 0",
        edited(setter("Services", C3="DO1")),
        (("unknown-unit", "Services!C3"),),
        message="'DO1' is not a unit of this workbook (did you mean 'D01', Units!A2?)",
    ),
    Case(
        "unit id typed without its leading zero",
        edited(setter("Services", C3="D1")),
        (("unknown-unit", "Services!C3"),),
        message="'D1' is not a unit of this workbook (did you mean 'D01', Units!A2?)",
    ),
    Case(
        "unit id typed with a space",
        edited(setter("Services", C3="D 02")),
        (("unknown-unit", "Services!C3"),),
        message="'D 02' is not a unit of this workbook (did you mean 'D02', Units!A3?)",
    ),
    # --- Staff sheet ------------------------------------------------------------------------
    Case(
        "Staff and Units disagree",
        edited(setter("Units", F2=12), staff=True),
        (),
        (("employees-ignored", "Units!F2"),),
        message="the Staff sheet gives 10",
    ),
    Case(
        "Staff unknown unit",
        edited(setter("Staff", A2="D42"), staff=True),
        (("unknown-unit", "Staff!A2"),),
        message="'D42' is not a unit",
    ),
    Case(
        "Staff duplicate pair",
        edited(setter("Staff", B3="General"), staff=True),
        (("duplicate-id", "Staff!A3"),),
        message="differs only in case",
    ),
    Case(
        "skill differing in case",
        edited(setter("Services", D3="Legal"), staff=True),
        (("case-mismatch", "Services!D3"),),
        (("no-staff-of-skill", "Services!D3"),),
        message="Skill 'Legal' differs only in case from 'legal' (Staff!B3)",
    ),
    Case(
        "Staff fraction", edited(setter("Staff", C4=7.5), staff=True), (("not-whole", "Staff!C4"),)
    ),
    # --- Settings ---------------------------------------------------------------------------
    Case(
        "unknown setting",
        edited(_settings_row("speed", "fast")),
        (),
        (("unknown-setting", "Settings!A5"),),
        message="unknown setting, ignored",
    ),
    Case(
        "bad coefficient",
        edited(setter("Settings", B2="speed")),
        (("bad-choice", "Settings!B2"),),
        message="must be one of: count, hours",
    ),
    Case(
        "bad max staff moves",
        edited(setter("Settings", B4=-2)),
        (("negative", "Settings!B4"),),
        message="'max staff moves' must be a whole number",
    ),
    Case(
        "setting given twice",
        edited(_settings_row("Objective", "balance")),
        (("duplicate-setting", "Settings!A5"),),
        message="given twice",
    ),
    Case(
        "hours mode without Minutes",
        edited(_both(_hours_mode, setter("Services", F3=None))),
        (("missing-for-hours", "Services!F3"),),
        message="Minutes is required in hours mode",
    ),
    Case(
        "hours mode without Hours per FTE",
        edited(_both(_hours_mode, setter("Units", L4=None))),
        (("missing-for-hours", "Units!L4"),),
        message="Hours per FTE is required in hours mode",
    ),
    # --- Scenarios --------------------------------------------------------------------------
    Case(
        "bad New hires syntax",
        edited(setter("Scenarios", D2="D01 plus 2")),
        (("bad-syntax", "Scenarios!D2"),),
        message="New hires must look like D05=10",
    ),
    Case(
        "New hires for an unknown unit",
        edited(setter("Scenarios", D2="D01=1; X9=2")),
        (("unknown-unit", "Scenarios!D2"),),
        message="'X9' is not a unit",
    ),
    Case(
        "Volume scale of an unknown service",
        edited(setter("Scenarios", E2="S99=2")),
        (("unknown-service", "Scenarios!E2"),),
        message="'S99' is not a Service ID",
    ),
    Case(
        "Digital share in a variant as 70",
        edited(setter("Scenarios", F2="*=70")),
        (("share-range", "Scenarios!F2"),),
        message="write 0.7 or 70%",
    ),
    Case(
        "Lock units unknown",
        edited(setter("Scenarios", G2="D02; D77")),
        (("unknown-unit", "Scenarios!G2"),),
    ),
    Case(
        "variant setting bad value",
        edited(setter("Scenarios", C2="lots")),
        (("not-a-number", "Scenarios!C2"),),
        message="'max staff moves' must be a whole number",
    ),
    Case(
        "reserved variant name",
        edited(setter("Scenarios", A2="Baseline")),
        (("reserved-name", "Scenarios!A2"),),
        message="reserved",
    ),
    Case(
        "variant in hours mode without Minutes",
        edited(
            _both(setter("Scenarios", H1="Coefficient", H2="hours"), setter("Services", F2=None))
        ),
        (("missing-for-hours", "Services!F2"),),
        message="a variant of the Scenarios sheet",
    ),
)


def _cached_error(path: Path, sheet: str, coordinate: str, error: str) -> None:
    """Make a formula cell carry a cached error result, as Excel saves =1/0."""
    set_cached_value(path, sheet, coordinate, error)

    def mark(xml: str) -> str:
        return xml.replace(f'<c r="{coordinate}"', f'<c r="{coordinate}" t="e"', 1)

    rewrite_member(path, sheet_part(path, sheet), mark)
