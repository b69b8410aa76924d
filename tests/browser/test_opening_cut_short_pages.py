"""An opening cut short, in a real browser: the dashboard, the round's page with its notice
and button, and the confirmation pass axe; the button finishes the opening."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from remiss.rounds import issuing
from remiss.rounds import spec as roundspec
from tests.browser.conftest import Live, assert_accessible
from tests.browser.test_accessibility import OPEN_ROUND, SIZES, log_in
from tests.mailcatcher import RunningCatcher
from tests.working import launched


@pytest.mark.parametrize("size", sorted(SIZES))
def test_a_cut_short_opening_is_shown_accessibly_and_finished_by_its_button(
    live: Live,
    browser: Browser,
    smtp: RunningCatcher,
    monkeypatch: pytest.MonkeyPatch,
    size: str,
) -> None:
    real_issue = issuing.issue
    calls = []

    def failing_third(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the machine went down")
        return real_issue(*args)

    monkeypatch.setattr(issuing, "issue", failing_third)
    with pytest.raises(RuntimeError):
        launched(live.app, roundspec.loads(OPEN_ROUND), smtp.target, batch=2)
    monkeypatch.setattr(issuing, "issue", real_issue)

    viewport = ViewportSize(width=SIZES[size]["width"], height=SIZES[size]["height"])
    context = browser.new_context(viewport=viewport, locale="sv-SE")
    page = context.new_page()
    log_in(live, page)
    expect(page.get_by_text("öppnandet avbröts: 4 av 6 inbjudna")).to_be_visible()
    assert_accessible(page)
    page.get_by_role(
        "link", name="Mastocytos, remissförslag nationell högspecialiserad vård"
    ).click()
    expect(page.get_by_text("Inbjudningarna är inte klara: öppnandet avbröts")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Slutför öppnandet").click()
    expect(page.get_by_role("heading", name="Slutför öppnandet?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, gör det").click()
    expect(page.get_by_role("status").first).to_contain_text("Öppnandet är slutfört")
    expect(page.get_by_text("öppnandet avbröts")).to_have_count(0)
    assert_accessible(page)
    context.close()
