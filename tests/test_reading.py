"""Reading through ``db.reader``: what a read costs on each database."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from remiss.core.db import make_engine, reader


def test_on_postgresql_a_read_runs_in_no_transaction_and_a_write_in_one(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's reading transactions: tests/test_sqlite_writers.py")
    from psycopg.pq import TransactionStatus

    engine = make_engine(database_url)
    try:
        with reader(engine).connect() as reading:
            assert reading.execute(text("SELECT count(*) FROM rounds")).scalar() == 0
            # No BEGIN went before it, and no ROLLBACK will follow.
            status = reading.connection.dbapi_connection.info.transaction_status
            assert status == TransactionStatus.IDLE
        with engine.connect() as writing:
            writing.execute(text("SELECT count(*) FROM rounds"))
            status = writing.connection.dbapi_connection.info.transaction_status
            assert status == TransactionStatus.INTRANS
            writing.rollback()
    finally:
        engine.dispose()
