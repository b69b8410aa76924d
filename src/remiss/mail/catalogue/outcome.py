"""The emails on how a remiss ended, to everyone asked and every informed member: the yttrande
as sent (with what became of the person's own comments), or that it is answered per region
or not at all, and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from remiss.core.models import Organisation, Round
from remiss.mail.catalogue._base import Email, compose
from remiss.mail.rendering import Attachment


@dataclass(frozen=True)
class Fate:
    """One of the person's comments, shortened, and what became of it in the yttrande."""

    question: str
    comment: str
    outcome: str  # "Med", "Omformulerad", "Ej med"
    reason: str | None = None

    @property
    def line(self) -> str:
        return f"{self.outcome}: {self.reason}" if self.reason else self.outcome


def outcome_sent(
    *,
    round_: Round,
    org: Organisation,
    name: str,
    to: str,
    sent_on: str,
    pdf: Attachment,
    fates: Sequence[Fate] = (),
    informed: bool = False,
) -> Email:
    """The yttrande as it was sent (its PDF), and what became of the person's own comments."""
    return compose(
        "outcome_sent",
        to,
        name,
        round_.coordinator,
        (pdf,),
        round=round_,
        org=org,
        name=name,
        sent_on=sent_on,
        fates=tuple(fates),
        informed=informed,
    )


def outcome_triaged(
    *,
    round_: Round,
    org: Organisation,
    name: str,
    to: str,
    per_region: bool,
    reason: str | None,
    informed: bool = False,
) -> Email:
    """No joint yttrande: the remiss is answered per region, or not at all; and why."""
    return compose(
        "outcome_triaged",
        to,
        name,
        round_.coordinator,
        (),
        round=round_,
        org=org,
        name=name,
        per_region=per_region,
        reason=reason,
        informed=informed,
    )
