"""``remiss demo`` runs a whole round and names the files of both documents."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

from docx import Document
from pypdf import PdfReader


def test_demo_runs_a_whole_round_and_names_both_documents(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REMISS_")}
    env.update({"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_LOGGING_LEVEL": "WARNING"})
    remiss = Path(sys.executable).with_name("remiss")
    result = subprocess.run(
        [str(remiss), "demo", "--dir", str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "4 inbjudningar skickade, 7 för kännedom" in out  # two kunskapsråd, a processtöd
    assert "meningsskiljaktigheten rapporterades" in out
    assert "stängde remiss" in out
    assert "lämnade det till samordnaren" in out
    assert "Presidiet beslutade version 2 den 7 april 2026" in out
    assert "skickades till registrator@rcc.example.org" in out
    named = [Path(line) for line in out.splitlines() if line.startswith("/")]
    assert sorted(p.name for p in named) == sorted(
        f"KS-2026-003-{doc}.{fmt}"
        for doc in ("yttrande", "sammanstallning")
        for fmt in ("docx", "html", "pdf")
    )
    for path in named:
        assert path.is_file() and path.stat().st_size > 0
        assert path.is_relative_to(tmp_path)
    files = {p.name: p for p in named}

    # The yttrande: one voice, the decided draft as it was sent, dated with the decision.
    letter = Document(str(files["KS-2026-003-yttrande.docx"]))
    sent = "\n".join(p.text for p in letter.paragraphs)
    sent += "\n".join(c.text for t in letter.tables for r in t.rows for c in r.cells)
    assert "Yttrande över remiss: Bröstcancer, nationellt vårdprogram" in sent
    assert "Sydöstra sjukvårdsregionen ställer sig bakom vårdprogrammet, med synpunkter." in sent
    assert "Datum: 7 april 2026" in sent and "Utkast" not in sent and "Förslag" not in sent
    assert "fattats av Samverkansnämndens presidium den 7 april 2026 (§ 14)." in sent
    assert "Yttrandet lämnas gemensamt för" in sent
    assert "Handläggare: Malin Ros, processtöd, RPO Cancersjukdomar" in sent
    for name in ("Per Wallin", "Karin Kvist", "Olof Sandberg", "Johan Engström", "<script>"):
        assert name not in sent
    pdf_text = "".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(files["KS-2026-003-yttrande.pdf"].read_bytes())).pages
    )
    assert "Bröstcancer" in pdf_text
    assert re.search(r"Sida 1 av \d", pdf_text)  # page numbers, in the body's font

    # The sammanställning: who said what, literally.
    document = Document(str(files["KS-2026-003-sammanstallning.docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Sammanställning: Bröstcancer, nationellt vårdprogram" in text
    assert "<script>alert('x')</script>" in text  # reviewer text stays literal
    assert "{ MERGEFIELD Namn }" in text
    assert "Ställer sig inte bakom" in tables and "Inga synpunkter" in tables
    assert "Kunskapsråd hälsa och rehabilitering" in text  # informed
    html = files["KS-2026-003-sammanstallning.html"].read_text(encoding="utf-8")
    assert "&lt;script&gt;" in html and "<script" not in html
