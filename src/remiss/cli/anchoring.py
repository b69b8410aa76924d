"""``remiss round anchor``: the handed-over draft to the people who must stand behind it."""

from __future__ import annotations

from typing import Annotated

import typer

from remiss.cli.process import application, runtime
from remiss.cli.shell import BY_WORKER, delivery_line, fail, parse_date, shell
from remiss.core.errors import InputError

commands = typer.Typer()


@commands.command(
    "anchor",
    help="Skicka utkastet för förankring till remisstypens godkännare (eller dem du anger).",
)
@shell
def round_anchor(
    round_ref: Annotated[str, typer.Argument(metavar="ROUND")],
    to: Annotated[
        list[str] | None,
        typer.Option("--to", help="E-postadress (upprepa för flera; standard: remisstypens)."),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Svar senast ÅÅÅÅ-MM-DD (standard: om fem arbetsdagar)."),
    ] = None,
) -> None:
    """Mail the current draft, as a PDF, to each approver with a personal link."""
    from remiss.core.swedish import date_sv
    from remiss.rounds.opening import find
    from remiss.usecases.anchoring import anchor

    day = parse_date(by, "--by") if by else None
    with application().sessions() as session:
        round_ = find(session, round_ref)
        round_id, reference = round_.id, round_.reference
    try:
        done = anchor(runtime(), round_id, "cli", to=to or None, by=day)
    except InputError as exc:
        fail(f"{reference}: {exc.message}" + (f" (--{exc.field})" if exc.field else ""))
        raise
    a = done.anchored
    typer.echo(
        f"{a.reference}: utkast version {a.draft} skickat för förankring till "
        f"{', '.join(a.mailed)}; svar senast {date_sv(a.reply_by)}."
    )
    delivery = done.follow_up.delivery
    typer.echo(BY_WORKER if delivery is None else delivery_line(delivery.fields()).capitalize())
