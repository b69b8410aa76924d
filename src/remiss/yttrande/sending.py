"""After the draft is handed over: the decision on the joint answer, and sending it.

The decision names who decided (e.g. "Samverkansnämndens presidium"), the date, the
minutes' paragraph and who did not take part because of jäv; the yttrande then carries
the decision line. Sending mails the decided yttrande, PDF and Word attached, to the
round's recipient through the outbox, subject beginning with the sender's reference,
with a copy to the coordinator; once, unless sent again on purpose. Everyone asked and
every informed member is told, once (``outcome``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.addresses import normalise_email
from remiss.core.clock import now
from remiss.core.errors import InputError, Refused, RoundNotFound
from remiss.core.models import Round, SentYttrande
from remiss.core.settings import Settings
from remiss.core.states import RoundState
from remiss.core.swedish import date_sv, datetime_sv
from remiss.core.text import printable
from remiss.directory.kinds import Signatory
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox
from remiss.mail.rendering import Attachment
from remiss.rounds import stage
from remiss.rounds.transitions import Action, require
from remiss.yttrande import decision_section, drafts, joint, letter, letter_store, outcome

MIME = {
    "pdf": ("application", "pdf"),
    "docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
LIMITS = {"by": 300, "paragraph": 100, "not_taking_part": 2000}


def _field(value: str | None, name: str) -> str | None:
    text = printable(value or "").strip() or None
    if text is not None and len(text) > LIMITS[name]:
        raise InputError(f"högst {LIMITS[name]} tecken", field=name)
    return text


def decide(
    session: Session,
    round_id: int,
    *,
    by: str,
    on: date,
    paragraph: str | None = None,
    not_taking_part: str | None = None,
    signatories: Sequence[str] = (),
    own_decisions: Mapping[str, str] | None = None,
    actor: str,
) -> Round:
    """Record the decision on the current draft version (and, where the kind asks, whether
    each region takes its own decision: ``{"RJL": "ja", …}``).

    Refused before the draft is handed over, while a position question has no joint
    position, and for a date before the round opened or after its national deadline.
    """
    round_ = _locked(session, round_id)
    require(session, round_, Action.DECIDE)
    draft = drafts.current(session, round_id)
    if draft is None:
        raise Refused(f"{round_.reference}: det finns inget sparat utkast att besluta om")
    _refuse_unchosen(round_, draft.positions)
    decided_by = _field(by, "by")
    if decided_by is None:
        raise InputError("ange vem som fattade beslutet", field="by")
    if on < round_.opens:
        raise InputError(
            f"beslutsdagen {date_sv(on)} ligger före remissens öppnande {date_sv(round_.opens)}",
            field="date",
        )
    if on > round_.national_deadline:
        raise InputError(
            f"beslutsdagen {date_sv(on)} ligger efter den nationella svarsdagen "
            f"{date_sv(round_.national_deadline)}; har avsändaren förlängt, flytta den "
            "nationella svarsdagen först",
            field="date",
        )
    signing = [_signatory(text) for text in signatories if text.strip()]
    org = organisation(session)
    round_.own_decisions = decision_section.own_decisions(session, org, round_, own_decisions or {})
    round_.decided_by = decided_by
    round_.decided_on = on
    round_.decision_paragraph = _field(paragraph, "paragraph")
    round_.not_taking_part = _field(not_taking_part, "not_taking_part")
    round_.decided_at = now()
    round_.decided_draft = draft.number
    round_.decision_voided_at = None
    if signing:
        round_.signatories = [s.model_dump() for s in signing]
    elif not round_.signatories:
        # Who signs is fixed with the decision: as the letter showed it until now.
        shown = joint.signatories(round_, org)
        round_.signatories = [s.model_dump() for s in shown] or None
    audit.record(
        session,
        actor,
        "round.decide",
        round_id=round_id,
        by=decided_by,
        on=on.isoformat(),
        paragraph=round_.decision_paragraph,
        draft=draft.number,
        signatories=[Signatory.model_validate(s).line() for s in round_.signatories or []],
        own_decisions=round_.own_decisions,
    )
    session.flush()
    return round_


def _signatory(text: str) -> Signatory:
    """ "Anna Berglund, ordförande" as a signatory, or InputError."""
    cleaned = printable(text).strip()
    try:
        return Signatory.parse(cleaned)
    except ValidationError as exc:
        raise InputError(
            f"undertecknaren ska skrivas ”Namn, titel” (angivet: {cleaned[:60]})",
            field="signatory",
        ) from exc


def _refuse_unchosen(round_: Round, positions: Mapping[str, object]) -> None:
    try:
        drafts.refuse_unchosen(round_, positions)
    except InputError as exc:
        raise Refused(f"{round_.reference}: {exc.message}") from exc


@dataclass(frozen=True)
class Sent:
    round_id: int
    reference: str
    to: str
    queued: bool
    pdf_sha256: str = ""
    docx_sha256: str = ""
    told: int = 0  # the outcome mailed to those asked and told (none anew when sent again)


def send(
    session: Session,
    settings: Settings,
    round_id: int,
    *,
    to: str | None = None,
    again: bool = False,
    actor: str,
) -> Sent:
    """Mail the decided yttrande to the recipient (a copy to the coordinator).

    The first sending keeps the exact files with their SHA-256 (``SentYttrande``): they are
    what was sent, and sending again sends the same bytes.
    """
    round_ = _locked(session, round_id)
    state = stage.current(session, round_)
    if state == RoundState.SKICKAD and not again:
        assert round_.sent_at is not None
        raise Refused(
            f"{round_.reference} skickades redan {datetime_sv(round_.sent_at, settings.tz)} "
            f"till {round_.sent_to}; skicka igen bara med avsikt (--again)"
        )
    require(session, round_, Action.SEND_AGAIN if state == RoundState.SKICKAD else Action.SEND)
    raw = (to or round_.sent_to or round_.recipient or "").strip()
    if not raw:
        raise InputError("remissen har ingen mottagare; ange en e-postadress", field="to")
    try:
        address = normalise_email(printable(raw))
    except ValueError as exc:
        raise InputError(f"ogiltig e-postadress: {raw[:80]}", field="to") from exc
    kept = sent_files(session, round_id) or _keep(session, settings, round_)
    attachments = (
        Attachment(kept.pdf_name, kept.pdf, *MIME["pdf"]),
        Attachment(kept.docx_name, kept.docx, *MIME["docx"]),
    )
    moment = now()
    org = organisation(session)
    stamp = moment.strftime("%Y%m%dT%H%M%S%f")
    for recipient, copy in ((address, False), (round_.coordinator, True)):
        email = catalogue.yttrande_sent(
            round_=round_,
            org=org,
            to=recipient,
            attachments=attachments,
            reference=letter.reference_line(round_, org),
            copy_of=address if copy else None,
        )
        outbox.queue(
            session,
            settings,
            key=f"sent:{round_id}:{stamp}:{'copy' if copy else 'to'}",
            email=email,
            round_id=round_id,
        )
    if round_.sent_at is None:
        round_.sent_at = moment
    round_.sent_to = address
    told = outcome.tell_sent(session, settings, round_, kept)  # each person once, ever
    audit.record(
        session,
        actor,
        "round.send",
        round_id=round_id,
        to=address,
        again=again,
        draft=kept.draft_number,
        pdf_sha256=kept.pdf_sha256,
        docx_sha256=kept.docx_sha256,
        told=told,
    )
    session.flush()
    return Sent(round_id, round_.reference, address, True, kept.pdf_sha256, kept.docx_sha256, told)


def _locked(session: Session, round_id: int) -> Round:
    """The round, its row locked until the caller commits: a decision and a draft saved at
    the same moment, or two sendings, are taken one after the other (SQLite writes one at a
    time anyway)."""
    round_ = session.get(Round, round_id, with_for_update=True, populate_existing=True)
    if round_ is None:
        raise RoundNotFound(round_id)
    return round_


def sent_files(session: Session, round_id: int) -> SentYttrande | None:
    """The files that were sent, or None before the round is sent."""
    return session.scalar(select(SentYttrande).where(SentYttrande.round_id == round_id))


def sent_bytes(kept: SentYttrande | None, fmt: str) -> bytes | None:
    """The sent file in ``fmt`` (pdf or docx), or None: not sent, or not a sent format."""
    if kept is None:
        return None
    return kept.pdf if fmt == "pdf" else kept.docx if fmt == "docx" else None


def _keep(session: Session, settings: Settings, round_: Round) -> SentYttrande:
    """Render the decided letter once and keep it byte for byte."""
    said = letter_store.current(session, round_.id, settings)
    answer = said.answer
    draft = drafts.current(session, round_.id)
    if answer.status is not None or draft is None:  # the decision is on another version
        raise Refused(f"{round_.reference}: det aktuella utkastet är inte beslutat; besluta först")
    _refuse_unchosen(round_, draft.positions)
    # As the worker made them after the decision (``prepare``), else rendered now.
    pdf = letter_store.file(session, round_.id, said, "pdf")
    docx = letter_store.file(session, round_.id, said, "docx")
    org = organisation(session)
    kept = SentYttrande(
        round_id=round_.id,
        draft_number=answer.draft_number or 0,
        created_at=now(),
        pdf_name=letter.file_name(round_, org, "pdf"),
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        docx_name=letter.file_name(round_, org, "docx"),
        docx=docx,
        docx_sha256=hashlib.sha256(docx).hexdigest(),
    )
    session.add(kept)
    session.flush()
    return kept
