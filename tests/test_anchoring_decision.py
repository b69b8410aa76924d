"""What anchoring gives the decision: a day for answers moved and told, the coordinator told of
comments and of the last approval, "Förankrat med …" and each region's own decision (NHV)
in the letter's Beslut section. Real database, real SMTP, the command line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from typer.testing import CliRunner

from remiss import app as runtime
from remiss.app import deliver_outbox
from remiss.core.clock import set_now
from remiss.reviewers import answers
from remiss.rounds.opening import find
from remiss.usecases import anchoring
from remiss.usecases.runtime import inline
from remiss.yttrande import approvals, drafts, joint
from tests.conftest import EXAMPLES
from tests.mailcatcher import RunningCatcher
from tests.test_anchoring import JONAS, MARIA, REF, approval_link, handed_over, status_lines
from tests.test_cli import run

COORDINATOR = "kansli@sosr.example.org"
FACULTY = "fakulteten@liu.example.org"
NHV = "S-2026-0412"
NHV_ROUND = f"""
reference: {NHV}
title: "Behandling av svåra brännskador"
kind: nhv
issuer: Socialstyrelsen
areas: [lakemedel-och-medicinteknik]
opens: 2026-02-16
deadline: 2026-04-14
coordinator: {COORDINATOR}
"""


def answer(token: str, approve: bool, comment: str = "") -> None:
    """Through the use case, as the approver's page does; its mail delivered inline."""
    anchoring.answer(inline(runtime.current()), token, approve, comment)


def test_a_new_day_is_told_and_the_coordinator_hears_of_comments_and_the_last_approval(
    remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path
) -> None:
    handed_over(remiss, smtp, tmp_path)
    code, _, err = run(remiss, "round", "anchor", REF, "--to", MARIA, "--to", JONAS,
                       "--by", "2026-04-08")  # fmt: skip
    assert code == 0, err
    smtp.catcher.clear()
    # The same day again moves nothing and says how to move it.
    code, _, err = run(remiss, "round", "anchor", REF, "--by", "2026-04-08", "--to", MARIA)
    assert code == 1 and "ange en ny svarsdag för att flytta den" in err
    code, out, err = run(remiss, "round", "anchor", REF, "--to", MARIA, "--to", JONAS,
                         "--by", "2026-04-09")  # fmt: skip
    assert code == 0, err
    assert "svar senast 9 april 2026" in out
    tokens = {}
    for address in (MARIA, JONAS):
        [mail] = smtp.catcher.to(address)
        assert "senast 9 april 2026" in mail.subject
        tokens[address] = approval_link(mail)
    assert all("svar senast 9 april 2026" in line for line in status_lines(remiss).values())

    smtp.catcher.clear()
    answer(tokens[JONAS], approve=False, comment="Stryk <andra> stycket.")
    [told] = smtp.catcher.to(COORDINATOR)
    assert told.subject == (
        "Synpunkter i förankringen: 3D-utskrivna medicintekniska produkter, vägledning"
    )
    assert "Stryk <andra> stycket." in told.text()
    assert "Stryk &lt;andra&gt; stycket." in told.html()
    assert "Två har ännu inte godkänt version 1." in told.text()
    assert "/rounds/" in told.text()
    # An approval without a remark, with another still to approve, tells nobody.
    answer(tokens[MARIA], approve=True)
    assert len(smtp.catcher.to(COORDINATOR)) == 1
    # Jonas approves: the last one, so the coordinator hears the decision can be made.
    answer(tokens[JONAS], approve=True)
    last = smtp.catcher.to(COORDINATOR)[-1]
    assert last.subject.startswith("Förankringen är klar: ")
    assert "Beslutet kan registreras." in last.text()
    # Everyone has answered this version: a new day moves nothing.
    code, _, err = run(remiss, "round", "anchor", REF, "--to", MARIA, "--by", "2026-04-10")
    assert code == 1 and "redan skickat för förankring" in err


def nhv_handed_over(remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path) -> int:
    run(remiss, "db", "upgrade")
    run(remiss, "directory", "import", str(EXAMPLES / "directory.yaml"))
    path = tmp_path / "nhv.yaml"
    path.write_text(NHV_ROUND, encoding="utf-8")
    code, _, err = run(remiss, "round", "open", str(path), "--now", "2026-02-16T09:00")
    assert code == 0, err
    application = runtime.current()
    set_now(datetime.fromisoformat("2026-03-02T10:00:00+01:00"))
    [invited] = [r for r in smtp.catcher.to("elin.blom@rkl.example.org") if r.tokens()]
    positions = {"definition": "Tillstyrker", "antal_enheter": "Tillstyrker"}
    with application.transaction() as session:
        answers.submit(session, application.settings, invited.tokens()[-1], positions,
                       no_comments=False)  # fmt: skip
    assert run(remiss, "round", "close", NHV)[0] == 0
    set_now(datetime.fromisoformat("2026-04-01T09:00:00+02:00"))
    with application.transaction() as session:
        round_ = find(session, NHV)
        assert round_.drafter is not None
        drafts.save(session, application.settings, round_.id, round_.drafter.email, positions,
                    {}, hand_over=True)  # fmt: skip
        return round_.id


def test_an_nhv_decision_records_each_regions_own_decision_and_who_it_was_anchored_with(
    remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path
) -> None:
    round_id = nhv_handed_over(remiss, smtp, tmp_path)
    smtp.catcher.clear()
    code, _, err = run(remiss, "round", "anchor", NHV, "--to", FACULTY, "--to", MARIA)
    assert code == 0, err
    deliver_outbox(runtime.current())
    set_now(datetime.fromisoformat("2026-04-02T10:00:00+02:00"))
    answer(approval_link(smtp.catcher.to(FACULTY)[0]), approve=True)
    answer(approval_link(smtp.catcher.to(MARIA)[0]), approve=False, comment="Ett förbehåll.")

    decide = ["round", "decide", NHV, "--by", "Samverkansnämndens presidium",
              "--date", "2026-04-07", "--paragraph", "§ 21"]  # fmt: skip
    code, _, err = run(remiss, *decide, "--own-decision", "RJL=ja")
    assert code == 1
    assert "ange om Region Kalmar län och Region Östergötland fattar eget beslut" in err
    code, _, err = run(remiss, *decide, "--own-decision", "RJL=ja", "--own-decision", "XX=nej",
                       "--own-decision", "RKL=nej", "--own-decision", "RÖ=nej")  # fmt: skip
    assert code == 1 and "okänd region ”XX”" in err
    code, _, err = run(remiss, *decide, "--own-decision", "RJL", "--own-decision", "RKL=nej")
    assert code == 2 and "REGION=ja" in err
    code, _, err = run(remiss, *decide, "--own-decision", "RJL=ja", "--own-decision", "rkl=Nej",
                       "--own-decision", "RÖ=nej")  # fmt: skip
    assert code == 0, err

    application = runtime.current()
    with application.sessions() as session:
        letter = joint.build(session, round_id, application.settings)
        statuses = approvals.status(session, round_id)
    assert letter.status is None  # decided
    assert letter.decision == (
        "Beslut i detta ärende har fattats av Samverkansnämndens presidium den 7 april 2026 "
        "(§ 21).",
        # Only who approved the decided version; Maria's comments are not an approval.
        "Yttrandet har förankrats med Medicinska fakulteten, Linköpings universitet "
        "(2 april 2026).",
        "Region Jönköpings län fattar även ett eget beslut i ärendet.",
        "Region Kalmar län fattar inget eget beslut i ärendet.",
        "Region Östergötland fattar inget eget beslut i ärendet.",
    )
    assert [s.state for s in statuses] == ["godkänt", "synpunkter"]


def test_a_kind_that_does_not_ask_refuses_own_decisions(
    remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path
) -> None:
    handed_over(remiss, smtp, tmp_path)
    code, _, err = run(remiss, "round", "decide", REF, "--by", "Samverkansnämndens presidium",
                       "--own-decision", "RJL=ja")  # fmt: skip
    assert code == 1 and "tar inte regionernas egna beslut" in err
    code, _, err = run(remiss, "round", "decide", REF, "--by", "Samverkansnämndens presidium")
    assert code == 0, err
    with runtime.current().sessions() as session:
        letter = joint.build(session, find(session, REF).id, runtime.current().settings)
    assert len(letter.decision) == 1  # no anchoring line for a kind that does not print it
