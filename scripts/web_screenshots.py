"""Screenshots of every page of the web workspace, taken from the real server (`planner serve` on
127.0.0.1 over a fresh workspace) in Debian's chromium driven by Playwright, at 1280 x 800 and at
a 390-pixel phone width. Writes docs/screenshots/<page>.png and <page>-phone.png.

    python scripts/web_screenshots.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.corpus.base import base_workbook  # noqa: E402
from tests.web.browser import chromium_path, running_server  # noqa: E402
from tests.web.conftest import workbook_bytes  # noqa: E402

OUT = REPO / "docs" / "screenshots"
BUNDLED = REPO / "scenarios" / "west-kazakhstan-2024.xlsx"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _call(url: str, body: bytes | None = None, content_type: str = "application/json") -> dict:
    headers = {"X-Planner-Client": "screenshots"}
    if body is not None:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=body, headers=headers,
                                     method="POST" if body is not None else "GET")  # fmt: skip
    with urllib.request.urlopen(request, timeout=120) as answer:
        return json.load(answer)


def _job(url: str, body: dict, wait: bool = True) -> str:
    job = _call(f"{url}/api/jobs", json.dumps(body).encode())
    deadline = time.monotonic() + 300
    while wait and _call(f"{url}/api/jobs/{job['id']}")["status"] in ("queued", "running"):
        if time.monotonic() > deadline:
            raise TimeoutError(body)
        time.sleep(0.2)
    return job["id"]


def main() -> int:
    executable = chromium_path()
    if executable is None:
        print("Debian's chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with running_server(Path(tempfile.mkdtemp(prefix="planner-shots-"))) as url:
        west = _call(f"{url}/api/uploads?name={BUNDLED.name}", BUNDLED.read_bytes(),
                     "application/octet-stream")["id"]  # fmt: skip
        broken = base_workbook()
        broken["Units"]["F2"] = "ten"
        broken["Services"]["E3"] = -200
        broken_id = _call(f"{url}/api/uploads?name=district-plan.xlsx", workbook_bytes(broken),
                          "application/octet-stream")["id"]  # fmt: skip
        solved = _job(url, {"kind": "solve", "upload": west})
        compared = _job(url, {"kind": "compare", "uploads": [west],
                              "options": {west: ["staff moves only", "at most 20 staff moves",
                                                 "hire for city land"]}})  # fmt: skip
        curve = _job(url, {"kind": "frontier", "upload": west, "group": "Uralsk City departments"})
        pages = {
            "start": "/",
            "validation": f"/workbooks/{broken_id}/validation",
            "scenario": f"/workbooks/{west}",
            "result": f"/jobs/{solved}",
            "compare": "/compare",
            "comparison": f"/jobs/{compared}",
            "frontier": f"/jobs/{curve}",
        }
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=executable, args=["--no-sandbox"])
            for suffix, viewport in (("", DESKTOP), ("-phone", PHONE)):
                context = browser.new_context(viewport=viewport, device_scale_factor=1)
                page = context.new_page()
                for name, path in pages.items():
                    page.goto(url + path)
                    page.screenshot(
                        path=str(OUT / f"{name}{suffix}.png"),
                        full_page=not suffix and name != "result",
                    )
                # a job in progress: a comparison of every option, caught while it runs
                running = _job(url, {"kind": "compare", "uploads": [west]}, wait=False)
                page.goto(f"{url}/jobs/{running}")
                page.wait_for_selector("#job-progress", timeout=60_000)
                page.screenshot(path=str(OUT / f"progress{suffix}.png"))
                _call(f"{url}/api/jobs/{running}/cancel", b"{}")
                context.close()
            browser.close()
    print(f"screenshots in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
