"""The yttrande's files until it is sent: rendered once for what the letter says.

A letter is built from the round's newest draft (cheap: a few reads), and its files keyed
by a checksum of what it says: the same letter downloaded again is served as stored, not
printed anew. A download never renders: it asks (``ask``) and a worker renders
(``render_pending``, from ``usecases.worker``), the page meanwhile saying that the file is
being made, as the sammanställning's do. A saved draft and a decision ask at once
(``prepare``), so anchoring and sending find the file made (``file``). A file a worker
cannot render keeps why (``error``), which the download says; a worker starting asks again. What was sent is final and kept elsewhere
(``sending.sent_files``).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from remiss.core.clock import now
from remiss.core.failures import why_not_rendered
from remiss.core.models import LetterFile
from remiss.core.settings import Settings
from remiss.yttrande import joint, svarsmall_letter
from remiss.yttrande.joint import JointAnswer
from remiss.yttrande.render import letter_files

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Letter:
    """A letter as built now: what it says, and its checksum."""

    answer: JointAnswer
    checksum: str


def current(session: Session, round_id: int, settings: Settings) -> Letter:
    answer = joint.build(session, round_id, settings)
    said = repr(answer)  # frozen dataclasses of strings and tuples: the same letter, same text
    return Letter(answer, hashlib.sha256(said.encode("utf-8")).hexdigest())


@dataclass(frozen=True)
class Found:
    """A download's look at the letter's file: made, failed, or neither yet."""

    checksum: str
    content: bytes | None
    error: str | None


def find(session: Session, round_id: int, settings: Settings, fmt: str) -> Found:
    checksum = current(session, round_id, settings).checksum
    kept = stored(session, round_id, checksum, fmt)
    if kept is None:
        return Found(checksum, None, None)
    return Found(checksum, kept.content, kept.error)


def stored(session: Session, round_id: int, checksum: str, fmt: str) -> LetterFile | None:
    return session.scalars(
        select(LetterFile).where(
            LetterFile.round_id == round_id,
            LetterFile.checksum == checksum,
            LetterFile.fmt == fmt,
        )
    ).first()


def render_and_keep(
    sessions: sessionmaker[Session], round_id: int, letter: Letter, fmt: str
) -> bytes:
    """Render ``letter`` in ``fmt`` and keep it (the round's older files in ``fmt`` go)."""
    if fmt == svarsmall_letter.FMT:  # the sender's template, kept with the round
        with sessions() as session:
            content = svarsmall_letter.fill(session, round_id, letter.answer)
    else:
        content = letter_files.render(letter.answer, fmt)
    _keep(sessions, round_id, letter.checksum, fmt, content)
    return content


def file(session: Session, round_id: int, letter: Letter, fmt: str) -> bytes:
    """``letter`` in ``fmt`` as a worker kept it, or rendered here when none has yet (the
    letter sent or mailed to approvers: ``prepare`` asks for it as soon as it is written)."""
    kept = stored(session, round_id, letter.checksum, fmt)
    if kept is not None and kept.content is not None:
        return kept.content
    return letter_files.render(letter.answer, fmt)


def prepare(
    sessions: sessionmaker[Session], settings: Settings, round_id: int, formats: tuple[str, ...]
) -> None:
    """After a commit that changed the letter (a draft saved, a decision): leave its files
    to a worker now, so that what comes next (a download, anchoring, sending) finds them."""
    with sessions() as session:
        checksum = current(session, round_id, settings).checksum
    for fmt in formats:
        ask(sessions, round_id, checksum, fmt)


def ask(sessions: sessionmaker[Session], round_id: int, checksum: str, fmt: str) -> None:
    """Leave the letter's file to a worker (once, however many ask)."""
    _keep(sessions, round_id, checksum, fmt, None)


def render_pending(sessions: sessionmaker[Session], settings: Settings, most: int = 1) -> int:
    """A worker's share: letters asked for and not rendered yet; how many it took (each
    rendered, or kept with why it could not be).

    A letter that changed since it was asked for is rendered as it says now."""
    with sessions() as session:
        asked = session.execute(
            select(LetterFile.round_id, LetterFile.fmt)
            .where(LetterFile.content.is_(None), LetterFile.error.is_(None))
            .order_by(LetterFile.id)
            .limit(most)
        ).all()
    rendered = 0
    for round_id, fmt in asked:
        try:
            with sessions() as session:
                letter = current(session, round_id, settings)
            render_and_keep(sessions, round_id, letter, fmt)
        except Exception as exc:
            # Kept with why: the download says it, and no worker tries it again and again.
            log.exception("arbetaren kunde inte skapa yttrandets %s-fil (remiss %s)", fmt, round_id)
            with sessions.begin() as session:
                session.execute(
                    update(LetterFile)
                    .where(
                        LetterFile.round_id == round_id,
                        LetterFile.fmt == fmt,
                        LetterFile.content.is_(None),
                    )
                    .values(error=why_not_rendered(exc))
                )
        rendered += 1
    return rendered


def retry_failed(sessions: sessionmaker[Session]) -> None:
    """Ask again for every file a worker could not render (a worker starting: mended?)."""
    with sessions.begin() as session:
        session.execute(update(LetterFile).where(LetterFile.error.is_not(None)).values(error=None))


def _keep(
    sessions: sessionmaker[Session], round_id: int, checksum: str, fmt: str, content: bytes | None
) -> None:
    with sessions.begin() as session:
        session.execute(
            delete(LetterFile).where(
                LetterFile.round_id == round_id,
                LetterFile.fmt == fmt,
                LetterFile.checksum != checksum,
            )
        )
        if content is not None:
            updated = session.execute(
                update(LetterFile)
                .where(
                    LetterFile.round_id == round_id,
                    LetterFile.checksum == checksum,
                    LetterFile.fmt == fmt,
                )
                .values(content=content)
            )
            if updated.rowcount:  # type: ignore[attr-defined]
                return
        try:
            with session.begin_nested():
                session.add(
                    LetterFile(
                        round_id=round_id,
                        checksum=checksum,
                        fmt=fmt,
                        created_at=now(),
                        content=content,
                    )
                )
        except IntegrityError:
            pass  # another request or worker kept it first
