"""``remiss reminders send``: the sweep the schedule runs, by hand."""

from __future__ import annotations

import typer

from remiss.cli import (
    NowOption,
    delivery_line,
    reminders_app,
    set_clock,
    settings,
    shell,
    use_running_prefect,
)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@reminders_app.command(
    "send", help="Stäng remisser efter intern svarsdag och skicka de påminnelser som ska gå nu."
)
@shell
def reminders_send(now: NowOption = None) -> None:
    """Close rounds past their internal deadline and send the reminders due now."""
    use_running_prefect()
    from flows._run import run_flow
    from flows.reminders import reminder_sweep

    s = settings()
    moment = set_clock(now, s.tz)
    result = run_flow(reminder_sweep, moment)
    closed = result["closed_round_ids"]
    r = result["reminders"]
    d = result["delivery"]
    now_closed = [c for c in result["compiled"] if c["closed_now"]]
    empty = sum(1 for c in now_closed if c["no_answers"])
    compiled = sum(1 for c in now_closed if c["version"] is not None)
    how = [f"{compiled} sammanställda" if compiled else "", f"{empty} utan svar" if empty else ""]
    said = "; ".join(part for part in how if part)
    typer.echo(
        f"Stängde {_plural(len(closed), 'remiss', 'remisser')}"
        + (
            f" (id {', '.join(str(i) for i in closed)}: {said}; samordnaren meddelad)"
            if closed
            else ""
        )
        + f"; köade {_plural(r['reminders'], 'påminnelse', 'påminnelser')} i "
        + f"{_plural(r['digests'], 'e-postmeddelande', 'e-postmeddelanden')}; "
        + delivery_line(d)
    )
    for failed in (c for c in result["compiled"] if c["error"] is not None):
        typer.echo(
            f"  fel: {failed['reference']}: yttrandet kunde inte sammanställas "
            f"({failed['error']}); nästa körning försöker igen",
            err=True,
        )
    for error in d["errors"]:
        typer.echo(f"  fel: {error}", err=True)
