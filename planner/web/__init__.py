"""The web workspace (`planner serve`): the pages and the JSON API over a workspace folder, a shell
over the public API like the command line (it never imports the engine).

`create_app(folder)` gives the FastAPI app; `serve(...)` runs it with uvicorn.
"""

from __future__ import annotations

import secrets
import sys
import threading
import webbrowser
from pathlib import Path

from planner.web.app import create_app
from planner.web.security import is_loopback
from planner.web.workspace import default_folder

__all__ = ["access", "create_app", "serve"]


def access(host: str, token: str | None) -> tuple[str | None, bool, bool]:
    """(token to require, whether it was generated here, whether only loopback Host headers are
    accepted) for a bind address: loopback needs no token unless one is given; any other
    address always needs one."""
    loopback = is_loopback(host)
    if not loopback and not token:
        return secrets.token_urlsafe(24), True, False
    return token or None, False, loopback


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    data: str | Path | None = None,
    *,
    open_browser: bool = False,
    token: str | None = None,
    workers: int = 2,
) -> int:
    """Run the workspace until interrupted; returns the exit code.

    Bound to a loopback address no token is needed; bound to any other address an access token is
    required on every request: `token`, or one generated here and printed once.
    """
    import uvicorn

    folder = Path(data) if data is not None else default_folder()
    token, generated, loopback = access(host, token)
    if generated:
        print(f"access token (shown once): {token}", file=sys.stderr)
    app = create_app(folder, token=token, loopback_only=loopback, workers=workers)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    print(
        f"planner workspace at {url} (workspace folder {folder}); Ctrl-C stops it", file=sys.stderr
    )
    if open_browser:
        threading.Timer(0.8, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0
