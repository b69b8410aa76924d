"""The decision on a handed-over yttrande, and sending it: forms on the round page."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from remiss.core.errors import InputError
from remiss.core.models import Round
from remiss.usecases import answering
from remiss.web.deps import AppDep, CoordinatorDep, FormDep, IdPath, RuntimeDep, text
from remiss.web.pages import flash, redirect, render

router = APIRouter()

# One radio group per region: "own_decision_RJL" = "ja" | "nej".
OWN = "own_decision_"


@router.post("/rounds/{round_id}/decide")
def decide(
    request: Request,
    round_id: IdPath,
    rt: RuntimeDep,
    form: FormDep,
    coordinator: CoordinatorDep,
) -> Response:
    try:
        day = date.fromisoformat(text(form, "date"))
    except ValueError:
        flash(request, "Beslutet är inte sparat: ange beslutsdagen (ÅÅÅÅ-MM-DD).")
        return redirect(f"/rounds/{round_id}#yttrande")
    try:
        answering.decide(
            rt,
            round_id,
            by=text(form, "by"),
            on=day,
            paragraph=text(form, "paragraph"),
            not_taking_part=text(form, "not_taking_part"),
            signatories=text(form, "signatories").splitlines(),
            own_decisions={
                key.removeprefix(OWN): text(form, key) for key in form if key.startswith(OWN)
            },
            actor=coordinator,
        )
    except InputError as exc:
        flash(request, f"Beslutet är inte sparat: {exc.message}.")
        return redirect(f"/rounds/{round_id}#yttrande")
    flash(
        request,
        "Beslutet är registrerat; yttrandet är daterat med beslutsdagen och bär beslutsraden "
        "och undertecknarna.",
    )
    return redirect(f"/rounds/{round_id}#yttrande")


@router.post("/rounds/{round_id}/send")
def send(
    request: Request,
    round_id: IdPath,
    app: AppDep,
    rt: RuntimeDep,
    form: FormDep,
    coordinator: CoordinatorDep,
) -> Response:
    to = text(form, "to")
    again = text(form, "again") == "1"
    if text(form, "confirm") != "1":
        # First press: say exactly what will happen, and ask once more.
        with app.sessions() as session:
            round_ = session.get(Round, round_id)
            if round_ is None:
                return redirect("/")
            context = {
                "round": round_,
                "to": to or round_.recipient or "",
                "again": again,
                "coordinator": coordinator,
            }
            return render(request, "send_confirm.html", context)

    try:
        sent = answering.send(rt, round_id, to=to or None, again=again, actor=coordinator).sent
    except InputError as exc:
        flash(request, f"Yttrandet är inte skickat: {exc.message}.")
        return redirect(f"/rounds/{round_id}#yttrande")
    flash(request, f"Yttrandet skickas till {sent.to}, med en kopia till dig.")
    return redirect(f"/rounds/{round_id}#yttrande")
