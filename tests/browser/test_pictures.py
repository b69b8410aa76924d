"""Pictures where people look, in a real browser: the positions per group and region on the
round page and the drafting page (named by a caption, told in words and numbers, axe clean),
the dashboard's and the register's tables whole at 1280 px, the group grid on a phone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from remiss.reviewers import answers
from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from remiss.yttrande.closing import close_round
from tests.browser.conftest import COORDINATOR, Live, assert_accessible, deliver
from tests.browser.test_browser_round_details import log_in

DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
ROUND = """
reference: BILD-1
title: Bröstcancer, nationellt vårdprogram
issuer: RCC i samverkan
areas: [cancersjukdomar, kirurgi-och-plastikkirurgi, lung-och-allergisjukdomar]
lead: rpo-cancer
deadline: 2026-04-14
internal_deadline: 2026-03-20
coordinator: kansli@sosr.example.org
"""
POSITIONS = {
    "per.wallin@rjl.example.org": "Tillstyrker",  # both RPO Cancer and RPO Kirurgi
    "karin.kvist@rkl.example.org": "Tillstyrker med synpunkter",
    "olof.sandberg@rog.example.org": "Avstyrker",
    "lars.kvist@rkl.example.org": "Tillstyrker",
}
NO_COMMENTS = "cecilia.sjoberg@rjl.example.org"
LONG = """
reference: S2026/04512-långt-diarienummer
title: "Framtidens hälso- och sjukvård – en reform för en mer jämlik och tillgänglig vård i hela landet (SOU 2026:12)"
kind: departementsremiss
issuer: Socialdepartementet, enheten för hälso- och sjukvårdens organisation
areas: [sallsynta-sjukdomar]
deadline: 2026-05-29
internal_deadline: 2026-04-30
coordinator: kansli@sosr.example.org
"""


@pytest.fixture
def answered(live: Live) -> int:
    """A closed round: four positions and one "Inga synpunkter" from three groups."""
    with live.app.transaction() as session:
        [opened] = rounds.open_rounds(session, live.app.settings, roundspec.loads(ROUND), "test")
    deliver(live)

    def token(email: str) -> str:
        [mail] = [m for m in live.catcher.to(email) if "Bröstcancer" in m.subject]
        found: str = mail.tokens()[-1]
        return found

    with live.app.transaction() as session:
        for email, position in POSITIONS.items():
            answers.submit(session, live.app.settings, token(email),
                           {"stallningstagande": position}, no_comments=False)  # fmt: skip
        answers.submit(session, live.app.settings, token(NO_COMMENTS), {}, no_comments=True)
    with live.app.transaction() as session:
        close_round(session, live.app.settings, opened.round_id, COORDINATOR)
    deliver(live)
    return opened.round_id


def signed_in(live: Live, browser: Browser, viewport: dict[str, int]) -> Page:
    page = browser.new_context(viewport=viewport, locale="sv-SE").new_page()  # type: ignore[arg-type]
    log_in(live, page)
    return page


def assert_the_chart_speaks(page: Page) -> None:
    """The SVG is an image named by the visible caption, described by the sentence beside
    it and the numbers' table, and the table holds each group's and region's counts."""
    chart = page.locator("figure.position-chart svg.chart")
    expect(chart).to_have_attribute("role", "img")
    caption = page.locator(f"#{chart.get_attribute('aria-labelledby')}")
    expect(caption).to_be_visible()
    expect(caption).to_contain_text("ställningstaganden per grupp och region")
    summary_id, table_id = (chart.get_attribute("aria-describedby") or "").split()
    expect(page.locator(f"#{summary_id}")).to_be_visible()
    expect(page.locator(f"#{summary_id}")).to_contain_text(
        "Antal svar: Tillstyrker 3, Tillstyrker med synpunkter 1, Avstyrker 2, Avstår 0, "
        "Inga synpunkter 1."
    )
    page.get_by_text("Siffrorna i tabellform").click()
    table = page.locator(f"#{table_id}")
    expect(table).to_be_visible()
    row = table.get_by_role("row", name="RPO Kirurgi och plastikkirurgi Region Östergötland")
    expect(row.get_by_role("cell")).to_have_text(
        ["Region Östergötland", "0", "0", "1", "0", "0", "1"]
    )
    legend = page.locator(".chart-legend li")
    expect(legend).to_have_text(
        ["Tillstyrker", "Tillstyrker med synpunkter", "Avstyrker", "Avstår", "Inga synpunkter"]
    )


def test_the_round_and_drafting_pages_show_positions_with_their_words_and_numbers(
    live: Live, browser: Browser, answered: int, shoot: Callable[[Page, str], None]
) -> None:
    page = signed_in(live, browser, DESKTOP)
    page.goto(f"{live.url}/rounds/{answered}")
    assert_the_chart_speaks(page)
    assert_accessible(page)
    shoot(page, "positions-round")
    page.goto(f"{live.url}/rounds/{answered}/utkast")
    assert_the_chart_speaks(page)
    assert_accessible(page)
    shoot(page, "positions-drafting")
    page.context.close()


def test_the_group_grid_on_a_phone_scrolls_sideways_with_a_cue(
    live: Live, browser: Browser, answered: int, shoot: Callable[[Page, str], None]
) -> None:
    page = signed_in(live, browser, PHONE)
    page.goto(f"{live.url}/rounds/{answered}")
    grid = page.locator(".table-scroll", has=page.locator("table.matrix"))
    sizes: dict[str, Any] = grid.evaluate(
        "e => ({scroll: e.scrollWidth, client: e.clientWidth, right: e.getBoundingClientRect().right})"
    )
    assert sizes["scroll"] > sizes["client"] and sizes["right"] <= PHONE["width"]
    expect(grid).to_have_attribute("tabindex", "0")
    expect(grid).to_have_accessible_name("Svarsläge per grupp och region")
    cue = page.locator(f"#{grid.get_attribute('aria-describedby')}")
    expect(cue).to_be_visible()
    expect(cue).to_contain_text("rulla i sidled")
    grid.focus()
    page.keyboard.press("ArrowRight")  # the keyboard scrolls it
    page.wait_for_function("e => e.scrollLeft > 0", arg=grid.element_handle())
    assert_accessible(page)
    shoot(page, "positions-round-phone")
    page.context.close()


def within_viewport(cells: Locator, width: int) -> list[str]:
    """The cells whose box does not lie whole inside the viewport and their scroll box."""
    found: list[str] = cells.evaluate_all(
        """(cells, width) => cells.filter(c => {
             const box = c.getBoundingClientRect();
             const scroller = c.closest('.table-scroll').getBoundingClientRect();
             return box.left < 0 || box.right > width || box.right > scroller.right + 0.5;
           }).map(c => c.textContent.trim())""",
        width,
    )
    return found


def test_dashboard_and_register_show_every_column_at_1280(
    live: Live, browser: Browser, answered: int, shoot: Callable[[Page, str], None]
) -> None:
    with live.app.transaction() as session:  # long words beside the short ones
        rounds.open_rounds(session, live.app.settings, roundspec.loads(LONG), "test")
    page = signed_in(live, browser, DESKTOP)
    shown = 0
    for table in page.locator("table.rounds").all():  # one per remiss period
        index = table.locator("thead th").all_text_contents().index("Svar")
        column = table.locator(f"tr > :nth-child({index + 1})")
        shown += column.count() - 1  # its heading, then a cell per round
        assert within_viewport(column, DESKTOP["width"]) == []
    assert shown == 2
    # Over time: the axes say what they count and when.
    curve = page.locator("figure.curve svg")
    for words in ("Antal svar", "Datum (streckad linje: intern svarsdag)", "0"):
        expect(curve.locator("text", has_text=words).first).to_be_attached()
    shoot(page, "dashboard-1280")
    assert_accessible(page)

    page.goto(f"{live.url}/register")
    register = page.locator("table.rounds th, table.rounds td")
    assert register.count() > 10
    shoot(page, "register-1280")
    assert within_viewport(register, DESKTOP["width"]) == []
    assert_accessible(page)
    page.context.close()
