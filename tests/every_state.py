"""Rounds in the states a register shows, each driven there by the real services.

Over the sample directory (loaded), in one remiss period and outside it:

- OV-SKICKAD (the period): RSG Medicinsk teknik answers, the draft is handed over,
  decided by Samverkansnämndens presidium on 8 April 2026 (§ 14) and sent on 9 April.
- OV-OPPEN (the period): RSG Hälsodata is asked; still collecting.
- OV-BEREDNING (the period): RPO Kirurgi answers; closed, the lead drafting.
- OV-INKOMMEN, OV-AVSTAR, OV-PER-REGION (no period): registered for triage; the first
  waits for it, the other two were triaged on 1 April 2026 (avstår with a reason, per
  region).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from remiss.app import App
from remiss.core.clock import set_now
from remiss.core.models import Person
from remiss.core.states import TriageDecision
from remiss.reviewers import answers
from remiss.rounds import lifecycle, triage
from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from remiss.yttrande import drafts, sending
from tests.mailcatcher import MailCatcher

COORDINATOR = "kansli@sosr.example.org"
PERIOD = "Remissperiod våren 2026"
SENDER = "registrator@socialstyrelsen.example.org"
AVSTAR_REASON = "Berör inte regionernas verksamhet"
DECIDED_BY = "Samverkansnämndens presidium"
DECIDED_ON = date(2026, 4, 8)
SENT_ON = date(2026, 4, 9)
TRIAGED_ON = date(2026, 4, 1)
JOINT_POSITION = "Tillstyrker med synpunkter"

IN_PERIOD = f"""
defaults:
  period: {PERIOD}
  issuer: Nationellt system för kunskapsstyrning hälso- och sjukvård
  opens: 2026-02-16
  deadline: 2026-04-14
  coordinator: {COORDINATOR}
rounds:
  - {{reference: OV-SKICKAD, title: "3D-utskrivna medicintekniska produkter, vägledning", kind: vägledning, areas: [lakemedel-och-medicinteknik]}}
  - {{reference: OV-OPPEN, title: "Hälsodata i uppföljningen, stöddokument", kind: stöddokument, areas: [halsodata]}}
  - {{reference: OV-BEREDNING, title: "Analfissur, kliniskt kunskapsstöd", kind: kliniskt kunskapsstöd, areas: [kirurgi-och-plastikkirurgi]}}
"""
FOR_TRIAGE = [
    """
reference: OV-INKOMMEN
title: "Cancerläkemedel i öppenvård, synpunktsinhämtning"
kind: synpunktsinhämtning
issuer: Socialstyrelsen
areas: [cancersjukdomar]
opens: 2026-03-16
deadline: 2026-05-29
coordinator: kansli@sosr.example.org
""",
    """
reference: OV-AVSTAR
title: "Tandvårdsstöd, remiss"
kind: riktlinjer
issuer: Socialstyrelsen
areas: [mag-och-tarmsjukdomar]
opens: 2026-03-16
deadline: 2026-05-29
coordinator: kansli@sosr.example.org
""",
    """
reference: OV-PER-REGION
title: "Rörelseorganens sjukdomar, regional fördelning"
kind: synpunktsinhämtning
issuer: Socialstyrelsen
areas: [rorelseorganens-sjukdomar]
opens: 2026-03-16
deadline: 2026-05-29
coordinator: kansli@sosr.example.org
""",
]


@dataclass(frozen=True)
class World:
    ids: dict[str, int]  # reference → round id

    def __getitem__(self, reference: str) -> int:
        return self.ids[reference]


def local(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}+02:00")


def build(app: App, catcher: MailCatcher, deliver: Callable[[], object]) -> World:
    """Drive the rounds above to their states, each step in a transaction of its own."""
    settings = app.settings
    with app.transaction() as session:
        opened = rounds.open_rounds(session, settings, roundspec.loads(IN_PERIOD), COORDINATOR)
        registered = rounds.open_rounds(
            session,
            settings,
            [p for text in FOR_TRIAGE for p in roundspec.loads(text)],
            COORDINATOR,
            triage=True,
        )
    ids = {r.reference: r.round_id for r in [*opened, *registered]}
    deliver()

    def token(email: str) -> str:
        [mail] = catcher.to(email)
        return str(mail.tokens()[-1])

    set_now(local("2026-03-02T10:00:00"))
    with app.transaction() as session:
        for email, position in (
            ("elin.blom@rkl.example.org", "Tillstyrker"),
            ("kristina.ekstrom@rog.example.org", "Tillstyrker med synpunkter"),
            ("lars.kvist@rkl.example.org", "Avstyrker"),
        ):
            answers.submit(session, settings, token(email), {"stallningstagande": position},
                           no_comments=False)  # fmt: skip

    set_now(local("2026-04-01T10:00:00"))
    with app.transaction() as session:
        triage.decide(session, settings, ids["OV-AVSTAR"], TriageDecision.AVSTAR,
                      AVSTAR_REASON, COORDINATOR)  # fmt: skip
        triage.decide(session, settings, ids["OV-PER-REGION"], TriageDecision.PER_REGION,
                      None, COORDINATOR)  # fmt: skip
    for reference in ("OV-SKICKAD", "OV-BEREDNING"):
        with app.transaction() as session:
            lifecycle.close(session, ids[reference], COORDINATOR)
    with app.transaction() as session:
        drafts.save(session, settings, ids["OV-SKICKAD"], COORDINATOR,
                    {"stallningstagande": JOINT_POSITION},
                    {"stallningstagande": "Vägledningen behöver ett avsnitt om sterilisering."},
                    hand_over=True)  # fmt: skip
    with app.transaction() as session:
        sending.decide(session, ids["OV-SKICKAD"], by=DECIDED_BY, on=DECIDED_ON,
                       paragraph="§ 14", actor=COORDINATOR)  # fmt: skip

    set_now(local("2026-04-09T09:00:00"))
    with app.transaction() as session:
        sending.send(session, settings, ids["OV-SKICKAD"], to=SENDER, actor=COORDINATOR)
    deliver()
    return World(ids)


def people(app: App) -> list[str]:
    """Every person's name and email in the directory."""
    with app.sessions() as session:
        found = session.execute(select(Person.name, Person.email)).all()
    return [text for row in found for text in row]
