"""The engine's and the command line's own words in Kazakh and Russian, exact: the independent
checks (names, details with each language's plural forms, a code that stays the same), a solver
fault, the doctor's table and summary, a frontier move."""

from __future__ import annotations

import dataclasses

import pytest

import planner
from planner import doctor
from planner.engine.panel import Config, FaultKind, SolverFault, no_plan_claim
from planner.i18n import using
from planner.result import CheckCode
from planner.studies.frontier import Move
from tests.corpus.base import base_workbook


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("words") / "small.xlsx"
    base_workbook(scenarios=False).save(path)
    return planner.read_scenario(path)


def _checks(scenario, lang: str) -> dict[tuple[str, CheckCode], tuple[str, str]]:
    with using(lang):
        result = planner.solve(scenario, sensitivity=False)
    return {(c.group, c.code): (c.name, c.detail) for c in result.checks}


def test_the_checks_speak_russian_with_its_plural_forms(small):
    """Group regional (2 units, 1 skill, 2 services, 1 transfer of 2 employees; limit 5)."""
    checks = _checks(small, "ru")
    assert checks[("regional", CheckCode.WHOLE_HEADCOUNTS)] == (
        "численность целая и неотрицательная",
        "2 ячейки «подразделение — специализация»",
    )
    assert checks[("regional", CheckCode.STAFF_CONSERVED)] == (
        "число сотрудников каждой специализации сохранено",
        "1 специализация",
    )
    assert checks[("regional", CheckCode.GROUP_STAFF_MOVE_LIMIT)] == (
        "соблюдён лимит перемещений сотрудников в группе",
        "перемещений: 2 из 5 разрешённых",
    )
    assert checks[("regional", CheckCode.FIGURES_MATCH)] == (
        "сообщённые показатели совпадают с планом",
        "наибольший коэффициент 0,125; перемещено сотрудников: 2, передано услуг: 0",
    )
    assert checks[("regional", CheckCode.TRANSFERS_ADD_UP)][1] == "1 перевод"
    assert checks[("districts", CheckCode.TRANSFERS_ADD_UP)][1] == "0 переводов"


def test_the_checks_speak_kazakh_and_keep_their_codes(small):
    """The same checks in Kazakh, under the same codes as the English run (and the English names
    unchanged)."""
    kazakh, english = _checks(small, "kk"), _checks(small, "en")
    assert kazakh.keys() == english.keys()
    assert kazakh[("regional", CheckCode.STAFF_SHARE_KEPT)] == (
        "бөлімшелер штаттың өз үлесін сақтайды",
        "әрқайсысы 25% және өзіне қажет әр мамандықтан бір қызметкер сақтайды",
    )
    assert kazakh[("regional", CheckCode.SERVICES_DELIVERED)] == (
        "әр қызмет дәл бір рет көрсетіледі",
        "2 қызмет",
    )
    assert english[("regional", CheckCode.SERVICES_DELIVERED)] == (
        "every service delivered exactly once",
        "2 services",
    )
    assert english[("regional", CheckCode.FIGURES_MATCH)][1] == (
        "max coefficient 0.125, 2 staff and 0 services moved"
    )


def test_a_solver_fault_in_russian_and_kazakh():
    fault = SolverFault(
        FaultKind.FALSE_INFEASIBLE, Config.HIGHS, Config.HIGHS_NO_PRESOLVE,
        "", "HiGHS 1.15.1",
    )  # fmt: skip
    with using("ru"):
        ru = dataclasses.replace(fault, claim=no_plan_claim(0.6818181818)).sentence()
    with using("kk"):
        kk = dataclasses.replace(fault, claim=no_plan_claim(0.6818181818)).sentence()
    assert ru == (
        "обработана ошибка решателя: HiGHS с presolve (HiGHS 1.15.1) назвал допустимую модель "
        "недопустимой: нет плана, в котором каждый коэффициент не выше 0,681818182 (HiGHS без "
        "presolve нашёл план, который это опровергает); ответ не использован"
    )
    assert kk == (
        "шешуші қатесі өңделді: presolve қосылған HiGHS (HiGHS 1.15.1) орындалатын модельді "
        "орындалмайтын деп атады: әрбір коэффициенті 0,681818182 мәнінен аспайтын жоспар жоқ "
        "(presolve-сыз HiGHS мұны жоққа шығаратын жоспар тапты); жауап пайдаланылмады"
    )


def _doctor_checks(wrong_with_presolve: int) -> list[doctor.Check]:
    """Five models per configuration, the first `wrong_with_presolve` wrong with presolve on."""
    checks = []
    for configuration in (doctor.PRESOLVE_ON, doctor.PRESOLVE_OFF):
        for i in range(5):
            wrong = configuration == doctor.PRESOLVE_ON and i < wrong_with_presolve
            checks.append(doctor.Check(
                doctor.HIGHS, "1.15.1", configuration, f"m{i}", "optimal 32",
                "infeasible" if wrong else "optimal 32", doctor.WRONG if wrong else doctor.RIGHT,
                configuration == doctor.PRESOLVE_OFF, 0.1,
            ))  # fmt: skip
    checks.append(doctor.Check(doctor.CBC, "2.10.3", "PuLP 3.3.2", "m0", "infeasible",
                               "infeasible", doctor.RIGHT, True, 0.1))  # fmt: skip
    return checks


def test_the_doctor_in_russian():
    """The table's header and a row, and the summary with Russian plural forms (2 of 5 models,
    1 model)."""
    checks = _doctor_checks(2)
    with using("ru"):
        table, summary = doctor.table(checks), doctor.summary(checks)
    assert table[0].split() == ["решатель", "версия", "модель", "ожидалось", "получено", "вердикт"]
    assert table[1].split() == [
        "HiGHS", "presolve", "вкл.", "1.15.1", "m0", "оптимально", "32", "недопустимо", "НЕВЕРНО"
    ]  # fmt: skip
    assert summary == [
        "HiGHS 1.15.1: неверно на 2 из 5 моделей с presolve вкл.; верно с presolve выкл. planner "
        "подтверждает каждый сертификат с выключенным presolve и CBC, поэтому его результаты "
        "остаются верными, но сообщите об этом.",
        "CBC 2.10.3 (PuLP 3.3.2): верно на 1 модели.",
    ]


def test_the_doctor_in_kazakh():
    checks = _doctor_checks(0)
    with using("kk"):
        table, summary = doctor.table(checks), doctor.summary(checks)
    assert table[0].split() == ["шешуші", "версия", "модель", "күтілген", "алынған", "қорытынды"]
    assert table[-1].split() == [
        "CBC", "2.10.3", "m0", "орындалмайтын", "орындалмайтын", "дұрыс"
    ]  # fmt: skip
    assert summary == [
        "HiGHS 1.15.1: presolve қосулы да, өшірулі де кезде 5 модельдің барлығында дұрыс.",
        "CBC 2.10.3 (PuLP 3.3.2): 1 модельде дұрыс.",
    ]


def test_a_frontier_service_move_in_words():
    """Half a service moved, as the Frontier sheet and the terminal list it."""
    service = Move("service", "D01", "D02", "Ауыл", "Қала", "S01", "Субсидия", 0.5)
    with using("ru"):
        assert service.words() == "услуга S01 (Субсидия) (50%): Ауыл -> Қала"
    with using("kk"):
        assert service.words() == "S01 (Субсидия) (50%) қызметі: Ауыл -> Қала"


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", ("time limit", "solver fault", "leximax level limit")),
     ("ru", ("лимит времени", "ошибка решателя", "лимит уровней leximax")),
     ("kk", ("уақыт шегі", "шешуші қатесі", "leximax деңгейлерінің шегі"))],
)  # fmt: skip
def test_why_a_search_stopped_is_said_in_the_language(lang, words):
    """A feasible group's stop reason in words (the result workbook's Summary, the result page's
    'stopped: ...', through the page's filter by the reason's code), its value unchanged."""
    from planner.result import StopReason
    from planner.web.pages import stop_reason

    reasons = (StopReason.TIME_LIMIT, StopReason.SOLVER_FAULT, StopReason.LEVEL_LIMIT)
    with using(lang):
        assert tuple(r.text for r in reasons) == words
        assert tuple(stop_reason(r.value) for r in reasons) == words
        assert stop_reason("a reason of a later version") == "a reason of a later version"
    assert [r.value for r in reasons] == ["time limit", "solver fault", "leximax level limit"]
