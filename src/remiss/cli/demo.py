"""``remiss demo``: one whole round, end to end, in a temporary data folder.

The clock is set, step by step, from the day the round opens to the day after its
internal deadline, so the demo shows in seconds what takes six weeks.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from remiss.cli.shell import shell

if TYPE_CHECKING:
    from remiss.app import App

commands = typer.Typer()

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

# Who answers what. RPO Cancersjukdomar answers, its regions disagreeing (escalated at
# once); Johan Engström only saves a draft. Both kunskapsråd and the processtöd (Malin Ros,
# who drafts) are told, not asked.
ANSWERS: list[tuple[str, dict[str, str] | None]] = [
    (
        "per.wallin@rjl.example.org",
        {
            "stallningstagande": "Ställer sig bakom med synpunkter",
            "innehall": "Vårdprogrammet är väl genomarbetat.\n\n"
            "Avsnittet om uppföljning efter avslutad behandling bör förtydligas.",
            "konsekvenser": "Kräver utökad tillgång till onkologisk sjuksköterska i RJL.",
        },
    ),
    (
        "karin.kvist@rkl.example.org",
        {
            "stallningstagande": "Ställer sig bakom",
            "kapitel": "Kapitel 7.2, s. 41: hänvisningen till <b>tabell 3</b> är fel. "
            "<script>alert('x')</script>",
        },
    ),
    (
        "olof.sandberg@rog.example.org",
        {
            "stallningstagande": "Ställer sig inte bakom",
            "ovrigt": "Förslaget om centralisering av rekonstruktiv kirurgi saknar "
            "konsekvensanalys för Region Östergötland. { MERGEFIELD Namn }",
        },
    ),
    ("johan.engstrom@rkl.example.org", None),  # Inga synpunkter
]
# What the lead's officer (here the ordförande: the group has no processtöd) drafts.
DRAFT_POSITIONS = {"stallningstagande": "Ställer sig bakom med synpunkter"}
DRAFT_TEXTS = {
    "stallningstagande": "Region Östergötland ser behov av en konsekvensanalys för "
    "centraliseringen av rekonstruktiv kirurgi innan den genomförs.",
    "innehall": "Vårdprogrammet är väl genomarbetat. Avsnittet om uppföljning efter avslutad "
    "behandling bör förtydligas.",
    "konsekvenser": "Vårdprogrammet kräver utökad tillgång till onkologisk sjuksköterska.",
}


def at(text: str) -> str:
    """A Stockholm wall-clock time as an ISO instant."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ).isoformat()


def say(text: str) -> None:
    typer.echo(f"• {text}")


@commands.command(
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
    from remiss.app import deliver_outbox
    from remiss.core import clock
    from remiss.core.db import upgrade
    from remiss.core.examples import sample_directory
    from remiss.core.models import Round
    from remiss.core.swedish import date_sv
    from remiss.directory import sync as directory
    from remiss.mail import sink
    from remiss.reviewers import answers
    from remiss.rounds import spec as roundspec
    from remiss.usecases.answering import decide, send
    from remiss.usecases.opening import open_rounds
    from remiss.usecases.runtime import inline
    from remiss.usecases.sweep import sweep
    from remiss.yttrande import documents, drafts, to_folder

    upgrade(a.engine)
    with a.transaction() as session:
        result = directory.apply(session, directory.load(sample_directory()), actor="demo")
    say(f"Katalogen inläst: {result.summary()}")

    round_file = folder / "remiss.yaml"
    round_file.write_text(ROUND, encoding="utf-8")
    clock.set_now(datetime.fromisoformat(at("2026-02-16T09:00")))
    rt = inline(a)
    [r] = open_rounds(rt, roundspec.load(round_file), "demo").rounds
    say(
        f"Remissen {r.reference} öppnad: {r.invitations} inbjudningar skickade, "
        f"{r.informed} för kännedom "
        f"(intern svarsdag {date_sv(r.internal_deadline)})"
    )

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
    deliver_outbox(a)
    escalated = [
        m
        for m in sink.read_all(a.settings.sink_dir)
        if m.subject.startswith("Meningsskiljaktighet")
    ]
    say(
        f"{len(ANSWERS)} svar inskickade (ett med HTML och fältkoder, ett ”Inga synpunkter”); "
        f"meningsskiljaktigheten rapporterades i {len(escalated)} e-postmeddelanden"
    )

    clock.set_now(datetime.fromisoformat(at("2026-03-20T08:05")))
    swept = sweep(rt, "demo")
    say(f"Påminnelser 20 mars: {swept.reminders.digests} skickade till dem som inte svarat")

    clock.set_now(datetime.fromisoformat(at("2026-03-28T00:05")))
    swept = sweep(rt, "demo")
    say(f"Svarstiden gick ut: stängde remiss id {', '.join(map(str, swept.closed_round_ids))}")

    clock.set_now(datetime.fromisoformat(at("2026-03-30T10:00")))
    with a.transaction() as session:
        round_ = session.get(Round, r.round_id)
        assert round_ is not None and round_.drafter is not None
        drafter, drafter_name = round_.drafter.email, round_.drafter.name
        drafts.save(session, a.settings, round_.id, drafter, DRAFT_POSITIONS, DRAFT_TEXTS)
        handed = drafts.save(
            session, a.settings, round_.id, drafter, DRAFT_POSITIONS, DRAFT_TEXTS, hand_over=True
        )
    deliver_outbox(a)
    say(
        f"{drafter_name} (ansvarig grupp) skrev utkastet till yttrande och lämnade det till samordnaren "
        f"(version {handed.number})"
    )

    clock.set_now(datetime.fromisoformat(at("2026-04-07T14:00")))
    decided = decide(
        rt,
        r.round_id,
        by="Samverkansnämndens presidium",
        on=date(2026, 4, 7),
        paragraph="§ 14",
        actor="demo",
    )
    sent = send(rt, r.round_id, to="registrator@rcc.example.org", actor="demo").sent
    say(
        f"Presidiet beslutade version {decided.draft} den {date_sv(date(2026, 4, 7))}; "
        f"yttrandet (daterat samma dag) skickades till {sent.to}, "
        f"PDF sha256 {sent.pdf_sha256[:12]}…"
    )

    out = folder / "dokument"
    with a.transaction() as session:
        written = to_folder.write(session, a.settings, r.round_id, documents.FORMATS, out)
    mail = sink.read_all(a.settings.sink_dir)
    say(f"{len(mail)} e-postmeddelanden ligger i {a.settings.sink_dir}")
    typer.echo("\nYttrandet (det som skickas) och sammanställningen (intern) finns här:")
    for path in written:
        typer.echo(str(path.resolve()))
