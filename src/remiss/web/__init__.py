"""The web app: the reviewer's page, coordinator login and the dashboard.

``create_app(app)`` builds the FastAPI application over a running ``App``. Domain
errors that reach a route are mapped to pages here, once: ``NotFound`` is the 404 page,
``Refused`` the message page with the reason.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from remiss.app import App
from remiss.core import failures
from remiss.core.errors import NotFound, Refused
from remiss.usecases.runtime import Announcement
from remiss.web import (
    approval,
    attachments,
    bounced,
    dashboard,
    decision,
    details,
    directory,
    drafting,
    guide,
    health,
    login,
    mail,
    mail_reply,
    opening,
    overview,
    register,
    reviewer,
    round_actions,
    statement,
    svarsmall,
    triage,
    yttrande,
)
from remiss.web.deps import LoginRequired, NotCoordinator
from remiss.web.pages import STATIC, message_page, not_found, rate_limited_page, redirect
from remiss.web.rate_limits import RateLimiter, RateLimitMiddleware
from remiss.web.security import (
    SESSION_COOKIE,
    SESSION_MAX_AGE,
    Csrf,
    CsrfFailed,
    SecurityHeadersMiddleware,
    verify_csrf,
)

log = logging.getLogger("remiss.web")

ROUTERS: list[APIRouter] = [
    health.router,
    reviewer.router,
    approval.router,
    login.router,
    opening.router,  # before dashboard: /rounds/new is not a round id
    dashboard.router,
    round_actions.router,
    bounced.router,
    directory.router,
    mail.router,
    mail_reply.router,
    yttrande.router,
    svarsmall.router,
    drafting.router,
    attachments.router,
    triage.router,
    register.router,
    decision.router,
    details.router,
    statement.router,
    guide.router,
    overview.router,
]


async def _login_required(request: Request, exc: Exception) -> Response:
    return redirect("/login")


async def _not_coordinator(request: Request, exc: Exception) -> Response:
    return redirect("/utkast")


async def _csrf_failed(request: Request, exc: Exception) -> Response:
    return message_page(
        request,
        "Formuläret har gått ut",
        "Sidan var för gammal eller kom inte härifrån. Gå tillbaka, ladda om sidan och försök igen.",
        status_code=403,
    )


async def _not_found(request: Request, exc: Exception) -> Response:
    return not_found(request)


async def _refused(request: Request, exc: Exception) -> Response:
    return message_page(request, "Det gick inte", str(exc), status_code=409)


async def _database_failed(request: Request, exc: Exception) -> Response:
    """The database or the disk under it failed: a Swedish 503 that says so (the
    traceback goes to the log), never a bare 500."""
    line = failures.said(exc)
    if line is None:
        raise exc
    log.error("databasen: %s", line, exc_info=exc)
    page = message_page(
        request,
        "Det gick inte att spara just nu",
        line[0].upper() + line[1:] + ".",
        status_code=503,
    )
    page.headers["Retry-After"] = "60"
    return page


async def _invalid_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    # A path that names nothing we could have (a round id that is not a number, or beyond
    # what the database holds) is a page that does not exist; anything else a bad request.
    if any(error.get("loc", ("",))[0] == "path" for error in exc.errors()):
        return not_found(request)
    return message_page(request, "Det gick inte", "Begäran kunde inte behandlas.", status_code=400)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return not_found(request)
    return message_page(
        request,
        "Det gick inte",
        "Begäran kunde inte behandlas." if exc.status_code < 500 else "Ett fel inträffade.",
        status_code=exc.status_code,
    )


def create_app(
    app: App,
    *,
    limiter: RateLimiter | None = None,
    announcer: Callable[[Announcement], None] | None = None,
) -> FastAPI:
    """The FastAPI application over ``app``; ``limiter`` overrides the default rate limits;
    ``announcer`` tells Prefect of every action (``remiss serve`` gives it one)."""
    key = app.settings.signing_key()

    @asynccontextmanager
    async def lifespan(web: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = app.settings.web_threads
        yield

    web = FastAPI(
        title="remiss",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(verify_csrf)],
    )
    web.state.remiss = app
    web.state.announcer = announcer
    web.state.csrf = Csrf(key)
    web.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for router in ROUTERS:
        web.include_router(router)
    web.add_exception_handler(RequestValidationError, _invalid_request)
    web.add_exception_handler(NotFound, _not_found)
    web.add_exception_handler(Refused, _refused)
    web.add_exception_handler(LoginRequired, _login_required)
    web.add_exception_handler(NotCoordinator, _not_coordinator)
    web.add_exception_handler(CsrfFailed, _csrf_failed)
    web.add_exception_handler(StarletteHTTPException, _http_error)
    web.add_exception_handler(DBAPIError, _database_failed)
    # Added innermost first: headers wrap everything, the limiter answers before any session.
    web.add_middleware(
        SessionMiddleware,
        secret_key=key + ":session",
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=app.settings.secure_cookies,
    )
    web.add_middleware(
        RateLimitMiddleware,
        limiter=limiter or RateLimiter(),
        page=rate_limited_page(),
        remiss=app,
    )
    web.add_middleware(SecurityHeadersMiddleware)
    return web


__all__ = ["create_app"]
