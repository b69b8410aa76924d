"""A round's two documents: the yttrande that is sent and the internal sammanställning.

Downloads are for coordinators and the round's drafter; the summary and compiling are
for coordinators. The rules live in ``remiss.yttrande``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from remiss.app import App
from remiss.core.errors import InputError, Refused, RoundNotFound
from remiss.core.models import Round
from remiss.directory.sync import organisation
from remiss.reports.answers_csv import answers_csv
from remiss.rounds.transitions import without_documents
from remiss.usecases import answering
from remiss.web.dashboard import round_context
from remiss.web.deps import (
    AppDep,
    CoordinatorDep,
    FormDep,
    IdPath,
    RoundUserDep,
    RuntimeDep,
    SessionDep,
    VersionQuery,
    text,
)
from remiss.web.downloads import content_disposition
from remiss.web.pages import flash, message_page, not_found, redirect, render
from remiss.yttrande import documents, letter, letter_store, sending
from remiss.yttrande.panel import form_errors, panel, version
from remiss.yttrande.svarsmall_letter import FMT

router = APIRouter()

REFUSED = (
    "Yttrandet sammanställs just nu av någon annan. Vänta en stund och försök igen; "
    "det du har skrivit finns kvar i formuläret."
)
RETRY_AFTER = 10  # seconds: a thousand answers render in a few


# What a document's HTML may do when shown in the browser: its own inline style, nothing
# else (no script, no request anywhere), in a sandbox of its own origin. Reviewer text in
# it is escaped; this keeps even a mistake there inert.
DOCUMENT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


def attachment(content: bytes, fmt: str, filename: str) -> Response:
    """Word and PDF are downloaded; HTML opens in the browser (a phone too), sandboxed."""
    headers = {"Cache-Control": "no-store"}
    if fmt == "html":
        headers["Content-Disposition"] = content_disposition(filename, "inline")
        headers["Content-Security-Policy"] = DOCUMENT_POLICY
    else:
        headers["Content-Disposition"] = content_disposition(filename)
    return Response(content, media_type=documents.CONTENT_TYPES[fmt], headers=headers)


def download(
    request: Request,
    app: App,
    round_id: int,
    fmt: str,
    number: int | None,
) -> Response:
    """The latest version's document, or version ``number``, as stored; a GET renders nothing.

    A file not rendered yet (a worker renders every version's files once it is compiled:
    ``files_pending``) is not rendered here: the page says to try again in a moment.
    """
    with app.sessions() as session:
        round_ = session.get(Round, round_id)
        if round_ is None:
            return not_found(request)
        why = without_documents(session, round_)
        if why is not None:
            return message_page(request, "Inga dokument", why + ".", status_code=404)
        found = version(session, round_id, number)
        if found is None and number is None:
            return message_page(
                request,
                "Ingen sammanställning ännu",
                "Sammanställningen görs när remissen stängs. Vill du se den redan nu, "
                "välj Sammanställ igen under Sammanställning på remissens sida.",
                status_code=404,
            )
        if found is None:
            return not_found(request)
        content = documents.content(found, fmt)
        version_number, failed = found.number, found.render_error
        filename = documents.file_name(round_.reference, fmt, number and found.number)
    if content is None:
        what = f"{documents.FORMAT_NAMES[fmt]}-filen för version {version_number}"
        if failed is not None:
            return not_made(request, what, failed)
        return being_made(request, f"{what} skapas just nu.")
    return attachment(content, fmt, filename)


@router.get("/rounds/{round_id}/sammanstallning.{fmt}")
def sammanstallning(
    request: Request,
    round_id: IdPath,
    fmt: str,
    app: AppDep,
    user: RoundUserDep,
    version: VersionQuery = None,
) -> Response:
    """The internal compilation (who said what), as stored at its last compile."""
    if fmt not in documents.FORMATS:
        return not_found(request)
    return download(request, app, round_id, fmt, version)


@router.get("/rounds/{round_id}/yttrande.{fmt}")
def yttrande(
    request: Request, round_id: IdPath, fmt: str, app: AppDep, user: RoundUserDep
) -> Response:
    """The yttrande that is sent, from the current draft (or the proposal before any).

    Each letter is rendered once for what it says, by a worker (``letter_store``), never
    here: until it is, the page says that it is being made."""
    if fmt not in documents.FORMATS:
        return not_found(request)
    with app.sessions() as session:
        round_ = session.get(Round, round_id)
        if round_ is None:
            return not_found(request)
        why = without_documents(session, round_)
        if why is not None:
            return message_page(request, "Inget yttrande", why + ".", status_code=404)
        name = letter.file_name(round_, organisation(session), fmt)
        # What was sent is final: its PDF and Word file are served as they went out.
        content = sending.sent_bytes(sending.sent_files(session, round_id), fmt)
        if content is not None:
            return attachment(content, fmt, name)
        found = letter_store.find(session, round_id, app.settings, fmt)
    what = f"{documents.FORMAT_NAMES[fmt]}-filen med yttrandet"
    return letter_file(request, app, (round_id, fmt), found, what, name)


def letter_file(
    request: Request,
    app: App,
    asked: tuple[int, str],
    found: letter_store.Found,
    what: str,
    name: str,
) -> Response:
    """The letter's file (``asked``: round and the store's format) as a worker made it;
    else why it could not, or that it is being made (asked for here: ``letter_store``)."""
    if found.content is not None:  # the svarsmall is a Word file
        return attachment(found.content, "docx" if asked[1] == FMT else asked[1], name)
    if found.error is not None:
        return not_made(request, what, found.error)
    letter_store.ask(app.sessions, asked[0], found.checksum, asked[1])
    return being_made(request, f"{what} skapas just nu.")


def being_made(request: Request, what: str) -> Response:
    """202 "Filen skapas": a worker is making the file; the page asks to reload soon."""
    page = message_page(
        request, "Filen skapas", f"{what} Ladda om sidan om en stund.", status_code=202
    )
    page.headers["Retry-After"] = str(RETRY_AFTER)
    return page


def not_made(request: Request, what: str, why: str) -> Response:
    """503: a worker tried to make the file and could not; why, and what mends it."""
    return message_page(
        request,
        "Filen kunde inte skapas",
        f"{what} kunde inte skapas: {why}. Den som driftar remiss behöver rätta felet och "
        "starta om arbetaren (remiss worker); filen skapas då på nytt.",
        status_code=503,
    )


@router.get("/rounds/{round_id}/answers.csv")
def answers(
    request: Request,
    round_id: IdPath,
    app: AppDep,
    session: SessionDep,
    coordinator: CoordinatorDep,
) -> Response:
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise RoundNotFound(round_id)
    csv_text = answers_csv(session, round_id, app.settings.tz)
    return Response(
        csv_text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": content_disposition(f"{round_.reference}-svar.csv"),
            "Cache-Control": "no-store",
        },
    )


# --- the coordinator's text and compiling --------------------------------------------------


def _form_again(
    request: Request,
    app: App,
    round_id: int,
    coordinator: str,
    summary: str,
    signatory: str,
    errors: dict[str, str],
    status_code: int,
) -> Response:
    """The round page again, the form holding what was typed and saying what went wrong."""
    with app.sessions() as session:
        context: dict[str, Any] = round_context(session, app.settings, round_id)
        context["yttrande"] = panel(
            session, context["round"], summary=summary, signatory=signatory, errors=errors
        )
        return render(
            request,
            "round.html",
            {"coordinator": coordinator, **context},
            status_code=status_code,
        )


@router.post("/rounds/{round_id}/yttrande")
def save_and_compile(
    request: Request,
    round_id: IdPath,
    app: AppDep,
    form: FormDep,
    coordinator: CoordinatorDep,
    rt: RuntimeDep,
) -> Response:
    summary, signatory = text(form, "summary"), text(form, "signatory")
    errors = form_errors(summary, signatory)
    if errors:
        return _form_again(request, app, round_id, coordinator, summary, signatory, errors, 422)

    try:
        number = answering.summarise_and_compile(
            rt, round_id, summary, signatory, coordinator
        ).compiled.version
    except InputError as exc:
        name = exc.field if exc.field in ("summary", "signatory") else "summary"
        message = exc.message[:1].upper() + exc.message[1:] + "."
        return _form_again(
            request, app, round_id, coordinator, summary, signatory, {name: message}, 422
        )
    except Refused:
        return _form_again(
            request, app, round_id, coordinator, summary, signatory, {"summary": REFUSED}, 409
        )
    flash(request, f"Sammanställningen är klar (version {number}).")
    return redirect(f"/rounds/{round_id}#yttrande")


@router.post("/rounds/{round_id}/yttrande/compile")
def compile_again(
    request: Request, round_id: IdPath, coordinator: CoordinatorDep, rt: RuntimeDep
) -> Response:
    try:
        compiled = answering.compile_answer(rt, round_id, coordinator, notify=False).compiled
    except Refused as exc:
        return message_page(request, "Det gick inte", str(exc) or REFUSED, status_code=409)
    if compiled.new_version:
        flash(request, f"Sammanställningen är klar (version {compiled.version}).")
    else:
        flash(
            request,
            f"Inget nytt sedan version {compiled.version}; sammanställningen är oförändrad.",
        )
    return redirect(f"/rounds/{round_id}#yttrande")
