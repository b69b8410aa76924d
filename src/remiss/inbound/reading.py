"""Reading one message that came in: who it is from and to, whether a machine wrote it,
whether it is a delivery status notification, and the text a person wrote in it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from mailparser_reply import EmailReplyParser

from remiss.core.text import printable

# Bigger than this is no answer (the listener refuses far bigger ones at the door).
SIZE_MOST = 20 * 1024 * 1024
_HEADERS_WITH_RECIPIENTS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")
# Subjects out-of-office replies are known by (Outlook's, Gmail's, in Swedish and English).
_AUTO_SUBJECT = re.compile(
    r"^\s*(frånvaro|frånvarande|autosvar|automatiskt svar|out of (the )?office|"
    r"auto(matic)?[ -]?reply|autoreply|auto:|abwesenheit)",
    re.IGNORECASE,
)
_PARSER = EmailReplyParser(languages=["sv", "en"])


@dataclass(frozen=True)
class Report:
    """What a delivery status notification says of the recipient it is about."""

    failed: bool
    reason: str


@dataclass(frozen=True)
class Received:
    """One message as the handling needs it."""

    fingerprint: str
    size: int
    sender: str  # the From address (lower case), or the envelope's when there is none
    envelope_from: str | None  # "" for the null sender of a notification
    recipients: tuple[str, ...]  # the envelope's, then the headers'
    subject: str
    automatic: str | None  # why a machine wrote it, or None
    report: Report | None  # a delivery status notification's verdict
    text: str  # what the person wrote: quoted history, signature and disclaimer taken off
    files: tuple[tuple[str, bytes], ...] = ()  # attached files (name, bytes), as sent


def read(
    raw: bytes,
    *,
    size: int | None = None,
    envelope_from: str | None = None,
    envelope_to: tuple[str, ...] = (),
) -> Received:
    """``raw`` read. ``size`` is the whole message's when ``raw`` holds its headers only
    (a message too big to fetch): then nothing of its body is read."""
    size = len(raw) if size is None else size
    whole = size <= SIZE_MOST
    if whole:
        message: Message = message_from_bytes(raw, policy=policy.default)
    else:
        message = BytesHeaderParser(policy=policy.default).parsebytes(raw)
    headers_to = [a for _n, a in getaddresses([str(v) for h in _HEADERS_WITH_RECIPIENTS
                                                for v in message.get_all(h, [])])]  # fmt: skip
    recipients = tuple(a.strip().lower() for a in (*envelope_to, *headers_to) if "@" in a)
    sender = parseaddr(str(message.get("From", "")))[1].strip().lower()
    if not sender and envelope_from:
        sender = envelope_from.strip().lower()
    message_id = str(message.get("Message-ID", "")).strip()
    fingerprint = hashlib.sha256(
        message_id.encode("utf-8", "replace") if message_id else raw
    ).hexdigest()
    report = _report(message) if whole else None
    return Received(
        fingerprint=fingerprint,
        size=size,
        sender=sender,
        envelope_from=envelope_from,
        recipients=recipients,
        subject=" ".join(printable(str(message.get("Subject", ""))).split())[:300],
        automatic=None if report else _automatic(message, envelope_from),
        report=report,
        text=_reply_text(message) if whole and report is None else "",
        files=_files(message) if whole and report is None else (),
    )


def _automatic(message: Message, envelope_from: str | None) -> str | None:
    """Why ``message`` was written by a machine (RFC 3834 and what mail systems do), or None."""
    auto_submitted = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        value = message.get(name)
        if value is not None and (
            name != "X-Auto-Response-Suppress" or "oof" in str(value).lower()
        ):
            return name
    precedence = str(message.get("Precedence", "")).strip().lower()
    if precedence in {"auto_reply", "bulk", "junk", "list"}:
        return f"Precedence: {precedence}"
    if _AUTO_SUBJECT.match(str(message.get("Subject", ""))):
        return "frånvaromeddelande"
    if envelope_from == "":
        return "tom avsändare"  # the null sender: a notification of some kind
    return None


def _report(message: Message) -> Report | None:
    """The verdict of a delivery status notification (RFC 3464), or None for other mail."""
    if message.get_content_type() != "multipart/report":
        return None
    if str(message.get_param("report-type", "")).lower() != "delivery-status":
        return None
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        if not isinstance(blocks, list):
            continue
        for block in blocks[1:] or blocks:  # per-message fields first, then per recipient
            if not isinstance(block, Message):
                continue
            action = str(block.get("Action", "")).strip().lower()
            if not action:
                continue
            status = str(block.get("Status", "")).strip()
            diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
            diagnostic = diagnostic.partition(";")[2].strip() or diagnostic
            reason = diagnostic or (f"status {status}" if status else action)
            if diagnostic and status and status not in diagnostic:
                reason = f"{status} {diagnostic}"
            return Report(failed=action == "failed", reason=reason)
    return Report(failed=False, reason="ingen mottagare angiven i rapporten")


class _Text(HTMLParser):
    """The text of an HTML part, paragraphs and line breaks kept."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"style", "script", "head"}:
            self.skip += 1
        elif tag in {"br", "p", "div", "tr", "li", "blockquote"}:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"style", "script", "head"}:
            self.skip = max(0, self.skip - 1)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _reply_text(message: Message) -> str:
    """What the person wrote, above what they answered: the plain part, else the HTML's text."""
    if not isinstance(message, EmailMessage):
        return ""
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        content = str(body.get_content())
    except (LookupError, ValueError):  # an unknown charset, a broken encoding
        return ""
    if body.get_content_type() == "text/html":
        parser = _Text()
        parser.feed(content)
        content = "".join(parser.parts)
    content = printable(content).replace("\r\n", "\n").replace("\r", "\n")
    replies = _PARSER.read(content).replies
    # A first fragment under a header is what was answered: the person wrote nothing above it.
    text = replies[0].body if replies and not replies[0].headers else ""
    lines = (line.rstrip() for line in text.strip().splitlines())
    return "\n".join(line for line in lines if not line.startswith(">")).strip()


def _files(message: Message) -> tuple[tuple[str, bytes], ...]:
    """The files attached to ``message`` with a name (inline images of a signature have none
    to speak of and are left to the answer's checks)."""
    if not isinstance(message, EmailMessage):
        return ()
    found = []
    for part in message.iter_attachments():
        name = part.get_filename()
        if not name or part.is_multipart():
            continue
        try:
            content = part.get_content()
        except (LookupError, ValueError):
            continue
        if isinstance(content, bytes):
            found.append((str(name), content))
    return tuple(found)
