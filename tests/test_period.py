"""A remiss period from triage to "skickad", on the command line: real database, real SMTP.

February 2026's 22 national rounds are registered without asking anyone; 18 are answered
jointly, 3 not at all, 1 per region. One of them goes the whole way: answers, close, the
lead's draft handed over, the decision, the yttrande sent once to the sender.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from hashlib import sha256
from pathlib import Path

from docx import Document
from pypdf import PdfReader
from typer.testing import CliRunner

from remiss import app as runtime
from remiss.core.clock import set_now
from remiss.reviewers import answers
from remiss.rounds.opening import find
from remiss.yttrande import drafts
from tests.conftest import EXAMPLES
from tests.mailcatcher import RunningCatcher
from tests.test_cli import BATCH, run

AVSTAR = ["KS-2026-019", "KS-2026-020", "KS-2026-021"]
PER_REGION = ["KS-2026-018"]
WHOLE_WAY = (
    "KS-2026-022"  # RSG Medicinsk teknik: Daniel Björk (ordförande), Elin Blom, Kristina Ekström
)
SENDER = "registrator@socialstyrelsen.example.org"


def test_a_period_from_triage_to_sent(
    remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path
) -> None:
    run(remiss, "db", "upgrade")
    run(remiss, "directory", "import", str(EXAMPLES / "directory.yaml"))
    code, out, err = run(remiss, "round", "open", BATCH, "--triage", "--now", "2026-02-16T09:00")
    assert code == 0, err
    assert out.count("— inkommen") == 22
    assert smtp.catcher.received == []  # nobody is asked before the triage
    code, out, _ = run(remiss, "round", "list")
    assert out.count(" inkommen ") == 22

    references = [f"KS-2026-{n:03d}" for n in range(1, 23)]
    for reference in references:
        if reference in AVSTAR:
            args = ["--decision", "avstår", "--reason", "Berör inte regionens verksamhet"]
        elif reference in PER_REGION:
            args = ["--decision", "per-region"]
        else:
            args = ["--decision", "samordnas"]
        code, out, err = run(remiss, "round", "triage", reference, *args)
        assert code == 0, err
    code, _, err = run(remiss, "round", "triage", "KS-2026-001", "--decision", "kanske")
    assert code == 1 and "okänt beslut" in err
    code, _, err = run(remiss, "round", "triage", "KS-2026-001", "--decision", "avstår")
    assert code == 1 and "redan beslutad" in err  # decided once; nothing changes
    invited = [r for r in smtp.catcher.received if r.tokens()]
    assert invited, "samordnas sends the invitations"

    # One round the whole way: answers, close, the lead's draft handed over.
    application = runtime.current()
    set_now(datetime.fromisoformat("2026-03-02T10:00:00+01:00"))
    for email, position in (
        ("elin.blom@rkl.example.org", "Tillstyrker"),
        ("kristina.ekstrom@rog.example.org", "Tillstyrker med synpunkter"),
    ):
        [mail] = [r for r in smtp.catcher.to(email) if "3D-utskrivna" in r.subject]
        with application.transaction() as session:
            answers.submit(session, application.settings, mail.tokens()[-1],
                           {"stallningstagande": position}, no_comments=False)  # fmt: skip
    assert run(remiss, "round", "status", WHOLE_WAY)[1].startswith(f"{WHOLE_WAY}:")
    assert "Status: öppen" in run(remiss, "round", "status", WHOLE_WAY)[1]
    assert run(remiss, "round", "close", WHOLE_WAY)[0] == 0
    assert "Status: beredning" in run(remiss, "round", "status", WHOLE_WAY)[1]
    code, _, err = run(remiss, "round", "decide", WHOLE_WAY, "--by", "Presidiet")
    assert code == 1 and "inte lämnat" in err  # refused before the draft is handed over
    assert err.count("\n") == 1
    code, _, err = run(remiss, "round", "send", WHOLE_WAY, "--to", SENDER)
    assert code == 1 and "inget beslut" in err  # refused before a decision

    with application.transaction() as session:
        round_ = find(session, WHOLE_WAY)
        drafter = round_.drafter
        assert drafter is not None and drafter.name == "Jonas Ek"  # RSG's processtöd
        drafts.save(session, application.settings, round_.id, drafter.email,
                    {"stallningstagande": "Tillstyrker med synpunkter"},
                    {"stallningstagande": "Vägledningen behöver ett avsnitt om sterilisering."},
                    hand_over=True)  # fmt: skip
    assert "Status: förankring" in run(remiss, "round", "status", WHOLE_WAY)[1]
    code, out, err = run(
        remiss, "round", "decide", WHOLE_WAY, "--by", "Samverkansnämndens presidium",
        "--date", "2026-04-08", "--paragraph", "§ 14", "--not-taking-part", "Per Wallin",
    )  # fmt: skip
    assert code == 0, err
    assert "Status: beslutad" in run(remiss, "round", "status", WHOLE_WAY)[1]

    smtp.catcher.clear()
    set_now(datetime.fromisoformat("2026-04-09T09:00:00+02:00"))
    code, out, err = run(remiss, "round", "send", WHOLE_WAY, "--to", SENDER)
    assert code == 0, err
    [sent] = smtp.catcher.to(SENDER)
    assert (
        sent.subject
        == f"{WHOLE_WAY} – Yttrande: 3D-utskrivna medicintekniska produkter, vägledning"
    )
    names = sorted(part.get_filename() for part in sent.attachments())
    assert names == [f"{WHOLE_WAY}-yttrande.docx", f"{WHOLE_WAY}-yttrande.pdf"]
    pdf = next(p for p in sent.attachments() if p.get_filename().endswith(".pdf"))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_content())).pages)
    text = " ".join(text.split())
    assert (
        "Beslut i detta ärende har fattats av Samverkansnämndens presidium den 8 april 2026 (§ 14)."
        in text
    )
    assert "I beslutet har Per Wallin inte deltagit." in text
    assert "Elin Blom" not in text and "Kristina Ekström" not in text
    [copy] = [r for r in smtp.catcher.to("kansli@sosr.example.org") if "Yttrande:" in r.subject]
    assert "Kopia av yttrandet som skickades till" in copy.text()
    # A second send sends nothing, and says why.
    code, _, err = run(remiss, "round", "send", WHOLE_WAY, "--to", SENDER)
    assert code == 1 and "skickades redan" in err
    assert len(smtp.catcher.to(SENDER)) == 1
    # What was sent is final: compiling it again writes the very bytes that were mailed.
    mailed = {p.get_filename().rsplit(".", 1)[1]: p.get_content() for p in sent.attachments()}
    code, out, err = run(remiss, "round", "compile", WHOLE_WAY, "--format", "pdf,docx",
                         "--out", str(tmp_path / "skickat"))  # fmt: skip
    assert code == 0, err
    written = {Path(line).suffix[1:]: Path(line) for line in out.splitlines() if "yttrande" in line}
    for fmt in ("pdf", "docx"):
        assert sha256(written[fmt].read_bytes()).digest() == sha256(mailed[fmt]).digest()
    assert "byte för byte" in err
    # And nothing takes it back to collecting.
    code, _, err = run(remiss, "round", "extend", WHOLE_WAY, "--deadline", "2026-04-12")
    assert code == 1 and err.count("\n") == 1 and "är skickad" in err
    # Ended rounds have no documents: one line, nothing written.
    code, out, err = run(remiss, "round", "compile", AVSTAR[0], "--out", str(tmp_path / "x"))
    assert code == 1 and err.count("\n") == 1 and "avstår" in err and out == ""
    assert not (tmp_path / "x").exists()

    # The register lists every round in its state, with its dates.
    code, out, err = run(remiss, "register", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff")), delimiter=";"))
    assert len(rows) == 22
    states = {r["diarienummer"]: r["status"] for r in rows}
    assert [states[r] for r in AVSTAR] == ["avstår"] * 3
    assert [states[r] for r in PER_REGION] == ["per region"]
    assert states[WHOLE_WAY] == "skickad"
    assert sum(s == "öppen" for s in states.values()) == 17
    [row] = [r for r in rows if r["diarienummer"] == WHOLE_WAY]
    assert (row["beslutad"], row["skickad"], row["svarat"], row["tillfrågade"]) == (
        "2026-04-08", "2026-04-09", "2", "3",
    )  # fmt: skip
    assert row["registrerad"] == "2026-02-16" and row["ansvarig grupp"] == "RSG Medicinsk teknik"

    # "Besvarade remisser" for RSL AU: what was sent in the period.
    code, out, err = run(remiss, "register", "--format", "docx", "--from", "2026-04-01",
                         "--out", str(tmp_path))  # fmt: skip
    assert code == 0, err
    report = Document(out.strip())
    text = "\n".join(c.text for t in report.tables for r in t.rows for c in r.cells)
    assert WHOLE_WAY in text and "Samverkansnämndens presidium" in text and "9 april 2026" in text
