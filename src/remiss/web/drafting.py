"""Drafting the joint answer: the lead's officer's and the coordinator's page.

``/utkast`` lists the rounds a drafter may work on; ``/rounds/{id}/utkast`` shows every
answer per question beside the proposed joint answer, and saves drafts or hands the
draft over, with what became of each received comment (Med, Omformulerad, Ej med), which
``/rounds/{id}/utkast/synpunkter`` saves alone. ``/rounds/{id}/utkast/autospara`` is the
page script's autosave, answered in JSON. The rules live in ``remiss.yttrande.drafts``,
``remiss.yttrande.autosave`` and ``remiss.yttrande.dispositions``.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from remiss.access import coordinators
from remiss.app import App
from remiss.core.errors import InputError, Refused
from remiss.core.models import Round
from remiss.core.settings import Settings
from remiss.directory.sync import organisation
from remiss.reviewers import attached
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
from remiss.yttrande import autosave, dispositions, drafts, letter_store, proposal
from remiss.yttrande.compile import position_charts
from remiss.yttrande.draft_stamps import Stale, Stamps

router = APIRouter()

ACTIONS = {"save": False, "hand_over": True}
# The form's fields that are kept when a post is refused and the page is shown again.
TYPED = ("position-", "text-", dispositions.FIELD, dispositions.REASON)
# The page's stamps (what it showed: ``version``, ``autosave``) as a client may send them.
STAMP = re.compile(r"[0-9]{1,9}")
FORM_ERROR = "utkast"  # the error summary's link to the form, for what no field owns


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
        version = current.number if current is not None else 0
        state = stage.current(session, round_)
        # Text autosaved over the newest version is what the drafter last typed; once the
        # draft can no longer change, the page shows the version.
        editable = transitions.allowed(state, transitions.Action.SAVE_DRAFT)
        copy = autosave.working_copy(session, round_id, version) if editable else None
        shown = copy or current
        values: dict[str, str] = {}
        for q in questions:
            if shown is not None:
                values[f"position-{q.key}"] = str(shown.positions.get(q.key, ""))
                values[f"text-{q.key}"] = str(shown.texts.get(q.key, ""))
            else:
                values[f"position-{q.key}"] = q.position or ""
                values[f"text-{q.key}"] = q.proposed_text
        heard = dispositions.comments(session, round_id)
        for comment in heard:
            values[dispositions.FIELD + comment.field] = comment.choice or ""
            values[dispositions.REASON + comment.field] = comment.reason or ""
        values.update(typed or {})
        context = {
            "round": round_,
            "state": state,
            "can": transitions.actions(state),
            "questions": questions,
            "values": values,
            "errors": errors or {},
            "current": current,
            "stamps": Stamps(version, copy.revision if copy is not None else 0),
            "autosaved": copy,
            "history": drafts.history(session, round_id),
            "org_name": organisation(session).name,
            "heard": dispositions.points(heard),
            "choices": dispositions.CHOICES,
            "reason_max": dispositions.REASON_MAX,
            "position_charts": position_charts(session, round_id),
            "attached": attached.submitted_files(session, round_id),
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
    positions, texts = _draft_fields(typed)
    try:
        based_on = stamps_of(form)
        with app.transaction() as session:
            draft = drafts.save(
                session,
                app.settings,
                round_id,
                user,
                positions,
                texts,
                hand_over=hand_over,
                based_on=based_on,
            )
            dispositions.save(session, round_id, user, dispositions.from_form(typed))
    except InputError as exc:
        return _refused(request, app, round_id, user, typed, exc)
    except Stale as exc:
        errors = {
            FORM_ERROR: f"{exc}. Det du skrev finns kvar nedan: läs den nya versionen i "
            "yttrandet och spara igen om ditt ska gälla i stället."
        }
        return _page(request, app, round_id, user, status_code=409, typed=typed, errors=errors)
    # Its PDF made by a worker now: the download, anchoring and approvers' mail find it.
    letter_store.prepare(app.sessions, app.settings, round_id, ("pdf",))
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


@router.post("/rounds/{round_id}/utkast/autospara")
def autosave_draft(round_id: IdPath, user: RoundUserDep, app: AppDep, form: FormDep) -> Response:
    """Keep what the page holds while the drafter types; a short answer for the script."""
    positions, texts = _draft_fields({k: text(form, k) for k in form if k.startswith(TYPED)})
    try:
        stamps = stamps_of(form)
        if stamps is None:
            raise InputError("sidan saknar sin version; ladda om den", field=FORM_ERROR)
        with app.transaction() as session:
            copy = autosave.keep(session, app.settings, round_id, user, positions, texts, stamps)
            saved_at, revision = copy.saved_at, copy.revision
    except InputError as exc:
        return _said(422, f"Inte sparat: {exc.message}.", field=exc.field)
    except Stale as exc:
        return _said(409, f"Inte sparat: {exc}. Kopiera det du vill behålla och ladda om sidan.")
    except Refused as exc:
        return _said(409, f"Inte sparat: {exc}.")
    local = saved_at.astimezone(app.settings.tz)
    return _said(200, f"Sparat automatiskt kl. {local:%H.%M}.", autosave=revision)


def _said(status: int, message: str, **more: object) -> JSONResponse:
    return JSONResponse({"message": message, **more}, status_code=status)


def stamps_of(form: FormData) -> Stamps | None:
    """What the posting page showed; None from a form that does not say (an older page)."""
    version, seen = text(form, "version"), text(form, "autosave") or "0"
    if not version:
        return None
    if not (STAMP.fullmatch(version) and STAMP.fullmatch(seen)):
        raise InputError("sidan är inte hel; ladda om den", field=FORM_ERROR)
    return Stamps(int(version), int(seen))


def _draft_fields(typed: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    positions = {k.removeprefix("position-"): v for k, v in typed.items() if k.startswith("pos")}
    texts = {k.removeprefix("text-"): v for k, v in typed.items() if k.startswith("text-")}
    return positions, texts


def _refused(
    request: Request, app: App, round_id: int, user: str, typed: dict[str, str], exc: InputError
) -> Response:
    """The page again with what was typed, the refusal beside its field."""
    message = exc.message[:1].upper() + exc.message[1:] + "."
    errors = {exc.field or FORM_ERROR: message}
    return _page(request, app, round_id, user, status_code=422, typed=typed, errors=errors)
