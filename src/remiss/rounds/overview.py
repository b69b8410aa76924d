"""What a coordinator reads about one round: the matrix of people and the answers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from remiss.core.errors import RoundNotFound
from remiss.core.models import AnswerVersion, Invitation, InvitationGroup, Person, Round
from remiss.core.settings import Settings
from remiss.core.states import InvitationStatus, VersionKind
from remiss.core.swedish import datetime_sv
from remiss.rounds.progress import RoundProgress, round_progress


@dataclass
class SubmittedAnswer:
    name: str
    region: str
    groups: list[str]
    submitted: str
    version: int
    no_comments: bool
    # (question, answer) in the round's order; empty answers left out
    lines: list[tuple[str, str]]


@dataclass
class RoundOverview:
    progress: RoundProgress
    answers: list[SubmittedAnswer]

    @property
    def round(self) -> Round:
        return self.progress.round


def overview(session: Session, settings: Settings, round_id: int) -> RoundOverview:
    """A round's matrix of people and states, and the latest submitted answer of each."""
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise RoundNotFound(round_id)
    progress = round_progress(session, round_)
    questions = list(round_.questions)
    rows = session.scalars(
        select(Invitation)
        .where(
            Invitation.round_id == round_id,
            Invitation.status == InvitationStatus.ACTIVE,
            Invitation.submitted_at.is_not(None),
        )
        .options(
            selectinload(Invitation.person).selectinload(Person.region),
            selectinload(Invitation.groups).selectinload(InvitationGroup.group),
            selectinload(Invitation.versions),
        )
        .order_by(Invitation.submitted_at)
    ).all()
    answers = []
    for invitation in rows:
        submitted = [v for v in invitation.versions if v.kind == VersionKind.SUBMITTED]
        version: AnswerVersion = submitted[-1]
        answers.append(
            SubmittedAnswer(
                name=invitation.person.name,
                region=invitation.person.region.code if invitation.person.region else "",
                groups=[ig.group.name for ig in invitation.groups],
                submitted=datetime_sv(version.created_at, settings.tz),
                version=version.number,
                no_comments=version.no_comments,
                lines=[
                    (q.text, str(version.values[q.key]))
                    for q in questions
                    if str(version.values.get(q.key, "")).strip()
                ],
            )
        )
    return RoundOverview(progress=progress, answers=answers)
