"""The workspace folder: uploaded workbooks (named by their SHA-256), jobs and their outputs.

Nothing a user sends becomes a path: a workbook is stored as `uploads/<sha256>.xlsx`, a job lives
in `jobs/<job id>/` where the id is made here, and every id that comes back in a URL is matched
against its exact pattern (`UPLOAD_ID`, `JOB_ID`) before a path is built from it. Files are written
through a temporary file and moved into place, so a killed server never leaves half a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "JOB_ID",
    "UPLOAD_ID",
    "UnknownId",
    "Workspace",
    "default_folder",
    "display_name",
]

UPLOAD_ID = re.compile(r"[0-9a-f]{64}")  # SHA-256 of the workbook's bytes
JOB_ID = re.compile(r"[0-9a-f]{32}")  # made by new_job_id()
MAX_NAME = 120  # characters of a workbook's name kept for display


class UnknownId(LookupError):
    """An id that is malformed or names nothing in the workspace (the web answers 404)."""


def default_folder() -> Path:
    """The workspace under the user's data directory ($XDG_DATA_HOME/planner or
    ~/.local/share/planner; %APPDATA%/planner on Windows)."""
    if os.name == "nt" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "planner"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "planner"


def display_name(name: str | None) -> str:
    """The name a user gave a file, for display only: its last path part, without control
    characters, at most MAX_NAME characters ("workbook.xlsx" when nothing is left)."""
    text = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()
    return text[:MAX_NAME] or "workbook.xlsx"


def now() -> str:
    """The time, to the microsecond: uploads and jobs are listed newest first by it, and two
    saved within one second must still come in the order they were made (pages show seconds)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_json(path: Path, value: Any) -> None:
    write_atomic(path, json.dumps(value, ensure_ascii=False, indent=1).encode())


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Upload:
    """A workbook in the workspace and what validation said about it (`report`: see
    planner.web.views.report_view)."""

    upload_id: str
    name: str  # the name the user gave it, for display only
    size: int
    uploaded_at: str
    report: dict[str, Any]

    @property
    def valid(self) -> bool:
        return not self.report["problems"]


class Workspace:
    """A folder holding uploads and jobs; it survives restarts."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self.uploads = self.root / "uploads"
        self.jobs = self.root / "jobs"
        for folder in (self.uploads, self.jobs):
            folder.mkdir(parents=True, exist_ok=True)

    # --- uploads ---------------------------------------------------------------------------------

    def upload_path(self, upload_id: str) -> Path:
        """The stored workbook of an upload id; UnknownId when malformed or absent."""
        if not isinstance(upload_id, str) or not UPLOAD_ID.fullmatch(upload_id):
            raise UnknownId(upload_id)
        path = self.uploads / f"{upload_id}.xlsx"
        if not path.is_file():
            raise UnknownId(upload_id)
        return path

    def store(self, data: bytes) -> str:
        """Store a workbook's bytes under their SHA-256 (an identical upload is stored once)."""
        upload_id = hashlib.sha256(data).hexdigest()
        path = self.uploads / f"{upload_id}.xlsx"
        if not path.is_file():
            write_atomic(path, data)
        return upload_id

    def save_upload(self, upload_id: str, name: str, size: int, report: dict[str, Any]) -> Upload:
        upload = Upload(upload_id, display_name(name), size, now(), report)
        write_json(
            self.uploads / f"{upload_id}.json",
            {
                "name": upload.name,
                "size": size,
                "uploaded_at": upload.uploaded_at,
                "report": report,
            },
        )
        return upload

    def upload(self, upload_id: str) -> Upload:
        self.upload_path(upload_id)
        meta_path = self.uploads / f"{upload_id}.json"
        if not meta_path.is_file():
            raise UnknownId(upload_id)
        meta = read_json(meta_path)
        return Upload(upload_id, meta["name"], meta["size"], meta["uploaded_at"], meta["report"])

    def list_uploads(self) -> list[Upload]:
        """Every upload with its validation, newest first."""
        found = []
        for meta_path in self.uploads.glob("*.json"):
            if (
                UPLOAD_ID.fullmatch(meta_path.stem)
                and (self.uploads / f"{meta_path.stem}.xlsx").is_file()
            ):
                found.append(self.upload(meta_path.stem))
        return sorted(found, key=lambda u: (u.uploaded_at, u.upload_id), reverse=True)

    # --- jobs ------------------------------------------------------------------------------------

    @staticmethod
    def new_job_id() -> str:
        return secrets.token_hex(16)

    def job_folder(self, job_id: str) -> Path:
        """The folder of a job id; UnknownId when malformed or absent."""
        if not isinstance(job_id, str) or not JOB_ID.fullmatch(job_id):
            raise UnknownId(job_id)
        folder = self.jobs / job_id
        if not (folder / "job.json").is_file():
            raise UnknownId(job_id)
        return folder

    def job_ids(self) -> list[str]:
        return [
            p.name
            for p in self.jobs.iterdir()
            if JOB_ID.fullmatch(p.name) and (p / "job.json").is_file()
        ]
