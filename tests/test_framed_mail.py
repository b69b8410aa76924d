"""A message filled into the frame of its kind is the message MIME builds, byte for byte."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from remiss.core.settings import Settings
from remiss.mail.catalogue import Email
from remiss.mail.frame import framed
from remiss.mail.rendering import Attachment, OutgoingEmail, to_mime
from tests.test_email_catalogue import every_email


def normalised(raw: bytes) -> str:
    """Boundaries, Message-ID and Date are different in every message, by design."""
    text = re.sub(r"={15}\d{19}==", "BOUNDARY", raw.decode("ascii"))
    return re.sub(r"(Message-ID|Date): [^\r]*", r"\1: …", text)


@pytest.fixture
def mail_settings() -> Settings:
    return Settings(_env_file=None, mail_from="remiss@sosr.example.org")


@pytest.mark.parametrize(("kind", "email"), sorted(every_email().items()))
def test_every_kind_framed_is_what_mime_builds(
    kind: str, email: Email, mail_settings: Settings
) -> None:
    assert normalised(framed(email.message, mail_settings)[1]) == normalised(
        to_mime(email.message, mail_settings)[1]
    )


def test_copies_of_one_kind_differ_where_the_messages_do(mail_settings: Settings) -> None:
    first = OutgoingEmail(
        to="karin.kvist@rkl.example.org", to_name="Karin Kvist",
        subject="Kvitto: ditt svar på remissen Bröstcancer, nationellt vårdprogram",
        text="Tack för ditt svar.\n", html="<p>Tack för ditt svar.</p>",
        attachments=(Attachment("svarsdag.ics", b"BEGIN:VCALENDAR", "text", "calendar"),),
        reply_to="kansli@sosr.example.org",
    )  # fmt: skip
    copies = [
        first,
        replace(first, to="l@example.org", to_name="Långt Namn " * 9, text="Åäö " * 400,
                html="<p>" + "x" * 2000 + "</p>",
                attachments=(replace(first.attachments[0], content=b"\x00\xff" * 300),)),
    ]  # fmt: skip
    made = [framed(copy, mail_settings) for copy in copies]

    for copy, (message_id, raw) in zip(copies, made, strict=True):
        assert normalised(raw) == normalised(to_mime(copy, mail_settings)[1])
        assert f"Message-ID: {message_id}" in raw.decode("ascii")
    assert made[0][0] != made[1][0]
