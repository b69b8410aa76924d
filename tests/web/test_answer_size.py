"""An answer's size: named on the page before posting, refused after it with the text
kept, and only the latest draft kept between submissions (a link saving large drafts
again and again grows nothing)."""

from __future__ import annotations

import html

import httpx
from fastapi.testclient import TestClient

from remiss.app import App
from remiss.reviewers.answers import ANSWER_MOST
from remiss.web.deps import BODY_MOST
from tests.web.conftest import REVIEWER, Opened, csrf_of, invitation_state

NBSP = "\u00a0"


def post(client: TestClient, token: str, action: str, **fields: str) -> httpx.Response:
    page = client.get(f"/r/{token}")
    data = {"csrf_token": csrf_of(page.text), "action": action, **fields}
    return client.post(f"/r/{token}", data=data, follow_redirects=False)


def in_field(page: str, key: str) -> str:
    """What the page's textarea for ``key`` holds."""
    start = page.index(f'<textarea id="q-{key}"')
    start = page.index(">", start) + 1
    return html.unescape(page[start : page.index("</textarea>", start)]).removeprefix("\n")


def test_the_page_names_the_limit_before_anything_is_posted(
    client: TestClient, opened: Opened
) -> None:
    page = client.get(f"/r/{opened.token_for(REVIEWER)}").text
    hint = f"Ett svar får vara högst 200{NBSP}000 tecken, alla fält tillsammans."
    assert f'<p class="hint" id="svar-storlek">{hint}</p>' in page
    assert page.count(f'maxlength="{ANSWER_MOST}"') == 5  # every text question
    assert 'aria-describedby="svar-storlek"' in page


def test_an_answer_over_the_limit_comes_back_with_the_text_kept_and_nothing_saved(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    # One character over, the position chosen counted too.
    innehall = "Innehåll. " * 14_999 + "Innehåll."
    ovrigt = "ö" * (ANSWER_MOST + 1 - len(innehall) - len("Tillstyrker"))
    for action in ("draft", "submit"):
        response = post(
            client, token, action,
            **{"q-stallningstagande": "Tillstyrker", "q-innehall": innehall, "q-ovrigt": ovrigt},
        )  # fmt: skip
        assert response.status_code == 413
        page = response.text
        assert '<div class="error-summary" role="alert" tabindex="-1" id="fel"' in page
        assert "Svaret är inte sparat" in page
        assert (
            f"Svaret är 200{NBSP}001 tecken långt. Ett svar får vara högst 200{NBSP}000 "
            "tecken, alla fält tillsammans. Inget sparades"
        ) in page
        assert in_field(page, "innehall") == innehall
        assert in_field(page, "ovrigt") == ovrigt
        assert 'value="Tillstyrker" checked' in page
    state = invitation_state(app, REVIEWER)
    assert state.versions == [] and state.draft_saved_at is None


def test_the_limit_counts_the_cleaned_text_and_takes_an_answer_at_it(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    # 300,000 characters as posted; the line breaks made plain and the last one dropped
    # leave 199,999, and one more question's single character makes the limit.
    typed = "a\r\n" * 100_000
    response = post(client, token, "draft", **{"q-innehall": typed, "q-ovrigt": "b"})
    assert response.status_code == 303
    [(_, kind, values, _)] = invitation_state(app, REVIEWER).versions
    assert kind == "draft"
    assert sum(map(len, values.values())) == ANSWER_MOST


def test_a_two_megabyte_paste_is_the_page_with_the_text_not_a_bare_400(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    pasted = "Långt klistrat stycke med åäö och tecken som & < > %. " * 40_000
    assert len(pasted.encode()) > 2 * 1024 * 1024  # beyond Starlette's 1 MB a field
    response = post(client, token, "submit", **{"q-innehall": pasted})
    assert response.status_code == 413
    assert f"Svaret är {len(pasted.rstrip()):,} tecken".replace(",", NBSP) in response.text
    assert in_field(response.text, "innehall") == pasted
    assert invitation_state(app, REVIEWER).versions == []


def test_a_body_beyond_any_sane_size_is_cut_to_the_limit_and_says_so(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    pasted = "Sex megabyte text. " * (6 * 1024 * 1024 // 19)
    assert len(pasted) > BODY_MOST
    response = post(client, token, "draft", **{"q-innehall": pasted})
    assert response.status_code == 413
    assert "Det du skickade var större än 5 MB, mer än vi kan ta emot. Inget sparades." in (
        response.text
    )
    assert f"de första 200{NBSP}000 tecknen" in response.text
    assert in_field(response.text, "innehall") == pasted[:ANSWER_MOST]
    assert invitation_state(app, REVIEWER).versions == []


def test_a_draft_saved_on_a_draft_takes_its_place_and_submissions_are_all_kept(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)

    def saved() -> list[tuple[int, str, str]]:
        return [
            (number, kind, values.get("innehall", ""))
            for number, kind, values, _ in invitation_state(app, REVIEWER).versions
        ]

    for n in range(1, 4):
        assert post(client, token, "draft", **{"q-innehall": f"Utkast {n}"}).status_code == 303
    assert saved() == [(1, "draft", "Utkast 3")]
    assert in_field(client.get(f"/r/{token}").text, "innehall") == "Utkast 3"

    answer = {"q-stallningstagande": "Tillstyrker", "q-innehall": "Första svaret"}
    assert post(client, token, "submit", **answer).status_code == 303
    for n in range(4, 6):
        assert post(client, token, "draft", **{"q-innehall": f"Utkast {n}"}).status_code == 303
    answer["q-innehall"] = "Andra svaret"
    assert post(client, token, "submit", **answer).status_code == 303
    assert post(client, token, "draft", **{"q-innehall": "Utkast 6"}).status_code == 303
    assert saved() == [
        (1, "draft", "Utkast 3"),
        (2, "submitted", "Första svaret"),
        (3, "draft", "Utkast 5"),
        (4, "submitted", "Andra svaret"),
        (5, "draft", "Utkast 6"),
    ]
    page = client.get(f"/r/{token}").text
    assert "Du har ett sparat utkast med ändringar som inte är inskickade." in page
    assert in_field(page, "innehall") == "Utkast 6"
