"""The console as the planner finds it, not as it hopes: a pipe closed early (`| head -c1`), a
full disk (`>/dev/full`), a code page that cannot show a Kazakh letter (`PYTHONIOENCODING=cp1251`),
a file name whose bytes are not UTF-8.

None of these is the planner's work failing: the workbook was written (or not) before the text
about it was shown. So the console never changes the exit code and never raises. What cannot be
shown in the console's encoding is escaped (`\\u04d9`); a file name's undecodable bytes are written
back as the bytes they were (as `ls` does), so the name stays the one the user typed. A stream
that fails is marked lost and its file descriptor pointed at /dev/null, so that the interpreter's
last flush at exit finds nothing to complain about ("Exception ignored ... BrokenPipeError").
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

ESCAPE_ERRORS = "planner-console"  # the codec error handler registered below


def _escape(error: UnicodeError) -> tuple[str | bytes, int]:
    """Encoding error handler: surrogate-escaped bytes (an undecodable file name) go out as the
    original bytes; any other character the encoding lacks as a `\\uXXXX` escape."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    piece = error.object[error.start : error.end]
    if all("\udc80" <= char <= "\udcff" for char in piece):
        return bytes(ord(char) - 0xDC00 for char in piece), error.end
    escaped = []
    for char in piece:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            escaped.append(f"\\x{code - 0xDC00:02x}")
        elif code <= 0xFFFF:
            escaped.append(f"\\u{code:04x}")
        else:
            escaped.append(f"\\U{code:08x}")
    return "".join(escaped), error.end


codecs.register_error(ESCAPE_ERRORS, _escape)


class GuardedStream:
    """A text stream that never raises on write or flush: the first failure is kept in `lost`
    and later writes are dropped. Everything else is the wrapped stream's."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.lost: BaseException | None = None

    def write(self, text: str) -> int:
        if self.lost is None:
            try:
                return self._stream.write(text)
            except (OSError, ValueError) as error:  # ValueError: the stream was closed
                self._lose(error)
        return len(text)

    def flush(self) -> None:
        if self.lost is None:
            try:
                self._stream.flush()
            except (OSError, ValueError) as error:
                self._lose(error)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def _lose(self, error: BaseException) -> None:
        self.lost = error
        # What is still buffered would be flushed again at exit and fail again, noisily: let it
        # go to /dev/null instead.
        with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
            descriptor = self._stream.fileno()
            sink = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(sink, descriptor)
            finally:
                os.close(sink)


@dataclass
class Streams:
    """The guarded standard streams of one run (None where the process has none)."""

    stdout: GuardedStream | None
    stderr: GuardedStream | None

    @property
    def stdout_lost(self) -> BaseException | None:
        return self.stdout.lost if self.stdout is not None else None

    def flush(self) -> None:
        for stream in (self.stdout, self.stderr):
            if stream is not None:
                stream.flush()


def _escaping(stream: TextIO) -> str | None:
    """Switch `stream` to the escaping error handler; return its previous handler (None when
    the stream cannot be switched)."""
    reconfigure = getattr(stream, "reconfigure", None)
    previous = getattr(stream, "errors", None)
    if reconfigure is None or previous is None:
        return None
    try:
        reconfigure(errors=ESCAPE_ERRORS)
    except (OSError, ValueError, TypeError):
        return None
    return str(previous)


@contextlib.contextmanager
def guarded_streams() -> Iterator[Streams]:
    """sys.stdout and sys.stderr guarded for the duration (escaping what their encoding cannot
    show, never raising), restored afterwards; flushed on the way out, inside the guard."""
    originals = sys.stdout, sys.stderr
    handlers = [_escaping(stream) if stream is not None else None for stream in originals]
    guarded = [GuardedStream(stream) if stream is not None else None for stream in originals]
    streams = Streams(*guarded)
    if guarded[0] is not None:
        sys.stdout = guarded[0]
    if guarded[1] is not None:
        sys.stderr = guarded[1]
    try:
        yield streams
    finally:
        streams.flush()
        sys.stdout, sys.stderr = originals
        for stream, handler in zip(originals, handlers, strict=True):
            if stream is not None and handler is not None:
                with contextlib.suppress(OSError, ValueError):
                    restore: Any = stream
                    restore.reconfigure(errors=handler)
