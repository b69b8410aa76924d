"""``/register``: every remiss with its state and dates, for coordinators; and as CSV."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from remiss.rounds import register as registry
from remiss.web.deps import AppDep, CoordinatorDep, SessionDep
from remiss.web.pages import render
from remiss.web.yttrande import content_disposition

router = APIRouter()


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/register")
def register_page(
    request: Request, app: AppDep, session: SessionDep, coordinator: CoordinatorDep,
    start: str = "", end: str = "",
) -> Response:  # fmt: skip
    rows = registry.entries(session, app.settings.tz, _day(start), _day(end))
    context = {"rows": rows, "start": start, "end": end, "coordinator": coordinator}
    return render(request, "register.html", context)


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
