"""An answer over the size limit, in a real browser: the page comes back with the text in
its fields, focus on the summary that says why, and nothing axe-core finds."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from remiss.reviewers.answers import ANSWER_MOST
from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from tests.browser.conftest import Live, assert_accessible, deliver
from tests.browser.test_accessibility import FRESH, OPEN_ROUND, link_of

SIZES = [ViewportSize(width=1280, height=900), ViewportSize(width=390, height=844)]


@pytest.mark.parametrize("size", SIZES, ids=["desktop", "phone"])
def test_an_answer_over_the_limit_keeps_the_text_and_focuses_the_reason(
    live: Live, browser: Browser, size: ViewportSize
) -> None:
    with live.app.transaction() as session:
        rounds.open_rounds(session, live.app.settings, roundspec.loads(OPEN_ROUND), "t")
    deliver(live)
    context = browser.new_context(viewport=size, locale="sv-SE")
    page = context.new_page()
    page.goto(link_of(live, FRESH, "Mastocytos"))
    expect(page.get_by_text("Ett svar får vara högst 200 000 tecken")).to_be_visible()
    innehall = page.get_by_label("Synpunkter på kunskapsstödets innehåll")
    ovrigt = page.get_by_label("Övriga synpunkter")
    # Each field takes as much as the whole answer may hold; together they hold more.
    innehall.fill("a" * (ANSWER_MOST + 5))
    ovrigt.fill("Och lite till.")
    assert len(innehall.input_value()) == ANSWER_MOST
    page.get_by_role("button", name="Spara utkast").click()

    summary = page.get_by_role("alert").filter(has_text="Svaret är inte sparat")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Svaret är 200 014 tecken långt.")
    assert innehall.input_value() == "a" * ANSWER_MOST
    assert ovrigt.input_value() == "Och lite till."
    assert_accessible(page)
    context.close()
