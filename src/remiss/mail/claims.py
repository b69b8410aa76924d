"""The outbox's claims: who is sending which message, and what became of it.

A deliverer claims a few due messages at a time with a conditional update (``FOR UPDATE
SKIP LOCKED`` on PostgreSQL) under a token of its own, and writes each outcome only while
that token still holds the message: one whose lease ran out and was taken over belongs
to the deliverer that holds it now, and is not counted here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

from sqlalchemy import BindParameter, Connection, Engine, Table, bindparam, select, update
from sqlalchemy.orm import Session, defer

from remiss.core.clock import machine_now
from remiss.core.db import single_statements
from remiss.core.models import Message
from remiss.core.states import MessageStatus
from remiss.mail import bounces

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=10)
# How often a deliverer restarts the lease on what it holds: well within the lease.
RENEW_EVERY = LEASE / 10
# While the server cannot be reached, a message is tried again at most this far apart.
WAIT_CAP = timedelta(minutes=15)
WAIT_FLOOR = timedelta(seconds=30)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    # Not tried or not accepted because the server could not be reached: kept pending.
    waiting: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.waiting += other.waiting
        self.errors.extend(other.errors)

    def fields(self) -> dict[str, Any]:
        """As a flow's task returns it (at most 20 errors)."""
        return {
            "sent": self.sent,
            "retrying": self.retrying,
            "failed": self.failed,
            "waiting": self.waiting,
            "errors": self.errors[:20],
        }


@dataclass(frozen=True)
class Outcome:
    """What happened to one claimed message."""

    message_id: int
    attempts: int  # the attempts so far, this one included when the server answered
    ok: bool = False
    permanent: bool = False  # the server refused this recipient for good (5xx)
    unreachable: bool = False  # no server answered: nobody's fault, the message waits
    error: str | None = None


class Claimed(NamedTuple):
    """A message claimed for sending: what the deliverer needs, not the whole row."""

    id: int
    attempts: int
    recipient: str
    raw: bytes
    claim: str
    return_key: str | None = None  # the envelope sender's key (``replies``)


def backoff(attempts: int) -> timedelta:
    """After the server answered "try later": 30 s, 1 min, 2 min … capped at one hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


_messages = cast(Table, Message.__table__)
_m = _messages.c
# The statements of the hot path built once, their values bound at each call: a
# deliverer runs them every few dozen messages, and building them cost more than
# running them.
# Pending and due, or claimed by a deliverer whose lease has run out (``stale``).
_WAYS_DUE = (
    (_m.status == MessageStatus.PENDING) & (_m.next_attempt_at <= bindparam("moment")),
    (_m.status == MessageStatus.SENDING) & (_m.claimed_at < bindparam("stale")),
)
# One query per way of being due, each served by the status index in id order: an OR
# of the two would walk every message ever sent to find the pending ones.
_DUE_IDS = tuple(
    select(_m.id).where(way).order_by(_m.id).limit(bindparam("limit")) for way in _WAYS_DUE
)
# A claim of one way: its first due messages (on PostgreSQL locked, skipping those another
# deliverer is taking) taken under the token, in one statement that returns them. The ids
# are chosen once (MATERIALIZED): a subquery PostgreSQL ran again would skip the rows it
# had just locked and take more than the limit.
_TAKE = tuple(
    update(_messages)
    .where(_m.id.in_(select(due.c.id)), way)
    .values(status=MessageStatus.SENDING, claim=bindparam("token"), claimed_at=bindparam("moment"))
    .returning(_m.id, _m.attempts, _m.recipient, _m.raw, _m.return_key)
    for due, way in (
        (ids.with_for_update(skip_locked=True).cte("due").prefix_with("MATERIALIZED"), way)
        for ids, way in zip(_DUE_IDS, _WAYS_DUE, strict=True)
    )
)
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
# Accepted: the attempt just made is the one after those the claim saw, as nobody
# else touches a message held; the body held a personal link and is not kept.
_SENT = (
    update(_messages)
    .where(_m.id.in_(_IDS), _m.claim == bindparam("token"))
    .values(status=MessageStatus.SENT, sent_at=bindparam("moment"), raw=b"", claim=None)
    .values(last_error=None, waiting_since=None, attempts=_m.attempts + 1)
)
_RENEW = (
    update(_messages)
    .where(_m.claim == bindparam("token"), _m.status == MessageStatus.SENDING)
    .values(claimed_at=bindparam("moment"))
)


def any_due(session: Session | Connection) -> bool:
    """Whether any message is due: what a worker asks before it starts a delivery."""
    moment = machine_now()
    times = {"moment": moment, "stale": moment - LEASE, "limit": 1}
    return any(session.scalars(query, times).first() is not None for query in _DUE_IDS)


def claim(session: Session | Connection, limit: int, token: str | None = None) -> list[Claimed]:
    """Claim up to ``limit`` due messages under ``token`` (a new one if None), in id order.

    Core statements only, each a whole claim of one way of being due: a deliverer calls
    it on a bare connection, without a Session or a transaction of its own.
    """
    moment = machine_now()
    token = token or uuid.uuid4().hex
    bound = {"moment": moment, "stale": moment - LEASE, "token": token}
    held: list[tuple[int, int, str, bytes, str | None]] = []
    for take in _TAKE:
        held += session.execute(take, {**bound, "limit": limit - len(held)}).tuples()
        if len(held) >= limit:
            break
    return [Claimed(i, attempts, to, raw, token, key) for i, attempts, to, raw, key in sorted(held)]


def record(
    db: Session | Connection, outcomes: list[Outcome], token: str, *, renew: bool = True
) -> DeliveryReport:
    """Write each outcome while ``token`` still holds its message; with ``renew``, restart
    the lease on the rest.

    On a bare connection (a deliverer's), messages accepted by the server take one Core
    statement; the rest, rare, are written through a Session joined to its transaction.
    """
    report = DeliveryReport()
    moment = machine_now()
    accepted = [o.message_id for o in outcomes if o.ok]
    if accepted:
        sent = db.execute(_SENT, {"ids": accepted, "token": token, "moment": moment})
        report.sent = sent.rowcount  # type: ignore[attr-defined]  # a CursorResult's
    others = [o for o in outcomes if not o.ok]
    if others:
        if isinstance(db, Session):
            _record_others(db, others, token, report, moment)
        else:
            with Session(bind=db) as session:
                _record_others(session, others, token, report, moment)
    if renew:
        # Whatever this deliverer still holds is being worked on: its lease starts again.
        db.execute(_RENEW, {"token": token, "moment": moment})
    return report


class Desk:
    """A deliverer's side of the outbox for one run: what it claims and what became of it,
    under a token of its own, on a connection of its own held for the run. A claim, and a
    write of messages accepted, is one statement each (on PostgreSQL one round trip:
    ``single_statements``); a retry, a wait or a failure, perhaps a bounce, is written in
    a transaction of its own. Used from one thread at a time."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.token = uuid.uuid4().hex
        self.renewed = machine_now()  # the lease on what this run holds, last restarted
        self.held: Connection | None = None

    def _connection(self) -> Connection:
        if self.held is None:
            self.held = single_statements(self.engine).connect()
        return self.held

    def claim(self, limit: int) -> list[Claimed]:
        connection = self._connection()
        with connection.begin():
            return claim(connection, limit, self.token)

    def record(self, outcomes: list[Outcome]) -> DeliveryReport:
        # Everything held was claimed or renewed less than RENEW_EVERY ago, or is now.
        moment = machine_now()
        renew = moment - self.renewed >= RENEW_EVERY
        if renew:
            self.renewed = moment
        if all(o.ok for o in outcomes):
            connection = self._connection()
            with connection.begin():
                return record(connection, outcomes, self.token, renew=renew)
        with self.engine.begin() as transaction:
            return record(transaction, outcomes, self.token, renew=renew)

    def close(self) -> None:
        if self.held is not None:
            self.held.close()


def _record_others(
    session: Session,
    others: list[Outcome],
    token: str,
    report: DeliveryReport,
    moment: datetime,
) -> None:
    """The outcomes other than accepted: retry, wait for the server, or fail."""
    held = {
        message.id: message
        for message in session.scalars(
            select(Message)
            .where(Message.id.in_([o.message_id for o in others]), Message.claim == token)
            .options(defer(Message.raw))  # only ever emptied here: not read back
            .with_for_update()
        )
    }
    for o in others:
        message = held.get(o.message_id)
        if message is None:
            continue  # taken over after our lease ran out: the new holder records it
        message.claim = None
        message.last_error = o.error
        if o.unreachable:
            _wait(message, o, report, moment)
        elif o.permanent or o.attempts >= MAX_ATTEMPTS:
            message.status, message.raw, message.attempts = MessageStatus.FAILED, b"", o.attempts
            report.failed += 1
            report.errors.append(o.error or "")
            if o.permanent:  # the server refused the address for good: as a bounce
                bounces.mark(session, message, o.error or "", moment)
        else:
            message.status, message.attempts = MessageStatus.PENDING, o.attempts
            message.next_attempt_at = moment + backoff(o.attempts)
            report.retrying += 1
    session.flush()


def _wait(message: Message, outcome: Outcome, report: DeliveryReport, moment: datetime) -> None:
    """The server was not there: keep the message for as long as it is any use."""
    if message.expires_at is not None and moment >= message.expires_at:
        message.status, message.raw = MessageStatus.FAILED, b""
        message.last_error = (
            f"E-postservern gick inte att nå innan meddelandet blev inaktuellt ({outcome.error})"
        )
        report.failed += 1
        report.errors.append(message.last_error)
        return
    since = message.waiting_since or moment
    message.waiting_since = since
    message.status = MessageStatus.PENDING
    # Half the time it has waited, between 30 s and 15 minutes: quick after a blip,
    # and a message never waits more than a quarter of an hour once the server is back.
    delay = min(max((moment - since) / 2, WAIT_FLOOR), WAIT_CAP)
    message.next_attempt_at = moment + delay
    report.waiting += 1
