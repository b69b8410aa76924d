"""``remiss round disagreement``: record how a round's meningsskiljaktighet was handled."""

from __future__ import annotations

from typing import Annotated

import typer

from remiss.cli.process import application
from remiss.cli.shell import fail, shell
from remiss.core.errors import InputError

commands = typer.Typer()


@commands.command(
    "disagreement",
    help="Anteckna hur meningsskiljaktigheten hanterades; sammanställningen tar med den.",
)
@shell
def round_disagreement(
    round_ref: Annotated[str, typer.Argument(metavar="ROUND")],
    handled: Annotated[
        str,
        typer.Option("--handled", help="Hur meningsskiljaktigheten hanterades (fritext)."),
    ],
) -> None:
    """Keep the note on the round and in the audit log (the sammanställning's Förlopp)."""
    from remiss.reviewers import disagreement
    from remiss.rounds.opening import find

    reference = round_ref
    try:
        with application().transaction() as session:
            round_ = find(session, round_ref)
            reference = round_.reference
            disagreement.handle(session, round_.id, handled, actor="cli")
    except InputError as exc:
        fail(f"{reference}: {exc.message} (--{exc.field or 'handled'}); inget ändrades")
    typer.echo(
        f"{reference}: hanteringen av meningsskiljaktigheten är antecknad; "
        "sammanställningen tar med den när den görs nästa gång."
    )
