"""What a drafting page was based on: a save from an older page is refused, a repeat is one.

The drafting page carries two stamps: the number of the draft version it shows (0 before
the first) and the revision of the autosaved working copy it last saw or wrote (0 for
none). A save is taken only over what its page showed, so nobody overwrites a version or
an autosave they never saw. A hand-over posted twice (a double click, a reload of the
POST) finds its own version already made, with the same content, and is answered with it:
one version, one email. The caller holds the round's row (``FOR UPDATE``), so the check
and the insert that claims the next number (unique per round) are one step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core.errors import Refused
from remiss.core.models import DraftAutosave, YttrandeDraft
from remiss.core.swedish import datetime_sv


@dataclass(frozen=True)
class Stamps:
    """What the page showed: the draft version, and the autosave revision."""

    version: int
    autosave: int = 0


class Stale(Refused):
    """A save from a page that is older than what is stored now; nothing was saved."""


def newest(session: Session, round_id: int) -> YttrandeDraft | None:
    """The round's newest draft version, read afresh."""
    return session.scalars(
        select(YttrandeDraft)
        .where(YttrandeDraft.round_id == round_id)
        .order_by(YttrandeDraft.number.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    ).first()


def settle(
    session: Session,
    round_id: int,
    stamps: Stamps,
    positions: Mapping[str, str],
    texts: Mapping[str, str],
    tz: ZoneInfo,
    *,
    hand_over: bool,
) -> YttrandeDraft | None:
    """None when a new version may be saved over what the page showed; the version this
    save repeats (same content, handed over if this hands over); else ``Stale``."""
    current = newest(session, round_id)
    number = current.number if current is not None else 0
    if stamps.version == number:
        require_copy_seen(session, round_id, stamps, tz)
        return None
    if (
        current is not None
        and stamps.version < number
        and dict(current.positions) == dict(positions)
        and dict(current.texts) == dict(texts)
        and (current.handed_over or not hand_over)
    ):
        return current
    raise newer_version(current, stamps, tz)


def require_fresh(session: Session, round_id: int, stamps: Stamps, tz: ZoneInfo) -> None:
    """``Stale`` unless the page showed the newest version and the newest autosave."""
    current = newest(session, round_id)
    if stamps.version != (current.number if current is not None else 0):
        raise newer_version(current, stamps, tz)
    require_copy_seen(session, round_id, stamps, tz)


def require_copy_seen(session: Session, round_id: int, stamps: Stamps, tz: ZoneInfo) -> None:
    """``Stale`` when someone autosaved over this version after the page last saw the copy."""
    copy = session.get(DraftAutosave, round_id, populate_existing=True)
    if copy is not None and copy.based_on == stamps.version and copy.revision != stamps.autosave:
        raise Stale(
            f"Utkastet sparades automatiskt {datetime_sv(copy.saved_at, tz)} av {copy.author} "
            "från en annan flik eller dator efter att sidan öppnades"
        )


def newer_version(current: YttrandeDraft | None, stamps: Stamps, tz: ZoneInfo) -> Stale:
    if current is None or stamps.version > current.number:  # no page showed that version
        return Stale("Sidan visar ett utkast som inte finns")
    return Stale(
        f"Version {current.number} av utkastet sparades {datetime_sv(current.created_at, tz)} "
        f"av {current.author} efter att sidan öppnades"
    )
