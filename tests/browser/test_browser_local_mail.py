"""With no SMTP server set, a whole morning on a phone: the form's words, its preview and
errors, the mail view, a forward and its note, and tables that fit the screen."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Browser, Page, expect

from remiss.app import App
from remiss.core.settings import Settings
from remiss.mail import sink
from remiss.usecases.worker import Worker
from tests.browser.conftest import COORDINATOR, assert_accessible, served

PHONE = {"width": 390, "height": 844}
LINK = re.compile(r"^(https?://\S+/(?:login|r)/[A-Za-z0-9_-]{43})\r?$", re.MULTILINE)


@pytest.fixture
def local(settings: Settings) -> Iterator[tuple[App, str]]:
    """The web app with no SMTP server: mail lands in the data folder's sink."""
    no_smtp = {"smtp_host": None, "smtp_port": None, "sink_port": sink.free_port()}
    with served(settings.model_copy(update=no_smtp)) as running:
        yield running


def link_to(app: App, email: str, subject: str) -> str:
    """The link in the newest mail to ``email`` about ``subject``, once the worker beside the
    server has put it in the sink (a worker pass here too, so nothing waits on its poll)."""
    pause = threading.Event()
    for _ in range(100):
        for message in reversed(sink.read_all(app.settings.sink_dir)):
            if email in message.to and subject in message.subject:
                found = LINK.search(message.text())
                return found.group(1) if found else ""
        with ThreadPoolExecutor(max_workers=1) as pool:  # Playwright's loop runs in this one
            pool.submit(Worker(app).drain).result()
        pause.wait(0.05)  # a message the other worker holds is on its way
    raise AssertionError(f"no mail to {email} about {subject!r}")


def log_in_locally(page: Page, url: str, app: App) -> None:
    """Log in as the coordinator by the link the local mailbox holds."""
    page.goto(f"{url}/login")
    page.get_by_label("E-postadress").fill(COORDINATOR)
    page.get_by_role("button", name="Skicka inloggningslänk").click()
    expect(page.get_by_text("Om adressen är behörig")).to_be_visible()
    page.goto(link_to(app, COORDINATOR, "inloggningslänk"))
    page.get_by_role("button", name="Logga in").click()


def test_a_morning_on_a_phone_with_the_local_mailbox(
    local: tuple[App, str], browser: Browser, shoot: Callable[[Page, str], None]
) -> None:
    app, url = local
    page = browser.new_context(viewport=PHONE, locale="sv-SE").new_page()
    log_in_locally(page, url, app)

    # 4 and 5: the form in Swedish, errors named at the top, a preview before sending.
    page.goto(f"{url}/rounds/new")
    page.get_by_role("button", name="Öppna remissen och skicka inbjudningar").click()
    summary = page.locator(".error-summary").first
    expect(summary).to_contain_text("Titel: Fältet behöver fyllas i.")
    page.get_by_label("Er referens (diarienummer)").fill("MORGON-1")
    page.get_by_label("Titel (obligatorisk)").fill("Astma, vårdförlopp")
    page.get_by_label("Avsändare").fill("Nationellt system för kunskapsstyrning")
    page.get_by_label("Sällsynta sjukdomar", exact=True).check()
    page.get_by_label("Nationell sista svarsdag").fill("2026-04-14")
    page.get_by_role("button", name="Visa vilka som får inbjudan").click()
    expect(page.get_by_text("6 personer får inbjudan att svara")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Öppna remissen och skicka inbjudningar").click()
    expect(page.get_by_role("status").first).to_contain_text("Remissen är öppnad.")
    # 9: on a phone nothing runs off the side of the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.goto(f"{url}/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shoot(page, "dashboard-local-phone")

    # 10: a reviewer forwards; the colleague and the forwarder are each told, in their words.
    reviewer = browser.new_context(viewport=PHONE, locale="sv-SE").new_page()
    reviewer.goto(link_to(app, "fredrik.jonsson@rjl.example.org", "Astma"))
    reviewer.get_by_text("Vidarebefordra till en kollega").click()
    reviewer.get_by_label("Kollegans namn").fill("Maria Lind")
    reviewer.get_by_label("Kollegans e-postadress").fill("maria.lind@rjl.example.org")
    reviewer.get_by_role("button", name="Vidarebefordra").click()
    expect(reviewer.get_by_text("Du har vidarebefordrat remissen")).to_be_visible()

    # 7: the mail view, newest first, searchable, in Swedish time.
    link_to(app, "fredrik.jonsson@rjl.example.org", "Vidarebefordrad")
    page.goto(f"{url}/mail")
    page.get_by_label("Sök på mottagare eller ämne").fill("Vidarebefordrad")
    page.get_by_role("button", name="Sök").click()
    expect(page.get_by_text("1 meddelande som matchar")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d+ februari 2026 kl\. \d\d\.\d\d"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Vidarebefordrad: Astma, vårdförlopp").click()
    expect(page.get_by_text("till Maria Lind (maria.lind@rjl.example.org)").first).to_be_visible()
