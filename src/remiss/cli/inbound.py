"""``remiss inbound``: the listener for replies and bounces (and one reading of the IMAP
mailbox); ``remiss round redirect``: a bounced invitation to someone else."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Annotated

import typer

from remiss.cli.process import application, runtime
from remiss.cli.shell import fail, shell

commands = typer.Typer()
round_commands = typer.Typer()


@commands.command(
    "inbound",
    help="Ta emot svar och studsar över SMTP på 127.0.0.1:REMISS_INBOUND_PORT tills den stoppas.",
)
@shell
def inbound(
    port: Annotated[
        int | None, typer.Option("--port", help="Port (annars REMISS_INBOUND_PORT, 2525).")
    ] = None,
    mailbox: Annotated[
        bool, typer.Option("--mailbox", help="Läs IMAP-lådan (REMISS_IMAP_*) en gång och avsluta.")
    ] = False,
) -> None:
    """Listen for mail to svar+ and retur+ addresses until SIGTERM or Ctrl-C; with
    ``--mailbox``, read the IMAP mailbox once instead."""
    a = application()
    if not a.settings.inbound_domain:
        fail("ange REMISS_INBOUND_DOMAIN (domänen för svar+ och retur+) för att ta emot e-post")
    if mailbox:
        from remiss.usecases.inbound import read_mailbox

        if not a.settings.imap_host:
            fail("ange REMISS_IMAP_HOST (och REMISS_IMAP_USERNAME, REMISS_IMAP_PASSWORD)")
        done = read_mailbox(runtime())
        if done is None:
            fail(f"e-postlådan på {a.settings.imap_host} kunde inte läsas")
            return
        counted = ", ".join(f"{n} {outcome}" for outcome, n in sorted(done.outcomes.items()))
        typer.echo(f"Läste {done.read} meddelanden" + (f": {counted}" if counted else "."))
        return
    from remiss.inbound import listener

    stop = threading.Event()

    def stopping(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    try:
        running = listener.start(a.sessions, a.settings, port=port or 0)
    except OSError as exc:
        fail(
            f"port {port or a.settings.inbound_port} kan inte användas för inkommande e-post: {exc}"
        )
        return
    typer.echo(
        f"Tar emot svar och studsar på {running.host}:{running.port} "
        f"(svar+…@{a.settings.inbound_domain}, retur+…@{a.settings.inbound_domain}).",
        err=True,
    )
    try:
        stop.wait()
    finally:
        running.stop()


@round_commands.command(
    "redirect", help="Skicka en inbjudan som studsade till en annan person i samma grupp."
)
@shell
def round_redirect(
    round_ref: Annotated[str, typer.Argument(metavar="ROUND")],
    source: Annotated[str, typer.Option("--from", help="Adressen som studsade (den inbjudnas).")],
    to: Annotated[str, typer.Option("--to", help="Adressen som ska få inbjudan i stället.")],
    name: Annotated[
        str, typer.Option("--name", help="Namnet, för en adress som inte finns i katalogen.")
    ] = "",
) -> None:
    """Send the bounced invitation of ``--from`` to ``--to`` instead."""
    from sqlalchemy import func, select

    from remiss.core.models import Invitation, Person
    from remiss.rounds.opening import find
    from remiss.usecases.inbound import redirect

    with application().sessions() as session:
        round_ = find(session, round_ref)
        invitation_id = session.scalar(
            select(Invitation.id)
            .join(Person, Person.id == Invitation.person_id)
            .where(
                Invitation.round_id == round_.id,
                func.lower(Person.email) == source.strip().lower(),
            )
        )
        reference = round_.reference
    if invitation_id is None:
        fail(f"{source} är inte inbjuden till {reference}")
        return
    told = redirect(runtime(), round_.id, invitation_id, to, name, "cli")
    typer.echo(
        f"{reference}: inbjudan skickas till {told.name} ({told.email}) i stället för {source}."
    )
