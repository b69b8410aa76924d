"""The coordinator's dashboard: rounds, one round's matrix and answers, and its actions."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from fastapi.testclient import TestClient

from remiss.app import App, deliver_outbox
from remiss.core import clock
from remiss.core.models import Round
from remiss.rounds import progress, steering
from tests.mailcatcher import RunningCatcher
from tests.web.conftest import (
    ANOTHER_REVIEWER,
    REVIEWER,
    Opened,
    csrf_of,
    deadline_at,
    invitation_state,
    login,
    open_round,
    received,
)

BATCH = """
defaults:
  issuer: Nationellt system för kunskapsstyrning
  opens: 2026-02-16
  deadline: 2026-04-14
  coordinator: kansli@sosr.example.org
  period: Remissperiod våren 2026
rounds:
  - {reference: KS-1, title: "Sent kunskapsstöd", areas: [sallsynta-sjukdomar], internal_deadline: 2026-03-31}
  - {reference: KS-2, title: "Tidigt kunskapsstöd", areas: [sallsynta-sjukdomar], internal_deadline: 2026-03-02}
"""


def answer(client: TestClient, token: str, action: str = "submit", **fields: str) -> None:
    page = client.get(f"/r/{token}")
    data = {"csrf_token": csrf_of(page.text), "action": action, **fields}
    assert client.post(f"/r/{token}", data=data, follow_redirects=False).status_code == 303


def act(client: TestClient, path: str, **fields: str) -> httpx.Response:
    """Press an action's button, and confirm on the page that asks (every action asks)."""
    page = client.get("/")
    asked = client.post(path, data={"csrf_token": csrf_of(page.text), **fields})
    if 'name="confirm" value="1"' not in asked.text:
        return asked  # refused before it could ask
    return client.post(path, data={"csrf_token": csrf_of(page.text), **fields, "confirm": "1"})


def test_rounds_are_listed_under_their_batch_and_sortable_by_deadline(
    coordinator: TestClient, opened: Opened, app: App
) -> None:
    open_round(app, BATCH)
    page = coordinator.get("/")
    assert page.status_code == 200
    html = page.text
    assert "<h2>Remissperiod våren 2026</h2>" in html
    assert "<h2>Övriga remisser</h2>" in html
    assert html.index("Tidigt kunskapsstöd") < html.index("Sent kunskapsstöd")
    assert "0 / 6" in html
    assert "KS-1" in html and "Nationellt system för kunskapsstyrning" in html
    reverse = coordinator.get("/?sort=-intern").text
    assert reverse.index("Sent kunskapsstöd") < reverse.index("Tidigt kunskapsstöd")


def test_the_round_page_shows_each_persons_state_and_the_answers(
    coordinator: TestClient, opened: Opened
) -> None:
    answer(coordinator, opened.token_for(REVIEWER), **{
        "q-stallningstagande": "Tillstyrker med synpunkter",
        "q-innehall": "Första stycket <script>alert(1)</script>\n\nAndra stycket",
    })  # fmt: skip
    answer(coordinator, opened.token_for(ANOTHER_REVIEWER), "draft", **{"q-innehall": "utkast"})
    page = coordinator.get(f"/rounds/{opened.round_id}")
    assert page.status_code == 200
    html = page.text
    assert "RPO Sällsynta sjukdomar" in html and "(ansvarig)" in html
    assert '<th scope="col">RJL</th>' in html
    assert 'data-email="fredrik.jonsson@rjl.example.org"' in html
    assert "Svar inskickat" in html
    assert "Utkast sparat" in html
    assert "Ej öppnad" in html
    assert "1 av 6" in html
    assert "<script>alert(1)</script>" not in html
    assert "<p>Första stycket &lt;script&gt;alert(1)&lt;/script&gt;</p><p>Andra stycket</p>" in html
    assert "utkast" not in html.split("Inkomna svar")[1]


def test_extending_the_deadline_tells_those_who_have_not_answered(
    coordinator: TestClient, opened: Opened, app: App
) -> None:
    answer(coordinator, opened.token_for(REVIEWER), **{"q-stallningstagande": "Tillstyrker"})
    response = act(coordinator, f"/rounds/{opened.round_id}/extend", deadline="2026-03-27")
    assert response.status_code == 200
    assert "Ny intern svarsdag 27 mars 2026" in response.text
    assert received(opened.catcher, ANOTHER_REVIEWER, "Ny svarsdag")
    assert not received(opened.catcher, REVIEWER, "Ny svarsdag")
    bad = act(coordinator, f"/rounds/{opened.round_id}/extend", deadline="2026-05-01")
    assert bad.status_code == 409
    assert "efter den nationella" in bad.text


def test_closing_now_stops_answers(coordinator: TestClient, opened: Opened, app: App) -> None:
    token = opened.token_for(REVIEWER)
    form = coordinator.get(f"/r/{token}")
    response = act(coordinator, f"/rounds/{opened.round_id}/close")
    assert response.status_code == 200
    assert "Remissen är stängd för svar." in response.text
    refused = coordinator.post(
        f"/r/{token}",
        data={"csrf_token": csrf_of(form.text), "action": "draft", "q-innehall": "x"},
    )
    assert refused.status_code == 409
    assert invitation_state(app, REVIEWER).versions == []


def test_resending_an_invitation_sends_a_fresh_link(
    coordinator: TestClient, opened: Opened, app: App
) -> None:
    first = opened.token_for(REVIEWER)
    invitation = invitation_state(app, REVIEWER).id
    response = act(coordinator, f"/rounds/{opened.round_id}/invitations/{invitation}/resend")
    assert response.status_code == 200
    assert "Inbjudan skickas igen till Fredrik Jönsson" in response.text
    assert len(opened.catcher.to(REVIEWER)) == 2
    fresh = opened.token_for(REVIEWER)
    assert fresh != first
    assert coordinator.get(f"/r/{fresh}").status_code == 200
    assert coordinator.get(f"/r/{first}").status_code == 200
    wrong_round = act(
        coordinator, f"/rounds/{opened.round_id + 99}/invitations/{invitation}/resend"
    )
    assert wrong_round.status_code == 404


def test_a_reminder_now_goes_only_to_those_who_have_not_answered(
    coordinator: TestClient, opened: Opened
) -> None:
    answer(coordinator, opened.token_for(REVIEWER), **{"q-stallningstagande": "Tillstyrker"})
    response = act(coordinator, f"/rounds/{opened.round_id}/remind")
    assert response.status_code == 200
    assert "Påminnelse skickas till 5 personer" in response.text
    assert not received(opened.catcher, REVIEWER, "Påminnelse")
    [reminder] = received(opened.catcher, ANOTHER_REVIEWER, "Påminnelse")
    assert "Mastocytos" in reminder.subject and "20 mars 2026" in reminder.subject
    [link] = reminder.links()
    assert coordinator.get(link.removeprefix("http://remiss.test")).status_code == 200
    act(coordinator, f"/rounds/{opened.round_id}/remind")
    assert len(received(opened.catcher, ANOTHER_REVIEWER, "Påminnelse")) == 2


def test_allowing_one_late_answer(coordinator: TestClient, opened: Opened, app: App) -> None:
    clock.set_now(deadline_at(app, opened.round_id) + timedelta(days=2))
    # Two days later the session has long ended (eight hours idle): log in again.
    assert coordinator.get("/", follow_redirects=False).headers["location"] == "/login"
    login(coordinator, opened.catcher)
    invitation = invitation_state(app, REVIEWER).id
    response = act(coordinator, f"/rounds/{opened.round_id}/invitations/{invitation}/late")
    assert response.status_code == 200
    assert "kan nu skicka in ett svar efter svarsdagen och har fått ett mejl" in response.text
    # The person is told, with a link of their own that works now.
    [told] = received(opened.catcher, REVIEWER, "Du kan svara sent")
    assert told.tokens() and "20 mars 2026" in told.text()
    late_link = told.tokens()[-1]
    form = coordinator.get(f"/r/{late_link}")
    data = {
        "csrf_token": csrf_of(form.text),
        "action": "submit",
        "q-stallningstagande": "Avstyrker",
    }
    assert coordinator.post(f"/r/{late_link}", data=data, follow_redirects=False).status_code == 303
    assert invitation_state(app, REVIEWER).submitted_at is not None


def test_opening_a_round_by_the_form(
    coordinator: TestClient, sample_directory: App, smtp: object
) -> None:
    form = coordinator.get("/rounds/new")
    assert form.status_code == 200
    assert 'value="sallsynta-sjukdomar"' in form.text
    data = {
        "csrf_token": csrf_of(form.text),
        "reference": "FORM-1",
        "title": "Formulärets remiss",
        "kind": "vägledning",
        "issuer": "Socialstyrelsen",
        "areas": ["sallsynta-sjukdomar"],
        "lead": "rpo-sallsynta",
        "deadline": "2026-04-14",
        "internal_deadline": "2026-03-20",
        "questions": "nhv",
        "coordinator": "kansli@sosr.example.org",
        "documents": "Remissversion | https://example.org/a.pdf\nhttps://example.org/b.pdf",
    }
    response = coordinator.post("/rounds/new", data=data, follow_redirects=False)
    assert response.status_code == 303
    page = coordinator.get(response.headers["location"])
    # The group's processtöd is told, not asked.
    assert "Remissen är öppnad. 6 inbjudningar skickas. 1 får den för kännedom." in page.text
    assert "Formulärets remiss" in page.text
    catcher = smtp.catcher  # type: ignore[attr-defined]
    [invitation] = received(catcher, REVIEWER, "Remiss: Formulärets remiss")
    reviewer_page = coordinator.get(f"/r/{invitation.tokens()[0]}").text
    assert "Tillstyrker ni definitionen av vården?" in reviewer_page
    assert 'href="https://example.org/b.pdf"' in reviewer_page


def test_the_form_names_each_bad_field_and_keeps_the_rest(coordinator: TestClient) -> None:
    form = coordinator.get("/rounds/new")
    data = {
        "csrf_token": csrf_of(form.text),
        "reference": "FORM-2",
        "title": "",
        "issuer": "Socialstyrelsen",
        "areas": ["sallsynta-sjukdomar"],
        "deadline": "inte ett datum",
        "coordinator": "kansli@sosr.example.org",
    }
    response = coordinator.post("/rounds/new", data=data)
    assert response.status_code == 422
    assert 'id="title-error"' in response.text
    assert 'id="deadline-error"' in response.text
    assert "Ange ett datum (ÅÅÅÅ-MM-DD)." in response.text
    assert 'value="FORM-2"' in response.text
    data.update(title="Titel", deadline="2026-04-14", internal_deadline="2026-01-10")
    late = coordinator.post("/rounds/new", data=data)
    assert late.status_code == 422
    assert 'id="internal_deadline-error"' in late.text
    data.update(internal_deadline="", areas=["finns-inte"])
    unknown = coordinator.post("/rounds/new", data=data)
    assert 'id="areas-error"' in unknown.text
    assert "okänt område" in unknown.text
    assert coordinator.get("/").text.count("FORM-2") == 0


def test_uploading_a_batch_file_opens_its_rounds(coordinator: TestClient) -> None:
    form = coordinator.get("/rounds/new")
    files = {"file": ("batch.yaml", BATCH.encode(), "application/x-yaml")}
    response = coordinator.post(
        "/rounds/upload", data={"csrf_token": csrf_of(form.text)}, files=files
    )
    assert response.status_code == 200
    assert "2 remisser öppnade" in response.text
    bad = BATCH.replace("deadline: 2026-04-14", "deadline: 14 april")
    files = {"file": ("batch.yaml", bad.encode(), "application/x-yaml")}
    refused = coordinator.post(
        "/rounds/upload", data={"csrf_token": csrf_of(form.text)}, files=files
    )
    assert refused.status_code == 422
    assert "batch.yaml:5" in refused.text


def test_the_directory_page_and_its_upload(coordinator: TestClient) -> None:
    page = coordinator.get("/directory")
    assert page.status_code == 200
    assert "RPO Sällsynta sjukdomar" in page.text
    assert "Ylva Forsberg" in page.text
    assert "Sällsynta sjukdomar" in page.text and "sallsynta-sjukdomar" not in page.text
    text = """
regions:
  - {code: RJL, name: Region Jönköpings län}
groups:
  - key: rpo-ny
    name: RPO Ny grupp
    kind: RPO
    areas: [nytt-omrade]
    members:
      - {name: Ny Person, email: ny.person@rjl.example.org, region: RJL}
"""
    files = {"file": ("katalog.yaml", text.encode(), "application/x-yaml")}
    preview = coordinator.post("/directory", data={"csrf_token": csrf_of(page.text)}, files=files)
    assert preview.status_code == 200
    assert "ingenting är ändrat ännu" in preview.text and "RPO Ny grupp (rpo-ny)" in preview.text
    upload = re.search(r'name="upload" value="([^"]+)"', preview.text)
    assert upload is not None
    response = coordinator.post(
        "/directory/confirm",
        data={"csrf_token": csrf_of(preview.text), "upload": upload.group(1)},
    )
    assert response.status_code == 200
    assert "Katalogen är uppdaterad" in response.text
    assert "RPO Ny grupp" in response.text
    files = {"file": ("katalog.yaml", b"regions: [{code: RJL}]\n", "application/x-yaml")}
    bad = coordinator.post("/directory", data={"csrf_token": csrf_of(page.text)}, files=files)
    assert bad.status_code == 422
    assert "katalog.yaml:1" in bad.text


def test_an_unknown_round_is_a_404(coordinator: TestClient) -> None:
    assert coordinator.get("/rounds/999").status_code == 404


def test_a_resent_invitation_that_arrives_clears_the_bounce(
    sample_directory: App, smtp: RunningCatcher
) -> None:
    smtp.catcher.refuse_code = 550
    round_id = open_round(sample_directory)
    smtp.catcher.refuse_code = None
    with sample_directory.sessions() as session:
        round_ = session.get(Round, round_id)
        assert round_ is not None
        before = {p.email: p for p in progress.round_progress(session, round_).people}
    # The server's permanent refusal shows as a bounce, with its reason.
    assert before[REVIEWER].state == "bounced" and "550" in before[REVIEWER].label

    with sample_directory.transaction() as session:
        steering.resend(
            session, sample_directory.settings, round_id, before[REVIEWER].invitation_id, "test"
        )
    assert deliver_outbox(sample_directory).sent == 1
    assert len(smtp.catcher.to(REVIEWER)) == 1

    with sample_directory.sessions() as session:
        round_ = session.get(Round, round_id)
        assert round_ is not None
        after = {p.email: p for p in progress.round_progress(session, round_).people}
    assert after[REVIEWER].state == "not_opened"
    assert after[ANOTHER_REVIEWER].state == "bounced"


def test_every_action_that_mails_or_ends_collecting_asks_first(
    coordinator: TestClient, opened: Opened, app: App
) -> None:
    base = f"/rounds/{opened.round_id}"
    token = csrf_of(coordinator.get("/").text)
    invitation = invitation_state(app, REVIEWER).id
    cases = {
        f"{base}/close": ("Stäng remissen nu?", "6 av de tillfrågade har inte svarat"),
        f"{base}/remind": ("Skicka påminnelse nu?", "6 personer som inte har svarat"),
        f"{base}/invitations/{invitation}/resend": ("Skicka inbjudan igen?", "Fredrik Jönsson"),
        f"{base}/invitations/{invitation}/late": ("Tillåt ett sent svar?", "Fredrik Jönsson"),
    }
    before = len(opened.catcher.received)
    for path, (title, detail) in cases.items():
        asked = coordinator.post(path, data={"csrf_token": token})
        assert asked.status_code == 200 and title in asked.text and detail in asked.text
    # An earlier day is said to be earlier; nothing happened and nobody was mailed.
    earlier = coordinator.post(
        f"{base}/extend", data={"csrf_token": token, "deadline": "2026-03-13"}
    )
    assert "Flytta svarsdagen tidigare?" in earlier.text and "från 20 mars 2026" in earlier.text
    deliver_outbox(app)
    assert len(opened.catcher.received) == before
    with app.sessions() as session:
        round_ = session.get(Round, opened.round_id)
        assert round_ is not None and round_.status == "open"
    # Confirmed, an earlier day reaches people worded as earlier.
    act(coordinator, f"{base}/extend", deadline="2026-03-13")
    deliver_outbox(app)
    [moved] = received(opened.catcher, ANOTHER_REVIEWER, "Ny svarsdag 13 mars 2026")
    assert "har kortats" in moved.text() and "förlängts" not in moved.text()


def test_the_new_round_form_speaks_the_coordinators_language(
    coordinator: TestClient, sample_directory: App
) -> None:
    page = coordinator.get("/rounds/new").text
    assert (
        "<span>Sällsynta sjukdomar</span>" in page
        and "<span>sallsynta-sjukdomar</span>" not in page
    )
    assert ">Nationell högspecialiserad vård (NHV)</option>" in page
    assert 'for="f-our_reference">Vår referens' in page

    # Errors name their field, at the top.
    empty = coordinator.post("/rounds/new", data={"csrf_token": csrf_of(page)})
    assert empty.status_code == 422
    summary = empty.text.split('class="error-summary"')[1].split("</div>")[0]
    assert "Titel: Fältet behöver fyllas i." in summary
    assert "Avsändare: Fältet behöver fyllas i." in summary

    # A preview says which groups and how many people, and sends nothing.
    data = {
        "csrf_token": csrf_of(page), "reference": "P-1", "title": "Förhandsvisning",
        "issuer": "Socialstyrelsen", "areas": ["sallsynta-sjukdomar", "cancersjukdomar"],
        "deadline": "2026-04-14", "coordinator": "kansli@sosr.example.org", "preview": "1",
    }  # fmt: skip
    shown = coordinator.post("/rounds/new", data=data)
    assert shown.status_code == 200 and "Så här går inbjudan ut" in shown.text
    assert (
        "10 personer får inbjudan att svara, och 5 får den för kännedom (kunskapsråd och processtöd)"
        in shown.text
    )
    assert 'RPO Sällsynta sjukdomar <span class="muted">(ansvarig grupp)</span>' in shown.text
    assert "Kunskapsråd kirurgi och cancer – för kännedom" in shown.text
    with sample_directory.sessions() as session:
        assert session.query(Round).count() == 0

    # An upload error is said at the top of the page, above the form.
    files = {"file": ("fel.yaml", b"reference: [", "application/x-yaml")}
    bad = coordinator.post("/rounds/upload", data={"csrf_token": csrf_of(page)}, files=files)
    assert bad.status_code == 422
    assert bad.text.index("Filen är inte uppladdad") < bad.text.index('action="/rounds/new"')


def test_the_dashboard_shows_progress_filters_and_a_round_past_its_deadline_as_closing(
    coordinator: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    page = coordinator.get(f"/r/{token}")
    coordinator.post(f"/r/{token}", data={"csrf_token": csrf_of(page.text), "action": "submit",
                                          "q-stallningstagande": "Tillstyrker"})  # fmt: skip
    other = opened.token_for(ANOTHER_REVIEWER)
    page = coordinator.get(f"/r/{other}")
    coordinator.post(f"/r/{other}", data={"csrf_token": csrf_of(page.text), "action": "draft",
                                          "q-innehall": "Utkast"})  # fmt: skip
    home = coordinator.get("/").text
    assert 'aria-label="1 svar, 1 utkast, 0 öppnade, 4 ej öppnade"' in home
    # The period's answers over time, up to its internal deadline.
    assert "Svar över tid: 1 av 6, 16 februari 2026 – 20 mars 2026" in home
    assert "<polyline" in home
    assert 'class="reference">NHV-TEST-1</td>' in home
    assert coordinator.get("/?visa=avslutade").text.count('class="reference">') == 0
    assert coordinator.get("/?visa=pagaende").text.count('class="reference">') == 1
    round_page = coordinator.get(f"/rounds/{opened.round_id}").text
    assert "1 av 6" in round_page and "<meter" in round_page

    clock.set_now(deadline_at(app, opened.round_id) + timedelta(minutes=5))
    login(coordinator, opened.catcher)  # the clock moved past the session's idle limit
    assert "stängs vid nästa körning" in coordinator.get("/").text
