"""The joint answer, start to finish: disagreement escalated while the round runs, the
lead's processtöd drafting after it closes, the coordinator downloading the yttrande that
speaks with one voice, and the sammanställning that keeps who said what.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select

from remiss.app import App, deliver_outbox
from remiss.core import clock
from remiss.core.models import LetterFile, Round, YttrandeDraft
from remiss.usecases.worker import Worker
from remiss.web import create_app
from remiss.web.rate_limits import RateLimiter
from tests.mailcatcher import Received, RunningCatcher
from tests.web.conftest import COORDINATOR, LOGIN_LINK, csrf_of, open_round
from tests.web.test_yttrande_pages import answer, docx_text, post
from tests.working import WorkedClient, downloaded

PROCESSTOD = "malin.ros@rjl.example.org"  # RPO Cancersjukdomar's, in the sample directory
PER, KARIN, OLOF, JOHAN = (
    "per.wallin@rjl.example.org",
    "karin.kvist@rkl.example.org",
    "olof.sandberg@rog.example.org",
    "johan.engstrom@rkl.example.org",
)
KUNSKAPSRAD = ["anna.ekstrom@rjl.example.org", "olof.hellstrom@rkl.example.org",
               "sara.lind@rog.example.org"]  # fmt: skip
REVIEWER_NAMES = ["Per Wallin", "Karin Kvist", "Olof Sandberg", "Johan Engström"]
ROUND = """
reference: KS-2026-003
our_reference: SÖSR-2026-017
title: "Bröstcancer, nationellt vårdprogram"
kind: nationellt vårdprogram
issuer: RCC i samverkan
areas: [cancersjukdomar]
lead: rpo-cancer
opens: 2026-02-16
deadline: 2026-04-14
internal_deadline: 2026-03-20
coordinator: kansli@sosr.example.org
questions: default
"""
EDITED = "Regionerna ser vårdprogrammet som väl genomarbetat.\n\nUppföljningen bör förtydligas."


@pytest.fixture
def browser(sample_directory: App) -> Iterator[TestClient]:
    web = create_app(sample_directory, limiter=RateLimiter(capacity=1000, per_second=1))
    with WorkedClient(web, base_url="http://remiss.test") as client:
        yield client


def tokens(catcher_received: list[Received]) -> dict[str, str]:
    return {r.envelope_to[0]: r.tokens()[-1] for r in catcher_received if r.tokens()}


def disagreement_mail(smtp: RunningCatcher) -> list[Received]:
    return [r for r in smtp.catcher.received if r.subject.startswith("Meningsskiljaktighet")]


def log_in_by_mailed_link(client: TestClient, mail: Received) -> None:
    match = LOGIN_LINK.search(mail.text())
    assert match, "the drafting email holds no login link"
    confirm = client.get(f"/login/{match.group(1)}")
    done = client.post(
        f"/login/{match.group(1)}", data={"csrf_token": csrf_of(confirm.text)},
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303


def test_the_joint_answer_from_disagreement_to_a_handed_over_draft(
    sample_directory: App, browser: TestClient, smtp: RunningCatcher
) -> None:
    app = sample_directory
    round_id = open_round(app, ROUND)
    links = tokens(smtp.catcher.received)
    # The processtöd and the kunskapsråd are only told; the group's other members are asked.
    assert not any(k in links for k in [PROCESSTOD, *KUNSKAPSRAD])
    assert all(k in links for k in (PER, KARIN, OLOF, JOHAN))
    [told] = smtp.catcher.to(PROCESSTOD)
    assert told.subject.startswith("För kännedom:")

    # Two regions of the lead group take opposite positions: escalated at once.
    answer(browser, links[PER], **{"q-stallningstagande": "Tillstyrker", "q-innehall": "Bra."})
    answer(browser, links[OLOF], **{"q-stallningstagande": "Avstyrker",
                                    "q-ovrigt": "Konsekvensanalys saknas för RÖ."})  # fmt: skip
    deliver_outbox(app)
    first = disagreement_mail(smtp)
    assert sorted(r.envelope_to[0] for r in first) == sorted(
        [COORDINATOR, PROCESSTOD, *KUNSKAPSRAD]
    )
    text = " ".join(first[0].text().split())
    assert first[0].subject == "Meningsskiljaktighet: Bröstcancer, nationellt vårdprogram"
    assert "Grupper: inom RPO Cancersjukdomar (ansvarig grupp) är ställningstagandet delat." in text
    assert "Regioner: Region Jönköpings län tillstyrker; Region Östergötland avstyrker." in text
    # As many for as against: both sides' reasoning, by group and region.
    assert "RPO Cancersjukdomar, Region Östergötland (avstyrker)" in text
    assert "Konsekvensanalys saknas för RÖ." in text and "Bra." in text
    assert not any(name in text for name in REVIEWER_NAMES)
    # The same picture again (an edit that keeps the position) mails nobody.
    answer(browser, links[PER], **{"q-stallningstagande": "Tillstyrker", "q-innehall": "Bra!"})
    deliver_outbox(app)
    assert len(disagreement_mail(smtp)) == len(first)
    # Region Kalmar län joins a side the same day: told the next working day, once.
    answer(browser, links[KARIN], **{"q-stallningstagande": "Tillstyrker med synpunkter"})
    deliver_outbox(app)
    assert len(disagreement_mail(smtp)) == len(first)
    clock.set_now(datetime(2026, 2, 17, 6, 0, tzinfo=UTC))  # Tuesday 07.00 in Sweden
    Worker(app).drain()
    changed = disagreement_mail(smtp)[len(first) :]
    assert len(changed) == len(first)
    assert "Region Jönköpings län och Region Kalmar län tillstyrker" in changed[0].text()
    assert (
        "Nytt sedan förra rapporten: RPO Cancersjukdomar tillstyrker; Region Kalmar län "
        "tillstyrker." in changed[0].text()
    )

    # Closing: the processtöd gets a login link to draft the answer.
    browser.cookies.clear()
    from tests.web.conftest import login

    login(browser, smtp.catcher)
    assert post(browser, f"/rounds/{round_id}/close").status_code == 303
    deliver_outbox(app)
    [drafting] = smtp.catcher.to(PROCESSTOD)[-1:]
    assert drafting.subject == "Bered yttrandet: Bröstcancer, nationellt vårdprogram"

    web = create_app(app, limiter=RateLimiter(capacity=1000, per_second=1))
    with WorkedClient(web, base_url="http://remiss.test") as drafter:
        log_in_by_mailed_link(drafter, drafting)
        # Their own page, not the dashboard.
        home = drafter.get("/", follow_redirects=True)
        assert home.url.path == "/utkast"
        assert f'href="/rounds/{round_id}/utkast"' in home.text
        assert (
            drafter.get(f"/rounds/{round_id}", follow_redirects=False).headers["location"]
            == "/utkast"
        )
        page = drafter.get(f"/rounds/{round_id}/utkast")
        assert page.status_code == 200
        assert (
            "<strong>Avstyrker</strong> — 1 svar "
            '<span class="from">(RPO Cancersjukdomar — Region Östergötland)</span>' in page.text
        )
        assert "Konsekvensanalys saknas för RÖ." in page.text
        assert 'name="position-stallningstagande"' in page.text
        assert 'name="text-innehall"' in page.text
        assert "Meningsskiljaktighet" in page.text
        # Before any draft the yttrande is the proposal, marked so.
        proposal = downloaded(drafter, f"/rounds/{round_id}/yttrande.html")
        assert "Förslag" in proposal.text

        form = {
            "csrf_token": csrf_of(page.text),
            "position-stallningstagande": "Tillstyrker med synpunkter",
            "text-stallningstagande": "Region Östergötland ser behov av en konsekvensanalys.",
            "text-innehall": EDITED,
        }
        saved = drafter.post(f"/rounds/{round_id}/utkast", data={**form, "action": "save"})
        assert saved.status_code == 200 and "Utkastet är sparat (version 1)." in saved.text
        handed = drafter.post(f"/rounds/{round_id}/utkast", data={**form, "action": "hand_over"})
        assert "lämnat till samordnaren" in handed.text
        # Another round is nothing to them.
        other = open_round(app, ROUND.replace("KS-2026-003", "KS-2026-004"))
        assert drafter.get(f"/rounds/{other}/utkast").status_code == 404
        assert drafter.get(f"/rounds/{other}/yttrande.docx").status_code == 404

    deliver_outbox(app)
    [notice] = [r for r in smtp.catcher.to(COORDINATOR) if r.subject.startswith("Utkast till")]
    assert "Malin Ros" in notice.text() and f"/rounds/{round_id}/utkast" in notice.text()
    with app.sessions() as session:
        saved_drafts = session.scalars(select(YttrandeDraft).order_by(YttrandeDraft.number)).all()
        assert [(d.number, d.author, d.handed_over) for d in saved_drafts] == [
            (1, PROCESSTOD, False), (2, PROCESSTOD, True)
        ]  # fmt: skip
        round_ = session.get(Round, round_id)
        assert round_ is not None and round_.handed_over_at is not None
        # The saved letter's PDF is left to a worker at once, for the download and anchoring.
        assert "pdf" in session.scalars(select(LetterFile.fmt)).all()

    # The coordinator downloads the yttrande: one voice, no names.
    base = f"/rounds/{round_id}"
    word = downloaded(browser, f"{base}/yttrande.docx")
    assert word.status_code == 200
    assert 'filename="KS-2026-003-yttrande.docx"' in word.headers["content-disposition"]
    sent = docx_text(word.content)
    printed = downloaded(browser, f"{base}/yttrande.pdf")
    pdf_text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(printed.content)).pages
    )
    shown = downloaded(browser, f"{base}/yttrande.html")
    assert shown.headers["content-disposition"].startswith("inline;")
    assert "script-src" not in shown.headers["content-security-policy"]
    for text in (sent, pdf_text, re.sub(r"<[^>]+>", "", shown.text)):
        flat = re.sub(r"\s+", " ", text)
        assert "Sydöstra sjukvårdsregionen tillstyrker kunskapsstödet, med synpunkter." in flat
        assert "Yttrandet lämnas gemensamt för Region Jönköpings län, Region Kalmar län och" in flat
        assert "Er referens: KS-2026-003" in flat and "Vår referens: SÖSR-2026-017" in flat
        assert "Regionerna ser vårdprogrammet som väl genomarbetat." in flat
        # The handläggare is named with title and email, so the sender can reach them.
        assert f"Handläggare: Malin Ros, processtöd, RPO Cancersjukdomar, {PROCESSTOD}" in flat
        assert "Sydöstra sjukvårdsregionen har inga synpunkter." in flat  # an empty question
        assert not any(name in flat for name in REVIEWER_NAMES)
        assert "Förslag" not in flat and "inte inkommit" not in flat

    # The sammanställning keeps every answer, by whom, and who did not answer.
    internal = browser.get(f"{base}/sammanstallning.html").text
    for name in ("Per Wallin", "Karin Kvist", "Olof Sandberg"):
        assert name in internal
    assert "Har inte inkommit med svar" in internal and "Johan Engström" in internal
    assert "Kunskapsråd kirurgi och cancer" in internal  # informed, not counted as silent
    assert "Har inte inkommit med svar: Kunskapsråd" not in internal


def test_a_round_closed_with_no_answers_gets_no_yttrande(
    sample_directory: App, browser: TestClient, smtp: RunningCatcher
) -> None:
    from tests.web.conftest import login

    round_id = open_round(sample_directory, ROUND)
    login(browser, smtp.catcher)
    closed = post(browser, f"/rounds/{round_id}/close")
    page = browser.get(closed.headers["location"]).text
    assert "Ingen hade svarat: inga svar, inget yttrande." in page
    deliver_outbox(sample_directory)
    # Only the opening's information: no drafting mail.
    assert smtp.catcher.to(PROCESSTOD)[-1].subject.startswith("För kännedom:")
    assert browser.get(f"/rounds/{round_id}/sammanstallning.docx").status_code == 404
