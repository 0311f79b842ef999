"""planner.xlsx.export zips a workbook's parts at deflate level ZIP_LEVEL (1: a third of zlib's
default time for a quarter more bytes, issue 14), and the zip holds the parts XlsxWriter's own
would: the same names in the same order, the same 1980 time stamps, the same bytes once
inflated."""

import io
import zipfile
import zlib

import xlsxwriter
from openpyxl import load_workbook

from planner.xlsx.export import ZIP_LEVEL, FastWorkbook, write_xlsx


def _model() -> FastWorkbook:
    """A small workbook: two sheets of text and numbers, enough XML for the levels to differ."""
    workbook = FastWorkbook()
    first = workbook.active
    first.title = "Units"
    for r in range(1, 201):
        first.cell(row=r, column=1, value=f"unit {r:03d} of the region")
        first.cell(row=r, column=2, value=r * 1.25)
    workbook.create_sheet("Notes").cell(row=1, column=1, value="kept as text: =1+1")
    return workbook


def _deflated(data: bytes, level: int) -> int:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return len(compressor.compress(data) + compressor.flush())


def test_every_part_is_deflated_at_the_planners_level():
    """Each part's compressed size is zlib's at ZIP_LEVEL (1), not at the default level."""
    stream = io.BytesIO()
    write_xlsx(_model(), stream)
    with zipfile.ZipFile(stream) as archive:
        infos = archive.infolist()
        assert ZIP_LEVEL == 1
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos)
        for info in infos:
            assert info.compress_size == _deflated(archive.read(info), ZIP_LEVEL), info.filename
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
        sheet = archive.read("xl/worksheets/sheet1.xml")
        assert _deflated(sheet, 1) > _deflated(sheet, 6)  # the level shows in this part
    book = load_workbook(stream)
    assert book.sheetnames == ["Units", "Notes"]
    assert book["Units"]["A200"].value == "unit 200 of the region"
    assert book["Units"]["B200"].value == 250.0
    assert book["Notes"]["A1"].value == "kept as text: =1+1"


def test_the_parts_are_xlsxwriters_own(monkeypatch):
    """The same model written through XlsxWriter's own zip (its Workbook in place of the
    planner's) gives the same parts under the same names, in the same order, byte for byte once
    inflated, with the same time stamps: only the deflate level differs."""
    from planner.xlsx import export

    model = _model()
    ours = io.BytesIO()
    write_xlsx(model, ours)
    monkeypatch.setattr(export, "_Book", xlsxwriter.Workbook)
    theirs = io.BytesIO()
    write_xlsx(model, theirs)
    with zipfile.ZipFile(ours) as archive, zipfile.ZipFile(theirs) as reference:
        assert archive.namelist() == reference.namelist()
        assert len(archive.namelist()) >= 10
        for a, b in zip(archive.infolist(), reference.infolist(), strict=True):
            assert archive.read(a) == reference.read(b), a.filename
            assert (a.date_time, a.compress_type) == (b.date_time, b.compress_type)
        sizes = [(a.compress_size, b.compress_size) for a, b in
                 zip(archive.infolist(), reference.infolist(), strict=True)]  # fmt: skip
        assert sum(a for a, _ in sizes) > sum(b for _, b in sizes)  # level 1 against zlib's 6
