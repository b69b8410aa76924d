"""The local sink's mailbox, readable on the dashboard when no SMTP server is configured."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from remiss.core.text import printable
from remiss.mail import sink
from remiss.web.deps import AppDep, CoordinatorDep
from remiss.web.downloads import opaque_download
from remiss.web.pages import not_found, render

router = APIRouter()


PER_PAGE = 50


@router.get("/mail")
def inbox(
    request: Request,
    app: AppDep,
    coordinator: CoordinatorDep,
    q: Annotated[str, Query(max_length=200)] = "",
    sida: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Newest first, 50 a page, searchable by recipient or subject."""
    settings = app.settings
    found = sink.search(settings.sink_dir, printable(q)) if settings.uses_sink else []
    pages = max(1, (len(found) + PER_PAGE - 1) // PER_PAGE)
    page = min(sida, pages)
    context = {
        "coordinator": coordinator,
        "uses_sink": settings.uses_sink,
        "q": q,
        "messages": found[(page - 1) * PER_PAGE : page * PER_PAGE],
        "total": len(found),
        "page": page,
        "pages": pages,
    }
    return render(request, "mail.html", context)


def _stored(app: AppDep, key: str) -> sink.StoredMessage | None:
    settings = app.settings
    if settings.uses_sink and settings.sink_dir.is_dir():
        return sink.read_one(settings.sink_dir, key)
    return None


@router.get("/mail/{key}")
def message(request: Request, key: str, app: AppDep, coordinator: CoordinatorDep) -> Response:
    found = _stored(app, key)
    if found is None:
        return not_found(request)
    return render(request, "mail_message.html", {"coordinator": coordinator, "message": found})


@router.get("/mail/{key}/bilaga/{number}")
def attachment(
    request: Request,
    key: str,
    number: Annotated[int, Path(ge=1, le=1000)],
    app: AppDep,
    coordinator: CoordinatorDep,
) -> Response:
    """One attached file, downloaded as it was sent (never shown in the dashboard's origin)."""
    found = _stored(app, key)
    files = found.attachments() if found is not None else []
    if number > len(files):
        return not_found(request)
    file = files[number - 1]
    return opaque_download(file.content, file.filename)


# The email's own HTML, shown in a sandboxed frame on the message page: its inline
# styles may apply, nothing else may load or run, and only our own page may frame it.
EMAIL_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
)


@router.get("/mail/{key}/html")
def message_html(key: str, app: AppDep, coordinator: CoordinatorDep) -> Response:
    found = _stored(app, key)
    if found is None or not found.html():
        return Response(status_code=404)
    return Response(
        found.html(),
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": EMAIL_POLICY, "X-Frame-Options": "SAMEORIGIN"},
    )
