"""What a use case runs in: the process's ``App``, what follows a commit, who is told."""

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
from remiss.yttrande.documents import FORMATS
from remiss.yttrande.version_files import render_pending

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
class AfterCommit:
    """The work an action leaves for after its commit: mail to deliver, files to render."""

    mail: bool
    render: tuple[int, ...] = ()
    formats: tuple[str, ...] = FORMATS


@dataclass(frozen=True)
class FollowUp:
    """What the follow-up came to when done inline (None where it was left for later)."""

    delivery: DeliveryReport | None = None
    rendered: int = 0


@dataclass
class Runtime:
    app: App
    # None: the use case delivers and renders inline (a command, a flow). A web process
    # leaves it to its background work instead, so the response does not wait.
    after_commit: Callable[[AfterCommit], None] | None = None
    announcer: Callable[[Announcement], None] | None = None

    @property
    def settings(self) -> Settings:
        return self.app.settings

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.app.transaction() as session:
            yield session

    def follow_up(
        self, *, mail: bool = True, render: Sequence[int] = (), formats: Sequence[str] = FORMATS
    ) -> FollowUp:
        """Deliver what was queued and render what was compiled, now or in the background."""
        work = AfterCommit(mail, tuple(render), tuple(formats))
        if self.after_commit is not None:
            self.after_commit(work)
            return FollowUp()
        delivery = deliver_outbox(self.app) if work.mail else None
        rendered = render_pending(self.app.sessions, work.render, work.formats) if render else 0
        return FollowUp(delivery, rendered)

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
    """The runtime of a command or a flow: what follows a commit is done before it returns."""
    return Runtime(app, None, announcer)
