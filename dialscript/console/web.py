"""Request plumbing: the signed-in user, CSRF tokens, page rendering, security headers
and error pages that never show a stack trace."""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dialscript.console.i18n import N_, Translator, best_language, translator
from dialscript.render.env import environment

__all__ = ["SecurityHeaders", "checked_form", "csrf_token", "page", "tr"]

log = logging.getLogger("dialscript.console")
_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
     b" form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]  # fmt: skip


class SecurityHeaders:
    """Adds CSP, no-sniff, no-frame, no-referrer and no-store to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + _HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def tr(request: Request) -> Translator:
    """The console's texts in the language the browser asks for (Accept-Language)."""
    return translator(best_language(request.headers.get("accept-language")))


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def checked_form(request: Request) -> FormData:
    """The POSTed form, after checking its CSRF token against the session's."""
    form = await request.form(max_files=1, max_fields=200)
    sent = form.get("csrf")
    expected = request.session.get("csrf")
    if (
        not isinstance(sent, str)
        or not isinstance(expected, str)
        or not hmac.compare_digest(sent, expected)
    ):
        raise HTTPException(
            403, tr(request)(N_("The form has expired: reload the page and try again."))
        )
    return form


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    _ = tr(request)
    html = (
        environment()
        .get_template(template)
        .render(
            user=getattr(request.state, "user", None),
            csrf=csrf_token(request),
            _=_,
            lang=_.language,
            **context,
        )  # fmt: skip
    )
    return HTMLResponse(html, status_code=status_code)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 401:
        return Response(status_code=303, headers={"location": "/login"})
    return page(request, "console/error.html", exc.status_code, message=exc.detail,
                status=exc.status_code)  # fmt: skip


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("error serving %s", request.url.path, exc_info=exc)
    _ = tr(request)
    html = (
        environment()
        .get_template("console/error.html")
        .render(
            user=None,
            csrf="",
            _=_,
            lang=_.language,
            message=_(N_("Something went wrong; the call is saved. Reload the page.")),
            status=500,
        )
    )
    return HTMLResponse(html, status_code=500)
