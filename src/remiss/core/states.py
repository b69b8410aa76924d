"""The named states of the state columns: one spelling each, compared by name.

They are ``StrEnum``s, so a stored value and a member compare equal and the columns
stay plain strings in the database.
"""

from __future__ import annotations

from enum import StrEnum


class RoundStatus(StrEnum):
    """Where collecting stands: registered (nobody asked yet), open, closed, or ended by triage."""

    REGISTERED = "registered"
    OPEN = "open"
    CLOSED = "closed"
    ENDED = "ended"


class RoundState(StrEnum):
    """A remiss's state as a coordinator reads it, in these words everywhere."""

    INKOMMEN = "inkommen"
    OPPEN = "öppen"
    BEREDNING = "beredning"
    FORANKRING = "förankring"
    BESLUTAD = "beslutad"
    SKICKAD = "skickad"
    AVSTAR = "avstår"
    PER_REGION = "per region"
    INGA_SVAR = "inga svar"


class TriageDecision(StrEnum):
    SAMORDNAS = "samordnas"
    PER_REGION = "per-region"
    AVSTAR = "avstår"


class InvitationStatus(StrEnum):
    ACTIVE = "active"
    FORWARDED = "forwarded"
    REVOKED = "revoked"


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class VersionKind(StrEnum):
    """What an ``AnswerVersion`` is: a draft kept for the reviewer, or a submission."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class QuestionKind(StrEnum):
    POSITION = "position"
    TEXT = "text"
