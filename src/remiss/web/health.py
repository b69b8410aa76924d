"""``/healthz``: what a container's health check asks, with no login and nothing shown."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from sqlalchemy import text

from remiss.web.deps import SessionDep

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
def healthz(session: SessionDep) -> PlainTextResponse:
    """200 "ok" once this process answers and its database does."""
    session.execute(text("select 1"))
    return PlainTextResponse("ok")
