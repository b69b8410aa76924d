"""Rate limits as token buckets in the database, so every web process sees the same counts.

A bucket holds at most ``capacity`` tokens and regains ``per_second`` of them every
second; a request takes one. Buckets are keyed by what is limited: a personal link, a
client address guessing links, a login address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from remiss.core.clock import now
from remiss.core.models import RateBucket


@dataclass(frozen=True)
class Limit:
    """How many requests at once (``capacity``) and how fast they come back."""

    capacity: float
    per_second: float

    @property
    def retry_after(self) -> int:
        return max(1, round(1 / self.per_second))


def _locked(session: Session, key: str, limit: Limit) -> RateBucket:
    """The bucket ``key``, locked for this transaction; created full when new."""
    query = select(RateBucket).where(RateBucket.key == key).with_for_update()
    row = session.scalar(query)
    if row is not None:
        moment = now()
        elapsed = max(0.0, (moment - row.updated_at).total_seconds())
        row.tokens = min(limit.capacity, row.tokens + elapsed * limit.per_second)
        row.updated_at = moment
        return row
    try:
        with session.begin_nested():
            row = RateBucket(key=key, tokens=limit.capacity, updated_at=now())
            session.add(row)
        return row
    except IntegrityError:
        # Another process made it first: take theirs.
        found = session.scalar(query)
        assert found is not None
        return found


def take(session: Session, key: str, limit: Limit) -> bool:
    """Take one token from ``key``'s bucket; False (nothing taken) when it is empty."""
    row = _locked(session, key[:120], limit)
    if row.tokens < 1:
        return False
    row.tokens -= 1
    return True


def has_left(session: Session, key: str, limit: Limit) -> bool:
    """Whether ``key``'s bucket has a token to take (takes none)."""
    row = session.scalar(select(RateBucket).where(RateBucket.key == key[:120]))
    if row is None:
        return True
    elapsed = max(0.0, (now() - row.updated_at).total_seconds())
    return min(limit.capacity, row.tokens + elapsed * limit.per_second) >= 1


def forget_full(session: Session, older_than: timedelta) -> int:
    """Drop buckets untouched for ``older_than`` (full again by then); returns how many."""
    result = session.execute(delete(RateBucket).where(RateBucket.updated_at < now() - older_than))
    return int(getattr(result, "rowcount", 0) or 0)
