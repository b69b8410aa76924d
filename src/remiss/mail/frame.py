"""One kind of message built once, copied for each recipient.

A round's invitations share their MIME structure, subject, sender and attachment
headers; only the Message-ID, Date, To, the two bodies and the attachments' content
differ. ``Frame`` builds the message once through ``rendering.build`` with
placeholders, keeps the bytes around them, and fills in each copy: the result is
byte for byte what ``rendering.to_mime`` makes of the same email (the boundaries and
the Message-ID are random in both), without building and flattening MIME objects
for every person. ``framed`` does the same for any message, with one frame kept per
kind of message (a round's receipts share one).
"""

from __future__ import annotations

import base64
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import replace
from email.message import Message
from email.utils import format_datetime, make_msgid

from remiss.core.clock import now
from remiss.core.settings import Settings
from remiss.mail.rendering import (
    WIRE,
    OutgoingEmail,
    address,
    build,
    mail_domain,
    quoted_printable,
)

_MARK = "REMISSFRAME"
# Placeholder boundaries as long as real ones, so that headers fold where they would.
_BOUNDARIES = ("=" * 15 + "1" * 19 + "==", "=" * 15 + "2" * 19 + "==")
_SLOT = re.compile(f"({_MARK}[A-Z0-9]+|{'|'.join(map(re.escape, _BOUNDARIES))})")
_LINES = re.compile(r"\r\n|\r|\n")
# Printable ASCII, single spaces between words, none at either end.
_FITS = re.compile(r"[!-~]+(?: [!-~]+)*\Z")
_LINE = WIRE.max_line_length or 78


def _wire_lines(payload: str) -> str:
    """A payload's lines as the generator writes them: every line ending made CRLF."""
    if "\r" not in payload:
        return payload.replace("\n", "\r\n")  # what the encoders make: newlines only
    return "\r\n".join(_LINES.split(payload))


def _base64(content: bytes) -> str:
    """``email.encoders.encode_base64``'s payload for ``content`` (with its last newline)."""
    return base64.encodebytes(content).decode("ascii")


def _boundary() -> str:
    """A boundary as the generator makes one."""
    return "=" * 15 + f"{random.randrange(sys.maxsize):019d}" + "=="


def _folded(name: str, value: str) -> str:
    """A header's value as the generator writes it (folded), without the name and line end."""
    if _FITS.match(value) and len(name) + 2 + len(value) <= _LINE:
        return value  # what folding leaves of a short one-line value, without the work
    return WIRE.fold(name, value)[len(name) + 2 : -2]


class Frame:
    """The message ``prototype`` with its per-copy parts left open (see the module)."""

    def __init__(self, prototype: OutgoingEmail, settings: Settings) -> None:
        self.domain = mail_domain(settings)
        self.attachments = len(prototype.attachments)
        # Each copy may answer to an address of its own (``replies``): a slot when it has one.
        self.reply_to = prototype.reply_to
        placeholder = replace(
            prototype,
            reply_to=f"{_MARK}REPLYTO" if prototype.reply_to else None,
            text=f"{_MARK}TEXT",
            html=f"{_MARK}HTML",
            attachments=tuple(
                replace(a, content=f"{_MARK}ATTACHMENT{i}".encode())
                for i, a in enumerate(prototype.attachments)
            ),
        )
        message = build(placeholder, settings, f"{_MARK}MESSAGEID", f"{_MARK}DATE", f"{_MARK}TO")
        if self.attachments:
            parts: list[Message] = message.get_payload()  # type: ignore[assignment]
            body, *attached = parts
            body.set_boundary(_BOUNDARIES[1])
            for i, part in enumerate(attached):
                part.set_payload(f"{_MARK}ATTACHMENT{i}")
        message.set_boundary(_BOUNDARIES[0])
        self.pieces = _SLOT.split(message.as_bytes(policy=WIRE).decode("ascii"))

    def fill(
        self,
        *,
        to: str,
        text: str,
        html: str,
        attachments: Sequence[bytes] = (),
        reply_to: str | None = None,
    ) -> tuple[str, bytes]:
        """One copy: its Message-ID and bytes. ``to`` is the To header's value; ``reply_to``
        this copy's Reply-To (the prototype's when None)."""
        assert len(attachments) == self.attachments
        assert reply_to is None or self.reply_to is not None
        text_qp, html_qp = _wire_lines(quoted_printable(text)), _wire_lines(quoted_printable(html))
        encoded = [_wire_lines(_base64(content)) for content in attachments]
        boundaries = {b: _boundary() for b in _BOUNDARIES}
        while any(b in text_qp or b in html_qp for b in boundaries.values()):
            boundaries = {b: _boundary() for b in _BOUNDARIES}  # never in practice
        message_id = make_msgid(domain=self.domain)
        slots = {
            f"{_MARK}MESSAGEID": _folded("Message-ID", message_id),
            f"{_MARK}DATE": _folded("Date", format_datetime(now())),
            f"{_MARK}TO": _folded("To", to),
            f"{_MARK}REPLYTO": _folded("Reply-To", reply_to or self.reply_to or ""),
            f"{_MARK}TEXT": text_qp,
            f"{_MARK}HTML": html_qp,
            **boundaries,
            **{f"{_MARK}ATTACHMENT{i}": content for i, content in enumerate(encoded)},
        }
        # The split alternates text between slots and the slots' names.
        filled = [slots[piece] if i % 2 else piece for i, piece in enumerate(self.pieces)]
        return message_id, "".join(filled).encode("ascii")


# Frames by what a message shares with others of its kind; a few hundred kinds at most.
_FRAMES: dict[tuple[object, ...], Frame] = {}
_FRAMES_KEPT = 256


def framed(email: OutgoingEmail, settings: Settings) -> tuple[str, bytes]:
    """What ``rendering.to_mime`` makes of ``email``, filled into a frame of its kind."""
    shape = (
        settings.mail_from,
        email.subject,
        email.reply_to is not None,
        tuple(
            (a.filename, a.maintype, a.subtype, tuple(a.params.items())) for a in email.attachments
        ),
    )
    frame = _FRAMES.get(shape)
    if frame is None:
        if len(_FRAMES) >= _FRAMES_KEPT:
            _FRAMES.clear()
        frame = _FRAMES[shape] = Frame(email, settings)
    return frame.fill(
        to=address(email.to_name, email.to),
        text=email.text,
        html=email.html,
        attachments=[a.content for a in email.attachments],
        reply_to=email.reply_to,
    )
