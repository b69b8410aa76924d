"""A bounced invitation sent to someone else, from the round page, in one step."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from remiss.core.errors import InputError
from remiss.usecases import inbound
from remiss.web.deps import CoordinatorDep, FormDep, IdPath, RuntimeDep, text
from remiss.web.pages import flash, message_page, redirect

router = APIRouter()


@router.post("/rounds/{round_id}/invitations/{invitation_id}/redirect")
def redirect_bounced(
    request: Request,
    round_id: IdPath,
    invitation_id: IdPath,
    form: FormDep,
    rt: RuntimeDep,
    coordinator: CoordinatorDep,
) -> Response:
    try:
        told = inbound.redirect(
            rt, round_id, invitation_id, text(form, "email"), text(form, "name"), coordinator
        )
    except InputError as exc:
        return message_page(request, "Det gick inte", exc.message, status_code=422)
    flash(request, f"Inbjudan skickas till {told.name} ({told.email}) i stället.")
    return redirect(f"/rounds/{round_id}")
