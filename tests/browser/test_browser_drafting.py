"""The lead's processtöd drafts the joint answer in a real browser, and hands it over."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Browser, Page, expect

from remiss.core.models import Round
from remiss.reviewers import answers
from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from remiss.yttrande import drafts
from remiss.yttrande.closing import close_round
from tests.browser.conftest import COORDINATOR, Live, assert_accessible, deliver
from tests.conftest import EXAMPLES

PROCESSTOD = "malin.ros@rjl.example.org"  # RPO Cancersjukdomar's, in the sample directory
ROUND = """
reference: BROWSER-3
title: Bröstcancer, nationellt vårdprogram
issuer: RCC i samverkan
areas: [cancersjukdomar]
lead: rpo-cancer
deadline: 2026-04-14
internal_deadline: 2026-03-20
coordinator: kansli@sosr.example.org
"""
ANSWERS = {
    "per.wallin@rjl.example.org": {"stallningstagande": "Tillstyrker", "innehall": "Bra."},
    "olof.sandberg@rog.example.org": {"stallningstagande": "Avstyrker", "ovrigt": "Saknar analys."},
}
LOGIN_LINK = re.compile(r"^(https?://\S+/login/[A-Za-z0-9_-]{43})\r?$", re.MULTILINE)


def mails(live: Live, email: str, subject: str) -> list[Any]:
    return [m for m in live.catcher.to(email) if subject in m.subject]


def answer_and_close(live: Live, round_id: int) -> None:
    """Deliver the invitations, let ANSWERS be submitted, and close the round."""
    deliver(live)
    for email, values in ANSWERS.items():
        [invitation] = mails(live, email, "Bröstcancer")
        with live.app.transaction() as session:
            answers.submit(session, live.app.settings, invitation.tokens()[-1], values,
                           no_comments=False)  # fmt: skip
    with live.app.transaction() as session:
        close_round(session, live.app.settings, round_id, COORDINATOR)


def test_the_processtod_drafts_and_hands_over_in_the_browser(
    live: Live, browser: Browser, shoot: Callable[[Page, str], None]
) -> None:
    with live.app.transaction() as session:
        [opened] = rounds.open_rounds(session, live.app.settings, roundspec.loads(ROUND), "test")
    answer_and_close(live, opened.round_id)
    deliver(live)
    [drafting] = mails(live, PROCESSTOD, "Bered yttrandet")
    match = LOGIN_LINK.search(drafting.text())
    assert match

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE")
    page = context.new_page()
    page.goto(match.group(1))
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Yttranden att bereda")
    assert_accessible(page)
    page.get_by_role("link", name="Bröstcancer, nationellt vårdprogram").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utkast till yttrande")
    expect(page.get_by_text("Meningsskiljaktighet").first).to_be_visible()
    assert_accessible(page)
    shoot(page, "drafting-phone")

    position = page.get_by_role("group", name=re.compile("Gemensamt ställningstagande"))
    position.get_by_label("Tillstyrker med synpunkter", exact=True).check()
    page.locator("#text-innehall").fill("Vårdprogrammet är väl genomarbetat.")
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_role("status").first).to_contain_text("Utkastet är sparat (version 1).")
    expect(page.locator("#text-innehall")).to_have_value("Vårdprogrammet är väl genomarbetat.")
    expect(position.get_by_label("Tillstyrker med synpunkter", exact=True)).to_be_checked()
    page.get_by_role("button", name="Lämna till samordnaren").click()
    expect(page.get_by_role("status").first).to_contain_text("lämnat till samordnaren")
    assert_accessible(page)
    context.close()

    deliver(live)
    [notice] = mails(live, COORDINATOR, "Utkast till yttrande lämnat")
    assert "Malin Ros" in notice.text()


def test_triage_register_decision_and_sending_pages_are_accessible(
    live: Live, browser: Browser, shoot: Callable[[Page, str], None]
) -> None:
    batch = EXAMPLES / "rounds" / "2026-02-nationella-kunskapsstod.yaml"
    with live.app.transaction() as session:
        registered = rounds.open_rounds(
            session, live.app.settings, roundspec.load(batch), "test", triage=True
        )
        [opened] = rounds.open_rounds(session, live.app.settings, roundspec.loads(ROUND), "test")
    answer_and_close(live, opened.round_id)
    with live.app.transaction() as session:
        round_ = session.get(Round, opened.round_id)
        assert round_ is not None and round_.drafter is not None
        drafts.save(session, live.app.settings, round_.id, round_.drafter.email,
                    {"stallningstagande": "Tillstyrker"}, {}, hand_over=True)  # fmt: skip

    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    log_in(live, page)
    expect(page.get_by_role("heading", name="Inkomna remisser att besluta")).to_be_visible()
    assert_accessible(page)
    shoot(page, "dashboard-triage")
    page.get_by_label(f"Beslut för {registered[0].reference}").select_option("avstår")
    page.get_by_role("button", name="Spara besluten").click()
    expect(page.get_by_role("status").first).to_contain_text("1 beslut sparat")

    page.get_by_role("link", name="Register").first.click()
    expect(page.get_by_role("heading", name="Register")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live.url}/rounds/{opened.round_id}")
    expect(page.get_by_role("heading", name="Beslut")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Beslutat av").fill("Samverkansnämndens presidium")
    page.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_role("status").first).to_contain_text("Beslutet är registrerat")
    page.get_by_label("Mottagare", exact=True).fill("registrator@rcc.example.org")
    page.get_by_role("button", name="Skicka…").click()
    expect(page.get_by_role("heading", name="Skicka yttrandet?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Skicka till registrator@rcc.example.org").click()
    expect(page.get_by_role("status").first).to_contain_text("Yttrandet skickas till")
    assert_accessible(page)
    context.close()
    sent = live.catcher.wait_for(
        lambda: mails(live, "registrator@rcc.example.org", "BROWSER-3"), "the yttrande"
    )
    assert len(sent) == 1
    # The round page shows what went, to whom, and how it went.
    shown = browser.new_context(locale="sv-SE").new_page()
    log_in(live, shown)
    shown.goto(f"{live.url}/rounds/{opened.round_id}")
    expect(
        shown.get_by_text("till registrator@rcc.example.org, PDF och Word bifogade").first
    ).to_be_visible()
    shown.context.close()


def log_in(live: Live, page: Page) -> None:
    """Log in as the coordinator by a fresh one-time link (never one used before)."""
    before = len(mails(live, COORDINATOR, "inloggningslänk"))
    page.goto(f"{live.url}/login")
    page.get_by_label("E-postadress").fill(COORDINATOR)
    page.get_by_role("button", name="Skicka inloggningslänk").click()
    expect(page.get_by_text("Om adressen är behörig")).to_be_visible()
    mail = live.catcher.wait_for(
        lambda: mails(live, COORDINATOR, "inloggningslänk")[before:], "a new login link"
    )
    match = LOGIN_LINK.search(mail[-1].text())
    assert match
    page.goto(match.group(1))
    page.get_by_role("button", name="Logga in").click()
