"""The yttrande that is sent: an accessible (tagged) PDF, and a signature never alone on a page.

veraPDF, the reference PDF/UA checker, is not installable here: these tests read the file
with pikepdf and check what the contract names (a structure tree, /MarkInfo marked,
/Lang sv-SE, a title shown as the window's title), not full PDF/UA conformance.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import docx
import pikepdf
import pypdf
from sqlalchemy.orm import Session, sessionmaker

from remiss.core.models import YttrandeDraft
from remiss.core.settings import Settings
from remiss.yttrande import joint
from remiss.yttrande.render import letter_files
from tests.yttrande.seed import POSITION, Builder

HEADING = "Yttrande över remiss: Bröstcancer, nationellt vårdprogram"
SIGNED_FOR = "För Sydöstra sjukvårdsregionen"
Seed = Callable[[Callable[[Builder], Any]], Any]


def save_draft(seed: Seed, round_id: int, number: int, ovrigt: str) -> None:
    """A saved draft of the joint answer, as the drafting page keeps it."""

    def add(b: Builder) -> None:
        b.session.add(
            YttrandeDraft(
                round_id=round_id,
                number=number,
                author="karin.kvist@ex.org",
                created_at=datetime(2026, 4, 1, 9, number, tzinfo=UTC),
                positions={POSITION: "Tillstyrker med synpunkter"},
                texts={"innehall": "Vårdprogrammet är väl genomarbetat.", "ovrigt": ovrigt},
            )
        )

    seed(add)


def joint_answer(
    sessions: sessionmaker[Session], round_id: int, settings: Settings
) -> joint.JointAnswer:
    with sessions() as session:
        return joint.build(session, round_id, settings)


def structure_types(pdf: pikepdf.Pdf) -> set[str]:
    """Every structure element's type (/Document, /H1, /P …) in the file's structure tree."""
    found: set[str] = set()
    todo: list[Any] = [pdf.Root.StructTreeRoot.K]
    while todo:
        node = todo.pop()
        if isinstance(node, pikepdf.Array):
            todo.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.add(str(node.S))
            if "/K" in node:
                todo.append(node.K)
    return found


def test_yttrande_pdf_is_tagged_in_swedish_with_a_title(
    sessions: sessionmaker[Session], seed: Seed, round_id: int, settings: Settings
) -> None:
    save_draft(seed, round_id, 1, "Inför en gemensam utbildningsdag.")

    data = letter_files.render(joint_answer(sessions, round_id, settings), "pdf")

    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert {"/Document", "/H1", "/H2", "/P"} <= structure_types(pdf)
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert str(pdf.Root.Lang) == "sv-SE"
        assert str(pdf.docinfo.Title).endswith(HEADING)
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfuaid:part") == "1"
            assert str(xmp.get("dc:title")).endswith(HEADING)


def signature_page(data: bytes) -> tuple[int, str]:
    """The page "För <organisation>" is on, and what that page holds before it."""
    pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]
    [index] = [i for i, text in enumerate(pages) if SIGNED_FOR in text]
    before = pages[index].split(SIGNED_FOR)[0]
    return index, re.sub(r"Sida \d+ av \d+", "", before).strip()


def test_yttrande_signature_is_never_alone_at_the_top_of_a_page(
    sessions: sessionmaker[Session], seed: Seed, round_id: int, settings: Settings
) -> None:
    # One short paragraph more each time, until the signature has gone over to the next
    # page and a few paragraphs beyond: where it goes over it would, without the rule,
    # start that page by itself.
    first_page, after_crossing = None, 0
    for count in range(1, 80):
        padding = "\n\n".join(f"Stycke {n} av den gemensamma texten." for n in range(count))
        save_draft(seed, round_id, count, padding)
        data = letter_files.render(joint_answer(sessions, round_id, settings), "pdf")

        page, before = signature_page(data)
        assert before.endswith("texten."), f"{count} paragraphs: the signature starts a page"
        first_page = page if first_page is None else first_page
        after_crossing += page > first_page
        if after_crossing == 4:
            break
    assert after_crossing == 4, "the padding never took the signature to the next page"


def test_yttrande_word_file_keeps_the_signature_with_the_paragraph_before_it(
    sessions: sessionmaker[Session], seed: Seed, round_id: int, settings: Settings
) -> None:
    save_draft(seed, round_id, 1, "Sista stycket före underskriften.")

    data = letter_files.render(joint_answer(sessions, round_id, settings), "docx")

    paragraphs = docx.Document(io.BytesIO(data)).paragraphs
    texts = [p.text for p in paragraphs]
    start = texts.index(SIGNED_FOR)
    last_text = max(i for i, text in enumerate(texts[:start]) if text.strip())
    assert texts[last_text] == "Sista stycket före underskriften."
    # From the last paragraph of text through the signature, each keeps with the next.
    assert all(p.paragraph_format.keep_with_next for p in paragraphs[last_text:-1])


SHOWS_TEXT = {"Tj", "TJ", "'", '"'}


def unmarked_text(page: pikepdf.Page) -> tuple[list[str], list[int]]:
    """Text shown outside any marked-content sequence, and the MCIDs the page marks."""
    depth, unmarked, mcids = 0, [], []
    for instruction in pikepdf.parse_content_stream(page):
        operands, name = instruction.operands, str(instruction.operator)
        if name in ("BDC", "BMC"):
            depth += 1
            if name == "BDC" and "/MCID" in operands[1]:
                mcids.append(int(operands[1].MCID))
        elif name == "EMC":
            depth -= 1
        elif name in SHOWS_TEXT and depth == 0:
            unmarked.append(str(operands[0]))
    return unmarked, mcids


def test_yttrande_pdf_marks_every_text_and_embeds_every_font(
    sessions: sessionmaker[Session], seed: Seed, round_id: int, settings: Settings
) -> None:
    # Long enough to run over pages: a paragraph in two pieces, a page number on each.
    save_draft(
        seed, round_id, 1, "\n\n".join(f"Stycke {n} av den gemensamma texten." for n in range(90))
    )
    answer = joint_answer(sessions, round_id, settings)

    data = letter_files.render(answer, "pdf")

    assert letter_files.render(answer, "pdf") == data  # the same letter, the same bytes
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) > 1
        parents = pdf.Root.StructTreeRoot.ParentTree.Nums
        for index, page in enumerate(pdf.pages):
            unmarked, mcids = unmarked_text(page)
            assert unmarked == [], f"page {index + 1}: text outside the structure"
            # The parent tree names, for each MCID on the page, the element it belongs to.
            assert int(page.obj.StructParents) == index
            elements = parents[2 * index + 1]
            assert len(elements) == len(mcids) == len(set(mcids))
            for mcid in mcids:
                kids = elements[mcid].K
                assert any(int(k.MCID) == mcid and k.Pg.objgen == page.objgen for k in kids)
            for font in page.Resources.Font.values():
                assert "/FontFile2" in font.FontDescriptor, f"{font.BaseFont} not embedded"
        order = [str(e.S) for e in pdf.Root.StructTreeRoot.K[0].K]
        assert order.index("/H1") < order.index("/H2") < order.index("/H3")
