"""The drafting page in a real browser over a long day: answers beside the field on a wide
screen, autosave, a warning before leaving unsaved text, and a hand-over that happens once
however often it is clicked or posted."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select, text

from remiss.core.models import DraftAutosave, YttrandeDraft
from remiss.reviewers import answers
from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from remiss.yttrande import drafts
from remiss.yttrande.closing import close_round
from tests.browser.conftest import COORDINATOR, Live, assert_accessible, deliver
from tests.browser.test_browser_drafting import ROUND, log_in, mails

AGREE = {"stallningstagande": "Tillstyrker"}
ANSWERS = {
    "per.wallin@rjl.example.org": AGREE,
    "karin.kvist@rkl.example.org": AGREE,
    "johan.engstrom@rkl.example.org": AGREE,
    "olof.sandberg@rog.example.org": {"stallningstagande": "Avstyrker", "ovrigt": "Saknar analys."},
}
TALLY = (
    "Tillstyrker — 3 svar (RPO Cancersjukdomar — Region Jönköpings län; "
    "RPO Cancersjukdomar — Region Kalmar län)"
)
HANDED_OVER = "Utkast till yttrande lämnat"


def closed(live: Live) -> int:
    """A round of RPO Cancersjukdomar, answered by all four and closed; its id."""
    with live.app.transaction() as session:
        [opened] = rounds.open_rounds(session, live.app.settings, roundspec.loads(ROUND), "test")
    deliver(live)
    for email, values in ANSWERS.items():
        [invitation] = mails(live, email, "Bröstcancer")
        with live.app.transaction() as session:
            answers.submit(session, live.app.settings, invitation.tokens()[-1], values,
                           no_comments=False)  # fmt: skip
    with live.app.transaction() as session:
        close_round(session, live.app.settings, opened.round_id, COORDINATOR)
    deliver(live)
    return opened.round_id


def drafting(live: Live, browser: Browser, width: int = 1440, height: int = 900) -> Page:
    page = browser.new_context(
        viewport={"width": width, "height": height}, locale="sv-SE"
    ).new_page()
    log_in(live, page)
    return page


def versions(live: Live) -> list[tuple[int, bool]]:
    with live.app.sessions() as session:
        rows = session.scalars(select(YttrandeDraft).order_by(YttrandeDraft.number)).all()
        return [(d.number, d.handed_over) for d in rows]


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None
    return dict(found)


def test_a_wide_screen_puts_the_answers_beside_the_field_and_a_phone_stacks_them(
    live: Live, browser: Browser, shoot: Callable[[Page, str], None]
) -> None:
    round_id = closed(live)
    page = drafting(live, browser)
    page.goto(f"{live.url}/rounds/{round_id}/utkast")
    expect(page.get_by_text(TALLY)).to_be_visible()
    received, joint = box(page, ".draft-received"), box(page, ".draft-joint")
    assert joint["x"] >= received["x"] + received["width"]  # beside
    assert abs(joint["y"] - received["y"]) < 2  # at the same height
    assert_accessible(page)
    shoot(page, "drafting-wide")

    page.set_viewport_size({"width": 390, "height": 844})
    received, joint = box(page, ".draft-received"), box(page, ".draft-joint")
    assert joint["y"] >= received["y"] + received["height"]  # below
    assert abs(joint["x"] - received["x"]) < 2
    assert_accessible(page)
    shoot(page, "drafting-phone-stacked")
    page.context.close()


def test_autosave_keeps_what_is_typed_and_a_stale_page_is_refused(
    live: Live, browser: Browser
) -> None:
    round_id = closed(live)
    page = drafting(live, browser)
    page.goto(f"{live.url}/rounds/{round_id}/utkast")
    status = page.locator("#autosave-status")
    expect(status).to_contain_text("sparas automatiskt")
    page.locator("#text-innehall").fill("Vårdprogrammet är väl genomarbetat.")
    expect(status).to_have_text("Sparat automatiskt kl. 09.00.")
    with live.app.sessions() as session:
        copy = session.get(DraftAutosave, round_id)
        assert copy is not None and copy.texts["innehall"] == "Vårdprogrammet är väl genomarbetat."
    assert versions(live) == []
    page.reload()
    expect(page.locator("#text-innehall")).to_have_value("Vårdprogrammet är väl genomarbetat.")
    expect(page.get_by_text("Texten nedan sparades automatiskt")).to_be_visible()
    assert_accessible(page)

    # Someone else saves a version: this page's next autosave would overwrite it, so it is
    # refused, said where the drafter looks, and leaving the page asks first.
    with live.app.transaction() as session:
        drafts.save(session, live.app.settings, round_id, "per.wallin@rjl.example.org",
                    AGREE, {"innehall": "Nyare."})  # fmt: skip
    page.locator("#text-innehall").fill("Mitt eget.")
    expect(status).to_contain_text("Inte sparat: Version 1 av utkastet sparades")
    with live.app.sessions() as session:
        copy = session.get(DraftAutosave, round_id)
        assert copy is not None and copy.texts["innehall"] == "Vårdprogrammet är väl genomarbetat."
    assert versions(live) == [(1, False)]
    assert_accessible(page)
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    with page.expect_event("close"):
        page.close(run_before_unload=True)
    assert asked == ["beforeunload"]

    # Saved, nothing is left to lose: the page closes without asking.
    quiet = page.context.new_page()
    quiet.goto(f"{live.url}/rounds/{round_id}/utkast")
    quiet.locator("#text-innehall").fill("Mitt eget, över version 1.")
    expect(quiet.locator("#autosave-status")).to_have_text("Sparat automatiskt kl. 09.00.")
    quiet.on("dialog", answer)
    with quiet.expect_event("close"):
        quiet.close(run_before_unload=True)
    assert asked == ["beforeunload"]
    quiet.context.close()


def test_a_save_waits_for_the_autosave_on_its_way_and_a_double_click_hands_over_once(
    live: Live, browser: Browser
) -> None:
    round_id = closed(live)
    page = drafting(live, browser, 390, 844)
    page.goto(f"{live.url}/rounds/{round_id}/utkast")
    # Spara utkast pressed while an autosave is still at the server: the form goes once the
    # autosave is back, with its stamp, and is saved (not refused as a page that missed it).
    with writes_held(live, round_id):
        with page.expect_request(lambda request: request.url.endswith("/autospara")):
            page.locator("#text-innehall").fill("Väl genomarbetat.")
        page.get_by_role("button", name="Spara utkast").click()
        expect(page.locator("#autosave-status")).to_have_text("Sparar …")
    expect(page.get_by_role("status").first).to_contain_text("Utkastet är sparat (version 1).")
    expect(page.locator("#text-innehall")).to_have_value("Väl genomarbetat.")

    position = page.get_by_role("group", name=re.compile("Gemensamt ställningstagande"))
    position.get_by_label("Tillstyrker", exact=True).check()
    page.get_by_role("button", name="Lämna till samordnaren").dblclick()
    expect(page.get_by_role("status").first).to_contain_text(
        "Utkastet (version 2) är lämnat till samordnaren."
    )
    assert versions(live) == [(1, False), (2, True)]
    deliver(live)
    assert len(mails(live, COORDINATOR, HANDED_OVER)) == 1
    page.context.close()


@contextmanager
def writes_held(live: Live, round_id: int) -> Iterator[None]:
    """No request saves anything to the round until the block ends."""
    if live.app.engine.dialect.name != "postgresql":
        with live.app.transaction() as session:
            session.connection()  # begins: the one writer SQLite lets in is this one
            yield
        return
    with live.app.engine.connect() as holding:
        holding.execute(text("SELECT id FROM rounds WHERE id = :id FOR UPDATE"), {"id": round_id})
        yield
        holding.rollback()


def test_two_hand_overs_posted_at_once_make_one_version_and_one_email(
    live: Live, browser: Browser
) -> None:
    round_id = closed(live)
    page = drafting(live, browser)
    page.goto(f"{live.url}/rounds/{round_id}/utkast")
    form = {
        name: page.locator(f'form.draft-form input[name="{name}"]').get_attribute("value") or ""
        for name in ("csrf_token", "version", "autosave")
    }
    form.update({"position-stallningstagande": "Tillstyrker", "action": "hand_over"})
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    page.context.close()
    postgres = live.app.engine.dialect.name == "postgresql"
    statuses: list[int] = []
    ready = threading.Barrier(2)

    def hand_over() -> None:
        with httpx.Client(base_url=live.url, cookies=cookies, timeout=60) as client:
            ready.wait()
            response = client.post(f"/rounds/{round_id}/utkast", data=form)
            statuses.append(response.status_code)

    posting = [threading.Thread(target=hand_over) for _ in range(2)]
    if postgres:
        # Both requests wait on the round's row until this transaction ends: then at once.
        with live.app.engine.connect() as holding:
            holding.execute(text("SELECT id FROM rounds WHERE id = :id FOR UPDATE"),
                            {"id": round_id})  # fmt: skip
            for thread in posting:
                thread.start()
            wait_for_lock_waiters(live, 2)
            holding.rollback()
    else:
        for thread in posting:
            thread.start()
    for thread in posting:
        thread.join(timeout=60)
    assert statuses == [303, 303]  # both to the page that says it is handed over
    assert versions(live) == [(1, True)]
    deliver(live)
    assert len(mails(live, COORDINATOR, HANDED_OVER)) == 1


def wait_for_lock_waiters(live: Live, count: int) -> None:
    """Return once ``count`` sessions of this database wait on a row lock."""
    with live.app.engine.connect() as conn:
        for _ in range(100_000):
            waiting = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            ).scalar_one()
            if waiting >= count:
                return
            conn.rollback()
    raise AssertionError(f"{count} hand-overs never waited on the round together")
