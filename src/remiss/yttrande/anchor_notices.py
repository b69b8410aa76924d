"""What the coordinator hears of anchoring without looking: an approver's comments (or a
remark with an approval) at once, and the moment the last approver has approved the
current version. Services here flush; the caller owns the transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from remiss.core.models import Approval, Round
from remiss.core.models.anchoring import APPROVED
from remiss.core.settings import Settings
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox
from remiss.yttrande.approvals import WORDS, status


def tell_coordinator(session: Session, settings: Settings, approval: Approval) -> bool:
    """Queue the coordinator's mail about ``approval``'s answer when there is something to
    tell; whether one was queued."""
    round_ = session.get_one(Round, approval.round_id)
    waiting = sum(a.state != WORDS[APPROVED] for a in status(session, round_.id))
    if not approval.comment and waiting:
        return False
    email = catalogue.anchoring_answered(
        round_=round_,
        org=organisation(session),
        name=approval.name,
        title=approval.title,
        approved=approval.decision == APPROVED,
        comment=approval.comment,
        number=approval.draft_number,
        waiting=waiting,
        link=f"{settings.base_url}/rounds/{round_.id}#forankring",
    )
    assert approval.answered_at is not None
    key = (
        f"anchoring-answered:{approval.id}:{approval.draft_number}:{approval.decision}:"
        f"{approval.answered_at.isoformat()}"
    )
    return outbox.queue(session, settings, key=key, email=email, round_id=round_.id)
