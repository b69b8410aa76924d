"""A reply to svar+{key}: the text a person wrote becomes a draft on the invitation whose
link the answered email carried, never a submission, and they get their link to submit it.

What the reply says goes into the round's first text question; a first line that is one of
a position question's options ("Tillstyrker") chooses it. A draft already saved on the page
keeps its other fields. Who the reply came from (its From header) decides nothing: the key
names the invitation, and the link goes to the invited person's own address.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.addresses import Addressee
from remiss.core.clock import now
from remiss.core.errors import NotFound, Refused
from remiss.core.models import Invitation, InvitationToken, Organisation
from remiss.core.settings import Settings
from remiss.core.states import QuestionKind, VersionKind
from remiss.core.tokens import hash_token
from remiss.directory.sync import DEFAULT_ORGANISATION
from remiss.inbound.reading import SIZE_MOST, Received
from remiss.mail import outbox, replies
from remiss.mail.catalogue.replies import reply_saved
from remiss.reviewers import attachments, rows
from remiss.reviewers.answers import clean, cut_to_size, may_answer_through
from remiss.rounds import invitations

UNKNOWN = (
    "Adressen du svarade till hör inte till någon remiss som tar emot svar (länken kan ha "
    "ersatts eller återkallats). Svara via den personliga länken i din senaste inbjudan "
    "eller påminnelse."
)
TOO_LARGE = (
    f"Meddelandet var större än {SIZE_MOST // (1024 * 1024)} MB. Skriv ditt svar direkt i "
    "e-postmeddelandet utan stora bilagor, eller svara via din personliga länk."
)
NO_TEXT = (
    "Vi hittade ingen text från dig i meddelandet (bara citerad text, en signatur eller "
    "bilagor). Skriv ditt svar överst i meddelandet, eller svara via din personliga länk."
)
NO_TEXT_QUESTION = "Remissen har ingen fritextfråga att spara ett svar i: svara via din länk."
EXCERPT = 600


@dataclass(frozen=True)
class Taken:
    """What became of a reply: ``outcome`` (draft, unknown, closed, too-large, no-text), why
    in a sentence for its sender (None when it became a draft), and its invitation."""

    outcome: str
    reason: str | None = None
    invitation_id: int | None = None
    coordinator: str | None = None


def take(session: Session, settings: Settings, received: Received, key: str) -> Taken:
    """Keep the reply to ``key`` as a draft, or say why not."""
    token_hash = session.scalar(
        select(InvitationToken.token_hash).where(InvitationToken.reply_hash == hash_token(key))
    )
    if token_hash is None:
        return Taken("unknown", UNKNOWN)
    try:
        found = rows.read_by_hash(session, token_hash)
    except NotFound:  # revoked: as unknown, it tells nothing
        return Taken("unknown", UNKNOWN)
    link = found.link
    if received.size > SIZE_MOST:
        return Taken("too-large", TOO_LARGE, link.id, link.coordinator)
    try:
        may_answer_through(found)
    except Refused as exc:
        return Taken("closed", f"{exc} Ditt svar sparades inte.", link.id, link.coordinator)
    files, refused = attachments.acceptable(received.files)
    if not received.text and not files:
        return Taken("no-text", NO_TEXT, link.id, link.coordinator)
    values = _values(found.questions, received.text) if received.text else {}
    if values is None:
        return Taken("no-text", NO_TEXT_QUESTION, link.id, link.coordinator)
    newest = found.latest()
    if newest is not None and newest.kind == VersionKind.DRAFT:
        values = {**newest.values, **values}
    values = clean(found.questions, cut_to_size(values))
    version = rows.write(session, found, VersionKind.DRAFT, values, False, rows.DRAFT_SAVED)
    left = attachments.attach_what_fits(session, link.id, version.number, files)
    session.execute(update(Invitation).where(Invitation.id == link.id).values(replied_at=now()))
    audit.record(
        session, link.email, "answer.draft_by_email", round_id=link.round_id,
        invitation_id=link.id, version=version.number, files=len(files) - len(left),
        files_refused=refused + left,
    )  # fmt: skip
    kept = [attachments.clean_name(i.filename) for i, _k in files]
    _tell(session, settings, found, received, [n for n in kept if n not in left], refused + left)
    return Taken("draft", None, link.id, link.coordinator)


def _values(questions: Sequence[Row[Any]], text: str) -> dict[str, str] | None:
    """The reply's text in the first text question, and a position its first line names."""
    texts = [q for q in questions if q.kind == QuestionKind.TEXT]
    if not texts:
        return None
    values: dict[str, str] = {}
    first, _, rest = text.partition("\n")
    said = first.strip().rstrip(".!").casefold()
    for q in questions:
        if q.kind != QuestionKind.POSITION:
            continue
        chosen = next((o for o in q.options if str(o).casefold() == said), None)
        if chosen is not None:
            values[q.key] = str(chosen)
            text = rest.strip() or text
        break  # only the first position question is read from the first line
    values[texts[0].key] = text
    return values


def _tell(
    session: Session,
    settings: Settings,
    found: rows.Answering,
    received: Received,
    files: list[str],
    left: list[str],
) -> None:
    """Mail the invited person (their own address) a fresh link to read the draft and submit,
    with the files kept with it and those that were not."""
    link = found.link
    token = invitations.issue_token(session, link.id, "reply")
    excerpt = received.text if len(received.text) <= EXCERPT else received.text[:EXCERPT] + " …"
    email = reply_saved(
        round_=link,
        person=Addressee(link.person_id, link.name, link.email),
        org=Organisation(name=link.organisation or DEFAULT_ORGANISATION["name"]),
        link=invitations.link(settings, token),
        excerpt=excerpt,
        files=tuple(files),
        files_left=tuple(left),
        files_hint=attachments.HINT,
    )
    outbox.queue(
        session,
        settings,
        key=f"reply-saved:{link.id}:{received.fingerprint[:24]}",
        email=replies.answerable(email, settings, token),
        round_id=link.round_id,
        invitation_id=link.id,
    )
