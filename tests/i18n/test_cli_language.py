"""`planner solve --lang ru|kk` prints its summary in that language with the figures of the
English run (decimal commas, Russian plural forms); the workbook's `language` setting decides when
--lang is not given; the help follows --lang; the environment's locale is the last resort."""

from __future__ import annotations

from pathlib import Path

from planner.cli import main
from planner.i18n import resolve_language
from tests.corpus.base import base_workbook


def _solve(capsys, tmp_path: Path, *options: str) -> list[str]:
    out = tmp_path / f"result{len(list(tmp_path.iterdir()))}.xlsx"
    assert main(["solve", *options, "--no-sensitivity", "-q", "--out", str(out)]) == 0
    return capsys.readouterr().out.splitlines()


def test_solve_speaks_russian_and_kazakh_with_the_same_figures(capsys, tmp_path):
    """The bundled scenario: 1.714 -> 0.682, 364 staff and 14 services moved, in three
    languages."""
    english = _solve(capsys, tmp_path)
    russian = _solve(capsys, tmp_path, "--lang", "ru")
    kazakh = _solve(capsys, tmp_path, "--lang", "kk")
    assert english[0] == (
        "west-kazakhstan-2024: optimal (minmax, count); max coefficient 1.714 -> 0.682, "
        "364 staff moved, 14 services moved"
    )
    assert russian[0] == (
        "west-kazakhstan-2024: оптимально (minmax, count); наибольший коэффициент 1,714 -> "
        "0,682, перемещено 364 сотрудника, передано 14 услуг"
    )
    assert kazakh[0] == (
        "west-kazakhstan-2024: оңтайлы (minmax, count); ең жоғары коэффициент 1,714 -> 0,682, "
        "364 қызметкер ауыстырылды, 14 қызмет берілді"
    )
    assert russian[1] == "  3 группы: 3 оптимально"
    assert kazakh[1] == "  3 топ: 3 оңтайлы"
    assert russian[-1].startswith("книга с результатом: ")
    assert kazakh[-1].startswith("нәтиже кітабы: ")


def test_the_workbook_language_setting_decides_without_lang(capsys, tmp_path):
    """`language = русский` in the Settings sheet: the run speaks Russian; --lang en wins."""
    workbook = base_workbook(scenarios=False)
    workbook["Settings"].append(["language", "Русский"])
    path = tmp_path / "ru.xlsx"
    workbook.save(path)
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out == (
        f"{path}: ошибок нет. 4 подразделения, 29 сотрудников, 4 услуги, 2 группы, "
        "1 специализация; коэффициент count, цель minmax\n"
    )
    assert main(["validate", str(path), "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith(f"{path}: valid. 4 units, 29 employees")


def test_a_broken_workbook_is_reported_in_kazakh_with_exit_2(capsys, tmp_path):
    workbook = base_workbook()
    workbook["Units"]["J3"] = "мүмкін"
    path = tmp_path / "broken.xlsx"
    workbook.save(path)
    assert main(["validate", str(path), "--lang", "kk"]) == 2
    assert capsys.readouterr().err == (
        f"{path}: 1 мәселе:\n  - Units!J3: Бекітілген: иә немесе жоқ керек (табылғаны 'мүмкін')\n"
    )


def test_help_follows_lang(capsys):
    try:
        main(["--lang", "ru", "solve", "--help"])
    except SystemExit as stop:
        assert stop.code == 0
    assert "Оптимизировать сценарий и записать книгу с результатом." in capsys.readouterr().out


def test_resolution_order():
    """--lang, then the workbook, then LANGUAGE / LC_ALL / LC_MESSAGES / LANG, then English."""
    assert resolve_language("kk", "ru", {"LANG": "ru_RU.UTF-8"}) == "kk"
    assert resolve_language(None, "Русский", {"LANG": "kk_KZ.UTF-8"}) == "ru"
    assert resolve_language(None, None, {"LANG": "kk_KZ.UTF-8"}) == "kk"
    assert resolve_language(None, None, {"LC_ALL": "C", "LANG": "ru_RU.UTF-8"}) == "en"
    assert resolve_language(None, None, {"LANGUAGE": "de:ru", "LANG": "kk_KZ"}) == "ru"
    assert resolve_language(None, None, {}) == "en"
