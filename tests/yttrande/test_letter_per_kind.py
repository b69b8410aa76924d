"""The letter per kind: each kind asks its own questions, and the yttrande's position sentence
names what the position is on ("… tillstyrker kunskapsstödet, med synpunkter.")."""

from __future__ import annotations

import io

import pytest
from docx import Document
from sqlalchemy import select

from remiss.app import App
from remiss.core.models import Invitation, Round
from remiss.directory.sync import organisation
from remiss.mail import catalogue
from remiss.mail.rendering import Attachment
from remiss.rounds import spec as roundspec
from remiss.rounds.opening import open_rounds
from remiss.yttrande import joint, letter, wording
from remiss.yttrande.render import letter_files
from tests.yttrande.seed import Builder, at

ORG = "Sydöstra sjukvårdsregionen"
DNR = "S2026/04512"
ROUND = """
reference: {reference}
title: "{title}"
kind: {kind}
issuer: {issuer}
areas: [sallsynta-sjukdomar]
opens: 2026-02-16
deadline: 2026-05-29
coordinator: kansli@sosr.example.org
"""


def open_answered(
    app: App, kind: str, answer: dict[str, str], *, reference: str = "R-2026-1",
    title: str = "En remiss", issuer: str = "Socialstyrelsen",
) -> int:  # fmt: skip
    """Open a round of ``kind`` to RPO Sällsynta sjukdomar, every member answering ``answer``."""
    text = ROUND.format(reference=reference, title=title, kind=kind, issuer=issuer)
    with app.transaction() as session:
        [opened] = open_rounds(session, app.settings, roundspec.loads(text), "test")
        builder = Builder(session)
        invitations = session.scalars(
            select(Invitation).where(Invitation.round_id == opened.round_id).order_by(Invitation.id)
        )
        for day, invitation in enumerate(invitations, start=2):
            builder.answer(invitation, answer, when=at(day))
    return opened.round_id


def built(app: App, round_id: int) -> joint.JointAnswer:
    with app.sessions() as session:
        return joint.build(session, round_id, app.settings)


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_a_departementsremiss_is_asked_the_departementsremiss_set(sample_directory: App) -> None:
    for n, kind in enumerate(["departementsremiss", "SOU"]):  # by key, and by an alias
        round_id = open_answered(sample_directory, kind, {}, reference=f"S2026/0451{n}")
        with sample_directory.sessions() as session:
            round_ = session.get_one(Round, round_id)
            assert round_.question_set == "departementsremiss"
            assert [q.text for q in round_.questions] == [
                "Tillstyrker ni förslagen i betänkandet?",
                "Sammanfattning",
                "Synpunkter per avsnitt (ange betänkandets avsnittsnummer, till exempel 5.2)",
                "Konsekvenser",
                "Övrigt",
            ]
            assert round_.questions[0].options == [
                "Tillstyrker", "Tillstyrker med följande synpunkter", "Avstyrker",
            ]  # fmt: skip


def test_a_round_naming_its_set_keeps_it_whatever_its_kind(sample_directory: App) -> None:
    text = ROUND.format(reference="S-1", title="T", kind="departementsremiss", issuer="I")
    with sample_directory.transaction() as session:
        [opened] = open_rounds(
            session, sample_directory.settings, roundspec.loads(text + "questions: kunskapsstod\n"),
            "test",
        )  # fmt: skip
        round_ = session.get_one(Round, opened.round_id)
        assert round_.questions[0].text == "Ställer ni er bakom kunskapsstödet?"


def test_a_kunskapsstod_is_supported_by_name_with_comments(sample_directory: App) -> None:
    round_id = open_answered(
        sample_directory,
        "kliniskt kunskapsstöd",
        {"stallningstagande": "Tillstyrker med synpunkter"},
    )
    answer = built(sample_directory, round_id)
    [stand] = answer.stands
    assert stand.sentence == f"{ORG} tillstyrker kunskapsstödet, med synpunkter."
    assert answer.heading == "Yttrande över remiss: En remiss"  # no dnr: not a ministry's


def test_nhv_takes_two_positions_each_headed_by_its_subject(sample_directory: App) -> None:
    round_id = open_answered(
        sample_directory,
        "remissförslag",
        {"definition": "Tillstyrker", "antal_enheter": "Avstyrker"},
    )
    answer = built(sample_directory, round_id)
    assert [(s.question, s.sentence) for s in answer.stands] == [
        ("Definitionen av vården", f"{ORG} tillstyrker definitionen av vården."),
        ("Antalet enheter", f"{ORG} avstyrker antalet enheter."),
    ]
    html = letter_files.render(answer, "html").decode("utf-8")
    assert "<h3>Definitionen av vården</h3>" in html and "<h3>Antalet enheter</h3>" in html
    word = docx_text(letter_files.render(answer, "docx"))
    for shown in (html, word):
        # The letter speaks to the sender: the reviewers' questions ("ni") are no headings.
        assert "Tillstyrker ni" not in shown
        assert f"{ORG} tillstyrker definitionen av vården." in shown


def test_an_rcc_vardprogram_is_endorsed_in_rccs_words(sample_directory: App) -> None:
    round_id = open_answered(
        sample_directory, "nationellt vårdprogram", {"stallningstagande": "Ställer sig bakom"}
    )
    with sample_directory.sessions() as session:
        asked = session.get_one(Round, round_id).questions[0]
        assert asked.options == [
            "Ställer sig bakom", "Ställer sig bakom med synpunkter", "Ställer sig inte bakom",
        ]  # fmt: skip
    [stand] = built(sample_directory, round_id).stands
    assert stand.sentence == f"{ORG} ställer sig bakom vårdprogrammet."


def test_a_departementsremiss_letter_carries_the_ministrys_dnr(sample_directory: App) -> None:
    title = "Framtidens hälso- och sjukvård (SOU 2026:12)"
    round_id = open_answered(
        sample_directory, "departementsremiss",
        {"stallningstagande": "Tillstyrker med följande synpunkter", "sammanfattning": "Bra."},
        reference=DNR, title=title, issuer="Socialdepartementet",
    )  # fmt: skip
    answer = built(sample_directory, round_id)
    [stand] = answer.stands
    assert stand.sentence == f"{ORG} tillstyrker förslagen i betänkandet, med följande synpunkter."
    assert answer.heading == f"Yttrande över remiss: {title} ({DNR})"
    assert f"<h1>Yttrande över remiss: {title} ({DNR})</h1>" in letter_files.render(
        answer, "html"
    ).decode("utf-8")
    assert f"{title} ({DNR})" in docx_text(letter_files.render(answer, "docx"))

    with sample_directory.sessions() as session:
        round_, org = session.get_one(Round, round_id), organisation(session)
        names = [letter.file_name(round_, org, fmt) for fmt in ("pdf", "docx")]
        assert names == [
            "S2026_04512_Sydöstra_sjukvårdsregionen-yttrande.pdf",
            "S2026_04512_Sydöstra_sjukvårdsregionen-yttrande.docx",
        ]
        attachment = Attachment(names[0], b"%PDF", "application", "pdf")
        email = catalogue.yttrande_sent(
            round_=round_, org=org, to="s.registrator@regeringskansliet.example.org",
            attachments=[attachment], reference=letter.reference_line(round_, org),
        )  # fmt: skip
    assert email.message.subject == f"{DNR} {ORG} – Yttrande: {title}"


def test_other_kinds_keep_the_plain_heading_subject_and_names(sample_directory: App) -> None:
    round_id = open_answered(
        sample_directory, "remissförslag", {}, reference="NHV-2026-7", title="Mastocytos"
    )
    assert built(sample_directory, round_id).heading == "Yttrande över remiss: Mastocytos"
    with sample_directory.sessions() as session:
        round_, org = session.get_one(Round, round_id), organisation(session)
        assert letter.file_name(round_, org, "pdf") == "NHV-2026-7-yttrande.pdf"
        email = catalogue.yttrande_sent(
            round_=round_, org=org, to="a@b.example.org", attachments=[],
            reference=letter.reference_line(round_, org),
        )  # fmt: skip
    assert email.message.subject == "NHV-2026-7 – Yttrande: Mastocytos"


def test_a_questions_own_subject_wins_and_a_reworded_one_names_nothing(
    sample_directory: App,
) -> None:
    round_id = open_answered(sample_directory, "vägledning", {"stallningstagande": "Avstyrker"})
    with sample_directory.transaction() as session:
        session.get_one(Round, round_id).questions[0].subject = "vägledningen"
    assert built(sample_directory, round_id).stands[0].sentence == f"{ORG} avstyrker vägledningen."
    with sample_directory.transaction() as session:
        question = session.get_one(Round, round_id).questions[0]
        question.subject = None
        question.text = "Vad anser ni om vägledningen?"  # not the shipped set's words
    [stand] = built(sample_directory, round_id).stands
    assert stand.sentence == f"{ORG} avstyrker."
    assert stand.question == "Ställningstagande 1"


@pytest.mark.parametrize(
    ("position", "subject", "sentence"),
    [
        ("Tillstyrker", "kunskapsstödet", "tillstyrker kunskapsstödet."),
        ("Tillstyrker med synpunkter", "kunskapsstödet", "tillstyrker kunskapsstödet, med synpunkter."),
        ("Avstyrker", "kunskapsstödet", "avstyrker kunskapsstödet."),
        ("Avstår", "kunskapsstödet", "avstår från att ta ställning till kunskapsstödet."),
        ("Ställer sig bakom", "vårdprogrammet", "ställer sig bakom vårdprogrammet."),
        ("Ställer sig bakom med synpunkter", "vårdprogrammet",
         "ställer sig bakom vårdprogrammet, med synpunkter."),
        ("Ställer sig inte bakom", "vårdprogrammet", "ställer sig inte bakom vårdprogrammet."),
        # Without a subject, the position as it is written (today's wording).
        ("Tillstyrker med synpunkter", None, "tillstyrker med synpunkter."),
        ("Avstår", None, "avstår från att ta ställning."),
        ("Avstår", "  ", "avstår från att ta ställning."),
    ],
)  # fmt: skip
def test_the_position_sentence(position: str, subject: str | None, sentence: str) -> None:
    assert wording.position_sentence(ORG, position, subject) == f"{ORG} {sentence}"
    assert joint.sentence(ORG, position, subject) == f"{ORG} {sentence}"


def test_no_chosen_position_says_so() -> None:
    assert joint.sentence(ORG, None, "kunskapsstödet") == joint.NOT_CHOSEN


@pytest.mark.parametrize(
    ("subject", "question", "heading"),
    [
        ("definitionen av vården", "Tillstyrker ni definitionen av vården?", "Definitionen av vården"),
        (None, "Tillstyrker ni förslaget om antal enheter?", "Ställningstagande 2"),
        (None, "Vad tycker er region?", "Ställningstagande 2"),
        (None, "Ställningstagande till programmet", "Ställningstagande till programmet"),
    ],
)  # fmt: skip
def test_a_stands_heading_never_asks_the_reader(
    subject: str | None, question: str, heading: str
) -> None:
    assert wording.stand_heading(subject, question, 2) == heading
