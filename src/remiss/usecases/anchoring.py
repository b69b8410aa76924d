"""Anchoring the handed-over draft: sending it to the approvers, and their answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from remiss.usecases.runtime import FollowUp, Runtime
from remiss.yttrande import anchor_notices, anchoring, approvals
from remiss.yttrande.anchoring import Anchored


@dataclass(frozen=True)
class AnchoredNow:
    anchored: Anchored
    follow_up: FollowUp


def anchor(
    rt: Runtime,
    round_id: int,
    actor: str,
    to: Sequence[str] | None = None,
    by: date | None = None,
) -> AnchoredNow:
    """Mail the current draft to the approvers (the kind's, or ``to``), answer asked by ``by``."""
    with rt.transaction() as session:
        anchored = anchoring.anchor(session, rt.settings, round_id, actor, to, by)
    rt.announce(
        "round.anchor",
        actor,
        round_id,
        anchored.reference,
        draft=anchored.draft,
        reply_by=anchored.reply_by.isoformat(),
        to=list(anchored.mailed),
    )
    return AnchoredNow(anchored, rt.follow_up())


@dataclass(frozen=True)
class Answered:
    round_id: int
    name: str
    approved: bool
    draft: int


def answer(
    rt: Runtime, token: str, approve: bool, comment: str, seen_draft: int | None = None
) -> Answered:
    """An approver's answer through their link: approved, or comments (on ``seen_draft``)."""
    with rt.transaction() as session:
        given = approvals.answer(session, token, approve, comment, seen_draft)
        answered = Answered(given.round_id, given.name, approve, given.draft_number)
        email = given.email
        told = anchor_notices.tell_coordinator(session, rt.settings, given)
    action = "anchor.approve" if approve else "anchor.comment"
    rt.announce(action, email, answered.round_id, draft=answered.draft)
    if told:
        rt.follow_up()
    return answered
