"""A person a directory re-import took out of the group can no longer answer through an old
link: the page says why, earlier answers stay, and the coordinator can let them answer."""

from __future__ import annotations

from remiss.app import App
from remiss.directory import sync as directory
from remiss.usecases.collecting import allow_late
from remiss.usecases.runtime import inline
from tests.conftest import EXAMPLES
from tests.web.conftest import COORDINATOR, REVIEWER, Opened, csrf_of, invitation_state
from tests.web.test_yttrande_pages import answer
from tests.working import WorkedClient

GONE = "Enligt katalogen är du inte längre med i gruppen som remissen skickades till"


def take_out_of_the_directory(app: App) -> None:
    text = (EXAMPLES / "directory.yaml").read_text(encoding="utf-8")
    line = (
        "      - {name: Fredrik Jönsson, email: fredrik.jonsson@rjl.example.org, region: RJL, "
        "role: ordförande}\n"
    )
    assert line in text
    with app.transaction() as session:
        directory.apply(session, directory.loads(text.replace(line, "")))


def test_an_old_link_of_someone_taken_out_of_the_group_answers_nothing_new(
    client: WorkedClient, opened: Opened, sample_directory: App
) -> None:
    token = opened.token_for(REVIEWER)
    answer(client, token, **{"q-stallningstagande": "Tillstyrker"})
    open_tab = client.get(f"/r/{token}")  # a page left open while the directory changes
    take_out_of_the_directory(sample_directory)

    page = client.get(f"/r/{token}")
    assert page.status_code == 200 and GONE in page.text
    assert COORDINATOR in page.text and "<textarea" not in page.text.split(GONE)[0]
    form = {"csrf_token": csrf_of(open_tab.text), "action": "submit"}
    refused = client.post(
        f"/r/{token}", data={**form, "q-stallningstagande": "Avstyrker"}, follow_redirects=False
    )
    assert refused.status_code == 409 and GONE in refused.text
    state = invitation_state(sample_directory, REVIEWER)
    assert [values for _, _, values, _ in state.versions] == [
        {"stallningstagande": "Tillstyrker"}
    ]  # the earlier answer stays, nothing new

    # The coordinator lets them answer: the same link takes the answer.
    allow_late(inline(sample_directory), opened.round_id, state.id, COORDINATOR)
    again = client.get(f"/r/{token}")
    assert GONE not in again.text
    answer(client, token, **{"q-stallningstagande": "Avstyrker"})
    assert len(invitation_state(sample_directory, REVIEWER).versions) == 2
