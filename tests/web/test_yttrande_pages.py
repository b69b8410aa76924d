"""The yttrande on the dashboard: downloads, versions, the summary form, the CSV, closing."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from urllib.parse import unquote

import docx
import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from remiss.app import App
from remiss.core.models import Question, Round, YttrandeVersion
from remiss.web import create_app
from remiss.web.downloads import content_disposition
from remiss.web.rate_limits import RateLimiter
from tests.mailcatcher import RunningCatcher
from tests.web.conftest import (
    ANOTHER_REVIEWER,
    COORDINATOR,
    OUTSIDER,
    REVIEWER,
    ROUND_YAML,
    Opened,
    csrf_of,
    open_round,
    received,
)
from tests.working import WorkedClient, downloaded

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE = "Mastocytos, remissförslag nationell högspecialiserad vård"
MARKUP = "Se avsnitt 4 <script>alert(1)</script> & <b>fetstil</b>"
DOWNLOADS = ("sammanstallning.docx", "sammanstallning.html", "sammanstallning.pdf", "answers.csv")


# --- helpers -------------------------------------------------------------------------------


def answer(client: TestClient, token: str, **fields: str) -> None:
    """Submit the reviewer's form behind ``token``."""
    page = client.get(f"/r/{token}")
    data = {"csrf_token": csrf_of(page.text), "action": "submit", **fields}
    assert client.post(f"/r/{token}", data=data, follow_redirects=False).status_code == 303


def post(client: TestClient, path: str, **fields: str) -> httpx.Response:
    """POST a dashboard form with the coordinator's token (confirmed where an action asks),
    not following the redirect."""
    page = client.get("/")
    data = {"csrf_token": csrf_of(page.text), "confirm": "1", **fields}
    return client.post(path, data=data, follow_redirects=False)


def docx_text(content: bytes) -> str:
    """Every paragraph and table cell of a Word file, one per line."""
    document = docx.Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def stored_versions(app: App, round_id: int) -> list[int]:
    with app.sessions() as session:
        return list(
            session.scalars(
                select(YttrandeVersion.number)
                .where(YttrandeVersion.round_id == round_id)
                .order_by(YttrandeVersion.number)
            )
        )


def summary_of(app: App, round_id: int) -> tuple[str | None, str | None]:
    with app.sessions() as session:
        round_ = session.get(Round, round_id)
        assert round_ is not None
        return round_.summary, round_.signatory


@pytest.fixture
def answered(coordinator: TestClient, opened: Opened) -> Opened:
    """Fredrik has submitted a position and a text with markup in it."""
    answer(coordinator, opened.token_for(REVIEWER), **{
        "q-stallningstagande": "Tillstyrker med synpunkter",
        "q-innehall": MARKUP,
    })  # fmt: skip
    return opened


@pytest.fixture
def stranger(sample_directory: App) -> Iterator[TestClient]:
    """A second browser on the same app, never logged in as a coordinator."""
    web = create_app(sample_directory, limiter=RateLimiter(capacity=1000, per_second=1))
    with WorkedClient(web, base_url="http://remiss.test") as test_client:
        yield test_client


# --- downloads -----------------------------------------------------------------------------


def compile_now(client: TestClient, round_id: int) -> None:
    """Press Sammanställ igen on the round page."""
    assert post(client, f"/rounds/{round_id}/yttrande/compile").status_code == 303


def test_a_download_before_anything_is_compiled_says_so_and_compiles_nothing(
    coordinator: TestClient, answered: Opened, app: App
) -> None:
    response = coordinator.get(f"/rounds/{answered.round_id}/sammanstallning.docx")
    assert response.status_code == 404
    assert "Ingen sammanställning ännu" in response.text
    assert stored_versions(app, answered.round_id) == []


def test_the_coordinator_downloads_the_draft_as_word_pdf_and_html(
    coordinator: TestClient, answered: Opened, app: App
) -> None:
    base = f"/rounds/{answered.round_id}"
    compile_now(coordinator, answered.round_id)
    word = coordinator.get(f"{base}/sammanstallning.docx")
    assert word.status_code == 200
    assert word.headers["content-type"] == DOCX
    assert (
        word.headers["content-disposition"]
        == 'attachment; filename="NHV-TEST-1-sammanstallning.docx"'
    )
    assert word.headers["cache-control"] == "no-store"
    text = docx_text(word.content)
    assert f"Sammanställning: {TITLE}" in text
    assert MARKUP in text
    assert "Fredrik Jönsson" in text

    printed = coordinator.get(f"{base}/sammanstallning.pdf")
    assert printed.status_code == 200
    assert printed.headers["content-type"] == "application/pdf"
    assert printed.content.startswith(b"%PDF")
    assert 'filename="NHV-TEST-1-sammanstallning.pdf"' in printed.headers["content-disposition"]

    page = coordinator.get(f"{base}/sammanstallning.html")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    # Opens in the browser, sandboxed: its inline <style> and nothing else may run.
    assert page.headers["content-disposition"].startswith("inline;")
    policy = page.headers["content-security-policy"]
    assert "sandbox" in policy and "script-src" not in policy and "default-src 'none'" in policy
    assert f"<h1>Sammanställning: {TITLE}</h1>" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;fetstil&lt;/b&gt;" in page.text
    assert "<script>" not in page.text

    # Downloads serve the compiled version's files, rendered once after the compile and
    # kept on that version.
    assert stored_versions(app, answered.round_id) == [1]
    with app.sessions() as session:
        assert session.scalars(select(YttrandeVersion.pdf)).one() == printed.content
    assert coordinator.get(f"{base}/sammanstallning.pdf").content == printed.content


def test_swedish_letters_in_the_reference_keep_a_safe_filename(
    coordinator: TestClient, opened: Opened, app: App
) -> None:
    round_id = open_round(app, ROUND_YAML.replace("NHV-TEST-1", "SÖSR/Å-1"))
    compile_now(coordinator, round_id)
    disposition = coordinator.get(f"/rounds/{round_id}/sammanstallning.docx").headers[
        "content-disposition"
    ]
    assert disposition.startswith('attachment; filename="SOSR_A-1-sammanstallning.docx"; ')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "SÖSR_Å-1-sammanstallning.docx"


def test_content_disposition_quotes_nothing_a_header_could_trip_on() -> None:
    assert content_disposition('a"b\r\n;c.csv') == (
        "attachment; filename=\"a_b___c.csv\"; filename*=UTF-8''a_b__%3Bc.csv"
    )
    assert content_disposition("plain.docx") == 'attachment; filename="plain.docx"'


@pytest.mark.parametrize("document", DOWNLOADS)
def test_downloads_are_for_coordinators_only(
    stranger: TestClient, opened: Opened, smtp: RunningCatcher, document: str
) -> None:
    path = f"/rounds/{opened.round_id}/{document}"
    # No session at all.
    assert stranger.get(path, follow_redirects=False).headers["location"] == "/login"
    # A reviewer with a valid personal link.
    assert stranger.get(f"/r/{opened.token_for(REVIEWER)}").status_code == 200
    refused = stranger.get(path, follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"] == "/login"
    # Someone who is no coordinator gets no login link, so no session either.
    form = stranger.get("/login")
    stranger.post("/login", data={"email": OUTSIDER, "csrf_token": csrf_of(form.text)})
    assert smtp.catcher.to(OUTSIDER) == []
    refused = stranger.get(path, follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"] == "/login"
    assert b"PK" not in refused.content[:2] and b"%PDF" not in refused.content


def test_the_yttrande_actions_are_for_coordinators_only(
    stranger: TestClient, answered: Opened, app: App
) -> None:
    stranger.get(f"/r/{answered.token_for(REVIEWER)}")
    # A form token this browser could get for itself does not make it a coordinator.
    token = csrf_of(stranger.get("/login").text)
    base = f"/rounds/{answered.round_id}"
    for path, data in [
        (f"{base}/yttrande", {"summary": "Kapad", "signatory": "Någon annan"}),
        (f"{base}/yttrande/compile", {}),
        (f"{base}/close", {}),
    ]:
        response = stranger.post(path, data={"csrf_token": token, **data}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login"
        without_token = stranger.post(path, data=data, follow_redirects=False)
        assert without_token.status_code == 403
    assert stored_versions(app, answered.round_id) == []
    assert summary_of(app, answered.round_id) == (None, None)


def test_a_post_without_its_form_token_is_refused_and_changes_nothing(
    coordinator: TestClient, answered: Opened, app: App
) -> None:
    base = f"/rounds/{answered.round_id}"
    response = coordinator.post(
        f"{base}/yttrande", data={"summary": "Utan token", "signatory": "X"}
    )
    assert response.status_code == 403
    assert "Formuläret har gått ut" in response.text
    assert coordinator.post(f"{base}/yttrande/compile", data={}).status_code == 403
    assert summary_of(app, answered.round_id) == (None, None)
    assert stored_versions(app, answered.round_id) == []


def test_an_unknown_round_is_a_404(coordinator: TestClient, opened: Opened) -> None:
    for document in DOWNLOADS:
        assert coordinator.get(f"/rounds/999/{document}").status_code == 404
    assert post(coordinator, "/rounds/999/yttrande", summary="x").status_code == 404
    assert post(coordinator, "/rounds/999/yttrande/compile").status_code == 404
    # A version the round never had is just as unknown.
    assert (
        coordinator.get(f"/rounds/{opened.round_id}/sammanstallning.docx?version=7").status_code
        == 404
    )


# --- the round page, the summary and versions ---------------------------------------------


def test_the_round_page_offers_downloads_the_form_and_the_versions(
    coordinator: TestClient, answered: Opened
) -> None:
    base = f"/rounds/{answered.round_id}"
    before = coordinator.get(base).text
    assert '<h2 id="yttrande-title">Yttrande</h2>' in before
    assert "Inga versioner ännu." in before
    # Nothing to download until something is compiled, but the answers are there.
    assert f'href="{base}/answers.csv"' in before
    for document in ("yttrande.docx", "yttrande.pdf", "yttrande.html"):
        assert f'href="{base}/{document}"' not in before
    assert '<label for="yttrande-summary">Sammanfattning</label>' in before
    assert "Lämnar du fältet tomt skrivs en genererad rad per fråga om ställningstagande" in before
    assert '<label for="yttrande-signatory">Undertecknare</label>' in before
    assert 'name="signatory" value="Samverkansnämndens presidium"' in before
    assert ">Spara och sammanställ</button>" in before
    assert ">Sammanställ igen</button>" in before

    response = post(coordinator, f"{base}/yttrande/compile")
    assert response.status_code == 303
    page = coordinator.get(response.headers["location"]).text
    assert "Sammanställningen är klar (version 1)." in page
    for document in DOWNLOADS:
        assert f'href="{base}/{document}"' in page
    # The clock stands at 08.00 UTC, 09.00 in Stockholm.
    assert "Senaste version: 1, sammanställd 16 februari 2026 kl. 09.00." in page
    assert f'href="{base}/sammanstallning.docx?version=1"' in page
    with_checksum = page.split('<table class="yttrande-versions"')[1]
    assert '<td class="num">1</td>' in with_checksum
    assert "<code title=" in with_checksum


def test_saving_a_summary_compiles_a_new_version_with_it(
    coordinator: TestClient, answered: Opened, app: App
) -> None:
    base = f"/rounds/{answered.round_id}"
    compile_now(coordinator, answered.round_id)
    first = coordinator.get(f"{base}/sammanstallning.docx")
    assert "Regionen tillstyrker" not in docx_text(first.content)

    summary = "Regionen tillstyrker <em>förslaget</em>.\r\n\r\nMed två stycken."
    response = post(
        coordinator, f"{base}/yttrande", summary=summary, signatory="Regiondirektörerna"
    )
    assert response.status_code == 303
    page = coordinator.get(response.headers["location"]).text
    assert "Sammanställningen är klar (version 2)." in page
    # The form shows what is saved now.
    assert (
        ">Regionen tillstyrker &lt;em&gt;förslaget&lt;/em&gt;.\n\nMed två stycken.</textarea>"
        in page
    )
    assert 'value="Regiondirektörerna"' in page
    assert summary_of(app, answered.round_id) == (
        "Regionen tillstyrker <em>förslaget</em>.\n\nMed två stycken.",
        "Regiondirektörerna",
    )

    latest = docx_text(coordinator.get(f"{base}/sammanstallning.docx").content)
    assert "Regionen tillstyrker <em>förslaget</em>." in latest
    assert "Med två stycken." in latest
    html = coordinator.get(f"{base}/sammanstallning.html").text
    assert "Regionen tillstyrker &lt;em&gt;förslaget&lt;/em&gt;." in html
    # The signatory signs the yttrande that is sent; the sammanställning is signed by nobody.
    assert "Regiondirektörerna" not in latest and "Regiondirektörerna" not in html
    assert "Regiondirektörerna" in docx_text(
        downloaded(coordinator, f"{base}/yttrande.docx").content
    )

    # Version 1 is still there, as it was.
    old = coordinator.get(f"{base}/sammanstallning.docx?version=1")
    assert old.status_code == 200
    assert (
        'filename="NHV-TEST-1-sammanstallning-version-1.docx"' in old.headers["content-disposition"]
    )
    assert old.content == first.content
    assert "Regiondirektörerna" not in docx_text(old.content)
    assert (
        "Regiondirektörerna" not in coordinator.get(f"{base}/sammanstallning.html?version=1").text
    )
    assert coordinator.get(f"{base}/sammanstallning.pdf?version=1").content.startswith(b"%PDF")
    assert stored_versions(app, answered.round_id) == [1, 2]

    # Emptying the summary brings the generated line back, in a version of its own.
    response = post(coordinator, f"{base}/yttrande", summary="  ", signatory="")
    assert "(version 3)" in coordinator.get(response.headers["location"]).text
    assert summary_of(app, answered.round_id) == (None, None)
    assert "Regionen tillstyrker" not in coordinator.get(f"{base}/sammanstallning.html").text


def test_compiling_again_with_nothing_new_keeps_the_version(
    coordinator: TestClient, answered: Opened, app: App
) -> None:
    base = f"/rounds/{answered.round_id}"
    post(coordinator, f"{base}/yttrande/compile")
    response = post(coordinator, f"{base}/yttrande/compile")
    assert "Inget nytt sedan version 1" in coordinator.get(response.headers["location"]).text
    # Saving the summary and signatory the form was prefilled with changes nothing either.
    assert 'name="signatory" value="Samverkansnämndens presidium"' in coordinator.get(base).text
    response = post(
        coordinator, f"{base}/yttrande", summary="", signatory="Samverkansnämndens presidium"
    )
    assert "(version 1)" in coordinator.get(response.headers["location"]).text
    assert stored_versions(app, answered.round_id) == [1]

    # A new answer is something new.
    answer(
        coordinator, answered.token_for(ANOTHER_REVIEWER), **{"q-stallningstagande": "Avstyrker"}
    )
    response = post(coordinator, f"{base}/yttrande/compile")
    assert (
        "Sammanställningen är klar (version 2)."
        in coordinator.get(response.headers["location"]).text
    )
    assert stored_versions(app, answered.round_id) == [1, 2]


def test_an_overlong_summary_is_refused_and_nothing_typed_is_lost(
    coordinator: TestClient, answered: Opened, app: App
) -> None:
    base = f"/rounds/{answered.round_id}"
    long_summary = "Första meningen <b>är</b> viktig. " + "x" * 10_000
    response = post(coordinator, f"{base}/yttrande", summary=long_summary, signatory="Presidiet")
    assert response.status_code == 422
    assert "Sammanställningen är inte sparad" in response.text
    assert "Sammanfattningen får vara högst 10\u00a0000 tecken" in response.text
    assert 'aria-invalid="true"' in response.text
    assert "Första meningen &lt;b&gt;är&lt;/b&gt; viktig. " + "x" * 10_000 + "</textarea>" in (
        response.text
    )
    assert 'value="Presidiet"' in response.text
    # The rest of the round page is still there to work with.
    assert "Svarsläge per grupp och region" in response.text

    too_long = "P" * 201
    response = post(coordinator, f"{base}/yttrande", summary="Kort.", signatory=too_long)
    assert response.status_code == 422
    assert "Undertecknaren får vara högst 200 tecken." in response.text
    assert f'value="{too_long}"' in response.text
    assert ">Kort.</textarea>" in response.text

    assert summary_of(app, answered.round_id) == (None, None)
    assert stored_versions(app, answered.round_id) == []


# --- the CSV -------------------------------------------------------------------------------


def test_the_answers_csv_has_one_row_per_person(
    coordinator: TestClient, answered: Opened, app: App
) -> None:
    answer(coordinator, answered.token_for(ANOTHER_REVIEWER), **{
        "q-stallningstagande": "Avstyrker",
        "q-ovrigt": "=SUMMA(A1); med semikolon\noch radbrytning",
    })  # fmt: skip
    response = coordinator.get(f"/rounds/{answered.round_id}/answers.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="NHV-TEST-1-svar.csv"'
    assert response.headers["cache-control"] == "no-store"
    assert response.content.startswith("\ufeff".encode())
    header, *rows = list(
        csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    )
    assert header[:4] == ["referens", "grupper", "region", "namn"]
    with app.sessions() as session:
        questions = session.scalar(
            select(func.count()).where(Question.round_id == answered.round_id)
        )
    assert len(header) == 8 + questions
    assert {row[4] for row in rows} == {REVIEWER, ANOTHER_REVIEWER} and len(rows) == 2
    by_email = {row[4]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_email[ANOTHER_REVIEWER]["Övriga synpunkter"] == (
        "'=SUMMA(A1); med semikolon\noch radbrytning"
    )
    assert by_email[REVIEWER]["Synpunkter på kunskapsstödets innehåll"] == MARKUP
    assert ":" in by_email[REVIEWER]["inskickat"] and "." not in by_email[REVIEWER]["inskickat"]


# --- closing -------------------------------------------------------------------------------


def test_closing_now_compiles_the_draft_and_mails_the_coordinator(
    coordinator: TestClient, answered: Opened, app: App
) -> None:
    response = post(coordinator, f"/rounds/{answered.round_id}/close")
    assert response.status_code == 303
    page = coordinator.get(response.headers["location"]).text
    assert "Remissen är stängd för svar. Sammanställningen är klar (version 1)" in page
    assert stored_versions(app, answered.round_id) == [1]

    [notice] = received(answered.catcher, COORDINATOR, "Stängd och sammanställd")
    assert TITLE in notice.subject
    body = notice.text()
    assert "Sammanställning: version 1" in body
    assert "1 av 6 tillfrågade har svarat" in body
    link = f"http://remiss.test/rounds/{answered.round_id}/sammanstallning.docx"
    assert link in body
    word = coordinator.get(link.removeprefix("http://remiss.test"))
    assert word.status_code == 200
    assert MARKUP in docx_text(word.content)
    # The link serves what was compiled at closing; nothing new was stored for it.
    assert stored_versions(app, answered.round_id) == [1]

    # Compiling again tells nobody twice.
    post(coordinator, f"/rounds/{answered.round_id}/yttrande/compile")
    assert len(received(answered.catcher, COORDINATOR, "Stängd och sammanställd")) == 1
