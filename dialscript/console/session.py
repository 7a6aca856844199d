"""Who is signed in: the session names a user, checked against the users table on every
request (a deleted user is signed out at once)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request

from dialscript.console.db import User
from dialscript.console.i18n import N_
from dialscript.console.services import Services
from dialscript.console.web import tr

__all__ = ["services_of", "signed_in", "start_session"]


def services_of(request: Request) -> Services:
    services = request.app.state.services
    assert isinstance(services, Services)
    return services


def signed_in(request: Request, role: str | None = None) -> User:
    """The user, or 401 (sent to the login page); 403 when the role does not fit."""
    name = request.session.get("user")
    user = services_of(request).db.user(name) if isinstance(name, str) else None
    request.state.user = user
    if user is None:
        raise HTTPException(401, tr(request)(N_("Sign in first.")))
    if role is not None and user.role != role:
        raise HTTPException(403, tr(request)(N_("This page is for supervisors.")))
    assert isinstance(user, User)
    return user


def start_session(request: Request, user: User) -> None:
    request.session.clear()  # a fresh session (and CSRF token) on every sign-in
    request.session["user"] = user.name
    request.state.user = user
