"""The language of the workspace's pages: the visible switch (Қазақша / Русский / English), the
cookie that remembers the choice, and the current language of each request.

Per request, first that is given wins: the `lang` cookie (set by the switch, GET /lang/{code}),
the browser's Accept-Language, the server's locale, English. It is set as planner.i18n's
context-local language around the request (a pure ASGI middleware, so the request's own task and
the threads it hands work to speak it), and a queued job carries it to its worker process.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse

from planner.i18n import LANGUAGES, _, environment_language, language_from_word, using

__all__ = ["COOKIE", "LanguageMiddleware", "add_language_route", "request_language"]

COOKIE = "lang"
YEAR = 365 * 24 * 3600


def _accepted(header: str) -> str | None:
    """The first language of ours in an Accept-Language header, by its q weights."""
    choices = []
    for position, part in enumerate(header.split(",")):
        tag, _sep, parameters = part.strip().partition(";")
        weight = 1.0
        if parameters.strip().startswith("q="):
            try:
                weight = float(parameters.strip()[2:])
            except ValueError:
                weight = 0.0
        found = language_from_word(tag)
        if found and weight > 0:
            choices.append((-weight, position, found))
    return min(choices)[2] if choices else None


def request_language(cookies: dict[str, str], accept_language: str) -> str:
    """The language of a request: cookie, Accept-Language, the server's locale, English."""
    chosen = cookies.get(COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    return _accepted(accept_language) or environment_language() or "en"


class LanguageMiddleware:
    """Speak the request's language while the request is served."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        code = request_language(dict(request.cookies), request.headers.get("accept-language", ""))
        scope.setdefault("state", {})["language"] = code
        with using(code):
            await self.app(scope, receive, send)


def _safe_next(target: str) -> str:
    # Only a path of this site: never an address elsewhere (no open redirect).
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def add_language_route(app: FastAPI) -> None:
    """GET /lang/{code}?next=/path: remember the language in a cookie and go back to the page."""

    @app.get("/lang/{code}", include_in_schema=False)
    def switch_language(code: str, next: str = "/") -> RedirectResponse:  # noqa: A002 - the query's name
        if code not in LANGUAGES:
            raise HTTPException(
                404,
                _("no language {code!r}: one of {languages}").format(
                    code=code, languages=", ".join(LANGUAGES)
                ),
            )
        response = RedirectResponse(_safe_next(next), status_code=303)
        response.set_cookie(COOKIE, code, max_age=YEAR, samesite="lax", httponly=True)
        return response
