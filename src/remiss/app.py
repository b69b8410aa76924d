"""The running application's parts, built once from Settings and passed around."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from remiss.core.db import make_engine, session_factory
from remiss.core.settings import Settings
from remiss.mail import sink
from remiss.mail.delivery import DeliveryReport, SmtpTarget, deliver


@dataclass
class App:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def create(cls, settings: Settings) -> App:
        engine = make_engine(settings.resolved_database_url)
        return cls(settings=settings, engine=engine, sessions=session_factory(engine))

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def mail_target(settings: Settings) -> Iterator[SmtpTarget]:
    """The configured SMTP server; else the running local sink, or one for this block."""
    if not settings.uses_sink:
        yield SmtpTarget.from_settings(settings)
        return
    if sink.is_running("127.0.0.1", settings.sink_port):
        yield SmtpTarget(host="127.0.0.1", port=settings.sink_port)
        return
    with sink.running(settings.sink_dir) as running:
        yield SmtpTarget(host=running.host, port=running.port)


def deliver_outbox(app: App, target: SmtpTarget | None = None) -> DeliveryReport:
    """Send what the outbox holds, through ``target`` or the configured transport."""
    if target is not None:
        return deliver(app.sessions, app.settings, target)
    with mail_target(app.settings) as resolved:
        return deliver(app.sessions, app.settings, resolved)
