"""``remiss round list`` and ``remiss round status``: where the rounds stand, read only."""

from __future__ import annotations

from typing import Annotated

import typer

from remiss.cli.process import application
from remiss.cli.shell import shell
from remiss.core.swedish import counted

commands = typer.Typer()


@commands.command("list", help="Visa remisserna med status, svarsdagar och antal svar.")
@shell
def round_list() -> None:
    """Rounds with status, deadlines and answered/invited counts."""
    from remiss.rounds.progress import list_rounds

    a = application()
    with a.sessions() as session:
        rows = list_rounds(session)
    if not rows:
        typer.echo("Inga remisser ännu.")
        return
    typer.echo(f"{'id':>4}  {'referens':<22} {'status':<10} {'intern':<10} {'nationell':<10} svar")
    for r in rows:
        typer.echo(
            f"{r.id:>4}  {r.reference:<22} {r.state:<10} {r.internal_deadline.isoformat():<10} "
            f"{r.national_deadline.isoformat():<10} {r.answered}/{r.invited}  {r.title}"
        )


@commands.command(
    "status", help="Visa per grupp och region vem som svarat, har utkast eller inte öppnat."
)
@shell
def round_status(round_ref: Annotated[str, typer.Argument(metavar="ROUND")]) -> None:
    """Per group and region: who answered, who has a draft, who has not opened."""
    from remiss.core.swedish import date_sv, datetime_sv
    from remiss.mail import outbox
    from remiss.rounds import resuming, stage
    from remiss.rounds.opening import find
    from remiss.rounds.progress import MESSAGE_STATUS_LABELS, round_progress
    from remiss.yttrande import approvals

    a = application()
    s = a.settings
    with a.sessions() as session:
        round_ = find(session, round_ref)
        progress = round_progress(session, round_)
        mail = outbox.counts(session, round_.id)
        lead = round_.lead_group.name if round_.lead_group else "–"
        typer.echo(f"{round_.reference}: {round_.title}")
        typer.echo(
            f"Status: {stage.state(round_, progress.answered)}; intern svarsdag {date_sv(round_.internal_deadline)}; "
            f"nationell {date_sv(round_.national_deadline)}; ansvarig: {lead}"
        )
        cut = resuming.interruptions(session, [round_.id]).get(round_.id)
        finishing = f" (slutför med: remiss round finish-opening {round_.reference})"
        typer.echo(
            f"Svar: {progress.answered}/{progress.invited}"
            + (f"; {cut.line}{finishing}" if cut else "")
        )
        typer.echo(
            "E-post: "
            + ", ".join(
                f"{n} {MESSAGE_STATUS_LABELS.get(st, st)}" for st, n in sorted(mail.items())
            )
        )
        waiting = outbox.waiting(session, round_.id)
        if waiting is not None:
            typer.echo(
                f"E-post väntar på e-postservern sedan {datetime_sv(waiting.since, s.tz)}: "
                f"{counted(waiting.count, 'meddelande', 'meddelanden')} skickas när servern svarar "
                "igen."
            )
        if (later := outbox.later(session, round_.id)) is not None:
            typer.echo(
                "E-post som försöks igen senare: "
                f"{counted(later.count, 'meddelande', 'meddelanden')}, nästa försök "
                f"{datetime_sv(later.since, s.tz)}."
            )
        for line in approvals.report(session, round_.id, s.tz):  # förankring
            typer.echo(line)
        for group in progress.groups:
            typer.echo(f"\n{group.name}{' (ansvarig)' if group.id == round_.lead_group_id else ''}")
            for region in progress.regions:
                for p in progress.cells.get((group.name, region), []):
                    typer.echo(f"  {region:<4} {p.name:<28} {p.label}")
