"""The comparison workbook in Russian: the small case of tests/studies/test_compare.py compared
with the language set writes its sheet names, headers, ranking reasons and differences to the
baseline in Russian, with every figure equal to the English run's."""

from __future__ import annotations

from openpyxl import load_workbook

from planner.i18n import using
from planner.reports import write_comparison, write_frontier
from planner.studies.frontier import frontier
from planner.workbook import write_scenario
from tests.studies.test_compare import compare_workbooks, three_variants, two_units


def _compared(tmp_path, lang: str):
    path = tmp_path / "two-units.xlsx"
    if not path.exists():
        write_scenario(two_units(variants=three_variants()), path)
    with using(lang):  # the reasons are worded when the options are ranked
        comparison = compare_workbooks([path])
        return load_workbook(write_comparison(comparison, tmp_path / f"comparison-{lang}.xlsx"))


def _numbers(workbook) -> list[list[tuple[str, object, str]]]:
    """Every number by sheet position, but the Summary's Seconds (column Y: the time to solve)."""
    return [
        [(c.coordinate, c.value, c.number_format) for row in ws.iter_rows() for c in row
         if isinstance(c.value, int | float) and not isinstance(c.value, bool)
         and not (index == 0 and c.column_letter == "Y")]
        for index, ws in enumerate(workbook.worksheets)
    ]  # fmt: skip


def test_the_russian_comparison_workbook(tmp_path):
    english, russian = _compared(tmp_path, "en"), _compared(tmp_path, "ru")
    assert russian.sheetnames == [
        "Сводка", "Группы", "Подразделения", "baseline", "staff only", "services only", "limit 1",
        "Исходные данные",
    ]  # fmt: skip
    summary = russian["Сводка"]
    assert [c.value for c in summary[1]][:5] == [
        "Вариант", "Место", "Рекомендован", "Описание", "Статус"
    ]  # fmt: skip
    assert [summary[f"{col}2"].value for col in "ACE"] == ["baseline", "да", "оптимально"]
    assert summary["H4"].value == "хуже на 0,821"  # services only: 2.25 against 10/7
    assert summary["O2"].value == (
        "рекомендуется: наименьший наибольший коэффициент: 1,429 против 1,500 у «staff only», "
        "следующего лучшего"
    )
    assert summary["O3"].value == (
        "после «baseline», у которого меньший наибольший коэффициент: 1,429 против 1,500"
    )
    assert summary["A7"].value == (
        "Рекомендуется: «baseline»: наименьший наибольший коэффициент: 1,429 против 1,500 у "
        "«staff only», следующего лучшего."
    )
    assert english["Summary"]["O2"].value == (
        "recommended: the lowest highest coefficient: 1.429 against 1.500 for 'staff only', the "
        "next best"
    )
    assert _numbers(russian) == _numbers(english)


def test_the_kazakh_frontier_workbook(tmp_path):
    """Staff moves only: budgets 0..2 of the two-unit case, in Kazakh, with the English figures."""
    scenario = two_units(allow_service_moves=False)
    books = {}
    for lang in ("en", "kk"):
        with using(lang):
            books[lang] = load_workbook(write_frontier(
                frontier(scenario, budgets=range(3)), tmp_path / f"frontier-{lang}.xlsx"))  # fmt: skip
    kazakh = books["kk"]
    assert kazakh.sheetnames == ["Шекара", "Топтар", "Бастапқы деректер"]
    ws = kazakh["Шекара"]
    # The kind of move is planner.studies.frontier's word, translated since branch i18ncore.
    assert [c.value for c in ws[1]][:3] == [
        "Топ", "Шек (қызметкер ауыстырулары)", "Ең жақсы ең жоғары коэффициент"
    ]  # fmt: skip
    assert ws["E2"].value == "жоқ"  # budget 0 does not stop helping
    english = [[c.value for c in row][:4] for row in books["en"]["Frontier"].iter_rows(min_row=2)]
    assert [[c.value for c in row][:4] for row in ws.iter_rows(min_row=2)] == english
    assert english[0][2] == 3.0
