"""``/oversikt``: the public overview of ongoing and submitted joint answers, and its feed.

No login: what is shown is what SÖSR publishes (``remiss.reports.overview``), and a sent
round's yttrande is served exactly as it went out. ``REMISS_PUBLIC_OVERVIEW=false`` turns
all of it off (404).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from remiss.core.clock import now
from remiss.directory.sync import organisation
from remiss.reports import overview
from remiss.web.deps import AppDep, IdPath, SessionDep
from remiss.web.downloads import content_disposition
from remiss.web.pages import not_found, render

router = APIRouter()


@router.get("/oversikt")
def overview_page(request: Request, app: AppDep, session: SessionDep) -> Response:
    if not app.settings.public_overview:
        return not_found(request)
    context = {
        "periods": overview.periods(session, app.settings.tz),
        "organisation": organisation(session).name,
        "anchor": overview.anchor,
        "pdf_path": overview.pdf_path,
    }
    return render(request, "overview.html", context)


@router.get("/oversikt.atom")
def overview_feed(request: Request, app: AppDep, session: SessionDep) -> Response:
    if not app.settings.public_overview:
        return not_found(request)
    found = overview.periods(session, app.settings.tz)
    body = overview.feed(
        found,
        base_url=app.settings.base_url,
        organisation=organisation(session).name,
        updated_at=overview.updated(found, otherwise=now()),
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get("/oversikt/{round_id}/yttrande.pdf")
def sent_yttrande(request: Request, round_id: IdPath, app: AppDep, session: SessionDep) -> Response:
    """The yttrande's PDF as it was sent; 404 for a round not sent (or not there)."""
    if not app.settings.public_overview:
        return not_found(request)
    found = overview.sent_pdf(session, round_id)
    if found is None:
        return not_found(request)
    name, content = found
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": content_disposition(name)},
    )
