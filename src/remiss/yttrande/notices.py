"""Messages to the coordinator about their rounds."""

from __future__ import annotations

from sqlalchemy import select
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


def closed_without_answers(session: Session, settings: Settings, round_ids: list[int]) -> int:
    """One digest per coordinator of the rounds this sweep closed with nobody answering."""
    rounds = session.scalars(select(Round).where(Round.id.in_(round_ids)).order_by(Round.id))
    by_coordinator: dict[str, list[Round]] = {}
    for round_ in rounds:
        by_coordinator.setdefault(round_.coordinator, []).append(round_)
    org = organisation(session)
    sent = 0
    for coordinator, theirs in by_coordinator.items():
        email = catalogue.closed_without_answers(
            to=coordinator, org=org, rounds=theirs, base_url=settings.base_url
        )
        key = "no-answers:" + ",".join(str(r.id) for r in theirs)
        sent += outbox.queue(session, settings, key=key[:200], email=email)
    return sent
