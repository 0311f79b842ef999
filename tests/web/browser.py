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


@contextlib.contextmanager
def running_server(folder: Path, timeout: float = 30.0) -> Iterator[str]:
    """`planner serve` on 127.0.0.1 over `folder`; yields its URL, stops it afterwards."""
    port = free_port()
    command = [
        sys.executable, "-c",
        "import sys; from planner.cli import main; sys.exit(main(sys.argv[1:]))",
        "serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(folder),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=REPO, env=os.environ | {"PYTHONPATH": str(REPO)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    error = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"planner serve did not start: {error}") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
