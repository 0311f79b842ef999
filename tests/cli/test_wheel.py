"""The installed tool, not the clone (issue 11, finding 2): with `pip install .` the bundled
scenarios were looked up under site-packages and `planner solve my.xlsx` wrote into a missing
site-packages/outputs/. Here a wheel is built, installed into a fresh virtual environment, and
`planner solve` and `planner solve my.xlsx` run from a folder that has nothing to do with the
repository. About 30 s on 2 cores."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.corpus.base import base_workbook
from tests.support import REPO

SOURCES = ("pyproject.toml", "setup.py", "README.md", "planner")


def _run(command: list[str], cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    environment["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=environment,
        check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin folder of a fresh venv with the planner wheel installed (dependencies from the
    machine's own site-packages, so nothing is downloaded)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"  # a copy: building in the work tree would leave build/ behind
    source.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"))  # fmt: skip
        else:
            shutil.copy2(REPO / name, source / name)
    wheels = root / "wheels"
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                  "-q", "-w", str(wheels), str(source)], cwd=root)  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("planner-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "planner/datasets/scenarios/west-kazakhstan-2024.xlsx" in names
    assert "planner/datasets/scenarios/west-kazakhstan-2024-hours.xlsx" in names
    # The catalogues compiled by setup.py's build_py (the .mo files are not in the sources).
    for language in ("kk", "ru"):
        assert f"planner/locale/{language}/LC_MESSAGES/planner.mo" in names
        assert f"planner/locale/{language}/LC_MESSAGES/planner.po" in names
    venv = root / "venv"
    made = _run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                 str(venv)], cwd=root)  # fmt: skip
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    # The machine's pip, run by the venv's python, installs into the venv.
    done = _run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                 str(wheel)], cwd=root)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return venv / "bin"


def test_the_wheel_runs_the_main_job_from_any_folder(installed: Path, tmp_path: Path) -> None:
    """`planner solve` (the bundled scenario, from package data) writes its result into the
    current folder; `planner solve my.xlsx` writes beside my.xlsx; the code that ran is the
    wheel's, not the repository's."""
    work = tmp_path / "planner's folder"
    work.mkdir()
    where = _run([str(installed / "python"), "-c", "import planner; print(planner.__file__)"],
                 cwd=work)  # fmt: skip
    assert where.stdout.strip().startswith(str(installed.parent / "lib"))

    solved = _run([str(installed / "planner"), "solve"], cwd=work)
    assert solved.returncode == 0, solved.stderr
    assert solved.stdout.startswith(
        "west-kazakhstan-2024: optimal (minmax, count); max coefficient 1.714 -> 0.682, "
        "364 staff moved, 14 services moved\n"
    )
    assert sorted(p.name for p in work.iterdir()) == ["west-kazakhstan-2024-result.xlsx"]

    base_workbook(scenarios=False).save(work / "my.xlsx")
    mine = _run([str(installed / "planner"), "solve", "my.xlsx"], cwd=work)
    assert mine.returncode == 0, mine.stderr
    assert mine.stdout.endswith(f"result workbook: {work / 'my-result.xlsx'}\n")
    assert (work / "my-result.xlsx").is_file()

    again = _run([str(installed / "planner"), "solve", "my.xlsx"], cwd=work)
    assert again.returncode == 2
    assert "my-result.xlsx already exists: pass --force (-f) to replace it" in again.stderr

    version = _run([str(installed / "planner"), "--version"], cwd=work)
    assert (version.returncode, version.stdout) == (0, "planner 0.1.0\n")
