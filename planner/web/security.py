"""Safe by default: the access token, CSRF, allowed hosts and the response headers.

- Bound to a loopback address, no token is needed, but the Host header must name a loopback
  host (a web page cannot reach the server through DNS rebinding).
- Bound to any other address, every request needs the access token: the `planner_token` cookie
  (set by the login page) or an `Authorization: Bearer <token>` / `X-Planner-Token` header.
- State-changing requests (POST, PUT, PATCH, DELETE) from another origin are refused; pages must
  carry the CSRF token (the `planner_csrf` cookie repeated in the `X-CSRF-Token` header or the
  `csrf_token` query parameter); API clients send an `X-Planner-Client` header, which a page of
  another site cannot add without the CORS permission this server never gives.
- Every response carries a Content-Security-Policy without inline scripts or styles, nosniff,
  no framing and no referrer to other sites.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from planner.i18n import _

__all__ = [
    "CSP",
    "CSRF_COOKIE",
    "TOKEN_COOKIE",
    "Guard",
    "is_loopback",
]

TOKEN_COOKIE = "planner_token"
CSRF_COOKIE = "planner_csrf"
CSRF_HEADER = "x-csrf-token"
CLIENT_HEADER = "x-planner-client"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
OPEN_PATHS = ("/login", "/static/")  # reachable without the token (the login page and its CSS)

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # same-origin: the browser still sends a real Origin on our own form posts (with no-referrer
    # Chromium sends "Origin: null"), and no address leaves for another site.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def is_loopback(host: str) -> bool:
    """Whether a bind address or host name is this machine only."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _host_name(header: str) -> str:
    """The host of a Host header, without its port ("[::1]:8000" -> "::1")."""
    return urlsplit(f"//{header}").hostname or ""


class Guard:
    """The checks of every request, as an HTTP middleware of the app."""

    def __init__(self, token: str | None, loopback_only: bool) -> None:
        self.token = token
        self.loopback_only = loopback_only

    def _has_token(self, request: Request) -> str | None:
        """None when the request carries the right token, else why not (in words)."""
        assert self.token is not None
        given = request.cookies.get(TOKEN_COOKIE) or request.headers.get("x-planner-token")
        authorization = request.headers.get("authorization", "")
        if not given and authorization.lower().startswith("bearer "):
            given = authorization[7:].strip()
        if not given:
            return _("missing access token")
        return None if self.token_matches(given) else _("wrong access token")

    def token_matches(self, given: str) -> bool:
        """Whether `given` is the access token (compared in constant time)."""
        return self.token is not None and hmac.compare_digest(given.encode(), self.token.encode())

    def _refuse(self, request: Request, status: int, message: str) -> Response:
        if request.url.path.startswith("/api/") or request.method != "GET":
            return JSONResponse({"detail": message}, status_code=status)
        if status == 401:
            return RedirectResponse("/login", status_code=303)
        return PlainTextResponse(message, status_code=status)

    def check(self, request: Request) -> Response | None:
        """A refusal, or None when the request may go on."""
        path = request.url.path
        host = request.headers.get("host", "")
        if self.loopback_only and not is_loopback(_host_name(host)):
            return PlainTextResponse(_("unknown host"), status_code=400)
        if self.token is not None and not path.startswith(OPEN_PATHS):
            why = self._has_token(request)
            if why is not None:
                return self._refuse(request, 401, why)
        if request.method in UNSAFE:
            if not self._same_origin(request, host):
                return self._refuse(request, 403, _("cross-origin request refused"))
            if path.startswith("/api/"):
                if not request.headers.get(CLIENT_HEADER) and not self._csrf_ok(request):
                    return self._refuse(
                        request,
                        403,
                        _("API requests that change something need an X-Planner-Client header"),
                    )
            elif path != "/login" and not self._csrf_ok(request):
                return self._refuse(request, 403, _("missing or wrong CSRF token: reload the page"))
        return None

    @staticmethod
    def _same_origin(request: Request, host: str) -> bool:
        """False when the browser says the request comes from another site (Sec-Fetch-Site) or
        from another origin (Origin); clients that send neither are judged by the CSRF rules."""
        site = request.headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            return False
        origin = request.headers.get("origin")
        if origin is None or (origin == "null" and site == "same-origin"):
            return True
        return urlsplit(origin).netloc == host

    @staticmethod
    def _csrf_ok(request: Request) -> bool:
        expected = request.cookies.get(CSRF_COOKIE)
        given = request.headers.get(CSRF_HEADER) or request.query_params.get("csrf_token")
        return bool(expected and given) and hmac.compare_digest(str(given), str(expected))

    async def __call__(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        csrf = request.cookies.get(CSRF_COOKIE)
        fresh = not csrf or len(csrf) != 43
        request.state.csrf = secrets.token_urlsafe(32) if fresh else csrf
        response = self.check(request) or await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if fresh:
            response.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True, samesite="strict")
        return response
