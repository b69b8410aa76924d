"""``remiss directory import``: load or re-sync the organisation, groups and people."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from remiss.cli.process import application
from remiss.cli.shell import shell

commands = typer.Typer()


@commands.command(
    "import", help="Läs in eller synkronisera regioner, grupper och personer från en YAML-fil."
)
@shell
def directory_import(
    file: Path,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Läs bara in om katalogen är tom.")
    ] = False,
) -> None:
    """Load or re-sync regions, groups and people from a directory YAML file."""
    from sqlalchemy import func, select

    from remiss.core.models import Group
    from remiss.directory import sync as directory

    a = application()
    if if_empty:
        with a.sessions() as session:
            if session.scalar(select(func.count()).select_from(Group)):
                typer.echo("Katalogen finns redan; ingen import.")
                return
    spec = directory.load(file)
    with a.transaction() as session:
        result = directory.apply(session, spec, actor="cli")
    typer.echo(f"Katalogen inläst från {file}: {result.summary()}")
