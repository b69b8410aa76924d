"""Stored yttrande versions: compile, keep, and the coordinator's own text.

A new version is stored only when the content changed (compared by checksum), so
compiling again with nothing new hands back the version already kept. A version is
stored as its content; its files are rendered from that afterwards (``version_files``),
so compiling, and so closing, never waits on a renderer. Services here flush; the caller
owns the transaction.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from remiss.core import audit, clock
from remiss.core.errors import InputError, Refused
from remiss.core.models import YttrandeVersion
from remiss.core.settings import Settings
from remiss.core.text import printable
from remiss.yttrande.compile import build, load_round

SIGNATORY_MAX = 200  # the column's length


def compile_round(
    session: Session, round_id: int, settings: Settings, actor: str
) -> YttrandeVersion:
    """Compile the round; return the latest version if nothing changed, else store a new one.

    The new version holds its content and no file yet: ``version_files`` adds them.
    """
    yttrande = build(session, round_id, settings)
    checksum = yttrande.checksum()
    previous = latest(session, round_id)
    if previous is not None and previous.checksum == checksum:
        return previous

    number = previous.number + 1 if previous is not None else 1
    version = YttrandeVersion(
        round_id=round_id,
        number=number,
        created_at=clock.now(),
        checksum=checksum,
        content=yttrande.to_dict(),
        docx=b"",
        html="",
        pdf=None,
    )
    try:
        with session.begin_nested():
            session.add(version)
    except IntegrityError as exc:
        raise Refused(
            "Yttrandet sammanställs redan av någon annan; försök igen om en stund. "
            "(Another compile of this round finished first; try again.)"
        ) from exc
    audit.record(
        session, actor, "yttrande.compile", round_id=round_id, number=number, checksum=checksum
    )
    session.flush()
    return version


def latest(session: Session, round_id: int) -> YttrandeVersion | None:
    """Return the round's newest stored version, or None before the first compile."""
    load_round(session, round_id)
    return session.scalars(
        select(YttrandeVersion)
        .where(YttrandeVersion.round_id == round_id)
        .order_by(YttrandeVersion.number.desc())
        .limit(1)
    ).first()


def update_summary(
    session: Session,
    round_id: int,
    summary: str | None,
    signatory: str | None,
    actor: str,
) -> None:
    """Set the coordinator's summary and signatory; blank clears them back to the defaults."""
    round_ = load_round(session, round_id)
    signatory = _blank_to_none(signatory)
    if signatory is not None and len(signatory) > SIGNATORY_MAX:
        raise InputError(f"undertecknaren får vara högst {SIGNATORY_MAX} tecken", field="signatory")
    round_.summary = _blank_to_none(summary)
    round_.signatory = signatory
    audit.record(
        session,
        actor,
        "yttrande.summary",
        round_id=round_id,
        summary=round_.summary is not None,
        signatory=round_.signatory,
    )
    session.flush()


def _blank_to_none(text: str | None) -> str | None:
    if text is None:
        return None
    text = printable(text).replace("\r\n", "\n").strip()
    return text or None
