"""The yttrande filled into the sender's svarsmall: a download for coordinators only.

Anyone else, logged in or not, gets the page that does not exist. The file is made by a
worker (``letter_store``, format ``svarsmall``); until it is, the page says so.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from remiss.core.errors import RoundNotFound
from remiss.core.models import Round
from remiss.directory.sync import organisation
from remiss.rounds import svarsmall
from remiss.rounds.transitions import without_documents
from remiss.web.deps import (
    AppDep,
    IdPath,
    LoginRequired,
    NotCoordinator,
    current_coordinator,
    current_user,
)
from remiss.web.pages import message_page, not_found
from remiss.web.yttrande import letter_file
from remiss.yttrande import letter_store
from remiss.yttrande.svarsmall_letter import FMT, file_name

router = APIRouter()


def coordinator_only(request: Request, round_id: IdPath, app: AppDep) -> str:
    """The logged-in coordinator; to anyone else the round does not exist."""
    try:
        return current_coordinator(current_user(request, app), app)
    except (LoginRequired, NotCoordinator):
        raise RoundNotFound(round_id) from None


@router.get("/rounds/{round_id}/svarsmall.docx")
def filled(
    request: Request,
    round_id: IdPath,
    app: AppDep,
    coordinator: Annotated[str, Depends(coordinator_only)],
) -> Response:
    """The current yttrande (draft, or the decided letter) in the sender's template."""
    with app.sessions() as session:
        round_ = session.get(Round, round_id)
        if round_ is None or svarsmall.of(session, round_id) is None:
            return not_found(request)
        why = without_documents(session, round_)
        if why is not None:
            return message_page(request, "Inget yttrande", why + ".", status_code=404)
        name = file_name(round_, organisation(session))
        found = letter_store.find(session, round_id, app.settings, FMT)
    what = "Yttrandet i avsändarens svarsmall"
    return letter_file(request, app, (round_id, FMT), found, what, name)
