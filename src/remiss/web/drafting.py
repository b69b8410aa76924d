"""Drafting the joint answer: the lead's officer's and the coordinator's page.

``/utkast`` lists the rounds a drafter may work on; ``/rounds/{id}/utkast`` shows every
answer per question beside the proposed joint answer, and saves drafts or hands the
draft over, with what became of each received comment (Med, Omformulerad, Ej med), which
``/rounds/{id}/utkast/synpunkter`` saves alone. The rules live in
``remiss.yttrande.drafts`` and ``remiss.yttrande.dispositions``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from remiss.access import coordinators
from remiss.app import App
from remiss.core.errors import InputError
from remiss.core.models import Round
from remiss.core.settings import Settings
from remiss.directory.sync import organisation
from remiss.rounds import stage, transitions
from remiss.web.deps import (
    AppDep,
    FormDep,
    IdPath,
    RoundUserDep,
    RuntimeDep,
    SessionDep,
    UserDep,
    text,
)
from remiss.web.pages import flash, redirect, render
from remiss.yttrande import dispositions, drafts, proposal
from remiss.yttrande.compile import position_charts

router = APIRouter()

ACTIONS = {"save": False, "hand_over": True}
# The form's fields that are kept when a post is refused and the page is shown again.
TYPED = ("position-", "text-", dispositions.FIELD, dispositions.REASON)


def roles(session: Session, settings: Settings, user: str) -> dict[str, str | None]:
    """What the page header shows: the coordinator's menu, or the drafter's."""
    coordinating = coordinators.is_coordinator(session, settings, user)
    return {"coordinator": user if coordinating else None, "drafter": user}


@router.get("/utkast")
def my_rounds(request: Request, user: UserDep, app: AppDep, session: SessionDep) -> Response:
    rounds = coordinators.drafts(session, user)
    context = {"rounds": rounds, **roles(session, app.settings, user)}
    return render(request, "drafts.html", context)


def _page(
    request: Request,
    app: App,
    round_id: int,
    user: str,
    *,
    status_code: int = 200,
    typed: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    with app.sessions() as session:
        round_ = session.get(Round, round_id)
        assert round_ is not None
        questions = proposal.propose(session, round_id)
        current = drafts.current(session, round_id)
        values: dict[str, str] = {}
        for q in questions:
            if current is not None:
                values[f"position-{q.key}"] = str(current.positions.get(q.key, ""))
                values[f"text-{q.key}"] = str(current.texts.get(q.key, ""))
            else:
                values[f"position-{q.key}"] = q.position or ""
                values[f"text-{q.key}"] = q.proposed_text
        heard = dispositions.comments(session, round_id)
        for comment in heard:
            values[dispositions.FIELD + comment.field] = comment.choice or ""
            values[dispositions.REASON + comment.field] = comment.reason or ""
        values.update(typed or {})
        state = stage.current(session, round_)
        context = {
            "round": round_,
            "state": state,
            "can": transitions.actions(state),
            "questions": questions,
            "values": values,
            "errors": errors or {},
            "current": current,
            "history": drafts.history(session, round_id),
            "org_name": organisation(session).name,
            "heard": dispositions.points(heard),
            "choices": dispositions.CHOICES,
            "reason_max": dispositions.REASON_MAX,
            "position_charts": position_charts(session, round_id),
            **roles(session, app.settings, user),
        }
        return render(request, "utkast.html", context, status_code=status_code)


@router.get("/rounds/{round_id}/utkast")
def draft_page(request: Request, round_id: IdPath, user: RoundUserDep, app: AppDep) -> Response:
    return _page(request, app, round_id, user)


@router.post("/rounds/{round_id}/utkast")
def save_draft(
    request: Request,
    round_id: IdPath,
    user: RoundUserDep,
    app: AppDep,
    form: FormDep,
    rt: RuntimeDep,
) -> Response:
    action = text(form, "action")
    hand_over = ACTIONS.get(action)
    typed = {k: text(form, k) for k in form if k.startswith(TYPED)}
    if hand_over is None:
        return _page(request, app, round_id, user, status_code=400, typed=typed)
    positions = {k.removeprefix("position-"): v for k, v in typed.items() if k.startswith("pos")}
    texts = {k.removeprefix("text-"): v for k, v in typed.items() if k.startswith("text-")}
    try:
        with app.transaction() as session:
            draft = drafts.save(
                session, app.settings, round_id, user, positions, texts, hand_over=hand_over
            )
            dispositions.save(session, round_id, user, dispositions.from_form(typed))
    except InputError as exc:
        return _refused(request, app, round_id, user, typed, exc)
    rt.follow_up()  # the hand-over's notice, or a voided decision's
    if hand_over:
        flash(request, f"Utkastet (version {draft.number}) är lämnat till samordnaren.")
    else:
        flash(request, f"Utkastet är sparat (version {draft.number}).")
    return redirect(f"/rounds/{round_id}/utkast")


@router.post("/rounds/{round_id}/utkast/synpunkter")
def save_dispositions(
    request: Request, round_id: IdPath, user: RoundUserDep, app: AppDep, form: FormDep
) -> Response:
    """Keep what became of the comments, without saving a new version of the draft."""
    typed = {k: text(form, k) for k in form if k.startswith(TYPED)}
    try:
        with app.transaction() as session:
            changed = dispositions.save(session, round_id, user, dispositions.from_form(typed))
    except InputError as exc:
        return _refused(request, app, round_id, user, typed, exc)
    changes = "en ändring" if changed == 1 else f"{changed} ändringar"
    flash(request, f"Vad som blev av synpunkterna är sparat ({changes}).")
    return redirect(f"/rounds/{round_id}/utkast")


def _refused(
    request: Request, app: App, round_id: int, user: str, typed: dict[str, str], exc: InputError
) -> Response:
    """The page again with what was typed, the refusal beside its field."""
    message = exc.message[:1].upper() + exc.message[1:] + "."
    errors = {exc.field or "form": message}
    return _page(request, app, round_id, user, status_code=422, typed=typed, errors=errors)
