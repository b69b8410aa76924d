"""Anchoring on the web: the coordinator's "Skicka för förankring", the approver's page
behind their link (Godkänn, Lämna synpunkter), and the round page and decision form
showing where each approver stands."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from remiss.app import App, deliver_outbox
from remiss.core.clock import set_now
from remiss.core.models import Approval, Round
from remiss.reviewers import answers
from remiss.web import create_app
from remiss.web.rate_limits import RateLimiter
from remiss.yttrande import drafts
from remiss.yttrande.closing import close_round
from tests.mailcatcher import MailCatcher, RunningCatcher
from tests.web.conftest import COORDINATOR, REVIEWER, Opened, csrf_of, login
from tests.working import WorkedClient, downloaded

MARIA = "maria.holmgren@rog.example.org"
JONAS = "jonas.berg@rjl.example.org"
LINK = re.compile(r"^http://remiss\.test/f/([A-Za-z0-9_-]{43})\r?$", re.MULTILINE)
FLASH = re.compile(r'<div class="flash" role="status">(.*?)</div>', re.DOTALL)


def link_token(catcher: MailCatcher, email: str) -> str:
    [token] = LINK.findall(catcher.to(email)[-1].text())
    return str(token)


def closed_and_answered(app: App, opened: Opened) -> None:
    set_now(datetime.fromisoformat("2026-03-02T10:00:00+01:00"))
    with app.transaction() as session:
        answers.submit(session, app.settings, opened.token_for(REVIEWER),
                       {"stallningstagande": "Tillstyrker"}, no_comments=False)  # fmt: skip
    with app.transaction() as session:
        close_round(session, app.settings, opened.round_id, COORDINATOR)
    deliver_outbox(app)


def hand_over(app: App, round_id: int) -> None:
    with app.transaction() as session:
        drafter = session.get_one(Round, round_id).drafter
        assert drafter is not None
        drafts.save(session, app.settings, round_id, drafter.email,
                    {"stallningstagande": "Tillstyrker med synpunkter"},
                    {"stallningstagande": "Definitionen bör omfatta barn."},
                    hand_over=True)  # fmt: skip


def logged_in(client: WorkedClient, catcher: MailCatcher) -> WorkedClient:
    """The coordinator, logged in now (a session lasts a working day of the test's clock)."""
    login(client, catcher)
    return client


def flash(page: str) -> str:
    found = FLASH.search(page)
    assert found, "no flash on the page"
    return " ".join(found.group(1).split())


def test_the_coordinator_anchors_and_an_approver_answers_through_the_link(
    client: WorkedClient, opened: Opened, sample_directory: App, smtp: RunningCatcher,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    app, round_id, catcher = sample_directory, opened.round_id, smtp.catcher
    closed_and_answered(app, opened)
    coordinator = logged_in(client, catcher)
    page = coordinator.get(f"/rounds/{round_id}").text
    assert "Skicka för förankring" not in page  # beredning: not offered
    # Posted anyway, it is refused with the transitions' line, and nothing is sent.
    page = coordinator.post(f"/rounds/{round_id}/anchor", data={"csrf_token": csrf_of(page)}).text
    assert flash(page) == (
        "Utkastet är inte skickat för förankring: NHV-TEST-1 är beredning: att skicka utkastet "
        "för förankring går bara i läget förankring (utkastet är inte lämnat till samordnaren än)."
    )

    hand_over(app, round_id)
    page = coordinator.get(f"/rounds/{round_id}").text
    assert "Skicka för förankring</button>" in page
    assert "remisstypens godkännare, Maria Holmgren, Jonas Berg, Lena Ahlström, Medicinska" in page
    done = coordinator.post(
        f"/rounds/{round_id}/anchor",
        data={"csrf_token": csrf_of(page), "to": f"{MARIA}\n{JONAS}", "by": "2026-04-08"},
    )
    assert done.history[0].status_code == 303
    page = done.text
    assert flash(page) == (
        f"Utkastet (version 1) är skickat för förankring till 2: Maria Holmgren <{MARIA}>, "
        f"Jonas Berg <{JONAS}>; svar senast 8 april 2026."
    ).replace("<", "&lt;").replace(">", "&gt;")
    assert page.count("<strong>väntar</strong>") == 2
    for email in (MARIA, JONAS):
        [mail] = catcher.to(email)
        [pdf] = mail.attachments()
        assert pdf.get_filename() == "NHV-TEST-1-yttrande-utkast-1.pdf"

    # The approver's page, on a phone or anywhere: no login, the draft, two buttons.
    approver = TestClient(coordinator.app, base_url="http://remiss.test")
    token = link_token(catcher, JONAS)
    shown = approver.get(f"/f/{token}")
    assert shown.status_code == 200
    assert "Definitionen bör omfatta barn." in shown.text
    assert ">Godkänn</button>" in shown.text and ">Lämna synpunkter</button>" in shown.text
    assert '<textarea id="comment" name="comment"' in shown.text
    assert "8 april 2026" in shown.text
    with monkeypatch.context() as during:  # no worker since: the page renders nothing
        during.setattr("remiss.yttrande.render.letter_files.render", None)
        waiting = approver.get(f"/f/{token}/utkast.pdf")
    assert waiting.status_code == 202 and "PDF-filen med utkastet skapas" in waiting.text
    pdf = downloaded(approver, f"/f/{token}/utkast.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    # Without the form's token nothing is recorded; empty comments are asked for.
    refused = approver.post(f"/f/{token}", data={"action": "approve"})
    assert refused.status_code == 403
    csrf = csrf_of(shown.text)
    empty = approver.post(f"/f/{token}", data={"csrf_token": csrf, "action": "comments"})
    assert empty.status_code == 422 and "Skriv dina synpunkter." in empty.text
    with app.sessions() as session:
        assert session.scalars(select(Approval.decision)).all() == [None, None]

    said = "Stryk <b>andra</b> stycket."
    answered = approver.post(
        f"/f/{token}",
        data={"csrf_token": csrf, "action": "comments", "comment": said, "draft": "1"},
        follow_redirects=False,
    )
    assert answered.status_code == 303 and answered.headers["location"] == f"/f/{token}/klart"
    receipt = approver.get(f"/f/{token}/klart").text
    assert "Tack för ditt svar" in receipt and "lämnat synpunkter på" in receipt
    assert "Stryk &lt;b&gt;andra&lt;/b&gt; stycket." in receipt

    maria = link_token(catcher, MARIA)
    csrf = csrf_of(approver.get(f"/f/{maria}").text)
    approver.post(f"/f/{maria}", data={"csrf_token": csrf, "action": "approve", "draft": "1"})

    # The round page and its decision form show each answer, the comment escaped.
    page = coordinator.get(f"/rounds/{round_id}").text
    assert "Förankring: 1 av 2 har godkänt version 1, 1 har synpunkter." in page
    assert "<strong>godkänt</strong> 2 mars 2026 kl. 10.00 (version 1)" in page
    assert "<strong>synpunkter</strong>" in page
    assert "Stryk &lt;b&gt;andra&lt;/b&gt; stycket." in page and "<b>andra</b>" not in page


def test_an_answer_on_a_version_the_approver_did_not_read_is_refused(
    client: WorkedClient, opened: Opened, sample_directory: App, smtp: RunningCatcher
) -> None:
    app, round_id = sample_directory, opened.round_id
    closed_and_answered(app, opened)
    coordinator = logged_in(client, smtp.catcher)
    hand_over(app, round_id)
    page = coordinator.get(f"/rounds/{round_id}").text
    coordinator.post(f"/rounds/{round_id}/anchor", data={"csrf_token": csrf_of(page)})
    token = link_token(smtp.catcher, MARIA)
    approver = TestClient(coordinator.app, base_url="http://remiss.test")
    csrf = csrf_of(approver.get(f"/f/{token}").text)
    hand_over(app, round_id)  # version 2, while the page of version 1 is open
    late = approver.post(
        f"/f/{token}", data={"csrf_token": csrf, "action": "approve", "draft": "1"}
    )
    assert late.status_code == 409
    assert "Ett nytt utkast (version 2) har sparats sedan du öppnade sidan." in late.text
    assert "version 2" in late.text and ">Godkänn</button>" in late.text


def test_an_unknown_link_is_the_same_404_as_a_reviewers(client: WorkedClient) -> None:
    unknown = "A" * 43
    reviewer, approver = client.get(f"/r/{unknown}"), client.get(f"/f/{unknown}")
    assert reviewer.status_code == approver.status_code == 404
    assert approver.text == reviewer.text
    assert client.get("/f/kort").status_code == 404
    assert client.get(f"/f/{unknown}/utkast.pdf").status_code == 404
    assert client.get(f"/f/{unknown}/klart").status_code == 404


def test_unknown_approval_links_count_as_guesses_like_reviewers_links(
    sample_directory: App,
) -> None:
    with WorkedClient(create_app(sample_directory, limiter=RateLimiter())) as guesser:
        assert {guesser.get(f"/f/{'B' * 42}{n % 10}").status_code for n in range(20)} == {404}
        assert guesser.get(f"/f/{'C' * 43}").status_code == 429


def test_the_decision_form_asks_each_region_about_its_own_decision_for_nhv(
    client: WorkedClient, opened: Opened, sample_directory: App, smtp: RunningCatcher
) -> None:
    app, round_id = sample_directory, opened.round_id
    closed_and_answered(app, opened)
    hand_over(app, round_id)
    coordinator = logged_in(client, smtp.catcher)
    page = coordinator.get(f"/rounds/{round_id}").text
    for region in ("Region Jönköpings län", "Region Kalmar län", "Region Östergötland"):
        assert f"<legend>Fattar {region} även ett eget beslut i ärendet?</legend>" in page
    decision = {"csrf_token": csrf_of(page), "by": "Samverkansnämndens presidium",
                "date": "2026-04-07", "own_decision_RJL": "ja"}  # fmt: skip
    refused = coordinator.post(f"/rounds/{round_id}/decide", data=decision).text
    assert flash(refused) == (
        "Beslutet är inte sparat: ange om Region Kalmar län och Region Östergötland fattar "
        "eget beslut i ärendet."
    )
    decision |= {"own_decision_RKL": "nej", "own_decision_RÖ": "nej"}
    page = coordinator.post(f"/rounds/{round_id}/decide", data=decision).text
    assert flash(page).startswith("Beslutet är registrerat")
    assert page.count(" checked>") >= 3  # the form shows what was recorded
    letter = downloaded(coordinator, f"/rounds/{round_id}/yttrande.html").text
    assert "Region Jönköpings län fattar även ett eget beslut i ärendet." in letter
    assert "Region Östergötland fattar inget eget beslut i ärendet." in letter
