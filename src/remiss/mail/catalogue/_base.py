"""What every email is: a rendered message and its kind, made from its three templates."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from remiss.mail.rendering import Attachment, OutgoingEmail, render


@dataclass(frozen=True)
class Email:
    """A rendered message and what kind of email it is (kept with it in the outbox)."""

    kind: str
    message: OutgoingEmail
    # After this the message is no use (its link leads into a closed round): an
    # unreachable server may delay it until then, not longer.
    expires_at: datetime | None = None


def until(moment: datetime, email: Email) -> Email:
    return replace(email, expires_at=moment)


def compose(
    kind: str,
    to: str,
    to_name: str | None,
    reply_to: str | None,
    attachments: tuple[Attachment, ...],
    **context: object,
) -> Email:
    subject, text, html = render(kind, **context)
    message = OutgoingEmail(
        to=to,
        to_name=to_name,
        subject=subject,
        text=text,
        html=html,
        attachments=attachments,
        reply_to=reply_to,
    )
    return Email(kind=kind, message=message)
