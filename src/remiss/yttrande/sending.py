"""After the draft is handed over: the decision on the joint answer, and sending it.

The decision names who decided (e.g. "Samverkansnämndens presidium"), the date, the
minutes' paragraph and who did not take part because of jäv; the yttrande then carries
the decision line. Sending mails the decided yttrande, PDF and Word attached, to the
round's recipient through the outbox, subject beginning with the sender's reference,
with a copy to the coordinator; once, unless sent again on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.addresses import normalise_email
from remiss.core.clock import now
from remiss.core.errors import InputError, Refused
from remiss.core.models import Round
from remiss.core.settings import Settings
from remiss.core.swedish import datetime_sv
from remiss.core.text import printable
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox
from remiss.mail.rendering import Attachment
from remiss.yttrande import documents, joint, joint_render
from remiss.yttrande.compile import load_round

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
    session: Session, round_id: int, *, by: str, on: date, paragraph: str | None = None,
    not_taking_part: str | None = None, actor: str,
) -> Round:  # fmt: skip
    """Record the decision; refused before the lead has handed the draft over."""
    round_ = load_round(session, round_id)
    if round_.handed_over_at is None:
        raise Refused(
            f"{round_.reference}: utkastet till yttrande är inte lämnat till samordnaren än; "
            "beslutet fattas om det lämnade utkastet"
        )
    decided_by = _field(by, "by")
    if decided_by is None:
        raise InputError("ange vem som fattade beslutet", field="by")
    round_.decided_by = decided_by
    round_.decided_on = on
    round_.decision_paragraph = _field(paragraph, "paragraph")
    round_.not_taking_part = _field(not_taking_part, "not_taking_part")
    round_.decided_at = now()
    audit.record(
        session, actor, "round.decide", round_id=round_id, by=decided_by, on=on.isoformat(),
        paragraph=round_.decision_paragraph,
    )  # fmt: skip
    session.flush()
    return round_


@dataclass(frozen=True)
class Sent:
    round_id: int
    reference: str
    to: str
    queued: bool


def send(
    session: Session, settings: Settings, round_id: int, *, to: str | None = None,
    again: bool = False, actor: str,
) -> Sent:  # fmt: skip
    """Mail the decided yttrande to the recipient (a copy to the coordinator)."""
    round_ = load_round(session, round_id)
    if round_.decided_at is None:
        raise Refused(f"{round_.reference}: inget beslut är registrerat; besluta först")
    raw = (to or round_.recipient or "").strip()
    if not raw:
        raise InputError("remissen har ingen mottagare; ange en e-postadress", field="to")
    try:
        address = normalise_email(printable(raw))
    except ValueError as exc:
        raise InputError(f"ogiltig e-postadress: {raw[:80]}", field="to") from exc
    if round_.sent_at is not None and not again:
        raise Refused(
            f"{round_.reference} skickades redan {datetime_sv(round_.sent_at, settings.tz)} "
            f"till {round_.sent_to}; skicka igen bara med avsikt (--again)"
        )
    answer = joint.build(session, round_id, settings)
    attachments = tuple(
        Attachment(
            documents.file_name(round_.reference, fmt, document="yttrande"),
            joint_render.render(answer, fmt),
            *MIME[fmt],
        )
        for fmt in ("pdf", "docx")
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
            copy_of=address if copy else None,
        )
        outbox.queue(
            session, settings, key=f"sent:{round_id}:{stamp}:{'copy' if copy else 'to'}",
            email=email, round_id=round_id,
        )  # fmt: skip
    round_.sent_at = moment
    round_.sent_to = address
    audit.record(session, actor, "round.send", round_id=round_id, to=address, again=again)
    session.flush()
    return Sent(round_id, round_.reference, address, True)
