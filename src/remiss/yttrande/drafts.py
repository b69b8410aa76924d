"""Drafting the joint answer: who drafts it, every saved draft, handing it over.

When collecting ends, the lead group's processtöd (else its ordförande) becomes the
round's drafter and is mailed a login link. They, and coordinators, save drafts (each
save a new number, never overwritten) and hand the draft over to the coordinator, who
is told. Services here flush; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from remiss.access import logins
from remiss.core import audit
from remiss.core.clock import now
from remiss.core.errors import InputError, Refused, RoundNotFound
from remiss.core.models import Membership, Person, Round, YttrandeDraft
from remiss.core.settings import Settings
from remiss.core.states import QuestionKind, RoundStatus
from remiss.core.swedish import datetime_sv
from remiss.core.text import printable
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox
from remiss.rounds.progress import round_progress
from remiss.rounds.steering import end_late_answers
from remiss.rounds.transitions import Action, require
from remiss.yttrande import draft_stamps, proposal

# The drafter's link is read when they get to it, not within the half hour a login takes.
DRAFTER_LINK_VALID = timedelta(days=3)
TEXT_MAX = 20_000
OFFICER_ROLES = ("processtöd", "ordförande")


def lead_officer(session: Session, round_: Round) -> tuple[Person, str] | None:
    """The lead group's processtöd, else its ordförande (with the role), or None."""
    if round_.lead_group_id is None:
        return None
    rows = session.execute(
        select(Person, Membership.role)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.group_id == round_.lead_group_id,
            Membership.active,
            Person.active,
            func.lower(Membership.role).in_(OFFICER_ROLES),
        )
        .order_by(Person.name, Person.id)
    ).all()
    for role in OFFICER_ROLES:
        for person, their_role in rows:
            if their_role.lower() == role:
                return person, their_role
    return None


def begin(session: Session, settings: Settings, round_: Round) -> bool:
    """Make the lead's officer the round's drafter and mail them a login link, once.

    Returns whether a drafter was found (a lead without processtöd or ordförande leaves
    the drafting to the coordinator).
    """
    if round_.drafter_id is not None:
        return True
    found = lead_officer(session, round_)
    if found is None:
        return False
    person, _role = found
    round_.drafter_id = person.id
    session.flush()
    _row, token = logins.issue(session, person.email, DRAFTER_LINK_VALID)
    progress = round_progress(session, round_)
    email = catalogue.drafting(
        round_=round_,
        person=person,
        org=organisation(session),
        link=logins.url(settings, token),
        login_page=f"{settings.base_url}/login",
        valid_for="tre dagar",
        answered=progress.answered,
        invited=progress.invited,
    )
    outbox.queue(session, settings, key=f"drafting:{round_.id}", email=email, round_id=round_.id)
    audit.record(session, "system", "draft.begin", round_id=round_.id, drafter=person.email)
    return True


def history(session: Session, round_id: int) -> list[YttrandeDraft]:
    """Every saved draft of the round, oldest first."""
    return list(
        session.scalars(
            select(YttrandeDraft)
            .where(YttrandeDraft.round_id == round_id)
            .order_by(YttrandeDraft.number)
        )
    )


def current(session: Session, round_id: int) -> YttrandeDraft | None:
    """The newest saved draft, or None before the first save."""
    return session.scalars(
        select(YttrandeDraft)
        .where(YttrandeDraft.round_id == round_id)
        .order_by(YttrandeDraft.number.desc())
        .limit(1)
    ).first()


def save(
    session: Session,
    settings: Settings,
    round_id: int,
    actor: str,
    positions: Mapping[str, str],
    texts: Mapping[str, str],
    *,
    hand_over: bool = False,
    based_on: draft_stamps.Stamps | None = None,
) -> YttrandeDraft:
    """Keep a new draft; when ``hand_over``, hand it to the coordinator and tell them.

    ``based_on``, what the posting page showed: a save over something newer is refused
    (``draft_stamps.Stale``), and a repeat of the newest version returns it unchanged.
    """
    round_ = session.get(Round, round_id, with_for_update=True, populate_existing=True)
    if round_ is None:
        raise RoundNotFound(round_id)
    if round_.status == RoundStatus.OPEN:
        raise Refused(
            "Remissen samlar fortfarande in svar. Utkastet till yttrande skrivs när den har "
            "stängts."
        )
    require(session, round_, Action.HAND_OVER if hand_over else Action.SAVE_DRAFT)
    chosen, written = cleaned(round_, positions, texts)
    if hand_over:
        refuse_unchosen(round_, chosen)
    if based_on is not None:
        repeated = draft_stamps.settle(
            session, round_id, based_on, chosen, written, settings.tz, hand_over=hand_over
        )
        if repeated is not None:
            return repeated
    previous = current(session, round_id)
    draft = YttrandeDraft(
        round_id=round_id,
        number=previous.number + 1 if previous is not None else 1,
        author=actor,
        created_at=now(),
        positions=chosen,
        texts=written,
        handed_over=hand_over,
    )
    try:
        with session.begin_nested():
            session.add(draft)
    except IntegrityError as exc:
        raise Refused(
            "Någon annan sparade utkastet samtidigt. Ladda om sidan; det du skrev finns kvar "
            "i formuläret."
        ) from exc
    audit.record(
        session,
        actor,
        "draft.hand_over" if hand_over else "draft.save",
        round_id=round_id,
        number=draft.number,
    )
    if round_.decided_at is not None:
        _void_decision(session, settings, round_, draft, actor)
    # Imported here: anchoring renders the letter, which reads the drafts.
    from remiss.yttrande import anchoring

    anchoring.renew(session, settings, round_, draft, actor)  # the approvers need it again
    if hand_over:
        round_.handed_over_at = draft.created_at
        end_late_answers(session, round_id)
        email = catalogue.handed_over(
            round_=round_,
            org=organisation(session),
            author=_name(session, actor),
            number=draft.number,
            handed_over=datetime_sv(draft.created_at, settings.tz),
            draft_link=f"{settings.base_url}/rounds/{round_id}/utkast",
        )
        outbox.queue(
            session,
            settings,
            key=f"handed-over:{round_id}:{draft.number}",
            email=email,
            round_id=round_id,
        )
    session.flush()
    return draft


def cleaned(
    round_: Round, positions: Mapping[str, str], texts: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The posted positions and texts as kept: known questions only, blanks dropped;
    InputError naming the field of an unknown position or a text too long."""
    questions = {q.key: q for q in round_.questions}
    chosen: dict[str, str] = {}
    for key, value in positions.items():
        question = questions.get(key)
        value = printable(value).strip()
        if question is None or not value:
            continue
        if value not in proposal.choices(list(question.options)):
            raise InputError(f"okänt ställningstagande: {value[:60]}", field=f"position-{key}")
        chosen[key] = value
    written: dict[str, str] = {}
    for key, value in texts.items():
        if key not in questions:
            continue
        value = printable(value).replace("\r\n", "\n").strip()
        if len(value) > TEXT_MAX:
            raise InputError(
                f"texten får vara högst {TEXT_MAX} tecken; den är {len(value)}",
                field=f"text-{key}",
            )
        written[key] = value
    return chosen, written


def refuse_unchosen(round_: Round, positions: Mapping[str, object]) -> None:
    """InputError naming the first position question without a joint position.

    Nothing undecided goes out: hand-over, decision and sending all ask this.
    """
    for question in round_.questions:
        if question.kind == QuestionKind.POSITION and not positions.get(question.key):
            raise InputError(
                f"välj ett gemensamt ställningstagande för ”{question.text}” (eller Avstår)",
                field=f"position-{question.key}",
            )


def _void_decision(
    session: Session, settings: Settings, round_: Round, draft: YttrandeDraft, actor: str
) -> None:
    """A draft saved after the decision: the decision approved another text, so it is void."""
    decided = round_.decided_draft
    round_.decided_at = None
    round_.decision_voided_at = draft.created_at
    audit.record(
        session,
        actor,
        "round.decision_voided",
        round_id=round_.id,
        draft=decided,
        by_draft=draft.number,
    )
    email = catalogue.decision_voided(
        round_=round_,
        org=organisation(session),
        author=_name(session, actor),
        number=draft.number,
        decided=decided or 0,
        link=f"{settings.base_url}/rounds/{round_.id}#yttrande",
    )
    outbox.queue(
        session,
        settings,
        key=f"decision-voided:{round_.id}:{draft.number}",
        email=email,
        round_id=round_.id,
    )


def _name(session: Session, email: str) -> str:
    person = session.scalar(select(Person).where(func.lower(Person.email) == email.lower()))
    return f"{person.name} ({email})" if person is not None else email


def draft_without_answers(session: Session, round_id: int, actor: str) -> Round:
    """Nobody answered: the coordinator drafts the yttrande themselves (beredning)."""
    round_ = session.get(Round, round_id, with_for_update=True, populate_existing=True)
    if round_ is None:
        raise RoundNotFound(round_id)
    require(session, round_, Action.DRAFT_WITHOUT_ANSWERS)
    round_.drafting_without_answers = True
    audit.record(session, actor, "draft.without_answers", round_id=round_id)
    session.flush()
    return round_
