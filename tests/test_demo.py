"""``remiss demo`` runs a whole round and names files that hold the yttrande."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from docx import Document
from pypdf import PdfReader


def test_demo_runs_a_whole_round_and_names_the_yttrande_files(tmp_path: Path) -> None:
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
    assert "10 inbjudningar" in out
    assert "stängde remiss" in out
    named = [Path(line) for line in out.splitlines() if line.startswith("/")]
    assert sorted(p.suffix for p in named) == [".docx", ".html", ".pdf"]
    for path in named:
        assert path.is_file() and path.stat().st_size > 0
        assert path.is_relative_to(tmp_path)

    by_suffix = {p.suffix: p for p in named}
    document = Document(str(by_suffix[".docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Yttrande över remiss: Bröstcancer, nationellt vårdprogram" in text
    assert "<script>alert('x')</script>" in text  # reviewer text stays literal
    assert "{ MERGEFIELD Namn }" in text
    assert "Avstyrker" in tables and "Inga synpunkter" in tables
    assert "Kunskapsråd hälsa och rehabilitering" in text  # the silent group

    html = by_suffix[".html"].read_text(encoding="utf-8")
    assert "&lt;script&gt;" in html and "<script" not in html
    pdf_text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(by_suffix[".pdf"].read_bytes())).pages
    )
    assert "Bröstcancer" in pdf_text
