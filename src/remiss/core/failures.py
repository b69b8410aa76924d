"""Failures of what remiss stands on (the database, the disk), said in one Swedish line.

A command or a page that meets one says this line; the traceback goes to the log only.
"""

from __future__ import annotations

import errno

from sqlalchemy.exc import DBAPIError, IntegrityError

# PostgreSQL's SQLSTATE for a full disk, and SQLite's words for it (a journal that cannot
# be written on a full disk is SQLite's "disk I/O error").
DISK_FULL_STATES = {"53100"}
DISK_FULL_WORDS = ("database or disk is full", "no space left on device", "disk i/o error")


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    if isinstance(exc, DBAPIError):
        state = getattr(exc.orig, "sqlstate", None)
        text = str(exc.orig).lower()
        return state in DISK_FULL_STATES or any(words in text for words in DISK_FULL_WORDS)
    return False


def said(exc: BaseException) -> str | None:
    """The one line for a failure of the database or the disk; None for anything else."""
    if is_disk_full(exc):
        return (
            "disken är full (eller kan inte skrivas): inget sparades. Frigör utrymme där "
            "databasen och datamappen ligger och försök igen"
        )
    if isinstance(exc, IntegrityError):
        return (
            "ändringen krockade med en annan som gjordes samtidigt (t.ex. samma fil öppnad "
            "två gånger på en gång); inget av detta sparades. Kör kommandot igen för att se läget"
        )
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated or _lost(exc):
            return (
                "databasen svarar inte (den startas om eller är nere); det som inte hann "
                "sparas är inte sparat. Försök igen när den är igång"
            )
        return "databasen vägrade: " + _first_line(exc.orig)
    return None


def _lost(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return any(
        words in text
        for words in (
            "connection",
            "server closed",
            "terminating",
            "could not connect",
            "the database system is",
            "database is locked",
        )
    )


def _first_line(error: BaseException | None) -> str:
    return (str(error).strip().splitlines() or ["okänt fel"])[0][:300]


def why_not_rendered(exc: BaseException) -> str:
    """Why a file could not be made, in one line for the coordinator's page."""
    from remiss.core.errors import RemissError

    if isinstance(exc, RemissError):
        return _first_line(exc)
    return said(exc) or f"{type(exc).__name__}: {_first_line(exc)}"
