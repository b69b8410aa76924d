"""Alembic environment: runs on the connection remiss hands it, or on the URL."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine

from remiss.core.models import Base

config = context.config


def migrate(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite alters tables by copying them; batch mode does that for us.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    migrate(connection)
else:
    with create_engine(config.get_main_option("sqlalchemy.url") or "").begin() as conn:
        migrate(conn)
