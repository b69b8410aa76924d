"""``remiss directory import``: load or re-sync the organisation, groups and people.

A re-sync that changes the directory prints what it will change (new, changed and
deactivated people and groups, and the open invitations affected) and asks before it
applies; ``--yes`` applies without asking. Without a terminal to ask on and without
``--yes`` it refuses and changes nothing. A first load, or a file that changes nothing,
is applied at once. A long import (``LONG`` people or more) shows its steps: a bar on a
terminal, a line each otherwise.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from remiss.cli.process import application
from remiss.cli.shell import fail, shell

if TYPE_CHECKING:
    from remiss.directory.sync import DirectorySpec

commands = typer.Typer()

YES = ("j", "ja", "y", "yes")
# People in a file from which its import shows its steps; a smaller one is done first.
LONG = 5_000


@commands.command(
    "import", help="Läs in eller synkronisera regioner, grupper och personer från en YAML-fil."
)
@shell
def directory_import(
    file: Path,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Läs bara in om katalogen är tom.")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="Tillämpa ändringarna utan att fråga.")
    ] = False,
) -> None:
    """Load or re-sync regions, groups and people from a directory YAML file."""
    from sqlalchemy import func, select

    from remiss.core.models import Group
    from remiss.directory import changes as planned
    from remiss.directory import sync as directory

    a = application()
    with a.sessions() as session:
        loaded = bool(session.scalar(select(func.count()).select_from(Group)))
    if if_empty and loaded:
        typer.echo("Katalogen finns redan; ingen import.")
        return
    spec = directory.load(file)
    preview = None
    if loaded and not yes:
        with a.sessions() as session, _steps(f"{file}: förhandsvisning", spec):
            preview = planned.preview(session, spec)
    if preview is not None and not preview.empty:
        for line in preview.lines():
            typer.echo(line)
        if not sys.stdin.isatty():
            fail(
                f"{file}: katalogen skulle ändras (se ovan) och ingen kan tillfrågas här; "
                "kör med --yes för att tillämpa ändringarna"
            )
        typer.echo("Tillämpa ändringarna? [j/N] ", nl=False)
        if sys.stdin.readline().strip().casefold() not in YES:
            typer.echo("Ingenting ändrades.")
            return
    with a.transaction() as session:
        if preview is not None and planned.fingerprint(session) != preview.fingerprint:
            fail("katalogen ändrades medan du svarade; kör kommandot igen")
        with _steps(str(file), spec):
            result = directory.apply(session, spec, actor="cli")
    typer.echo(f"Katalogen inläst från {file}: {result.summary()}")


@contextmanager
def _steps(title: str, spec: DirectorySpec) -> Iterator[None]:
    """The writing's three steps (groups, people, memberships) shown for a long import."""
    from remiss.cli.progress import shown

    people = sum(len(group.members) for group in spec.groups)
    with shown(title, total=3) if people >= LONG else nullcontext():
        yield
