"""The worker: what comes after a commit, picked up from the tables that hold it.

An action commits its change and what follows from it in one transaction: mail in the
outbox, a compiled version whose files are still to be rendered (``files_pending``), a
round whose disagreement is to be looked at again (``disagreement_due_at``). A worker
finds them there and does them: it looks at the disagreements (which may queue mail),
delivers the outbox, and renders one file at a time between deliveries, so a long PDF
never holds back an invitation.

``remiss worker`` runs one standing (``remiss serve`` starts one as a child, compose as
a service); several may run on several hosts, as every piece of work is claimed before
it is done (the outbox's claims, a conditional update of the round's flag; a file two
workers render at once is written by the first). A standing worker says it is alive
(``worker_beats``) every few seconds; a command that finds none alive does its own
follow-up inline (``Runtime.follow_up``), and a long one (opening a large round) runs a
worker thread beside it so that the first invitations leave while the rest are issued.

A worker looks every ``POLL`` seconds when it found nothing to do: three indexed
queries, each returning nothing. On PostgreSQL mail queued wakes it at once
(``wakeup``): the first invitation of a round leaves as soon as its batch is committed,
not at the worker's next look.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from remiss.app import App, mail_target
from remiss.core.failures import why_not_rendered
from remiss.mail.claims import DeliveryReport, any_due
from remiss.mail.delivery import deliver
from remiss.mail.smtp import SmtpTarget
from remiss.reviewers import disagreement, disagreement_due
from remiss.usecases import beats
from remiss.usecases.wakeup import Alarm
from remiss.yttrande import letter_store
from remiss.yttrande.version_files import (
    files_pending,
    render_version,
    retry_set_aside,
    set_aside,
)

log = logging.getLogger("remiss.worker")

# Seconds between looks when the last found nothing.
POLL = 0.2
# A round's disagreement is looked at by one worker at most this often (seconds): answers
# that come meanwhile are looked at together. The lead learns of it seconds later.
ESCALATION_PAUSE = 5.0
# After a pass failed (the database away), the next one this much later (seconds).
BACKOFF = 2.0


@dataclass
class Done:
    """What one pass (or a worker's life so far) came to."""

    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    rendered: int = 0
    escalated: int = 0  # rounds whose disagreement was looked at

    @property
    def busy(self) -> bool:
        d = self.delivery
        return bool(d.sent or d.retrying or d.failed or self.rendered or self.escalated)

    def add(self, other: Done) -> None:
        self.delivery.add(other.delivery)
        self.rendered += other.rendered
        self.escalated += other.escalated


class Worker:
    def __init__(self, app: App, target: SmtpTarget | None = None, *, poll: float = POLL) -> None:
        self.app = app
        self.target = target  # None: the configured server (or the local sink)
        self.poll = poll
        self.alarm = Alarm(app.engine)
        self.total = Done()
        self._looked: dict[int, float] = {}  # round id -> when this worker last looked

    def drain(self) -> Done:
        """Everything there is to do now, pauses ignored, until nothing is left."""
        done = Done()
        while (one := self.once(pause=False)).busy:
            done.add(one)
        return done

    def once(self, *, pause: bool = True) -> Done:
        """One pass: disagreements due, the outbox, one file to render."""
        done = Done(escalated=self._escalate(pause))
        with self.app.sessions() as session:
            due = any_due(session)
        if due:
            done.delivery = self._deliver()
        done.rendered = self._render_one()
        self.total.add(done)
        return done

    def run(
        self,
        stop: threading.Event,
        *,
        beat: bool = True,
        ready: Callable[[], object] | None = None,
    ) -> None:
        """Work until ``stop`` is set; with ``beat``, tell commands this worker is alive.
        ``ready`` is called once it is (and is seen to be) at work."""
        given = self.target
        with ExitStack() as stack:
            if given is None:  # resolved once: a local sink started lives for the whole run
                self.target = stack.enter_context(mail_target(self.app.settings))
            if beat:
                stack.enter_context(beats.beating(self.app.sessions, stop))
                # A standing worker starting: what could not be rendered is tried again.
                retry_set_aside(self.app.sessions)
                letter_store.retry_failed(self.app.sessions)
            self.alarm.listen()  # before it says it is at work: no mail queued after is missed
            if ready is not None:
                ready()
            try:
                self._loop(stop)
            finally:
                self.target = given
                self.alarm.close()

    def _loop(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                busy = self.once().busy
            except Exception:
                log.exception("arbetaren: ett varv misslyckades; försöker igen")
                stop.wait(BACKOFF)
                continue
            if not busy:
                self.alarm.wait(stop, self.poll)

    def _deliver(self) -> DeliveryReport:
        if self.target is not None:
            return deliver(self.app.sessions, self.app.settings, self.target)
        with mail_target(self.app.settings) as resolved:
            return deliver(self.app.sessions, self.app.settings, resolved)

    def _render_one(self) -> int:
        with self.app.sessions() as session:
            pending = files_pending(session, limit=1)
        for version_id in pending:
            try:
                return render_version(self.app.sessions, version_id)
            except Exception as exc:  # set aside with why, so the rest are rendered
                log.exception(
                    "arbetaren kunde inte skapa sammanställningens filer (%s)", version_id
                )
                set_aside(self.app.sessions, version_id, why_not_rendered(exc))
                return 1
        return letter_store.render_pending(self.app.sessions, self.app.settings)

    def _escalate(self, pause: bool) -> int:
        moment = time.monotonic()
        self._looked = {r: t for r, t in self._looked.items() if moment - t < ESCALATION_PAUSE}
        skip = set(self._looked) if pause else set()
        looked = 0
        for round_id in disagreement_due.due(self.app.sessions, skip):
            if not disagreement_due.take(self.app.sessions, round_id):
                continue  # another worker took it
            self._looked[round_id] = moment
            try:
                disagreement.escalate_round(self.app.sessions, self.app.settings, round_id)
            except Exception:
                disagreement_due.put_back(self.app.sessions, round_id)
                raise
            looked += 1
        return looked


@contextmanager
def beside(app: App, target: SmtpTarget | None = None) -> Iterator[Worker]:
    """A worker thread for the length of a block, then what is left drained: a command's
    own follow-up when no standing worker is alive."""
    worker = Worker(app, target, poll=0.05)
    stop = threading.Event()
    thread = threading.Thread(
        target=worker.run, args=(stop,), kwargs={"beat": False}, name="worker", daemon=True
    )
    thread.start()
    try:
        yield worker
    finally:
        stop.set()
        thread.join()
        # What was committed goes, whether the block ended well or not.
        try:
            worker.drain()
        except Exception:
            log.exception("e-posten kunde inte skickas nu; den skickas vid nästa körning")
