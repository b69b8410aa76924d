"""The runtime: settings, engine, sessions and mail target, built once per process.

This module is the only reader of the environment: ``current()`` builds the process's
``App`` from the REMISS_* variables (or a .env file) the first time it is asked for,
and hands the same one to every caller after. A command that works something out (the
port ``remiss serve`` was given) or that brings its own settings (``remiss demo``)
installs its ``App`` with ``use()``; processes it starts get ``settings.environment()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from remiss.core.db import make_engine, reader, session_factory
from remiss.core.settings import Settings
from remiss.mail.claims import DeliveryReport
from remiss.mail.delivery import deliver
from remiss.mail.smtp import SmtpTarget


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

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session that only reads: on SQLite it reads beside a writer, never waiting; on
        PostgreSQL its statements run in no transaction (``db.reader``)."""
        with self.sessions(bind=self._reader) as session:
            yield session

    @cached_property
    def _reader(self) -> Engine:
        return reader(self.engine)

    def close(self) -> None:
        self.engine.dispose()


_current: App | None = None


def read_settings(**overrides: Any) -> Settings:
    """The REMISS_* environment (or .env), read now; raises pydantic's ValidationError."""
    return Settings(**overrides)


def current() -> App:
    """This process's runtime, built from the environment the first time it is needed."""
    global _current
    if _current is None:
        _current = App.create(read_settings())
    return _current


def use(app: App | None) -> None:
    """Make ``app`` this process's runtime (None: read the environment again when next asked)."""
    global _current
    if _current is not None and _current is not app:
        _current.close()
    _current = app


@contextmanager
def mail_target(settings: Settings) -> Iterator[SmtpTarget]:
    """The configured SMTP server; else the running local sink, or one for this block."""
    if not settings.uses_sink:
        yield SmtpTarget.from_settings(settings)
        return
    from remiss.mail import sink  # aiosmtpd: only where the local sink is used

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
