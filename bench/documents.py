"""The yttrande's files: Word linear in its text, and the PDF command against the Word one.

Seeds a round with N submitted answers (``answered_round.py``) and closes it. Then:

- The Word files (the letter, from the proposal the answers give, and the sammanställning)
  with their text ×1, ×2 and ×4 (the letter's Synpunkter, the sammanställning's answers and
  appendix, repeated). Each time is set against a linear baseline in the same run: the same
  paragraphs bare, each one's element appended to the body in one pass, then saved. Prints
  ``docx-letter-x4: growth baseline-growth ratio`` (growth: the ×4 time over the ×1 time;
  the goal is at most 4.5) and the same for ``docx-sammanstallning-x4``.
- ``remiss round compile --format pdf`` against ``--format docx``, each a fresh process
  rendering both documents in that format (the sammanställning's stored files emptied
  before each run). Prints ``compile-command-pdf: seconds docx-seconds ratio`` (goal: a
  ratio of at most 2).

Medians of ``--repeat`` runs, interleaved. No assertions; not part of the test suite.

    .venv/bin/python bench/documents.py [N] [--repeat 3] [--postgres URL]
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
from answered_round import REFERENCE, seed
from common import cache_bytecode, database_url, drop_created, result
from docx.oxml import OxmlElement
from sqlalchemy import select, update

from remiss.core.db import make_engine, session_factory, upgrade
from remiss.core.models import YttrandeVersion
from remiss.core.settings import Settings
from remiss.yttrande import joint
from remiss.yttrande.closing import close_round
from remiss.yttrande.joint import JointAnswer
from remiss.yttrande.model import Yttrande, paragraphs
from remiss.yttrande.render import letter_docx, memo_docx

SCALES = (1, 2, 4)
SECRET = "bench-secret-key-of-at-least-thirty-two-characters"


def bare_docx(texts: list[str]) -> bytes:
    """The linear baseline: each paragraph's element appended to the body, then saved."""
    document = docx.Document()
    body = document.element.body
    section = body.sectPr
    for value in texts:
        paragraph = OxmlElement("w:p")
        paragraph.add_r().text = value
        body.append(paragraph)
    if section is not None:
        body.append(section)  # the section properties stay last
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def letter_texts(answer: JointAnswer) -> list[str]:
    out = [answer.heading, answer.opening]
    for stand in answer.stands:
        out += [stand.question, stand.sentence, stand.text]
    for section in answer.comments:
        out.append(section.question)
        out += ["\n".join(lines) for lines in paragraphs(section.text)]
    return out


def memo_texts(yttrande: Yttrande) -> list[str]:
    out = [yttrande.heading, yttrande.opening]
    for section in yttrande.texts:
        out.append(section.question)
        for answer in section.answers:
            out.append(f"{answer.attribution}:")
            out += ["\n".join(lines) for lines in paragraphs(answer.text)]
    for person in yttrande.appendix:
        out.append(person.title)
        for item in person.answers:
            out.append(item.question)
            out += ["\n".join(lines) for lines in paragraphs(item.text)]
    return out


def timed(render: Callable[[], Any]) -> Callable[[], float]:
    def run() -> float:
        start = time.perf_counter()
        render()
        return time.perf_counter() - start

    return run


def growth(
    name: str, make: Callable[[int], tuple[Callable[[], Any], list[str]]], repeat: int
) -> None:
    """Time ``name`` and its bare baseline at every scale; print the ×4 line."""
    runs: dict[str, Callable[[], float]] = {}
    for k in SCALES:
        render, texts = make(k)
        runs[f"x{k}"] = timed(render)
        runs[f"bare-x{k}"] = timed(lambda texts=texts: bare_docx(texts))  # type: ignore[misc]
    samples: dict[str, list[float]] = {key: [] for key in runs}
    for _ in range(repeat):
        for key, run in runs.items():
            samples[key].append(run())
    median = {key: statistics.median(values) for key, values in samples.items()}
    print(f"# {name}: " + ", ".join(f"{key} {value:.3f} s" for key, value in median.items()),
          flush=True)  # fmt: skip
    value, base = median["x4"] / median["x1"], median["bare-x4"] / median["bare-x1"]
    result(f"{name}-x4", value, base, value / base, "×", "value ≤ 4.5")


def command(env: dict[str, str], fmt: str, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).with_name("remiss")), "round", "compile", REFERENCE,
         "--format", fmt, "--out", str(out / fmt)],
        env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL", help="seed on PostgreSQL")
    args = parser.parse_args()
    cache_bytecode()
    with tempfile.TemporaryDirectory(prefix="remiss-documents-") as tmp:
        folder = Path(tmp)
        try:
            url = database_url(folder, "documents", args.postgres)
            settings = Settings(_env_file=None, database_url=url, data_dir=folder,
                                base_url="https://remiss.bench.example.org")  # fmt: skip
            engine = make_engine(url)
            upgrade(engine)
            sessions = session_factory(engine)
            with sessions.begin() as session:
                round_id = seed(session, args.n)
            with sessions.begin() as session:
                close_round(session, settings, round_id, "bench")
            with sessions() as session:
                answer = joint.build(session, round_id, settings)
                content = session.scalars(select(YttrandeVersion.content)).one()

            def letter(k: int) -> tuple[Callable[[], Any], list[str]]:
                scaled = dataclasses.replace(answer, comments=answer.comments * k)
                return (lambda: letter_docx.render(scaled)), letter_texts(scaled)

            def memo(k: int) -> tuple[Callable[[], Any], list[str]]:
                scaled = Yttrande.from_dict(
                    content | {"texts": content["texts"] * k, "appendix": content["appendix"] * k}
                )
                return (lambda: memo_docx.render(scaled)), memo_texts(scaled)

            growth("docx-letter", letter, args.repeat)
            growth("docx-sammanstallning", memo, args.repeat)

            env = os.environ | {"REMISS_DATABASE_URL": url, "REMISS_DATA_DIR": str(folder),
                                "REMISS_SECRET_KEY": SECRET}  # fmt: skip
            seconds: dict[str, list[float]] = {"docx": [], "pdf": []}
            for _ in range(args.repeat):
                for fmt in seconds:
                    with sessions.begin() as session:  # both documents rendered each time
                        session.execute(update(YttrandeVersion).values(docx=b"", pdf=None))
                    seconds[fmt].append(command(env, fmt, folder))
            engine.dispose()
        finally:
            drop_created()
    word, printed = (statistics.median(seconds[fmt]) for fmt in ("docx", "pdf"))
    print(f"# {args.n} answers; round compile, medians of {args.repeat}: "
          + ", ".join(f"{f} {' '.join(f'{s:.2f}' for s in v)}" for f, v in seconds.items()),
          flush=True)  # fmt: skip
    result("compile-command-pdf", printed, word, printed / word, "s", "ratio ≤ 2")


if __name__ == "__main__":
    main()
