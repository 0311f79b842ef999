"""Issue 12, classes 2 and 6: a reader that reads what a person sees, by the file format's rules.

Hidden rows and columns holding values are refused naming them; a second table beside or below
the first is refused naming its cells; every column is read; a cell's stored value must follow
the OOXML rules of its type; a zip member held twice, Deflate64, .xlsb, Strict Open XML are
refused by name; Excel 4 macro sheets are warned about.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import warnings
import zipfile
from pathlib import Path

from openpyxl import Workbook

from tests.corpus.base import add_member, rewrite_member, sheet_part
from tests.corpus.cases import Builder, Case, _both, edited, setter

STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _hide_rows(sheet: str, *rows: int):
    def change(workbook: Workbook) -> None:
        for row in rows:
            workbook[sheet].row_dimensions[row].hidden = True

    return change


def _zero_height(sheet: str, row: int) -> Builder:
    """A row of height 0 (openpyxl does not write a height of 0: patched in the XML)."""

    def after(path: Path) -> None:
        rewrite_member(
            path,
            sheet_part(path, sheet),
            lambda xml: xml.replace(
                f'<row r="{row}"', f'<row r="{row}" ht="0" customHeight="1"', 1
            ),
        )

    return edited(lambda wb: None, after=after)


def _hide_column(sheet: str, letter: str):
    def change(workbook: Workbook) -> None:
        workbook[sheet].column_dimensions[letter].hidden = True

    return change


def _zero_width(sheet: str, column: int) -> Builder:
    def after(path: Path) -> None:
        cols = f'<cols><col min="{column}" max="{column}" width="0" customWidth="1"/></cols>'
        rewrite_member(
            path,
            sheet_part(path, sheet),
            lambda xml: xml.replace("<sheetData>", cols + "<sheetData>", 1),
        )

    return edited(lambda wb: None, after=after)


def _group_in_a_summary_beside(workbook: Workbook) -> None:
    units = workbook["Units"]
    units.delete_cols(5)  # no Group column in the table
    for row, values in enumerate((("Group", "Staff"), ("regional", 18), ("districts", 11)), 1):
        units.cell(row, 14, values[0])
        units.cell(row, 15, values[1])


def _second_table_below(workbook: Workbook) -> None:
    units = workbook["Units"]
    units["A8"], units["F8"] = "Unit ID", "Employees"
    units["A9"], units["F9"] = "D09", 500


def _many_columns(workbook: Workbook) -> None:
    """1,100 headed columns; Max employees moves to column 1,050 with caps of 25."""
    units = workbook["Units"]
    for column in range(13, 1101):
        units.cell(1, column, f"Note {column}")
    for row in range(1, 6):
        units.cell(row, 1050, units.cell(row, 8).value if row == 1 else 25)
        units.cell(row, 8, None)
    units.cell(1, 8, "Spare")


def _cell_value(sheet: str, coordinate: str, stored: str, kind: str | None = None) -> Builder:
    """The base workbook with one cell's stored XML value replaced (and its type, if given)."""

    def after(path: Path) -> None:
        def edit(xml: str) -> str:
            pattern = re.compile(rf'<c r="{coordinate}"([^>]*)>.*?</c>')
            attributes = re.sub(r'\s*t="[^"]*"', "", pattern.search(xml)[1])
            kind_attribute = f' t="{kind}"' if kind else ""
            new, count = pattern.subn(
                f'<c r="{coordinate}"{attributes}{kind_attribute}><v>{stored}</v></c>', xml, 1
            )
            assert count == 1
            return new

        rewrite_member(path, sheet_part(path, sheet), edit)

    return edited(lambda wb: None, after=after)


def _shared_strings(path: Path, strings: list[str]) -> None:
    """Give a saved workbook a shared string table (openpyxl writes inline strings)."""
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    add_member(
        path,
        "xl/sharedStrings.xml",
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'.encode(),
    )
    rewrite_member(
        path,
        "xl/_rels/workbook.xml.rels",
        lambda xml: xml.replace(
            "</Relationships>",
            f'<Relationship Type="{RELS}/sharedStrings" Target="sharedStrings.xml" Id="rId99"/>'
            "</Relationships>",
        ),
    )


def _shared_string_index(index: str) -> Builder:
    """Units!B2 (a Name) refers to shared string `index` of a two-string table."""

    def after(path: Path) -> None:
        _shared_strings(path, ["Department of Agriculture", "spare"])

        def edit(xml: str) -> str:
            return re.sub(
                r'<c r="B2"[^>]*>.*?</c>', f'<c r="B2" t="s"><v>{index}</v></c>', xml, count=1
            )

        rewrite_member(path, sheet_part(path, "Units"), edit)

    return edited(lambda wb: None, after=after)


def _cell_twice(folder: Path) -> Path:
    def after(path: Path) -> None:
        rewrite_member(
            path,
            sheet_part(path, "Units"),
            lambda xml: xml.replace(
                '<c r="F2" t="n"><v>10</v></c>',
                '<c r="F2" t="n"><v>10</v></c><c r="F2" t="n"><v>510</v></c>',
            ),
        )

    return edited(lambda wb: None, after=after)(folder)


def _member_twice(folder: Path) -> Path:
    path = edited(lambda wb: None)(folder)
    part = sheet_part(path, "Units")
    with zipfile.ZipFile(path) as archive:
        data = archive.read(part).replace(b"<v>10</v>", b"<v>510</v>")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name: it is the point
        add_member(path, part, data)
    return path


def _deflate64(folder: Path) -> Path:
    """The Units sheet's member marked as Deflate64 (method 9) in the zip's directory."""
    path = edited(lambda wb: None)(folder)
    member = sheet_part(path, "Units").encode()
    data = bytearray(path.read_bytes())
    position = data.find(b"PK\x01\x02")
    while position != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46 : position + 46 + name_length]) == member:
            struct.pack_into("<H", data, position + 10, 9)
        position = data.find(b"PK\x01\x02", position + 4)
    path.write_bytes(bytes(data))
    return path


def _xlsb(folder: Path) -> Path:
    path = folder / "scenario.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/xl/workbook.bin" ContentType="application/'
            'vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>',
        )
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00binary workbook")
    return path


def _strict(folder: Path) -> Path:
    def after(path: Path) -> None:
        rewrite_member(
            path,
            "xl/workbook.xml",
            lambda xml: xml.replace(
                "http://schemas.openxmlformats.org/spreadsheetml/2006/main", STRICT
            ),
        )

    return edited(lambda wb: None, after=after)(folder)


def _macro_sheet(auto_open: bool) -> Builder:
    def after(path: Path) -> None:
        add_member(
            path,
            "xl/macrosheets/sheet1.xml",
            b'<xm:macrosheet xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
            b'<sheetData><row r="1"><c r="A1" t="str"><f>EXEC("calc")</f><v>0</v></c></row>'
            b"</sheetData></xm:macrosheet>",
        )
        names = (
            '<definedNames><definedName name="_xlnm.Auto_Open">Macro1!$A$1</definedName>'
            "</definedNames>"
            if auto_open
            else "<definedNames/>"
        )
        rewrite_member(
            path,
            "xl/workbook.xml",
            lambda xml: xml.replace(
                "</sheets>", '<sheet name="Macro1" sheetId="9" r:id="rId90"/></sheets>'
            ).replace("<definedNames />", names),
        )
        rewrite_member(
            path,
            "xl/_rels/workbook.xml.rels",
            lambda xml: xml.replace(
                "</Relationships>",
                '<Relationship Type="http://schemas.microsoft.com/office/2006/relationships/'
                'xlMacrosheet" Target="macrosheets/sheet1.xml" Id="rId90"/></Relationships>',
            ),
        )

    return edited(lambda wb: None, after=after)


def _many_styles(count: int) -> Builder:
    def after(path: Path) -> None:
        def edit(xml: str) -> str:
            xfs = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' * count
            return re.sub(
                r"<cellXfs[^>]*>.*?</cellXfs>",
                f'<cellXfs count="{count}">{xfs}</cellXfs>',
                xml,
                flags=re.S,
            )

        rewrite_member(path, "xl/styles.xml", edit)

    return edited(lambda wb: None, after=after)


READER_CASES: tuple[Case, ...] = (
    # --- hidden rows and columns ----------------------------------------------------------
    Case(
        "hidden rows of units",
        edited(_hide_rows("Units", 3, 4)),
        (("hidden-cells", "Units!3:4"),),
        message=(
            "Units!3:4: rows 3 to 4 are hidden but hold values: unhide them, or delete them if "
            "they are not part of the scenario (what is read must be what you see)"
        ),
    ),
    Case(
        "one hidden Staff row of 500",
        edited(_both(setter("Staff", C2=500), _hide_rows("Staff", 2)), staff=True),
        (("hidden-cells", "Staff!2:2"),),
        message="row 2 is hidden but holds values: unhide it, or delete it if it is not part",
    ),
    Case(
        "row of zero height",
        _zero_height("Services", 5),
        (("hidden-cells", "Services!5:5"),),
        message="row 5 is hidden",
    ),
    Case(
        "hidden header row",
        edited(_hide_rows("Units", 1)),
        (("hidden-cells", "Units!1:1"),),
    ),
    Case(
        "hidden Employees column",
        edited(_hide_column("Units", "F")),
        (("hidden-cells", "Units!F1"),),
        message="column F (Employees) is hidden: unhide it",
    ),
    Case(
        "column of zero width",
        _zero_width("Services", 5),
        (("hidden-cells", "Services!E1"),),
        message="column E (Volume) is hidden",
    ),
    Case(
        "value hidden by the number format ;;;",
        edited(lambda wb: setattr(wb["Units"]["F3"], "number_format", ";;;")),
        (("hidden-cells", "Units!F3"),),
        message="Units!F3: the cell's number format (such as ;;;) hides its value",
    ),
    Case(
        "hidden title row above the header is harmless",
        edited(
            _both(
                lambda wb: wb["Units"].insert_rows(1, 2),
                setter("Units", A1="Units 2024"),
                _hide_rows("Units", 1),
            )
        ),
        (),
        (("header-row-moved", "Units!A3"),),
    ),
    # --- one table per sheet --------------------------------------------------------------
    Case(
        "summary table beside the Units table supplies Group",
        edited(_group_in_a_summary_beside),
        (("second-table", "Units!N1:O3"),),
        message=(
            "a second table beside the Units table (N1:O3) has the column Group, which would be "
            "read as part of it: keep one table per sheet"
        ),
    ),
    Case(
        "second table below the first",
        edited(_second_table_below),
        (("second-table", "Units!A8"),),
        message="row 8 starts a second table below the first (it holds the column names Unit ID, Employees)",
    ),
    Case(
        "a header in column 1,050 is read",
        edited(_many_columns),
        (),
        (("unknown-column", "Units!M1"),),
    ),
    # --- stored values by the format's rules ------------------------------------------------
    Case(
        "number stored as 1_0",
        _cell_value("Units", "F2", "1_0"),
        (("bad-cell-xml", "Units!F2"),),
        message=(
            "Units!F2: the cell's stored number '1_0' is not a number in the file format: the "
            "file was not saved by Excel or is damaged"
        ),
    ),
    Case(
        "number stored as 0x10",
        _cell_value("Units", "F3", "0x10"),
        (("bad-cell-xml", "Units!F3"),),
        message="the cell's stored number '0x10' is not a number",
    ),
    Case(
        "number stored as NaN",
        _cell_value("Services", "E2", "NaN"),
        (("bad-cell-xml", "Services!E2"),),
        message="the cell holds 'NaN', which is not a number",
    ),
    Case(
        "number stored as 1e999",
        _cell_value("Services", "E3", "1e999"),
        (("bad-cell-xml", "Services!E3"),),
        message="too large for a number",
    ),
    Case(
        "boolean stored as 2",
        _cell_value("Units", "J2", "2", "b"),
        (("bad-cell-xml", "Units!J2"),),
        message="the cell is a yes/no value but holds '2'",
    ),
    Case(
        "unknown cell type",
        _cell_value("Units", "F2", "10", "q"),
        (("bad-cell-xml", "Units!F2"),),
        message="the cell has the unknown type 'q'",
    ),
    Case(
        "shared string index -1",
        _shared_string_index("-1"),
        (("bad-cell-xml", "Units!B2"),),
        message="the cell refers to shared string '-1', but the file has 2 (numbered from 0)",
    ),
    Case(
        "shared string index out of range",
        _shared_string_index("2"),
        (("bad-cell-xml", "Units!B2"),),
        message="shared string '2', but the file has 2",
    ),
    Case(
        "cell written twice",
        _cell_twice,
        (("bad-cell-xml", "Units!F2"),),
        message="cell F2 is written twice in the file",
    ),
    Case(
        "duration where a number belongs",
        edited(setter("Units", F2=dt.timedelta(hours=36, minutes=30))),
        (("date-not-number", "Units!F2"),),
        message="(found '36:30:00')",
    ),
    # --- the file --------------------------------------------------------------------------
    Case(
        "zip member held twice",
        _member_twice,
        (("unsafe-zip", "workbook"),),
        message="scenario.xlsx: the file holds the part xl/worksheets/sheet1.xml twice",
    ),
    Case(
        "Deflate64 member",
        _deflate64,
        (("not-xlsx", "workbook"),),
        message="(xl/worksheets/sheet1.xml) is compressed with Deflate64",
    ),
    Case(
        "renamed .xlsb",
        _xlsb,
        (("not-xlsx", "workbook"),),
        message="this is an Excel Binary Workbook (.xlsb), not an .xlsx",
    ),
    Case(
        "Strict Open XML",
        _strict,
        (("not-xlsx", "workbook"),),
        message="saved as Strict Open XML, which planner does not read",
    ),
    Case(
        "Excel 4 macro sheet with Auto_Open",
        _macro_sheet(auto_open=True),
        (),
        (("macros-ignored", "workbook"),),
        message="contains Excel 4 macro sheets and an Auto_Open name that would run one",
    ),
    Case(
        "Excel 4 macro sheet",
        _macro_sheet(auto_open=False),
        (),
        (("macros-ignored", "workbook"),),
        message="contains Excel 4 macro sheets; they are ignored",
    ),
    Case(
        "more cell formats than Excel allows",
        _many_styles(64_001),
        (("too-many-parts", "workbook"),),
        message="defines more than 64,000 cell formats",
    ),
    Case(
        "not well-formed sheet XML",
        _cell_value("Units", "F2", "&lt;1<"),
        (("not-xlsx", "workbook"),),
        message="scenario.xlsx: the file is damaged: a part of it is not well-formed XML",
    ),
)
