"""The command line as a new user meets it (issue 11): it never loses a file, writes where the
input is, says what it does and shows every figure by one rule. Each test names the finding it
would have caught on main before the fix."""

from __future__ import annotations

import importlib
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from rich.console import Console

import planner
from planner import Status
from planner.cli import build_parser, main, progress_detail, version
from planner.datasets.bundled import bundled_names
from tests.corpus.base import base_workbook
from tests.support import COUNT_PATH


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    """A clean two-group scenario (4 units) in its own folder, solved in well under a second."""
    folder = tmp_path / "planner-files"
    folder.mkdir()
    path = folder / "health.xlsx"
    base_workbook(scenarios=False).save(path)
    return path


def _elsewhere(tmp_path: Path, monkeypatch) -> Path:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


# --- 1. never overwrite a file ----------------------------------------------------------------


def test_template_refuses_to_overwrite_a_filled_workbook(scenario_file: Path, capsys) -> None:
    """Finding 1: `planner template health.xlsx` over a filled scenario printed "template
    written" and exit 0. Now exit 2, the message says what to do, and the file is unchanged."""
    before = scenario_file.read_bytes()
    assert main(["template", str(scenario_file)]) == 2
    assert capsys.readouterr().err == (
        f"error: {scenario_file} already exists: pass --force (-f) to replace it, or choose "
        "another name\n"
    )
    assert scenario_file.read_bytes() == before


def test_template_force_replaces(scenario_file: Path, capsys) -> None:
    """With --force the template replaces the file (and validates)."""
    assert main(["template", str(scenario_file), "--force"]) == 0
    assert capsys.readouterr().out == f"template written to {scenario_file.resolve()}\n"
    assert openpyxl.load_workbook(scenario_file).sheetnames[0] == "Instructions"


def test_generate_refuses_to_overwrite(scenario_file: Path, capsys) -> None:
    """Finding 1: `planner generate --out` over an existing file; exit 2, bytes unchanged."""
    before = scenario_file.read_bytes()
    code = main(["generate", "--profile", "small", "--out", str(scenario_file), "--quiet"])
    assert code == 2
    assert capsys.readouterr().err == (
        f"error: {scenario_file} already exists: pass --force (-f) to replace it, or choose "
        "another name with --out\n"
    )
    assert scenario_file.read_bytes() == before


@pytest.mark.parametrize("command", ["solve", "compare", "frontier"])
def test_solving_commands_refuse_an_existing_output_before_solving(
    scenario_file: Path, command: str, capsys, monkeypatch
) -> None:
    """Finding 1: solve, compare and frontier refuse an existing --out with exit 2 before any
    work (nothing is read or solved), and leave it as it was."""
    out = scenario_file.with_name("kept.xlsx")
    out.write_bytes(b"a planner's own file")
    monkeypatch.setattr("planner.workbook.read_scenario", _must_not_run)
    assert main([command, str(scenario_file), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"error: {out} already exists: pass --force (-f) to replace it, or choose another name "
        "with --out\n"
    )
    assert out.read_bytes() == b"a planner's own file"


def _must_not_run(*args, **kwargs):
    raise AssertionError("the output was refused, so nothing may be read")


def test_the_input_is_never_overwritten_even_with_force(scenario_file: Path, capsys) -> None:
    """--out naming the input (through another spelling of its path) is refused with --force."""
    before = scenario_file.read_bytes()
    other_spelling = scenario_file.parent / ".." / scenario_file.parent.name / scenario_file.name
    assert main(["solve", str(scenario_file), "--out", str(other_spelling), "--force"]) == 2
    assert capsys.readouterr().err == (
        f"error: --out {other_spelling}: that is the input workbook; refusing to write over it "
        "(even with --force): choose another name\n"
    )
    assert scenario_file.read_bytes() == before


def test_solve_force_replaces_its_own_earlier_result(scenario_file: Path, capsys) -> None:
    """A second `planner solve` needs --force; with it the result is written again."""
    assert main(["solve", str(scenario_file), "--quiet"]) == 0
    result = scenario_file.with_name("health-result.xlsx")
    first = result.stat().st_mtime_ns
    assert main(["solve", str(scenario_file), "--quiet"]) == 2
    assert "health-result.xlsx already exists: pass --force (-f)" in capsys.readouterr().err
    assert result.stat().st_mtime_ns == first
    assert main(["solve", str(scenario_file), "--quiet", "-f"]) == 0
    assert result.stat().st_mtime_ns != first


# --- 2. where the outputs go ------------------------------------------------------------------


def test_solve_writes_beside_the_input_not_in_the_current_folder(
    scenario_file: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    """Finding 2: `planner solve my.xlsx` wrote to the tool's outputs/. Now beside the input."""
    cwd = _elsewhere(tmp_path, monkeypatch)
    assert main(["solve", str(scenario_file)]) == 0
    expected = scenario_file.with_name("health-result.xlsx")
    assert expected.is_file()
    assert list(cwd.iterdir()) == []
    assert capsys.readouterr().out.endswith(f"result workbook: {expected.resolve()}\n")


def test_compare_and_frontier_write_beside_the_input(
    scenario_file: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    """The comparison and frontier workbooks go beside the (first) input too."""
    cwd = _elsewhere(tmp_path, monkeypatch)
    assert main(["compare", str(scenario_file)]) == 0
    assert main(["frontier", str(scenario_file), "--max-moves", "0:2"]) == 0
    assert sorted(p.name for p in scenario_file.parent.iterdir()) == [
        "health-comparison.xlsx", "health-frontier.xlsx", "health.xlsx",
    ]  # fmt: skip
    assert list(cwd.iterdir()) == []


def test_bundled_scenario_solves_into_the_current_folder(tmp_path: Path, capsys, monkeypatch):
    """Finding 2: `planner solve` with no argument reads the bundled workbook from the package
    data and writes its result into the current folder (never into the package)."""
    cwd = _elsewhere(tmp_path, monkeypatch)
    assert main(["solve", "--no-sensitivity"]) == 0
    assert [p.name for p in cwd.iterdir()] == ["west-kazakhstan-2024-result.xlsx"]
    assert bundled_names() == ["west-kazakhstan-2024", "west-kazakhstan-2024-hours"]
    assert not (COUNT_PATH.parent / "west-kazakhstan-2024-result.xlsx").exists()


def test_a_bundled_scenario_can_be_named(tmp_path: Path, capsys, monkeypatch) -> None:
    """A bundled scenario's name works where a path is expected (when no such file exists)."""
    _elsewhere(tmp_path, monkeypatch)
    assert main(["validate", "west-kazakhstan-2024-hours"]) == 0
    assert "west-kazakhstan-2024-hours.xlsx: valid. 34 units" in capsys.readouterr().out


def test_a_missing_file_is_named(tmp_path: Path, capsys, monkeypatch) -> None:
    """A file that does not exist (and is no bundled name) is reported with exit 2."""
    _elsewhere(tmp_path, monkeypatch)
    assert main(["solve", "nothere.xlsx"]) == 2
    err = capsys.readouterr().err
    assert "nothere.xlsx: no such file" in err and "Traceback" not in err


# --- 3. the typo that validation let through; warnings once -----------------------------------


def test_a_skill_typo_is_an_error_on_its_services_cell(tmp_path: Path, capsys) -> None:
    """Finding 3: a skill typed `legals` where the group's staff are `legal` passed validation and
    `solve` exited 3 pointing at a Units row. Now both commands exit 2 naming the Services cell,
    with "did you mean"."""
    workbook = base_workbook(staff=True, scenarios=False)
    workbook["Services"]["D3"] = "legals"
    path = tmp_path / "typo.xlsx"
    workbook.save(path)
    expected = (
        "  - Services!D3: no employee of group 'regional' has skill 'legals', so service 'S02' "
        "can never be delivered (did you mean 'legal'? the group's skills: general, legal) "
        "(found 'legals')\n"
    )
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err == f"{path}: 1 problem:\n{expected}"
    assert main(["solve", str(path), "--out", str(tmp_path / "r.xlsx")]) == 2
    assert capsys.readouterr().err == f"1 problem in the input:\n{expected}"
    assert not (tmp_path / "r.xlsx").exists()


def _with_one_warning(path: Path) -> Path:
    workbook = base_workbook(staff=True, scenarios=False)
    workbook["Services"]["D3"] = "legal"  # D02 has no legal staff, D01 has: the plan moves some
    workbook.save(path)
    return path


WARNING = (
    "  - Services!D3: unit 'D02' has no staff of its skill 'legal': the plan must move staff or "
    "the service (found 'legal')"
)


def test_a_warning_is_printed_once(tmp_path: Path, capsys) -> None:
    """Finding 3: warnings were printed twice. Solve prints each once, under its file's name;
    comparing the same workbook twice still prints it once."""
    path = _with_one_warning(tmp_path / "warned.xlsx")
    assert main(["solve", str(path)]) == 0
    assert capsys.readouterr().err == f"Warnings in warned.xlsx:\n{WARNING}\n"
    assert main(["compare", str(path), str(path), "--out", str(tmp_path / "c.xlsx")]) == 0
    assert capsys.readouterr().err == f"Warnings in warned.xlsx:\n{WARNING}\n"


# --- 4. version, help, extensions --------------------------------------------------------------


def test_version(capsys) -> None:
    """Finding 4: `planner --version` was an error."""
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"planner {version()}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", version())


def test_every_argument_has_help_and_every_command_an_example() -> None:
    """Finding 4: `planner validate --help` showed `path` with no text. Every option and
    positional of every command has help text, and each command's help ends with an example."""
    parser = build_parser()
    assert all(action.help for action in parser._actions)
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert sorted(commands) == [
        "apply", "compare", "doctor", "forecast", "frontier", "generate", "serve", "solve", "template",
        "validate",
    ]  # fmt: skip
    for name, command in commands.items():
        for action in command._actions:
            assert action.help, f"planner {name}: {action.dest} has no help"
        assert command.epilog.startswith(f"example:\n  planner {name}")


def test_help_shows_the_example(capsys) -> None:
    """`planner validate --help` describes the argument and shows one example."""
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    text = capsys.readouterr().out
    words = " ".join(text.split())  # the wrapping follows the terminal's width
    assert "SCENARIO scenario workbook (.xlsx), or the name of a bundled scenario" in words
    assert text.endswith("example:\n  planner validate my-scenario.xlsx\n")


@pytest.mark.parametrize(
    ("command", "out", "allowed"),
    [
        (["solve"], "result.csv", ".xlsx or .json"),
        (["compare"], "result.json", ".xlsx or .md"),
        (["frontier"], "result.md", ".xlsx"),
    ],
)
def test_an_output_extension_is_checked(
    scenario_file: Path, command: list[str], out: str, allowed: str, capsys
) -> None:
    """Finding 4: `--out result.csv` silently wrote an .xlsx named result.csv. Now exit 2."""
    target = scenario_file.with_name(out)
    assert main([*command, str(scenario_file), "--out", str(target)]) == 2
    suffix = target.suffix
    assert capsys.readouterr().err == (
        f"error: --out {target}: the output must end in {allowed} (found {suffix!r})\n"
    )
    assert not target.exists()


def test_template_extension_is_checked(tmp_path: Path, capsys) -> None:
    """The template is a workbook: another extension is refused."""
    assert main(["template", str(tmp_path / "template.xls")]) == 2
    assert capsys.readouterr().err == (
        f"error: {tmp_path / 'template.xls'}: the output must end in .xlsx (found '.xls')\n"
    )


def test_json_and_markdown_outputs(scenario_file: Path, capsys) -> None:
    """`solve --out x.json` writes the JSON summary; `compare --out x.md` the Markdown table."""
    out = scenario_file.with_name("plan.json")
    assert main(["solve", str(scenario_file), "--out", str(out), "--quiet"]) == 0
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert (summary["status"], summary["max_coefficient_after"]) == ("optimal", 0.2)
    table = scenario_file.with_name("options.md")
    assert main(["compare", str(scenario_file), "--out", str(table), "--quiet"]) == 0
    lines = table.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("| Workbook | Option | Status | Max coefficient before |")
    assert lines[2] == (
        "| health.xlsx | baseline | optimal | 0.2000 | 0.2000 |  | 0.1542 | 0.0315 | 0 | 2 | 0 | 0 "
        "| 1 (recommended) |"
    )


def test_processes_and_seed_are_checked(scenario_file: Path, capsys) -> None:
    """`--processes 0` and `generate --seed -1` are refused by the argument parser (exit 2)."""
    with pytest.raises(SystemExit) as stop:
        main(["solve", str(scenario_file), "--processes", "0"])
    assert stop.value.code == 2
    assert "--processes must be 1 or more, not 0" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["generate", "--seed", "-1", "--out", str(scenario_file.with_name("g.xlsx"))])
    assert stop.value.code == 2
    assert "--seed must be 0 or more, not -1" in capsys.readouterr().err


# --- 5. progress, summary, Ctrl-C -------------------------------------------------------------


def _terminal() -> tuple[Console, io.StringIO]:
    record = io.StringIO()
    return Console(file=record, force_terminal=True, width=150, color_system=None), record


def test_progress_shows_each_phase_on_a_terminal(scenario_file: Path, capsys) -> None:
    """Finding 5: reading and writing were silent. On a terminal each phase gets a line (a bar
    with time left while solving) that ends with its time; nothing of it reaches stdout."""
    console, record = _terminal()
    assert main(["solve", str(scenario_file)], console=console) == 0
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", record.getvalue()).replace("\r", "\n")
    for phase in ("reading health.xlsx", "solving 2 groups", "writing health-result.xlsx"):
        assert re.search(rf"^{phase}: done in \d+\.\d s$", shown, re.MULTILINE), shown
    assert "left" in shown and "2/2" in shown  # the bar: groups done and time left
    assert "done in" not in capsys.readouterr().out


def test_no_progress_when_not_a_terminal(scenario_file: Path, capsys) -> None:
    """When stderr is not a terminal (a pipe, a log) nothing of the progress is written."""
    assert main(["solve", str(scenario_file)]) == 0
    assert capsys.readouterr().err == ""


def test_progress_detail_drops_the_counter() -> None:
    """The text beside the bar names what is being worked on, without the counter it shows."""
    assert progress_detail("groups solved: 2/306 (Akzhaik District)") == "Akzhaik District"
    assert progress_detail("option 2/8: staff only (groups solved: 1/3)") == "staff only"
    assert progress_detail("frontier D: point 3/16, budget 20: 0.5") == "frontier D: budget 20: 0.5"


def test_short_summary_unless_verbose(scenario_file: Path, capsys) -> None:
    """Finding 5: ~300 per-group lines flooded the terminal. Without --verbose: the headline,
    the count by status and the group holding the maximum; with it, one line per group."""
    assert main(["solve", str(scenario_file)]) == 0
    assert capsys.readouterr().out.splitlines()[:-1] == [
        "health: optimal (minmax, count); max coefficient 0.200 -> 0.200, 2 staff moved, "
        "0 services moved",
        "  2 groups: 2 optimal",
        "  the maximum is in districts: optimal, max coefficient 0.200 -> 0.200, 0 staff moved, "
        "0 services moved",
        "  (every group: --verbose, or the Summary sheet of the result workbook)",
    ]
    assert main(["solve", str(scenario_file), "-v", "-f"]) == 0
    assert capsys.readouterr().out.splitlines()[1:3] == [
        "  districts: optimal, max coefficient 0.200 -> 0.200, 0 staff moved, 0 services moved",
        "  regional: optimal, max coefficient 0.156 -> 0.125, 2 staff moved, 0 services moved",
    ]


def test_ctrl_c_keeps_the_groups_solved(scenario_file: Path, capsys, monkeypatch) -> None:
    """Finding 5: Ctrl-C kept nothing and printed "interrupted" glued to the progress line. Now
    the groups solved are written, marked in the Summary, exit 130, the message on its own line."""
    solve_module = importlib.import_module("planner.solve")  # `planner.solve` is the function

    real = solve_module._solve_group
    calls = []

    def second_group_interrupted(data, sensitivity):
        calls.append(data.group)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(data, sensitivity)

    monkeypatch.setattr(solve_module, "_solve_group", second_group_interrupted)
    console, record = _terminal()
    assert main(["solve", str(scenario_file)], console=console) == 130
    out = scenario_file.with_name("health-result.xlsx")
    captured = capsys.readouterr()
    assert captured.err == (
        f"interrupted: 1 of 2 groups solved; {out.resolve()} holds them (marked as interrupted "
        "in its Summary)\n"
    )
    assert captured.out.splitlines()[1] == (
        "  interrupted: 1 of 2 groups solved; the other 1 were not run"
    )
    assert record.getvalue().endswith("\n")  # the progress line was closed before the message
    summary = openpyxl.load_workbook(out)["Summary"]
    texts = [c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str)]
    assert (
        "interrupted: only 1 of 2 groups were solved (Ctrl-C); the other 1 are not in this "
        "workbook. The groups shown are optimal." in texts
    )
    assert any(t.startswith("Interrupted (Ctrl-C) after 1 of 2 groups") for t in texts)


def test_ctrl_c_before_any_group_exits_130_without_writing(scenario_file, capsys, monkeypatch):
    """Ctrl-C before a group was solved: nothing to keep, exit 130 and the message alone."""
    solve_module = importlib.import_module("planner.solve")  # `planner.solve` is the function

    def interrupted(data, sensitivity):
        raise KeyboardInterrupt

    monkeypatch.setattr(solve_module, "_solve_group", interrupted)
    assert main(["solve", str(scenario_file)]) == 130
    assert capsys.readouterr().err == "interrupted\n"
    assert not scenario_file.with_name("health-result.xlsx").exists()


def test_solve_interrupted_carries_the_partial_result(monkeypatch) -> None:
    """The API: SolveInterrupted (a KeyboardInterrupt) holds a Result of the groups solved."""
    solve_module = importlib.import_module("planner.solve")  # `planner.solve` is the function

    scenario = planner.read_scenario(COUNT_PATH)
    real = solve_module._solve_group

    def third_group_interrupted(data, sensitivity):
        if data.group == scenario.groups[2]:
            raise KeyboardInterrupt
        return real(data, sensitivity)

    monkeypatch.setattr(solve_module, "_solve_group", third_group_interrupted)
    with pytest.raises(planner.SolveInterrupted) as stop:
        planner.solve(scenario, sensitivity=False)
    partial = stop.value.result
    assert [g.group for g in partial.groups] == list(scenario.groups[:2])
    assert partial.status is Status.OPTIMAL
    assert partial.notes[0] == (
        "Interrupted (Ctrl-C) after 2 of 3 groups: the other 1 groups were not solved and are "
        "not in this result."
    )
    assert {u.group for u in partial.units} == set(scenario.groups[:2])


# --- 6. one rule for shown precision -----------------------------------------------------------


def test_one_precision_rule_in_terminal_workbook_and_json(tmp_path: Path, capsys) -> None:
    """Finding 6: one figure was shown as 0.6818, 0.682 and 0.68 in different places. Text: 3
    decimals; workbook tables: the full value with a 4-decimal format; JSON: the full value."""
    out = tmp_path / "bundled.xlsx"
    assert main(["solve", str(COUNT_PATH), "--out", str(out), "--no-sensitivity"]) == 0
    assert capsys.readouterr().out.startswith(
        "west-kazakhstan-2024: optimal (minmax, count); max coefficient 1.714 -> 0.682, "
        "364 staff moved, 14 services moved\n"
    )
    book = openpyxl.load_workbook(out)
    units = book["Units"]
    header = [c.value for c in units[1]]
    row = next(r for r in units.iter_rows(min_row=2) if r[0].value == "C04")
    cell = row[header.index("Coefficient before")]
    assert (cell.value, cell.number_format) == (pytest.approx(4 / 6), "0.0000")
    summary_texts = [
        c.value for r in book["Summary"].iter_rows() for c in r if isinstance(c.value, str)
    ]
    assert any("falls from 1.714 to 0.682" in t for t in summary_texts)
    json_path = tmp_path / "bundled.json"
    assert main(["solve", str(COUNT_PATH), "--out", str(json_path), "--no-sensitivity"]) == 0
    summary = json.loads(json_path.read_text(encoding="utf-8"))
    assert summary["max_coefficient_after"] == 15 / 22  # full precision: 0.6818181818181818


# --- 7. the Python API's tables ----------------------------------------------------------------


def test_api_tables_name_units_and_groups(scenario_file: Path) -> None:
    """Finding 7: transfers had from, to, skill, employees only; no skills or sensitivity table."""
    result = planner.solve(planner.read_scenario(scenario_file))
    transfers = result.table("transfers")
    assert transfers.to_dict("records") == [
        {"group": "regional", "from": "D01", "from_name": "Department of Agriculture",
         "to": "D02", "to_name": "Department of Finance", "skill": "general", "employees": 2},
    ]  # fmt: skip
    skills = result.table("skills").set_index("unit_id")
    # D02: service share 0.8, so 1 service / (8 x 0.8) before and 1 / (10 x 0.8) after.
    assert skills.loc["D02", ["employees_before", "employees_after"]].tolist() == [8, 10]
    assert skills.loc["D02", ["coefficient_before", "coefficient_after"]].tolist() == [
        pytest.approx(0.15625), pytest.approx(0.125),
    ]  # fmt: skip
    sensitivity = result.table("sensitivity")
    first = sensitivity.iloc[0]
    assert (first["group"], first["unit_id"], first["change"]) == (
        "districts", "D03", "one more employee hired there",
    )  # fmt: skip
    assert first["max_coefficient_after_change"] == pytest.approx(1 / 6)
    assert first["improvement"] == pytest.approx(0.2 - 1 / 6)
    assert list(sensitivity.columns) == [
        "group", "item", "kind", "change", "max_coefficient_now",
        "max_coefficient_after_change", "unit_id", "improvement",
    ]  # fmt: skip
    assert list(result.table("reassignments").columns) == [
        "group", "service_id", "service", "from", "from_name", "to", "to_name", "share", "load",
    ]  # fmt: skip
    assert len(result.table("reassignments")) == 0


def test_readme_python_example_runs(tmp_path: Path, monkeypatch) -> None:
    """The README's Python example (solve -> change a setting -> solve again -> compare ->
    write) runs as written, from any folder."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", readme, re.DOTALL)
    assert block is not None
    _elsewhere(tmp_path, monkeypatch)
    namespace: dict = {}
    exec(compile(block[1], "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert sorted(p.name for p in Path.cwd().iterdir()) == [
        "comparison.xlsx", "plan-20-moves.xlsx", "plan.xlsx",
    ]  # fmt: skip


def test_an_unexpected_error_goes_to_a_new_log_file(scenario_file: Path, capsys, monkeypatch):
    """A bug gives exit 1, one sentence on stderr and the traceback in a fresh log file of its
    own (not in a folder of the tool, not over any existing file)."""
    solve_module = importlib.import_module("planner.solve")

    def broken(data, sensitivity):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(solve_module, "_solve_group", broken)
    assert main(["solve", str(scenario_file)]) == 1
    err = capsys.readouterr().err
    match = re.fullmatch(
        r"error: unexpected ZeroDivisionError: a bug\n"
        r"This is a bug in planner; the details are in (\S+planner-error-\S+\.log)\n",
        err,
    )
    assert match, err
    log = Path(match[1])
    assert "ZeroDivisionError: a bug" in log.read_text(encoding="utf-8")
    log.unlink()
    assert not scenario_file.with_name("health-result.xlsx").exists()


def test_warnings_then_problems_each_once(tmp_path: Path, capsys) -> None:
    """A workbook with a warning and an error: the warning once, under its file's name, then
    the problem with its cell and a "did you mean"; exit 2."""
    path = _with_one_warning(tmp_path / "both.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["Services"]["C4"] = "D3"
    workbook.save(path)
    assert main(["solve", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"Warnings in both.xlsx:\n{WARNING}\n1 problem in the input:\n"
        "  - Services!C4: Unit ID 'D3' is not a unit of this workbook (did you mean 'D03', "
        "Units!A4?) (found 'D3')\n"
    )
