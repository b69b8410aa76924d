"""The IMAP mailbox the sweep reads (REMISS_IMAP_*): every unseen message handed to the one
service (``handling``), each in its own transaction, then marked seen.

A message is marked seen only after its transaction committed: a sweep that fails half-way
leaves the rest unseen for the next, and one read twice is handled once (``handling``).
Messages over the size limit are not fetched whole: their headers are enough to answer.
"""

from __future__ import annotations

import imaplib
import re
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from remiss.core.settings import Settings
from remiss.inbound.reading import SIZE_MOST

TIMEOUT = 30.0
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


@dataclass
class MailboxRead:
    """What one reading of the mailbox came to: outcomes counted."""

    outcomes: Counter[str] = field(default_factory=Counter)

    @property
    def read(self) -> int:
        return sum(self.outcomes.values())


def _connect(settings: Settings) -> imaplib.IMAP4:
    host = settings.imap_host or ""
    port = settings.imap_port or 993
    if port == 993:
        return imaplib.IMAP4_SSL(host, port, timeout=TIMEOUT)
    client = imaplib.IMAP4(host, port, timeout=TIMEOUT)
    if "STARTTLS" in client.capabilities:
        client.starttls()
    return client


def read_mailbox(sessions: sessionmaker[Session], settings: Settings) -> MailboxRead:
    """Handle every unseen message in REMISS_IMAP_FOLDER; nothing when no host is set."""
    done = MailboxRead()
    if not settings.imap_host:
        return done
    client = _connect(settings)
    try:
        password = settings.imap_password.get_secret_value() if settings.imap_password else ""
        client.login(settings.imap_username or "", password)
        status, _ = client.select(_quoted(settings.imap_folder))
        if status != "OK":
            raise imaplib.IMAP4.error(f"mappen {settings.imap_folder} finns inte")
        _, found = client.uid("SEARCH", "UNSEEN")
        for uid in (found[0] or b"").decode("ascii").split():
            outcome = _one(client, uid, sessions, settings)
            if outcome is not None:
                done.outcomes[outcome] += 1
        client.close()
    finally:
        with suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return done


def _one(
    client: imaplib.IMAP4, uid: str, sessions: sessionmaker[Session], settings: Settings
) -> str | None:
    _, sized = client.uid("FETCH", uid, "(RFC822.SIZE)")
    matched = _SIZE.search(b" ".join(p if isinstance(p, bytes) else p[0] for p in sized if p))
    if matched is None:
        return None  # gone meanwhile
    size = int(matched.group(1))
    part = "BODY.PEEK[HEADER]" if size > SIZE_MOST else "BODY.PEEK[]"
    _, fetched = client.uid("FETCH", uid, f"({part})")
    raw = next((p[1] for p in fetched if isinstance(p, tuple)), None)
    if raw is None:
        return None
    # What a reply or a bounce leads to (answers, their drafts) loads with the first one.
    from remiss.inbound.handling import handle

    with sessions() as session, session.begin():
        handled = handle(session, settings, raw, via="imap", size=size)
    client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    return handled.outcome


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
