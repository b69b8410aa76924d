"""Triage on the dashboard: a whole remiss period decided in one form, or one round on its page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from remiss.core.errors import InputError, NotFound, Refused
from remiss.core.swedish import counted
from remiss.rounds import triage
from remiss.usecases import opening
from remiss.web.deps import CoordinatorDep, FormDep, RuntimeDep, text
from remiss.web.pages import flash, redirect

router = APIRouter()


@router.post("/triage")
def decide(
    request: Request, form: FormDep, coordinator: CoordinatorDep, rt: RuntimeDep
) -> Response:
    """Every row with a decision is decided, each in its own transaction; others stay."""
    chosen: list[tuple[int, str, str]] = []
    for name in form:
        number = name.removeprefix("decision-")
        if (
            name.startswith("decision-")
            and text(form, name)
            and number.isdigit()
            and len(number) < 10
        ):
            chosen.append((int(number), text(form, name), text(form, f"reason-{number}")))
    # "Meddela avsändaren" per round: the ids of the rounds whose box is ticked.
    notify = {
        int(v) for v in form.getlist("notify") if isinstance(v, str) and v.isdigit() and len(v) < 10
    }
    done: list[triage.Triaged] = []
    problems: list[str] = []
    for round_id, decision, reason in chosen:
        try:
            result = opening.triage(
                rt,
                round_id,
                triage.parse(decision),
                reason,
                coordinator,
                notify_sender=round_id in notify,
            )
            done.append(result.triaged)
        except (InputError, Refused, NotFound) as exc:
            problems.append(str(exc))
    invited = sum(r.invitations for r in done)
    message = (
        f"{counted(len(done), 'beslut sparat', 'beslut sparade')}; "
        f"{counted(invited, 'inbjudan', 'inbjudningar')} skickas."
    )
    letters = sum(r.letters for r in done)
    if letters:
        message += f" {letters} brev skickas till registratorer eller avsändare."
    if not chosen:
        message = "Inget beslut valt; inget ändrades."
    if problems:
        message += " Inte sparat: " + "; ".join(problems) + "."
    flash(request, message)
    if len(chosen) == 1 and done:
        return redirect(f"/rounds/{done[0].round_id}")
    return redirect("/")
