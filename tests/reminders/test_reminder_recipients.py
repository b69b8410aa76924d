"""Who gets a reminder: only people who still owe an answer, while the round is open."""

from __future__ import annotations

from datetime import date

from remiss.reviewers import answers, forwarding
from remiss.yttrande.closing import close_round
from tests.reminders.conftest import HALSODATA, LAKEMEDEL, Rounds, utc

DANIEL_BJORK, ELIN_BLOM, KRISTINA_EKSTROM = LAKEMEDEL
DANIEL_KVIST, KRISTINA_LINDGREN, STEFAN_NYSTROM = HALSODATA
COLLEAGUE = "maria.lind@rkl.example.org"


def test_reminder_skips_people_who_answered_forwarded_or_left(rounds: Rounds) -> None:
    round_id = rounds.open("KS-2026-030", date(2026, 3, 23))
    settings = rounds.app.settings
    rounds.mail.clear()
    with rounds.app.transaction() as session:
        answers.submit(session, settings, rounds.tokens[(round_id, DANIEL_BJORK)], {},
                       no_comments=True)  # fmt: skip
        forwarding.forward(
            session, settings, rounds.tokens[(round_id, ELIN_BLOM)],
            name="Maria Lind", email=COLLEAGUE, move_draft=False,
        )  # fmt: skip
    rounds.deactivate(KRISTINA_EKSTROM)

    rounds.sweep(utc(2026, 2, 20, 9, 0))  # delivers the receipt and the forwarded invitation
    rounds.mail.clear()
    sweep = rounds.sweep(utc(2026, 3, 16, 7, 0))

    # Only the colleague Elin forwarded to still owes an answer.
    assert sweep.report.digests == 1
    assert list(rounds.received()) == [COLLEAGUE]


def test_reminder_tells_a_draft_holder_that_the_draft_waits(rounds: Rounds) -> None:
    round_id = rounds.open("KS-2026-031", date(2026, 3, 23), groups="rsg-halsodata")
    with rounds.app.transaction() as session:
        answers.save_draft(session, rounds.tokens[(round_id, DANIEL_KVIST)], {})

    rounds.sweep(utc(2026, 3, 16, 7, 0))

    received = rounds.received()
    assert set(received) == set(HALSODATA)
    draft = received[DANIEL_KVIST][0]
    assert "sparat utkast" in draft.text()
    assert "sparat utkast" in draft.html()
    plain = received[STEFAN_NYSTROM][0]
    assert "sparat utkast" not in plain.text()


def test_no_reminder_for_a_closed_round(rounds: Rounds) -> None:
    round_id = rounds.open("KS-2026-032", date(2026, 3, 23))
    with rounds.app.transaction() as session:
        close_round(session, rounds.app.settings, round_id, actor="kansli@sosr.example.org")

    sweep = rounds.sweep(utc(2026, 3, 16, 7, 0))

    assert sweep.report.digests == 0
    # Nobody is reminded; closed by hand with no answers, nobody is told either.
    assert rounds.mail.received == []


def test_reminder_names_the_round_and_its_deadline_in_swedish(rounds: Rounds) -> None:
    round_id = rounds.open(
        "KS-2026-033", date(2026, 3, 27), title="Analfissur, kliniskt kunskapsstöd"
    )

    rounds.sweep(utc(2026, 3, 20, 7, 0))

    message = rounds.received()[DANIEL_BJORK][0]
    assert message.subject.strip() == (
        "Påminnelse: Analfissur, kliniskt kunskapsstöd – svara senast 27 mars 2026"
    )
    text = message.text()
    assert "Svara senast 27 mars 2026 (om sju dagar)." in text
    assert "KS-2026-033" in text
    assert message.message["Message-ID"]
    assert message.message["Reply-To"] == "kansli@sosr.example.org"
    (link,) = message.links()
    assert link.startswith("http://remiss.test/r/")
    assert "Analfissur, kliniskt kunskapsstöd" in message.html()
    assert link in message.html()
    del round_id


def test_an_informed_kunskapsrad_is_never_reminded(rounds: Rounds) -> None:
    rounds.open("KS-2026-034", date(2026, 3, 23), groups="rsg-medicinsk-teknik, kr-kirurgi-cancer")

    sweep = rounds.sweep(utc(2026, 3, 16, 7, 0))

    # The lead's members owe an answer; the kunskapsråd was told at opening, and that is all.
    assert sweep.report.digests == 3
    assert set(rounds.received()) == set(LAKEMEDEL)


def test_a_national_deadline_moved_by_the_sender_moves_the_reminders(rounds: Rounds) -> None:
    from datetime import timedelta

    from remiss.core.workdays import working_days_before
    from remiss.rounds.lifecycle import move_national_deadline

    round_id = rounds.open("KS-2026-035", date(2026, 3, 23))
    settings = rounds.app.settings
    with rounds.app.transaction() as session:
        internal, told = move_national_deadline(
            session, settings, round_id, date(2026, 5, 12), None, "kansli@sosr.example.org"
        )
    assert internal == working_days_before(date(2026, 5, 12), settings.internal_margin_days)
    assert told == 3  # everyone who has not answered hears of the new day
    rounds.sweep(utc(2026, 2, 20, 9, 0))  # delivers that news
    rounds.mail.clear()

    # The reminder a week before the old internal deadline does not go …
    assert rounds.sweep(utc(2026, 3, 16, 7, 0)).report.digests == 0
    # … the one a week before the new one does.
    week_before = internal - timedelta(days=7)
    moment = utc(week_before.year, week_before.month, week_before.day, 7, 0)
    assert rounds.sweep(moment).report.digests == 3
    assert set(rounds.received()) == set(LAKEMEDEL)
