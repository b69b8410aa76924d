"""Rendering emails: each kind is a subject, a text part and an HTML part; and MIME.

Templates live in ``templates/emails/`` as ``{kind}.subject.j2``, ``{kind}.txt.j2``
and ``{kind}.html.j2``; HTML is autoescaped, text is not.
"""

from __future__ import annotations

import quopri
from dataclasses import dataclass, field
from email import encoders
from email.charset import Charset
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, make_msgid
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from remiss.core.clock import now
from remiss.core.settings import Settings
from remiss.core.swedish import date_sv, datetime_sv, weekday_date_sv


def templates_dir() -> Path:
    """The email templates: inside an installed wheel, or at the repository root."""
    packaged = Path(__file__).parents[1] / "_templates" / "emails"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "templates" / "emails"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Templates change with a new release, which restarts the process: no file is
        # looked at again on every render.
        auto_reload=False,
    )
    env.filters["date_sv"] = date_sv
    env.filters["weekday_date_sv"] = weekday_date_sv
    env.filters["datetime_sv"] = datetime_sv
    return env


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str
    subtype: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str
    html: str
    to_name: str | None = None
    attachments: tuple[Attachment, ...] = ()
    reply_to: str | None = None


def render(kind: str, **context: Any) -> tuple[str, str, str]:
    """Render the subject (one line), text and HTML of an email kind."""
    env = environment()
    subject = " ".join(env.get_template(f"{kind}.subject.j2").render(**context).split())
    text = env.get_template(f"{kind}.txt.j2").render(**context)
    html = env.get_template(f"{kind}.html.j2").render(**context)
    return subject, text, html


WIRE = compat32.clone(linesep="\r\n")
_UTF8 = Charset("utf-8")
_ENCODED_WORD = 75  # RFC 2047's longest encoded word


def _header(value: str, name: str) -> str | Header:
    """Plain ASCII as is; anything else as an RFC 2047 header the generator folds itself."""
    return value if value.isascii() else Header(value, "utf-8", header_name=name)


def address(name: str | None, address: str) -> str:
    """A header's name and address, the name encoded when it is not ASCII."""
    if name and not name.isascii():
        # One encoded word when it fits in one (what ``Header`` makes of it then, faster).
        word = _UTF8.header_encode(name)
        if len(word) > _ENCODED_WORD:
            word = Header(name, "utf-8").encode()
        return f"{word} <{address}>"
    return formataddr((name or "", address))


def _text_part(content: str, subtype: str) -> MIMEText:
    part = MIMEText("", subtype, "utf-8")
    part.replace_header("Content-Transfer-Encoding", "quoted-printable")
    part.set_payload(quoted_printable(content))
    return part


def quoted_printable(content: str) -> str:
    return quopri.encodestring(content.replace("\r\n", "\n").encode("utf-8")).decode("ascii")


def to_mime(email: OutgoingEmail, settings: Settings) -> tuple[str, bytes]:
    """Build the MIME message; return its Message-ID and its bytes.

    Uses the compat32 MIME classes: several times faster than ``EmailMessage``'s
    header registry, which matters when a round queues hundreds of invitations.
    """
    message_id = make_msgid(domain=mail_domain(settings))
    message = build(
        email, settings, message_id, format_datetime(now()), address(email.to_name, email.to)
    )
    return message_id, message.as_bytes(policy=WIRE)


def mail_domain(settings: Settings) -> str:
    return settings.mail_from.rsplit("@", 1)[-1] or "localhost"


def build(
    email: OutgoingEmail, settings: Settings, message_id: str, date: str, to: str
) -> MIMEMultipart:
    """The message as compat32 MIME objects, its headers given (``frame`` fills them in)."""
    body = MIMEMultipart("alternative")
    body.attach(_text_part(email.text, "plain"))
    body.attach(_text_part(email.html, "html"))
    if email.attachments:
        message: MIMEMultipart = MIMEMultipart("mixed")
        message.attach(body)
        for attachment in email.attachments:
            part = MIMEBase(attachment.maintype, attachment.subtype)
            for name, value in attachment.params.items():
                part.set_param(name, value)
            part.set_payload(attachment.content)
            encoders.encode_base64(part)
            part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
            message.attach(part)
    else:
        message = body
    message["Message-ID"] = message_id
    message["Date"] = date
    message["From"] = address("remiss", settings.mail_from)
    message["To"] = to
    message["Subject"] = _header(email.subject, "Subject")  # type: ignore[assignment]
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    message["Auto-Submitted"] = "auto-generated"
    return message
