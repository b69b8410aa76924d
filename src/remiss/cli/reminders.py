"""``remiss reminders send``: the sweep the schedule runs, by hand."""

from __future__ import annotations

import typer

from remiss.cli.process import runtime, settings
from remiss.cli.shell import NowOption, delivery_line, set_clock, shell

commands = typer.Typer()


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@commands.command(
    "send", help="Stäng remisser efter intern svarsdag och skicka de påminnelser som ska gå nu."
)
@shell
def reminders_send(now: NowOption = None) -> None:
    """Close rounds past their internal deadline and send the reminders due now."""
    from remiss.usecases.sweep import sweep

    set_clock(now, settings().tz)
    swept = sweep(runtime())
    closed = swept.closed_round_ids
    now_closed = [c for c in swept.compiled if c.closed_now]
    empty = sum(1 for c in now_closed if c.no_answers)
    compiled = sum(1 for c in now_closed if c.version is not None)
    how = [f"{compiled} sammanställda" if compiled else "", f"{empty} utan svar" if empty else ""]
    said = "; ".join(part for part in how if part)
    which = f" (id {', '.join(str(i) for i in closed)}: {said}; samordnaren meddelad)"
    delivery = swept.follow_up.delivery
    typer.echo(
        f"Stängde {_plural(len(closed), 'remiss', 'remisser')}{which if closed else ''}; "
        f"köade {_plural(swept.reminders.reminders, 'påminnelse', 'påminnelser')} i "
        f"{_plural(swept.reminders.digests, 'e-postmeddelande', 'e-postmeddelanden')}; "
        + (delivery_line(delivery.fields()) if delivery is not None else "e-post: skickas")
    )
    for failed in (c for c in swept.compiled if c.error is not None):
        typer.echo(
            f"  fel: {failed.reference}: yttrandet kunde inte sammanställas "
            f"({failed.error}); nästa körning försöker igen",
            err=True,
        )
    for error in delivery.errors if delivery is not None else []:
        typer.echo(f"  fel: {error}", err=True)
