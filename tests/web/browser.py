"""A real server and Debian's chromium for the end-to-end tests and the screenshots script.

The server is `planner serve` in a subprocess on 127.0.0.1 and a free port, over its own
workspace folder, started and stopped by whoever uses it (bounded waits). The browser is the
system's chromium driven by Playwright for Python (`executable_path`, no browser download).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_NAMES = ("chromium", "chromium-browser")


def chromium_path() -> str | None:
    """Debian's chromium, or None when it is not installed."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def launch(folder: Path, timeout: float = 30.0) -> tuple[subprocess.Popen, str]:
    """Start `planner serve` on 127.0.0.1 and a free port over `folder`; wait until it answers.
    Returns the process and the URL; the caller stops the process."""
    port = free_port()
    command = [
        sys.executable, "-c",
        "import sys; from planner.cli import main; sys.exit(main(sys.argv[1:]))",
        "serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(folder),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=REPO, env=os.environ | {"PYTHONPATH": str(REPO)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=2) as answer:
                if answer.status == 200:
                    return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                error = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"planner serve did not start: {error}") from None
            time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    """Stop a server (Ctrl-C's signal first, then kill), bounded in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextlib.contextmanager
def running_server(folder: Path, timeout: float = 30.0) -> Iterator[str]:
    """`planner serve` on 127.0.0.1 over `folder`; yields its URL, stops it afterwards."""
    process, url = launch(folder, timeout)
    try:
        yield url
    finally:
        stop(process)
