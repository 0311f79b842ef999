"""The template in Russian and Kazakh: its sheet names, headers, setting names and yes/no words
are the catalogue's, so that a template written in Russian, filled in with openpyxl, validates and
solves to the same plan as the English template filled in the same way."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

import planner
from planner.cli import main
from planner.i18n import using
from planner.workbook.layout import SERVICES, UNITS
from planner.workbook.template import write_template

YES_NO = {"en": ("yes", "no"), "ru": ("да", "нет"), "kk": ("иә", "жоқ")}
SHEETS = {
    "en": ["Instructions", "Units", "Staff", "Services", "Settings", "Scenarios", "History"],
    "ru": ["Инструкция", "Подразделения", "Штат", "Услуги", "Настройки", "Сценарии", "История"],
    "kk": ["Нұсқаулық", "Бөлімшелер", "Штат", "Қызметтер", "Баптаулар", "Сценарийлер", "Тарих"],
}


def _filled(tmp_path: Path, lang: str) -> Path:
    """The template in `lang`, filled by column position: three units, one of them locked, and
    five services, so that the plan moves staff."""
    path = tmp_path / f"template-{lang}.xlsx"
    with using(lang):
        write_template(path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == SHEETS[lang]
    yes, no = YES_NO[lang]
    units, services = workbook.worksheets[1], workbook.worksheets[3]
    del workbook[workbook.sheetnames[2]]  # Staff: the Units' Employees column instead
    unit_rows = [
        {"unitid": "U01", "name": "Agriculture", "employees": 10, "locked": no},
        {"unitid": "U02", "name": "Land", "employees": 2, "locked": no},
        {"unitid": "U03", "name": "Archive", "employees": 4, "locked": yes},
    ]
    service_rows = [
        {"serviceid": f"S{i}", "name": f"service {i}", "unitid": unit, "volume": volume,
         "minutes": 15, "movable": yes if i < 4 else no}
        for i, (unit, volume) in enumerate(
            [("U01", 100), ("U02", 900), ("U02", 700), ("U03", 300), ("U01", 200)], start=1)
    ]  # fmt: skip
    for ws, columns, rows in ((units, UNITS.columns, unit_rows),
                              (services, SERVICES.columns, service_rows)):  # fmt: skip
        ws.delete_rows(2)  # the example row
        for row in rows:
            ws.append([row.get(c.key) for c in columns])
    del workbook[workbook.sheetnames[5]]  # Scenarios: its example variant is not needed
    workbook.save(path)
    return path


def test_the_russian_template_has_russian_headers_and_yes_no():
    with using("ru"):
        from planner.workbook.template import template_workbook

        workbook = template_workbook()
    units = workbook["Подразделения"]
    assert [c.value for c in units[1]][:3] == ["Код подразделения", "Название", "Название (kk)"]
    assert units["L1"].value == "Закреплено" and units["L2"].value == "нет"
    assert workbook["Настройки"]["A2"].value == "коэффициент"
    assert workbook["Инструкция"]["A1"].value == "Как заполнить эту книгу"
    assert units["L1"].comment.text == (
        "да: сотрудники не перемещаются ни в это подразделение, ни из него.\nПо умолчанию: нет."
    )


def _instructions_rows(workbook, sheet_name: str) -> dict[str, tuple]:
    """The Instructions sheet's rows by their first cell."""
    return {row[0]: row for row in workbook[sheet_name].iter_rows(values_only=True) if row[0]}


def test_the_instructions_explain_columns_and_settings_in_russian_and_kazakh():
    """The Instructions sheet's purposes, meanings, defaults and value kinds, the header comments
    and the setting comments are the catalogue's (planner.workbook.layout's N_ texts)."""
    from planner.workbook.template import template_workbook

    with using("ru"):
        ru = template_workbook()
    rows = _instructions_rows(ru, "Инструкция")
    assert rows["Лист «Подразделения»"][1] == (
        "По строке на подразделение (управление, район): его ограничения и численность."
    )
    assert rows["Максимум сотрудников"][1:3] == (
        "Наибольшее число сотрудников, которое может быть у подразделения",
        "без ограничения",
    )
    assert rows["допуск mip"][1:4] == (
        "Относительный разрыв (0-1), при котором решатель может остановиться",
        "0 (доказать оптимальность плана)", "доля от 0 до 1",
    )  # fmt: skip
    assert (
        rows["Объект"][1]
        == "Что учитывает объём: код услуги, код подразделения, skill:<специализация> или *"
    )
    assert ru["Услуги"]["E1"].comment.text == "Обращений в год.\nПо умолчанию: 1."
    assert ru["Настройки"]["A4"].comment.text == "Сотрудников можно перемещать.\nПо умолчанию: да."
    with using("kk"):
        kk = template_workbook()
    rows = _instructions_rows(kk, "Нұсқаулық")
    assert rows["Ең көп қызметкер"][1:3] == (
        "Бөлімшеде болуы мүмкін ең көп қызметкер саны",
        "шексіз",
    )
    assert rows["қызметкер ауыстыру шегі"][1:4] == (
        "Бір топтағы қызметкер ауыстыруларының ең көп саны",
        "шексіз",
        "0 немесе одан үлкен бүтін сан",
    )
    assert (
        kk["Бөлімшелер"]["A1"].comment.text == "Бөлімшенің бірегей коды.\nМіндетті: бос болмайды."
    )
    assert kk["Баптаулар"]["A2"].comment.text == (
        "count: бір қызметкерге келетін қызметтер; hours: қажет сағаттар / қолжетімді сағаттар.\n"
        "Әдепкі: count."
    )


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_wisn_template_is_written_in_russian_and_kazakh(tmp_path, lang):
    """`planner template --wisn --lang ru|kk` writes (it looked its sheets up by their English
    names), with Working time and Allowances explained in the language; a value as typed (the
    Time unit's default `hours`) stays as the reader reads it."""
    path = tmp_path / "wisn.xlsx"
    assert main(["template", "--wisn", "--lang", lang, "-f", str(path)]) == 0
    workbook = load_workbook(path)
    expected = {
        "ru": (["Рабочее время", "Надбавки"], "Единица времени",
               "hours или days: единица столбца «Время в год»"),
        "kk": (["Жұмыс уақыты", "Үстемелер"], "Уақыт бірлігі",
               "hours немесе days: Жылына уақыт бағанының бірлігі"),
    }[lang]  # fmt: skip
    assert workbook.sheetnames[-2:] == expected[0]
    last = list(workbook.worksheets[0].iter_rows(values_only=True))[-2]
    assert last[:3] == (expected[1], expected[2], "hours")


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_a_filled_template_reads_and_solves_as_the_english_one(tmp_path, lang, capsys):
    english = planner.read_scenario(_filled(tmp_path, "en"))
    path = _filled(tmp_path, lang)
    assert main(["validate", str(path), "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith(f"{path}: valid. 3 units, 16 employees, 5 services")
    translated = planner.read_scenario(path)
    assert [(u.unit_id, u.locked) for u in translated.units] == [
        ("U01", False), ("U02", False), ("U03", True)
    ]  # fmt: skip
    assert translated.staff == english.staff and translated.total_employees == 16
    assert translated.settings == english.settings
    assert [s.movable for s in translated.services] == [True, True, True, False, False]
    plan, english_plan = planner.solve(translated), planner.solve(english)
    assert plan.status.value == "optimal"
    assert plan.max_coefficient_after == english_plan.max_coefficient_after
    assert plan.transfers == english_plan.transfers
    assert plan.reassignments == english_plan.reassignments
    assert plan.staff_moved > 0
