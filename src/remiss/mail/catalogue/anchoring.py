"""The emails of anchoring (förankring): the draft to each approver, a newer version of it,
and the reminder the working day before the day an answer is asked for."""

from __future__ import annotations

from remiss.core.models import Organisation, Round
from remiss.core.swedish import number_sv
from remiss.mail.catalogue._base import Email, compose
from remiss.mail.rendering import Attachment


def anchoring(
    *,
    round_: Round,
    org: Organisation,
    name: str,
    to: str,
    link: str,
    reply_by: str,
    number: int,
    draft: Attachment,
) -> Email:
    """To an approver: the draft (PDF, marked Utkast) to approve or comment on, by a day."""
    return compose(
        "anchoring",
        to,
        name,
        round_.coordinator,
        (draft,),
        round=round_,
        org=org,
        name=name,
        link=link,
        reply_by=reply_by,
        number=number,
    )


def anchoring_new_version(
    *,
    round_: Round,
    org: Organisation,
    name: str,
    to: str,
    link: str,
    reply_by: str,
    number: int,
    earlier: str | None,
    draft: Attachment,
) -> Email:
    """To an approver: a newer draft version, which needs their answer again."""
    return compose(
        "anchoring_new_version",
        to,
        name,
        round_.coordinator,
        (draft,),
        round=round_,
        org=org,
        name=name,
        link=link,
        reply_by=reply_by,
        number=number,
        earlier=earlier,
    )


def anchoring_reminder(
    *,
    round_: Round,
    org: Organisation,
    name: str,
    to: str,
    link: str,
    reply_by: str,
    number: int,
) -> Email:
    """To an approver who has not answered: the answer is asked for by tomorrow (a working day)."""
    return compose(
        "anchoring_reminder",
        to,
        name,
        round_.coordinator,
        (),
        round=round_,
        org=org,
        name=name,
        link=link,
        reply_by=reply_by,
        number=number,
    )


def anchoring_answered(
    *,
    round_: Round,
    org: Organisation,
    name: str,
    title: str,
    approved: bool,
    comment: str | None,
    number: int,
    waiting: int,
    link: str,
) -> Email:
    """To the coordinator: an approver commented (or approved with a remark), or the last
    approver approved the current version."""
    return compose(
        "anchoring_answered",
        round_.coordinator,
        None,
        None,
        (),
        round=round_,
        org=org,
        name=name,
        title=title,
        approved=approved,
        comment=comment,
        number=number,
        waiting=waiting,
        waiting_words=number_sv(waiting).capitalize(),
        link=link,
    )
