"""Rate limits as token buckets: in the database, so every web process sees the same
counts, or in one process's memory (``LocalBuckets``).

A bucket holds at most ``capacity`` tokens and regains ``per_second`` of them every
second; a request takes one. Buckets are keyed by what is limited: a personal link, a
client address guessing links, a login address.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
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


_BUCKET = select(RateBucket.tokens, RateBucket.updated_at).where(
    RateBucket.key == bindparam("bucket")
)
_LOCKED = _BUCKET.with_for_update()
_STORE = (
    update(RateBucket)
    .where(RateBucket.key == bindparam("bucket"))
    .values(tokens=bindparam("left"), updated_at=bindparam("moment"))
)


# A new bucket, unless another process made it first (then it inserts nothing).
_NEW = {
    name: dialect.insert(RateBucket)
    .values(key=bindparam("bucket"), tokens=bindparam("left"), updated_at=bindparam("moment"))
    .on_conflict_do_nothing()
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


def _refilled(tokens: float, updated_at: datetime, moment: datetime, limit: Limit) -> float:
    elapsed = max(0.0, (moment - updated_at).total_seconds())
    return min(limit.capacity, tokens + elapsed * limit.per_second)


def take(session: Session, key: str, limit: Limit) -> bool:
    """Take one token from ``key``'s bucket; False (nothing taken) when it is empty.

    The bucket's row stays locked until the caller's transaction ends; a new bucket starts
    full.
    """
    key, moment = key[:120], now()
    connection = session.connection()
    row = connection.execute(_LOCKED, {"bucket": key}).first()
    if row is None:
        taken = limit.capacity >= 1
        params = {"bucket": key, "left": limit.capacity - taken, "moment": moment}
        if connection.execute(_NEW[connection.dialect.name], params).rowcount:
            return taken
        row = connection.execute(_LOCKED, {"bucket": key}).one()  # another process made it first
    tokens = _refilled(row.tokens, row.updated_at, moment, limit)
    taken = tokens >= 1
    connection.execute(_STORE, {"bucket": key, "left": tokens - taken, "moment": moment})
    return taken


def forget_full(session: Session, older_than: timedelta) -> int:
    """Drop buckets untouched for ``older_than`` (full again by then); returns how many."""
    result = session.execute(delete(RateBucket).where(RateBucket.updated_at < now() - older_than))
    return int(getattr(result, "rowcount", 0) or 0)


class LocalBuckets:
    """Buckets of one limit in this process's memory, the least recently used forgotten
    beyond ``kept`` (full again by then, as a rule).

    For a personal link's own limit: taking a token is then no write to the database on
    every page, and a link is one reviewer's, so two web processes counting it apart
    only let it ask twice as often. What must be counted together (guessing, logins)
    stays in the database.
    """

    def __init__(self, limit: Limit, kept: int = 100_000) -> None:
        self.limit = limit
        self.kept = kept
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, tuple[float, datetime]] = OrderedDict()

    def take(self, key: str) -> bool:
        """Take one token from ``key``'s bucket; False (nothing taken) when it is empty."""
        moment = now()
        with self._lock:
            tokens, updated_at = self._buckets.pop(key, (self.limit.capacity, moment))
            tokens = _refilled(tokens, updated_at, moment, self.limit)
            taken = tokens >= 1
            self._buckets[key] = (tokens - taken, moment)
            if len(self._buckets) > self.kept:
                self._buckets.popitem(last=False)
        return taken
