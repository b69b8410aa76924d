""" "Svara" on a message in the local mailbox: the reply goes to the inbound listener, as a
reply from the recipient's mail program would, so that a newcomer watches it become a draft."""

from __future__ import annotations

import smtplib
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from remiss.inbound import trying
from remiss.mail import sink
from remiss.web.deps import AppDep, CoordinatorDep, FormDep, text
from remiss.web.pages import flash, message_page, not_found, redirect

router = APIRouter()

REPLY_MOST = 20_000


@router.post("/mail/{key}/reply")
def reply(
    request: Request, key: str, app: AppDep, form: FormDep, coordinator: CoordinatorDep
) -> Response:
    settings = app.settings
    found = None
    if settings.uses_sink and settings.inbound_domain and settings.sink_dir.is_dir():
        found = sink.read_one(settings.sink_dir, key)
    if found is None or trying.reply_address(found) is None:
        return not_found(request)
    said = text(form, "text")
    if not said.strip():
        return message_page(request, "Det gick inte", "Skriv ett svar.", status_code=422)
    try:
        trying.send_to_listener(settings, trying.reply_to(found, said[:REPLY_MOST]))
    except (OSError, smtplib.SMTPException) as exc:
        return message_page(
            request,
            "Svaret kunde inte skickas",
            f"Mottagaren för svar på 127.0.0.1:{settings.inbound_port} svarade inte ({exc}). "
            "Den startas av remiss serve när REMISS_INBOUND_DOMAIN är satt.",
            status_code=503,
        )
    flash(request, "Svaret är skickat. Öppna remissen för att se det som utkast.")
    return redirect(f"/mail/{quote(key, safe='')}")
