"""``/register``: every remiss with its state and dates, for coordinators; and as CSV."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from remiss.core.clock import now
from remiss.core.errors import RemissError
from remiss.directory.sync import organisation
from remiss.reports import answered_rounds
from remiss.rounds import register as registry
from remiss.web.deps import AppDep, CoordinatorDep, SessionDep
from remiss.web.downloads import content_disposition
from remiss.web.pages import message_page, not_found, render
from remiss.web.yttrande import attachment

router = APIRouter()


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/register")
def register_page(
    request: Request,
    app: AppDep,
    session: SessionDep,
    coordinator: CoordinatorDep,
    start: str = "",
    end: str = "",
) -> Response:
    rows = registry.entries(session, app.settings.tz, _day(start), _day(end))
    context = {
        "rows": rows,
        "start": start,
        "end": end,
        "coordinator": coordinator,
        "pictures": registry.pictures(session, app.settings.tz, rows),
        "rates": registry.group_rates(session, [r.reference for r in rows]),
    }
    return render(request, "register.html", context)


@router.get("/register/besvarade.{fmt}")
def answered_report(
    request: Request,
    fmt: str,
    app: AppDep,
    session: SessionDep,
    coordinator: CoordinatorDep,
    start: str = "",
    end: str = "",
) -> Response:
    """ "Besvarade remisser" for RSL AU: the yttranden sent in the period (Word or PDF)."""
    if fmt not in ("docx", "pdf"):
        return not_found(request)
    first, last = _day(start), _day(end)
    rows = registry.answered_in(registry.entries(session, app.settings.tz), first, last)
    today = now().astimezone(app.settings.tz).date()
    try:
        content = answered_rounds.render(organisation(session), rows, first, last, fmt, today)
    except RemissError as exc:  # WeasyPrint or its system libraries missing
        return message_page(request, "Det gick inte", str(exc), status_code=503)
    return attachment(content, fmt, f"besvarade-remisser-{today.isoformat()}.{fmt}")


@router.get("/register.csv")
def register_csv(
    app: AppDep, session: SessionDep, coordinator: CoordinatorDep, start: str = "", end: str = ""
) -> Response:
    rows = registry.entries(session, app.settings.tz, _day(start), _day(end))
    return Response(
        registry.as_csv(rows).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": content_disposition("remissregister.csv"),
            "Cache-Control": "no-store",
        },
    )
