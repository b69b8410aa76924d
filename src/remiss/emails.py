"""Rendering emails: each kind is a subject, a text part and an HTML part.

Templates live in ``templates/emails/`` as ``{kind}.subject.j2``, ``{kind}.txt.j2``
and ``{kind}.html.j2``; HTML is autoescaped, text is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from remiss.clock import now
from remiss.settings import Settings
from remiss.swedish import date_sv, datetime_sv, weekday_date_sv


def templates_dir() -> Path:
    """The email templates: inside an installed wheel, or at the repository root."""
    packaged = Path(__file__).parent / "_templates" / "emails"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates" / "emails"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
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


def compose(
    kind: str,
    *,
    to: str,
    to_name: str | None = None,
    attachments: tuple[Attachment, ...] = (),
    reply_to: str | None = None,
    **context: Any,
) -> OutgoingEmail:
    subject, text, html = render(kind, **context)
    return OutgoingEmail(
        to=to,
        to_name=to_name,
        subject=subject,
        text=text,
        html=html,
        attachments=attachments,
        reply_to=reply_to,
    )


def to_mime(email: OutgoingEmail, settings: Settings) -> tuple[str, bytes]:
    """Build the MIME message; return its Message-ID and its bytes."""
    message = EmailMessage()
    domain = settings.mail_from.rsplit("@", 1)[-1] or "localhost"
    message_id = make_msgid(domain=domain)
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(now())
    message["From"] = formataddr(("remiss", settings.mail_from))
    message["To"] = formataddr((email.to_name or "", email.to))
    message["Subject"] = email.subject
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(email.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(email.html, subtype="html", charset="utf-8", cte="quoted-printable")
    for attachment in email.attachments:
        message.add_attachment(
            attachment.content,
            maintype=attachment.maintype,
            subtype=attachment.subtype,
            filename=attachment.filename,
            params=attachment.params,
        )
    return message_id, message.as_bytes()
