"""A round's life after opening: extend the internal deadline, close it."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.clock import now
from remiss.core.errors import InputError, Refused, RoundNotFound
from remiss.core.models import Round
from remiss.core.settings import Settings
from remiss.core.states import RoundStatus
from remiss.core.swedish import date_sv
from remiss.core.workdays import end_of_day, on_or_before_working_day, working_days_before
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox, replies
from remiss.rounds.invitations import calendar_attachment, issue_token, link, pending_invitations
from remiss.rounds.transitions import Action, require


def close(session: Session, round_id: int, actor: str) -> Round:
    """Stop collecting answers; closing a closed round changes nothing.

    The round's row stays locked until the caller commits, so an answer being submitted
    either commits before the close (and is compiled) or sees the round closed.
    """
    round_ = session.get(Round, round_id, with_for_update=True, populate_existing=True)
    if round_ is None:
        raise RoundNotFound(round_id)
    if round_.status == RoundStatus.CLOSED:
        return round_
    _refuse_before_triage(round_)
    round_.status = RoundStatus.CLOSED
    round_.closed_at = now()
    round_.compile_pending = True
    audit.record(session, actor, "round.close", round_id=round_.id)
    session.flush()
    return round_


def move_national_deadline(
    session: Session,
    settings: Settings,
    round_id: int,
    national: date,
    internal: date | None,
    actor: str,
) -> tuple[date, int]:
    """The sender moved its last day: re-plan the internal deadline (unless given) and the
    reminders, and tell those who have not answered. Returns the internal deadline and how
    many were told.
    """
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise RoundNotFound(round_id)
    require(session, round_, Action.MOVE_NATIONAL)
    national = on_or_before_working_day(national)
    previous = round_.national_deadline
    round_.national_deadline = national
    session.flush()
    if round_.status == RoundStatus.OPEN:
        if internal is None:
            internal = working_days_before(national, settings.internal_margin_days)
        told = extend(session, settings, round_id, internal, actor, replanned=True)
    else:
        # Collecting is over: the new last day only gives the decision more time.
        internal, told = round_.internal_deadline, 0
    audit.record(
        session,
        actor,
        "round.national_deadline",
        round_id=round_id,
        previous=previous.isoformat(),
        deadline=national.isoformat(),
    )
    return internal, told


def _refuse_before_triage(round_: Round) -> None:
    """Only a round that is or was collecting answers can be closed or extended."""
    if round_.status == RoundStatus.REGISTERED:
        raise Refused(f"{round_.reference} är inkommen och väntar på triage; ingen är tillfrågad")
    if round_.status == RoundStatus.ENDED:
        raise Refused(f"{round_.reference} besvaras inte gemensamt ({round_.triage_decision})")


def extend(
    session: Session,
    settings: Settings,
    round_id: int,
    new_deadline: date,
    actor: str,
    *,
    replanned: bool = False,
) -> int:
    """Move the internal deadline and tell everyone who has not answered.

    Returns how many people were told. Reminder offsets follow the new deadline
    (they are keyed by ``deadline_version``), and the calendar entry keeps its UID
    with a higher SEQUENCE.
    """
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise RoundNotFound(round_id)
    require(session, round_, Action.EXTEND)
    if new_deadline > round_.national_deadline:
        raise InputError(
            f"den nya interna svarsdagen {date_sv(new_deadline)} ligger efter den nationella "
            f"svarsdagen {date_sv(round_.national_deadline)}",
            field="deadline",
        )
    new_end = end_of_day(new_deadline, settings.tz)
    if new_end <= now():
        raise InputError(f"{date_sv(new_deadline)} har redan passerat", field="deadline")
    if (
        new_deadline == round_.internal_deadline
        and round_.status == RoundStatus.OPEN
        and not replanned
    ):
        raise Refused(f"den interna svarsdagen är redan {date_sv(new_deadline)}")
    previous = round_.internal_deadline
    round_.internal_deadline = new_deadline
    round_.internal_deadline_at = new_end
    round_.deadline_version += 1
    round_.deadline_changed_at = now()
    if round_.status == RoundStatus.CLOSED:
        round_.status = RoundStatus.OPEN
        round_.closed_at = None
        round_.compile_pending = False
        round_.compile_error = None
        round_.drafting_without_answers = False
    session.flush()
    pending = pending_invitations(session, round_.id)
    org = organisation(session)
    for invitation in pending:
        person = invitation.person
        token = issue_token(session, invitation.id, "extended")
        email = catalogue.deadline_extended(
            round_=round_,
            person=person,
            org=org,
            previous=date_sv(previous),
            link=link(settings, token),
            has_draft=invitation.draft_saved_at is not None,
            calendar=calendar_attachment(settings, round_, invitation),
            earlier=new_deadline < previous,
        )
        email = replies.answerable(email, settings, token)
        outbox.queue(
            session,
            settings,
            key=f"extended:{invitation.id}:{round_.deadline_version}",
            email=email,
            round_id=round_.id,
            invitation_id=invitation.id,
        )
    audit.record(
        session,
        actor,
        "round.extend",
        round_id=round_.id,
        previous=previous.isoformat(),
        deadline=new_deadline.isoformat(),
        told=len(pending),
    )
    return len(pending)
