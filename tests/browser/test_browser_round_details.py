"""A coordinator changes Vår referens and the recipient on the round page, in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from remiss.core.models import Round
from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from tests.browser.conftest import COORDINATOR, Live, assert_accessible

ROUND = """
reference: S2026/04512
title: "Framtidens hälso- och sjukvård (SOU 2026:12)"
kind: departementsremiss
issuer: Socialdepartementet
areas: [sallsynta-sjukdomar]
deadline: 2026-05-29
internal_deadline: 2026-04-30
coordinator: kansli@sosr.example.org
"""
LOGIN_LINK = re.compile(r"^(https?://\S+/login/[A-Za-z0-9_-]{43})\r?$", re.MULTILINE)


def log_in(live: Live, page: Page) -> None:
    page.goto(f"{live.url}/login")
    page.get_by_label("E-postadress").fill(COORDINATOR)
    page.get_by_role("button", name="Skicka inloggningslänk").click()
    mail = live.catcher.wait_for(
        lambda: [m for m in live.catcher.to(COORDINATOR) if "inloggningslänk" in m.subject],
        "the login link",
    )
    match = LOGIN_LINK.search(mail[0].text())  # type: ignore[index]
    assert match
    page.goto(match.group(1))
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Remisser", exact=True)).to_be_visible()


def test_a_coordinator_sets_our_reference_and_the_recipient(live: Live, browser: Browser) -> None:
    with live.app.transaction() as session:
        [opened] = rounds.open_rounds(session, live.app.settings, roundspec.loads(ROUND), "test")
    page = browser.new_context(locale="sv-SE").new_page()
    log_in(live, page)
    page.goto(f"{live.url}/rounds/{opened.round_id}")
    form = page.locator("#uppgifter")
    form.get_by_label("Vår referens").fill("SÖSR-2026-031")
    form.get_by_label("Mottagare av yttrandet (e-postadress)").fill(
        "s.remissvar@regeringskansliet.example.org"
    )
    form.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Ändrat: Vår referens: tom → SÖSR-2026-031; "
        "Mottagare: tom → s.remissvar@regeringskansliet.example.org."
    )
    expect(page.locator("#uppgifter").get_by_label("Vår referens")).to_have_value("SÖSR-2026-031")
    assert_accessible(page)
    with live.app.sessions() as session:
        round_ = session.get_one(Round, opened.round_id)
        assert round_.our_reference == "SÖSR-2026-031"
        assert round_.recipient == "s.remissvar@regeringskansliet.example.org"
    page.context.close()
