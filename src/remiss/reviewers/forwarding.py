"""Forwarding a remiss to a colleague, who then answers in the forwarder's place."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.addresses import normalise_email
from remiss.core.clock import now
from remiss.core.errors import InputError, Refused
from remiss.core.models import AnswerVersion, Invitation, Person
from remiss.core.settings import Settings
from remiss.core.states import InvitationStatus, VersionKind
from remiss.core.text import printable
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox
from remiss.reviewers.answers import FORWARDED, find, latest, save_draft
from remiss.reviewers.page import closed_reason, is_editable
from remiss.rounds import invitations


def _colleague(session: Session, forwarder: Person, name: str, email: str) -> Person:
    """The person behind ``email``, added as an external colleague if unknown."""
    person = session.scalars(select(Person).where(Person.email == email)).first()
    if person is None:
        person = Person(
            email=email, name=name, region_id=forwarder.region_id, active=True, external=True
        )
        session.add(person)
        session.flush()
    elif not person.active:
        person.active = True
    return person


def forward(
    session: Session,
    settings: Settings,
    token: str,
    *,
    name: str,
    email: str,
    move_draft: bool,
    typed: dict[str, str] | None = None,
    system_level: bool = False,
) -> Invitation:
    """Hand the invitation behind ``token`` to a colleague and send them their own link.

    ``typed`` is what the page's answer fields held when the reviewer forwarded: with
    ``move_draft`` it is saved as their draft first, so that the colleague gets what the
    reviewer saw, not an older draft (fields left empty keep the saved draft as it is).
    """
    old = find(session, token, lock=True)
    if old.status == InvitationStatus.FORWARDED:
        raise Refused(FORWARDED)
    round_ = old.round
    if not is_editable(old, round_):
        raise Refused(closed_reason(round_))
    if old.submitted_at is not None:
        raise Refused(
            "Du har redan skickat in ett svar, så remissen kan inte vidarebefordras. "
            "Kontakta samordnaren om någon annan ska svara."
        )
    name = " ".join(printable(name).split())
    if not name:
        raise InputError("Skriv kollegans namn.", field="name")
    try:
        address = normalise_email(printable(email))
    except ValueError as exc:
        raise InputError("Skriv en giltig e-postadress.", field="email") from exc
    forwarder = old.person
    if address == forwarder.email:
        raise InputError("Du kan inte vidarebefordra remissen till dig själv.", field="email")
    colleague = _colleague(session, forwarder, name, address)
    taken = session.scalars(
        select(Invitation).where(
            Invitation.round_id == round_.id, Invitation.person_id == colleague.id
        )
    ).first()
    if taken is not None:
        raise InputError(f"{address} är redan inbjuden till den här remissen.", field="email")
    if move_draft and typed and any(value.strip() for value in typed.values()):
        save_draft(session, token, typed, system_level=system_level)
        session.expire(old)  # the draft was written as rows, past the mapped objects
    if old.opened_at is None:
        old.opened_at = now()
    groups = [(ig.group, ig.role) for ig in old.groups]
    new, new_token = invitations.create(session, round_, colleague, groups, forwarded_from=old)
    # A late answer the coordinator allowed goes with the invitation, or the colleague's
    # link would open on a closed round.
    new.late_allowed = old.late_allowed
    draft = latest(old)
    if move_draft and draft is not None:
        session.add(
            AnswerVersion(
                invitation_id=new.id,
                number=1,
                kind=VersionKind.DRAFT,
                values=dict(draft.values),
                no_comments=False,
                created_at=now(),
            )
        )
        new.draft_saved_at = now()
    old.status = InvitationStatus.FORWARDED
    session.flush()
    invitations.queue_email(
        session,
        settings,
        round_,
        new,
        new_token,
        key=f"invitation:{new.id}",
        forwarded_by=forwarder,
    )
    # The one who forwarded gets a note of it: to whom, and that their link no longer answers.
    note = catalogue.forwarded(
        round_=round_, person=forwarder, org=organisation(session), colleague=colleague,
        moved_draft=bool(move_draft and draft is not None),
    )  # fmt: skip
    outbox.queue(
        session, settings, key=f"forwarded:{old.id}", email=note, round_id=round_.id,
        invitation_id=old.id,
    )  # fmt: skip
    audit.record(
        session, forwarder.email, "invitation.forward",
        round_id=round_.id, invitation_id=old.id, to_invitation=new.id, to=address,
        moved_draft=bool(move_draft and draft is not None),
    )  # fmt: skip
    return new
