"""Messages to the coordinator about their rounds."""

from __future__ import annotations

from sqlalchemy.orm import Session

from remiss.core.errors import RoundNotFound
from remiss.core.models import Round, YttrandeVersion
from remiss.core.settings import Settings
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox
from remiss.rounds.progress import round_progress


def yttrande_ready(
    session: Session, settings: Settings, round_id: int, version: YttrandeVersion
) -> bool:
    """Tell the round's coordinator that a draft yttrande is ready (once per version)."""
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise RoundNotFound(round_id)
    progress = round_progress(session, round_)
    email = catalogue.yttrande_ready(
        round_=round_,
        org=organisation(session),
        version=version,
        answered=progress.answered,
        invited=progress.invited,
        round_link=f"{settings.base_url}/rounds/{round_.id}",
    )
    return outbox.queue(
        session,
        settings,
        key=f"yttrande-ready:{round_.id}:{version.number}",
        email=email,
        round_id=round_.id,
    )
