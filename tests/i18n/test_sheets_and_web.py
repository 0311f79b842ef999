"""The sheets and screens of issue 16's last part in Kazakh and Russian: the Decisions, Distances
and WISN sheets read in any language and their messages translated, the web API's errors in the
viewer's language, and the Kazakh Summary of the screenshot with every Kazakh letter."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import pytest
from openpyxl import load_workbook

import planner
from planner.domain import DecisionKind, Distance
from planner.i18n import pgettext, using
from planner.workbook import validate_workbook
from planner.workbook.wisn_sheets import write_wisn_template
from tests.web.conftest import client_for
from tests.workbook.test_decisions_sheet import HEADERS, _workbook

REPO = Path(__file__).resolve().parents[2]
DECIDED = [
    ("fix headcount", "U2", None, None, None, 3, "agreed with the head"),
    ("pin service", "U1", None, None, "S0"),
    ("forbid transfer", "U2", "U1"),
]


def _translated(path: Path, code: str) -> Path:
    """The workbook at `path` with every sheet name, header and Decision word in `code`."""
    book = load_workbook(path)
    with using(code):
        for sheet in book.worksheets:
            for cell in sheet[1]:
                cell.value = pgettext("header", cell.value)
            if sheet.title == "Decisions":
                for (cell,) in sheet.iter_rows(min_row=2, max_col=1):
                    cell.value = pgettext("decision", cell.value)
            sheet.title = pgettext("sheet", sheet.title)
    out = path.with_name(f"{path.stem}-{code}.xlsx")
    book.save(out)
    return out


def test_a_russian_decisions_sheet_reads_as_its_english_twin(tmp_path):
    """«Решения» with Russian headers and words («зафиксировать численность», «закрепить
    услугу», «запретить перевод») gives the English sheet's decisions, cell for cell."""
    english = _workbook(tmp_path / "decided.xlsx", DECIDED)
    russian = _translated(english, "ru")
    sheet = load_workbook(russian)["Решения"]
    assert [c.value for c in sheet[1]] == ["Решение", "Подразделение", "В подразделение",
                                           "Специализация", "Код услуги", "Сотрудники",
                                           "Примечание"]  # fmt: skip
    assert sheet["A2"].value == "зафиксировать численность"
    read_en, read_ru = planner.read_scenario(english), planner.read_scenario(russian)
    assert [d.kind for d in read_ru.decisions] == [
        DecisionKind.FIX_HEADCOUNT, DecisionKind.PIN_SERVICE, DecisionKind.FORBID_TRANSFER
    ]  # fmt: skip
    strip = [(d.kind, d.unit_id, d.to_unit, d.skill, d.service_id, d.employees, d.row)
             for d in read_en.decisions]  # fmt: skip
    assert [(d.kind, d.unit_id, d.to_unit, d.skill, d.service_id, d.employees, d.row)
            for d in read_ru.decisions] == strip  # fmt: skip
    assert read_ru.decisions[0].where == "Решения!A2"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ru", "Решение должно быть одним из: закрепить перевод, запретить перевод, закрепить "
               "услугу, запретить услугу, зафиксировать численность (может быть, 'pin "
               "service'?)"),
        ("kk", "Шешім мыналардың бірі болуы керек: ауыстыруды бекіту, ауыстыруға тыйым салу, "
               "қызметті бекіту, қызметке тыйым салу, штат санын белгілеу ('pin service' "
               "деп жазғыңыз келді ме?)"),
    ],
)  # fmt: skip
def test_an_unknown_decision_word_is_named_in_the_workbooks_language(tmp_path, code, message):
    """A misspelt Decision word is refused on its cell with the words of the language, and a
    did-you-mean among them."""
    path = _workbook(tmp_path / "typo.xlsx", [("pin servic", "U1", None, None, "S0")], HEADERS)
    with using(code):
        report = validate_workbook(path)
    (problem,) = report.problems
    assert (problem.sheet, problem.cell) == ("Decisions", "A2")
    assert problem.expected == message


def test_a_written_scenario_keeps_its_decisions_and_distances_in_russian(tmp_path):
    """write_scenario in Russian writes «Решения» and «Расстояния», which read back to the same
    decisions and distances."""
    english = _workbook(tmp_path / "decided.xlsx", DECIDED)
    scenario = planner.read_scenario(english)
    scenario = dataclasses.replace(scenario, distances=(Distance("U1", "U2", 12.5),))
    with using("ru"):
        written = planner.write_scenario(scenario, tmp_path / "written.xlsx")
    book = load_workbook(written)
    assert "Решения" in book.sheetnames and "Расстояния" in book.sheetnames
    assert [c.value for c in book["Расстояния"][1]] == ["Из подразделения", "В подразделение", "Км"]
    assert book["Решения"]["A3"].value == "закрепить услугу"
    again = planner.read_scenario(written)
    assert [(d.kind, d.unit_id, d.service_id, d.employees) for d in again.decisions] == [
        (d.kind, d.unit_id, d.service_id, d.employees) for d in scenario.decisions
    ]
    assert [(d.from_unit, d.to_unit, d.value) for d in again.distances] == [("U1", "U2", 12.5)]


def _broken_wisn(tmp_path: Path) -> Path:
    """The English WISN template with an unknown allowance Kind (Allowances!C2) and an individual
    allowance with a Percent (Allowances!F3, its Time per year)."""
    with using("en"):
        path = write_wisn_template(tmp_path / "wisn.xlsx")
    book = load_workbook(path)
    book["Allowances"]["C2"] = "weekly"
    book["Allowances"]["E3"] = 5
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("code", "messages"),
    [
        ("ru", ["одно из: категориальная, индивидуальная, CAS, IAS",
                "для индивидуальной надбавки нужно Время в год (и не нужен Процент)"]),
        ("kk", ["мыналардың бірі: санаттық, жеке, CAS, IAS",
                "жеке үстемеге Жылына уақыт керек (Пайыз керек емес)"]),
    ],
)  # fmt: skip
def test_a_broken_wisn_workbook_names_the_same_cells_in_kk_and_ru(tmp_path, code, messages):
    """The same two cells in every language, each with the language's message."""
    path = _broken_wisn(tmp_path)
    with using("en"):
        english = validate_workbook(path).problems
    with using(code):
        translated = validate_workbook(path).problems
    assert [(p.sheet, p.cell) for p in translated] == [(p.sheet, p.cell) for p in english]
    assert [(p.sheet, p.cell) for p in translated] == [("Allowances", "C2"), ("Allowances", "F3")]
    assert [p.expected for p in translated] == messages


@pytest.mark.parametrize("code", ["kk", "ru"])
def test_a_translated_wisn_template_reads_clean(tmp_path, code):
    """The WISN template written in Kazakh or Russian (its Time unit and Kind words too) validates
    with no problem."""
    with using(code):
        path = write_wisn_template(tmp_path / f"wisn-{code}.xlsx")
        report = validate_workbook(path)
    sheet = load_workbook(path)[{"kk": "Жұмыс уақыты", "ru": "Рабочее время"}[code]]
    assert sheet["C2"].value == {"kk": "күн", "ru": "дни"}[code]
    assert report.problems == ()


@pytest.mark.parametrize(
    ("language", "detail"),
    [("ru", "такой книги в рабочем пространстве нет"),
     ("kk", "жұмыс кеңістігінде мұндай кітап жоқ"),
     ("en", "no such workbook in the workspace")],
)  # fmt: skip
def test_a_web_error_is_in_the_viewers_language(tmp_path, language, detail):
    """GET of an unknown workbook answers 404 with the detail in the request's language."""
    with client_for(tmp_path / "workspace") as client:
        answer = client.get("/api/uploads/" + "0" * 64, headers={"Accept-Language": language})
    assert (answer.status_code, answer.json()) == (404, {"detail": detail})


def test_a_settings_error_of_the_api_is_russian(tmp_path):
    """A setting the workspace cannot take is refused in Russian, its name translated."""
    from tests.web.conftest import upload, workbook_bytes

    with client_for(tmp_path / "workspace") as client:
        client.get("/lang/ru?next=/")
        answer = upload(client, workbook_bytes())
        refused = client.post(
            "/api/jobs",
            json={"kind": "solve", "upload": answer["id"], "settings": {"max_staff_moves": "ten"}},
            headers={"X-Planner-Client": "test"},
        )
    assert refused.status_code == 422
    assert refused.json() == {
        "detail": "максимум перемещений сотрудников: должно быть целым числом от 0 или пусто "
        "(без ограничения) (указано 'ten')"
    }


def _screenshots_script():
    spec = importlib.util.spec_from_file_location("screenshots", REPO / "scripts/screenshots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_kazakh_summary_of_the_screenshot_has_every_kazakh_letter(tmp_path):
    """The workbook docs/screenshots/result-summary-kk.png is drawn from: its Summary sheet's text
    has each of ә ғ қ ң ө ұ ү һ і (һ in «жаһандық оңтайлылықты дәлелдеу», the MIP gap of 0)."""
    script = _screenshots_script()
    path = script.summary_workbook(REPO / "scenarios/west-kazakhstan-2024.xlsx", tmp_path, "kk")
    summary = load_workbook(path).worksheets[0]
    assert summary.title == "Жиынтық"
    text = " ".join(
        c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str)
    ).casefold()
    assert [letter for letter in "әғқңөұүһі" if letter not in text] == []
    assert summary["B12"].value.endswith("MIP алшақтығы 0 (жаһандық оңтайлылықты дәлелдеу)")
