"""Mail that comes back: the mailbox read (the sweep does it), and a bounced invitation
sent to someone else."""

from __future__ import annotations

import imaplib
import logging
from dataclasses import dataclass

from remiss.inbound.mailbox import MailboxRead
from remiss.inbound.mailbox import read_mailbox as read_box
from remiss.rounds import redirecting
from remiss.usecases.runtime import Runtime

log = logging.getLogger("remiss.inbound")


@dataclass(frozen=True)
class Redirected:
    name: str
    email: str


def read_mailbox(rt: Runtime) -> MailboxRead | None:
    """Read the IMAP mailbox when one is configured (None when not). A mailbox that cannot
    be reached is logged and read next time: it never stops the sweep's other work."""
    if not rt.settings.imap_host:
        return None
    try:
        return read_box(rt.app.sessions, rt.settings)
    except (imaplib.IMAP4.error, OSError) as exc:
        log.warning("e-postlådan %s kunde inte läsas: %s", rt.settings.imap_host, exc)
        return None


def redirect(
    rt: Runtime, round_id: int, invitation_id: int, email: str, name: str, actor: str
) -> Redirected:
    """Send a bounced invitation to another address, in one step."""
    with rt.transaction() as session:
        new = redirecting.redirect(
            session, rt.settings, round_id, invitation_id, email, name, actor
        )
        told = Redirected(new.person.name, new.person.email)
    rt.announce("invitation.redirect", actor, round_id, invitation_id=invitation_id)
    rt.follow_up()
    return told
