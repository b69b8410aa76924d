"""Messages to the coordinator about their rounds."""

from __future__ import annotations

from sqlalchemy.orm import Session

from remiss.core.errors import RoundNotFound
from remiss.core.models import Round, YttrandeVersion
from remiss.core.settings import Settings
from remiss.core.swedish import date_sv
from remiss.directory.sync import organisation
from remiss.mail import outbox
from remiss.mail.rendering import compose
from remiss.rounds.progress import round_progress


def yttrande_ready(
    session: Session, settings: Settings, round_id: int, version: YttrandeVersion
) -> bool:
    """Tell the round's coordinator that a draft yttrande is ready (once per version)."""
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise RoundNotFound(round_id)
    progress = round_progress(session, round_)
    base = f"{settings.base_url}/rounds/{round_.id}"
    email = compose(
        "yttrande_ready",
        to=round_.coordinator,
        round=round_,
        org=organisation(session),
        version=version,
        answered=progress.answered,
        invited=progress.invited,
        round_link=base,
        docx_link=f"{base}/yttrande.docx",
        national_deadline=date_sv(round_.national_deadline),
    )
    return outbox.queue(
        session,
        settings,
        key=f"yttrande-ready:{round_.id}:{version.number}",
        kind="yttrande_ready",
        email=email,
        round_id=round_.id,
    )
