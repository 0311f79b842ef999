"""The web workspace's language switch: Қазақша / Русский / English on every page, remembered in
a cookie, the page's lang attribute, the browser's Accept-Language as the first guess, and no
redirect away from the site."""

from __future__ import annotations

import re

from tests.web.conftest import client_for


def test_the_switch_sets_the_language_and_remembers_it(tmp_path):
    """The start page is English by default with the three names on it; choosing Русский sets a
    cookie, goes back to the page and every later page is Russian with lang="ru"."""
    with client_for(tmp_path / "workspace") as client:
        page = client.get("/", headers={"Accept-Language": "en"})
        assert '<html lang="en">' in page.text
        for name in ("Қазақша", "Русский", "English"):
            assert f">{name}</a>" in page.text
        assert "<h1>Workload planner</h1>" in page.text

        switched = client.get("/lang/ru?next=/compare", follow_redirects=False)
        assert switched.status_code == 303
        assert switched.headers["location"] == "/compare"
        assert "lang=ru" in switched.headers["set-cookie"]

        page = client.get("/", headers={"Accept-Language": "en"})  # the cookie wins
        assert '<html lang="ru">' in page.text
        assert "<h1>Планировщик нагрузки</h1>" in page.text
        assert 'href="/lang/ru?next=/" lang="ru" hreflang="ru" aria-current="true"' in page.text

        client.get("/lang/kk?next=/")
        page = client.get("/")
        assert '<html lang="kk">' in page.text
        assert "<h1>Жүктеме жоспарлаушысы</h1>" in page.text


def test_accept_language_is_the_first_guess(tmp_path):
    """With no cookie, the browser's first language of ours is taken (kk before ru by weight)."""
    with client_for(tmp_path / "workspace") as client:
        page = client.get("/", headers={"Accept-Language": "de;q=1, kk;q=0.9, ru;q=0.8"})
        assert '<html lang="kk">' in page.text


def test_the_switch_never_leaves_the_site(tmp_path):
    """?next= is followed only to a path of this site; an unknown language is a 404."""
    with client_for(tmp_path / "workspace") as client:
        away = client.get("/lang/ru?next=//evil.example/", follow_redirects=False)
        assert away.headers["location"] == "/"
        assert client.get("/lang/de", follow_redirects=False).status_code == 404


def test_a_russian_solve_shows_a_russian_plan(client, base_bytes):
    """With the switch on Русский: the check page, the scenario page and the result page are in
    Russian (the job's worker writes the plan's sentences in Russian), with decimal commas."""
    from tests.web.conftest import upload, wait
    from tests.web.test_pages import _post

    client.get("/lang/ru?next=/")
    answer = upload(client, base_bytes)
    scenario_page = client.get(f"/workbooks/{answer['id']}").text
    assert "<h2>Параметры в книге</h2>" in scenario_page
    form = {"option": "baseline", "objective": "minmax", "max_staff_moves": "",
            "max_service_moves": "", "time_limit": "", "allow_staff_moves": ["no", "yes"],
            "allow_service_moves": ["no", "yes"]}  # fmt: skip
    job_url = _post(client, f"/workbooks/{answer['id']}/solve", data=form).headers["location"]
    wait(client, job_url.rsplit("/", 1)[1])
    html = client.get(job_url).text
    assert '<html lang="ru">' in html
    assert '<strong id="status">оптимально</strong>' in html
    assert '<h2 id="transfers">Переводы</h2>' in html
    assert re.search(r'<strong id="max-after">\d,\d{3}</strong>', html)
    assert "Наибольший коэффициент снижается с" in html


# The first group of the bundled scenario (Districts), solved in English: the headline of its
# plan (the proven highest coefficient and the fewest moves that reach it) and the name of D01,
# as each language says them.
PLAN_IN_WORDS = {
    "en": ("The highest coefficient falls from 0.667 to 0.395 by moving 270 employees.",
           "Akzhaik District"),
    "ru": ("Наибольший коэффициент снижается с 0,667 до 0,395 благодаря перемещению 270 "
           "сотрудников.", "Акжаикский район"),
    "kk": ("Ең жоғары коэффициент 270 қызметкер ауыстыру арқылы 0,667 мәнінен 0,395 мәніне "
           "дейін төмендейді.", "Ақжайық ауданы"),
}  # fmt: skip


def test_a_finished_plan_speaks_the_viewers_language(client):
    """A solve run in English shows its plan explanation and its unit names in Russian and in
    Kazakh once the viewer switches, and in English again: the worker rendered the page's view
    in each language (view-kk.json, view-ru.json, view-en.json)."""
    from tests.web.conftest import BUNDLED, upload, wait
    from tests.web.test_pages import _post

    client.get("/lang/en?next=/")
    answer = upload(client, BUNDLED.read_bytes(), BUNDLED.name)
    job_url = _post(client, f"/workbooks/{answer['id']}/solve", data={"option": "baseline"})
    job_url = job_url.headers["location"]
    assert wait(client, job_url.rsplit("/", 1)[1], timeout=300)["status"] == "done"
    for lang in ("ru", "kk", "en"):
        client.get(f"/lang/{lang}?next=/")
        html = client.get(job_url).text
        headline, d01 = PLAN_IN_WORDS[lang]
        assert f'<html lang="{lang}">' in html
        assert f"<li>{headline}</li>" in html
        assert f'<tr data-unit="D01"><td>D01</td><td>{d01}</td>' in html


def test_validation_scenario_and_comparison_pages_follow_the_switch(client):
    """Pages of an upload made in English speak the viewer's language once the switch moves: the
    validation page's problem (validated again in that language, once), the scenario page's unit
    names, and a finished comparison's status and baseline description."""
    from tests.corpus.base import base_workbook
    from tests.web.conftest import BUNDLED, upload, wait, workbook_bytes
    from tests.web.test_pages import _post

    client.get("/lang/en?next=/")
    broken = base_workbook()
    broken["Units"]["J3"] = "perhaps"
    bad = upload(client, workbook_bytes(broken), "broken.xlsx")["id"]
    good = upload(client, BUNDLED.read_bytes(), BUNDLED.name)["id"]
    assert "<td>Akzhaik District</td>" in client.get(f"/workbooks/{good}").text  # cached in en
    job_url = _post(client, "/compare", data={"upload": good}).headers["location"]
    assert wait(client, job_url.rsplit("/", 1)[1], timeout=300)["status"] == "done"
    expected = {
        "en": ("Locked must be yes or no", "Akzhaik District", "optimal",
               "the base settings of the workbook"),
        "ru": ("Закреплено: нужно да или нет", "Акжаикский район", "оптимально",
               "базовые параметры книги"),
        "kk": ("Бекітілген: иә немесе жоқ керек", "Ақжайық ауданы", "оңтайлы",
               "кітаптың негізгі параметрлері"),
    }  # fmt: skip
    for lang in ("ru", "kk", "en"):
        problem, d01, status, baseline = expected[lang]
        client.get(f"/lang/{lang}?next=/")
        validation = client.get(f"/workbooks/{bad}/validation").text
        assert f"<tr><td>Units</td><td>J3</td><td>perhaps</td><td>{problem}</td></tr>" in validation
        scenario = client.get(f"/workbooks/{good}").text
        assert f"<tr><td>D01</td><td>{d01}</td>" in scenario
        comparison = client.get(job_url).text
        assert (
            f'<td>baseline<br><span class="hint">{baseline}</span></td><td>{status}</td>'
            in comparison
        )


def test_a_jobs_label_names_its_kind_in_the_viewers_language(client, base_bytes):
    """A comparison queued in English is titled in the viewer's language on its page and in the
    start page's list of jobs; the API keeps the label as made."""
    from tests.web.conftest import upload, wait
    from tests.web.test_pages import _post

    client.get("/lang/en?next=/")
    answer = upload(client, base_bytes, "small.xlsx")
    job_url = _post(client, "/compare", data={"upload": answer["id"]}).headers["location"]
    job_id = job_url.rsplit("/", 1)[1]
    assert wait(client, job_id, timeout=300)["status"] == "done"
    titles = {"en": "compare small.xlsx", "ru": "сравнение: small.xlsx",
              "kk": "салыстыру: small.xlsx"}  # fmt: skip
    for lang, title in titles.items():
        client.get(f"/lang/{lang}?next=/")
        assert f"<h1>{title}</h1>" in client.get(job_url).text
        assert f'<a href="/jobs/{job_id}">{title}</a>' in client.get("/").text
    assert client.get(f"/api/jobs/{job_id}").json()["label"] == "compare small.xlsx"


def test_a_frontier_run_in_english_speaks_the_viewers_language(client, base_bytes):
    """A frontier drawn with the switch on English names its budget's kind and its marks in the
    viewer's language once the switch moves (the study's own words are rendered per language)."""
    from tests.web.conftest import upload, wait
    from tests.web.test_pages import _post

    client.get("/lang/en?next=/")
    answer = upload(client, base_bytes, "small.xlsx")
    job_url = _post(client, f"/workbooks/{answer['id']}/frontier", data={}).headers["location"]
    assert wait(client, job_url.rsplit("/", 1)[1], timeout=300)["status"] == "done"
    words = {
        "en": ("<h1>Balance against staff moves: small</h1>", "optimum reached"),
        "ru": ("<h1>Баланс и лимит (перемещения сотрудников): small</h1>", "оптимум достигнут"),
        "kk": ("<h1>Теңгерім және шек (қызметкер ауыстырулары): small</h1>", "оңтайлы мәнге жетті"),
    }
    for lang in ("ru", "kk", "en"):
        client.get(f"/lang/{lang}?next=/")
        html = client.get(job_url).text
        title, mark = words[lang]
        assert title in html
        assert f"<td>{mark}</td>" in html
