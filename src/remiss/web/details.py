"""Vår referens and the recipient, changed after opening: a form on the round page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from remiss.core.errors import InputError
from remiss.rounds import details
from remiss.web.deps import AppDep, CoordinatorDep, FormDep, IdPath, text
from remiss.web.pages import flash, redirect

router = APIRouter()


@router.post("/rounds/{round_id}/details")
def change(
    request: Request, round_id: IdPath, app: AppDep, form: FormDep, coordinator: CoordinatorDep
) -> Response:
    """Each field sent that differs is changed and audited (one left out stays as it is);
    a bad address changes nothing, and a sent round refuses (the message page)."""

    def given(name: str) -> str | None:
        return text(form, name) if name in form else None

    try:
        with app.transaction() as session:
            changes = details.change(
                session,
                round_id,
                our_reference=given("our_reference"),
                recipient=given("recipient"),
                actor=coordinator,
            )
    except InputError as exc:
        flash(request, f"Inget ändrades: {exc.message}.")
        return redirect(f"/rounds/{round_id}#uppgifter")
    said = "; ".join(item.line() for item in changes)
    flash(request, f"Ändrat: {said}." if changes else "Inget ändrades: uppgifterna var desamma.")
    return redirect(f"/rounds/{round_id}#uppgifter")
