"""The FastAPI app: the JSON API under /api/ and the HTML pages, over one workspace and one job
manager.

`create_app(folder)` builds it; `planner serve` (planner.web.serve) runs it with uvicorn. Uploads
are refused with 413 before they are read when they declare more than the reader's limit, and
while they stream when they send more; every stored workbook is checked by validate_workbook
(every hostile-file defence of the reader applies). Solves, comparisons and frontiers are jobs
(planner.web.jobs); their JSON is the library's own (`Result.to_dict`, what `planner solve
--json` prints).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

import planner
from planner.i18n import _, integer
from planner.web import pages
from planner.web.jobs import JobManager
from planner.web.language import LanguageMiddleware, add_language_route
from planner.web.security import CSP, TOKEN_COOKIE, Guard
from planner.web.state import (
    App,
    CompareRequest,
    FrontierRequest,
    SolveRequest,
    TooLarge,
    attachment,
    download_name,
    upload_json,
)
from planner.web.workspace import Workspace
from planner.xlsx.reading import MAX_FILE_BYTES

__all__ = ["create_app"]

STATIC = Path(__file__).parent / "static"


def create_app(
    folder: str | Path,
    *,
    token: str | None = None,
    loopback_only: bool = True,
    workers: int = 2,
    job_timeout: float = 1800.0,
    max_upload: int = MAX_FILE_BYTES,
) -> FastAPI:
    """The web workspace over the folder `folder`.

    token: required on every request when given (serve() gives one whenever the address is not
    loopback). loopback_only: refuse Host headers that are not loopback names (against DNS
    rebinding). workers: jobs run at once (each in its own process). job_timeout: seconds after
    which a job's process is stopped. max_upload: bytes of the largest workbook accepted.
    """
    workspace = Workspace(folder)
    state: dict[str, App] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        jobs = JobManager(workspace, workers=workers, job_timeout=job_timeout)
        state["app"] = App(workspace, jobs, max_upload)
        app.state.planner = state["app"]
        try:
            yield
        finally:
            jobs.shutdown()

    app = FastAPI(
        title="planner workspace",
        version=planner.__dict__.get("__version__", "0.1.0"),
        description="Upload scenario workbooks, validate them, solve, compare and draw frontiers.",
        # FastAPI's own pages load Swagger UI from a CDN and start it with an inline script; the
        # same Swagger UI, vendored, is served at /api/docs instead (no CDN, no inline script).
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.middleware("http")(Guard(token, loopback_only))
    app.add_middleware(LanguageMiddleware)
    add_language_route(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def current() -> App:
        return state["app"]

    @app.exception_handler(TooLarge)
    async def too_large(request: Request, error: TooLarge) -> Response:
        return JSONResponse(
            {
                "detail": _("the file is larger than the {limit} bytes accepted").format(
                    limit=integer(current().max_upload)
                )
            },
            status_code=413,
            headers={"Connection": "close"},
        )

    # --- the API ---------------------------------------------------------------------------------

    @app.get("/api/health")
    def health() -> dict[str, Any]:
        """The server answers; how many jobs run and wait."""
        jobs = current().jobs
        return {"status": "ok", "running": jobs.running, "queued": jobs.queued,
                "workers": jobs.workers}  # fmt: skip

    @app.post("/api/uploads", status_code=201)
    async def api_upload(request: Request) -> dict[str, Any]:
        """Upload a workbook (multipart field `file`, or the raw body with `?name=`); it is
        stored under its SHA-256 and validated. The answer lists every problem and warning."""
        data, name = await current().read_upload(request)
        upload = await run_in_threadpool(current().add, data, name)
        return upload_json(upload)

    @app.get("/api/uploads")
    def api_uploads() -> list[dict[str, Any]]:
        """Every workbook in the workspace, newest first."""
        return [upload_json(u, full=False) for u in current().workspace.list_uploads()]

    @app.get("/api/uploads/{upload_id}")
    def api_upload_report(upload_id: str) -> dict[str, Any]:
        """One workbook's validation: problems, warnings, summary and previews."""
        return upload_json(current().upload(upload_id))

    @app.get("/api/uploads/{upload_id}/workbook")
    def api_upload_file(upload_id: str) -> FileResponse:
        """The workbook as it was uploaded."""
        upload = current().upload(upload_id)
        return attachment(current().workspace.upload_path(upload.upload_id), upload.name)

    @app.get("/api/uploads/{upload_id}/scenario")
    async def api_scenario(upload_id: str) -> dict[str, Any]:
        """Units per group with their coefficient today, the settings and the options."""
        return await run_in_threadpool(pages.scenario_data, current(), upload_id)

    @app.post("/api/jobs", status_code=202)
    def api_submit(
        body: SolveRequest | CompareRequest | FrontierRequest,
    ) -> dict[str, Any]:
        """Queue a solve, comparison or frontier; poll GET /api/jobs/{id}."""
        job_id = current().submit(body)
        return current().job(job_id).to_dict()

    @app.get("/api/jobs")
    def api_jobs() -> list[dict[str, Any]]:
        return [s.to_dict() for s in current().jobs.states()]

    @app.get("/api/jobs/{job_id}")
    def api_job(job_id: str) -> dict[str, Any]:
        """A job's status, queue position and progress (groups done, seconds left)."""
        return current().job(job_id).to_dict()

    @app.post("/api/jobs/{job_id}/cancel")
    def api_cancel(job_id: str) -> dict[str, Any]:
        """Stop a queued or running job (its process is ended)."""
        current().job(job_id)
        return current().jobs.cancel(job_id).to_dict()

    @app.post("/api/jobs/{job_id}/rerun", status_code=202)
    def api_rerun(job_id: str) -> dict[str, Any]:
        """Queue a finished, cancelled or interrupted job again (a new id)."""
        current().job(job_id)
        return current().job(current().jobs.rerun(job_id)).to_dict()

    @app.get("/api/jobs/{job_id}/result")
    def api_result(job_id: str) -> FileResponse:
        """A solve: the JSON of `planner solve --json`; a comparison: each option's; a frontier:
        its points per group."""
        return FileResponse(current().output(job_id, "result.json"), media_type="application/json")

    @app.get("/api/jobs/{job_id}/workbook")
    def api_workbook(job_id: str) -> FileResponse:
        """The result, comparison or frontier workbook."""
        path = current().output(job_id, "workbook.xlsx")
        return attachment(path, download_name(current().job(job_id), current().workspace))

    @app.get("/api/template")
    def api_template() -> FileResponse:
        """An empty scenario workbook with instructions."""
        return attachment(pages.template_path(current()), "planner-template.xlsx")

    # --- login and pages ---------------------------------------------------------------------------

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request) -> Response:
        return pages.render(request, "login.html", {"error": None, "needed": token is not None})

    @app.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=5)
        given = str(form.get("token", ""))
        if token is None or not given or not Guard(token, False).token_matches(given):
            context = {"error": _("wrong access token"), "needed": token is not None}
            return pages.render(request, "login.html", context, status_code=401)
        redirect = RedirectResponse("/", status_code=303)
        redirect.set_cookie(TOKEN_COOKIE, given, httponly=True, samesite="strict")
        return redirect

    pages.add_routes(app, current)

    @app.get("/api", response_class=HTMLResponse)
    def api_page(request: Request) -> Response:
        """The endpoints of the API (from the OpenAPI schema at /openapi.json)."""
        return pages.render(request, "api.html", {"schema": app.openapi()})

    @app.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request) -> Response:
        """FastAPI's OpenAPI page (Swagger UI), served from the package."""
        response = pages.render(request, "docs.html", {})
        # Swagger UI sets style attributes as it draws; its page alone allows inline styles.
        response.headers["Content-Security-Policy"] = CSP.replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        )
        return response

    # The OpenAPI description is of the API; the pages and the login are not part of it.
    for route in app.routes:
        if isinstance(route, APIRoute) and not route.path.startswith("/api/"):
            route.include_in_schema = False

    app.state.started = time.time()
    app.state.loopback_only = loopback_only
    return app
