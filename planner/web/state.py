"""What the routes share: the workspace and the job manager behind them (`App`), the request
bodies of the API, the bundled examples and the downloads.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartParser

import planner
from planner.i18n import LANGUAGES, N_, _, integer, language, ngettext
from planner.web.forms import SettingsError, parse_settings
from planner.web.jobs import JobManager, JobState, status_word
from planner.web.views import report_view
from planner.web.workspace import (
    UnknownId,
    Upload,
    Workspace,
    display_name,
    read_json,
    write_json,
)

__all__ = [
    "BUNDLED",
    "EXAMPLES",
    "App",
    "CompareRequest",
    "FrontierRequest",
    "SolveRequest",
    "TooLarge",
    "attachment",
    "download_name",
    "upload_json",
]

MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around the file
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BUNDLED = planner.bundled_scenario().parent  # package data: works from a wheel too
# The bundled examples, by a fixed key (a URL never names a file).
EXAMPLES: dict[str, tuple[str, str]] = {
    "west-kazakhstan-2024": (
        "west-kazakhstan-2024.xlsx",
        N_("West Kazakhstan 2024, count mode: the published tables as three groups"),
    ),
    "west-kazakhstan-2024-hours": (
        "west-kazakhstan-2024-hours.xlsx",
        N_("West Kazakhstan 2024, hours mode: four skills, minutes per transaction"),
    ),
}


class TooLarge(Exception):
    """An upload over the limit (answered with 413)."""


class SolveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["solve"] = "solve"
    upload: str
    option: str = "baseline"
    settings: dict[str, Any] = Field(default_factory=dict)
    sensitivity: bool = True
    lock_units: list[str] = Field(default_factory=list)  # pinned: no staff moves in or out
    keep_services: list[str] = Field(default_factory=list)  # kept at their unit


class CompareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["compare"]
    uploads: list[str] = Field(min_length=1, max_length=20)
    options: dict[str, list[str]] = Field(default_factory=dict)


class FrontierRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["frontier"]
    upload: str
    group: str | None = None
    service_moves: bool = False
    budgets: list[int] | None = Field(default=None, max_length=1000)


class App:
    """The state behind the routes: the workspace, the jobs, the limits."""

    def __init__(self, workspace: Workspace, jobs: JobManager, max_upload: int) -> None:
        self.workspace = workspace
        self.jobs = jobs
        self.max_upload = max_upload

    # --- uploads ---------------------------------------------------------------------------------

    async def read_upload(self, request: Request) -> tuple[bytes, str]:
        """The workbook's bytes and its user's name, from a multipart form (field `file`) or a
        raw body (name in the `name` query parameter). TooLarge before reading when the request
        declares more than the limit, and as soon as more arrives."""
        limit = self.max_upload + MULTIPART_OVERHEAD
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise TooLarge
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > limit:
                raise TooLarge
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):

            async def stream() -> AsyncGenerator[bytes, None]:
                yield bytes(body)

            form = await MultiPartParser(
                request.headers, stream(), max_files=1, max_fields=10
            ).parse()
            file = form.get("file")
            if not isinstance(file, UploadFile):
                raise HTTPException(
                    422, _("no file in the form: send the workbook as the field `file`")
                )
            data = await file.read()
            name = file.filename or "workbook.xlsx"
            await form.close()
        else:
            data = bytes(body)
            name = request.query_params.get("name") or "workbook.xlsx"
        if len(data) > self.max_upload:
            raise TooLarge
        if not data:
            raise HTTPException(422, _("the upload is empty: choose an .xlsx workbook"))
        return data, display_name(name)

    def add(self, data: bytes, name: str) -> Upload:
        """Store and validate a workbook (the report is kept beside it)."""
        upload_id = self.workspace.store(data)
        report = report_view(self.workspace.upload_path(upload_id), name) | {"language": language()}
        for code in LANGUAGES:  # reports kept in other languages name the file as it was named
            (self.workspace.uploads / f"{upload_id}.report-{code}.json").unlink(missing_ok=True)
        return self.workspace.save_upload(upload_id, name, len(data), report)

    def report(self, upload: Upload) -> dict[str, Any]:
        """The upload's validation report in the current language: the one made at upload when
        it speaks this language, else the workbook validated again in it, once, and kept beside
        the upload (`<id>.report-<lang>.json`): a problem reads in the viewer's language."""
        if upload.report.get("language") == language():
            return upload.report
        kept = self.workspace.uploads / f"{upload.upload_id}.report-{language()}.json"
        if kept.is_file():
            return dict(read_json(kept))
        path = self.workspace.upload_path(upload.upload_id)
        report = report_view(path, upload.name) | {"language": language()}
        write_json(kept, report)
        return report

    def upload(self, upload_id: str) -> Upload:
        try:
            return self.workspace.upload(upload_id)
        except UnknownId:
            raise HTTPException(404, _("no such workbook in the workspace")) from None

    def valid_upload(self, upload_id: str) -> Upload:
        upload = self.upload(upload_id)
        if not upload.valid:
            count = len(upload.report["problems"])
            raise HTTPException(
                409,
                # English keeps its one wording for any count; ru and kk have their plurals.
                ngettext(
                    "the workbook has {count} problem(s): fix them first",
                    "the workbook has {count} problem(s): fix them first",
                    count,
                ).format(count=integer(count)),
            )
        return upload

    # --- jobs ------------------------------------------------------------------------------------

    def job(self, job_id: str) -> JobState:
        try:
            return self.jobs.state(job_id)
        except UnknownId:
            raise HTTPException(404, _("no such job")) from None

    def submit(self, request: SolveRequest | CompareRequest | FrontierRequest) -> str:
        """Check a job's parameters against the workbooks and queue it."""
        if isinstance(request, SolveRequest):
            upload = self.valid_upload(request.upload)
            scenario = upload.report["scenario"]
            if request.option not in scenario["options"]:
                raise HTTPException(422, _no_option(request.option, upload.name))
            try:
                settings = parse_settings(request.settings)
            except SettingsError as error:
                raise HTTPException(422, str(error)) from None
            params = {"upload": upload.upload_id, "option": request.option, "settings": settings,
                      "sensitivity": request.sensitivity, "lock_units": request.lock_units,
                      "keep_services": request.keep_services}  # fmt: skip
            label = f"solve {upload.name}" + (
                f" ({request.option})" if request.option != "baseline" else ""
            )
            return self.jobs.submit("solve", params, label)
        if isinstance(request, CompareRequest):
            uploads = [self.valid_upload(u) for u in request.uploads]
            for upload_id, names in request.options.items():
                if upload_id not in request.uploads:
                    raise HTTPException(422, _("options given for a workbook that is not compared"))
                known = self.upload(upload_id).report["scenario"]["options"]
                unknown = [n for n in names if n not in known]
                if unknown:
                    raise HTTPException(422, _no_option(unknown[0], self.upload(upload_id).name))
            params = {"uploads": [u.upload_id for u in uploads], "options": request.options}
            return self.jobs.submit(
                "compare", params, "compare " + ", ".join(u.name for u in uploads)
            )
        upload = self.valid_upload(request.upload)
        if request.group is not None and request.group not in upload.report["scenario"]["groups"]:
            raise HTTPException(
                422, _("no group {group!r} in {workbook}").format(
                    group=request.group, workbook=upload.name
                )
            )  # fmt: skip
        if request.budgets is not None and any(b < 0 for b in request.budgets):
            raise HTTPException(422, _("budgets must be 0 or more"))
        params = {"upload": upload.upload_id, "group": request.group,
                  "service_moves": request.service_moves, "budgets": request.budgets}  # fmt: skip
        return self.jobs.submit("frontier", params, f"frontier {upload.name}")

    def output(self, job_id: str, name: str) -> Path:
        """A finished job's output file (`result.json`, `view-<lang>.json` or `view.json`,
        `workbook.xlsx`)."""
        state = self.job(job_id)
        if state.status != "done":
            raise HTTPException(
                409, _("the job is {status}, it has no result").format(status=status_word(state))
            )
        path = self.workspace.job_folder(job_id) / name
        if not path.is_file():
            raise HTTPException(404, _("this job has no such output"))
        return path


def _no_option(option: str, workbook: str) -> str:
    return _("no option {option!r} in {workbook}").format(option=option, workbook=workbook)


def download_name(state: JobState, workspace: Workspace) -> str:
    """The file name of a job's workbook: `<workbook>-result.xlsx` and so on."""
    upload_id = state.params.get("upload") or state.params["uploads"][0]
    try:
        stem = Path(workspace.upload(upload_id).name).stem
    except UnknownId:
        stem = "planner"
    suffix = {"solve": "result", "compare": "comparison", "frontier": "frontier"}[state.kind]
    return f"{stem}-{suffix}.xlsx"


def attachment(path: Path, name: str, media_type: str = XLSX_TYPE) -> FileResponse:
    """A download whose name is sent quoted (RFC 5987), whatever characters it has."""
    ascii_name = "".join(ch if ch.isascii() and ch.isalnum() or ch in "-_." else "_" for ch in name)
    return FileResponse(
        path,
        media_type=media_type,
        headers={
            "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
        },
    )


def upload_json(upload: Upload, full: bool = True) -> dict[str, Any]:
    report = upload.report
    data = {
        "id": upload.upload_id,
        "sha256": upload.upload_id,
        "name": upload.name,
        "size": upload.size,
        "uploaded_at": upload.uploaded_at,
        "valid": upload.valid,
        "summary": report["summary"],
        "problem_count": len(report["problems"]),
        "warning_count": len(report["warnings"]),
    }
    if full:
        data |= {
            "problems": report["problems"],
            "warnings": report["warnings"],
            "previews": report["previews"],
            "scenario": report.get("scenario"),
        }
    return data
