"""A departementsremiss the whole way on the command line: its own questions asked, the letter
headed with the ministry's dnr, the mail to Regeringskansliet with the dnr and the
organisation's name in its subject. Real database, real SMTP."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from pypdf import PdfReader
from typer.testing import CliRunner

from remiss import app as runtime
from remiss.core.clock import set_now
from remiss.reviewers import answers
from remiss.rounds.opening import find
from remiss.yttrande import drafts
from tests.conftest import EXAMPLES
from tests.mailcatcher import RunningCatcher
from tests.test_cli import run

DNR = "S2026/04512"
TITLE = "Framtidens hälso- och sjukvård (SOU 2026:12)"
ROUND = f"""\
reference: {DNR}
title: "{TITLE}"
kind: SOU
issuer: Socialdepartementet
areas: [sallsynta-sjukdomar]
opens: 2026-02-16
deadline: 2026-05-29
internal_deadline: 2026-04-15
coordinator: kansli@sosr.example.org
recipient: s.remissvar@regeringskansliet.example.org
"""
SENDER = "s.remissvar@regeringskansliet.example.org"
ORG = "Sydöstra sjukvårdsregionen"


def test_a_departementsremiss_is_answered_and_sent_as_regeringskansliet_asks(
    remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path
) -> None:
    run(remiss, "db", "upgrade")
    run(remiss, "directory", "import", str(EXAMPLES / "directory.yaml"))
    path = tmp_path / "sou.yaml"
    path.write_text(ROUND, encoding="utf-8")
    code, _, err = run(remiss, "round", "open", str(path), "--now", "2026-02-16T09:00")
    assert code == 0, err

    application = runtime.current()
    [invitation] = [r for r in smtp.catcher.to("fredrik.jonsson@rjl.example.org") if r.tokens()]
    set_now(datetime.fromisoformat("2026-03-02T10:00:00+01:00"))
    with application.transaction() as session:
        answers.submit(
            session, application.settings, invitation.tokens()[-1],
            {"stallningstagande": "Tillstyrker med följande synpunkter",
             "avsnitt": "5.2 Förslaget om nationell samordning: tydliggör regionernas roll."},
            no_comments=False,
        )  # fmt: skip
    assert run(remiss, "round", "close", DNR)[0] == 0
    with application.transaction() as session:
        round_ = find(session, DNR)
        assert round_.question_set == "departementsremiss"
        assert round_.drafter is not None
        drafts.save(
            session, application.settings, round_.id, round_.drafter.email,
            {"stallningstagande": "Tillstyrker med följande synpunkter"},
            {"sammanfattning": "Regionerna välkomnar förslagen.",
             "avsnitt": "5.2 Regionernas roll behöver tydliggöras."},
            hand_over=True,
        )  # fmt: skip
    code, _, err = run(
        remiss, "round", "decide", DNR, "--by", "Hälso- och sjukvårdsdirektörerna",
        "--date", "2026-04-20",
    )  # fmt: skip
    assert code == 0, err

    smtp.catcher.clear()
    set_now(datetime.fromisoformat("2026-04-21T09:00:00+02:00"))
    code, _, err = run(remiss, "round", "send", DNR)
    assert code == 0, err
    [sent] = smtp.catcher.to(SENDER)
    assert sent.subject == f"{DNR} {ORG} – Yttrande: {TITLE}"
    names = sorted(part.get_filename() for part in sent.attachments())
    assert names == [
        "S2026_04512_Sydöstra_sjukvårdsregionen-yttrande.docx",
        "S2026_04512_Sydöstra_sjukvårdsregionen-yttrande.pdf",
    ]
    pdf = next(p for p in sent.attachments() if p.get_filename().endswith(".pdf"))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_content())).pages)
    text = " ".join(text.split())
    assert f"Yttrande över remiss: {TITLE} ({DNR})" in text
    assert f"{ORG} tillstyrker förslagen i betänkandet, med följande synpunkter." in text
    assert "Sammanfattning Regionerna välkomnar förslagen." in text
