"""``remiss demo``: one whole round, end to end, in a temporary data folder.

The clock is set, step by step, from the day the round opens to the day after its
internal deadline, so the demo shows in seconds what takes six weeks.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from remiss.cli import app, shell

if TYPE_CHECKING:
    from remiss.app import App

ROUND = """\
reference: KS-2026-003
title: "Bröstcancer, nationellt vårdprogram"
kind: nationellt vårdprogram
issuer: RCC i samverkan
areas: [cancersjukdomar]
groups: [kr-halsa-rehab]
opens: 2026-02-16
deadline: 2026-04-14
coordinator: kansli@sosr.example.org
documents:
  - {title: Remissversion, url: "https://example.org/vardprogram/brostcancer-remissversion.pdf"}
  - {title: Konsekvensbeskrivning, url: "https://example.org/vardprogram/brostcancer-konsekvenser.pdf"}
"""
TZ = ZoneInfo("Europe/Stockholm")

# Who answers what. RPO Cancersjukdomar answers; the kunskapsråd kirurgi och cancer
# says "Inga synpunkter"; the kunskapsråd hälsa och rehabilitering stays silent.
ANSWERS: list[tuple[str, dict[str, str] | None]] = [
    (
        "per.wallin@rjl.example.org",
        {
            "stallningstagande": "Tillstyrker med synpunkter",
            "innehall": "Vårdprogrammet är väl genomarbetat.\n\n"
            "Avsnittet om uppföljning efter avslutad behandling bör förtydligas.",
            "konsekvenser": "Kräver utökad tillgång till onkologisk sjuksköterska i RJL.",
        },
    ),
    (
        "karin.kvist@rkl.example.org",
        {
            "stallningstagande": "Tillstyrker",
            "avsnitt": "Avsnitt 7.2, s. 41: hänvisningen till <b>tabell 3</b> är fel. "
            "<script>alert('x')</script>",
        },
    ),
    (
        "olof.sandberg@rog.example.org",
        {
            "stallningstagande": "Avstyrker",
            "ovrigt": "Förslaget om centralisering av rekonstruktiv kirurgi saknar "
            "konsekvensanalys för Region Östergötland. { MERGEFIELD Namn }",
        },
    ),
    ("anna.ekstrom@rjl.example.org", None),  # Inga synpunkter
]


def at(text: str) -> str:
    """A Stockholm wall-clock time as an ISO instant."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ).isoformat()


def say(text: str) -> None:
    typer.echo(f"• {text}")


@app.command(
    "demo", help="Kör en hel remissrunda i en tillfällig katalog och visa var yttrandet hamnade."
)
@shell
def demo(
    keep: Annotated[
        Path | None, typer.Option("--dir", help="Använd denna katalog i stället för en tillfällig.")
    ] = None,
) -> None:
    """Run a whole round end to end in a temporary data folder; print where the yttrande is."""
    from remiss.app import App, read_settings, use

    folder = keep or Path(tempfile.mkdtemp(prefix="remiss-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "var"
    # Self-contained: its own database, data folder and sink, whatever the environment says.
    settings = read_settings(
        _env_file=None,
        data_dir=data,
        database_url=f"sqlite:///{(data / 'remiss.db').resolve()}",
        smtp_host=None,
        smtp_port=None,
        coordinators=["kansli@sosr.example.org"],
        secret_key=None,  # generated into the demo's data folder
        sink_port=1,  # never an already running sink: each step gets its own
    )
    application = App.create(settings)
    use(application)
    try:
        _run(folder, application)
    finally:
        use(None)


def _run(folder: Path, a: App) -> None:
    from flows.open_round import open_round
    from flows.reminders import reminder_sweep

    from remiss.app import deliver_outbox
    from remiss.core import clock
    from remiss.core.db import upgrade
    from remiss.core.examples import sample_directory
    from remiss.directory import sync as directory
    from remiss.mail import sink
    from remiss.reviewers import answers
    from remiss.yttrande import documents
    from remiss.yttrande.versions import latest

    upgrade(a.engine)
    with a.transaction() as session:
        result = directory.apply(session, directory.load(sample_directory()), actor="demo")
    say(f"Katalogen inläst: {result.summary()}")

    round_file = folder / "remiss.yaml"
    round_file.write_text(ROUND, encoding="utf-8")
    clock.set_now(datetime.fromisoformat(at("2026-02-16T09:00")))
    opened = open_round.fn(str(round_file), None, "demo")
    [r] = opened["rounds"]
    say(f"Remissen {r['reference']} öppnad: {r['invitations']} inbjudningar skickade "
        f"(intern svarsdag {r['internal_deadline']})")  # fmt: skip

    tokens = {}
    for message in sink.read_all(a.settings.sink_dir):
        for line in message.text().splitlines():
            if "/r/" in line.strip() and line.strip().startswith("http"):
                address = message.to.rsplit("<", 1)[-1].rstrip(">")
                tokens[address] = line.strip().rsplit("/r/", 1)[1]

    clock.set_now(datetime.fromisoformat(at("2026-03-02T10:15")))
    for email, values in ANSWERS:
        with a.transaction() as session:
            answers.submit(
                session, a.settings, tokens[email], values or {}, no_comments=values is None
            )
    with a.transaction() as session:
        answers.save_draft(
            session,
            tokens["johan.engstrom@rkl.example.org"],
            {"innehall": "Ett halvfärdigt utkast"},
        )
    deliver_outbox(a)
    say(f"{len(ANSWERS)} svar inskickade (ett med HTML och fältkoder, ett ”Inga synpunkter”); "
        "ett utkast sparat; Kunskapsråd hälsa och rehabilitering tiger")  # fmt: skip

    sweep = reminder_sweep.fn(at("2026-03-20T08:05"))
    say(f"Påminnelser 20 mars: {sweep['reminders']['digests']} skickade till dem som inte svarat")

    sweep = reminder_sweep.fn(at("2026-03-28T00:05"))
    say(f"Svarstiden gick ut: stängde remiss id {', '.join(map(str, sweep['closed_round_ids']))}")

    out = folder / "yttrande"
    out.mkdir(exist_ok=True)
    with a.transaction() as session:
        version = latest(session, r["round_id"])
        assert version is not None
        paths = []
        for fmt in documents.FORMATS:
            path = out / documents.file_name(r["reference"], fmt)
            path.write_bytes(documents.content(version, fmt) or b"")
            paths.append(path)
    mail = sink.read_all(a.settings.sink_dir)
    say(f"Yttrandet sammanställt (version {version.number}); samordnaren har fått besked. "
        f"{len(mail)} e-postmeddelanden ligger i {a.settings.sink_dir}")  # fmt: skip
    typer.echo("\nYttrandet finns här:")
    for path in paths:
        typer.echo(str(path.resolve()))
