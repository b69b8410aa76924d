"""``remiss db upgrade``: apply the database migrations."""

from __future__ import annotations

import typer

from remiss.cli.process import application
from remiss.cli.shell import shell

commands = typer.Typer()


@commands.command("upgrade", help="Uppdatera databasen till senaste schemat.")
@shell
def db_upgrade() -> None:
    """Apply the database migrations."""
    from remiss.core.db import upgrade

    a = application()
    upgrade(a.engine)
    typer.echo(f"Databasen är uppdaterad ({a.engine.url.render_as_string(hide_password=True)}).")
