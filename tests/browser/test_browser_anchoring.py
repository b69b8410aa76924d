"""Anchoring in a real browser: the coordinator sends the draft for anchoring, and an
approver on a phone opens the link in the email and clicks Godkänn."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Browser, Page, expect

from remiss.core.models import Round
from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from remiss.yttrande import drafts
from tests.browser.conftest import Live, assert_accessible, deliver
from tests.browser.test_browser_drafting import answer_and_close, log_in, mails

ROUND = """
reference: BROWSER-25
title: Bröstcancer, nationellt vårdprogram
kind: nationellt vårdprogram
questions: default
issuer: RCC i samverkan
areas: [cancersjukdomar]
lead: rpo-cancer
deadline: 2026-04-14
internal_deadline: 2026-03-20
coordinator: kansli@sosr.example.org
"""
APPROVER = "maria.holmgren@rog.example.org"  # RSL AU, the kind's approvers
PHONE = {"width": 390, "height": 844}


def test_an_approver_approves_the_draft_on_a_phone(
    live: Live, browser: Browser, shoot: Callable[[Page, str], None]
) -> None:
    with live.app.transaction() as session:
        [opened] = rounds.open_rounds(session, live.app.settings, roundspec.loads(ROUND), "test")
    round_id = opened.round_id
    answer_and_close(live, round_id)
    with live.app.transaction() as session:
        drafter = session.get_one(Round, round_id).drafter
        assert drafter is not None
        drafts.save(session, live.app.settings, round_id, drafter.email,
                    {"stallningstagande": "Tillstyrker med synpunkter"},
                    {"innehall": "Avsnittet om uppföljning bör förtydligas."},
                    hand_over=True)  # fmt: skip

    coordinator = browser.new_context(locale="sv-SE").new_page()
    log_in(live, coordinator)
    coordinator.goto(f"{live.url}/rounds/{round_id}")
    coordinator.get_by_role("button", name="Skicka för förankring").click()
    expect(coordinator.get_by_role("status").first).to_contain_text(
        "Utkastet (version 1) är skickat för förankring till 3"
    )
    expect(coordinator.get_by_text("0 av 3 har godkänt version 1.", exact=True)).to_be_visible()
    assert_accessible(coordinator)
    shoot(coordinator, "round-anchoring")

    deliver(live)
    [mail] = mails(live, APPROVER, "Förankring: utkast till yttrande")
    [link] = re.findall(r"^(http://\S+/f/[A-Za-z0-9_-]{43})\r?$", mail.text(), re.MULTILINE)
    approver = browser.new_context(viewport=PHONE, locale="sv-SE").new_page()
    approver.goto(link)
    expect(approver.get_by_role("heading", level=1)).to_have_text(
        "Bröstcancer, nationellt vårdprogram"
    )
    expect(approver.get_by_text("Avsnittet om uppföljning bör förtydligas.")).to_be_visible()
    assert_accessible(approver)
    shoot(approver, "approval-phone")
    approver.get_by_role("button", name="Godkänn").click()
    expect(approver.get_by_role("heading", level=1)).to_have_text("Tack för ditt svar")
    expect(approver.get_by_role("status").first).to_contain_text(
        "Du har godkänt utkastet (version 1)"
    )
    assert_accessible(approver)
    shoot(approver, "approval-receipt-phone")

    coordinator.reload()
    expect(coordinator.get_by_text("1 av 3 har godkänt version 1.", exact=True)).to_be_visible()
    expect(coordinator.locator("#forankring li", has_text="Maria Holmgren")).to_contain_text(
        "godkänt"
    )
