"""Safe file output: write beside the target and move into place; never over an input.

A crash, a full disk or a locked file must never leave a half-written workbook or destroy the
planner's input, so every output goes to a temporary file in the target folder first and is then
renamed over the target with `os.replace` (atomic on one file system).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook

from planner.errors import OutputError

_CHUNK = 1 << 20


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
) -> Path:
    """Write `workbook` to `path` atomically and return the resolved path.

    Raises OutputError, naming the path in plain words, when the path is one of `inputs`, its
    folder is missing or read-only, the target is read-only or locked (open in Excel), or the disk
    is full. Nothing is left behind on failure: an existing target keeps its old content.
    """
    target = Path(path).expanduser()
    for input_path in inputs:
        if _same_file(target, Path(input_path).expanduser()):
            raise OutputError(
                f"refusing to write the output over the input file {target}: choose another name"
            )
    folder = target.resolve().parent
    if not folder.is_dir():
        raise OutputError(f"cannot write {target}: the folder {folder} does not exist")
    if target.is_dir():
        raise OutputError(f"cannot write {target}: it is a folder, not a file")
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
            workbook.save(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
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
