"""A workbook saved by LibreOffice Calc reads the same as the one openpyxl wrote."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from planner.workbook import read_scenario, write_scenario, write_template
from planner.workbook.validate import validate_workbook
from tests.corpus.base import base_workbook
from tests.corpus.examples import EXAMPLE, content
from tests.support import SOFFICE

pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc",
)


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """name -> (written by openpyxl, saved again by LibreOffice), converted in one soffice run
    with its own fresh profile."""
    folder = tmp_path_factory.mktemp("libreoffice")
    written = {
        "example": write_scenario(EXAMPLE, folder / "example.xlsx"),
        "template": write_template(folder / "template.xlsx"),
    }
    formula = base_workbook()
    formula["Units"]["F2"] = "=4+6"  # openpyxl saves no result; LibreOffice computes one
    formula.save(folder / "formula.xlsx")
    written["formula"] = folder / "formula.xlsx"
    out = folder / "out"
    profile = folder / "profile"
    completed = subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to",
         "xlsx", "--outdir", str(out), *map(str, written.values())],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    result = {name: (path, out / path.name) for name, path in written.items()}
    # soffice exits 0 even when it could not convert: the files must exist.
    missing = [str(saved) for _, saved in result.values() if not saved.exists()]
    assert not missing, f"LibreOffice wrote nothing for {missing}: {completed.stderr[-2000:]}"
    return result


def test_libreoffice_round_trip_same_scenario(converted) -> None:
    """The example scenario (Cyrillic ids, skills, variants, formula-like text) reads the same
    after LibreOffice Calc saved it."""
    original, saved = converted["example"]
    assert content(read_scenario(saved)) == content(read_scenario(original))


def test_libreoffice_template_still_clean(converted) -> None:
    """The template saved by LibreOffice still validates with no error or warning."""
    _, saved = converted["template"]
    report = validate_workbook(saved)
    assert (report.problems, report.warnings) == ((), ())


def test_libreoffice_saves_formula_results(converted) -> None:
    """A formula without a saved result is an error until LibreOffice saves it: then its value
    is read (the advice the formula-no-value message gives)."""
    original, saved = converted["formula"]
    assert [p.code for p in validate_workbook(original).problems] == ["formula-no-value"]
    assert read_scenario(saved).employees("D01") == 10
