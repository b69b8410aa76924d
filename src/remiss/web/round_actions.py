"""What a coordinator does to one round from its page: extend, close, remind, resend, allow a
late answer, draft a round nobody answered. Each asks first, then acts in its own transaction
and comes back to the round with a message; the rules live in the services.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from remiss.app import App
from remiss.core.errors import InputError, RoundNotFound
from remiss.core.models import Round
from remiss.core.states import RoundStatus
from remiss.core.swedish import date_sv
from remiss.rounds import invitations, lifecycle, steering, transitions
from remiss.web.deps import AppDep, CoordinatorDep, FormDep, IdPath, OrchestratorDep, text
from remiss.web.orchestration import Orchestrator
from remiss.web.pages import flash, message_page, redirect, render
from remiss.yttrande import drafts
from remiss.yttrande.closing import close_round

router = APIRouter()


def _act(
    request: Request,
    app: App,
    round_id: int,
    background: BackgroundTasks,
    action: Callable[[Session], str],
    *,
    sends_mail: bool,
    run_as: tuple[Orchestrator, str, str],
    form: FormData | None = None,
    question: Callable[[Session], tuple[str, str]] | None = None,
    guard: transitions.Action | None = None,
) -> Response:
    """Run one action in its own transaction and come back to the round with a message.

    ``run_as`` is who runs it (as a flow run named what, for whom).
    With ``question`` the first POST only asks: a page says what will happen (who gets
    mail, that collecting ends) and posts the same form again with ``confirm=1``.
    """
    if question is not None and form is not None and text(form, "confirm") != "1":
        with app.sessions() as session:
            round_ = session.get(Round, round_id)
            if round_ is None:
                raise RoundNotFound(round_id)
            if guard is not None:  # refused at once, not after a confirmation
                transitions.require(session, round_, guard)
            title, body = question(session)
        fields = {k: text(form, k) for k in form if k not in ("csrf_token", "confirm")}
        context = {"title": title, "body": body, "fields": fields, "round_id": round_id,
                   "action": request.url.path, "coordinator": True}  # fmt: skip
        return render(request, "confirm.html", context)
    orchestrator, name, actor = run_as

    def act() -> str:
        with app.transaction() as session:
            return action(session)

    try:
        message = orchestrator.run(name, {"round_id": round_id, "actor": actor}, act)
    except InputError as exc:
        return message_page(request, "Det gick inte", exc.message, status_code=409)
    if sends_mail:
        orchestrator.deliver_later(background, actor)
    flash(request, message)
    return redirect(f"/rounds/{round_id}")


@router.post("/rounds/{round_id}/extend")
def extend(
    request: Request, round_id: IdPath, app: AppDep, form: FormDep,
    coordinator: CoordinatorDep, background: BackgroundTasks, orchestrator: OrchestratorDep,
) -> Response:  # fmt: skip
    try:
        new_deadline = date.fromisoformat(text(form, "deadline"))
    except ValueError:
        return message_page(
            request, "Det gick inte", "Ange ett datum (ÅÅÅÅ-MM-DD).", status_code=422
        )

    def action(session: Session) -> str:
        told = lifecycle.extend(session, app.settings, round_id, new_deadline, coordinator)
        return f"Ny intern svarsdag {date_sv(new_deadline)}. {told} personer har fått besked."

    def question(session: Session) -> tuple[str, str]:
        round_ = session.get(Round, round_id)
        assert round_ is not None
        pending = len(invitations.pending_invitations(session, round_id))
        people = "person" if pending == 1 else "personer"
        told = f"{pending} {people} som inte har svarat får ett mejl"
        if round_.status == RoundStatus.CLOSED:
            return ("Öppna remissen igen?", f"Remissen är stängd. Den öppnas igen med intern "
                    f"svarsdag {date_sv(new_deadline)}, och {told} med sin länk.")  # fmt: skip
        if new_deadline < round_.internal_deadline:
            return ("Flytta svarsdagen tidigare?", f"Den interna svarsdagen flyttas tidigare, från "
                    f"{date_sv(round_.internal_deadline)} till {date_sv(new_deadline)}. {told} "
                    "om det.")  # fmt: skip
        return ("Förläng svarstiden?", f"Den interna svarsdagen flyttas från "
                f"{date_sv(round_.internal_deadline)} till {date_sv(new_deadline)}. {told} "
                "om det.")  # fmt: skip

    return _act(request, app, round_id, background, action, sends_mail=True,
                run_as=(orchestrator, "extend-deadline", coordinator), form=form,
                guard=transitions.Action.EXTEND,
                question=question)  # fmt: skip


@router.post("/rounds/{round_id}/close")
def close(
    request: Request, round_id: IdPath, app: AppDep, form: FormDep,
    coordinator: CoordinatorDep, background: BackgroundTasks, orchestrator: OrchestratorDep,
) -> Response:  # fmt: skip
    def question(session: Session) -> tuple[str, str]:
        pending = len(invitations.pending_invitations(session, round_id))
        return ("Stäng remissen nu?", f"Inga fler svar tas emot; {pending} av de tillfrågade "
                "har inte svarat. Sammanställningen görs och ansvarig grupps handläggare får "
                "en länk för att bereda yttrandet.")  # fmt: skip

    def action(session: Session) -> str:
        closed = close_round(session, app.settings, round_id, coordinator)
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

    response = _act(request, app, round_id, background, action, sends_mail=True,
                    run_as=(orchestrator, "close-round", coordinator), form=form,
                guard=transitions.Action.CLOSE,
                    question=question)  # fmt: skip
    if text(form, "confirm") == "1":
        orchestrator.render_later(background, [round_id])
    return response


@router.post("/rounds/{round_id}/remind")
def remind(
    request: Request, round_id: IdPath, app: AppDep, form: FormDep,
    coordinator: CoordinatorDep, background: BackgroundTasks, orchestrator: OrchestratorDep,
) -> Response:  # fmt: skip
    def action(session: Session) -> str:
        told = steering.remind_now(session, app.settings, round_id, coordinator)
        return f"Påminnelse skickas till {told} personer som inte har svarat."

    def question(session: Session) -> tuple[str, str]:
        pending = len(invitations.pending_invitations(session, round_id))
        return ("Skicka påminnelse nu?", f"{pending} {'person' if pending == 1 else 'personer'} "
                "som inte har svarat får en påminnelse med en ny länk.")  # fmt: skip

    return _act(request, app, round_id, background, action, sends_mail=True,
                run_as=(orchestrator, "remind", coordinator), form=form,
                guard=transitions.Action.REMIND,
                question=question)  # fmt: skip


@router.post("/rounds/{round_id}/invitations/{invitation_id}/resend")
def resend(
    request: Request, round_id: IdPath, invitation_id: IdPath, app: AppDep, form: FormDep,
    coordinator: CoordinatorDep, background: BackgroundTasks, orchestrator: OrchestratorDep,
) -> Response:  # fmt: skip
    def action(session: Session) -> str:
        invitation = steering.resend(session, app.settings, round_id, invitation_id, coordinator)
        return f"Inbjudan skickas igen till {invitation.person.name}."

    def question(session: Session) -> tuple[str, str]:
        person = _person(session, round_id, invitation_id)
        return ("Skicka inbjudan igen?", f"{person} får inbjudan igen, med en ny länk.")

    return _act(request, app, round_id, background, action, sends_mail=True,
                run_as=(orchestrator, "resend-invitation", coordinator), form=form,
                guard=transitions.Action.RESEND,
                question=question)  # fmt: skip


def _person(session: Session, round_id: int, invitation_id: int) -> str:
    invitation = steering.invitation_in(session, round_id, invitation_id)
    return f"{invitation.person.name} ({invitation.person.email})"


@router.post("/rounds/{round_id}/invitations/{invitation_id}/late")
def allow_late(
    request: Request, round_id: IdPath, invitation_id: IdPath, app: AppDep, form: FormDep,
    coordinator: CoordinatorDep, background: BackgroundTasks, orchestrator: OrchestratorDep,
) -> Response:  # fmt: skip
    def question(session: Session) -> tuple[str, str]:
        person = _person(session, round_id, invitation_id)
        return ("Tillåt ett sent svar?", f"{person} får skicka in ett svar efter svarsdagen och "
                "får ett mejl med sin länk.")  # fmt: skip

    def action(session: Session) -> str:
        invitation = steering.allow_late(
            session, app.settings, round_id, invitation_id, coordinator
        )
        return (
            f"{invitation.person.name} kan nu skicka in ett svar efter svarsdagen och har fått "
            f"ett mejl med sin länk ({invitation.person.email})."
        )

    return _act(request, app, round_id, background, action, sends_mail=True,
                run_as=(orchestrator, "allow-late", coordinator), form=form,
                guard=transitions.Action.ALLOW_LATE,
                question=question)  # fmt: skip


@router.post("/rounds/{round_id}/draft-without-answers")
def draft_without_answers(
    request: Request, round_id: IdPath, app: AppDep, coordinator: CoordinatorDep
) -> Response:
    """Nobody answered: the coordinator drafts the yttrande (the round goes to beredning)."""
    with app.transaction() as session:
        drafts.draft_without_answers(session, round_id, coordinator)
    flash(request, "Remissen är i beredning: skriv utkastet till yttrande.")
    return redirect(f"/rounds/{round_id}/utkast")
