"""Issue 29's words and checks as a coordinator meets them in a browser, axe on every page:
area names with å, ä and ö and a deadline on a holiday in the new-round form, the mailbox
with Swedish dates and its attachments, the reviewer's page naming the sender's dnr as the
mail does, the decision's dating rule and the timeline, and a directory upload previewed
before it is applied."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from remiss.app import App
from remiss.core.models import Person, Round
from remiss.core.settings import Settings
from remiss.mail import sink
from remiss.reviewers import answers
from remiss.yttrande import drafts
from remiss.yttrande.closing import close_round
from tests.browser.conftest import COORDINATOR, assert_accessible, served
from tests.browser.test_browser_local_mail import link_to, log_in_locally
from tests.web.test_directory_preview import CHANGED

TOKEN = re.compile(r"/r/([A-Za-z0-9_-]{43})")


@pytest.fixture
def local(settings: Settings) -> Iterator[tuple[App, str]]:
    """The web app with no SMTP server: mail lands in the data folder's sink."""
    no_smtp = {"smtp_host": None, "smtp_port": None, "sink_port": sink.free_port()}
    with served(settings.model_copy(update=no_smtp)) as running:
        yield running


def test_words_and_checks_on_the_dashboard(local: tuple[App, str], browser: Browser) -> None:
    app, url = local
    page = browser.new_context(locale="sv-SE").new_page()
    log_in_locally(page, url, app)

    # The form names areas in Swedish and warns of a last day on a holiday.
    page.goto(f"{url}/rounds/new")
    expect(page.get_by_label("Barns och ungdomars hälsa", exact=True)).to_be_visible()
    page.get_by_label("Er referens (diarienummer)").fill("HELG-9")
    page.get_by_label("Titel (obligatorisk)").fill("Sällsynta diagnoser, kunskapsstöd")
    page.get_by_label("Avsändare").fill("Nationellt system för kunskapsstyrning")
    page.get_by_label("Sällsynta sjukdomar", exact=True).check()
    page.get_by_label("Remissen öppnar").fill("2026-02-16")
    page.get_by_label("Nationell sista svarsdag").fill("2026-05-14")
    page.get_by_role("button", name="Visa vilka som får inbjudan").click()
    expect(page.locator("#deadline-warnings")).to_contain_text(
        "14 maj 2026 är en torsdag (Kristi himmelsfärdsdag), inte en arbetsdag"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Öppna remissen och skicka inbjudningar").click()
    expect(page.get_by_role("status").first).to_contain_text("Obs: Den nationella sista")

    # The mailbox: Swedish dates, and the invitation's calendar entry as an attachment.
    invitation = link_to(app, "fredrik.jonsson@rjl.example.org", "Sällsynta diagnoser")
    page.goto(f"{url}/mail?q=fredrik")
    expect(page.locator(".mail-list")).to_contain_text("1 bilaga: ")
    page.locator(".mail-list a").first.click()
    expect(page.get_by_role("heading", name="Bilagor")).to_be_visible()
    expect(page.get_by_text(re.compile(r"februari 2026 kl\. \d\d\.\d\d"))).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator("a[download]").first.click()
    assert download.value.path().read_bytes().startswith(b"BEGIN:VCALENDAR")

    # The reviewer's page names the sender's dnr as the mail does.
    reviewer = browser.new_context(locale="sv-SE").new_page()
    reviewer.goto(invitation)
    expect(reviewer.get_by_text("Avsändarens diarienummer")).to_be_visible()
    assert_accessible(reviewer)
    reviewer.context.close()

    # The decision form says what the letter is dated with before anything is posted.
    token = TOKEN.search(invitation)
    assert token
    with app.transaction() as session:
        answers.submit(session, app.settings, token.group(1), {}, no_comments=True)
        round_ = session.scalars(select(Round).where(Round.reference == "HELG-9")).one()
        close_round(session, app.settings, round_.id, COORDINATOR)
        assert round_.drafter is not None
        drafts.save(session, app.settings, round_.id, round_.drafter.email,
                    {"stallningstagande": "Tillstyrker"}, {}, hand_over=True)  # fmt: skip
        round_id = round_.id
    page.goto(f"{url}/rounds/{round_id}")
    expect(page.locator("#decide-date-hint")).to_contain_text(
        "Yttrandet dateras med beslutsdagen, inte med dagen då svaren stängdes"
    )
    expect(page.locator(".timeline")).to_contain_text("Utkast lämnat till samordnaren")
    assert_accessible(page)

    # A directory upload is shown before it is applied.
    page.goto(f"{url}/directory")
    page.get_by_label("Katalogfil (YAML)").set_input_files(
        {"name": "katalog.yaml", "mimeType": "application/x-yaml", "buffer": CHANGED.encode()}
    )
    page.get_by_role("button", name="Ladda upp och granska").click()
    expect(page.get_by_role("heading", name="Nya personer (1)")).to_be_visible()
    expect(page.get_by_text("ingenting är ändrat ännu")).to_be_visible()
    assert_accessible(page)
    with app.sessions() as session:
        assert not session.scalars(
            select(Person).where(Person.email == "nora.ny@rjl.example.org")
        ).first()
    page.get_by_role("button", name="Uppdatera katalogen").click()
    expect(page.get_by_role("status").first).to_contain_text("Katalogen är uppdaterad")
    assert_accessible(page)
    with app.sessions() as session:
        assert session.scalars(
            select(Person).where(Person.email == "nora.ny@rjl.example.org")
        ).one()
