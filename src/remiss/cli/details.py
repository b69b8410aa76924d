"""``remiss round set``: change Vår referens or the recipient after opening."""

from __future__ import annotations

from typing import Annotated

import typer

from remiss.cli.process import application
from remiss.cli.shell import fail, shell
from remiss.core.errors import InputError

commands = typer.Typer()


@commands.command(
    "set", help="Ändra vår referens eller mottagaren av yttrandet (inte när det är skickat)."
)
@shell
def round_set(
    round_ref: Annotated[str, typer.Argument(metavar="ROUND")],
    our_reference: Annotated[
        str | None,
        typer.Option("--our-reference", help="Vår referens (diarienummer); tom text tar bort den."),
    ] = None,
    recipient: Annotated[
        str | None,
        typer.Option("--recipient", help="Mottagarens e-postadress (avsändarens registratur)."),
    ] = None,
) -> None:
    """Change Vår referens and/or the recipient; each change is audited."""
    from remiss.rounds import details
    from remiss.rounds.opening import find

    if our_reference is None and recipient is None:
        fail("ange --our-reference eller --recipient")
    a = application()
    reference = round_ref
    try:
        with a.transaction() as session:
            round_ = find(session, round_ref)
            reference = round_.reference
            changes = details.change(
                session, round_.id, our_reference=our_reference, recipient=recipient, actor="cli"
            )
    except InputError as exc:
        fail(f"{reference}: {exc.message}; inget ändrades")
    if not changes:
        typer.echo(f"{reference}: inget att ändra.")
    for item in changes:
        typer.echo(f"{reference}: {item.line()}")
