"""The positions per group and region as a picture: its bars and words, and the
sammanställning carrying it in every format (read back from the files)."""

from __future__ import annotations

import io

import docx
import pypdf
import pytest
from sqlalchemy.orm import Session, sessionmaker

from remiss.core.settings import Settings
from remiss.yttrande.compile import build, position_charts
from remiss.yttrande.model import PositionRow, PositionSection, Yttrande
from remiss.yttrande.position_chart import PLOT, chart
from remiss.yttrande.render import memo_docx, memo_html, memo_pdf

QUESTION = "Ställer ni er bakom kunskapsstödet?"
# The seed round: Per (RJL) in two groups, Karin (RKL), Kristina (RÖ, resubmitted), Anna
# (RJL, "Inga synpunkter") and Maria (RKL, forwarded to her through RSG Medicinsk teknik).
SUMMARY = (
    "Svar från 3 grupper i 3 regioner, en stapel per grupp och region. Antal svar: "
    "Tillstyrker 3, Tillstyrker med synpunkter 1, Avstyrker 1, Avstår 0, Inga synpunkter 1. "
    "Den som svarar för flera grupper räknas i varje grupp."
)


@pytest.fixture
def yttrande(sessions: sessionmaker[Session], round_id: int, settings: Settings) -> Yttrande:
    with sessions() as session:
        return build(session, round_id, settings)


def test_the_round_page_and_the_sammanstallning_draw_the_same_bars(
    sessions: sessionmaker[Session], round_id: int, yttrande: Yttrande
) -> None:
    with sessions() as session:
        [live] = position_charts(session, round_id)
    [section] = yttrande.positions
    assert live == chart(section, ["Tillstyrker", "Tillstyrker med synpunkter", "Avstyrker"])
    assert [(b.group, b.region, b.counts) for b in live.bars] == [
        ("RPO Cancersjukdomar", "Region Jönköpings län", (1, 0, 0, 0, 0)),
        ("RPO Cancersjukdomar", "Region Kalmar län", (0, 1, 0, 0, 0)),
        ("RPO Kirurgi och plastikkirurgi", "Region Jönköpings län", (1, 0, 0, 0, 0)),
        ("RPO Kirurgi och plastikkirurgi", "Region Östergötland", (0, 0, 1, 0, 0)),
        ("RSG Medicinsk teknik", "Region Jönköpings län", (0, 0, 0, 0, 1)),
        ("RSG Medicinsk teknik", "Region Kalmar län", (1, 0, 0, 0, 0)),
    ]
    assert live.summary == SUMMARY
    # The group's name over its first bar only; each bar below the one before.
    assert [b.group_y is not None for b in live.bars] == [True, False, True, False, True, False]
    assert all(a.top < b.top for a, b in zip(live.bars, live.bars[1:], strict=False))


def test_bars_stack_their_positions_on_one_scale_with_round_ticks() -> None:
    rows = (
        PositionRow("Grupp A", "Region X", "Tillstyrker", 7),
        PositionRow("Grupp A", "Region X", "Avstyrker", 2),
        PositionRow("Grupp B", "", "Avstår", 3),
    )
    drawn = chart(PositionSection("q", "Fråga?", rows, ()))
    assert [t.value for t in drawn.ticks] == [0, 2, 4, 6, 8, 10]
    first, second = drawn.bars
    assert [(s.category, s.count) for s in first.segments] == [("Tillstyrker", 7), ("Avstyrker", 2)]
    assert first.end == pytest.approx(PLOT * 9 / 10)
    assert second.region_name == "Utan region" and second.total == 3
    # A question of other words keeps them, and gets no standard four it never had.
    other = chart(
        PositionSection("q", "Fråga?", (PositionRow("G", "R", "Ställer sig bakom", 1),), ())
    )
    assert [c.name for c in other.categories] == ["Ställer sig bakom"]


def test_nobody_has_taken_a_position_yet() -> None:
    empty = chart(PositionSection("q", "Fråga?", (), ()), ["Tillstyrker", "Avstyrker"])
    assert empty.bars == () and empty.summary == "Ingen har tagit ställning ännu."


def test_the_word_file_carries_the_figure_caption_its_words_and_the_numbers(
    yttrande: Yttrande,
) -> None:
    document = docx.Document(io.BytesIO(memo_docx.render(yttrande)))
    texts = [p.text for p in document.paragraphs]
    caption = f"Figur: {QUESTION} – ställningstaganden per grupp och region"
    at = texts.index(caption)
    assert texts[at + 1] == SUMMARY
    [positions] = [t for t in document.tables if t.rows[0].cells[0].text == "Grupp"][:1]
    rows = [[c.text for c in row.cells] for row in positions.rows]
    assert ["RPO Kirurgi och plastikkirurgi", "Region Östergötland", "Avstyrker", "1"] in rows


def test_the_pdf_draws_the_bars_with_their_legend_scale_and_words(yttrande: Yttrande) -> None:
    reader = pypdf.PdfReader(io.BytesIO(memo_pdf.render(yttrande)))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert f"Figur: {QUESTION} – ställningstaganden per grupp och region" in text
    assert SUMMARY in text
    for label in ("Tillstyrker med synpunkter", "Avstår", "Antal svar", "Region Östergötland"):
        assert label in text
    assert memo_pdf.render(yttrande) == memo_pdf.render(yttrande)


def test_the_html_holds_the_svg_named_by_its_caption(yttrande: Yttrande) -> None:
    page = memo_html.render(yttrande)
    assert 'role="img" aria-labelledby="stallning-stallningstagande-caption"' in page
    assert 'id="stallning-stallningstagande-summary"' in page
    assert SUMMARY in page
