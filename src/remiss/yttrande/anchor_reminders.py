"""The anchoring reminder: once, the working day before the day an answer is asked for, to
each approver who has not answered the draft version mailed to them.

Claimed with a conditional update of ``reminded_at`` (and queued under a unique key), so
two sweeps at once remind nobody twice. The caller owns the transaction.
"""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.clock import now
from remiss.core.models import Approval, Round
from remiss.core.settings import Settings
from remiss.core.states import RoundStatus
from remiss.core.swedish import date_sv
from remiss.core.workdays import local_moment, working_days_before
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox
from remiss.yttrande.anchoring import issue_token, link


def remind_due(session: Session, settings: Settings) -> int:
    """Queue the reminders due now; how many."""
    moment = now()
    today = moment.astimezone(settings.tz).date()
    rows = session.execute(
        select(Approval, Round)
        .join(Round, Round.id == Approval.round_id)
        .where(
            Approval.reminded_at.is_(None),
            Approval.reply_by >= today,
            or_(
                Approval.answered_draft.is_(None),
                Approval.answered_draft != Approval.draft_number,
            ),
            # In förankring: handed over, neither decided nor sent.
            Round.status == RoundStatus.CLOSED,
            Round.handed_over_at.is_not(None),
            Round.decided_at.is_(None),
            Round.sent_at.is_(None),
        )
        .order_by(Approval.id)
    ).all()
    reminded = 0
    for approval, round_ in rows:
        due = local_moment(
            working_days_before(approval.reply_by, 1), settings.reminder_hour, settings.tz
        )
        # Not before its day and hour, nor to someone mailed the draft since.
        if moment < due or approval.sent_at >= due:
            continue
        claimed = session.execute(
            update(Approval)
            .where(Approval.id == approval.id, Approval.reminded_at.is_(None))
            .values(reminded_at=moment)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue  # another sweep reminded them
        email = catalogue.anchoring_reminder(
            round_=round_,
            org=organisation(session),
            name=approval.name,
            to=approval.email,
            link=link(settings, issue_token(session, approval)),
            reply_by=date_sv(approval.reply_by),
            number=approval.draft_number,
        )
        key = f"anchoring-reminder:{approval.id}:{approval.draft_number}"
        outbox.queue(session, settings, key=key, email=email, round_id=round_.id)
        audit.record(session, "system", "anchor.remind", round_id=round_.id, email=approval.email)
        reminded += 1
    return reminded
