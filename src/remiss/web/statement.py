"""The accessibility statement (tillgänglighetsredogörelse) the law asks for, open to all."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from remiss.directory.sync import organisation
from remiss.web.deps import AppDep, SessionDep
from remiss.web.pages import render

router = APIRouter()


@router.get("/tillganglighet")
def accessibility(request: Request, app: AppDep, session: SessionDep) -> Response:
    """Who answers for the site, how accessible it is, how to report a problem."""
    settings = app.settings
    contact = settings.coordinators[0] if settings.coordinators else settings.mail_from
    context = {"org": organisation(session).name, "contact": contact}
    return render(request, "accessibility.html", context)
