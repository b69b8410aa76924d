"""Coordinator login by a one-time link; GET only shows, POST uses the link up."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from remiss.access import logins, sessions
from remiss.access.coordinators import may_log_in
from remiss.core.errors import InputError
from remiss.core.tokens import looks_like_token
from remiss.web.deps import AppDep, FormDep, SessionDep, text
from remiss.web.pages import redirect, render
from remiss.web.security import new_session

router = APIRouter()

EXPIRED = "Länken har redan använts eller gått ut. Be om en ny inloggningslänk."


@router.get("/login")
def login_form(request: Request, session: SessionDep, utloggad: str = "") -> Response:
    if sessions.who(session, request.session.get("sid")) is not None:
        return redirect("/")
    message = "Du är utloggad." if utloggad else None
    return render(request, "login.html", {"email": "", "error": None, "flash": message})


@router.post("/login")
def ask_for_link(
    request: Request,
    app: AppDep,
    form: FormDep,
) -> Response:
    email = text(form, "email")
    try:
        with app.transaction() as session:
            message = logins.request_login(session, app.settings, email)
    except InputError as exc:
        return render(
            request, "login.html", {"email": email, "error": exc.message}, status_code=422
        )
    return render(request, "login_sent.html", {"message": message})


@router.get("/login/{token}")
def confirm(request: Request, token: str, session: SessionDep) -> Response:
    if not looks_like_token(token) or not logins.is_valid(session, token):
        return render(request, "login_invalid.html", {"message": EXPIRED}, status_code=404)
    return render(request, "login_confirm.html", {"token": token})


@router.post("/login/{token}")
def log_in(request: Request, token: str, app: AppDep) -> Response:
    with app.transaction() as session:
        email = logins.redeem(session, token)
        allowed = email is not None and may_log_in(session, app.settings, email)
        session_id = sessions.start(session, email) if email is not None and allowed else None
    if session_id is None:
        return render(request, "login_invalid.html", {"message": EXPIRED}, status_code=404)
    new_session(request, session_id)
    return redirect("/")


@router.post("/logout")
def log_out(request: Request, app: AppDep) -> Response:
    with app.transaction() as session:
        sessions.end(session, request.session.get("sid"))
    request.session.clear()
    return redirect("/login?utloggad=1")
