"""``remiss round …``: open, finish-opening, extend, close (list and status: round_status.py;
triage and the answer: answering.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from remiss.cli.process import application, runtime, settings
from remiss.cli.shell import (
    BY_WORKER,
    NowOption,
    delivery_line,
    fail,
    parse_date,
    set_clock,
    shell,
)
from remiss.core import clock
from remiss.core.swedish import counted

commands = typer.Typer()


@commands.command(
    "open", help="Öppna en remiss, eller alla i en samlingsfil, och skicka inbjudningarna."
)
@shell
def round_open(
    file: Path,
    now: NowOption = None,
    triage: Annotated[
        bool,
        typer.Option("--triage", help="Registrera som inkomna utan att fråga någon (triage)."),
    ] = False,
    shift_to_today: Annotated[
        bool,
        typer.Option(
            "--shift-to-today",
            help="Flytta filens alla datum så att den första remissen öppnar i dag (exempel).",
        ),
    ] = False,
    allow_past: Annotated[
        bool,
        typer.Option(
            "--allow-past",
            help="Öppna ändå fast den interna svarsdagen redan har passerat i verkligheten.",
        ),
    ] = False,
) -> None:
    """Open a round, or every round in a batch file, and send the invitations."""
    from remiss.core.swedish import date_sv
    from remiss.rounds import deadline_days
    from remiss.rounds import spec as roundspec

    s = settings()
    real = clock.now()  # the time it really is, before --now moves the clock
    set_clock(now, s.tz)
    parsed = roundspec.load(file)  # refuse a bad file before any flow machinery starts
    shift_days = (
        roundspec.days_to_today(parsed, real.astimezone(s.tz).date()) if shift_to_today else 0
    )
    parsed = roundspec.shift(parsed, shift_days)
    _check_file(parsed, real, past=not allow_past and not triage)
    from remiss.usecases.opening import open_rounds

    opened = open_rounds(runtime(), parsed, "cli", triage=triage)
    specs = {p.spec.reference: p.spec for p in parsed}
    for r in opened.rounds:
        where = f"{r.reference} (id {r.round_id})"
        if r.created and triage:
            typer.echo(f"Registrerade {where}: {r.title} — inkommen")
        elif r.created:
            informed = f", {r.informed} för kännedom" if r.informed else ""
            typer.echo(
                f"Öppnade {where}: {r.title} — "
                f"{counted(r.invitations, 'inbjudan', 'inbjudningar')}{informed}, "
                f"intern svarsdag {date_sv(r.internal_deadline)}"
            )
        elif r.resumed:
            typer.echo(
                f"Slutförde öppnandet av {where}, som avbröts: "
                f"{counted(r.invitations, 'inbjudan', 'inbjudningar')} till"
            )
        else:
            typer.echo(f"Redan öppnad {where}: inget nytt skickat")
        if r.created and r.reference in specs:
            for warning in deadline_days.warnings(specs[r.reference]):
                typer.echo(f"varning: {r.reference}: {warning}", err=True)
    if opened.delivery is None:
        typer.echo(BY_WORKER)
        return
    typer.echo(delivery_line(opened.delivery.fields()).capitalize())
    for error in opened.delivery.errors:
        typer.echo(f"  fel: {error}", err=True)


@commands.command(
    "finish-opening", help="Slutför ett avbrutet öppnande: bjud in dem som inte har bjudits in."
)
@shell
def round_finish_opening(
    round_ref: Annotated[str, typer.Argument(metavar="ROUND")], now: NowOption = None
) -> None:
    """Invite the people an opening cut short left out (the schedule does it too, later)."""
    from remiss.rounds.opening import find
    from remiss.usecases.opening import finish_openings

    set_clock(now, settings().tz)
    with application().sessions() as session:
        round_ = find(session, round_ref)
        round_id, where = round_.id, f"{round_.reference} (id {round_.id})"
    finished = finish_openings(runtime(), [round_id], "cli")
    if not finished.rounds:
        typer.echo(f"{where}: öppnandet är inte avbrutet; inget nytt skickat")
        return
    [r] = finished.rounds
    more = counted(r.invitations, "inbjudan", "inbjudningar")
    typer.echo(f"Slutförde öppnandet av {where}, som avbröts: {more} till")
    delivery = finished.follow_up.delivery
    typer.echo(BY_WORKER if delivery is None else delivery_line(delivery.fields()).capitalize())
    for error in delivery.errors if delivery is not None else []:
        typer.echo(f"  fel: {error}", err=True)


def _check_file(parsed: list[Any], real: datetime, *, past: bool) -> None:
    """The whole file checked against the directory and the clock before anything is told
    to Prefect, so that a bad one says what is wrong and nothing else. With ``past`` (a
    ``--now`` in the past), a round whose internal deadline has really passed would be
    closed by the running schedule within minutes: refuse it, saying how to go on."""
    from remiss.core.swedish import date_sv
    from remiss.rounds.checking import every_plan
    from remiss.rounds.planning import deadlines as window

    a = application()
    with a.sessions() as session:
        for item in parsed if past else []:
            deadlines = window(session, item, a.settings)
            if deadlines.internal_at <= real:
                fail(
                    f"{item.spec.reference}: den interna svarsdagen {date_sv(deadlines.internal)} har "
                    "redan passerat, så schemat skulle stänga remissen genast; använd "
                    "--shift-to-today för att flytta exemplets datum till i dag, eller "
                    "--allow-past om det är meningen"
                )
        every_plan(session, a.settings, parsed)


@commands.command("extend", help="Flytta den interna svarsdagen; de som inte svarat meddelas.")
@shell
def round_extend(
    round_ref: Annotated[str, typer.Argument(metavar="ROUND")],
    deadline: Annotated[
        str | None, typer.Option("--deadline", help="Ny intern svarsdag (ÅÅÅÅ-MM-DD).")
    ] = None,
    national: Annotated[
        str | None,
        typer.Option(
            "--national-deadline",
            help="Avsändarens nya sista svarsdag; den interna planeras om om inte --deadline ges.",
        ),
    ] = None,
    now: NowOption = None,
) -> None:
    """Move the internal deadline (or the sender's); reminders follow, non-responders are told."""
    from remiss.core.swedish import date_sv
    from remiss.rounds.opening import find
    from remiss.usecases.collecting import extend, move_national_deadline

    s = settings()
    set_clock(now, s.tz)
    if deadline is None and national is None:
        fail("ange --deadline (intern svarsdag) eller --national-deadline (avsändarens)")
        return
    new_date = parse_date(deadline, "--deadline") if deadline else None
    new_national = parse_date(national, "--national-deadline") if national else None
    with application().sessions() as session:
        round_id = find(session, round_ref).id
    said = ""
    if new_national is not None:
        done = move_national_deadline(runtime(), round_id, new_national, new_date, "cli")
        said = f"ny nationell svarsdag {date_sv(new_national)}, "
    else:
        assert new_date is not None
        done = extend(runtime(), round_id, new_date, "cli")
    if not done.collecting:
        typer.echo(f"{done.reference}: {said}insamlingen är avslutad och öppnas inte igen.")
        return
    typer.echo(
        f"{done.reference}: {said}ny intern svarsdag {date_sv(done.internal_deadline)}; "
        f"{done.told} meddelade."
    )


@commands.command("close", help="Stäng remissen nu, sammanställ yttrandet och meddela samordnaren.")
@shell
def round_close(
    round_ref: Annotated[str, typer.Argument(metavar="ROUND")], now: NowOption = None
) -> None:
    """Stop collecting answers now, compile the yttrande and tell the coordinator."""
    from remiss.rounds.opening import find
    from remiss.usecases.collecting import close

    s = settings()
    set_clock(now, s.tz)
    a = application()
    with a.sessions() as session:
        round_ = find(session, round_ref)
        round_id, coordinator = round_.id, round_.coordinator
    compiled = close(runtime(), round_id, "cli").compiled
    reference = compiled.reference
    if compiled.error is not None:
        fail(
            f"{reference}: stängd, men yttrandet kunde inte sammanställas ({compiled.error}); "
            "nästa körning av påminnelserna försöker igen"
        )
    if compiled.no_answers:
        typer.echo(
            f"{reference}: stängd utan svar; ingen hade svarat, så det blir inget yttrande "
            "(inga svar). Förläng svarstiden, skriv yttrandet själv eller besluta avstår."
        )
        return
    if compiled.version is None:
        typer.echo(f"{reference}: var redan stängd.")
        return
    typer.echo(
        f"{reference}: stängd; yttrande version {compiled.version} sammanställt, "
        f"{coordinator} meddelad."
    )
