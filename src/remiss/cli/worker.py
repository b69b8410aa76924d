"""``remiss worker``: the standing worker that does what comes after a commit."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Annotated

import typer

from remiss.cli.process import application
from remiss.cli.shell import delivery_line, fail, shell
from remiss.core.swedish import counted

commands = typer.Typer()


@commands.command(
    "worker",
    help="Skicka e-post, skapa filer och bevaka meningsskiljaktigheter tills den stoppas.",
)
@shell
def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Gör det som väntar nu och avsluta.")
    ] = False,
) -> None:
    """Deliver the outbox, render pending files and look at disagreements due, until stopped
    (SIGTERM or Ctrl-C); with ``--once``, what is there now, then exit."""
    from remiss.usecases.worker import Worker

    example = application().settings.example_left()
    if example is not None:
        fail(example)
    working = Worker(application())
    if once:
        done = working.drain()
        typer.echo(
            f"{delivery_line(done.delivery.fields()).capitalize()}; {done.rendered} filer "
            f"skapade; {counted(done.escalated, 'remiss granskad', 'remisser granskade')} för "
            "meningsskiljaktighet"
        )
        return
    stop = threading.Event()

    def stopping(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    working.run(stop, ready=lambda: typer.echo("Arbetaren körs; stoppa med Ctrl-C.", err=True))
    typer.echo(
        f"Arbetaren stoppad: {working.total.delivery.sent} e-postmeddelanden skickade, "
        f"{working.total.rendered} filer skapade.",
        err=True,
    )
