"""Output files: written whole or not at all, never over an input, with plain messages."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from planner.errors import OutputError
from planner.xlsx import files
from planner.xlsx.files import save_workbook, sha256_of


def _workbook(text: str = "new") -> Workbook:
    workbook = Workbook()
    workbook.active["A1"] = text
    return workbook


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_save_writes_and_replaces(tmp_path: Path) -> None:
    """A new file is written, an existing one replaced, and no temporary file is left."""
    target = tmp_path / "out.xlsx"
    assert save_workbook(_workbook("one"), target) == target.resolve()
    first = target.read_bytes()
    save_workbook(_workbook("two"), target)
    assert target.read_bytes() != first
    assert _leftovers(tmp_path) == []
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)  # the usual mode, not mkstemp's


def test_refuses_to_write_over_an_input(tmp_path: Path) -> None:
    """The output path is compared with the inputs after resolving '..', and symlinks."""
    source = tmp_path / "in.xlsx"
    source.write_bytes(b"input")
    (tmp_path / "sub").mkdir()
    link = tmp_path / "link.xlsx"
    link.symlink_to(source)
    for path in (source, tmp_path / "sub" / ".." / "in.xlsx", link):
        with pytest.raises(OutputError, match="refusing to write the output over the input file"):
            save_workbook(_workbook(), path, inputs=[source])
    assert source.read_bytes() == b"input"


def test_missing_folder(tmp_path: Path) -> None:
    """A missing folder gives a message naming it."""
    target = tmp_path / "nowhere" / "out.xlsx"
    with pytest.raises(OutputError, match="the folder .*nowhere does not exist"):
        save_workbook(_workbook(), target)


def test_read_only_target_kept(tmp_path: Path) -> None:
    """A target marked read-only is not replaced and keeps its content."""
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"keep me")
    target.chmod(0o444)
    with pytest.raises(OutputError, match="out.xlsx: the file is read-only"):
        save_workbook(_workbook(), target)
    assert target.read_bytes() == b"keep me"


def test_read_only_folder(tmp_path: Path, monkeypatch) -> None:
    """A folder where no file can be created gives a plain message (simulated: tests run as root,
    for whom permissions do not block)."""

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError, match="is read-only"):
        save_workbook(_workbook(), tmp_path / "out.xlsx")


def test_locked_target_kept(tmp_path: Path, monkeypatch) -> None:
    """A target locked by Excel (os.replace raising PermissionError, as on Windows) keeps its
    content, the message says to close it, and the temporary file is removed."""
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"open in Excel")

    def locked(source, destination):
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(OutputError, match="close it in Excel or LibreOffice"):
        save_workbook(_workbook(), target)
    assert target.read_bytes() == b"open in Excel"
    assert _leftovers(tmp_path) == []


def test_crash_while_writing_leaves_old_file(tmp_path: Path, monkeypatch) -> None:
    """A failure half-way through writing (a full disk) leaves the old file whole."""
    target = tmp_path / "out.xlsx"
    save_workbook(_workbook("old"), target)
    before = target.read_bytes()
    workbook = _workbook("new")

    def disk_full(stream):
        stream.write(b"PK half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(workbook, "save", disk_full)
    with pytest.raises(OutputError, match="No space left on device"):
        save_workbook(workbook, target)
    assert target.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_sha256_of(tmp_path: Path) -> None:
    """sha256_of gives the hex SHA-256 of the file's bytes."""
    path = tmp_path / "data.bin"
    path.write_bytes(b"planner" * 300_000)
    assert sha256_of(path) == hashlib.sha256(b"planner" * 300_000).hexdigest()
    assert files.sha256_of(str(path)) == sha256_of(path)


def test_overwrite_false_refuses_an_existing_target(tmp_path: Path) -> None:
    """With overwrite=False an existing file is refused (OutputRefused, `exists`), its bytes kept
    and no temporary file left; a new file is written as usual."""
    target = tmp_path / "kept.xlsx"
    target.write_bytes(b"the planner's work")
    refusal = "kept.xlsx already exists and was left as it is"
    with pytest.raises(files.OutputRefused, match=refusal) as refused:
        save_workbook(_workbook(), target, overwrite=False)
    assert refused.value.exists
    assert target.read_bytes() == b"the planner's work"
    assert _leftovers(tmp_path) == []
    fresh = tmp_path / "fresh.xlsx"
    assert save_workbook(_workbook(), fresh, overwrite=False) == fresh.resolve()
    assert fresh.read_bytes()[:2] == b"PK"


def test_overwrite_false_does_not_replace_a_file_that_appears_meanwhile(
    tmp_path: Path, monkeypatch
) -> None:
    """A file created after the existence check, while the output is written, is not replaced:
    the temporary file is hard-linked into place, which fails if the target exists."""
    target = tmp_path / "race.xlsx"

    def save_and_race(stream) -> None:
        target.write_bytes(b"written by someone else meanwhile")
        stream.write(b"ours")

    with pytest.raises(files.OutputRefused, match="race.xlsx already exists"):
        files._save(save_and_race, target, inputs=(), overwrite=False)
    assert target.read_bytes() == b"written by someone else meanwhile"
    assert _leftovers(tmp_path) == []


def test_save_text_writes_utf8_with_a_final_newline(tmp_path: Path) -> None:
    """save_text writes the text as UTF-8 with one final newline, atomically, never over an
    input."""
    target = tmp_path / "summary.json"
    save_text_path = files.save_text('{"unit": "Жангала"}', target)
    assert save_text_path == target.resolve()
    assert target.read_bytes() == '{"unit": "Жангала"}\n'.encode()
    with pytest.raises(files.OutputRefused, match="over the input file"):
        files.save_text("x", target, inputs=[target])
    assert target.read_bytes() == '{"unit": "Жангала"}\n'.encode()
