"""What a coordinator does to one round from its page: extend, close, remind, resend, allow a
late answer, draft a round nobody answered, finish an opening cut short. Each asks first,
then runs its use case and comes back to the round with a message; the rules live in the
services. A note of how a disagreement was handled is only kept: it asks nothing first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from remiss.app import App
from remiss.core.errors import InputError, Refused, RoundNotFound
from remiss.core.models import Round
from remiss.core.states import RoundStatus
from remiss.core.swedish import counted, date_sv
from remiss.reviewers import disagreement
from remiss.rounds import invitations, resuming, steering, transitions
from remiss.usecases import answering, collecting, opening
from remiss.web.deps import AppDep, CoordinatorDep, FormDep, IdPath, RuntimeDep, text
from remiss.web.pages import flash, message_page, redirect, render

router = APIRouter()
Question = Callable[[Session], tuple[str, str]]


def _act(
    request: Request,
    app: App,
    round_id: int,
    form: FormData,
    action: Callable[[], str],
    question: Question,
    guard: transitions.Action,
) -> Response:
    """Ask first, then act, and come back to the round with a message.

    The first POST only asks: a page says what will happen (who gets mail, that collecting
    ends) and posts the same form again with ``confirm=1``. An action the round's state
    does not allow is refused at once, not after the confirmation.
    """
    if text(form, "confirm") != "1":
        with app.sessions() as session:
            round_ = session.get(Round, round_id)
            if round_ is None:
                raise RoundNotFound(round_id)
            transitions.require(session, round_, guard)
            title, body = question(session)
        fields = {k: text(form, k) for k in form if k not in ("csrf_token", "confirm")}
        context = {
            "title": title,
            "body": body,
            "fields": fields,
            "round_id": round_id,
            "action": request.url.path,
            "coordinator": True,
        }
        return render(request, "confirm.html", context)
    try:
        message = action()
    except InputError as exc:
        return message_page(request, "Det gick inte", exc.message, status_code=409)
    flash(request, message)
    return redirect(f"/rounds/{round_id}")


def _pending(session: Session, round_id: int) -> str:
    pending = len(invitations.pending_invitations(session, round_id))
    return f"{pending} {'person' if pending == 1 else 'personer'}"


@router.post("/rounds/{round_id}/extend")
def extend(
    request: Request,
    round_id: IdPath,
    app: AppDep,
    form: FormDep,
    rt: RuntimeDep,
    coordinator: CoordinatorDep,
) -> Response:
    try:
        new_deadline = date.fromisoformat(text(form, "deadline"))
    except ValueError:
        return message_page(
            request, "Det gick inte", "Ange ett datum (ÅÅÅÅ-MM-DD).", status_code=422
        )

    def action() -> str:
        told = collecting.extend(rt, round_id, new_deadline, coordinator).told
        told_sv = counted(told, "person har", "personer har")
        return f"Ny intern svarsdag {date_sv(new_deadline)}. {told_sv} fått besked."

    def question(session: Session) -> tuple[str, str]:
        round_ = session.get_one(Round, round_id)
        told = f"{_pending(session, round_id)} som inte har svarat får ett mejl"
        now, new = date_sv(round_.internal_deadline), date_sv(new_deadline)
        if round_.status == RoundStatus.CLOSED:
            return (
                "Öppna remissen igen?",
                f"Remissen är stängd. Den öppnas igen med intern "
                f"svarsdag {new}, och {told} med sin länk.",
            )
        if new_deadline < round_.internal_deadline:
            return (
                "Flytta svarsdagen tidigare?",
                f"Den interna svarsdagen flyttas tidigare, från {now} till {new}. {told} om det.",
            )
        return (
            "Förläng svarstiden?",
            f"Den interna svarsdagen flyttas från {now} till {new}. {told} om det.",
        )

    return _act(request, app, round_id, form, action, question, transitions.Action.EXTEND)


@router.post("/rounds/{round_id}/close")
def close(
    request: Request,
    round_id: IdPath,
    app: AppDep,
    form: FormDep,
    rt: RuntimeDep,
    coordinator: CoordinatorDep,
) -> Response:
    def question(session: Session) -> tuple[str, str]:
        pending = len(invitations.pending_invitations(session, round_id))
        return (
            "Stäng remissen nu?",
            f"Inga fler svar tas emot; {pending} av de tillfrågade "
            "har inte svarat. Sammanställningen görs och ansvarig grupps handläggare får "
            "en länk för att bereda yttrandet.",
        )

    def action() -> str:
        closed = collecting.close(rt, round_id, coordinator).compiled
        if closed.no_answers:
            return "Remissen är stängd för svar. Ingen hade svarat: inga svar, inget yttrande."
        if closed.error is not None:
            return (
                "Remissen är stängd för svar. Sammanställningen kunde inte göras ännu; "
                "den görs om automatiskt."
            )
        if closed.version is None:
            return "Remissen var redan stängd."
        return (
            f"Remissen är stängd för svar. Sammanställningen är klar (version {closed.version}) "
            "och ansvarig grupp har fått en länk för att bereda yttrandet."
        )

    return _act(request, app, round_id, form, action, question, transitions.Action.CLOSE)


@router.post("/rounds/{round_id}/remind")
def remind(
    request: Request,
    round_id: IdPath,
    app: AppDep,
    form: FormDep,
    rt: RuntimeDep,
    coordinator: CoordinatorDep,
) -> Response:
    def action() -> str:
        told = collecting.remind(rt, round_id, coordinator).told
        return f"Påminnelse skickas till {counted(told, 'person', 'personer')} som inte har svarat."

    def question(session: Session) -> tuple[str, str]:
        return (
            "Skicka påminnelse nu?",
            f"{_pending(session, round_id)} som inte har svarat får en påminnelse med en ny länk.",
        )

    return _act(request, app, round_id, form, action, question, transitions.Action.REMIND)


@router.post("/rounds/{round_id}/invitations/{invitation_id}/resend")
def resend(
    request: Request,
    round_id: IdPath,
    invitation_id: IdPath,
    app: AppDep,
    form: FormDep,
    rt: RuntimeDep,
    coordinator: CoordinatorDep,
) -> Response:
    def action() -> str:
        told = collecting.resend(rt, round_id, invitation_id, coordinator)
        return f"Inbjudan skickas igen till {told.name}."

    def question(session: Session) -> tuple[str, str]:
        person = _person(session, round_id, invitation_id)
        return ("Skicka inbjudan igen?", f"{person} får inbjudan igen, med en ny länk.")

    return _act(request, app, round_id, form, action, question, transitions.Action.RESEND)


def _person(session: Session, round_id: int, invitation_id: int) -> str:
    invitation = steering.invitation_in(session, round_id, invitation_id)
    return f"{invitation.person.name} ({invitation.person.email})"


@router.post("/rounds/{round_id}/invitations/{invitation_id}/late")
def allow_late(
    request: Request,
    round_id: IdPath,
    invitation_id: IdPath,
    app: AppDep,
    form: FormDep,
    rt: RuntimeDep,
    coordinator: CoordinatorDep,
) -> Response:
    def question(session: Session) -> tuple[str, str]:
        person = _person(session, round_id, invitation_id)
        return (
            "Tillåt ett sent svar?",
            f"{person} får skicka in ett svar efter svarsdagen och får ett mejl med sin länk.",
        )

    def action() -> str:
        told = collecting.allow_late(rt, round_id, invitation_id, coordinator)
        return (
            f"{told.name} kan nu skicka in ett svar efter svarsdagen och har fått "
            f"ett mejl med sin länk ({told.email})."
        )

    return _act(request, app, round_id, form, action, question, transitions.Action.ALLOW_LATE)


@router.post("/rounds/{round_id}/draft-without-answers")
def draft_without_answers(
    request: Request, round_id: IdPath, rt: RuntimeDep, coordinator: CoordinatorDep
) -> Response:
    """Nobody answered: the coordinator drafts the yttrande (the round goes to beredning)."""
    answering.draft_without_answers(rt, round_id, coordinator)
    flash(request, "Remissen är i beredning: skriv utkastet till yttrande.")
    return redirect(f"/rounds/{round_id}/utkast")


@router.post("/rounds/{round_id}/finish-opening")
def finish_opening(
    request: Request,
    round_id: IdPath,
    app: AppDep,
    form: FormDep,
    rt: RuntimeDep,
    coordinator: CoordinatorDep,
) -> Response:
    """Invite the people an opening cut short left out (the sweep does it too, later)."""

    def question(session: Session) -> tuple[str, str]:
        cut = resuming.interruptions(session, [round_id]).get(round_id)
        if cut is None:
            return ("Slutför öppnandet?", "Öppnandet är redan slutfört; inget nytt skickas.")
        return (
            "Slutför öppnandet?",
            f"{cut.line.capitalize()}. De som remissen når och som inte har fått någon "
            "inbjudan får den nu; ingen får den två gånger.",
        )

    def action() -> str:
        finished = opening.finish_openings(rt, [round_id], coordinator).rounds
        if not finished:
            return "Öppnandet var redan slutfört; inget nytt skickades."
        n = sum(f.invitations for f in finished)
        return (
            f"Öppnandet är slutfört: {n} {'inbjudan' if n == 1 else 'inbjudningar'} till skickas."
        )

    return _act(request, app, round_id, form, action, question, transitions.Action.FINISH_OPENING)


@router.post("/rounds/{round_id}/disagreement")
def disagreement_handled(
    request: Request, round_id: IdPath, app: AppDep, form: FormDep, coordinator: CoordinatorDep
) -> Response:
    """Record how the round's meningsskiljaktighet was handled (for the sammanställning)."""
    try:
        with app.transaction() as session:
            disagreement.handle(session, round_id, text(form, "handled"), coordinator)
    except InputError as exc:
        return message_page(request, "Det gick inte", exc.message, status_code=422)
    except Refused as exc:
        return message_page(request, "Det gick inte", str(exc), status_code=409)
    flash(request, "Hanteringen av meningsskiljaktigheten är antecknad.")
    return redirect(f"/rounds/{round_id}")
