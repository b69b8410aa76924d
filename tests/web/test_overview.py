"""/oversikt: what SÖSR publishes of its joint answers, to anyone, and nothing more.

Rounds in every state (``tests.every_state``) over the real database; the page and its
Atom feed list each of them by period, a sent round links its yttrande exactly as it was
sent, and no person's name or email is anywhere on them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from remiss.app import App, deliver_outbox
from remiss.core.models import SentYttrande
from remiss.core.settings import Settings
from remiss.web import create_app
from remiss.web.rate_limits import RateLimiter
from tests import every_state
from tests.every_state import PERIOD, World
from tests.mailcatcher import RunningCatcher
from tests.working import WorkedClient

ATOM = "{http://www.w3.org/2005/Atom}"
SIGNATORIES = ["Anna Berglund", "Magnus Ek"]  # who signs the letter: on the PDF, not the page


@pytest.fixture
def world(sample_directory: App, smtp: RunningCatcher) -> World:
    return every_state.build(
        sample_directory, smtp.catcher, lambda: deliver_outbox(sample_directory)
    )


@pytest.fixture
def public(sample_directory: App, world: World) -> Iterator[TestClient]:
    """Someone who is not logged in."""
    web = create_app(sample_directory, limiter=RateLimiter(capacity=1000, per_second=1))
    with WorkedClient(web, base_url="http://remiss.test") as client:
        yield client


def test_the_overview_lists_every_round_by_period_without_login(
    public: TestClient, world: World
) -> None:
    page = public.get("/oversikt")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Översikt över remisser</h1>" in html
    assert html.index(PERIOD) < html.index("Övriga remisser")
    for reference, state in (
        ("OV-SKICKAD", "skickad"),
        ("OV-OPPEN", "öppen"),
        ("OV-BEREDNING", "beredning"),
        ("OV-INKOMMEN", "inkommen"),
        ("OV-AVSTAR", "avstår"),
        ("OV-PER-REGION", "per region"),
    ):
        row = html.split(f'id="remiss-{world[reference]}"', 1)[1].split("</tr>", 1)[0]
        assert reference in row and f'data-label="Status">{state}<' in row
    sent = html.split(f'id="remiss-{world["OV-SKICKAD"]}"', 1)[1].split("</tr>", 1)[0]
    assert "3D-utskrivna medicintekniska produkter, vägledning" in sent
    assert "Nationellt system för kunskapsstyrning hälso- och sjukvård" in sent
    assert "RSG Medicinsk teknik" in sent and "14 april 2026" in sent
    assert f'href="/oversikt/{world["OV-SKICKAD"]}/yttrande.pdf"' in sent
    assert html.count("/yttrande.pdf") == 1  # only the sent round has one
    # The period's rounds come before those outside any period.
    assert html.index(f'id="remiss-{world["OV-OPPEN"]}"') < html.index(
        f'id="remiss-{world["OV-INKOMMEN"]}"'
    )


def test_no_person_and_no_answer_is_on_the_page_or_in_the_feed(
    sample_directory: App, public: TestClient, world: World
) -> None:
    page, feed = public.get("/oversikt").text, public.get("/oversikt.atom").text
    people = every_state.people(sample_directory)
    assert "Elin Blom" in people and "kansli@sosr.example.org" not in people
    for text in (page, feed):
        for who in [*people, *SIGNATORIES, every_state.COORDINATOR, every_state.SENDER]:
            assert who not in text
        # Not the drafter's text, the answers, the decision or the triage's reason.
        assert "sterilisering" not in text and "Tillstyrker" not in text
        assert every_state.DECIDED_BY not in text and every_state.AVSTAR_REASON not in text
        assert "sammanst" not in text.lower()


def test_the_sent_yttrande_downloads_as_the_very_bytes_sent(
    sample_directory: App, public: TestClient, world: World
) -> None:
    response = public.get(f"/oversikt/{world['OV-SKICKAD']}/yttrande.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    with sample_directory.sessions() as session:
        kept = session.scalars(
            select(SentYttrande).where(SentYttrande.round_id == world["OV-SKICKAD"])
        ).one()
        expected = kept.pdf_sha256
    assert hashlib.sha256(response.content).hexdigest() == expected
    assert 'filename="OV-SKICKAD-yttrande.pdf"' in response.headers["content-disposition"]


@pytest.mark.parametrize("reference", ["OV-OPPEN", "OV-BEREDNING", "OV-INKOMMEN", "OV-AVSTAR"])
def test_a_round_not_sent_has_no_yttrande_to_download(
    public: TestClient, world: World, reference: str
) -> None:
    response = public.get(f"/oversikt/{world[reference]}/yttrande.pdf")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.text


def test_an_unknown_round_has_no_yttrande_either(public: TestClient, world: World) -> None:
    assert public.get("/oversikt/999999/yttrande.pdf").status_code == 404
    assert public.get("/oversikt/0/yttrande.pdf").status_code == 404
    assert public.get("/oversikt/x/yttrande.pdf").status_code == 404


def test_the_feed_is_atom_with_one_entry_per_round(public: TestClient, world: World) -> None:
    response = public.get("/oversikt.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == "http://remiss.test/oversikt"
    assert feed.findtext(f"{ATOM}title") == "Remisser – Sydöstra sjukvårdsregionen"
    assert feed.findtext(f"{ATOM}updated") == "2026-04-09T07:00:00Z"  # the sending
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Sydöstra sjukvårdsregionen"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(world.ids)
    by_id = {e.findtext(f"{ATOM}id"): e for e in entries}
    assert len(by_id) == len(entries)  # every id its own
    for entry in entries:
        assert entry.findtext(f"{ATOM}title") and entry.findtext(f"{ATOM}updated")
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
    sent = by_id[f"http://remiss.test/oversikt#remiss-{world['OV-SKICKAD']}"]
    assert sent.findtext(f"{ATOM}title") == (
        "OV-SKICKAD: 3D-utskrivna medicintekniska produkter, vägledning"
    )
    assert sent.findtext(f"{ATOM}updated") == "2026-04-09T07:00:00Z"
    [pdf] = sent.findall(f"{ATOM}link[@rel='enclosure']")
    assert pdf.get("href") == f"http://remiss.test/oversikt/{world['OV-SKICKAD']}/yttrande.pdf"
    assert pdf.get("type") == "application/pdf"
    assert "Status: skickad" in (sent.findtext(f"{ATOM}summary") or "")
    assert sum(len(e.findall(f"{ATOM}link[@rel='enclosure']")) for e in entries) == 1
    avstar = by_id[f"http://remiss.test/oversikt#remiss-{world['OV-AVSTAR']}"]
    assert avstar.find(f"{ATOM}category").get("term") == "avstår"  # type: ignore[union-attr]


def test_turned_off_the_overview_its_feed_and_its_files_are_not_found(
    sample_directory: App, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REMISS_PUBLIC_OVERVIEW", "false")
    own = sample_directory.settings
    settings = Settings(
        _env_file=None,
        database_url=own.database_url,
        data_dir=own.data_dir,
        base_url=own.base_url,
        secret_key=own.secret_key,
    )
    assert settings.public_overview is False
    off = App.create(settings)
    try:
        web = create_app(off, limiter=RateLimiter(capacity=1000, per_second=1))
        with TestClient(web, base_url="http://remiss.test") as client:
            for path in (
                "/oversikt",
                "/oversikt.atom",
                f"/oversikt/{world['OV-SKICKAD']}/yttrande.pdf",
            ):
                response = client.get(path)
                assert response.status_code == 404, path
                assert "Sidan finns inte" in response.text
    finally:
        off.close()


def test_an_empty_overview_says_so(sample_directory: App) -> None:
    web = create_app(sample_directory, limiter=RateLimiter(capacity=1000, per_second=1))
    with TestClient(web, base_url="http://remiss.test") as client:
        assert "Inga remisser ännu." in client.get("/oversikt").text
        feed = ElementTree.fromstring(client.get("/oversikt.atom").content)
        assert feed.findall(f"{ATOM}entry") == []
        assert feed.findtext(f"{ATOM}updated") == "2026-02-16T08:00:00Z"  # now
