"""What became of each comment, chosen in a real browser, and told with the sent yttrande."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from playwright.sync_api import Browser, Page, expect

from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from remiss.yttrande import drafts, sending
from tests.browser.conftest import COORDINATOR, Live, assert_accessible, deliver
from tests.browser.test_browser_drafting import ROUND, answer_and_close, log_in, mails

OLOF = "olof.sandberg@rog.example.org"
WHY_NOT = "Analysen görs nationellt."


def test_the_drafter_weighs_each_comment_and_its_writer_hears_why(
    live: Live, browser: Browser, shoot: Callable[[Page, str], None]
) -> None:
    with live.app.transaction() as session:
        [opened] = rounds.open_rounds(session, live.app.settings, roundspec.loads(ROUND), "test")
    answer_and_close(live, opened.round_id)

    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE").new_page()
    log_in(live, page)
    page.goto(f"{live.url}/rounds/{opened.round_id}/utkast")
    olof = page.get_by_role(
        "group", name="Vad blev av synpunkten från RPO Cancersjukdomar — Region Östergötland?"
    )
    per = page.get_by_role(
        "group", name="Vad blev av synpunkten från RPO Cancersjukdomar — Region Jönköpings län?"
    )
    per.get_by_label("Med", exact=True).check()
    olof.get_by_label("Ej med", exact=True).check()
    save = page.get_by_role("button", name="Spara bara vad som blev av synpunkterna")
    save.click()  # no reason yet
    expect(page.get_by_role("alert")).to_contain_text("Ange skälet till att synpunkten")
    expect(olof.get_by_label("Ej med", exact=True)).to_be_checked()
    assert_accessible(page)
    shoot(page, "dispositions-errors-phone")
    page.get_by_role("alert").get_by_role("link").click()
    expect(olof.get_by_label("Skäl, om den inte kom med")).to_be_focused()
    page.keyboard.type(WHY_NOT)
    save.click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Vad som blev av synpunkterna är sparat (2 ändringar)."
    )
    expect(per.get_by_label("Med", exact=True)).to_be_checked()
    expect(olof.get_by_label("Skäl, om den inte kom med")).to_have_value(WHY_NOT)
    assert_accessible(page)
    page.context.close()

    with live.app.transaction() as session:
        drafts.save(session, live.app.settings, opened.round_id, COORDINATOR,
                    {"stallningstagande": "Tillstyrker"}, {}, hand_over=True)  # fmt: skip
    with live.app.transaction() as session:
        sending.decide(session, opened.round_id, by="Presidiet", on=date(2026, 2, 20),
                       actor=COORDINATOR)  # fmt: skip
    with live.app.transaction() as session:
        sending.send(session, live.app.settings, opened.round_id,
                     to="registrator@rcc.example.org", actor=COORDINATOR)  # fmt: skip
    deliver(live)
    [told] = mails(live, OLOF, "Skickat: Yttrande över remiss")
    assert f"Ej med: {WHY_NOT}" in re.sub(r"\s+", " ", told.text())
