"""The HTML pages: Jinja2 templates (autoescaped: text from a workbook is always shown as text),
HTMX for the parts that update (job progress), charts drawn as SVG on the server.

Every page has its own URL, so the back button and bookmarks work; every form posts to a URL
that answers with a redirect (303) to the page of what it made, and works without JavaScript.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

import planner
import planner.result
from planner.i18n import (
    LANGUAGE_NAMES,
    N_,
    _,
    decimal,
    integer,
    language,
    ngettext,
    pgettext,
    using,
)
from planner.web.forms import EDITABLE, SettingsError, form_settings
from planner.web.state import (
    BUNDLED,
    EXAMPLES,
    App,
    CompareRequest,
    FrontierRequest,
    SolveRequest,
    attachment,
    download_name,
)
from planner.web.views import scenario_view
from planner.web.workspace import read_json

__all__ = ["add_routes", "job_view", "render", "scenario_data", "template_path"]

# autoescape=True for every template: text from a workbook is always shown as text.
TEMPLATES = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],  # {{ _("...") }} in the request's language
    )
)
# The catalogue's functions, called when a page is rendered: in the request's language.
TEMPLATES.env.install_gettext_callables(  # type: ignore[attr-defined]
    gettext=_, ngettext=ngettext, newstyle=True, pgettext=pgettext
)


def fmt(value: float | None, digits: int = 3) -> str:
    """A coefficient for a page: 3 decimals (a decimal comma in ru and kk), `-` for none, `inf`
    for load with no staff."""
    if value is None:
        return "-"
    if isinstance(value, float) and math.isinf(value):
        return "inf"
    return decimal(value, digits, group=False)


def number(value: float | int | None) -> str:
    """A count or amount for a page, grouped as the language writes it: 4,780,905 / 4 780 905."""
    if value is None:
        return "-"
    if isinstance(value, float) and not value.is_integer():
        return decimal(value, 2)
    return integer(int(value))


def line_points(points: list[dict[str, Any]], width: float, height: float) -> list[dict[str, Any]]:
    """The frontier points placed in a width x height box (budget across, coefficient up)."""
    valued = [p for p in points if p["max_coefficient"] is not None]
    if not valued:
        return []
    budgets = [p["budget"] for p in valued]
    values = [p["max_coefficient"] for p in valued]
    low_x, high_x = min(budgets), max(budgets)
    high_y = max(values) or 1.0
    placed = []
    for p in valued:
        x = 0.0 if high_x == low_x else (p["budget"] - low_x) / (high_x - low_x) * width
        y = height - p["max_coefficient"] / high_y * height
        placed.append(p | {"x": round(x, 1), "y": round(y, 1)})
    return placed


def check_name(check: dict[str, Any]) -> str:
    """A check's name in the viewer's language, by its stable code (planner.result.CheckCode);
    a check without a known code (a job of an older version) as the solve wrote it."""
    codes = getattr(planner.result, "CheckCode", None)
    if codes is not None and check.get("code") in {str(c) for c in codes}:
        return str(codes(check["code"]).text)
    return str(check["name"])


# A job's label names its kind and workbooks ("solve <workbook> (<option>)", "compare <a>, <b>",
# "frontier <workbook>": planner.web.state), in English for the API; a page says the kind in
# its viewer's language.
_JOB_LABELS = {
    "solve": N_("solve {workbook}"),
    "compare": N_("compare {workbooks}"),
    "frontier": N_("frontier {workbook}"),
}


def job_label(job: Any) -> str:
    """A job's label for a page, its kind in the current language; as stored when it does not
    start with its kind (a job of an older version)."""
    kind, label = str(getattr(job, "kind", "")), str(getattr(job, "label", ""))
    if kind not in _JOB_LABELS or not label.startswith(kind + " "):
        return label
    named = label[len(kind) + 1 :]
    return _(_JOB_LABELS[kind]).format(workbook=named, workbooks=named)


def stop_reason(code: str | None) -> str:
    """Why a group's search stopped, in the viewer's language (planner.result.StopReason); a
    reason this version does not know as written."""
    reasons = {str(r): r for r in planner.result.StopReason}
    return reasons[code].text if code in reasons else str(code or "")


TEMPLATES.env.filters["fmt"] = fmt
TEMPLATES.env.filters["stop_reason"] = stop_reason
TEMPLATES.env.filters["job_label"] = job_label
TEMPLATES.env.filters["check_name"] = check_name
TEMPLATES.env.filters["number"] = number
TEMPLATES.env.globals["line_points"] = line_points
TEMPLATES.env.globals["EDITABLE"] = EDITABLE


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """A page, with the CSRF token its forms send back."""
    context = {
        "csrf": getattr(request.state, "csrf", ""),
        "path": request.url.path,
        "lang": language(),
        "languages": LANGUAGE_NAMES,
    } | context
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status_code)


def template_path(app: App) -> Path:
    """The template workbook, written once into the workspace."""
    path = app.workspace.root / "template.xlsx"
    if not path.is_file():
        planner.write_template(path)
    return path


@functools.lru_cache(maxsize=8)
def _scenario(root: str, upload_id: str, code: str) -> dict[str, Any]:
    from planner.web.worker import load_scenario
    from planner.web.workspace import Workspace

    with using(code):
        return scenario_view(load_scenario(Workspace(root), upload_id))


def scenario_data(app: App, upload_id: str) -> dict[str, Any]:
    """The scenario page's figures of a valid upload in the current language (cached by language:
    an upload never changes, but its units' names and the baseline's description do)."""
    app.valid_upload(upload_id)
    return _scenario(str(app.workspace.root), upload_id, language())


def job_view(app: App, job_id: str) -> Path:
    """A finished job's view in the viewer's language, `view-<lang>.json` (the worker renders one
    per language), else the one `view.json` of a job of an older version, in the job's
    language."""
    try:
        return app.output(job_id, f"view-{language()}.json")
    except HTTPException as error:
        if error.status_code != 404:
            raise
    return app.output(job_id, "view.json")


def add_routes(app: FastAPI, current: Callable[[], App]) -> None:
    """The pages of the workspace."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return await http_exception_handler(request, error)
        return render(
            request, "error.html", {"status": error.status_code, "message": error.detail},
            error.status_code,
        )  # fmt: skip

    def redirect(url: str) -> RedirectResponse:
        return RedirectResponse(url, status_code=303)

    @app.get("/", response_class=HTMLResponse)
    def start(request: Request) -> Response:
        """Upload a workbook, open an example, download the template; the workspace."""
        examples = [
            {"key": key, "file": file, "description": _(text)}
            for key, (file, text) in EXAMPLES.items()
            if (BUNDLED / file).is_file()
        ]
        return render(
            request, "start.html",
            {"uploads": current().workspace.list_uploads(), "jobs": current().jobs.states()[:20],
             "examples": examples},
        )  # fmt: skip

    async def after_upload(data: bytes, name: str) -> RedirectResponse:
        upload = await run_in_threadpool(current().add, data, name)
        if upload.valid:
            return redirect(f"/workbooks/{upload.upload_id}")
        return redirect(f"/workbooks/{upload.upload_id}/validation")

    @app.post("/upload")
    async def upload(request: Request) -> Response:
        data, name = await current().read_upload(request)
        return await after_upload(data, name)

    @app.post("/examples/{key}")
    async def example(key: str) -> Response:
        if key not in EXAMPLES or not (BUNDLED / EXAMPLES[key][0]).is_file():
            raise HTTPException(404, _("no such example"))
        file = EXAMPLES[key][0]
        return await after_upload((BUNDLED / file).read_bytes(), file)

    @app.get("/template.xlsx")
    def template() -> FileResponse:
        return attachment(template_path(current()), "planner-template.xlsx")

    @app.get("/workbooks/{upload_id}/validation", response_class=HTMLResponse)
    async def validation(request: Request, upload_id: str) -> Response:
        """Every problem with its sheet, cell, value and what was expected; warnings apart; the
        offending rows with the cell marked; in the viewer's language."""
        found = current().upload(upload_id)
        report = await run_in_threadpool(current().report, found)
        return render(request, "validation.html", {"upload": found, "report": report})

    @app.get("/workbooks/{upload_id}/file")
    def workbook_file(upload_id: str) -> FileResponse:
        found = current().upload(upload_id)
        return attachment(current().workspace.upload_path(found.upload_id), found.name)

    @app.get("/workbooks/{upload_id}", response_class=HTMLResponse)
    async def scenario(request: Request, upload_id: str) -> Response:
        """Units per group with their coefficient today, the settings, the options."""
        found = current().upload(upload_id)
        if not found.valid:
            return redirect(f"/workbooks/{upload_id}/validation")
        data = await run_in_threadpool(scenario_data, current(), upload_id)
        return render(request, "scenario.html", {"upload": found, "scenario": data})

    @app.post("/workbooks/{upload_id}/solve")
    async def solve(request: Request, upload_id: str) -> Response:
        form = await request.form(max_files=0, max_fields=50)
        try:
            settings = form_settings(form)
        except SettingsError as error:
            raise HTTPException(422, str(error)) from None
        body = SolveRequest(
            upload=upload_id, option=str(form.get("option") or "baseline"), settings=settings,
            sensitivity=bool(form.get("sensitivity")),
        )  # fmt: skip
        return redirect(f"/jobs/{current().submit(body)}")

    @app.post("/workbooks/{upload_id}/frontier")
    async def frontier(request: Request, upload_id: str) -> Response:
        form = await request.form(max_files=0, max_fields=10)
        group = str(form.get("group") or "") or None
        body = FrontierRequest(
            kind="frontier", upload=upload_id, group=group,
            service_moves=bool(form.get("service_moves")),
        )  # fmt: skip
        return redirect(f"/jobs/{current().submit(body)}")

    @app.get("/compare", response_class=HTMLResponse)
    def compare_page(request: Request) -> Response:
        """Pick workbooks and their options to compare."""
        uploads = [u for u in current().workspace.list_uploads() if u.valid]
        return render(request, "compare.html", {"uploads": uploads})

    @app.post("/compare")
    async def compare(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=500)
        uploads = [str(v) for v in form.getlist("upload")]
        if not uploads:
            raise HTTPException(422, _("choose at least one workbook to compare"))
        options: dict[str, list[str]] = {}
        for upload_id in uploads:
            options[upload_id] = [str(v) for v in form.getlist(f"option-{upload_id}")]
        body = CompareRequest(kind="compare", uploads=uploads, options=options)
        return redirect(f"/jobs/{current().submit(body)}")

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job(request: Request, job_id: str) -> Response:
        """Progress while the job runs; its result when it is done."""
        state = current().job(job_id)
        if state.status != "done":
            return render(request, "job.html", {"job": state})
        view = read_json(job_view(current(), job_id))
        template = {"solve": "result.html", "compare": "comparison.html",
                    "frontier": "frontier.html"}[state.kind]  # fmt: skip
        upload_id = state.params.get("upload")
        return render(request, template, {"job": state, "view": view, "upload_id": upload_id})

    @app.get("/jobs/{job_id}/progress", response_class=HTMLResponse)
    def progress(request: Request, job_id: str) -> Response:
        """The progress fragment the job page polls; once the job is over, the page reloads."""
        state = current().job(job_id)
        response = render(request, "progress.html", {"job": state})
        if state.final:
            response.headers["HX-Redirect"] = f"/jobs/{job_id}"
        return response

    @app.post("/jobs/{job_id}/cancel")
    def cancel(job_id: str) -> Response:
        current().job(job_id)
        current().jobs.cancel(job_id)
        return redirect(f"/jobs/{job_id}")

    @app.post("/jobs/{job_id}/rerun")
    def rerun(job_id: str) -> Response:
        current().job(job_id)
        return redirect(f"/jobs/{current().jobs.rerun(job_id)}")

    @app.post("/jobs/{job_id}/decide")
    async def decide(request: Request, job_id: str) -> Response:
        """Re-solve a plan around the decisions made on the result page: units pinned (locked),
        services kept at their unit."""
        state = current().job(job_id)
        if state.kind != "solve":
            raise HTTPException(422, _("only a solve can be re-solved with decisions"))
        form = await request.form(max_files=0, max_fields=10_000)
        params = state.params
        body = SolveRequest(
            upload=params["upload"], option=params.get("option", "baseline"),
            settings=params.get("settings", {}), sensitivity=params.get("sensitivity", True),
            lock_units=sorted({str(v) for v in form.getlist("lock")}),
            keep_services=sorted({str(v) for v in form.getlist("keep")}),
        )  # fmt: skip
        return redirect(f"/jobs/{current().submit(body)}")

    @app.get("/jobs/{job_id}/workbook")
    def job_workbook(job_id: str) -> FileResponse:
        path = current().output(job_id, "workbook.xlsx")
        return attachment(path, download_name(current().job(job_id), current().workspace))
