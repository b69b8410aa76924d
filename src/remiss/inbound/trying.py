"""For trying replies on one machine: a reply to a message in the local sink, written as a
mail program writes one (the answer on top, the message quoted below) and sent to the
inbound listener, so that a newcomer can watch it become a draft (``/mail``'s "Svara")."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr

from remiss.core.settings import Settings
from remiss.mail import replies
from remiss.mail.sink import StoredMessage

TIMEOUT = 10.0


def reply_address(message: StoredMessage) -> str | None:
    """The message's svar+ Reply-To, when it has one."""
    address = parseaddr(str(message.message.get("Reply-To", "")))[1]
    parsed = replies.parse(address) if address else None
    return address if parsed is not None and parsed[0] == replies.REPLY_PREFIX else None


def reply_to(message: StoredMessage, text: str) -> EmailMessage:
    """The reply a person would send to ``message``, saying ``text``."""
    reply = EmailMessage()
    reply["From"] = str(message.message.get("To", ""))
    reply["To"] = reply_address(message) or ""
    reply["Subject"] = f"Sv: {message.subject}"
    reply["Message-ID"] = make_msgid(domain="svar.localhost")
    original = str(message.message.get("Message-ID", ""))
    if original:
        reply["In-Reply-To"] = original
        reply["References"] = original
    quoted = "\n".join(f"> {line}" for line in message.text().splitlines())
    sender = str(message.message.get("From", ""))
    reply.set_content(f"{text.strip()}\n\nDen {message.date} skrev {sender}:\n{quoted}\n")
    return reply


def send_to_listener(settings: Settings, reply: EmailMessage) -> None:
    """Send ``reply`` to the inbound listener on 127.0.0.1 (OSError when it is not there)."""
    with smtplib.SMTP("127.0.0.1", settings.inbound_port, timeout=TIMEOUT) as client:
        client.send_message(reply)
