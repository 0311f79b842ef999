"""No English sentence reaches a person who asked for Kazakh or Russian: the command line run with
`--lang ru` and `--lang kk` (solve of the bundled scenario, as text and as --json, an infeasible
scenario's explanation, validate of a broken workbook, apply, doctor, frontier, forecast; solve of
a WISN scenario and of one with Decisions and Distances sheets, validate of broken ones, the
templates), every text cell of the workbooks it writes (every sheet), and the web workspace's
pages (start, scenario, validation, compare, and the result pages of solve, compare and frontier
jobs, rendered through TestClient with the language switch set) are searched for runs of English
words.

What is English by design is removed first: the scenario's own data (unit, service and group names,
codes, skills, file names), the names of solvers and formats (HiGHS, PuLP, CBC, MILP, xlsx), the
setting values the workbook format keeps as written (minmax, count, ...), option names (--force).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

import planner
from planner.cli import main
from planner.i18n import pgettext, using
from tests.corpus.base import base_workbook
from tests.support import COUNT_PATH, HOURS_PATH, wisn_district_workbook

LANGUAGES = ("ru", "kk")

# Common English words (function words and the planner's own vocabulary): a run of three ASCII
# words with two of these in it is an English phrase, not a code or a name.
ENGLISH = frozenset(
    """
    a about above after all allowed an and any are as at be before below best budget but by can
    cell cells check coefficient could did does each employees every exists figures first for
    found from given group groups has have in infeasible into is it its kept least level limit
    lower max maximum min model moved moves no not of on one only optimal optimum or other plan
    point proven reached respected result service services should skill solved solver staff
    than that the their there this time to transfers unit units upper was were what when which
    with within without workbook would
    """.split()
)
# Names and words kept as written in every language.
ALLOWED = (
    "HiGHS", "PuLP", "CBC", "MILP", "xlsx", "json", "minmax", "leximax", "balance", "count",
    "hours", "wisn", "general", "legal", "seed", "P50", "P90", "P95", "Monte Carlo",
)  # fmt: skip
_WORD_RUN = re.compile(r"[A-Za-z][A-Za-z'*]*(?:[ ,;:()/'-]+[A-Za-z][A-Za-z'*]*)+")
# Options, file names, unit and service codes, t*, and the forecast's model names (ETS(A,A,N)).
_NOISE = re.compile(
    r"(?<![\w-])--?[a-z][a-z-]*|\S+\.(?:xlsx|json|md|log)\b|[A-Z]{1,3}\d+(?:-S\d+)?|t\*|ETS\([A-Z,]+\)"
)


def english_phrases(text: str, data: frozenset[str]) -> list[str]:
    """The runs of English words in `text` once the data names and allowed tokens are removed."""
    # A removed name ends a run: the words on either side are not one phrase. File names and
    # options first, so that "result.xlsx" goes whole.
    text = _NOISE.sub(" | ", text)
    text = _words_pattern(data | frozenset(ALLOWED)).sub(" | ", text)
    found = []
    for run in _WORD_RUN.findall(text):
        words = re.findall(r"[A-Za-z']+", run)
        if len(words) >= 3 and sum(w.lower() in ENGLISH for w in words) >= 2:
            found.append(run)
    return found


@functools.cache
def _words_pattern(words: frozenset[str]) -> re.Pattern[str]:
    """Any of `words` as a whole word (longest first, so that a name wins over its parts)."""
    ordered = sorted(words, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)")


def _data_names(*paths: Path) -> frozenset[str]:
    """Every name the scenarios' data give (shown as written, whatever the language)."""
    names: set[str] = set()
    for path in paths:
        scenario = planner.read_scenario(path)
        for unit in scenario.units:
            names.update([unit.unit_id, unit.name, unit.group, *(n for _, n in unit.names)])
        for service in scenario.services:
            names.update([service.service_id, service.name])
        for variant in scenario.variants:  # the Scenarios sheet's names and descriptions
            # (a description naming codes, "Land Relations (R07)", in the pieces between them,
            # as english_phrases sees it once the codes are gone)
            names.update([variant.name, *(p.strip() for p in _NOISE.split(variant.description))])
        names.update(scenario.groups)
        names.add(scenario.name)
    names.update(path.name for path in paths)
    return frozenset(n for n in names if n)


def _infeasible(folder: Path) -> Path:
    """Base scenario whose regional group cannot staff its minimums (18 employees, 20 needed)."""
    workbook = base_workbook(scenarios=False)
    workbook["Units"]["G2"] = 15
    workbook["Units"]["G3"] = 5
    path = folder / "infeasible.xlsx"
    workbook.save(path)
    return path


def _broken(folder: Path) -> Path:
    workbook = base_workbook()
    workbook["Units"]["J3"] = "perhaps"
    workbook["Services"]["E2"] = "many"
    path = folder / "broken.xlsx"
    workbook.save(path)
    return path


DECISIONS = (
    ("fix headcount", "D02", None, None, None, 8, "agreed with the head"),
    ("pin service", "D01", None, None, "S01"),
    ("forbid transfer", "D04", "D03"),
)
DISTANCES = (("D01", "D02", 10), ("D03", "D04", 40))


def _decided(folder: Path, broken: bool = False) -> Path:
    """The base scenario with a Decisions sheet (a fixed headcount, a pinned service, a forbidden
    transfer) and a Distances sheet in km; broken: a misspelt decision, an unknown unit, a
    negative distance and a distance from a unit to itself."""
    workbook = base_workbook(scenarios=False)
    decisions = workbook.create_sheet("Decisions")
    decisions.append(["Decision", "Unit", "To unit", "Skill", "Service ID", "Employees", "Note"])
    for row in DECISIONS:
        decisions.append(list(row))
    distances = workbook.create_sheet("Distances")
    distances.append(["From unit", "To unit", "Km"])
    for row in DISTANCES:
        distances.append(list(row))
    if broken:
        decisions["A3"], decisions["B4"] = "pin servic", "D09"
        distances["C2"] = -4
        distances.append(["D01", "D01", 3])
    path = folder / ("decided-broken.xlsx" if broken else "decided.xlsx")
    workbook.save(path)
    return path


def _wisn(folder: Path, broken: bool = False) -> Path:
    """The README's WISN district study; broken: an unknown allowance Kind and an individual
    allowance with a Percent."""
    workbook = wisn_district_workbook()
    if broken:
        workbook["Allowances"]["C2"] = "weekly"
        workbook["Allowances"]["E3"] = 5
    path = folder / ("wisn-broken.xlsx" if broken else "wisn.xlsx")
    workbook.save(path)
    return path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@dataclass
class Run:
    """What one language's commands printed, (stdout, stderr) by command, the result workbook
    of the bundled scenario and every workbook the commands wrote."""

    result: Path
    printed: dict[str, tuple[str, str]] = field(default_factory=dict)
    workbooks: list[Path] = field(default_factory=list)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("small") / "small.xlsx"
    base_workbook(scenarios=False).save(path)
    return path


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory) -> dict[str, Path]:
    """The WISN and the decided scenario, and their broken twins."""
    folder = tmp_path_factory.mktemp("scenarios")
    return {
        "wisn": _wisn(folder), "wisn broken": _wisn(folder, broken=True),
        "decided": _decided(folder), "decided broken": _decided(folder, broken=True),
    }  # fmt: skip


@pytest.fixture(scope="module")
def data_names(small, scenarios) -> frozenset[str]:
    """The data's names, and the WISN study's activity names and the Decisions' note (data)."""
    names = _data_names(COUNT_PATH, HOURS_PATH, small, scenarios["wisn"], scenarios["decided"])
    allowances = load_workbook(scenarios["wisn"])["Allowances"]
    activities = {row[1] for row in allowances.iter_rows(min_row=2, values_only=True) if row[1]}
    return names | activities | {DECISIONS[0][-1]} | {p.name for p in scenarios.values()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory, small, scenarios) -> dict[str, Run]:
    """Each command once per language (the bundled scenario solved once, with sensitivity)."""
    folder = tmp_path_factory.mktemp("no-english")
    infeasible, broken = _infeasible(folder), _broken(folder)
    outcome = {}
    for lang in LANGUAGES:
        out = folder / lang
        out.mkdir()
        run = Run(out / "result.xlsx")

        def command(name: str, *argv: str, expect: int = 0) -> None:
            stdout, stderr = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                code = main(["--lang", lang, *argv])  # noqa: B023 - called in this iteration
            assert code == expect, (name, stdout.getvalue(), stderr.getvalue())
            run.printed[name] = (stdout.getvalue(), stderr.getvalue())  # noqa: B023

        command("solve", "solve", "-v", "--out", str(run.result))
        command("solve --json", "solve", str(small), "--json", "--out", str(out / "small.json"))
        command("explain", "solve", str(infeasible), "-v", "--out", str(out / "inf.xlsx"),
                expect=3)  # fmt: skip
        command("explain --json", "solve", str(infeasible), "--json",
                "--out", str(out / "inf.json"), expect=3)  # fmt: skip
        command("validate", "validate", str(broken), expect=2)
        command("apply", "apply", str(run.result), "--out", str(out / "applied.xlsx"))
        command("doctor", "doctor")
        command("frontier", "frontier", str(small), "--out", str(out / "frontier.xlsx"))
        command("solve --samples", "solve", str(small), "--samples", "20", "--seed", "1",
                "--out", str(out / "samples.xlsx"))  # fmt: skip
        command("forecast", "forecast", str(HOURS_PATH), "--year", "2025",
                "--out", str(out / "forecast.xlsx"))  # fmt: skip
        for name in ("wisn", "decided"):
            command(f"solve {name}", "solve", str(scenarios[name]), "-v",
                    "--out", str(out / f"{name}-result.xlsx"))  # fmt: skip
            command(f"validate {name} broken", "validate", str(scenarios[f"{name} broken"]),
                    expect=2)  # fmt: skip
        command("apply decided", "apply", str(out / "decided-result.xlsx"),
                "--out", str(out / "decided-applied.xlsx"))  # fmt: skip
        command("template", "template", str(out / "template.xlsx"))
        command("template --wisn", "template", "--wisn", str(out / "template-wisn.xlsx"))
        with using(lang):  # the decided scenario written back: its Decisions and Distances
            planner.write_scenario(
                planner.read_scenario(scenarios["decided"]), out / "decided-written.xlsx"
            )
        run.workbooks = [run.result] + [
            out / f"{stem}.xlsx"
            for stem in ("frontier", "samples", "forecast", "wisn-result", "decided-result",
                         "decided-applied", "decided-written", "template", "template-wisn")
        ]  # fmt: skip
        outcome[lang] = run
    return outcome


def _json_words(document: object) -> list[str]:
    """The fields of a --json summary that a person reads (names, details, explanations, notes)."""
    human = {"name", "detail", "explanation", "item", "change", "solver_faults", "notes"}
    found: list[str] = []

    def walk(value: object, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key in human:
            found.append(value)

    walk(document)
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_command_line_prints_no_english(runs, data_names, lang):
    """Every line each command printed (stdout and stderr; --json: its stderr) has no English
    phrase."""
    english = {}
    for name, (stdout, stderr) in runs[lang].printed.items():
        text = stderr if name.endswith("--json") else stdout + stderr
        phrases = [p for line in text.splitlines() for p in english_phrases(line, data_names)]
        if phrases:
            english[name] = phrases
    assert english == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_json_summary_has_no_english_in_its_words(runs, data_names, lang):
    """--json keeps its keys and codes; the fields a person reads are in the language."""
    english = []
    for name in ("solve --json", "explain --json"):
        document = json.loads(runs[lang].printed[name][0])
        english += [p for text in _json_words(document) for p in english_phrases(text, data_names)]
    assert english == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_workbooks_have_no_english_text(runs, data_names, lang):
    """Every text cell and comment of every sheet of each workbook written: the results of the
    bundled, the WISN and the decided scenario, the frontier, the forecast, the applied plan
    (with its Distances sheet), the decided scenario written back (Decisions and Distances) and
    both templates (the WISN one with its Working time and Allowances sheets)."""
    english = []
    for path in runs[lang].workbooks:
        workbook = load_workbook(path)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    texts = [cell.value] if isinstance(cell.value, str) else []
                    texts += [cell.comment.text] if cell.comment is not None else []
                    english += [
                        (path.name, sheet.title, cell.coordinate, p)
                        for text in texts
                        for p in english_phrases(text, data_names)
                    ]
    assert english == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_workbooks_have_the_sheets_guarded(runs, lang):
    """The sheets once left out of this guard are in what it searched: WISN in the WISN result,
    Distances in the applied plan, Decisions in the decided scenario written back, the WISN
    sheets in the WISN template."""
    with using(lang):
        expected = {
            "wisn-result.xlsx": pgettext("sheet", "WISN"),
            "decided-applied.xlsx": pgettext("sheet", "Distances"),
            "decided-written.xlsx": pgettext("sheet", "Decisions"),
            "template-wisn.xlsx": pgettext("sheet", "Allowances"),
        }
    sheets = {p.name: load_workbook(p, read_only=True).sheetnames for p in runs[lang].workbooks}
    assert [name for name, sheet in expected.items() if sheet not in sheets[name]] == []


def test_the_detector_finds_english_and_passes_names():
    """The guard itself: an English note is found; a Russian line with codes and names is not."""
    data = frozenset({"Department of Agriculture", "Districts"})
    assert english_phrases("t* found exactly by counting (only staff move, no MILP)", data) == [
        "found exactly by counting (only staff move, no"
    ]
    assert english_phrases("Districts: the plan of Department of Agriculture is kept", data) == [
        "the plan of"
    ]
    assert english_phrases("Districts: оптимально, HiGHS с презолвом; t* = 0,5", data) == []
    assert (
        english_phrases("D01-S12 (Department of Agriculture) -> D02: --force, minmax", data) == []
    )


# What the guarded runs must say, exactly (one line or cell per command of this branch's words).
EXPECTED = {
    "ru": {
        "checks": ("Districts", "численность целая и неотрицательная", "пройдена",
                   "13 ячеек «подразделение — специализация»"),
        "note": "Districts: t* найден точно подсчётом (перемещаются только сотрудники, без MILP): "
        "порогов, опровергнутых суммами правил: 7; показанных напрямую построенным планом: 2; "
        "решённых максимальным потоком: 0",
        "apply": ": план из result.xlsx применён к west-kazakhstan-2024.xlsx; подразделений: 34, "
        "сотрудников: 1\u00a0838, услуг: 730",
        "plan exists": "план существует",
        "frontier": "    лимит 2: 0,125  <- оптимум достигнут",
    },
    "kk": {
        "checks": ("Districts", "штат саны бүтін және теріс емес", "өтті",
                   "«бөлімше — мамандық» 13 ұяшығы"),
        "note": "Districts: t* санау арқылы дәл табылды (тек қызметкерлер ауыстырылады, MILP-сыз): "
        "ережелер қосындысымен жоққа шығарылған табалдырықтар: 7; тікелей құрылған жоспармен "
        "көрсетілгендері: 2; ең үлкен ағынмен шешілгендері: 0",
        "apply": ": result.xlsx жоспары west-kazakhstan-2024.xlsx кітабына қолданылды; бөлімшелер: "
        "34, қызметкерлер: 1\u00a0838, қызметтер: 730",
        "plan exists": "жоспар бар",
        "frontier": "    шек 2: 0,125  <- оңтайлы мәнге жетті",
    },
}  # fmt: skip


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_guarded_runs_say_these_words(runs, lang):
    """The first check of the Checks sheet, the Summary's note on how Districts was solved (the
    English sentence the guard first failed on), apply's summary, the infeasible group's check
    in --json (its code unchanged) and a frontier point."""
    expected = EXPECTED[lang]
    workbook = load_workbook(runs[lang].result)
    with using(lang):
        checks, summary = (
            workbook[pgettext("sheet", "Checks")],
            workbook[pgettext("sheet", "Summary")],
        )
    assert tuple(c.value for c in checks[2]) == expected["checks"]
    notes = [c.value for c in summary["A"] if isinstance(c.value, str) and "t*" in c.value]
    assert notes == [expected["note"]]
    assert runs[lang].printed["apply"][0].strip().endswith(expected["apply"])
    document = json.loads(runs[lang].printed["explain --json"][0])
    assert [(c["code"], c["name"], c["passed"]) for c in document["checks"]] == [
        ("plan-exists", expected["plan exists"], False)
    ]
    assert expected["frontier"] in runs[lang].printed["frontier"][0].splitlines()


MONTE_CARLO = {
    "ru": ("  districts (текущее распределение): P50 0,200, P90 0,200, P95 0,200",
           "  regional (план): P50 0,125, P90 0,125, P95 0,125", "Неопределённость",
           ["текущее распределение", "план"]),
    "kk": ("  districts (қазіргі бөлу): P50 0,200, P90 0,200, P95 0,200",
           "  regional (жоспар): P50 0,125, P90 0,125, P95 0,125", "Белгісіздік",
           ["қазіргі бөлу", "жоспар"]),
}  # fmt: skip


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_monte_carlo_names_its_plans_in_the_language(runs, lang):
    """`solve --samples` names the plans it samples (the allocation before the plan, the plan)
    in the language, in the lines it prints and in the Uncertainty sheet's first table."""
    first, last, sheet, plans = MONTE_CARLO[lang]
    printed = runs[lang].printed["solve --samples"][0].splitlines()
    assert first in printed and last in printed
    workbook = load_workbook(next(p for p in runs[lang].workbooks if p.name == "samples.xlsx"))
    named = [row[0] for row in workbook[sheet].iter_rows(values_only=True) if row[0] in plans]
    assert sorted(set(named)) == sorted(plans)


# --- the web workspace ---------------------------------------------------------------------------


class _PageText(HTMLParser):
    """The text a person reads on a page: its words and the titles, labels and placeholders of
    its elements (not scripts and styles)."""

    SHOWN = ("title", "aria-label", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("script", "style")
        self.texts += [value for key, value in attrs if key in self.SHOWN and value]

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def page_texts(html: str) -> list[str]:
    parser = _PageText()
    parser.feed(html)
    return parser.texts


@pytest.fixture(scope="module")
def pages(tmp_path_factory, small, scenarios) -> dict[str, dict[str, str]]:
    """The main pages of the web workspace with the switch on each language, by name: start,
    compare, the scenario pages of the small, WISN and decided workbooks, the validation page of
    a broken one, and the job pages of their solves, a frontier and a comparison once done; and
    pages of what was made while the switch was on English (a broken upload's validation, the
    bundled scenario's page), shown once it moved to the language."""
    from tests.web.conftest import client_for, upload, wait, workbook_bytes
    from tests.web.test_pages import _post

    broken = base_workbook()
    broken["Units"]["J3"] = "perhaps"
    broken["Services"]["E2"] = "many"
    found: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        shown: dict[str, str] = {}
        with client_for(tmp_path_factory.mktemp(f"web-{lang}")) as client:
            # Made while the switch is on English, shown after it moves: a validation report
            # and a scenario page (cached). (A job's page follows the switch too, but the notes
            # its solve wrote stay in the job's language: planner.web.worker.)
            client.get("/lang/en?next=/")
            english_broken = base_workbook()
            english_broken["Units"]["J3"], english_broken["Services"]["E3"] = "perhaps", "few"
            english_ids = {
                "invalid": upload(client, workbook_bytes(english_broken), "broken-en.xlsx")["id"],
                "valid": upload(client, COUNT_PATH.read_bytes(), COUNT_PATH.name)["id"],
            }
            client.get(f"/workbooks/{english_ids['valid']}")
            client.get(f"/lang/{lang}?next=/")
            ids = {
                name: upload(client, path.read_bytes(), path.name)["id"]
                for name, path in (("small", small), ("wisn", scenarios["wisn"]),
                                   ("decided", scenarios["decided"]))
            }  # fmt: skip
            invalid = upload(client, workbook_bytes(broken), "broken.xlsx")["id"]
            jobs = {
                f"solve {name}": _post(client, f"/workbooks/{upload_id}/solve",
                                       data={"option": "baseline", "sensitivity": "1"})
                for name, upload_id in ids.items()
            }  # fmt: skip
            jobs["frontier"] = _post(client, f"/workbooks/{ids['small']}/frontier", data={})
            jobs["compare"] = _post(client, "/compare", data={"upload": ids["small"]})
            for name, response in jobs.items():
                assert response.status_code == 303, (name, response.text)
                job_url = response.headers["location"]
                assert wait(client, job_url.rsplit("/", 1)[1], timeout=300)["status"] == "done"
                shown[name] = client.get(job_url).text
            shown["start"] = client.get("/").text
            shown["compare form"] = client.get("/compare").text
            shown["validation"] = client.get(f"/workbooks/{invalid}/validation").text
            for name, upload_id in ids.items():
                shown[f"scenario {name}"] = client.get(f"/workbooks/{upload_id}").text
            shown["validation (uploaded in English)"] = client.get(
                f"/workbooks/{english_ids['invalid']}/validation"
            ).text
            shown["scenario (opened in English)"] = client.get(
                f"/workbooks/{english_ids['valid']}"
            ).text
        found[lang] = shown
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_web_pages_have_no_english(pages, data_names, lang):
    """Every page's text, titles and labels (the WISN table, the decisions kept, the frontier's
    chart, the comparison) has no English phrase."""
    english = {
        name: found
        for name, html in pages[lang].items()
        if (found := [p for text in page_texts(html) for p in english_phrases(text, data_names)])
    }
    assert english == {}


@pytest.mark.parametrize(
    ("lang", "words"),
    [("ru", ("<html lang=\"ru\">", "Граница: small", "Сравнение", "перелом при 1")),
     ("kk", ("<html lang=\"kk\">", "Шекара: small", "Салыстыру", "сыну нүктесі 1"))],
)  # fmt: skip
def test_the_web_pages_guarded_are_in_the_language(pages, lang, words):
    """The pages searched are the language's (not an English page the guard would pass for want
    of a switch): the frontier's title and knee, the comparison's title."""
    joined = pages[lang]["frontier"] + pages[lang]["compare"]
    assert [w for w in words if w not in joined] == []
