"""Autosave on the drafting page: what the drafter types is kept while they type.

The text goes to the round's working copy (``DraftAutosave``), not to a new version: a
version mails the approvers and voids a decision, and typing must do neither. Saving the
draft (or handing it over) makes the version; the page shows the working copy in place of
the newest version as long as it was typed over that version. An autosave from a page that
did not see the newest version or the newest autosave is refused (``draft_stamps.Stale``)
and changes nothing. Services here flush; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from remiss.core.clock import now
from remiss.core.errors import RoundNotFound
from remiss.core.models import DraftAutosave, Round
from remiss.core.settings import Settings
from remiss.rounds.transitions import Action, require
from remiss.yttrande import draft_stamps, drafts
from remiss.yttrande.draft_stamps import Stale, Stamps

ELSEWHERE = "Utkastet sparades automatiskt från en annan flik eller dator samtidigt som den här"


def keep(
    session: Session,
    settings: Settings,
    round_id: int,
    actor: str,
    positions: Mapping[str, str],
    texts: Mapping[str, str],
    stamps: Stamps,
) -> DraftAutosave:
    """Keep what the page holds as the round's working copy; return it (its new revision)."""
    round_ = session.get(Round, round_id, with_for_update=True, populate_existing=True)
    if round_ is None:
        raise RoundNotFound(round_id)
    require(session, round_, Action.SAVE_DRAFT)
    chosen, written = drafts.cleaned(round_, positions, texts)
    draft_stamps.require_fresh(session, round_id, stamps, settings.tz)
    copy = session.get(DraftAutosave, round_id, populate_existing=True)
    moment = now()
    if copy is None:
        copy = DraftAutosave(
            round_id=round_id,
            based_on=stamps.version,
            revision=1,
            author=actor,
            saved_at=moment,
            positions=chosen,
            texts=written,
        )
        try:
            with session.begin_nested():
                session.add(copy)
        except IntegrityError as exc:
            raise Stale(ELSEWHERE) from exc
        return copy
    # Claimed on the revision read: a write in between (the round's lock aside) moves it on.
    claimed = session.execute(
        update(DraftAutosave)
        .where(DraftAutosave.round_id == round_id, DraftAutosave.revision == copy.revision)
        .values(
            based_on=stamps.version,
            revision=copy.revision + 1,
            author=actor,
            saved_at=moment,
            positions=chosen,
            texts=written,
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Stale(ELSEWHERE)
    session.flush()
    session.refresh(copy)
    return copy


def working_copy(session: Session, round_id: int, version: int) -> DraftAutosave | None:
    """The autosaved text typed over ``version`` (the newest; 0 before any), or None."""
    copy = session.get(DraftAutosave, round_id)
    if copy is None or copy.based_on != version:
        return None
    return copy
