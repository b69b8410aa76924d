"""Fresh databases on the PostgreSQL server, and a backup restored into one."""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url


class Server:
    """A PostgreSQL server reached through an administrative URL (any database on it)."""

    def __init__(self, admin_url: str) -> None:
        self.admin = make_url(admin_url).set(drivername="postgresql+psycopg")
        self.suffix = secrets.token_hex(4)
        self.created: list[str] = []

    def answers(self) -> bool:
        engine = sa.create_engine(self.admin, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as connection:
                connection.execute(sa.text("select 1"))
            return True
        except sa.exc.OperationalError:
            return False
        finally:
            engine.dispose()

    def create(self, purpose: str) -> URL:
        """A new, empty database named for ``purpose``; dropped again by ``drop_all``."""
        name = f"remiss_check_{purpose}_{self.suffix}"
        self._autocommit(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return self.admin.set(database=name)

    def drop_all(self) -> None:
        for name in reversed(self.created):
            self._autocommit(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()

    def _autocommit(self, statement: str) -> None:
        engine = sa.create_engine(self.admin, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(sa.text(statement))
        finally:
            engine.dispose()

    def libpq(self, url: URL) -> list[str]:
        """Connection arguments for pg_dump and pg_restore."""
        args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432)]
        if url.username:
            args += ["--username", url.username]
        return [*args, "--no-password"]

    def environment(self, url: URL) -> dict[str, str]:
        return {"PGPASSWORD": url.password} if url.password else {}


def dump(server: Server, url: URL, path: Path) -> None:
    """``pg_dump -Fc`` of the database at ``url``, as the README's backup does."""
    subprocess.run(
        ["pg_dump", "-Fc", *server.libpq(url), "--file", str(path), url.database or ""],
        check=True, capture_output=True, env=_env(server, url),
    )  # fmt: skip


def restore(server: Server, path: Path, into: URL) -> None:
    """``pg_restore`` of a dump into an empty database, as the README's restore does."""
    subprocess.run(
        ["pg_restore", *server.libpq(into), "--no-owner", "--dbname", into.database or "",
         str(path)],
        check=True, capture_output=True, env=_env(server, into),
    )  # fmt: skip


def _env(server: Server, url: URL) -> dict[str, str]:
    return {**os.environ, **server.environment(url)}
