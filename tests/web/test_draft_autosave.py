"""The drafting page over a long day: autosave that never overwrites newer text, a hand-over
posted twice that hands over once, and identical positions counted, not repeated.

The coordinator drafts (as the lead's processtöd would) over the sample directory: three
members of RPO Cancersjukdomar tillstyrker, one avstyrker.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from remiss.app import App, deliver_outbox
from remiss.core.models import DraftAutosave, YttrandeDraft
from remiss.yttrande import drafts
from tests.mailcatcher import RunningCatcher
from tests.web.conftest import COORDINATOR, Opened, csrf_of, open_round, received
from tests.web.test_drafting import JOHAN, KARIN, OLOF, PER, ROUND
from tests.web.test_yttrande_pages import answer, post

HANDED_OVER = "Utkast till yttrande lämnat"


def closed_round(coordinator: TestClient, app: App, smtp: RunningCatcher) -> int:
    opened = Opened(open_round(app, ROUND), smtp.catcher)
    for who in (PER, KARIN, JOHAN):
        answer(coordinator, opened.token_for(who), **{"q-stallningstagande": "Tillstyrker"})
    answer(coordinator, opened.token_for(OLOF),
           **{"q-stallningstagande": "Avstyrker", "q-ovrigt": "Saknar analys."})  # fmt: skip
    assert post(coordinator, f"/rounds/{opened.round_id}/close").status_code == 303
    return opened.round_id


def stamps(page: str) -> dict[str, str]:
    """The page's CSRF token and the stamps of what it shows."""
    found = dict(re.findall(r'name="(version|autosave)" value="(\d+)"', page))
    return {"csrf_token": csrf_of(page), **found}


def versions(app: App) -> list[tuple[int, bool]]:
    with app.sessions() as session:
        rows = session.scalars(select(YttrandeDraft).order_by(YttrandeDraft.number)).all()
        return [(d.number, d.handed_over) for d in rows]


FORM = {"position-stallningstagande": "Tillstyrker", "text-innehall": "Väl genomarbetat."}


def test_a_hand_over_posted_twice_makes_one_version_and_one_email(
    coordinator: TestClient, sample_directory: App, smtp: RunningCatcher
) -> None:
    app = sample_directory
    round_id = closed_round(coordinator, app, smtp)
    page = coordinator.get(f"/rounds/{round_id}/utkast").text
    # Identical positions are one line with their count; the groups and regions once each.
    assert re.search(
        r"<strong>Tillstyrker</strong> — 3 svar <span class=\"from\">\(RPO Cancersjukdomar — "
        r"Region Jönköpings län; RPO Cancersjukdomar — Region Kalmar län\)</span>",
        page,
    )
    assert "<strong>Avstyrker</strong> — 1 svar" in page
    form = {**stamps(page), **FORM, "action": "hand_over"}
    assert form["version"] == "0"
    first = coordinator.post(f"/rounds/{round_id}/utkast", data=form, follow_redirects=False)
    again = coordinator.post(f"/rounds/{round_id}/utkast", data=form, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert versions(app) == [(1, True)]
    deliver_outbox(app)
    assert len(received(smtp.catcher, COORDINATOR, HANDED_OVER)) == 1
    # The same page saving something else after that is refused, and keeps what it held.
    changed = {**form, "action": "save", "text-innehall": "Något annat."}
    refused = coordinator.post(f"/rounds/{round_id}/utkast", data=changed)
    assert refused.status_code == 409
    assert "Version 1 av utkastet sparades" in refused.text
    assert ">Något annat.</textarea>" in refused.text
    assert 'name="version" value="1"' in refused.text  # saved again, it would be version 2
    assert versions(app) == [(1, True)]


def test_autosave_keeps_the_text_without_a_version_and_refuses_a_stale_page(
    coordinator: TestClient, sample_directory: App, smtp: RunningCatcher
) -> None:
    app = sample_directory
    round_id = closed_round(coordinator, app, smtp)
    url = f"/rounds/{round_id}/utkast/autospara"
    page = coordinator.get(f"/rounds/{round_id}/utkast").text
    other_tab = stamps(page)
    kept = coordinator.post(url, data={**stamps(page), **FORM})
    assert kept.status_code == 200
    assert kept.json() == {"message": "Sparat automatiskt kl. 09.00.", "autosave": 1}
    assert versions(app) == []  # no version, so no approver and no decision is touched
    shown = coordinator.get(f"/rounds/{round_id}/utkast").text
    assert ">Väl genomarbetat.</textarea>" in shown
    assert "Texten nedan sparades automatiskt" in shown
    assert stamps(shown)["autosave"] == "1"
    # A second tab that never saw that autosave may not overwrite it.
    elsewhere = coordinator.post(url, data={**other_tab, "text-innehall": "Äldre."})
    assert elsewhere.status_code == 409
    assert "från en annan flik eller dator" in elsewhere.json()["message"]
    # A version saved meanwhile by someone else: the page's autosave is refused.
    with app.transaction() as session:
        drafts.save(session, app.settings, round_id, "per.wallin@rjl.example.org",
                    {"stallningstagande": "Tillstyrker"}, {"innehall": "Nyare."})  # fmt: skip
    stale = coordinator.post(url, data={**stamps(shown), "text-innehall": "Mitt."})
    assert stale.status_code == 409
    assert stale.json()["message"].startswith("Inte sparat: Version 1 av utkastet sparades")
    with app.sessions() as session:
        copy = session.get(DraftAutosave, round_id)
        assert copy is not None and copy.texts == {"innehall": "Väl genomarbetat."}
    # The newest version is shown again; autosave over it goes on from there.
    fresh = coordinator.get(f"/rounds/{round_id}/utkast").text
    assert ">Nyare.</textarea>" in fresh and "Texten nedan sparades" not in fresh
    assert coordinator.post(url, data={**stamps(fresh), **FORM}).json()["autosave"] == 2
    # What a client may send wrongly is a 4xx.
    for bad in ({"version": "x"}, {"version": ""}, {"version": "1", "autosave": "-1"}):
        assert coordinator.post(url, data={**stamps(fresh), **bad}).status_code == 422
    too_long = {**stamps(fresh), "autosave": "2", "text-innehall": "x" * 20_001}
    assert (
        coordinator.post(url, data=too_long)
        .json()["message"]
        .startswith("Inte sparat: texten får vara högst")
    )
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(DraftAutosave)) == 1
