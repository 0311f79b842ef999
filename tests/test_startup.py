"""Start-up (issue 14): what the command line's solve path imports before it reads a byte, and the
lazy names that keep it small."""

import ast
import gc
import subprocess
import sys

import pytest

# Loaded when a function needs them, never by importing the reader, solve and the reports.
HEAVY = ("babel", "highspy", "openpyxl", "pandas", "scipy", "statsmodels", "xlsxwriter")


def _imported_after(code: str) -> list[str]:
    """The HEAVY modules in sys.modules of a fresh interpreter after running `code`."""
    probe = f"import sys; {code}; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return ast.literal_eval(out.stdout.strip())


def test_the_solve_path_imports_no_excel_library_and_no_scipy():
    """`import planner.workbook, planner.solve, planner.reports` (bench/run.py's start-up probe)
    pulls in none of openpyxl, XlsxWriter, SciPy, HiGHS, pandas, statsmodels or Babel."""
    assert _imported_after("import planner.workbook, planner.solve, planner.reports") == []


def test_the_writers_load_their_libraries_when_asked_for():
    """The first look-up of planner.reports.write_result loads the result workbook with openpyxl
    and XlsxWriter: the probe above would see them if they were loaded at import."""
    assert "openpyxl" in _imported_after("import planner.reports; planner.reports.write_result")


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("result_workbook", "planner.reports.result_workbook"),
        ("write_result", "planner.reports.result_workbook"),
        ("comparison_workbook", "planner.reports.comparison_workbook"),
        ("write_comparison", "planner.reports.comparison_workbook"),
        ("frontier_workbook", "planner.reports.frontier_workbook"),
        ("write_frontier", "planner.reports.frontier_workbook"),
    ],
)
def test_the_lazy_report_names_are_the_functions(name, module):
    """planner.reports.<name> is the function of that name, also after its submodule (of the same
    name for the three builders) has been imported, which sets a package attribute."""
    import importlib

    import planner.reports

    submodule = importlib.import_module(module)
    value = getattr(planner.reports, name)
    assert callable(value) and not isinstance(value, type(sys))
    assert value is getattr(submodule, name)
    assert name in dir(planner.reports)


def test_an_unknown_report_name_raises_attribute_error():
    """A name the package does not have is an AttributeError naming it, not an import."""
    import planner.reports

    with pytest.raises(AttributeError, match="no attribute 'write_nothing'"):
        planner.reports.write_nothing  # noqa: B018


class _Workbook:
    """Stands in for a workbook: records whether the cycle collector ran during its save."""

    def __init__(self) -> None:
        self.collector_enabled: list[bool] = []

    def save(self, stream) -> None:
        self.collector_enabled.append(gc.isenabled())
        stream.write(b"PK")


def test_every_save_pauses_the_cycle_collector(tmp_path):
    """save_workbook (the one save of template, generate, solve, compare and frontier) writes with
    the collector paused and leaves it enabled afterwards; a pause the caller holds is kept."""
    from planner.xlsx.files import collection_paused, save_text, save_workbook

    assert gc.isenabled()
    workbook = _Workbook()
    save_workbook(workbook, tmp_path / "a.xlsx")
    assert workbook.collector_enabled == [False]
    assert gc.isenabled()
    assert (tmp_path / "a.xlsx").read_bytes() == b"PK"

    with collection_paused():
        save_workbook(workbook, tmp_path / "b.xlsx")
        assert not gc.isenabled()  # the outer pause is the caller's: still paused
    assert workbook.collector_enabled == [False, False]
    assert gc.isenabled()

    save_text("done", tmp_path / "c.txt")
    assert gc.isenabled()
    assert (tmp_path / "c.txt").read_text() == "done\n"


def test_reading_a_workbook_pauses_the_cycle_collector(monkeypatch, tmp_path):
    """validate_workbook (read_scenario, validate, the web's upload) builds the records with the
    collector paused, and leaves it enabled afterwards, also when the workbook is refused."""
    import planner.workbook.validate as validate
    from planner.datasets.bundled import bundled_scenario

    seen: list[bool] = []
    build = validate._build

    def watched(book, problems):
        seen.append(gc.isenabled())
        return build(book, problems)

    monkeypatch.setattr(validate, "_build", watched)
    assert gc.isenabled()
    report = validate.validate_workbook(bundled_scenario())
    assert report.scenario is not None and seen == [False]
    assert gc.isenabled()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    assert validate.validate_workbook(broken).problems
    assert gc.isenabled()
