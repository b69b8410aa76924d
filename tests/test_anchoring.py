"""Anchoring a handed-over draft, on the command line: real database, real SMTP.

The coordinator sends the draft to two approvers of RSL AU (Maria Holmgren and Jonas
Berg); Maria approves and Jonas comments; a new draft leaves both answers on an older
version and mails it to them; both approve it; the sammanställning's Förlopp records it.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from typer.testing import CliRunner

from remiss import app as runtime
from remiss.app import deliver_outbox
from remiss.core.clock import set_now
from remiss.core.errors import InputError, NotFound, Refused
from remiss.core.models import YttrandeVersion
from remiss.reviewers import answers
from remiss.rounds.opening import find
from remiss.yttrande import approvals, drafts
from tests.conftest import EXAMPLES
from tests.mailcatcher import Received, RunningCatcher
from tests.test_cli import run

REF = "KS-2026-090"
ROUND = f"""
reference: {REF}
title: "3D-utskrivna medicintekniska produkter, vägledning"
kind: vägledning
issuer: Socialstyrelsen
areas: [lakemedel-och-medicinteknik]
opens: 2026-02-16
deadline: 2026-04-14
coordinator: kansli@sosr.example.org
"""
MARIA = "maria.holmgren@rog.example.org"  # RSL AU, in the kind's approvers
JONAS = "jonas.berg@rjl.example.org"
LINK = re.compile(r"^(http://remiss\.test/f/([A-Za-z0-9_-]{43}))\r?$", re.MULTILINE)


def approval_link(mail: Received) -> str:
    """The personal link on a line of its own in the text part; its token."""
    [(url, token)] = LINK.findall(mail.text())
    assert url in mail.html()
    return str(token)


def pdf_text(mail: Received) -> tuple[str, str]:
    [pdf] = [p for p in mail.attachments() if p.get_content_type() == "application/pdf"]
    reader = PdfReader(io.BytesIO(pdf.get_content()))
    return str(pdf.get_filename()), " ".join(
        " ".join(p.extract_text().split()) for p in reader.pages
    )


def status_lines(remiss: CliRunner) -> dict[str, str]:
    code, out, err = run(remiss, "round", "status", REF)
    assert code == 0, err
    return {
        name: line
        for name in ("Maria Holmgren", "Jonas Berg")
        for line in out.splitlines()
        if name in line
    }


def handed_over(remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path) -> None:
    """The round opened, answered, closed and its draft handed over by the lead."""
    run(remiss, "db", "upgrade")
    run(remiss, "directory", "import", str(EXAMPLES / "directory.yaml"))
    path = tmp_path / "round.yaml"
    path.write_text(ROUND, encoding="utf-8")
    code, _, err = run(remiss, "round", "open", str(path), "--now", "2026-02-16T09:00")
    assert code == 0, err
    application = runtime.current()
    set_now(datetime.fromisoformat("2026-03-02T10:00:00+01:00"))
    [invited] = [r for r in smtp.catcher.to("elin.blom@rkl.example.org") if r.tokens()]
    with application.transaction() as session:
        answers.submit(session, application.settings, invited.tokens()[-1],
                       {"stallningstagande": "Tillstyrker"}, no_comments=False)  # fmt: skip
    assert run(remiss, "round", "close", REF)[0] == 0
    set_now(datetime.fromisoformat("2026-04-01T09:00:00+02:00"))
    code, _, err = run(remiss, "round", "anchor", REF)
    assert code == 1
    assert err.strip() == (
        f"remiss: {REF} är beredning: att skicka utkastet för förankring går bara i läget "
        "förankring (utkastet är inte lämnat till samordnaren än)"
    )
    save_draft(text="Vägledningen behöver ett avsnitt om sterilisering.", hand_over=True)


def save_draft(text: str, hand_over: bool = False) -> int:
    application = runtime.current()
    with application.transaction() as session:
        round_ = find(session, REF)
        assert round_.drafter is not None
        draft = drafts.save(session, application.settings, round_.id, round_.drafter.email,
                            {"stallningstagande": "Tillstyrker med synpunkter"},
                            {"stallningstagande": text}, hand_over=hand_over)  # fmt: skip
        number = int(draft.number)
    deliver_outbox(application)  # as the drafting page's follow-up does
    return number


def answer(token: str, approve: bool, comment: str = "") -> None:
    with runtime.current().transaction() as session:
        approvals.answer(session, token, approve, comment)


def test_a_draft_is_anchored_answered_renewed_and_recorded(
    remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path
) -> None:
    handed_over(remiss, smtp, tmp_path)
    smtp.catcher.clear()
    code, out, err = run(remiss, "round", "anchor", REF, "--to", MARIA, "--to", JONAS.upper(),
                         "--by", "2026-04-08")  # fmt: skip
    assert code == 0, err
    assert out.startswith(
        f"{REF}: utkast version 1 skickat för förankring till Maria Holmgren <{MARIA}>, "
        f"Jonas Berg <{JONAS}>; svar senast 8 april 2026."
    )
    mailed = {address: smtp.catcher.to(address) for address in (MARIA, JONAS)}
    tokens = {}
    for address, [mail] in mailed.items():
        assert mail.subject == (
            "Förankring: utkast till yttrande över 3D-utskrivna medicintekniska produkter, "
            "vägledning, svar senast 8 april 2026"
        )
        assert "godkänn det eller lämna synpunkter senast 8 april 2026" in mail.text()
        assert mail.message["Reply-To"] == "kansli@sosr.example.org"
        tokens[address] = approval_link(mail)
        name, text = pdf_text(mail)
        assert name == f"{REF}-yttrande-utkast-1.pdf"
        assert "Utkast (version 1): inte beslutat." in text
        assert "Vägledningen behöver ett avsnitt om sterilisering." in text
    assert smtp.catcher.to("lena.ahlstrom@rkl.example.org") == []  # not named: not mailed
    assert status_lines(remiss) == {
        "Maria Holmgren": "  Maria Holmgren               väntar (svar senast 8 april 2026)",
        "Jonas Berg": "  Jonas Berg                   väntar (svar senast 8 april 2026)",
    }
    # Pressed again, nobody is mailed twice.
    code, _, err = run(remiss, "round", "anchor", REF, "--to", MARIA)
    assert code == 1 and "redan skickat för förankring till Maria Holmgren" in err

    set_now(datetime.fromisoformat("2026-04-02T10:00:00+02:00"))
    answer(tokens[MARIA], approve=True)
    answer(tokens[JONAS], approve=False, comment="Stryk andra stycket.")
    lines = status_lines(remiss)
    assert lines["Maria Holmgren"].split() == ["Maria", "Holmgren", "godkänt", "2", "april", "2026"]
    assert lines["Jonas Berg"].endswith("synpunkter 2 april 2026: Stryk andra stycket.")

    # A new draft: both answers are on an older version, and both get the new one.
    smtp.catcher.clear()
    set_now(datetime.fromisoformat("2026-04-03T10:00:00+02:00"))
    assert save_draft("Vägledningen behöver ett kortare avsnitt om sterilisering.") == 2
    lines = status_lines(remiss)
    assert "väntar (svar senast 8 april 2026; godkänt äldre version 1)" in lines["Maria Holmgren"]
    assert "väntar (svar senast 8 april 2026; synpunkter äldre version 1)" in lines["Jonas Berg"]
    for address in (MARIA, JONAS):
        [mail] = smtp.catcher.to(address)
        assert mail.subject.startswith("Nytt utkast för förankring: 3D-utskrivna")
        assert "gällde en äldre version" in mail.text()
        name, text = pdf_text(mail)
        assert name == f"{REF}-yttrande-utkast-2.pdf" and "kortare avsnitt" in text
        if address == JONAS:
            tokens[JONAS] = approval_link(mail)  # a fresh link to the same page
    # Maria answers through her first link, which still works; Jonas through the new one.
    answer(tokens[MARIA], approve=True)
    answer(tokens[JONAS], approve=True, comment="Bra nu.")
    lines = status_lines(remiss)
    assert lines["Maria Holmgren"].split()[2] == "godkänt"
    assert lines["Jonas Berg"].split()[2] == "godkänt"
    assert "äldre version" not in "".join(lines.values())

    # The sammanställning's Förlopp records it.
    code, _, err = run(remiss, "round", "compile", REF, "--format", "html", "--out", str(tmp_path))
    assert code == 0, err
    with runtime.current().sessions() as session:
        version = session.scalars(
            select(YttrandeVersion).order_by(YttrandeVersion.id.desc())
        ).first()
        assert version is not None
        told = " ".join(str(event["text"]) for event in version.content["forlopp"])
    assert (
        f"Utkast version 1 skickades för förankring till Maria Holmgren <{MARIA}>, Jonas Berg "
        f"<{JONAS}>, svar senast 8 april 2026." in told
    )
    assert "Maria Holmgren godkände utkast version 1." in told
    assert "Jonas Berg lämnade synpunkter på utkast version 1: Stryk andra stycket." in told
    assert "Utkast version 2 skickades på nytt för förankring till" in told
    assert "Jonas Berg godkände utkast version 2. Kommentar: Bra nu." in told
    html = next(tmp_path.glob("*sammanstallning.html")).read_text(encoding="utf-8")
    assert "Maria Holmgren godkände utkast version 2." in html


def test_answers_are_refused_for_unknown_links_empty_comments_and_after_the_decision(
    remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path
) -> None:
    handed_over(remiss, smtp, tmp_path)
    smtp.catcher.clear()
    code, out, err = run(remiss, "round", "anchor", REF)  # the kind's approvers: RSL AU
    assert code == 0, err
    assert "svar senast 10 april 2026" in out  # five working days, Easter skipped
    assert len(smtp.catcher.received) == 3
    token = approval_link(smtp.catcher.to(MARIA)[0])
    with pytest.raises(NotFound):
        answer("A" * 43, approve=True)
    with pytest.raises(InputError, match="skriv dina synpunkter"):
        answer(token, approve=False, comment="  ")
    code, _, err = run(remiss, "round", "decide", REF, "--by", "Samverkansnämndens presidium")
    assert code == 0, err
    with pytest.raises(Refused, match="redan beslutat"):
        answer(token, approve=True)
    code, _, err = run(remiss, "round", "anchor", REF)
    assert code == 1 and f"{REF} är beslutad: att skicka utkastet för förankring" in err


def test_an_approver_who_has_not_answered_is_reminded_once_the_working_day_before(
    remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path
) -> None:
    handed_over(remiss, smtp, tmp_path)
    code, _, err = run(remiss, "round", "anchor", REF, "--to", MARIA, "--to", JONAS,
                       "--by", "2026-04-08")  # fmt: skip
    assert code == 0, err
    answer(approval_link(smtp.catcher.to(MARIA)[-1]), approve=True)
    smtp.catcher.clear()
    # Tuesday 7 April is the working day before; reminders go at eight.
    assert run(remiss, "reminders", "send", "--now", "2026-04-07T07:30")[0] == 0
    assert smtp.catcher.received == []
    assert run(remiss, "reminders", "send", "--now", "2026-04-07T08:15")[0] == 0
    [reminder] = smtp.catcher.received
    assert reminder.envelope_to == [JONAS]
    assert reminder.subject.startswith("Påminnelse: förankring av yttrande över 3D-utskrivna")
    assert "senast 8 april 2026" in reminder.text()
    approval_link(reminder)
    assert run(remiss, "reminders", "send", "--now", "2026-04-07T12:00")[0] == 0
    assert len(smtp.catcher.received) == 1  # once
