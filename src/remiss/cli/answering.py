"""``remiss round triage``, ``decide`` and ``send``: deciding what to answer, and the answer."""

from __future__ import annotations

from typing import Annotated

import typer

from remiss.cli import application, round_app, shell

RoundArg = Annotated[str, typer.Argument(metavar="ROUND")]


@round_app.command(
    "triage", help="Besluta om en inkommen remiss: samordnas, per-region eller avstår."
)
@shell
def round_triage(
    round_ref: RoundArg,
    decision: Annotated[
        str, typer.Option("--decision", help="samordnas, per-region eller avstår.")
    ],
    reason: Annotated[str | None, typer.Option("--reason", help="Skälet, som sparas.")] = None,
) -> None:
    """Decide a registered round: samordnas opens it (invitations go out), the rest end it."""
    from remiss.app import deliver_outbox
    from remiss.rounds import triage
    from remiss.rounds.opening import find

    chosen = triage.parse(decision)
    a = application()
    with a.transaction() as session:
        round_ = find(session, round_ref)
        done = triage.decide(session, a.settings, round_.id, chosen, reason, "cli")
    if done.invitations:
        deliver_outbox(a)
        typer.echo(f"{done.reference}: samordnas; {done.invitations} inbjudningar skickade.")
    else:
        typer.echo(f"{done.reference}: {triage.DECISION_WORDS[done.decision]}.")
