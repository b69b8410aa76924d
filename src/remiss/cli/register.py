"""``remiss register``: every remiss with its state and dates, as a table or CSV; the period
report "Besvarade remisser"; and with ``--meeting`` the remisser for an RSL AU meeting."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from remiss.cli.process import application
from remiss.cli.shell import fail, parse_date, shell

commands = typer.Typer()


@commands.command(
    "register",
    help="Registret: varje remiss med status och datum (tabell eller CSV); med --meeting "
    "underlaget om remisser till ett möte i RSL AU (Word eller PDF).",
)
@shell
def register(
    start: Annotated[
        str | None, typer.Option("--from", help="Nationell svarsdag från och med ÅÅÅÅ-MM-DD.")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Nationell svarsdag till och med ÅÅÅÅ-MM-DD.")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="table (standard) eller csv; docx eller pdf skriver rapporten Besvarade "
            "remisser, eller med --meeting mötesunderlaget (standard docx).",
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Katalog för rapporten.")] = Path("."),
    meeting: Annotated[
        str | None,
        typer.Option(
            "--meeting",
            help="Mötesdag ÅÅÅÅ-MM-DD: skriv underlaget om remisser till RSL AU:s möte.",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Förra mötets dag ÅÅÅÅ-MM-DD (med --meeting; standard 14 dagar före mötet).",
        ),
    ] = None,
) -> None:
    """Every round: kind, sender, dnr, title, state, lead, dates, answered/asked."""
    from remiss.core.clock import now
    from remiss.directory.sync import organisation
    from remiss.reports import answered_rounds
    from remiss.rounds import register as registry

    if meeting is not None:
        if start is not None or end is not None:
            fail("--from och --to gäller inte med --meeting; ange förra mötet med --since")
        _meeting_pack(meeting, since, fmt or "docx", out)
        return
    if since is not None:
        fail("--since gäller bara med --meeting")
    fmt = fmt or "table"
    if fmt not in ("table", "csv", "docx", "pdf"):
        fail(f"--format: välj table, csv, docx eller pdf (angivet: {fmt!r})")
    first = parse_date(start, "--from") if start else None
    last = parse_date(end, "--to") if end else None
    a = application()
    with a.sessions() as session:
        if fmt in ("docx", "pdf"):
            today = now().astimezone(a.settings.tz).date()
            answered = registry.answered_in(registry.entries(session, a.settings.tz), first, last)
            content = answered_rounds.render(
                organisation(session), answered, first, last, fmt, today
            )
            out.mkdir(parents=True, exist_ok=True)
            path = out / f"besvarade-remisser-{today.isoformat()}.{fmt}"
            path.write_bytes(content)
            typer.echo(str(path))
            return
        rows = registry.entries(session, a.settings.tz, first, last)
    if fmt == "csv":
        typer.echo(registry.as_csv(rows), nl=False)
        return
    if not rows:
        typer.echo("Inga remisser i perioden.")
        return
    typer.echo(f"{'diarienummer':<16} {'status':<11} {'nationell':<10} {'skickad':<10} svar  titel")
    for row in rows:
        sent = row.sent.isoformat() if row.sent else ""
        typer.echo(
            f"{row.reference:<16} {row.state:<11} {row.national_deadline.isoformat():<10} "
            f"{sent:<10} {row.answered}/{row.asked:<3} {row.title}"
        )


def _meeting_pack(meeting: str, since: str | None, fmt: str, out: Path) -> None:
    """Write the pack for the RSL AU meeting on ``meeting`` and print where it went."""
    from remiss.reports import meeting_pack, meeting_render

    if fmt not in ("docx", "pdf"):
        fail(f"--format: med --meeting välj docx eller pdf (angivet: {fmt!r})")
    day = parse_date(meeting, "--meeting")
    previous = parse_date(since, "--since") if since is not None else None
    if previous is not None and previous > day:
        fail(
            f"--since: förra mötet ({previous.isoformat()}) ligger efter mötet ({day.isoformat()})"
        )
    a = application()
    with a.sessions() as session:
        pack = meeting_pack.build(session, a.settings.tz, day, previous)
    content = meeting_render.render(pack, fmt)
    out.mkdir(parents=True, exist_ok=True)
    path = out / meeting_render.file_name(pack, fmt)
    path.write_bytes(content)
    typer.echo(str(path))
