"""Safe file output: write beside the target and move into place; never over an input.

A crash, a full disk or a locked file must never leave a half-written workbook or destroy the
planner's input, so every output goes to a temporary file in the target folder first and is then
renamed over the target with `os.replace` (atomic on one file system). With `overwrite=False` the
temporary file is hard-linked into place instead, which fails if the target exists: a file that
appears while the output is being written is not replaced either.

A SIGTERM during the write (a service manager stopping the planner, `kill`) raises `Terminated`
inside the write, as Ctrl-C raises KeyboardInterrupt, so the temporary file is removed on the way
out either way; the caller decides the exit code (the CLI: 143). The handler is installed only for
the duration of a write, only in the main thread and only over the default action, so a server
that handles SIGTERM itself keeps its own handler.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import signal
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from planner.errors import OutputError

if TYPE_CHECKING:  # openpyxl is imported when a workbook is written, not with this module
    from openpyxl import Workbook

_CHUNK = 1 << 20
_NAME_MAX = 255  # bytes in one file name on ext4, XFS, APFS, NTFS (UTF-16 units there)
_TEMPORARY_EXTRA = len(".") + len(".") + 8 + len(".tmp")  # mkstemp: .NAME.XXXXXXXX.tmp
# Test hook: when set to a path, the write pauses halfway, after creating that file, until a
# signal arrives (tests/cli/test_signals.py stops a real process mid-write with it).
HOLD_WRITE_ENVIRONMENT = "PLANNER_TEST_HOLD_WRITE"


class Terminated(BaseException):
    """SIGTERM arrived while an output was being written; nothing was left behind. A
    BaseException like KeyboardInterrupt: no `except Exception` may swallow a stop request."""

    def __init__(self, target: Path) -> None:
        super().__init__(f"terminated while writing {target}")
        self.target = target


class OutputRefused(OutputError):
    """The output was not written because writing it would destroy a file: it is one of the
    inputs, or it exists (`exists`) and `overwrite=False`. Nothing was changed."""

    def __init__(self, message: str, *, exists: bool = False) -> None:
        super().__init__(message)
        self.exists = exists


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cycle collector paused while a workbook is built and written (also a decorator).

    Building a national result makes a million small objects (cells, style arrays, XlsxWriter's
    cell tuples), and every few thousand of them the collector walks all the objects alive,
    the solved Result among them: a fifth of the writing time, for no garbage (the cells live
    until the file is written). The collector runs again as before once the outermost pause ends.
    Every save here pauses it (save_workbook, save_text), so every command's write has the pause;
    the builders of the big workbooks pause it over building too.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
            prefix=f".{_temporary_stem(target.name, folder)}.", suffix=".tmp", dir=folder
        )
    except PermissionError as error:
        raise OutputError(f"cannot write {target}: the folder {folder} is read-only") from error
    except OSError as error:
        raise OutputError(f"cannot write {target}: {error.strerror or error}") from error
    temporary = Path(temporary_name)
    try:
        # mkstemp creates the file readable by its owner only; give the output the usual mode.
        os.chmod(temporary, _output_mode(target))
        with (
            collection_paused(),
            _terminate_raises(folder / target.name),
            os.fdopen(handle, "wb") as stream,
        ):
            try:
                write(_held(stream))
            except BaseException as error:
                # The writer's frames hold its open ZipFile; finalise it now, while the stream
                # is still open, not at exit ("Exception ignored in ZipFile.__del__").
                traceback.clear_frames(error.__traceback__)
                raise
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


def _temporary_stem(name: str, folder: Path) -> str:
    """`name` shortened (never the user's name, only the temporary's) so that the temporary
    `.NAME.XXXXXXXX.tmp` fits the file system's limit on one name: a legal 250-byte output name
    must not fail for its temporary."""
    try:
        name_max = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # AttributeError: no pathconf (Windows)
        name_max = _NAME_MAX
    budget = max(min(name_max, _NAME_MAX) - _TEMPORARY_EXTRA, 1)
    encoded = os.fsencode(name)
    if len(encoded) <= budget:
        return name
    # Cut on a character boundary: drop whole characters until the bytes fit.
    while len(os.fsencode(name)) > budget:
        name = name[:-1]
    return name


@contextlib.contextmanager
def _terminate_raises(target: Path) -> Iterator[None]:
    """SIGTERM raises Terminated for the duration (see the module's docstring)."""
    installable = threading.current_thread() is threading.main_thread() and hasattr(
        signal, "SIGTERM"
    )
    if not installable or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def terminate(signum: int, frame: object) -> None:
        raise Terminated(target)

    signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


class _HeldStream:
    """The test hook's stream: after its first write (the zip is open, the file partly
    written) it creates the marker file and waits; a signal's handler raises out of the wait."""

    def __init__(self, stream: BinaryIO, marker: str) -> None:
        self._stream, self._marker, self._held = stream, marker, False

    def write(self, data: bytes) -> int:
        written = self._stream.write(data)
        if not self._held:
            self._held = True
            Path(self._marker).touch()
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                time.sleep(0.05)
        return written

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _held(stream: BinaryIO) -> BinaryIO:
    marker = os.environ.get(HOLD_WRITE_ENVIRONMENT)
    return stream if not marker else _HeldStream(stream, marker)  # type: ignore[return-value]


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
