"""A round's details that may change after opening: Vår referens and the recipient.

Each change is audited with what it was before. Once the yttrande is sent (``sent_at``)
the round is final: what it said, and to whom, is the record.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.addresses import normalise_email
from remiss.core.errors import InputError, Refused, RoundNotFound
from remiss.core.models import Round
from remiss.core.text import printable

OUR_REFERENCE_LENGTH = 100  # the column's
LABELS = {"our_reference": "Vår referens", "recipient": "Mottagare"}


@dataclass(frozen=True)
class Change:
    field: str  # "our_reference" | "recipient"
    before: str | None
    after: str | None

    def line(self) -> str:
        """'Vår referens: SÖSR-2026-017 → SÖSR-2026-018'."""
        return f"{LABELS[self.field]}: {self.before or 'tom'} → {self.after or 'tom'}"


def change(
    session: Session,
    round_id: int,
    *,
    our_reference: str | None = None,
    recipient: str | None = None,
    actor: str,
) -> list[Change]:
    """Set Vår referens and/or the recipient (None leaves one as it is, "" clears it).

    Both are checked before either is written, so a bad address changes nothing.
    Returns what changed; a value equal to the stored one is no change.
    """
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise RoundNotFound(round_id)
    if round_.sent_at is not None:
        raise Refused(
            f"{round_.reference}: yttrandet är redan skickat; en skickad remiss ändras inte"
        )
    wanted: dict[str, str | None] = {}
    if our_reference is not None:
        wanted["our_reference"] = _our_reference(our_reference)
    if recipient is not None:
        wanted["recipient"] = _recipient(recipient)
    changes = [
        Change(name, getattr(round_, name), value)
        for name, value in wanted.items()
        if getattr(round_, name) != value
    ]
    for item in changes:
        setattr(round_, item.field, item.after)
        audit.record(
            session,
            actor,
            "round.set",
            round_id=round_id,
            field=item.field,
            before=item.before,
            after=item.after,
        )
    session.flush()
    return changes


def _our_reference(value: str) -> str | None:
    text = printable(value).strip() or None
    if text is not None and len(text) > OUR_REFERENCE_LENGTH:
        raise InputError(
            f"Vår referens får vara högst {OUR_REFERENCE_LENGTH} tecken", field="our_reference"
        )
    return text


def _recipient(value: str) -> str | None:
    text = printable(value).strip()
    if not text:
        return None
    try:
        return normalise_email(text)
    except ValueError as exc:
        raise InputError(
            f"mottagaren ska vara en e-postadress, inte '{text[:80]}'", field="recipient"
        ) from exc
