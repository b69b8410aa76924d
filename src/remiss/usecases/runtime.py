"""What a use case runs in: the process's ``App``, who does what follows a commit (the
workers, or the command itself when none is alive), who is told."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from remiss.app import App, deliver_outbox
from remiss.core.settings import Settings
from remiss.mail.claims import DeliveryReport
from remiss.usecases import beats
from remiss.yttrande.documents import FORMATS

log = logging.getLogger("remiss.usecases")


@dataclass(frozen=True)
class Announcement:
    """That an action was done, for whoever watches (Prefect's event feed): ``round.close``."""

    action: str
    actor: str
    round_id: int | None = None
    reference: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FollowUp:
    """What the follow-up came to when done inline; nothing where a worker does it."""

    delivery: DeliveryReport | None = None
    rendered: int = 0
    left_to_worker: bool = False


@dataclass
class Runtime:
    app: App
    # True: a command or a flow, which does its own follow-up when no standing worker is
    # alive. False: a web process, which leaves it to the workers always.
    inline: bool = True
    announcer: Callable[[Announcement], None] | None = None

    @property
    def settings(self) -> Settings:
        return self.app.settings

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.app.transaction() as session:
            yield session

    def worker_alive(self) -> bool:
        with self.app.sessions() as session:
            return beats.alive(session)

    def follow_up(
        self, *, mail: bool = True, render: Sequence[int] = (), formats: Sequence[str] = FORMATS
    ) -> FollowUp:
        """After a commit: deliver what was queued and render what was compiled, inline
        when this is a command and no worker is alive; else the workers do it."""
        if not self.inline or self.worker_alive():
            return FollowUp(left_to_worker=True)
        # Here, not above: a command beside a standing worker loads neither.
        from remiss.yttrande.version_files import render_pending

        delivery = deliver_outbox(self.app) if mail else None
        rendered = render_pending(self.app.sessions, render, formats) if render else 0
        return FollowUp(delivery, rendered)

    @contextmanager
    def delivering(self) -> Iterator[DeliveryReport | None]:
        """For a long action (opening a large round): what it commits is delivered while it
        runs, by a worker thread beside it when no standing worker is alive; the report of
        what that thread sent (None when the workers send it)."""
        if not self.inline or self.worker_alive():
            yield None
            return
        from remiss.usecases import worker

        with worker.beside(self.app) as here:
            yield here.total.delivery

    def announce(
        self,
        action: str,
        actor: str,
        round_id: int | None = None,
        reference: str | None = None,
        **detail: Any,
    ) -> None:
        """Tell Prefect (when configured) what was done; never fails the action."""
        if self.announcer is None:
            return
        try:
            self.announcer(Announcement(action, actor, round_id, reference, detail))
        except Exception:  # an observer's trouble is logged, never the coordinator's
            log.warning("kunde inte meddela Prefect: %s", action, exc_info=True)


def inline(app: App, announcer: Callable[[Announcement], None] | None = None) -> Runtime:
    """The runtime of a command or a flow: what follows a commit is done before it returns,
    unless a standing worker is alive to do it."""
    return Runtime(app, True, announcer)
