"""What became of each comment, chosen on the drafting page and told with the sent yttrande.

The coordinator drafts (as the lead's processtöd would) over the sample directory: Per
Wallin (RJL) and Karin Kvist (RKL) of RPO Cancersjukdomar comment, Olof Sandberg (RÖ) does
not answer; the kunskapsråd for cancer is told, not asked.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select

from remiss.app import App, deliver_outbox
from remiss.core import clock
from remiss.core.models import Disposition, YttrandeDraft
from remiss.yttrande import sending
from tests.mailcatcher import Received, RunningCatcher
from tests.web.conftest import COORDINATOR, Opened, csrf_of, login, open_round
from tests.web.test_drafting import KARIN, KUNSKAPSRAD, OLOF, PER, ROUND
from tests.web.test_yttrande_pages import answer, post

PER_SAYS = "Uppföljningen saknar mått på väntetider."
KARIN_SAYS = "Inför en gemensam utbildningsdag för alla tre regionerna."
WHY_NOT = "Utbildning ligger utanför vårdprogrammet."


def comment_field(page: str, who: str) -> str:
    """The radio group's name of the comment whose legend names ``who``'s group and region."""
    for match in re.finditer(r'<fieldset id="(utfall-\d+-\w+)"[^>]*>\s*<legend>([^<]*)</legend>',
                             page):  # fmt: skip
        if who in match.group(2):
            return match.group(1)
    raise AssertionError(f"no choice for the comment from {who}")


def draft_form(page: str, **fields: str) -> dict[str, str]:
    return {
        "csrf_token": csrf_of(page),
        "position-stallningstagande": "Tillstyrker med synpunkter",
        "text-innehall": "Uppföljningen bör förtydligas.",
        **fields,
    }


def test_what_the_drafter_chose_reaches_each_respondent_with_the_sent_yttrande(
    coordinator: TestClient, sample_directory: App, smtp: RunningCatcher
) -> None:
    app = sample_directory
    opened = Opened(open_round(app, ROUND), smtp.catcher)
    round_id = opened.round_id
    answer(coordinator, opened.token_for(PER),
           **{"q-stallningstagande": "Tillstyrker", "q-innehall": PER_SAYS})  # fmt: skip
    answer(coordinator, opened.token_for(KARIN),
           **{"q-stallningstagande": "Tillstyrker", "q-ovrigt": KARIN_SAYS})  # fmt: skip
    assert post(coordinator, f"/rounds/{round_id}/close").status_code == 303

    page = coordinator.get(f"/rounds/{round_id}/utkast").text
    per = comment_field(page, "RPO Cancersjukdomar — Region Jönköpings län")
    karin = comment_field(page, "RPO Cancersjukdomar — Region Kalmar län")
    group = page.split(f'<fieldset id="{per}"')[1].split("</fieldset>")[0]
    labels = re.findall(
        r'<input type="radio" name="' + per + r'" value="[^"]+"> <span>([^<]+)', group
    )
    assert labels == ["Med", "Omformulerad", "Ej med"]
    assert f'<label for="{per.replace("utfall-", "skal-")}">Skäl, om den inte kom med' in group

    # Ej med without a reason is refused beside its field, and nothing is kept.
    saving = f"/rounds/{round_id}/utkast/synpunkter"
    refused = coordinator.post(saving, data={"csrf_token": csrf_of(page), karin: "ej-med"})
    assert refused.status_code == 422
    assert "Ange skälet till att synpunkten från RPO Cancersjukdomar" in refused.text
    assert f'href="#{karin.replace("utfall-", "skal-")}"' in refused.text
    assert 'value="ej-med" checked' in refused.text  # what was chosen is still there
    # Saved on its own: no draft version.
    reason = {karin: "ej-med", karin.replace("utfall-", "skal-"): WHY_NOT}
    saved = coordinator.post(saving, data={"csrf_token": csrf_of(page), **reason})
    assert "Vad som blev av synpunkterna är sparat (en ändring)." in saved.text
    assert f'value="{WHY_NOT}"' in saved.text
    # Saved with the draft, handed over.
    handed = coordinator.post(
        f"/rounds/{round_id}/utkast",
        data={**draft_form(page), per: "omformulerad", "action": "hand_over"},
    )
    assert "lämnat till samordnaren" in handed.text
    with app.sessions() as session:
        kept = session.scalars(select(Disposition).order_by(Disposition.id)).all()
        assert [(d.choice, d.reason) for d in kept] == [("ej-med", WHY_NOT), ("omformulerad", None)]
        assert len(session.scalars(select(YttrandeDraft)).all()) == 1

    clock.set_now(datetime(2026, 4, 9, 8, 0, tzinfo=UTC))
    with app.transaction() as session:
        sending.decide(session, round_id, by="Presidiet", on=date(2026, 4, 9), actor=COORDINATOR)
    with app.transaction() as session:
        sending.send(session, app.settings, round_id, to="registrator@rcc.example.org",
                     actor=COORDINATOR)  # fmt: skip
    deliver_outbox(app)

    def told(email: str) -> Received:
        [mail] = [m for m in smtp.catcher.to(email) if m.subject.startswith("Skickat:")]
        assert [a.get_content_type() for a in mail.attachments()] == ["application/pdf"]
        return mail

    karin_text = " ".join(told(KARIN).text().split())
    assert f"”{KARIN_SAYS}” Ej med: {WHY_NOT}" in karin_text and PER_SAYS not in karin_text
    assert f"”{PER_SAYS}” Omformulerad" in " ".join(told(PER).text().split())
    assert "vad som blev av dem" not in told(OLOF).text()  # asked, did not answer
    for member in KUNSKAPSRAD:
        assert "för kännedom" in told(member).text()
    # The page after sending shows the choices and offers no button to change them.
    login(coordinator, smtp.catcher)  # days later: the session has ended
    after = coordinator.get(f"/rounds/{round_id}/utkast").text
    assert f'<fieldset id="{karin}" class="question disposition" disabled>' in after
    assert "Spara bara vad som blev av synpunkterna" not in after
    late = coordinator.post(saving, data={"csrf_token": csrf_of(after), karin: "med"})
    assert late.status_code == 409 and "KS-2026-003 är skickad" in late.text


def test_a_stranger_cannot_weigh_the_comments(
    client: TestClient, sample_directory: App, smtp: RunningCatcher
) -> None:
    round_id = open_round(sample_directory, ROUND)
    page = client.get("/login").text
    refused: httpx.Response = client.post(
        f"/rounds/{round_id}/utkast/synpunkter",
        data={"csrf_token": csrf_of(page), "utfall-1-innehall": "med"},
        follow_redirects=False,
    )
    assert (refused.status_code, refused.headers["location"]) == (303, "/login")
    with sample_directory.sessions() as session:
        assert session.scalars(select(Disposition)).all() == []
