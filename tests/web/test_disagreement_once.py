"""Meningsskiljaktighet that matters, mailed once: reviewers answer through their pages, the
worker looks after each request (``WorkedClient``), and the mail is read from the catcher.

The round goes to three groups, RPO Sällsynta sjukdomar leading; a kunskapsråd and each
RPO's processtöd are told.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from remiss.app import App
from remiss.core import clock
from remiss.core.models import AnswerVersion, Round
from remiss.mail import outbox
from remiss.usecases.worker import Worker
from tests.mailcatcher import Received, RunningCatcher
from tests.web.conftest import COORDINATOR, Opened, csrf_of, open_round
from tests.web.test_yttrande_pages import answer

ROUND = """
reference: KS-2026-040
title: "Sällsynta skelettsjukdomar, kliniskt kunskapsstöd"
kind: kunskapsstöd
issuer: Socialstyrelsen
areas: [sallsynta-sjukdomar, rorelseorganens-sjukdomar, kvinnosjukdomar-och-forlossning]
groups: [kr-halsa-rehab]
lead: rpo-sallsynta
opens: 2026-02-16
deadline: 2026-04-14
internal_deadline: 2026-03-20
coordinator: kansli@sosr.example.org
questions: default
"""
# RPO Sällsynta sjukdomar (leads): two members from each region.
FREDRIK, YLVA = "fredrik.jonsson@rjl.example.org", "ylva.forsberg@rjl.example.org"
HOLM, KARIN = "fredrik.holm@rkl.example.org", "karin.sjoberg@rkl.example.org"
GORAN, LENA = "goran.oberg@rog.example.org", "lena.aberg@rog.example.org"  # Göran: kvinno too
# RPO Rörelseorganens sjukdomar, and RPO Kvinnosjukdomar och förlossning.
LARS, ELIN = "lars.strom@rog.example.org", "elin.lindgren@rog.example.org"
TOBIAS = "tobias.engstrom@rjl.example.org"
# Told, not asked: Kunskapsråd hälsa och rehabilitering, and each RPO's processtöd.
KUNSKAPSRAD = ["daniel.wallin@rog.example.org", "jorgen.fransson@rjl.example.org",
               "lars.dahl@rkl.example.org"]  # fmt: skip
HANNA = "hanna.vik@rog.example.org"  # the lead's processtöd, who drafts
PROCESSTOD = [HANNA, "erik.dahlin@rog.example.org", "maja.strom@rkl.example.org"]
# The coordinator, the lead's processtöd, and everyone else told: the kunskapsråd and the
# other groups' processtöd.
TOLD = sorted([COORDINATOR, *PROCESSTOD, *KUNSKAPSRAD])
NAMES = ["Fredrik Jönsson", "Ylva Forsberg", "Fredrik Holm", "Karin Sjöberg", "Göran Öberg",
         "Lena Åberg", "Lars Ström", "Elin Lindgren", "Tobias Engström"]  # fmt: skip
FOR, AGAINST = "Tillstyrker", "Avstyrker"
LARS_SAYS = "Konsekvensanalysen saknar kostnaderna för Region Östergötland."
FREDRIK_SAYS = "Ett välbehövligt stöd."


@pytest.fixture
def opened(sample_directory: App, smtp: RunningCatcher) -> Opened:
    return Opened(round_id=open_round(sample_directory, ROUND), catcher=smtp.catcher)


def says(client: TestClient, opened: Opened, email: str, position: str, **texts: str) -> None:
    fields = {f"q-{key}": text for key, text in texts.items()}
    answer(client, opened.token_for(email), **{"q-stallningstagande": position, **fields})


def reports(smtp: RunningCatcher) -> list[Received]:
    return [r for r in smtp.catcher.received if r.subject.startswith("Meningsskiljaktighet")]


def flat(text: str) -> str:
    return " ".join(text.split())


def at(day: int, hour: int, minute: int = 0) -> None:
    """Set the clock to Swedish time in February 2026 (UTC+1)."""
    clock.set_now(datetime(2026, 2, day, hour - 1, minute, tzinfo=UTC))


def test_one_dissenter_in_an_agreeing_group_escalates_nothing(
    client: TestClient, opened: Opened, smtp: RunningCatcher
) -> None:
    says(client, opened, FREDRIK, FOR)
    says(client, opened, HOLM, "Tillstyrker med synpunkter", innehall="Bra.")
    says(client, opened, GORAN, FOR)
    says(client, opened, LENA, AGAINST, ovrigt="Jag håller inte med.")

    # RPO Sällsynta sjukdomar three to one for; Region Östergötland split in itself.
    assert reports(smtp) == []


def test_two_regions_against_each_other_are_reported_once_with_the_minoritys_reasoning(
    client: TestClient, opened: Opened, smtp: RunningCatcher, sample_directory: App
) -> None:
    at(16, 10)  # a Monday
    says(client, opened, FREDRIK, FOR, innehall=FREDRIK_SAYS)
    says(client, opened, YLVA, FOR)
    says(client, opened, LARS, AGAINST, ovrigt=LARS_SAYS, konsekvenser="Fler tjänster.")

    mailed = reports(smtp)
    assert sorted(r.envelope_to[0] for r in mailed) == TOLD
    report = mailed[0]
    assert report.subject == (
        "Meningsskiljaktighet: Sällsynta skelettsjukdomar, kliniskt kunskapsstöd"
    )
    for text in (flat(report.text()), flat(report.html())):
        assert (
            "Grupper: RPO Sällsynta sjukdomar (ansvarig grupp) tillstyrker; "
            "RPO Rörelseorganens sjukdomar avstyrker." in text
        )
        assert "Regioner: Region Jönköpings län tillstyrker; Region Östergötland avstyrker." in text
        # The minority's comments, by group and region; the majority's are not quoted.
        assert "Motiveringar från minoriteten, som avstyrker" in text
        assert "RPO Rörelseorganens sjukdomar, Region Östergötland (avstyrker)" in text
        assert LARS_SAYS in text and "Fler tjänster." in text
        assert FREDRIK_SAYS not in text
        assert not [name for name in NAMES if name in text]

    # A third answer on a side already reported sends nothing, that day or the next.
    says(client, opened, ELIN, AGAINST, ovrigt="Instämmer.")
    at(17, 9)
    Worker(sample_directory).drain()
    says(client, opened, LENA, AGAINST)
    assert len(reports(smtp)) == len(TOLD)


def test_a_group_joining_a_side_on_a_day_already_mailed_is_told_the_next_working_day_once(
    client: TestClient, opened: Opened, smtp: RunningCatcher, sample_directory: App
) -> None:
    worker = Worker(sample_directory)
    at(20, 10)  # a Friday
    says(client, opened, FREDRIK, FOR)
    says(client, opened, YLVA, FOR)
    says(client, opened, LARS, AGAINST)
    assert len(reports(smtp)) == len(TOLD)

    # RPO Kvinnosjukdomar och förlossning joins the other side: not on Friday again, not
    # over the weekend, but at the first look on Monday morning, once.
    says(client, opened, TOBIAS, AGAINST, ovrigt="För få enheter.")
    assert len(reports(smtp)) == len(TOLD)
    for day, hour in ((20, 23), (21, 12), (22, 12), (23, 6)):
        at(day, hour, 59)
        worker.drain()
    assert len(reports(smtp)) == len(TOLD)
    at(23, 7)
    worker.drain()
    worker.drain()
    again = reports(smtp)[len(TOLD) :]
    assert sorted(r.envelope_to[0] for r in again) == TOLD
    text = flat(again[0].text())
    assert "Nytt sedan förra rapporten: RPO Kvinnosjukdomar och förlossning avstyrker." in text
    assert "RPO Kvinnosjukdomar och förlossning, Region Jönköpings län (avstyrker)" in text
    assert "För få enheter." in text
    at(23, 15)
    worker.drain()
    assert len(reports(smtp)) == 2 * len(TOLD)


def test_a_tied_lead_group_escalates_and_a_divided_region_is_named_so(
    client: TestClient, opened: Opened, smtp: RunningCatcher
) -> None:
    says(client, opened, HOLM, FOR, innehall="Tydligt och bra.")
    says(client, opened, KARIN, AGAINST, ovrigt="Saknar barnperspektivet.")

    [report, *_] = reports(smtp)
    text = flat(report.text())
    assert (
        "Grupper: inom RPO Sällsynta sjukdomar (ansvarig grupp) är ställningstagandet delat."
        in text
    )
    assert "Regioner: inom Region Kalmar län är ställningstagandet delat." in text
    # As many on each side: both sides' reasoning.
    assert "Motiveringar från båda sidor" in text
    assert "Tydligt och bra." in text and "Saknar barnperspektivet." in text
    assert "Fredrik Holm" not in text and "Karin Sjöberg" not in text


def test_an_answer_with_consequences_at_system_level_goes_at_once_to_the_informed(
    client: TestClient, opened: Opened, smtp: RunningCatcher, sample_directory: App
) -> None:
    token = opened.token_for(ELIN)
    page = client.get(f"/r/{token}")
    assert 'name="system_level"' in page.text and "konsekvenser på systemnivå" in page.text
    form = {
        "csrf_token": csrf_of(page.text),
        "action": "submit",
        "q-stallningstagande": "Tillstyrker med synpunkter",
        "q-konsekvenser": "Kräver en gemensam regional strålbehandlingsenhet.",
        "system_level": "1",
    }
    with client.worker_stopped():  # type: ignore[attr-defined]
        assert client.post(f"/r/{token}", data=form, follow_redirects=False).status_code == 303
        # Queued by the submission itself, before any worker looks.
        with sample_directory.sessions() as session:
            queued = [m.recipient for m in outbox.of_kind(session, opened.round_id, "system_level")]
            [marked] = session.scalars(select(AnswerVersion.system_level)).all()
    assert sorted(queued) == sorted([COORDINATOR, *KUNSKAPSRAD])
    assert marked is True
    Worker(sample_directory).drain()
    # Come back to the page: the mark is shown as it was sent.
    assert 'name="system_level" value="1" aria-describedby="systemniva-hint" checked' in (
        client.get(f"/r/{token}").text
    )

    sent = [r for r in smtp.catcher.received if r.subject.startswith("Konsekvenser på systemnivå")]
    assert sorted(r.envelope_to[0] for r in sent) == sorted([COORDINATOR, *KUNSKAPSRAD])
    text = flat(sent[0].text())
    assert "RPO Rörelseorganens sjukdomar, Region Östergötland" in text
    assert "Kräver en gemensam regional strålbehandlingsenhet." in text

    # Without the mark, an answer goes to nobody but its sender's receipt.
    says(client, opened, LARS, AGAINST, konsekvenser="Inget på systemnivå.")
    assert len([r for r in smtp.catcher.received if "systemnivå" in r.subject]) == len(sent)


def test_the_coordinator_notes_how_the_disagreement_was_handled_on_the_round_page(
    coordinator: TestClient, opened: Opened, sample_directory: App
) -> None:
    client = coordinator
    says(client, opened, FREDRIK, FOR)
    says(client, opened, LARS, AGAINST)
    page = coordinator.get(f"/rounds/{opened.round_id}")
    assert "Meningsskiljaktighet" in page.text
    assert f'action="/rounds/{opened.round_id}/disagreement"' in page.text

    note = "Avstämt med RPO Rörelseorganens sjukdomar den 18 februari; synpunkten tas med."
    done = coordinator.post(
        f"/rounds/{opened.round_id}/disagreement",
        data={"csrf_token": csrf_of(page.text), "handled": note},
        follow_redirects=False,
    )
    assert done.status_code == 303
    shown = coordinator.get(f"/rounds/{opened.round_id}").text
    assert "Hanteringen av meningsskiljaktigheten är antecknad." in shown
    assert note in shown

    empty = coordinator.post(
        f"/rounds/{opened.round_id}/disagreement",
        data={"csrf_token": csrf_of(shown), "handled": "  "},
        follow_redirects=False,
    )
    assert empty.status_code == 422
    # Without the page's token nothing is kept.
    forged = coordinator.post(
        f"/rounds/{opened.round_id}/disagreement", data={"handled": "Förfalskad"}
    )
    assert forged.status_code in (400, 403)
    with sample_directory.sessions() as session:
        round_ = session.get(Round, opened.round_id)
        assert round_ is not None and round_.disagreement_handled == note


def test_only_a_coordinator_may_note_how_a_disagreement_was_handled(
    client: TestClient, opened: Opened, sample_directory: App
) -> None:
    page = client.get("/login")
    refused = client.post(
        f"/rounds/{opened.round_id}/disagreement",
        data={"csrf_token": csrf_of(page.text), "handled": "Inte min sak."},
        follow_redirects=False,
    )
    assert refused.status_code in (303, 401, 403)
    assert not re.search(r"/rounds/\d+$", refused.headers.get("location", ""))
    with sample_directory.sessions() as session:
        round_ = session.get(Round, opened.round_id)
        assert round_ is not None and round_.disagreement_handled is None
