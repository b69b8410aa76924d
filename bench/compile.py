"""Compile speed: the sammanställning of a round with N answers, as Word and as PDF.

Seeds a round with N submitted answers (``answered_round.py``: Swedish text, six
questions, realistic lengths), closes it through the closing service (which stores the
version's content and renders nothing), then times, in this process, the rendering
service making the version's Word file and its PDF: each read from the stored content,
rendered and kept, as the flow task after a close does. The baseline, in the same run:
a Word file of the same paragraphs bare, in linear time: python-docx's document, each
paragraph's element made with its text and appended to the body in one pass (the XML
``add_paragraph`` writes, without its search of the body before each one, which makes
it quadratic), then saved. Each is timed ``--repeat`` times, interleaved, and the
medians are compared.

    .venv/bin/python bench/compile.py [N] [--repeat 3] [--postgres URL]

Prints ``compile-docx: seconds baseline ratio`` (the Word file against the linear bare
one; no goal) and ``compile-pdf: seconds docx-seconds ratio`` (the PDF against the Word file; the goal
is a ratio of at most 2). No assertions; not part of the test suite.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import docx
from answered_round import seed
from common import database_url, drop_created, result
from docx.oxml import OxmlElement
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from remiss.core.db import make_engine, session_factory, upgrade
from remiss.core.models import YttrandeVersion
from remiss.core.settings import Settings
from remiss.yttrande.closing import close_round
from remiss.yttrande.model import Yttrande, paragraphs
from remiss.yttrande.render import layout
from remiss.yttrande.version_files import COLUMNS, render_version


def bare_paragraphs(yttrande: Yttrande) -> list[str]:
    """Every paragraph of the sammanställning's text, headings and table rows included."""
    out = [yttrande.heading, yttrande.opening, "Sammanfattning"]
    out += ["\n".join(lines) for lines in paragraphs(yttrande.summary)]
    out.append("Ställningstagande")
    for section in yttrande.positions:
        out.append(section.question)
        out += ["\t".join(cells) for cells in layout.position_cells(section)]
        out += section.disagreement
    out.append("Synpunkter")
    for text_section in yttrande.texts:
        out.append(text_section.question)
        for answer in text_section.answers:
            out.append(f"{answer.attribution}:")
            out += ["\n".join(lines) for lines in paragraphs(answer.text)]
    out.append("Underlag")
    out += layout.underlag_lines(yttrande)
    out.append(layout.NON_RESPONDERS)
    out += [layout.silent_groups_line(yttrande.underlag), layout.non_responders_line(yttrande)]
    out += ["\t".join(cells) for cells in layout.non_responder_cells(yttrande)]
    out.append(layout.FORLOPP)
    out += [label + text for label, text in layout.forlopp_lines(yttrande)]
    out.append(layout.APPENDIX)
    for person in yttrande.appendix:
        out.append(person.title)
        out += [f"{label}: {value}" for label, value in layout.person_fields(person)]
        for item in person.answers:
            out.append(item.question)
            out += ["\n".join(lines) for lines in paragraphs(item.text)]
    return out


def bare_docx(texts: list[str]) -> bytes:
    """The baseline: the paragraphs bare, appended to the body in one pass, then saved.

    The elements are those ``add_paragraph(text)`` makes (a run whose text turns tabs and
    line breaks into ``w:tab`` and ``w:br``); the section properties, which must stay
    last, are moved after them once.
    """
    document = docx.Document()
    body = document.element.body
    section = body.sectPr
    for value in texts:
        paragraph = OxmlElement("w:p")
        paragraph.add_r().text = value
        body.append(paragraph)
    if section is not None:
        body.append(section)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def service(sessions: sessionmaker[Session], version_id: int, fmt: str) -> Callable[[], int]:
    """The rendering service making one file of the version, emptied first so it renders."""

    def run() -> int:
        with sessions.begin() as session:
            empty = None if fmt == "pdf" else (b"" if fmt == "docx" else "")
            session.execute(
                update(YttrandeVersion)
                .where(YttrandeVersion.id == version_id)
                .values({COLUMNS[fmt]: empty})
            )
        start = time.perf_counter()
        assert render_version(sessions, version_id, [fmt]) == 1
        return int((time.perf_counter() - start) * 1e6)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL", help="seed and render on PostgreSQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="remiss-compile-") as tmp:
        folder = Path(tmp)
        try:
            url = database_url(folder, "compile", args.postgres)
            settings = Settings(_env_file=None, database_url=url, data_dir=folder,
                                base_url="https://remiss.bench.example.org")  # fmt: skip
            engine = make_engine(url)
            upgrade(engine)
            sessions = session_factory(engine)
            with sessions.begin() as session:
                round_id = seed(session, args.n)
            start = time.perf_counter()
            with sessions.begin() as session:
                closed = close_round(session, settings, round_id, "bench")
            closing = time.perf_counter() - start
            assert closed.version == 1, closed
            with sessions() as session:
                version_id, content = session.execute(
                    select(YttrandeVersion.id, YttrandeVersion.content)
                ).one()
            texts = bare_paragraphs(Yttrande.from_dict(content))

            def baseline() -> int:
                start = time.perf_counter()
                bare_docx(texts)
                return int((time.perf_counter() - start) * 1e6)

            runs = {"baseline": baseline, "docx": service(sessions, version_id, "docx"),
                    "pdf": service(sessions, version_id, "pdf")}  # fmt: skip
            samples: dict[str, list[float]] = {name: [] for name in runs}
            for _ in range(args.repeat):
                for name, run in runs.items():
                    samples[name].append(run() / 1e6)
            with sessions() as session:
                word, printed = session.execute(
                    select(YttrandeVersion.docx, YttrandeVersion.pdf)
                ).one()
            engine.dispose()
        finally:
            drop_created()
    base, word_s, pdf_s = (statistics.median(samples[n]) for n in ("baseline", "docx", "pdf"))
    pages = printed.count(b"/Type /Page\n") or printed.count(b"/Type /Page ")
    print(f"# {args.n} answers; {len(texts)} paragraphs bare; Word {len(word) // 1024} KB, "
          f"PDF {len(printed) // 1024} KB{f', {pages} pages' if pages else ''}; closing "
          f"(compile, no file rendered) {closing:.2f} s; medians of {args.repeat}: "
          + ", ".join(f"{n} {' '.join(f'{s:.2f}' for s in v)}" for n, v in samples.items()),
          flush=True)  # fmt: skip
    result("compile-docx", word_s, base, word_s / base, "s")
    result("compile-pdf", pdf_s, word_s, pdf_s / word_s, "s", "ratio ≤ 2")


if __name__ == "__main__":
    main()
