"""`planner forecast --lang ru|kk`: the Forecast sheet (name, title, note, headers, comments, model
and quantity words, chart titles and axes), the scenario sheets and the terminal output speak the
language, the figures equal the English run's, and the workbook reads back to the same volumes."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

import planner
from planner.cli import main
from planner.errors import InputError
from planner.i18n import using
from planner.studies.forecast import forecast
from tests.support import HOURS_PATH


def _text(title) -> str:
    return "".join(run.t for paragraph in title.tx.rich.p for run in paragraph.r)


@pytest.fixture(scope="module")
def forecasts(tmp_path_factory) -> dict[str, Path]:
    """The bundled hours scenario forecast to 2025 in English, Russian and Kazakh."""
    folder = tmp_path_factory.mktemp("forecasts")
    runs = {}
    for lang in ("en", "ru", "kk"):
        runs[lang] = folder / f"forecast-{lang}.xlsx"
        assert main(["forecast", str(HOURS_PATH), "--year", "2025", "--lang", lang,
                     "--out", str(runs[lang])]) == 0  # fmt: skip
    return runs


def test_russian_forecast_sheet(forecasts):
    book = load_workbook(forecasts["ru"])
    assert book.sheetnames == ["Подразделения", "Штат", "Услуги", "Настройки", "Сценарии",
                               "История", "Прогноз"]  # fmt: skip
    sheet = book["Прогноз"]
    assert sheet["A1"].value == "Прогноз на 2025 год по листу «История»"
    assert [c.value for c in sheet[4]][:5] == ["Объект", "Величина", "Лет", "Модель", "AICc"]
    assert sheet["N4"].value == "Точек ретропроверки"
    assert sheet["N4"].comment.text == (
        "Сколько прогнозов со скользящей точкой отсчёта сделала ретропроверка"
    )
    assert [sheet[f"{c}5"].value for c in "ABCD"] == ["*", "объём", 6, "дрейф"]
    assert sheet["B6"].value == "доля цифровых"
    assert sheet["Q5"].value == (
        "* (объём): 6 лет мало для экспоненциального сглаживания (ETS(A,A,N) нужно 7); "
        "применён метод дрейфа"
    )
    chart = sheet._charts[0]
    assert _text(chart.title) == "* объём: история и прогноз (дрейф)"
    assert (_text(chart.y_axis.title), _text(chart.x_axis.title)) == ("объём", "год")
    assert _text(sheet._charts[1].y_axis.title) == "доля"


def test_kazakh_forecast_sheet(forecasts):
    book = load_workbook(forecasts["kk"])
    assert book.sheetnames[-2:] == ["Тарих", "Болжам"]
    sheet = book["Болжам"]
    assert sheet["A1"].value == "Тарих парағы бойынша 2025 жылға болжам"
    assert [c.value for c in sheet[4]][:4] == ["Нысана", "Шама", "Жылдар саны", "Модель"]
    assert [sheet[f"{c}5"].value for c in "BD"] == ["көлем", "дрейф"]
    assert sheet["Q6"].value == (
        "* (цифрлық үлес): экспоненциалдық тегістеу үшін 6 жыл аз (ETS(A,A,N) үшін 7 жыл керек); "
        "дрейф әдісі қолданылды"
    )
    chart = sheet._charts[1]
    assert _text(chart.title) == "* цифрлық үлес: тарих және болжам (дрейф)"
    assert (_text(chart.y_axis.title), _text(chart.x_axis.title)) == ("үлес", "жыл")


def test_translated_forecasts_have_the_english_figures_and_read_back(forecasts):
    """Every number of the Forecast sheet equals the English run's; each workbook reads back to
    the same 2025 total, 4,399,476.8 (the drift forecast)."""
    sheets = {lang: load_workbook(path).worksheets[-1] for lang, path in forecasts.items()}

    def numbers(ws):
        return [c.value for row in ws.iter_rows() for c in row
                if isinstance(c.value, int | float)]  # fmt: skip

    assert numbers(sheets["ru"]) == numbers(sheets["en"]) == numbers(sheets["kk"])
    for path in forecasts.values():
        total = sum(s.volume for s in planner.read_scenario(path).services)
        assert total == pytest.approx(4_399_476.8, rel=1e-9)


def test_forecast_terminal_output_in_russian_and_kazakh(tmp_path, capsys):
    """The lines `planner forecast` prints: quantity and model words, numbers in the language's
    notation (no-break space for thousands, decimal comma), the warning and the path line."""
    for lang in ("ru", "kk"):
        out = tmp_path / f"{lang}.xlsx"
        assert main(["forecast", str(HOURS_PATH), "--year", "2025", "--lang", lang,
                     "--out", str(out)]) == 0  # fmt: skip
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert (
        lines[0]
        == "* объём 2025: 4\u00a0399\u00a0477 (80%: от 3\u00a0533\u00a0361 до 5\u00a0265\u00a0592; дрейф)"
    )
    assert lines[1] == "* доля цифровых 2025: 0,6053 (80%: от 0,3748 до 0,8357; дрейф)"
    assert lines[2].startswith("книга сценария с прогнозом: ")
    assert lines[4] == "* цифрлық үлес 2025: 0,6053 (80%: 0,3748 – 0,8357; дрейф)"
    assert "предупреждение: * (доля цифровых): 6 лет мало" in captured.err
    assert "ескерту: * (көлем): экспоненциалдық тегістеу үшін 6 жыл аз" in captured.err


def test_forecast_year_refusal_in_russian_and_kazakh():
    """A forecast year not after the History's last year is refused in the current language."""
    scenario = planner.read_scenario(HOURS_PATH)
    for lang, expected in (
        ("ru", "год прогноза должен быть позже последнего года листа «История», 2024"),
        ("kk", "болжам жылы Тарих парағының соңғы жылынан (2024) кейін болуы керек"),
    ):
        with using(lang), pytest.raises(InputError) as raised:
            forecast(scenario, 2024)
        assert raised.value.problems[0].expected == expected
