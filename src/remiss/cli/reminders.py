"""``remiss reminders send``: the sweep the schedule runs, by hand."""

from __future__ import annotations

import typer

from remiss.cli import NowOption, reminders_app, set_clock, settings, shell


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@reminders_app.command(
    "send", help="Stäng remisser efter intern svarsdag och skicka de påminnelser som ska gå nu."
)
@shell
def reminders_send(now: NowOption = None) -> None:
    """Close rounds past their internal deadline and send the reminders due now."""
    from flows._run import run_flow
    from flows.reminders import reminder_sweep

    s = settings()
    moment = set_clock(now, s.tz)
    result = run_flow(reminder_sweep, moment)
    closed = result["closed_round_ids"]
    r = result["reminders"]
    d = result["delivery"]
    typer.echo(
        f"Stängde {_plural(len(closed), 'remiss', 'remisser')}"
        + (f" (id {', '.join(str(i) for i in closed)})" if closed else "")
        + (", yttrandet sammanställt och samordnaren meddelad" if len(closed) == 1 else "")
        + (", yttrandena sammanställda och samordnarna meddelade" if len(closed) > 1 else "")
        + f"; köade {_plural(r['reminders'], 'påminnelse', 'påminnelser')} i "
        + f"{_plural(r['digests'], 'e-postmeddelande', 'e-postmeddelanden')}; "
        + f"e-post: {d['sent']} skickade, {d['retrying']} försöks igen, "
        + f"{d['failed']} misslyckade"
        + (f", {d['waiting']} väntar på e-postservern" if d["waiting"] else "")
    )
    for failed in (c for c in result["compiled"] if c["error"] is not None):
        typer.echo(
            f"  fel: {failed['reference']}: yttrandet kunde inte sammanställas "
            f"({failed['error']}); nästa körning försöker igen",
            err=True,
        )
    for error in d["errors"]:
        typer.echo(f"  fel: {error}", err=True)
