"""The reviewer's page behind a personal link: read, save a draft, submit, forward.

Whatever goes wrong with an answer, the page comes back with what the reviewer typed
still in its fields: a missing answer, one too long, or a database that could not take it.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.datastructures import FormData, UploadFile

from remiss.app import App
from remiss.core import failures
from remiss.core.errors import InputError, Refused
from remiss.core.tokens import looks_like_token
from remiss.reviewers import answers, attachments, forwarding, page
from remiss.web.deps import BODY_MOST, AppDep, FormDep, ReviewerForm, cut_short, text
from remiss.web.pages import not_found, redirect, render

log = logging.getLogger("remiss.web")
router = APIRouter(route_class=ReviewerForm)

FLASHES = {
    "utkast": "Utkastet är sparat.",
    "inskickat": "Tack! Ditt svar är inskickat. En kopia skickas till din e-post.",
    "inga": "Tack! Du har svarat ”Inga synpunkter”. En bekräftelse skickas till din e-post.",
    "vidarebefordrad": "Remissen är vidarebefordrad. Din kollega får en egen länk per e-post.",
}
ACTIONS = {"draft": "utkast", "submit": "inskickat", "no_comments": "inga"}
CUT_SHORT = (
    f"Det du skickade var större än {BODY_MOST // (1024 * 1024)} MB, mer än vi kan ta emot. "
    f"Inget sparades. Nedan visas de första {answers.count_sv(answers.ANSWER_MOST)} tecknen "
    "av det du skrev: korta texten och försök igen."
)
DATABASE_FAILED = (
    "Det gick inte att spara ditt svar just nu, på grund av ett tekniskt fel hos oss. "
    "Inget sparades, men det du skrev finns kvar nedan. Försök igen om en stund."
)


def _posted_values(form: FormData) -> dict[str, str]:
    return {
        key[2:]: value
        for key, value in form.multi_items()
        if key.startswith("q-") and isinstance(value, str)
    }


def _page(
    request: Request,
    app: App,
    token: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> HTMLResponse:
    with app.reading() as session:
        shown = page.read(session, token, app.settings.tz)
        # Files come with a version of the answer: none before its first save.
        files = attachments.on_page(session, shown.invitation_id) if shown.answered else []
    context: dict[str, Any] = {
        "page": shown,
        "token": token,
        "values": shown.values,
        "errors": {},
        "refused": None,
        "forward_errors": {},
        "forward_values": {},
        "flash": None,
        "typed": {},
        "problem": None,
        "answer_most": answers.ANSWER_MOST,
        "size_hint": answers.SIZE_HINT,
        "system_level": shown.system_level,
        "files": files,
        "files_hint": attachments.HINT,
        "files_error": None,
    }
    context.update(extra)
    return render(request, "reviewer.html", context, status_code=status_code)


@router.get("/r/{token}")
def show(request: Request, token: str, app: AppDep, klar: str = "") -> Response:
    if not looks_like_token(token):
        return not_found(request)
    return _page(request, app, token, flash=FLASHES.get(klar))


@router.post("/r/{token}")
def answer(request: Request, token: str, app: AppDep, form: FormDep) -> Response:
    action = text(form, "action")
    values = _posted_values(form)
    sent = uploaded(form)
    # Konsekvenser på systemnivå: shown again as posted when the page comes back.
    marked = text(form, "system_level") == "1"
    if cut_short(request):
        kept = answers.cut_to_size(values)
        return _page(
            request, app, token, status_code=413, values=kept, typed=kept, problem=CUT_SHORT
        )
    if action not in ACTIONS:
        return _page(
            request,
            app,
            token,
            status_code=400,
            values=values,
            refused="Välj Spara utkast, Skicka in eller Inga synpunkter.",
        )
    try:
        checked = attachments.check(sent)
        with app.transaction() as session:
            if action == "draft":
                saved = answers.save_draft(session, token, values, system_level=marked)
            else:
                saved = answers.submit(
                    session,
                    app.settings,
                    token,
                    values,
                    no_comments=action == "no_comments",
                    escalate=False,
                    system_level=marked,
                    attached=bool(checked),
                )
            attachments.attach(session, saved.invitation_id, saved.version.number, checked)
    except attachments.NotAccepted as exc:
        return _page(
            request,
            app,
            token,
            status_code=422,
            values=values,
            typed=values,
            problem=exc.message,
            files_error=exc.message,
            system_level=marked,
        )
    except answers.TooLong as exc:
        return _page(
            request,
            app,
            token,
            status_code=413,
            values=values,
            typed=values,
            problem=exc.message,
            system_level=marked,
        )
    except answers.MissingAnswers as exc:
        return _page(
            request,
            app,
            token,
            status_code=422,
            values=values,
            errors=exc.fields,
            system_level=marked,
        )
    except Refused as exc:
        typed = {key: value for key, value in values.items() if value.strip()}
        return _page(
            request,
            app,
            token,
            status_code=409,
            values=values,
            refused=str(exc),
            typed=typed,
            system_level=marked,
        )
    except DBAPIError as exc:
        return _not_saved(request, app, token, values, exc)
    return redirect(f"/r/{token}?klar={ACTIONS[action]}")


def uploaded(form: FormData) -> list[attachments.Incoming]:
    """The files posted with the answer (a file field left empty sends a part with no name);
    each read one byte past the most a file may hold, so a larger one is refused, not read."""
    return [
        attachments.Incoming(part.filename or "", part.file.read(attachments.FILE_MOST + 1))
        for part in form.getlist("bilagor")
        if isinstance(part, UploadFile) and (part.filename or part.size)
    ]


def _not_saved(
    request: Request, app: App, token: str, values: dict[str, str], exc: DBAPIError
) -> Response:
    """The page again, with what was typed, after the database failed to take the answer
    (a full disk, a database away); the traceback goes to the log. If the page cannot be
    read either, the app's own 503 page says so (``web._database_failed``)."""
    log.error("databasen, ett svar: %s", failures.said(exc), exc_info=exc)
    shown = _page(
        request, app, token, status_code=503, values=values, typed=values, problem=DATABASE_FAILED
    )
    shown.headers["Retry-After"] = "60"
    return shown


@router.post("/r/{token}/oppnad")
def opened(request: Request, token: str, app: AppDep) -> Response:
    """The page's script reports that a person, not a link scanner, opened it."""
    with app.transaction() as session:
        answers.mark_opened(session, token)
    return Response(status_code=204)


@router.post("/r/{token}/vidarebefordra")
def forward(request: Request, token: str, app: AppDep, form: FormDep) -> Response:
    """Forward to a colleague. The page's answer fields are posted along (the forwarding
    fields belong to the answer's form): a mistyped address brings the page back with what
    was typed still in them, and the summary of what to fix at its top."""
    fields = {
        "name": text(form, "name"),
        "email": text(form, "email"),
        "move_draft": text(form, "move_draft"),
    }
    values = _posted_values(form)
    marked = text(form, "system_level") == "1"
    kept: dict[str, Any] = {"values": values, "system_level": marked, "forward_values": fields}
    if cut_short(request):
        cut = answers.cut_to_size(values)
        return _page(
            request,
            app,
            token,
            status_code=413,
            **{**kept, "values": cut},
            typed=cut,
            problem=CUT_SHORT,
        )
    try:
        with app.transaction() as session:
            forwarding.forward(
                session,
                app.settings,
                token,
                name=fields["name"],
                email=fields["email"],
                move_draft=fields["move_draft"] == "1",
                typed=values,
                system_level=marked,
            )
    except answers.TooLong as exc:
        return _page(
            request, app, token, status_code=413, typed=values, problem=exc.message, **kept
        )
    except answers.MissingAnswers as exc:
        return _page(request, app, token, status_code=422, errors=exc.fields, **kept)
    except InputError as exc:
        return _page(
            request,
            app,
            token,
            status_code=422,
            forward_errors={exc.field or "email": exc.message},
            **kept,
        )
    except Refused as exc:
        typed = {key: value for key, value in values.items() if value.strip()}
        return _page(request, app, token, status_code=409, refused=str(exc), typed=typed, **kept)
    except DBAPIError as exc:
        return _not_saved(request, app, token, values, exc)
    return redirect(f"/r/{token}?klar=vidarebefordrad")
