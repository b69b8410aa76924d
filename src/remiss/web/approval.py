"""Anchoring on the web: the approver's page behind a personal link (``/f/{token}``), and
the coordinator's button "Skicka för förankring". The rules live in
``remiss.yttrande.anchoring`` and ``remiss.yttrande.approvals``.

GET only shows: the answer is a POST (mail scanners open links).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from remiss.app import App
from remiss.core.errors import InputError, Refused
from remiss.core.swedish import date_sv
from remiss.core.tokens import looks_like_token
from remiss.usecases import anchoring
from remiss.web.deps import AppDep, CoordinatorDep, FormDep, IdPath, RuntimeDep, text
from remiss.web.pages import flash, not_found, redirect, render
from remiss.web.yttrande import letter_file
from remiss.yttrande import approvals, letter_store

router = APIRouter()

ACTIONS = {"approve": True, "comments": False}


def _page(
    request: Request, app: App, token: str, *, status_code: int = 200, **extra: Any
) -> Response:
    with app.reading() as session:
        shown = approvals.read(session, app.settings, token)
    context: dict[str, Any] = {
        "page": shown,
        "token": token,
        "comment": "",
        "error": None,
        "refused": None,
    }
    context.update(extra)
    return render(request, "approval.html", context, status_code=status_code)


@router.get("/f/{token}")
def show(request: Request, token: str, app: AppDep) -> Response:
    if not looks_like_token(token):
        return not_found(request)
    return _page(request, app, token)


@router.post("/f/{token}")
def answer(request: Request, token: str, rt: RuntimeDep, form: FormDep) -> Response:
    if not looks_like_token(token):
        return not_found(request)
    approve = ACTIONS.get(text(form, "action"))
    comment = text(form, "comment")
    if approve is None:
        refused = "Välj Godkänn eller Lämna synpunkter."
        return _page(request, rt.app, token, status_code=400, comment=comment, refused=refused)
    try:
        seen = int(text(form, "draft"))
    except ValueError:
        seen = None
    try:
        anchoring.answer(rt, token, approve, comment, seen)
    except InputError as exc:
        error = exc.message[:1].upper() + exc.message[1:] + "."
        return _page(request, rt.app, token, status_code=422, comment=comment, error=error)
    except Refused as exc:
        return _page(request, rt.app, token, status_code=409, comment=comment, refused=str(exc))
    return redirect(f"/f/{token}/klart")


@router.get("/f/{token}/klart")
def receipt(request: Request, token: str, app: AppDep) -> Response:
    """What they answered, on which version: the page after answering."""
    if not looks_like_token(token):
        return not_found(request)
    with app.reading() as session:
        shown = approvals.read(session, app.settings, token)
    return render(request, "approval_done.html", {"page": shown, "token": token})


@router.get("/f/{token}/utkast.pdf")
def draft_pdf(request: Request, token: str, app: AppDep) -> Response:
    """The draft the approver is asked about, as the PDF the letter prints as."""
    if not looks_like_token(token):
        return not_found(request)
    with app.sessions() as session:
        shown = approvals.read(session, app.settings, token)
        found = letter_store.find(session, shown.round_id, app.settings, "pdf")
    name = f"{shown.reference}-yttrande-utkast-{shown.approver.draft}.pdf"
    # A worker makes it (``letter_store``), never this request.
    return letter_file(request, app, (shown.round_id, "pdf"), found, "PDF-filen med utkastet", name)


@router.post("/rounds/{round_id}/anchor")
def anchor(
    request: Request, round_id: IdPath, rt: RuntimeDep, form: FormDep, coordinator: CoordinatorDep
) -> Response:
    back = redirect(f"/rounds/{round_id}#forankring")
    by: date | None = None
    if text(form, "by").strip():
        try:
            by = date.fromisoformat(text(form, "by").strip())
        except ValueError:
            flash(request, "Utkastet är inte skickat: ange svarsdagen som ÅÅÅÅ-MM-DD.")
            return back
    to = [line.strip() for line in text(form, "to").replace(",", "\n").splitlines()]
    try:
        done = anchoring.anchor(rt, round_id, coordinator, [a for a in to if a] or None, by)
    except (InputError, Refused) as exc:
        message = exc.message if isinstance(exc, InputError) else str(exc)
        flash(request, f"Utkastet är inte skickat för förankring: {message}.")
        return back
    a = done.anchored
    flash(
        request,
        f"Utkastet (version {a.draft}) är skickat för förankring till {len(a.mailed)}: "
        f"{', '.join(a.mailed)}; svar senast {date_sv(a.reply_by)}.",
    )
    return back
