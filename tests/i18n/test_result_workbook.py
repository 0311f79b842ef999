"""The result workbook in Russian and Kazakh: `planner solve --lang ru|kk` on the bundled scenario
writes its sheet names, headers, Summary and Memo in that language, with every figure (value and
number format) equal to the English run's; and `planner apply` reads a Russian result back."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from planner.cli import main
from planner.i18n import using
from planner.reports.apply import accepted_scenario

RUSSIAN_SHEETS = [
    "Сводка", "Записка", "Подразделения", "Диаграммы", "Переводы", "Передачи услуг",
    "Специализации", "Чувствительность", "Проверки", "Исходные данные",
]  # fmt: skip
KAZAKH_SHEETS = [
    "Жиынтық", "Жазба", "Бөлімшелер", "Диаграммалар", "Ауыстырулар", "Қызмет берулер",
    "Мамандықтар", "Сезімталдық", "Тексерулер", "Бастапқы деректер",
]  # fmt: skip


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, Path]:
    """The bundled scenario solved in English, Russian and Kazakh (one solve each)."""
    folder = tmp_path_factory.mktemp("results")
    paths = {}
    for lang in ("en", "ru", "kk"):
        paths[lang] = folder / f"result-{lang}.xlsx"
        assert main(["solve", "--lang", lang, "--no-sensitivity", "-q",
                     "--out", str(paths[lang])]) == 0  # fmt: skip
    return paths


def test_russian_sheet_names_headers_summary_and_memo(results):
    workbook = load_workbook(results["ru"])
    assert workbook.sheetnames == RUSSIAN_SHEETS
    summary, memo, units = workbook["Сводка"], workbook["Записка"], workbook["Подразделения"]
    assert summary["A1"].value == "План нагрузки: west-kazakhstan-2024"
    assert [summary[f"A{row}"].value for row in (3, 6, 7)] == ["Сценарий", "Статус", "Цель"]
    assert summary["B6"].value == (
        "оптимально: доказано, ни один план в пределах ограничений не имеет меньшего значения цели"
    )
    assert summary["B10"].value == "разрешено, без лимита"
    assert memo["A1"].value == "Записка: план нагрузки для west-kazakhstan-2024"
    assert memo["A5"].value == (
        "Рекомендуется принять план. Он снижает наибольший коэффициент с 1,71 до 0,68, "
        "переместив 364 сотрудника и передав 14 услуг; подразделений выше порога перегрузки: "
        "0 вместо 15."
    )
    assert [c.value for c in memo[8]][:4] == ["Показатель", "До", "После", "Примечание"]
    assert memo["D12"].value == "из 1\u00a0838 сотрудников"
    assert [c.value for c in units[1]][:6] == [
        "Код подразделения", "Название", "Уровень", "Вышестоящее подразделение", "Группа",
        "Сотрудников до",
    ]  # fmt: skip
    assert workbook["Проверки"]["C2"].value == "пройдена"
    inputs = workbook["Исходные данные"]
    assert [c.value for c in inputs[6]][:3] == [
        "максимум перемещений сотрудников", "без ограничения",
        "Наибольшее число перемещений сотрудников в группе",
    ]  # fmt: skip


def test_kazakh_sheet_names_headers_summary_and_memo(results):
    workbook = load_workbook(results["kk"])
    assert workbook.sheetnames == KAZAKH_SHEETS
    summary, memo = workbook["Жиынтық"], workbook["Жазба"]
    assert summary["A1"].value == "Жүктеме жоспары: west-kazakhstan-2024"
    assert [summary[f"A{row}"].value for row in (3, 6, 7)] == ["Сценарий", "Күйі", "Мақсат"]
    assert summary["B6"].value == (
        "оңтайлы: дәлелденген, шектеулер ішіндегі ешбір жоспардың мақсат мәні төмен емес"
    )
    assert memo["A5"].value == (
        "Ұсыныс: жоспарды қабылдау. Ол 364 қызметкер ауыстырып және 14 қызмет беріп, ең жоғары "
        "коэффициентті 1,71 мәнінен 0,68 мәніне дейін төмендетеді; артық жүктеме шегінен жоғары "
        "бөлімшелер: 15 орнына 0."
    )
    assert [c.value for c in workbook["Тексерулер"][1]] == ["Топ", "Тексеру", "Нәтиже", "Толығырақ"]
    assert workbook["Тексерулер"]["C2"].value == "өтті"


def _figures(path: Path) -> list[list[tuple[str, object, str]]]:
    """Every number of every sheet, by sheet position: (cell, value, number format)."""
    workbook = load_workbook(path)
    return [
        [(cell.coordinate, cell.value, cell.number_format)
         for row in ws.iter_rows() for cell in row
         if isinstance(cell.value, int | float) and not isinstance(cell.value, bool)]
        for ws in workbook.worksheets
    ]  # fmt: skip


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_figures_equal_the_english_run(results, lang):
    english = _figures(results["en"])
    assert sum(len(sheet) for sheet in english) > 800  # the comparison compares something
    assert _figures(results[lang]) == english


def test_a_russian_result_applies_as_the_english_one(results):
    english = accepted_scenario(results["en"]).scenario
    russian = accepted_scenario(results["ru"]).scenario
    assert russian.staff == english.staff
    assert [s.unit_id for s in russian.services] == [s.unit_id for s in english.services]


@pytest.mark.parametrize(
    ("code", "name"),
    [("en", "west-kazakhstan-2024 (applied)"), ("ru", "west-kazakhstan-2024 (план применён)"),
     ("kk", "west-kazakhstan-2024 (жоспар қолданылды)")],
)  # fmt: skip
def test_an_applied_scenario_is_named_in_the_language(results, code, name):
    """The applied scenario's name (the title of the result workbook it is solved into) says
    that the plan was applied in the reader's language, not in English."""
    with using(code):
        assert accepted_scenario(results["en"]).scenario.name == name


@pytest.mark.parametrize(
    ("code", "footer"),
    [("en", "Page &P of &N"), ("ru", "Страница &P из &N"), ("kk", "&N беттің &P-беті")],
)  # fmt: skip
def test_the_printed_page_footer_is_in_the_language(code, footer):
    """The footer of every printed page (and PDF) numbers its pages in the language, with Excel's
    codes for the page and the page count."""
    from openpyxl import Workbook

    from planner.i18n import using
    from planner.reports.charts import print_sheet

    ws = Workbook().active
    with using(code):
        print_sheet(ws)
    assert ws.oddFooter.right.text == footer


@pytest.mark.parametrize(
    ("code", "sheet", "message"),
    [("ru", "Исходные данные", "изменился после получения результата (его SHA-256 другой): "
      "применяйте план к тому файлу, по которому он решён"),
     ("kk", "Бастапқы деректер", "нәтиже алынғаннан кейін өзгерді (оның SHA-256 басқа): "
      "жоспарды ол шешілген файлға қолданыңыз")],
)  # fmt: skip
def test_apply_refuses_a_changed_input_in_the_language(tmp_path, code, sheet, message):
    """`planner apply` of a result whose input was edited since: refused on the result's own
    Inputs sheet (its title in the language) and the SHA-256 cell, in the language."""
    from planner.errors import InputError
    from planner.i18n import using
    from tests.corpus.base import base_workbook

    scenario, result = tmp_path / "small.xlsx", tmp_path / "result.xlsx"
    base_workbook(scenarios=False).save(scenario)
    assert main(["solve", str(scenario), "--lang", code, "--no-sensitivity", "-q",
                 "--out", str(result)]) == 0  # fmt: skip
    edited = base_workbook(scenarios=False)
    edited["Units"]["F2"] = 11
    edited.save(scenario)
    with using(code), pytest.raises(InputError) as raised:
        accepted_scenario(result)
    (problem,) = raised.value.problems
    assert (problem.sheet, problem.cell[0]) == (sheet, "B")
    assert problem.expected == f"{scenario} {message}"
