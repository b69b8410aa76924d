"""Every page, in every state a person meets it, passes axe-core's WCAG 2.1 A and AA rules,
on a desktop screen and on a phone; and a keyboard alone is enough to answer and to close.

With REMISS_SCREENSHOTS set, each page is also saved as a picture at both sizes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from remiss.reviewers import answers
from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from remiss.yttrande.closing import close_round
from tests.browser.conftest import COORDINATOR, Live, assert_accessible, deliver
from tests.browser.test_browser_drafting import log_in as log_in_by_link

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
OPEN_ROUND = """
reference: A11Y-1
title: Mastocytos, remissförslag nationell högspecialiserad vård
issuer: Socialstyrelsen
areas: [sallsynta-sjukdomar]
deadline: 2026-04-14
internal_deadline: 2026-03-20
coordinator: kansli@sosr.example.org
documents:
  - {title: Remissversion, url: "https://example.org/remissversion.pdf"}
"""
CLOSED_ROUND = """
reference: A11Y-2
title: Bröstcancer, nationellt vårdprogram
issuer: RCC i samverkan
areas: [cancersjukdomar]
deadline: 2026-04-14
internal_deadline: 2026-03-20
coordinator: kansli@sosr.example.org
"""
FRESH, DRAFTING, SUBMITTED = (
    "fredrik.jonsson@rjl.example.org",
    "ylva.forsberg@rjl.example.org",
    "goran.oberg@rog.example.org",
)


def link_of(live: Live, email: str, title: str) -> str:
    [mail] = [m for m in live.catcher.to(email) if m.subject.startswith(f"Remiss: {title}")]
    links: list[str] = mail.links()
    return next(link for link in links if "/r/" in link)


def token_of(link: str) -> str:
    return link.rsplit("/r/", 1)[1]


@pytest.fixture
def setting(live: Live) -> dict[str, Any]:
    """An open round in several states, and a closed round being drafted."""
    with live.app.transaction() as session:
        [first] = rounds.open_rounds(session, live.app.settings, roundspec.loads(OPEN_ROUND), "t")
        [second] = rounds.open_rounds(
            session, live.app.settings, roundspec.loads(CLOSED_ROUND), "t"
        )
    deliver(live)
    with live.app.transaction() as session:
        settings = live.app.settings
        answers.save_draft(session, token_of(link_of(live, DRAFTING, "Mastocytos")),
                           {"innehall": "Ett halvfärdigt utkast"})  # fmt: skip
        answers.submit(session, settings, token_of(link_of(live, SUBMITTED, "Mastocytos")),
                       {"stallningstagande": "Tillstyrker"}, no_comments=False)  # fmt: skip
        answers.submit(session, settings, token_of(link_of(live, "per.wallin@rjl.example.org", "Bröstcancer")),
                       {"stallningstagande": "Avstyrker", "innehall": "Saknar analys."},
                       no_comments=False)  # fmt: skip
    with live.app.transaction() as session:
        close_round(session, live.app.settings, second.round_id, COORDINATOR)
    deliver(live)
    return {"open": first.round_id, "closed": second.round_id}


def log_in(live: Live, page: Page) -> None:
    log_in_by_link(live, page)
    expect(page.get_by_role("heading", name="Remisser", exact=True)).to_be_visible()


@pytest.mark.parametrize("size", sorted(SIZES))
def test_every_page_passes_axe_at_both_sizes(
    live: Live, browser: Browser, setting: dict[str, Any], size: str,
    shoot: Callable[[Page, str], None],
) -> None:  # fmt: skip
    context = browser.new_context(viewport=SIZES[size], locale="sv-SE")
    page = context.new_page()
    checked: list[str] = []

    def check(name: str, url: str | None = None) -> None:
        if url is not None:
            page.goto(url)
        assert_accessible(page)
        shoot(page, f"{name}-{size}")
        checked.append(name)

    # A reviewer, in every state of the page.
    check("reviewer-new", link_of(live, FRESH, "Mastocytos"))
    check("reviewer-draft", link_of(live, DRAFTING, "Mastocytos"))
    check("reviewer-submitted", link_of(live, SUBMITTED, "Mastocytos"))
    check("reviewer-closed", link_of(live, "karin.kvist@rkl.example.org", "Bröstcancer"))
    page.goto(link_of(live, FRESH, "Mastocytos"))
    page.get_by_role("button", name="Skicka in").click()  # a required position is missing
    check("reviewer-errors")
    check("not-found", f"{live.url}/r/{'x' * 43}")
    check("login", f"{live.url}/login")
    check("login-invalid", f"{live.url}/login/{'y' * 43}")
    check("accessibility-statement", f"{live.url}/tillganglighet")
    check("guide", f"{live.url}/guide")

    # A coordinator, everywhere they go.
    log_in(live, page)
    check("dashboard")
    check("round-open", f"{live.url}/rounds/{setting['open']}")
    check("round-closed", f"{live.url}/rounds/{setting['closed']}")
    check("drafting", f"{live.url}/rounds/{setting['closed']}/utkast")
    check("new-round", f"{live.url}/rounds/new")
    page.get_by_role("button", name="Öppna remissen och skicka inbjudningar").click()
    check("new-round-errors")
    check("directory", f"{live.url}/directory")
    check("register", f"{live.url}/register")
    check("mail", f"{live.url}/mail")  # (mail goes to a real server here: the view says so)
    check("unknown-round", f"{live.url}/rounds/999999")
    context.close()
    assert len(checked) == 20


def test_a_keyboard_alone_answers_and_closes(
    live: Live, browser: Browser, setting: dict[str, Any]
) -> None:
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    page.goto(link_of(live, FRESH, "Mastocytos"))
    # To the first position option by Tab, choose it with the space bar, submit with Enter.
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.getAttribute('value') || ''")
        if focused == "Tillstyrker":
            break
    page.keyboard.press("Space")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Skicka in":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_text("Tack! Ditt svar är inskickat.")).to_be_visible()

    log_in(live, page)
    page.goto(f"{live.url}/rounds/{setting['open']}")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Stäng remissen":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Stäng remissen nu?")).to_be_visible()
    assert_accessible(page)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Ja, gör det":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Remissen är stängd för svar.")
    context.close()
