"""The emails about mail that came in: a reply kept as a draft, and a reply not taken."""

from __future__ import annotations

from remiss.core.addresses import Addressee
from remiss.core.models import Organisation, Person
from remiss.mail.catalogue._base import Email, compose
from remiss.mail.catalogue.reviewers import Answered


def reply_saved(
    *,
    round_: Answered,
    person: Person | Addressee,
    org: Organisation,
    link: str,
    excerpt: str,
    files: tuple[str, ...] = (),
    files_left: tuple[str, ...] = (),
    files_hint: str = "",
) -> Email:
    """To the person invited (never to whoever a reply's From header named): their reply was
    kept as a draft, to be read through and submitted through their link; the files it
    carried that were kept with it, and those that were not (with ``files_hint``, what may be
    attached)."""
    return compose(
        "reply_saved",
        person.email,
        person.name,
        round_.coordinator,
        (),
        round=round_,
        person=person,
        org=org,
        link=link,
        excerpt=excerpt,
        files=files,
        files_left=files_left,
        files_hint=files_hint,
    )


def reply_refused(
    *, to: str, org: Organisation, subject: str, reason: str, coordinator: str | None
) -> Email:
    """To the sender of a reply that became no draft: why, in one sentence, and what to do."""
    return compose(
        "reply_refused",
        to,
        None,
        coordinator,
        (),
        org=org,
        subject=subject,
        reason=reason,
        coordinator=coordinator,
    )
