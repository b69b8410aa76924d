"""``remiss reminders send --now …`` end to end: the flow's body, the database, real SMTP."""

from __future__ import annotations

from datetime import date

from flows.reminders import reminder_sweep
from typer.testing import CliRunner

import remiss.cli.reminders  # noqa: F401  (registers the command)
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
        f"Stängde 1 remiss (id {past}), yttrandet sammanställt och samordnaren meddelad; "
        "köade 3 påminnelser i 3 e-postmeddelanden; "
        "e-post: 4 skickade, 0 försöks igen, 0 misslyckade"
    )
    assert set(rounds.received()) == {*LAKEMEDEL, "kansli@sosr.example.org"}
    with rounds.app.sessions() as session:
        closed = session.get(Round, past)
        assert closed is not None and closed.status == "closed"

    again = CliRunner().invoke(cli, ["reminders", "send", "--now", "2026-03-21T09:15"])
    assert again.output.strip() == (
        "Stängde 0 remisser; köade 0 påminnelser i 0 e-postmeddelanden; "
        "e-post: 0 skickade, 0 försöks igen, 0 misslyckade"
    )
    assert len(rounds.mail.received) == 4


def test_reminders_send_refuses_a_bad_time(environment: None) -> None:
    result = CliRunner().invoke(cli, ["reminders", "send", "--now", "i morgon"])

    assert result.exit_code == 1
    assert "--now" in result.output


def test_the_sweep_flow_returns_the_rounds_it_closed(rounds: Rounds, environment: None) -> None:
    past = rounds.open("KS-2026-072", date(2026, 3, 20))

    result = reminder_sweep.fn("2026-03-23T08:00:00+01:00")

    assert reminder_sweep.name == "reminder-sweep"
    assert result["closed_round_ids"] == [past]
    assert [c["version"] for c in result["compiled"]] == [1]
    assert result["reminders"] == {"reminders": 0, "digests": 0}
    assert result["delivery"]["sent"] == 1  # the coordinator's notice that the yttrande is ready
