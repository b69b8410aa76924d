"""Engine, sessions and migrations.

SQLite is written by the web app, the flows and the CLI at once, so every
connection gets WAL mode, a busy timeout and foreign keys.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, TextClause, bindparam, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parents[1] / "migrations"


# An execution option: this connection only reads (``reader``).
READ_ONLY = "remiss_read_only"
# How long a writer waits for the database (SQLite's busy timeout, and the process's own
# queue of writers in front of it), seconds.
WRITE_WAIT = 30
# How often a writer tries again for a database another process is writing, seconds.
RETRY_FIRST, RETRY_MOST = 0.0005, 0.002


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine, tuned for concurrent use when it is SQLite."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def reader(engine: Engine) -> Engine:
    """``engine`` for reading only: on SQLite its transactions take no write lock; on
    PostgreSQL its statements run in no transaction of their own (autocommit): at READ
    COMMITTED each statement reads a snapshot of its own either way, and a read then costs
    no BEGIN and ROLLBACK, two of the reviewer page's six round trips."""
    options: dict[str, Any] = {READ_ONLY: True}
    if engine.dialect.name == "postgresql":
        options["isolation_level"] = "AUTOCOMMIT"
    return engine.execution_options(**options)


def single_statements(engine: Engine) -> Engine:
    """``engine`` for writes of one statement each, every one atomic by itself (the
    deliverer's claims and accepted messages): on PostgreSQL in autocommit, so that such
    a write is one round trip, not BEGIN and COMMIT besides; on SQLite as it is (a
    writer's lock is taken at BEGIN)."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine


class _SQLiteConnection(sqlite3.Connection):
    """A connection that lets the process's next writer in as soon as its write ends."""

    writers: threading.Lock
    writing = False

    def begin_writing(self) -> None:
        deadline = time.monotonic() + WRITE_WAIT
        if not self.writers.acquire(timeout=WRITE_WAIT):
            raise sqlite3.OperationalError("database is locked")
        self.writing = True
        try:
            self._begin_immediate(deadline)
        except BaseException:
            self._done_writing()
            raise

    def _begin_immediate(self, deadline: float) -> None:
        """BEGIN IMMEDIATE, tried again every millisecond or so while another process
        writes: SQLite's own busy handler sleeps ever longer between its tries (up to
        100 ms at a time), so a writer would wait long after the other's commit."""
        pause = RETRY_FIRST
        self.execute("PRAGMA busy_timeout=0")
        try:
            while True:
                try:
                    self.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                        raise
                time.sleep(pause)
                pause = min(pause * 2, RETRY_MOST)
        finally:
            self.execute(f"PRAGMA busy_timeout={WRITE_WAIT * 1000}")

    def _done_writing(self) -> None:
        if self.writing:
            self.writing = False
            self.writers.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._done_writing()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._done_writing()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._done_writing()


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # One writer at a time in this process, the others queued in order: SQLite's own busy
    # handler only polls, sleeping longer the longer it waits, so a writer among many
    # could wait seconds for a lock that was free most of that time. Other processes (the
    # flows, the CLI) still meet this one at SQLite's busy timeout.
    writers = threading.Lock()
    engine = create_engine(
        url,
        connect_args={
            "timeout": WRITE_WAIT,
            "check_same_thread": False,
            "factory": _SQLiteConnection,
        },
        **kwargs,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        dbapi_connection.writers = writers
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={WRITE_WAIT * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            # WAL lets a reader see one snapshot beside a writer, holding no lock.
            conn.exec_driver_sql("BEGIN")
            return
        # IMMEDIATE takes the write lock up front, so two writers queue instead of failing
        # with "database is locked" mid-transaction.
        conn.connection.dbapi_connection.begin_writing()

    return engine


def insert_unless_taken(table: Table, columns: list[str], key: str) -> TextClause:
    """``INSERT … ON CONFLICT (key) DO NOTHING`` of ``columns``, for SQLite and PostgreSQL.

    A text statement with each value typed as its column: SQLAlchemy cannot cache the
    dialects' ON CONFLICT construct, and compiled it anew for every row queued.
    """
    names = ", ".join(columns)
    values = ", ".join(f":{c}" for c in columns)
    statement = text(
        f"INSERT INTO {table.name} ({names}) VALUES ({values}) ON CONFLICT ({key}) DO NOTHING"
    )
    return statement.bindparams(*(bindparam(c, type_=table.c[c].type) for c in columns))


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """Apply every migration to the database behind ``engine``."""
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
