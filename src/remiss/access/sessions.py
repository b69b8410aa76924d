"""Coordinator sessions, kept in the database: logout and removal end them at once.

The browser holds only a random session id (in the signed cookie); the database holds its
hash, the coordinator's email and when it was last used. A session ends after eight hours
without use, at logout, or as soon as its coordinator may no longer coordinate.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from remiss.core.clock import now
from remiss.core.models import CoordinatorSession
from remiss.core.tokens import hash_token, looks_like_token, new_token

IDLE_LIMIT = timedelta(hours=8)
# "Last used" is written at most this often, not on every page.
TOUCH_EVERY = timedelta(minutes=5)


def start(session: Session, email: str) -> str:
    """A new session for ``email``; returns the id the browser keeps."""
    token = new_token()
    moment = now()
    session.add(
        CoordinatorSession(
            token_hash=hash_token(token), email=email, created_at=moment, seen_at=moment
        )
    )
    session.flush()
    return token


def who(session: Session, token: object) -> str | None:
    """The email of the live session ``token`` names, or None; keeps it alive."""
    if not isinstance(token, str) or not looks_like_token(token):
        return None
    row = session.scalar(
        select(CoordinatorSession).where(CoordinatorSession.token_hash == hash_token(token))
    )
    moment = now()
    if row is None or row.ended_at is not None:
        return None
    if moment - row.seen_at >= IDLE_LIMIT:
        row.ended_at = row.seen_at + IDLE_LIMIT
        return None
    if moment - row.seen_at >= TOUCH_EVERY:
        row.seen_at = moment
    return row.email


def end(session: Session, token: object) -> None:
    """End the session ``token`` names (logout); unknown ids change nothing."""
    if not isinstance(token, str) or not looks_like_token(token):
        return
    session.execute(
        update(CoordinatorSession)
        .where(
            CoordinatorSession.token_hash == hash_token(token),
            CoordinatorSession.ended_at.is_(None),
        )
        .values(ended_at=now())
    )


def end_all(session: Session, email: str) -> int:
    """End every live session of ``email`` (no longer a coordinator); returns how many."""
    result = session.execute(
        update(CoordinatorSession)
        .where(CoordinatorSession.email == email, CoordinatorSession.ended_at.is_(None))
        .values(ended_at=now())
    )
    return int(getattr(result, "rowcount", 0) or 0)
