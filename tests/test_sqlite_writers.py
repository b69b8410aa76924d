"""SQLite under many threads: writers queue in order, readers never wait for them."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from remiss.core import db
from remiss.core.db import WRITE_WAIT, make_engine, reader


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'writers.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    yield engine
    engine.dispose()


def test_a_reader_reads_while_a_writer_holds_its_transaction(engine: Engine) -> None:
    with engine.begin() as writing:
        writing.execute(text("INSERT INTO t VALUES (1)"))
        # In this very thread: a reader that waited for the writer would never get in.
        with reader(engine).connect() as reading, reading.begin():
            assert reading.execute(text("SELECT count(*) FROM t")).scalar() == 0
    with reader(engine).connect() as reading, reading.begin():
        assert reading.execute(text("SELECT count(*) FROM t")).scalar() == 1


def test_a_writer_that_failed_lets_the_next_one_in(engine: Engine) -> None:
    with pytest.raises(RuntimeError), engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
        raise RuntimeError("the request failed")
    with pytest.raises(Exception, match="no such table"), engine.begin() as conn:
        conn.execute(text("INSERT INTO missing VALUES (1)"))
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (2)"))
        assert conn.execute(text("SELECT n FROM t")).scalars().all() == [2]


def test_writers_in_many_threads_each_get_their_turn(engine: Engine) -> None:
    outcomes: list[BaseException | None] = []

    def write(n: int) -> None:
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
            outcomes.append(None)
        except BaseException as exc:  # inspected below
            outcomes.append(exc)

    with engine.begin() as first:  # all twenty start while this one writes
        first.execute(text("INSERT INTO t VALUES (0)"))
        threads = [threading.Thread(target=write, args=(n,)) for n in range(1, 21)]
        for thread in threads:
            thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes == [None] * 20
    with engine.connect() as conn:
        assert sorted(conn.execute(text("SELECT n FROM t")).scalars()) == list(range(21))


def test_a_writer_waits_for_another_process_writing_then_goes_in(
    engine: Engine, tmp_path: Path
) -> None:
    # Another process's writer: a connection of its own, outside this engine's queue.
    other = sqlite3.connect(tmp_path / "writers.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES (1)")
    started, done = threading.Event(), threading.Event()

    def write() -> None:
        started.set()
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (2)"))
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    started.wait()
    assert not done.is_set()
    other.execute("COMMIT")  # and the waiting writer goes in
    writer.join()
    other.close()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM t ORDER BY n")).scalars().all() == [1, 2]
        # Its tries did not change how long SQLite itself waits on this connection.
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == WRITE_WAIT * 1000


def test_a_writer_gives_up_with_database_is_locked_when_the_other_never_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "WRITE_WAIT", 0.05)
    engine = make_engine(f"sqlite:///{tmp_path / 'held.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    other = sqlite3.connect(tmp_path / "held.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        # Raised as the driver raises it: the wait is before SQLAlchemy's statement.
        with (
            pytest.raises(sqlite3.OperationalError, match="database is locked"),
            engine.begin() as conn,
        ):
            conn.execute(text("INSERT INTO t VALUES (1)"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    # Nothing was left half-taken: the next writer goes straight in.
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (2)"))
    engine.dispose()
