"""A database that stops taking writes mid-delivery: the deliverer sends nothing more, and
what it had sent but could not record (sent again by the next one) stays within twice its
connections. Last, a real PostgreSQL restarted in the middle of a delivery, where a
private cluster can be started here."""

from __future__ import annotations

import os
import pwd
import shutil
import sqlite3
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from remiss.app import App, deliver_outbox
from remiss.core import clock, db
from remiss.core.models import Message
from remiss.core.settings import Settings
from remiss.mail.delivery import deliver
from remiss.mail.sink import free_port
from tests.faults.conftest import queue_many, tally
from tests.faults.figures import report
from tests.mailcatcher import RunningCatcher

MESSAGES = 1000
CONNECTIONS = 8  # remiss's default


@contextmanager
def impatient_deliverer(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> Iterator[sessionmaker[Session]]:
    """Sessions on an engine of its own whose writes give up after a second of waiting for a
    lock (SQLite's busy timeout, PostgreSQL's lock_timeout), not after thirty or never."""
    url = app.settings.resolved_database_url
    if app.engine.dialect.name == "sqlite":
        monkeypatch.setattr(db, "WRITE_WAIT", 1)
        engine = db.make_engine(url)
    else:
        engine = db.make_engine(url, connect_args={"options": "-c lock_timeout=1000"})
    try:
        yield db.session_factory(engine)
    finally:
        engine.dispose()


@contextmanager
def writes_held(app: App) -> Iterator[None]:
    """The outbox locked against writes by another connection, as a stuck transaction holds
    it: SQLite's write lock (BEGIN EXCLUSIVE), or PostgreSQL's EXCLUSIVE lock on the table
    (reads go on; claims and outcomes wait, and give up)."""
    if app.engine.dialect.name == "sqlite":
        holder = sqlite3.connect(str(app.engine.url.database), timeout=30, isolation_level=None)
        try:
            holder.execute("BEGIN EXCLUSIVE")
            yield
            holder.execute("ROLLBACK")
        finally:
            holder.close()
        return
    with app.engine.connect() as locker, locker.begin():
        locker.execute(text("LOCK TABLE messages IN EXCLUSIVE MODE"))
        yield


REFUSE = {
    "sqlite": [
        "CREATE TRIGGER refuse_sent BEFORE UPDATE OF status ON messages"
        " WHEN NEW.status = 'sent' BEGIN SELECT RAISE(ABORT, 'outcomes refused'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_sent() RETURNS trigger LANGUAGE plpgsql"
        " AS $$ BEGIN RAISE EXCEPTION 'outcomes refused'; END $$",
        "CREATE TRIGGER refuse_sent BEFORE UPDATE ON messages FOR EACH ROW"
        " WHEN (NEW.status = 'sent') EXECUTE FUNCTION refuse_sent()",
    ],
}
ACCEPT = {
    "sqlite": ["DROP TRIGGER refuse_sent"],
    "postgresql": ["DROP TRIGGER refuse_sent ON messages", "DROP FUNCTION refuse_sent()"],
}


@contextmanager
def outcomes_refused(app: App) -> Iterator[None]:
    """The database refuses, at once, to mark a message sent, and takes every other write
    (claims go on): a write that fails as soon as it is tried, as on a restart."""
    dialect = app.engine.dialect.name
    with app.engine.begin() as connection:
        for statement in REFUSE[dialect]:
            connection.execute(text(statement))
    try:
        yield
    finally:
        with app.engine.begin() as connection:
            for statement in ACCEPT[dialect]:
                connection.execute(text(statement))


FAILURES = {"held": writes_held, "refused": outcomes_refused}


@pytest.mark.parametrize("failing", FAILURES)
def test_a_deliverer_whose_writes_fail_stops_sending_and_resends_at_most_twice_its_connections(
    failing: str, app: App, smtp: RunningCatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert app.settings.smtp_connections == CONNECTIONS
    queue_many(app, MESSAGES)
    received = smtp.catcher.received
    failures: list[Exception] = []

    with impatient_deliverer(app, monkeypatch) as sessions:

        def first() -> None:
            try:
                deliver(sessions, app.settings, smtp.target)
            except Exception as exc:  # what the standing worker logs before its next pass
                failures.append(exc)

        deliverer = threading.Thread(target=first, daemon=True)
        deliverer.start()
        smtp.catcher.wait_for(lambda: len(received) >= 200, "200 messages", 60)
        with FAILURES[failing](app):
            at_hold = len(received)
            deliverer.join(timeout=60)
            assert not deliverer.is_alive(), "the deliverer went on without its database"
            at_failure = len(received)
    assert at_failure < MESSAGES, "the deliverer finished before its database failed"
    [failure] = failures
    # The database's own error, raised to the caller (a standing worker logs it, and goes on).
    assert ("refused" if failing == "refused" else "lock") in str(failure)
    # Nothing written since the hold was sent beyond the bound, and nothing after the failure.
    assert at_failure - at_hold <= 2 * CONNECTIONS
    with app.sessions() as session:
        recorded = session.scalar(select(func.count()).where(Message.status == "sent"))
    unwritten = at_failure - (recorded or 0)
    assert 0 <= unwritten <= 2 * CONNECTIONS

    # The failed deliverer's claims run out after the lease; another one finishes the job.
    clock.set_now(clock.now() + timedelta(minutes=11))
    deliver_outbox(app)
    delivered, lost, duplicated = tally([r.envelope_to for r in received], MESSAGES)
    report(f"database-{failing}-{app.engine.dialect.name}", tried=MESSAGES, delivered=delivered,
           lost=lost, duplicated=duplicated)  # fmt: skip
    assert lost == 0
    assert duplicated == unwritten <= 2 * CONNECTIONS


@pytest.fixture
def restartable_postgres() -> Iterator[tuple[str, Callable[[], None]]]:
    """A PostgreSQL cluster of this test's own (its URL, and how to restart it), run by a
    non-root account as initdb requires; skipped where none can be started."""
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not bins:
        pytest.skip("no PostgreSQL server here (/usr/lib/postgresql/*/bin)")
    pg_ctl, initdb = str(bins[-1]), str(bins[-1].with_name("initdb"))
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="remiss-pg-"))
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            account = None
        if runuser is None or account is None:
            shutil.rmtree(folder)
            pytest.skip("running as root, with no postgres account to run a cluster as")
        as_user = [runuser, "-u", "postgres", "--"]
        os.chown(folder, account.pw_uid, account.pw_gid)
    data, log, port = folder / "data", folder / "server.log", free_port()

    def run(*args: str) -> None:
        with open(folder / "commands.log", "ab") as out:
            subprocess.run([*as_user, *args], stdout=out, stderr=out, check=True, timeout=120)

    try:
        run(initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    except (OSError, subprocess.SubprocessError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"no private PostgreSQL cluster here: {exc}")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w", "start")

    def restart() -> None:
        # Fast: every connection is cut at once, as on a restart for an upgrade.
        run(pg_ctl, "-D", str(data), "-l", str(log), "-m", "fast", "-w", "restart")

    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", restart
    finally:
        with suppress(subprocess.SubprocessError):
            run(pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def test_postgresql_restarted_mid_delivery_resends_at_most_twice_the_connections(
    restartable_postgres: tuple[str, Callable[[], None]], smtp: RunningCatcher, tmp_path: Path
) -> None:
    url, restart = restartable_postgres
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    settings = Settings(
        _env_file=None,
        database_url=url,
        data_dir=tmp_path / "data",
        base_url="http://remiss.test",
        secret_key="test-secret-key-not-for-production",
        mail_from="remiss@sosr.example.org",
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        sink_port=1,
    )
    app = App.create(settings)
    try:
        queue_many(app, MESSAGES)
        received = smtp.catcher.received
        failures: list[Exception] = []

        def first() -> None:
            try:
                deliver_outbox(app)
            except Exception as exc:
                failures.append(exc)

        deliverer = threading.Thread(target=first, daemon=True)
        deliverer.start()
        smtp.catcher.wait_for(lambda: len(received) >= 200, "200 messages", 60)
        restart()
        deliverer.join(timeout=60)
        assert not deliverer.is_alive(), "the deliverer went on without its database"
        clock.set_now(clock.now() + timedelta(minutes=11))
        deliver_outbox(app)
    finally:
        app.close()
    delivered, lost, duplicated = tally([r.envelope_to for r in received], MESSAGES)
    report("postgresql-restart", tried=MESSAGES, delivered=delivered, lost=lost,
           duplicated=duplicated)  # fmt: skip
    # Whether the restart caught a write (it usually does), for whoever reads the output.
    print("first deliverer:", str(failures[0]).splitlines()[0] if failures else "went on")
    assert lost == 0
    assert duplicated <= 2 * CONNECTIONS
