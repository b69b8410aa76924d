"""The words a coordinator reads and the checks made for them: area names with å, ä and ö,
period headings that follow a shifted sample, deadlines on days off, counts in the right
number, the response rate of closed rounds only, and a timeline with every action."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from typer.testing import CliRunner

from remiss import app as runtime
from remiss.app import App, deliver_outbox
from remiss.core.clock import set_now
from remiss.core.swedish import counted
from remiss.directory import sync as directory
from remiss.reports.answered_rounds import answered_jointly
from remiss.reviewers import answers, forwarding
from remiss.rounds import deadline_days, register, steering, timeline
from remiss.rounds import form as roundform
from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from remiss.rounds.opening import find
from remiss.yttrande import approvals
from remiss.yttrande.closing import close_round
from tests.conftest import EXAMPLES
from tests.mailcatcher import RunningCatcher
from tests.test_anchoring import MARIA, REF, approval_link, handed_over
from tests.test_cli import run

BATCH = EXAMPLES / "rounds" / "2026-02-nationella-kunskapsstod.yaml"


def test_areas_are_named_in_swedish_with_their_own_letters(sample_directory: App) -> None:
    with sample_directory.sessions() as session:
        named = dict(roundform.choices(session).areas)
    assert named["barns-och-ungdomars-halsa"] == "Barns och ungdomars hälsa"
    assert named["lakemedel-och-medicinteknik"] == "Läkemedel och medicinteknik"
    assert named["sallsynta-sjukdomar"] == "Sällsynta sjukdomar"
    assert named["halsodata"] == "Hälsodata"
    assert named["rehabilitering-habilitering-och-forsakringsmedicin"] == (
        "Rehabilitering, habilitering och försäkringsmedicin"
    )


def test_a_shifted_sample_is_headed_by_its_shifted_period() -> None:
    parsed = roundspec.load(BATCH)
    assert parsed[0].spec.period == "Remissperiod 16 februari 2026 – 14 april 2026"
    moved = roundspec.shift(parsed, roundspec.days_to_today(parsed, date(2026, 9, 15)))
    assert {p.spec.period for p in moved} == {"Remissperiod 15 september 2026 – 11 november 2026"}
    named = roundspec.loads(
        "defaults: {period: Vårens remisser, issuer: X, coordinator: k@sosr.example.org}\n"
        "rounds:\n  - {reference: A-1, title: A, areas: [x], opens: 2026-02-16, "
        "deadline: 2026-04-14}\n"
    )
    assert roundspec.shift(named, 30)[0].spec.period == "Vårens remisser"


def test_a_deadline_on_a_weekend_or_a_holiday_is_warned_about() -> None:
    [parsed] = roundspec.loads(
        "reference: HELG-1\ntitle: T\nissuer: I\nareas: [x]\nopens: 2026-04-01\n"
        "deadline: 2026-06-13\ninternal_deadline: 2026-05-14\ncoordinator: k@sosr.example.org\n"
    )
    assert deadline_days.warnings(parsed.spec) == [
        "Den nationella sista svarsdagen 13 juni 2026 är en lördag, inte en arbetsdag: den "
        "räknas som fredag 12 juni 2026.",
        "Den interna svarsdagen 14 maj 2026 är en torsdag (Kristi himmelsfärdsdag), inte en "
        "arbetsdag; välj gärna onsdag 13 maj 2026.",
    ]
    [workday] = roundspec.loads(
        "reference: V-1\ntitle: T\nissuer: I\nareas: [x]\ndeadline: 2026-04-14\n"
        "coordinator: k@sosr.example.org\n"
    )
    assert deadline_days.warnings(workday.spec) == []


def test_the_command_line_warns_of_a_deadline_on_a_day_off(
    remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path
) -> None:
    run(remiss, "db", "upgrade")
    run(remiss, "directory", "import", str(EXAMPLES / "directory.yaml"))
    path = tmp_path / "round.yaml"
    path.write_text(
        "reference: HELG-2\ntitle: T\nissuer: I\nareas: [sallsynta-sjukdomar]\n"
        "opens: 2026-02-16\ndeadline: 2026-06-06\ncoordinator: kansli@sosr.example.org\n",
        encoding="utf-8",
    )
    code, out, err = run(remiss, "round", "open", str(path), "--now", "2026-02-16T09:00")
    assert code == 0, err
    assert "Öppnade HELG-2" in out and "6 inbjudningar" in out
    assert err.strip() == (
        "varning: HELG-2: Den nationella sista svarsdagen 6 juni 2026 är en lördag "
        "(Nationaldagen), inte en arbetsdag: den räknas som fredag 5 juni 2026."
    )


def test_counts_take_the_number_of_their_noun() -> None:
    assert answered_jointly(1) == "1 remiss besvarades gemensamt."
    assert answered_jointly(3) == "3 remisser besvarades gemensamt."
    assert answered_jointly(0) == "Ingen remiss besvarades gemensamt."
    assert counted(1, "inbjudan", "inbjudningar") == "1 inbjudan"
    result = directory.ImportResult(regions=1, groups=1, people=1, memberships=1)
    assert result.summary().startswith("1 region, 1 grupp, 1 person, 1 medlemskap")


def test_the_response_rate_counts_only_rounds_that_have_closed(
    sample_directory: App, smtp: RunningCatcher
) -> None:
    app = sample_directory
    two = """
defaults: {issuer: I, coordinator: kansli@sosr.example.org, opens: 2026-02-16,
           deadline: 2026-04-14, internal_deadline: 2026-03-20}
rounds:
  - {reference: SV-1, title: Stängd, areas: [sallsynta-sjukdomar]}
  - {reference: SV-2, title: Öppen, areas: [sallsynta-sjukdomar]}
"""
    with app.transaction() as session:
        opened = rounds.open_rounds(session, app.settings, roundspec.loads(two), "test")
    deliver_outbox(app)
    tokens = [m.tokens() for m in smtp.catcher.to("fredrik.jonsson@rjl.example.org")][-1]
    with app.transaction() as session:
        for token in tokens:  # one answer in each round, from the same person
            answers.submit(session, app.settings, token, {}, no_comments=True)
        close_round(session, app.settings, opened[0].round_id, "test")
    with app.sessions() as session:
        [rate] = register.group_rates(session, ["SV-1", "SV-2"])
    assert (rate.group, rate.answered, rate.asked) == ("RPO Sällsynta sjukdomar", 1, 6)


def test_the_timeline_shows_reminders_forwards_anchoring_and_the_handled_disagreement(
    remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path
) -> None:
    # While the round collects: a reminder by hand, and a reviewer forwards.
    run(remiss, "db", "upgrade")
    run(remiss, "directory", "import", str(EXAMPLES / "directory.yaml"))
    path = tmp_path / "round.yaml"
    path.write_text(
        "reference: TL-1\ntitle: Tidslinjen\nissuer: I\nareas: [lakemedel-och-medicinteknik]\n"
        "opens: 2026-02-16\ndeadline: 2026-04-14\ncoordinator: kansli@sosr.example.org\n",
        encoding="utf-8",
    )
    assert run(remiss, "round", "open", str(path), "--now", "2026-02-16T09:00")[0] == 0
    app = runtime.current()
    with app.transaction() as session:
        round_id = find(session, "TL-1").id
        assert steering.remind_now(session, app.settings, round_id, "kansli@sosr.example.org") == 3
    token = smtp.catcher.to("elin.blom@rkl.example.org")[-1].tokens()[-1]
    with app.transaction() as session:
        forwarding.forward(session, app.settings, token, name="Eva Ek",
                           email="eva.ek@rkl.example.org", move_draft=False)  # fmt: skip
    with app.sessions() as session:
        said = [step.what for step in timeline.timeline(session, round_id)]
    assert said[:3] == [
        "Öppnad: 3 tillfrågade",
        "Påminnelse skickad till 3 personer som inte hade svarat",
        "Elin Blom vidarebefordrade sin inbjudan till eva.ek@rkl.example.org",
    ]

    # After the hand-over: anchoring, an approval, and how a disagreement was handled.
    deliver_outbox(app)
    smtp.catcher.clear()
    handed_over(remiss, smtp, tmp_path)
    smtp.catcher.clear()
    assert run(remiss, "round", "anchor", REF, "--to", MARIA, "--by", "2026-04-08")[0] == 0
    with app.transaction() as session:
        approvals.answer(session, approval_link(smtp.catcher.to(MARIA)[-1]), True, "")
    code, _, err = run(remiss, "round", "disagreement", REF, "--handled", "Avstämt i RSL AU.")
    assert code == 0, err
    set_now(datetime.fromisoformat("2026-04-02T09:00:00+02:00"))
    with app.sessions() as session:
        said = [step.what for step in timeline.timeline(session, find(session, REF).id)]
    assert "Utkast lämnat till samordnaren (version 1)" in said
    assert (
        "Skickat för förankring (version 1) till Maria Holmgren, svar senast 8 april 2026" in said
    )
    assert "Maria Holmgren godkände version 1" in said
    assert said[-1] == "Meningsskiljaktigheten hanterad: Avstämt i RSL AU."
