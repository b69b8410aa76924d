"""``remiss reminders send --now …`` end to end: the flow's body, the database, real SMTP."""

from __future__ import annotations

from datetime import date

from flows.reminders import reminder_sweep
from typer.testing import CliRunner

from remiss.cli import app as cli
from remiss.core.models import Round
from tests.reminders.conftest import LAKEMEDEL, Rounds


def test_reminders_send_closes_past_rounds_and_sends_what_is_due(
    rounds: Rounds, environment: None
) -> None:
    past = rounds.open("KS-2026-070", date(2026, 3, 20), groups="rsg-halsodata")
    rounds.open("KS-2026-071", date(2026, 3, 27))

    # Local time: Saturday 21 March, after the first round's window and the second's
    # 7-day reminder (Friday 20 March 08:00).
    result = CliRunner().invoke(cli, ["reminders", "send", "--now", "2026-03-21T09:00"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        f"Stängde 1 remiss (id {past}: 1 utan svar; samordnaren meddelad); "
        "köade 3 påminnelser i 3 e-postmeddelanden; "
        "e-post: 4 skickade"
    )
    assert set(rounds.received()) == {*LAKEMEDEL, "kansli@sosr.example.org"}
    with rounds.app.sessions() as session:
        closed = session.get(Round, past)
        assert closed is not None and closed.status == "closed"

    again = CliRunner().invoke(cli, ["reminders", "send", "--now", "2026-03-21T09:15"])
    assert again.output.strip() == (
        "Stängde 0 remisser; köade 0 påminnelser i 0 e-postmeddelanden; e-post: 0 skickade"
    )
    assert len(rounds.mail.received) == 4


def test_reminders_send_refuses_a_bad_time(environment: None) -> None:
    result = CliRunner().invoke(cli, ["reminders", "send", "--now", "i morgon"])

    assert result.exit_code == 1
    assert "--now" in result.output


def test_the_sweep_flow_returns_the_rounds_it_closed(rounds: Rounds, environment: None) -> None:
    past = rounds.open("KS-2026-072", date(2026, 3, 20))
    rounds.answer("elin.blom@rkl.example.org", past)

    result = reminder_sweep.fn("2026-03-23T08:00:00+01:00")

    assert reminder_sweep.name == "reminder-sweep"
    assert result["closed_round_ids"] == [past]
    assert [c["version"] for c in result["compiled"]] == [1]
    assert result["reminders"] == {"reminders": 0, "digests": 0}
    # The coordinator's notice, and the lead's ordförande asked to draft the answer.
    assert result["delivery"]["sent"] == 2
    assert sorted(r.subject.split(":")[0] for r in rounds.mail.received) == [
        "Bered yttrandet",
        "Stängd och sammanställd",
    ]


def test_a_sweep_tells_the_coordinator_once_of_every_round_closed_without_answers(
    rounds: Rounds, environment: None
) -> None:
    first = rounds.open("KS-2026-073", date(2026, 3, 20))
    second = rounds.open("KS-2026-074", date(2026, 3, 20))

    result = reminder_sweep.fn("2026-03-23T08:00:00+01:00")

    assert result["closed_round_ids"] == [first, second]
    assert [(c["version"], c["no_answers"]) for c in result["compiled"]] == [(None, True)] * 2
    [digest] = rounds.mail.received
    assert digest.envelope_to == ["kansli@sosr.example.org"]
    assert digest.subject == "Två remisser stängda utan svar"
    assert "KS-2026-073" in digest.text() and "KS-2026-074" in digest.text()
    assert "inga svar" in digest.text()
    # The next sweep says nothing more.
    rounds.mail.clear()
    assert reminder_sweep.fn("2026-03-23T08:15:00+01:00")["compiled"] == []
    assert rounds.mail.received == []
