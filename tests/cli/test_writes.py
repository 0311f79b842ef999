"""A write under attack (issue 12): SIGTERM or Ctrl-C while the result is being written leaves no
partial `.tmp` and no "Exception ignored in ZipFile.__del__"; a legal 250-character output name
works (its temporary name is shortened, never the user's).

The signal tests stop a real `planner` process halfway through its write: the test hook
PLANNER_TEST_HOLD_WRITE makes the write pause after its first bytes (the zip is open, the
temporary file partly written) and create a marker file, so the signal lands mid-write every
time, however slow the machine."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from planner.cli import main
from planner.xlsx.files import HOLD_WRITE_ENVIRONMENT
from tests.cli.test_console import planner_process
from tests.corpus.base import base_workbook


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder holding health.xlsx, a clean two-group scenario that solves in well under 1 s."""
    base_workbook(scenarios=False).save(tmp_path / "health.xlsx")
    return tmp_path


def _stopped_mid_write(folder: Path, marker: Path, args: list[str], signum: int):
    process = planner_process(
        args, folder, env={HOLD_WRITE_ENVIRONMENT: str(marker)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while not marker.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the write never started"
        time.sleep(0.02)
    temporaries = sorted(path.name for path in folder.glob(".*.tmp"))
    process.send_signal(signum)
    output, error = process.communicate(timeout=300)
    return process.returncode, output.decode(), error.decode(), temporaries


@pytest.mark.parametrize("out", ["health-result.xlsx", "plan.json"])
def test_sigterm_mid_write_leaves_nothing(folder: Path, tmp_path_factory, out: str) -> None:
    """SIGTERM while the workbook (or the JSON) is half written: on main the process died with
    `.health-result.xlsx.XXXX.tmp` left in the folder. Now exit 143, the temporary removed, no
    output, and one line on stderr."""
    marker = tmp_path_factory.mktemp("marker") / "writing"
    code, output, error, temporaries = _stopped_mid_write(
        folder, marker, ["solve", "health.xlsx", "-q", "--out", out], signal.SIGTERM
    )
    assert len(temporaries) == 1 and temporaries[0].startswith(f".{out}.")  # it was mid-write
    assert code == 143
    assert error == f"terminated: {folder / out} was not written\n"
    assert output == ""
    assert sorted(path.name for path in folder.iterdir()) == ["health.xlsx"]


def test_ctrl_c_mid_write_leaves_nothing(folder: Path, tmp_path_factory) -> None:
    """Ctrl-C (SIGINT) mid-write: exit 130, "interrupted", no `.tmp`, and none of the "Exception
    ignored in ZipFile.__del__" that the half-closed zip printed on main."""
    marker = tmp_path_factory.mktemp("marker") / "writing"
    code, output, error, temporaries = _stopped_mid_write(
        folder, marker, ["solve", "health.xlsx", "-q"], signal.SIGINT
    )
    assert temporaries and temporaries[0].startswith(".health-result.xlsx.")
    assert code == 130
    assert error == "interrupted\n"
    assert sorted(path.name for path in folder.iterdir()) == ["health.xlsx"]


def test_sigterm_outside_a_write_keeps_its_default(folder: Path) -> None:
    """The handler lives only during a write: afterwards SIGTERM is the default action again
    (a process that is not writing dies by the signal, as any other)."""
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert main(["solve", str(folder / "health.xlsx"), "-q", "--out", str(folder / "a.xlsx")]) == 0
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_a_250_character_output_name_works(folder: Path, capsys) -> None:
    """A legal 250-byte `--out` name: on main "File name too long" because the temporary name
    `.NAME.XXXXXXXX.tmp` went past 255 bytes. Now the workbook is written under exactly that
    name and no temporary is left."""
    name = "р" * 60 + "x" * (250 - 120 - len(".xlsx")) + ".xlsx"  # 60 two-byte letters
    assert len(name.encode()) == 250
    out = folder / name
    assert main(["solve", str(folder / "health.xlsx"), "-q", "--out", str(out)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"result workbook: {out}"
    assert sorted(path.name for path in folder.iterdir()) == sorted(["health.xlsx", name])
