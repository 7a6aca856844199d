"""The console's Starlette application: `create_app(Config(...))`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from dialscript.console import agent, supervisor
from dialscript.console.services import Config, open_services
from dialscript.console.web import SecurityHeaders, http_error, server_error

__all__ = ["Config", "create_app"]

STATIC = Path(__file__).resolve().parent.parent / "render" / "static"


def create_app(config: Config) -> Starlette:
    services = open_services(config)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        services.store.close()

    routes = [
        *agent.routes(),
        *supervisor.routes(),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=config.secret_key,
            session_cookie="dialscript_session",
            max_age=int(config.session_hours * 3600),
            same_site="strict",
            https_only=config.secure_cookies,
        ),
    ]
    app = Starlette(
        debug=False,
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: http_error, Exception: server_error},
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.config = config
    return app
