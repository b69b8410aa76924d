"""An answer's attached file, for the round's coordinators and drafter only.

Anyone else finds no such page (``RoundUserDep``). The file is always downloaded, never shown
in the site's origin: a PDF or a Word file a reviewer sent may hold anything.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from remiss.reviewers import attachments
from remiss.web.deps import IdPath, RoundUserDep, SessionDep
from remiss.web.downloads import opaque_download
from remiss.web.pages import not_found

router = APIRouter()


@router.get("/rounds/{round_id}/bilagor/{attachment_id}")
def download(
    request: Request,
    round_id: IdPath,
    attachment_id: IdPath,
    user: RoundUserDep,
    session: SessionDep,
) -> Response:
    found = attachments.file(session, attachment_id, round_id)
    if found is None:
        return not_found(request)
    return opaque_download(found.content, found.filename)
