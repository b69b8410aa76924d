"""A bounced invitation as the coordinator meets it: the round page with "Studsade" and its
form to send the invitation to someone else, and the directory flagging the address; and the
local mailbox's "Svara" form. axe finds nothing on any of them."""

from __future__ import annotations

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from remiss.core.clock import now
from remiss.core.models import Message
from remiss.core.settings import Settings
from remiss.mail import bounces, sink
from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from tests.browser.conftest import Live, assert_accessible, deliver, served
from tests.browser.test_browser_drafting import log_in
from tests.browser.test_browser_local_mail import link_to, log_in_locally

ROUND = """
reference: BOUNCE-1
title: Mastocytos, remissförslag nationell högspecialiserad vård
issuer: Socialstyrelsen
areas: [sallsynta-sjukdomar]
deadline: 2026-04-14
coordinator: kansli@sosr.example.org
"""
GONE = "ylva.forsberg@rjl.example.org"
REASON = "550 5.1.1 <ylva.forsberg@rjl.example.org>: Recipient address rejected"


def test_a_bounced_invitation_and_its_redirect_form_pass_axe(live: Live, browser: Browser) -> None:
    with live.app.transaction() as session:
        [opened] = rounds.open_rounds(session, live.app.settings, roundspec.loads(ROUND), "t")
    deliver(live)
    with live.app.transaction() as session:
        [message] = session.scalars(
            select(Message).where(Message.recipient == GONE, Message.kind == "invitation")
        )
        bounces.mark(session, message, REASON, now())
    for size in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
        context = browser.new_context(viewport=size, locale="sv-SE")  # type: ignore[arg-type]
        page = context.new_page()
        log_in(live, page)
        page.goto(f"{live.url}/rounds/{opened.round_id}")
        expect(page.get_by_text("Studsade: 550").first).to_be_visible()
        button = page.get_by_role("button", name="Skicka dit i stället för Ylva Forsberg")
        expect(button).to_be_visible()
        assert_accessible(page)
        page.goto(f"{live.url}/directory")
        expect(page.get_by_text("E-post studsade").first).to_be_visible()
        assert_accessible(page)
        context.close()


def test_the_mailbox_offers_a_reply_to_an_invitation_and_passes_axe(
    settings: Settings, browser: Browser
) -> None:
    """With replies on (REMISS_INBOUND_DOMAIN) and no SMTP server, the local mailbox shows
    an invitation with its "Svara" form."""
    local = {"smtp_host": None, "smtp_port": None, "sink_port": sink.free_port(),
             "inbound_domain": "inbound.localhost"}  # fmt: skip
    with served(settings.model_copy(update=local)) as (app, url):
        with app.transaction() as session:
            rounds.open_rounds(session, app.settings, roundspec.loads(ROUND), "t")
        page = browser.new_context(locale="sv-SE").new_page()
        log_in_locally(page, url, app)
        link_to(app, GONE, "Mastocytos")  # the invitation has arrived in the mailbox
        page.goto(f"{url}/mail?q=ylva")
        page.locator(".mail-list a").first.click()
        expect(page.get_by_role("heading", name="Svara", exact=True)).to_be_visible()
        assert_accessible(page)
