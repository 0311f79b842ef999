"""Safe by default: headers on every response, the access token off loopback (missing, wrong,
right; cookie and header), the Host check against DNS rebinding, CSRF on forms and API posts,
and text from workbooks always escaped."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from planner.web.security import CSP, is_loopback
from tests.corpus.base import base_workbook
from tests.web.conftest import API, client_for, submit, upload, wait, workbook_bytes

HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.mark.parametrize("path", ["/", "/api/health", "/static/app.css", "/no/such/page"])
def test_headers_on_every_response(client, path) -> None:
    """A CSP without inline scripts, nosniff, no framing, no referrer, on pages, API, static
    files and errors alike."""
    response = client.get(path)
    assert response.headers["content-security-policy"] == CSP
    assert "script-src 'self';" in CSP and "unsafe-inline" not in CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(client, base_bytes) -> None:
    """Every script is a file from /static (the CSP would block an inline one)."""
    answer = upload(client, base_bytes)
    for path in ("/", f"/workbooks/{answer['id']}", "/compare", "/api"):
        html = client.get(path).text
        assert "<script>" not in html and "style=" not in html and "<style" not in html
        assert '<script src="/static/htmx.min.js" defer></script>' in html


def test_vendored_htmx_and_its_licence_are_served(client) -> None:
    """htmx ships with the package (no CDN), with its licence."""
    script = client.get("/static/htmx.min.js")
    assert script.status_code == 200 and b"htmx" in script.content[:2000]
    assert client.get("/static/htmx-LICENSE.txt").text.startswith("Zero-Clause BSD")


@pytest.mark.parametrize(
    ("host", "expected"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True),
     ("0.0.0.0", False), ("192.168.1.5", False), ("example.org", False)],
)  # fmt: skip
def test_is_loopback(host, expected) -> None:
    assert is_loopback(host) is expected


def test_unknown_host_is_refused_on_loopback(client) -> None:
    """On loopback a Host header that is not a loopback name is refused (DNS rebinding)."""
    assert client.get("/api/health", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/api/health", headers={"Host": "localhost:8000"}).status_code == 200


@pytest.fixture
def guarded(tmp_path):
    """A workspace as served on a non-loopback address: token `s3cret` required."""
    with client_for(tmp_path / "ws", token="s3cret", loopback_only=False) as running:
        yield running


def test_missing_and_wrong_token(guarded) -> None:
    """Without the token the API answers 401 and the pages send to the login page."""
    assert guarded.get("/api/health").status_code == 401
    assert guarded.get("/api/health").json() == {"detail": "missing access token"}
    wrong = guarded.get("/api/health", headers={"Authorization": "Bearer nope"})
    assert (wrong.status_code, wrong.json()) == (401, {"detail": "wrong access token"})
    assert guarded.get("/api/uploads", headers={"X-Planner-Token": "nope"}).status_code == 401
    page = guarded.get("/", follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (303, "/login")
    posted = guarded.post("/api/uploads", content=b"x", headers=API)
    assert posted.status_code == 401
    assert guarded.get("/login").status_code == 200  # the login page itself is open


def test_right_token_by_header_and_by_login(guarded) -> None:
    """The token works as a header; the login page checks it and sets the cookie."""
    assert guarded.get("/api/health", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    refused = guarded.post("/login", data={"token": "nope"})
    assert refused.status_code == 401 and "wrong access token" in refused.text
    login = guarded.post("/login", data={"token": "s3cret"}, follow_redirects=False)
    assert login.status_code == 303
    assert "planner_token=s3cret" in login.headers["set-cookie"]
    assert (
        "HttpOnly" in login.headers["set-cookie"]
        and "SameSite=strict" in login.headers["set-cookie"]
    )
    assert guarded.get("/").status_code == 200


def test_form_posts_need_the_csrf_token(client, base_bytes) -> None:
    """A form post without the CSRF token (or with another) is refused; with the page's token
    it goes through."""
    files = {"file": ("a.xlsx", base_bytes)}
    missing = client.post("/upload", files=files, follow_redirects=False)
    assert missing.status_code == 403
    assert missing.json() == {"detail": "missing or wrong CSRF token: reload the page"}
    client.get("/")  # sets the cookie
    token = client.cookies["planner_csrf"]
    wrong = client.post("/upload?csrf_token=forged", files=files, follow_redirects=False)
    assert wrong.status_code == 403
    right = client.post(f"/upload?csrf_token={token}", files=files, follow_redirects=False)
    assert right.status_code == 303
    by_header = client.post("/upload", files=files, headers={"X-CSRF-Token": token},
                            follow_redirects=False)  # fmt: skip
    assert by_header.status_code == 303


def test_api_posts_need_a_client_header_and_the_same_origin(client, base_bytes) -> None:
    """An API post without X-Planner-Client (what a form on another site would send) is
    refused, and so is any post from another origin."""
    bare = client.post("/api/uploads", files={"file": ("a.xlsx", base_bytes)})
    assert bare.status_code == 403
    assert bare.json() == {
        "detail": "API requests that change something need an X-Planner-Client header"
    }
    foreign = client.post("/api/uploads", files={"file": ("a.xlsx", base_bytes)},
                          headers=API | {"Origin": "http://evil.example"})  # fmt: skip
    assert foreign.status_code == 403
    assert foreign.json() == {"detail": "cross-origin request refused"}
    other_site = client.post("/api/uploads", files={"file": ("a.xlsx", base_bytes)},
                             headers=API | {"Sec-Fetch-Site": "cross-site"})  # fmt: skip
    assert other_site.status_code == 403
    same = client.post("/api/uploads", files={"file": ("a.xlsx", base_bytes)},
                       headers=API | {"Origin": "http://127.0.0.1"})  # fmt: skip
    assert same.status_code == 201


def _hostile_workbook() -> bytes:
    workbook: Workbook = base_workbook()
    units = workbook["Units"]
    units["B2"] = HOSTILE  # the name of D01
    services = workbook["Services"]
    services["B2"] = HOSTILE
    return workbook_bytes(workbook)


def test_text_from_workbooks_is_escaped(client) -> None:
    """A unit named <script>alert(1)</script> shows as that text on the scenario page and the
    result page, never as markup."""
    answer = upload(client, _hostile_workbook(), "<img src=x onerror=alert(1)>.xlsx")
    scenario = client.get(f"/workbooks/{answer['id']}").text
    assert ESCAPED in scenario and HOSTILE not in scenario
    start = client.get("/").text
    assert "&lt;img src=x onerror=alert(1)&gt;.xlsx" in start and "<img" not in start
    job = submit(client, {"kind": "solve", "upload": answer["id"], "sensitivity": False})
    assert wait(client, job["id"])["status"] == "done"
    result = client.get(f"/jobs/{job['id']}").text
    assert ESCAPED in result and HOSTILE not in result


def test_broken_cell_value_is_escaped(client) -> None:
    """A value shown in the validation preview is escaped too."""
    workbook = base_workbook()
    workbook["Units"]["F2"] = HOSTILE  # Employees: not a number
    answer = upload(client, workbook_bytes(workbook))
    page = client.get(f"/workbooks/{answer['id']}/validation").text
    assert f"<mark>{ESCAPED}</mark>" in page and HOSTILE not in page


def test_openapi_page_is_served_from_the_package(client) -> None:
    """The OpenAPI page is FastAPI's Swagger UI, vendored (no CDN), started by a script file;
    only its page allows inline styles; the description lists the API and nothing else."""
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert '<script src="/static/swagger/swagger-ui-bundle.js" defer></script>' in page.text
    assert "<script>" not in page.text and "cdn" not in page.text.lower()
    assert page.headers["content-security-policy"] == CSP.replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'"
    )
    assert "Apache License" in client.get("/static/swagger/LICENSE.txt").text[:200]
    paths = client.get("/openapi.json").json()["paths"]
    assert all(path.startswith("/api/") for path in paths)
    assert {"/api/uploads", "/api/jobs", "/api/jobs/{job_id}/result", "/api/health"} <= set(paths)
    assert client.get("/docs").status_code == 404  # FastAPI's CDN page is off


def test_access_by_bind_address() -> None:
    """Loopback needs no token (unless given); any other address gets a generated one, and the
    Host check is only for loopback."""
    from planner.web import access

    assert access("127.0.0.1", None) == (None, False, True)
    assert access("::1", "given") == ("given", False, True)
    assert access("0.0.0.0", "given") == ("given", False, False)
    token, generated, loopback = access("0.0.0.0", None)
    assert generated is True and loopback is False and len(token) == 32
    assert access("192.168.1.5", None)[0] != token  # a new one each time
