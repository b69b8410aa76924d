"""One digest per person per sweep, and reminders that follow an extended deadline."""

from __future__ import annotations

from datetime import date

from remiss.core.models import Person
from remiss.rounds import invitations, lifecycle
from tests.reminders.conftest import LAKEMEDEL, OLOF, PER, Rounds, utc


def test_someone_in_several_rounds_gets_one_digest_ordered_by_deadline(rounds: Rounds) -> None:
    rorelse = rounds.open("KS-2026-040", date(2026, 3, 27), groups="rpo-rorelse",
                          title="Artros, nationellt vårdprogram")  # fmt: skip
    cancer = rounds.open("KS-2026-041", date(2026, 3, 25), groups="rpo-cancer",
                         title="Bröstcancer, nationellt vårdprogram")  # fmt: skip
    kirurgi = rounds.open("KS-2026-042", date(2026, 3, 26), groups="rpo-kirurgi",
                          title="Analfissur, kliniskt kunskapsstöd")  # fmt: skip

    # The 7-day reminders of all three fell due on 18, 19 and 20 March.
    sweep = rounds.sweep(utc(2026, 3, 20, 7, 0))

    received = rounds.received()
    assert all(len(messages) == 1 for messages in received.values())
    olof = received[OLOF][0]
    assert olof.subject.strip() == (
        "Påminnelse: Bröstcancer, nationellt vårdprogram och två remisser till "
        "– svara senast 25 mars 2026"
    )
    text = olof.text()
    titles = ["Bröstcancer, nationellt vårdprogram", "Analfissur, kliniskt kunskapsstöd",
              "Artros, nationellt vårdprogram"]  # fmt: skip
    positions = [text.index(title) for title in titles]
    assert positions == sorted(positions)
    for day in ("25 mars 2026", "26 mars 2026", "27 mars 2026"):
        assert f"Svara senast {day}" in text
    with rounds.app.sessions() as session:
        reached = [invitations.by_token(session, token) for token in olof.tokens()]
        assert [i.round_id for i in reached if i] == [cancer, kirurgi, rorelse]
        assert {session.get(Person, i.person_id).email for i in reached if i} == {OLOF}  # type: ignore[union-attr]

    per = received[PER][0]
    assert "och en remiss till" in per.subject
    assert len(per.links()) == 2
    assert sweep.report.digests == len(received)
    assert sweep.report.reminders == sum(len(m[0].links()) for m in received.values())


def test_a_second_sweep_sends_nothing(rounds: Rounds) -> None:
    rounds.open("KS-2026-043", date(2026, 3, 23))

    first = rounds.sweep(utc(2026, 3, 16, 7, 0))
    second = rounds.sweep(utc(2026, 3, 16, 7, 15))
    third = rounds.sweep(utc(2026, 3, 18, 12, 0))

    assert (first.report.digests, second.report.digests, third.report.digests) == (3, 0, 0)
    assert len(rounds.mail.received) == 3


def test_reminders_follow_an_extended_deadline(rounds: Rounds) -> None:
    round_id = rounds.open("KS-2026-044", date(2026, 3, 23))
    rounds.sweep(utc(2026, 3, 16, 7, 0))
    rounds.sweep(utc(2026, 3, 20, 7, 0))
    rounds.mail.clear()

    with rounds.app.transaction() as session:
        lifecycle.extend(session, rounds.app.settings, round_id, date(2026, 4, 3), "kansli")
    rounds.sweep(utc(2026, 3, 20, 10, 0))  # delivers the extension notices
    assert {m.subject.strip()[:13] for m in rounds.mail.received} == {"Ny svarsdag 3"}
    rounds.mail.clear()

    # Offset 7 of 3 April is Friday 27 March, offset 2 is Wednesday 1 April.
    assert rounds.sweep(utc(2026, 3, 27, 6, 59)).report.digests == 0
    assert rounds.sweep(utc(2026, 3, 27, 7, 0)).report.digests == 3
    received = rounds.received()
    assert set(received) == set(LAKEMEDEL)
    for (message,) in received.values():
        assert message.subject.strip().endswith("svara senast 3 april 2026")
        assert "Svara senast 3 april 2026" in message.text()
    assert rounds.sweep(utc(2026, 4, 1, 6, 0)).report.digests == 3


def test_an_extension_does_not_resend_a_reminder_whose_moment_had_passed(rounds: Rounds) -> None:
    round_id = rounds.open("KS-2026-045", date(2026, 3, 23))
    # No sweep ran at the 7-day moment (16 March); the deadline moves on 18 March so
    # that the new 7-day moment (17 March) is already past.
    with rounds.app.transaction() as session:
        from remiss.core import clock

        clock.set_now(utc(2026, 3, 18, 9, 0))
        lifecycle.extend(session, rounds.app.settings, round_id, date(2026, 3, 24), "kansli")
    assert rounds.sweep(utc(2026, 3, 18, 9, 15)).report.digests == 0
    # The 2-day moment of the new deadline (20 March) still comes.
    assert rounds.sweep(utc(2026, 3, 20, 7, 0)).report.digests == 3
