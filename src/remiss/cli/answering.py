"""``remiss round triage``, ``decide`` and ``send``: deciding what to answer, and the answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer

from remiss.cli.process import application, runtime
from remiss.cli.shell import parse_date, shell

commands = typer.Typer()

RoundArg = Annotated[str, typer.Argument(metavar="ROUND")]


@commands.command(
    "triage", help="Besluta om en inkommen remiss: samordnas, per-region eller avstår."
)
@shell
def round_triage(
    round_ref: RoundArg,
    decision: Annotated[
        str, typer.Option("--decision", help="samordnas, per-region eller avstår.")
    ],
    reason: Annotated[str | None, typer.Option("--reason", help="Skälet, som sparas.")] = None,
    notify_sender: Annotated[
        bool,
        typer.Option(
            "--notify-sender", help="Vid avstår: meddela mottagaren att vi inte yttrar oss."
        ),
    ] = False,
) -> None:
    """Decide a round's triage: samordnas opens it (invitations go out), the rest end it.

    A decision may be changed, with --reason, while nobody has answered."""
    from remiss.core.states import TriageDecision
    from remiss.rounds import triage
    from remiss.rounds.opening import find
    from remiss.usecases.opening import triage as triage_round

    chosen = triage.parse(decision)
    with application().sessions() as session:
        round_id = find(session, round_ref).id
    done = triage_round(
        runtime(), round_id, chosen, reason, "cli", notify_sender=notify_sender
    ).triaged
    changed = " (ändrat)" if done.changed else ""
    if done.invitations:
        typer.echo(
            f"{done.reference}: samordnas{changed}; {done.invitations} inbjudningar skickade."
        )
        return
    told = ""
    if done.decision == TriageDecision.PER_REGION:
        told = f"; remissen skickad till {done.letters} regioners registratorer"
    elif done.letters:
        told = "; mottagaren meddelad att vi inte yttrar oss"
    typer.echo(f"{done.reference}: {triage.DECISION_WORDS[done.decision]}{changed}{told}.")


@commands.command("decide", help="Registrera beslutet om yttrandet (efter att utkastet lämnats).")
@shell
def round_decide(
    round_ref: RoundArg,
    by: Annotated[str, typer.Option("--by", help="Vem som beslutade, t.ex. presidiet.")],
    on: Annotated[
        str | None, typer.Option("--date", help="Beslutsdag ÅÅÅÅ-MM-DD (standard: i dag).")
    ] = None,
    paragraph: Annotated[
        str | None, typer.Option("--paragraph", help="Protokollets paragraf.")
    ] = None,
    not_taking_part: Annotated[
        str | None,
        typer.Option("--not-taking-part", help="Vilka som inte deltog i beslutet (jäv)."),
    ] = None,
    signatory: Annotated[
        list[str] | None,
        typer.Option(
            "--signatory",
            help="Undertecknare, ”Namn, titel” (upprepa för flera; standard: remisstypens).",
        ),
    ] = None,
    own_decision: Annotated[
        list[str] | None,
        typer.Option(
            "--own-decision",
            help="Om en region fattar eget beslut, ”RJL=ja” eller ”RKL=nej” (en per region; "
            "när remisstypen frågar, t.ex. NHV).",
        ),
    ] = None,
) -> None:
    """Record who decided the yttrande, when, the paragraph, and who did not take part."""
    from remiss.core.clock import now
    from remiss.core.swedish import date_sv
    from remiss.rounds.opening import find
    from remiss.usecases.answering import decide

    a = application()
    day = parse_date(on, "--date") if on else now().astimezone(a.settings.tz).date()
    with a.sessions() as session:
        round_id = find(session, round_ref).id
    decided = decide(
        runtime(),
        round_id,
        by=by,
        on=day,
        paragraph=paragraph,
        not_taking_part=not_taking_part,
        signatories=signatory or (),
        own_decisions=_own_decisions(own_decision or ()),
        actor="cli",
    )
    typer.echo(
        f"{decided.reference}: utkast version {decided.draft} beslutat av {by} den {date_sv(day)}."
    )


def _own_decisions(given: Sequence[str]) -> dict[str, str]:
    """ "RJL=ja" options as {"RJL": "ja"}; a malformed one is a usage error."""
    chosen: dict[str, str] = {}
    for item in given:
        code, sep, answer = item.partition("=")
        if not sep or not code.strip():
            raise typer.BadParameter(
                f"skriv ”REGION=ja” eller ”REGION=nej” (angivet: {item[:40]})",
                param_hint="--own-decision",
            )
        chosen[code.strip()] = answer
    return chosen


@commands.command("send", help="Skicka det beslutade yttrandet (PDF och Word) till mottagaren.")
@shell
def round_send(
    round_ref: RoundArg,
    to: Annotated[
        str | None, typer.Option("--to", help="Mottagare (standard: remissens mottagare).")
    ] = None,
    again: Annotated[
        bool, typer.Option("--again", help="Skicka igen fast det redan är skickat.")
    ] = False,
) -> None:
    """Mail the decided yttrande to the recipient, a copy to the coordinator; once."""
    from remiss.rounds.opening import find
    from remiss.usecases.answering import send

    with application().sessions() as session:
        round_id = find(session, round_ref).id
    done = send(runtime(), round_id, to=to, again=again, actor="cli")
    sent, report = done.sent, done.follow_up.delivery
    delivered = (
        f"{report.sent} meddelanden levererade"
        if report is not None
        else "e-posten skickas av arbetaren"
    )
    typer.echo(
        f"{sent.reference}: yttrandet skickat till {sent.to} (kopia till samordnaren); "
        f"{delivered}. PDF sha256 {sent.pdf_sha256}, Word sha256 {sent.docx_sha256}."
    )
