"""The one clock every part of remiss reads.

Tests and the CLI's ``--now`` set it; nothing else calls ``datetime.now``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_frozen: datetime | None = None


def now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC)


def is_frozen() -> bool:
    """Whether the clock is set (a test, or a command run with ``--now``)."""
    return _frozen is not None


def set_now(moment: datetime | None) -> None:
    """Freeze the clock at ``moment`` (aware), or let it run again with ``None``."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        raise ValueError("the clock needs an aware datetime")
    _frozen = moment.astimezone(UTC) if moment is not None else None


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Freeze the clock for the duration of a block."""
    previous = _frozen
    set_now(moment)
    try:
        yield
    finally:
        set_now(previous)
