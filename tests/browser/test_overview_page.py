"""/oversikt in a real browser: WCAG 2.1 AA by axe on a desktop screen and a phone, without
logging in, with rounds in every state; the sent yttrande's link downloads its PDF."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests import every_state
from tests.browser.conftest import Live, assert_accessible, deliver

SIZES: dict[str, ViewportSize] = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_overview_passes_axe_at_both_sizes(
    live: Live, browser: Browser, size: str, shoot: Callable[[Page, str], None]
) -> None:
    world = every_state.build(live.app, live.catcher, lambda: deliver(live))
    context = browser.new_context(viewport=SIZES[size], locale="sv-SE")
    page = context.new_page()
    page.goto(f"{live.url}/oversikt")
    expect(page.get_by_role("heading", name="Översikt över remisser", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=every_state.PERIOD, level=2)).to_be_visible()
    assert_accessible(page)
    shoot(page, f"overview-{size}")
    link = page.get_by_role("link", name="Yttrande (PDF), OV-SKICKAD")
    expect(link).to_have_attribute("href", f"/oversikt/{world['OV-SKICKAD']}/yttrande.pdf")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "OV-SKICKAD-yttrande.pdf"
    context.close()
