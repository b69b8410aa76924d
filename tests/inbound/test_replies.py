"""Answering by replying: a reply through the inbound listener is a draft, never a submission;
an auto-reply, a reply to a closed round and an unknown key change nothing."""

from __future__ import annotations

from email.utils import parseaddr

from fastapi.testclient import TestClient
from sqlalchemy import select

from remiss.app import App
from remiss.core.models import InboundMail
from remiss.inbound import listener, trying
from remiss.mail.sink import StoredMessage
from remiss.usecases.worker import Worker
from remiss.yttrande.closing import close_round
from tests.inbound.conftest import DOMAIN, reply, send
from tests.mailcatcher import MailCatcher
from tests.web.conftest import REVIEWER, Opened, invitation_state, received

SAVED = "Vi har sparat ditt svar som utkast — granska och skicka in"


def reply_address(catcher: MailCatcher, email: str) -> str:
    invitation = received(catcher, email, "")[0]
    return parseaddr(str(invitation.message["Reply-To"]))[1]


def outcomes(app: App) -> list[str]:
    with app.sessions() as session:
        return list(session.scalars(select(InboundMail.outcome).order_by(InboundMail.id)))


def test_invitations_answer_to_a_key_of_their_own_and_leave_from_a_return_address(
    opened: Opened, app: App
) -> None:
    catcher = opened.catcher
    first, second = (reply_address(catcher, e) for e in (REVIEWER, "ylva.forsberg@rjl.example.org"))
    assert first.startswith("svar+") and first.endswith(f"@{DOMAIN}") and first != second
    assert opened.token_for(REVIEWER) not in first  # the key reveals nothing of the link
    senders = catcher.senders  # type: ignore[attr-defined]
    assert senders and all(s.startswith("retur+") and s.endswith(f"@{DOMAIN}") for s in senders)


def test_a_reply_through_the_listener_is_a_draft_the_page_shows_and_stays_unsubmitted(
    opened: Opened, app: App, listening: listener.Listening, coordinator: TestClient
) -> None:
    catcher = opened.catcher
    to = reply_address(catcher, REVIEWER)
    send(listening.port, reply(to, "Tillstyrker med synpunkter\nAvsnitt 3 behöver <källor>."))

    state = invitation_state(app, REVIEWER, opened.round_id)
    assert state.submitted_at is None and state.draft_saved_at is not None
    [(_, kind, values, _)] = state.versions
    assert kind == "draft"
    assert values == {
        "stallningstagande": "Tillstyrker med synpunkter",
        "innehall": "Avsnitt 3 behöver <källor>.",  # signature and quoted invitation gone
    }
    Worker(app).drain()
    [told] = received(catcher, REVIEWER, "Ditt svar är sparat som utkast")
    assert SAVED in told.text()
    page = coordinator.get(f"/r/{told.tokens()[-1]}")
    assert "Avsnitt 3 behöver &lt;källor&gt;." in page.text and "Skicka in" in page.text
    assert "svar via e-post" in coordinator.get(f"/rounds/{opened.round_id}").text
    assert outcomes(app) == ["draft"]

    send(listening.port, reply(to, "Tillstyrker med synpunkter\nAvsnitt 3 behöver <källor>."))
    assert outcomes(app) == ["draft"]  # the same mail again (its Message-ID) changes nothing


def test_auto_replies_closed_rounds_and_unknown_keys_change_nothing(
    opened: Opened, app: App, listening: listener.Listening
) -> None:
    catcher = opened.catcher
    to = reply_address(catcher, REVIEWER)
    send(listening.port, reply(to, "Jag är borta till 1 mars.", Subject="Frånvaro: Remiss"))
    send(listening.port, reply(to, "Borta.", Auto_Submitted="auto-replied"))
    send(listening.port, reply("svar+" + "a" * 26 + f"@{DOMAIN}", "Vi tillstyrker."))
    with app.transaction() as session:
        close_round(session, app.settings, opened.round_id, "test")
    send(listening.port, reply(to, "Vi tillstyrker, men sent."))

    state = invitation_state(app, REVIEWER, opened.round_id)
    assert state.versions == [] and state.draft_saved_at is None
    assert outcomes(app) == ["auto-reply", "auto-reply", "unknown", "closed"]
    Worker(app).drain()
    answers = received(catcher, REVIEWER, "Ditt svar kunde inte tas emot")
    # One answer each to the unknown key (the sender is in the directory) and the closed
    # round; none to the auto-replies.
    assert len(answers) == 2
    assert any("stängd" in a.text() or "avslutad" in a.text() for a in answers)


def test_the_local_mailbox_reply_goes_through_the_listener(
    opened: Opened, app: App, listening: listener.Listening
) -> None:
    """What /mail's "Svara" sends: the recipient's reply to the message, to the listener."""
    invitation = received(opened.catcher, REVIEWER, "")[0]
    stored = StoredMessage(key="1", message=invitation.message)
    assert trying.reply_address(stored) == reply_address(opened.catcher, REVIEWER)
    trying.send_to_listener(app.settings, trying.reply_to(stored, "Bra underlag."))
    state = invitation_state(app, REVIEWER, opened.round_id)
    assert state.versions[-1][1:3] == ("draft", {"innehall": "Bra underlag."})
