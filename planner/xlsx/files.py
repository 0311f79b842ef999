"""Safe file output: write beside the target and move into place; never over an input.

A crash, a full disk or a locked file must never leave a half-written workbook or destroy the
planner's input, so every output goes to a temporary file in the target folder first and is then
renamed over the target with `os.replace` (atomic on one file system). With `overwrite=False` the
temporary file is hard-linked into place instead, which fails if the target exists: a file that
appears while the output is being written is not replaced either.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from planner.errors import OutputError

if TYPE_CHECKING:  # openpyxl is imported when a workbook is written, not with this module
    from openpyxl import Workbook

_CHUNK = 1 << 20


class OutputRefused(OutputError):
    """The output was not written because writing it would destroy a file: it is one of the
    inputs, or it exists (`exists`) and `overwrite=False`. Nothing was changed."""

    def __init__(self, message: str, *, exists: bool = False) -> None:
        super().__init__(message)
        self.exists = exists


def sha256_of(path: str | os.PathLike[str]) -> str:
    """SHA-256 of the file's bytes, as 64 hex digits (read in chunks, opened read-only)."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def _read_only(path: Path) -> bool:
    # No write permission bit at all means "marked read-only", even for a superuser whom
    # os.access would let through.
    return not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222


def _output_mode(target: Path) -> int:
    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def save_workbook(
    workbook: Workbook,
    path: str | os.PathLike[str],
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    overwrite: bool = True,
) -> Path:
    """Write `workbook` to `path` atomically and return the resolved path.

    Raises OutputRefused when the path is one of `inputs`, or exists and `overwrite` is False;
    OutputError, naming the path in plain words, when its folder is missing or read-only, the
    target is read-only or locked (open in Excel), or the disk is full. Nothing is left behind on
    failure: an existing target keeps its old content.
    """
    return _save(workbook.save, path, inputs=inputs, overwrite=overwrite)


def save_text(
    text: str,
    path: str | os.PathLike[str],
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    overwrite: bool = True,
) -> Path:
    """Write `text` (UTF-8, with a final newline) to `path` as save_workbook writes a workbook."""
    data = (text if text.endswith("\n") else text + "\n").encode("utf-8")
    return _save(lambda stream: stream.write(data), path, inputs=inputs, overwrite=overwrite)


def refuse_existing(target: Path) -> OutputRefused:
    return OutputRefused(f"{target} already exists and was left as it is", exists=True)


def _save(
    write: Callable[[BinaryIO], object],
    path: str | os.PathLike[str],
    *,
    inputs: Iterable[str | os.PathLike[str]],
    overwrite: bool,
) -> Path:
    target = Path(path).expanduser()
    for input_path in inputs:
        if _same_file(target, Path(input_path).expanduser()):
            raise OutputRefused(
                f"refusing to write the output over the input file {target}: choose another name"
            )
    folder = target.resolve().parent
    if not folder.is_dir():
        raise OutputError(f"cannot write {target}: the folder {folder} does not exist")
    if target.is_dir():
        raise OutputError(f"cannot write {target}: it is a folder, not a file")
    if not overwrite and (target.exists() or target.is_symlink()):
        raise refuse_existing(target)
    # os.replace would silently swap a read-only file on POSIX; a planner who made it read-only
    # meant it to be kept.
    if target.exists() and _read_only(target):
        raise OutputError(f"cannot write {target}: the file is read-only")

    try:
        handle, temporary_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=folder
        )
    except PermissionError as error:
        raise OutputError(f"cannot write {target}: the folder {folder} is read-only") from error
    except OSError as error:
        raise OutputError(f"cannot write {target}: {error.strerror or error}") from error
    temporary = Path(temporary_name)
    try:
        # mkstemp creates the file readable by its owner only; give the output the usual mode.
        os.chmod(temporary, _output_mode(target))
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        if overwrite:
            os.replace(temporary, target)
        else:
            _link_new(temporary, target)
    except OutputRefused:
        raise
    except PermissionError as error:
        raise OutputError(
            f"cannot write {target}: the file is locked or read-only "
            "(close it in Excel or LibreOffice and try again)"
        ) from error
    except OSError as error:
        raise OutputError(f"cannot write {target}: {error.strerror or error}") from error
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
    return target.resolve()


def _link_new(temporary: Path, target: Path) -> None:
    """Put `temporary` in place as `target` only if `target` does not exist (atomically where
    the file system has hard links; the temporary name is removed by the caller)."""
    try:
        os.link(temporary, target)
    except FileExistsError as error:
        raise refuse_existing(target) from error
    except OSError:
        # No hard links here (some network and FAT file systems): check, then rename.
        if target.exists() or target.is_symlink():
            raise refuse_existing(target) from None
        os.replace(temporary, target)
