"""Workbooks read in any of the three languages, mixed freely: a workbook with Kazakh sheet names
and headers and иә/жоқ cells reads the same as its English twin, a Russian one with да/нет too;
yes/no words of each language; and a broken workbook names the same cells in kk, ru and en."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.i18n import pgettext, using
from planner.workbook import read_scenario, validate_workbook
from planner.workbook.cells import CellError, parse_number, parse_yes_no
from tests.corpus.base import base_workbook

YES_NO = {"yes": {"kk": "иә", "ru": "да"}, "no": {"kk": "жоқ", "ru": "нет"}}


def translated_twin(code: str):
    """The corpus's base workbook with every sheet name, header and setting name, and every
    yes/no cell, written in `code` (from the catalogue, as the template will write them)."""
    workbook = base_workbook(staff=True)
    with using(code):
        for sheet in workbook.worksheets:
            for cell in sheet[1]:
                if isinstance(cell.value, str):
                    cell.value = pgettext("header", cell.value)
            if sheet.title == "Settings":
                for (cell,) in sheet.iter_rows(min_row=2, max_col=1):
                    cell.value = pgettext("setting", cell.value)
            for row in sheet.iter_rows(min_row=2):
                for cell in row:
                    if cell.value in YES_NO:
                        cell.value = YES_NO[cell.value][code]
            sheet.title = pgettext("sheet", sheet.title)
    return workbook


def _same_content(a, b):
    assert a.units == b.units
    assert a.staff == b.staff
    assert a.services == b.services
    assert a.settings == b.settings
    assert a.variants == b.variants


@pytest.mark.parametrize("code", ["kk", "ru"])
def test_a_translated_workbook_reads_the_same_as_its_english_twin(tmp_path: Path, code):
    """Kazakh (or Russian) sheet names, headers, settings and yes/no words give the same units,
    staff, services, settings and variants as the English workbook."""
    english, translated = tmp_path / "en.xlsx", tmp_path / f"{code}.xlsx"
    base_workbook(staff=True).save(english)
    twin = translated_twin(code)
    twin.save(translated)
    names = {"kk": ["Бөлімшелер", "Штат", "Қызметтер", "Баптаулар", "Сценарийлер"],
             "ru": ["Подразделения", "Штат", "Услуги", "Настройки", "Сценарии"]}[code]  # fmt: skip
    assert twin.sheetnames == names
    assert twin[names[0]]["J1"].value == {"kk": "Бекітілген", "ru": "Закреплено"}[code]
    assert twin[names[0]]["J5"].value == YES_NO["yes"][code]
    read = read_scenario(translated)
    assert read.warnings == ()
    _same_content(read, read_scenario(english))
    assert read.unit("D04").locked is True and read.unit("D01").locked is False


def test_languages_mix_in_one_workbook(tmp_path: Path):
    """Russian sheet names with Kazakh headers in one sheet and English in another still read."""
    workbook = base_workbook(staff=True)
    with using("ru"):
        for sheet in workbook.worksheets:
            sheet.title = pgettext("sheet", sheet.title)
    with using("kk"):
        for cell in workbook["Услуги"][1]:
            cell.value = pgettext("header", cell.value)
    workbook["Подразделения"]["J5"] = "Иә"
    workbook["Подразделения"]["J2"] = "НЕТ"
    path = tmp_path / "mixed.xlsx"
    workbook.save(path)
    english = tmp_path / "en.xlsx"
    base_workbook(staff=True).save(english)
    _same_content(read_scenario(path), read_scenario(english))


@pytest.mark.parametrize(
    ("word", "value"),
    [("да", True), ("Нет", False), ("иә", True), ("ЖОҚ", False), ("ия", True), ("жок", False),
     ("ИСТИНА", True), ("ЛОЖЬ", False), ("y", True), ("0", False), (True, True), (0, False)],
)  # fmt: skip
def test_yes_no_words_of_each_language(word, value):
    """yes/no in English, Russian, Kazakh (also typed without Kazakh letters), Excel's TRUE/FALSE
    text of Russian Excel, 1/0 and Excel booleans."""
    assert parse_yes_no(word, "Locked") is value


def test_a_refused_yes_no_names_the_column_in_the_language():
    with using("ru"), pytest.raises(CellError) as refused:
        parse_yes_no("может быть", pgettext("header", "Locked"))
    assert refused.value.expected == "Закреплено: нужно да или нет"


def test_decimal_hints_follow_the_language():
    """The hint for a number typed wrongly is "1250 or 1250.5" in English and has a decimal comma
    in Russian and Kazakh (never 1.250, which their Excel does not read as a fraction)."""
    expected = {
        "en": "Minutes must be a number of 0 or more (type it as 1250 or 1250.5)",
        "ru": "Minutes: нужно число от 0 (введите как 1250 или 1250,5)",
        "kk": "Minutes: 0-ден бастап сан керек (1250 немесе 1250,5 түрінде теріңіз)",
    }
    for code, message in expected.items():
        with using(code), pytest.raises(CellError) as refused:
            parse_number("twelve", "Minutes")
        assert refused.value.expected == message


def test_a_broken_workbook_names_the_same_cells_in_every_language(tmp_path: Path):
    """The same problems, at the same cells and with the same codes, in kk, ru and en; only the
    words differ (asserted on two of them)."""
    workbook = base_workbook()
    workbook["Units"]["J3"] = "maybe"  # Locked
    workbook["Units"]["F4"] = "five"  # Employees
    path = tmp_path / "broken.xlsx"
    workbook.save(path)
    reports = {}
    for code in ("en", "ru", "kk"):
        with using(code):
            reports[code] = validate_workbook(path).problems
    where = {
        code: [(p.sheet, p.cell, p.code) for p in problems] for code, problems in reports.items()
    }
    assert where["en"] == [
        ("Units", "F4", "not-a-number"),
        ("Units", "J3", "not-yes-no"),
    ] or sorted(where["en"]) == sorted(
        [("Units", "F4", "not-a-number"), ("Units", "J3", "not-yes-no")]
    )
    assert where["ru"] == where["en"] == where["kk"]
    by_cell = {code: {p.cell: p.expected for p in problems} for code, problems in reports.items()}
    assert by_cell["en"]["J3"] == "Locked must be yes or no"
    assert by_cell["ru"]["J3"] == "Закреплено: нужно да или нет"
    assert by_cell["kk"]["J3"] == "Бекітілген: иә немесе жоқ керек"
    assert by_cell["ru"]["F4"] == "Сотрудники: нужно целое число от 0"
    assert by_cell["kk"]["F4"] == "Қызметкерлер: 0-ден бастап бүтін сан керек"
    with using("ru"):
        assert str(reports["ru"][0]).startswith("Units!")


def test_bundled_unit_names_in_three_languages():
    """The bundled West Kazakhstan scenario names every unit in en, kk and ru (Name, Name (kk),
    Name (ru)); a unit's label follows the current language."""
    from tests.support import COUNT_PATH

    scenario = read_scenario(COUNT_PATH)
    assert all(dict(u.names).keys() == {"kk", "ru"} for u in scenario.units)
    agriculture = scenario.unit("R01")
    assert agriculture.name == "Department of Agriculture"
    shown = {}
    for code in ("en", "kk", "ru"):
        with using(code):
            shown[code] = (agriculture.label, scenario.unit("D13").label)
    assert shown == {
        "en": ("Department of Agriculture", "Uralsk City"),
        "kk": ("Ауыл шаруашылығы басқармасы", "Орал қаласы"),
        "ru": ("Управление сельского хозяйства", "город Уральск"),
    }


def test_a_workbook_without_translated_names_keeps_its_name(tmp_path: Path):
    """No Name (kk) column: the Name is shown in every language."""
    path = tmp_path / "en.xlsx"
    base_workbook().save(path)
    with using("kk"):
        assert read_scenario(path).unit("D01").label == "Department of Agriculture"


STRICT_REFUSED = {
    "en": "strict.xlsx: the workbook is saved as Strict Open XML, which planner does not read: "
    "save it as Excel Workbook (.xlsx)",
    "ru": "strict.xlsx: книга сохранена в формате Strict Open XML, который planner не читает: "
    "сохраните её как «Книга Excel (.xlsx)»",
    "kk": "strict.xlsx: кітап Strict Open XML пішімінде сақталған, planner оны оқымайды: оны "
    "«Excel кітабы (.xlsx)» ретінде сақтаңыз",
}


@pytest.mark.parametrize("code", ["en", "ru", "kk"])
def test_a_part_the_reader_cannot_read_is_refused_in_the_language(tmp_path: Path, code):
    """A refusal of planner.xlsx.ooxml (PartError): the base workbook with its workbook part
    rewritten into the Strict Open XML namespace is refused, as a whole file, in the language."""
    from tests.corpus.base import rewrite_member

    path = tmp_path / "strict.xlsx"
    base_workbook().save(path)
    rewrite_member(
        path,
        "xl/workbook.xml",
        lambda xml: xml.replace(
            "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            "http://purl.oclc.org/ooxml/spreadsheetml/main",
        ),
    )
    with using(code):
        report = validate_workbook(path)
    (problem,) = report.problems
    assert (problem.sheet, problem.cell, problem.code.value) == ("", "", "not-xlsx")
    assert problem.expected == STRICT_REFUSED[code]


@pytest.mark.parametrize(
    ("code", "message"),
    [("ru", "в книге задано больше 0 форматов ячеек — больше, чем допускает Excel"),
     ("kk", "кітапта 0 ұяшық пішімінен көп анықталған — Excel рұқсат ететіннен көп")],
)  # fmt: skip
def test_a_bound_of_the_reader_is_named_in_the_language(tmp_path: Path, code, message):
    """A PartError with a number (the bound on cell formats, here 0) renders in the language."""
    import zipfile

    from planner.xlsx import ooxml

    path = tmp_path / "styled.xlsx"
    base_workbook().save(path)
    with zipfile.ZipFile(path) as archive, using(code), pytest.raises(ooxml.PartError) as raised:
        ooxml.read_styles(archive, "xl/styles.xml", 0)
    assert (raised.value.reason, raised.value.too_large) == (message, True)


# A cell whose stored XML breaks the file format, and what each language says of it (the reason
# from the scanner, inside the reader's sentence).
BROKEN_CELLS = {
    "NaN": {
        "en": "Services!E2: the cell holds 'NaN', which is not a number: the file was not saved by "
        "Excel or is damaged; retype the cell in Excel or LibreOffice and save the file again",
        "ru": "Services!E2: в ячейке 'NaN', а это не число: файл сохранён не в Excel или повреждён; "
        "введите ячейку заново в Excel или LibreOffice и сохраните файл ещё раз",
        "kk": "Services!E2: ұяшықта 'NaN' тұр, бұл сан емес: файл Excel-де сақталмаған немесе "
        "бүлінген; ұяшықты Excel не LibreOffice-те қайта теріп, файлды қайта сақтаңыз",
    },
    "boolean 2": {
        "en": "Units!J2: the cell is a yes/no value but holds '2': the file was not saved by Excel "
        "or is damaged; retype the cell in Excel or LibreOffice and save the file again",
        "ru": "Units!J2: ячейка хранит значение да/нет, но в ней '2': файл сохранён не в Excel или "
        "повреждён; введите ячейку заново в Excel или LibreOffice и сохраните файл ещё раз",
        "kk": "Units!J2: ұяшық иә/жоқ мәнін сақтайды, бірақ онда '2' тұр: файл Excel-де "
        "сақталмаған немесе бүлінген; ұяшықты Excel не LibreOffice-те қайта теріп, файлды қайта "
        "сақтаңыз",
    },
}


@pytest.mark.parametrize("case", sorted(BROKEN_CELLS))
def test_a_cell_breaking_the_file_format_is_named_in_each_language(tmp_path: Path, case):
    """The scanner's reason for a bad stored value (a number stored as NaN, a yes/no cell holding
    2) is in the reader's language, not an English fragment inside a translated sentence."""
    from tests.corpus.reader import _cell_value

    builder = {"NaN": _cell_value("Services", "E2", "NaN"),
               "boolean 2": _cell_value("Units", "J2", "2", "b")}[case]  # fmt: skip
    path = builder(tmp_path)
    for code, expected in BROKEN_CELLS[case].items():
        with using(code):
            problems = validate_workbook(path).problems
        assert [(p.code.value, str(p)) for p in problems] == [("bad-cell-xml", expected)]
