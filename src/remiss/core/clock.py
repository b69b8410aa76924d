"""The one clock every part of remiss reads.

Tests set it (``set_now``: every reading follows); a command's ``--now`` and a flow run's
``now`` pretend a moment (``pretend``) for what remiss reasons about (deadlines,
reminders, what is due), not for what its processes agree on between themselves (who
holds which message of the outbox, which worker is alive: ``machine_now``). A command run
a month ahead would otherwise take every message a standing worker was sending as
abandoned, and send it again. Nothing else calls ``datetime.now``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_frozen: datetime | None = None  # a test's
_pretended: datetime | None = None  # a command's --now, a flow run's now


def now() -> datetime:
    """Return the current time as an aware UTC datetime: the moment pretended, if any."""
    if _pretended is not None:
        return _pretended
    return machine_now()


def machine_now() -> datetime:
    """The time the processes of remiss agree on (leases, claims, beats): a test's, or
    the real one, whatever a command pretends."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        raise ValueError("the clock needs an aware datetime")
    return moment.astimezone(UTC) if moment is not None else None


def set_now(moment: datetime | None) -> None:
    """Freeze the clock at ``moment`` (aware), or let it run again with ``None``; either
    way nothing is pretended any more."""
    global _frozen, _pretended
    _frozen, _pretended = _aware(moment), None


def pretend(moment: datetime | None) -> None:
    """Reason as of ``moment`` (aware; a command's ``--now``), or as of the time it is."""
    global _pretended
    _pretended = _aware(moment)


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Freeze the clock for the duration of a block."""
    global _frozen, _pretended
    previous = _frozen, _pretended
    set_now(moment)
    try:
        yield
    finally:
        _frozen, _pretended = previous


@contextmanager
def pretending(moment: datetime) -> Iterator[None]:
    """Pretend ``moment`` for the duration of a block (a flow run's ``now``)."""
    previous = _pretended
    pretend(moment)
    try:
        yield
    finally:
        pretend(previous)
