"""`planner validate` and `planner template` on the corpus: exit codes and cells in the output."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.cli import main
from tests.corpus.base import base_workbook
from tests.corpus.cases import CASES

CLI_CASES = {
    "text in a number cell", "share as 62.6", "cycle in Parent", "formula without cached value",
    "csv", "entity bomb", "merged cells", "bad New hires syntax",
}  # fmt: skip


@pytest.mark.parametrize("case", [c for c in CASES if c.name in CLI_CASES], ids=lambda c: c.name)
def test_validate_command_names_the_cell(case, tmp_path: Path, capsys) -> None:
    """`planner validate` exits 2 and prints each problem with its sheet and cell."""
    path = case.build(tmp_path)
    assert main(["validate", str(path)]) == 2
    output = capsys.readouterr()
    text = output.out + output.err
    for _code, location in case.errors:
        assert f"{location}: " in text
    assert case.message in text
    assert "Traceback" not in text


def test_validate_command_clean(tmp_path: Path, capsys) -> None:
    """A clean workbook exits 0 with a summary naming the counts."""
    path = tmp_path / "clean.xlsx"
    base_workbook().save(path)
    assert main(["validate", str(path)]) == 0
    assert "4 units" in capsys.readouterr().out


def test_template_command_then_validate(tmp_path: Path, capsys) -> None:
    """`planner template` writes a workbook that `planner validate` accepts as it is."""
    path = tmp_path / "template.xlsx"
    assert main(["template", str(path)]) == 0
    assert main(["validate", str(path)]) == 0
    assert "1 unit," in capsys.readouterr().out
