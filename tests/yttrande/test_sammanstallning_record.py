"""The sammanställning is an internal memo and the round's record: marked as not sent on
every page, addressed to nobody and signed by nobody, with the Förlopp from triage to
sending, who answered for whom, every submitted version, and who did not answer."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import docx
import pypdf
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from remiss.core import audit, clock
from remiss.core.models import Group, Invitation, Membership, Person, Round, SentYttrande
from remiss.core.settings import Settings
from remiss.reviewers import disagreement
from remiss.yttrande import closing, drafts, sending, versions
from remiss.yttrande.compile import build
from remiss.yttrande.model import Yttrande
from remiss.yttrande.render import layout
from remiss.yttrande.render import memo_docx as docx_render
from remiss.yttrande.render import memo_html as html_render
from remiss.yttrande.render import memo_pdf as pdf_render
from tests.yttrande.seed import POSITION, Builder, at

INTERNAL = "Internt arbetsmaterial – skickas inte"
COORDINATOR = "kansli@sosr.example.org"
KARIN = "karin.kvist@ex.org"
Seed = Callable[[Callable[[Builder], Any]], Any]


def compiled(sessions: sessionmaker[Session], round_id: int, settings: Settings) -> Yttrande:
    with sessions() as session:
        return build(session, round_id, settings)


def test_sammanstallning_is_marked_internal_on_every_page_and_sent_to_nobody(
    sessions: sessionmaker[Session], round_id: int, settings: Settings
) -> None:
    yttrande = compiled(sessions, round_id, settings)

    word = docx.Document(io.BytesIO(docx_render.render(yttrande)))
    assert [p.text for p in word.sections[0].header.paragraphs] == [INTERNAL]
    body = [p.text for p in word.paragraphs]
    pages = [
        " ".join(page.extract_text().split())
        for page in pypdf.PdfReader(io.BytesIO(pdf_render.render(yttrande))).pages
    ]
    assert len(pages) > 2
    assert all(INTERNAL in page for page in pages)
    page = html_render.render(yttrande)
    assert page.index(f'<p class="internal">{INTERNAL}</p>') < page.index('class="letterhead"')
    # Addressed to nobody, signed by nobody.
    for text in (" ".join(body), " ".join(pages), page):
        assert "Till:" not in text
        assert "För Sydöstra sjukvårdsregionen" not in text
        assert "Handläggare:" not in text
        assert "Samverkansnämndens presidium" not in text


def take_round_to_sending(
    sessions: sessionmaker[Session], seed: Seed, round_id: int, settings: Settings
) -> int:
    """Triage, a disagreement mailed, closing, three drafts, a decision voided by a later
    draft, a new decision and sending, through the services; returns how many were mailed
    about the disagreement."""

    def karin_is_processtod(b: Builder) -> None:
        karin = b.session.scalars(select(Person).where(Person.email == KARIN)).one()
        cancer = b.session.scalars(select(Group).where(Group.key == "rpo-cancer")).one()
        b.session.add(Membership(group=cancer, person=karin, role="processtöd"))

    seed(karin_is_processtod)
    with sessions.begin() as session:
        # The seeded round was opened without triage: recorded as ``triage.decide`` does.
        clock.set_now(datetime(2026, 2, 16, 8, 5, tzinfo=UTC))
        audit.record(
            session,
            COORDINATOR,
            "round.triage",
            round_id=round_id,
            decision="samordnas",
            reason="Berör alla tre regioner.",
            invitations=9,
        )
    clock.set_now(at(10))
    with sessions.begin() as session:
        round_ = session.get(Round, round_id)
        assert round_ is not None
        mailed = disagreement.escalate(session, settings, round_)
    clock.set_now(datetime(2026, 4, 1, 7, 0, tzinfo=UTC))
    with sessions.begin() as session:
        closing.close_round(session, settings, round_id, COORDINATOR)
    for minute, author, hand_over in (
        (10, KARIN, False),
        (20, KARIN, True),
        (40, COORDINATOR, False),
    ):
        clock.set_now(datetime(2026, 4, 1, 7, minute, tzinfo=UTC))
        with sessions.begin() as session:
            drafts.save(
                session,
                settings,
                round_id,
                author,
                {POSITION: "Tillstyrker med synpunkter"},
                {"ovrigt": f"Gemensam text {minute}."},
                hand_over=hand_over,
            )
        if minute == 20:
            with sessions.begin() as session:
                sending.decide(
                    session,
                    round_id,
                    by="Samverkansnämndens presidium",
                    on=date(2026, 4, 1),
                    paragraph="§ 14",
                    signatories=["Anna Berglund, ordförande"],
                    actor=COORDINATOR,
                )
    clock.set_now(datetime(2026, 4, 2, 8, 0, tzinfo=UTC))
    with sessions.begin() as session:
        sending.decide(
            session,
            round_id,
            by="Samverkansnämndens presidium",
            on=date(2026, 4, 2),
            paragraph="§ 15",
            actor=COORDINATOR,
        )
        sending.send(
            session, settings, round_id, to="registrator@rcc.example.org", actor=COORDINATOR
        )
    return mailed


def test_forlopp_records_triage_disagreement_drafts_decision_and_sending(
    sessions: sessionmaker[Session], seed: Seed, round_id: int, settings: Settings
) -> None:
    mailed = take_round_to_sending(sessions, seed, round_id, settings)
    with sessions() as session:
        kept = session.scalars(select(SentYttrande)).one()
        recipients = disagreement.recipients(session, session.get(Round, round_id))

    forlopp = compiled(sessions, round_id, settings).forlopp
    texts = [event.text for event in forlopp]

    assert forlopp[0].when == "16 februari 2026 kl. 09.05"
    assert texts[0] == "Triage: remissen samordnas. Skäl: Berör alla tre regioner."
    assert forlopp[0].by == COORDINATOR
    assert recipients == [COORDINATOR, KARIN]
    assert mailed == 2
    assert (
        "Meningsskiljaktighet om ”Ställer ni er bakom kunskapsstödet?” mejlades till "
        f"{mailed} mottagare: {', '.join(recipients)}." in texts
    )
    assert "Insamlingen av svar stängdes." in texts
    assert f"Beredningen började; handläggare: Karin Kvist ({KARIN})." in texts
    saved = [e for e in forlopp if e.text.startswith("Utkast version")]
    assert [(e.text, e.by) for e in saved] == [
        ("Utkast version 1 sparades.", f"Karin Kvist ({KARIN})"),
        ("Utkast version 2 lämnades till samordnaren.", f"Karin Kvist ({KARIN})"),
        ("Utkast version 3 sparades.", COORDINATOR),
    ]
    assert (
        "Beslut av Samverkansnämndens presidium den 1 april 2026 (§ 14) om utkast version 2. "
        "Undertecknare: Anna Berglund, ordförande." in texts
    )
    assert (
        "Beslutet om utkast version 2 gäller inte längre: version 3 sparades efter beslutet."
        in texts
    )
    assert any(
        t.startswith(
            "Beslut av Samverkansnämndens presidium den 2 april 2026 (§ 15) om utkast version 3."
        )
        for t in texts
    )
    assert texts[-1] == (
        "Yttrandet (utkast version 3) skickades till registrator@rcc.example.org. SHA-256: "
        f"PDF {kept.pdf_sha256}; Word {kept.docx_sha256}."
    )
    assert forlopp[-1].when == "2 april 2026 kl. 10.00"
    assert [e.at for e in forlopp] == sorted(e.at for e in forlopp)
    assert not any("sammanställ" in t.lower() for t in texts)  # compiling is not a step

    # The record is in every rendering, and compiling again gives the same version.
    yttrande = compiled(sessions, round_id, settings)
    assert f"2 april 2026 kl. 10.00, {COORDINATOR}: {texts[-1]}" in docx_paragraphs(
        docx_render.render(yttrande)
    )
    assert kept.pdf_sha256 in html_render.render(yttrande)
    printed = "".join(
        page.extract_text()
        for page in pypdf.PdfReader(io.BytesIO(pdf_render.render(yttrande))).pages
    )
    assert kept.pdf_sha256 in "".join(printed.split())
    with sessions.begin() as session:
        first = versions.compile_round(session, round_id, settings, COORDINATOR)
    with sessions.begin() as session:
        again = versions.compile_round(session, round_id, settings, COORDINATOR)
    assert (again.number, again.checksum) == (first.number, first.checksum)


def docx_paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_forwarded_answer_reads_for_the_person_first_asked(
    sessions: sessionmaker[Session], round_id: int, settings: Settings
) -> None:
    yttrande = compiled(sessions, round_id, settings)

    maria = next(p for p in yttrande.appendix if p.name == "Maria Lind")
    assert maria.on_behalf_of == "Johan Engström"
    assert maria.title == "Maria Lind, för Johan Engström"
    assert "Maria Lind, för Johan Engström" in [
        p.text for p in docx.Document(io.BytesIO(docx_render.render(yttrande))).paragraphs
    ]
    assert "<h3>Maria Lind, för Johan Engström</h3>" in html_render.render(yttrande)
    # Nobody else answered for anyone.
    assert [p.name for p in yttrande.appendix if p.on_behalf_of] == ["Maria Lind"]


def test_answer_forwarded_twice_reads_for_the_first_person_asked(
    sessions: sessionmaker[Session], seed: Seed, round_id: int, settings: Settings
) -> None:
    def forward_again(b: Builder) -> None:
        maria = b.session.scalars(
            select(Invitation).join(Person).where(Person.name == "Maria Lind")
        ).one()
        maria.status = "forwarded"
        round_ = b.session.get(Round, round_id)
        assert round_ is not None
        lars = b.invite(round_, b.person("Lars Lundqvist", "RKL"), forwarded_from=maria)
        b.answer(lars, {POSITION: "Tillstyrker"}, when=at(12))

    seed(forward_again)

    appendix = compiled(sessions, round_id, settings).appendix
    assert [(p.name, p.on_behalf_of) for p in appendix if p.on_behalf_of] == [
        ("Lars Lundqvist", "Johan Engström")
    ]


def test_resubmitted_answer_shows_each_submitted_version_and_answers_with_the_latest(
    sessions: sessionmaker[Session], round_id: int, settings: Settings
) -> None:
    yttrande = compiled(sessions, round_id, settings)

    kristina = next(p for p in yttrande.appendix if p.name == "Kristina Fransson")
    assert [(s.number, s.submitted_text) for s in kristina.submissions] == [
        (1, "5 mars 2026 kl. 10.30"),
        (2, "6 mars 2026 kl. 10.30"),
    ]
    assert kristina.submitted_text == "6 mars 2026 kl. 10.30"
    assert dict(layout.person_fields(kristina))["Inskickat"] == (
        "6 mars 2026 kl. 10.30 (version 2, den som gäller)"
    )
    assert dict(layout.person_fields(kristina))["Tidigare inskickade versioner"] == (
        "version 1, 5 mars 2026 kl. 10.30"
    )
    # Per saved a draft after submitting: drafts are not versions of the answer.
    per = next(p for p in yttrande.appendix if p.name == "Per Wallin")
    assert [s.number for s in per.submissions] == [1]
    assert "Tidigare inskickade versioner" not in dict(layout.person_fields(per))
    text = " ".join(
        " ".join(p.extract_text().split())
        for p in pypdf.PdfReader(io.BytesIO(pdf_render.render(yttrande))).pages
    )
    assert "Tidigare inskickade versioner: version 1, 5 mars 2026 kl. 10.30" in text


@pytest.mark.parametrize(
    ("answered", "missing", "sentence"),
    [
        (0, 0, "Ingen person har tillfrågats."),
        (1, 0, "Den tillfrågade personen har svarat."),
        (0, 1, "Den tillfrågade personen har inte svarat."),
        (2, 0, "Alla tillfrågade personer har svarat."),
        (0, 3, "Ingen av de tre tillfrågade personerna har svarat."),
        (1, 2, "En av tre tillfrågade personer har svarat."),
        (5, 2, "Fem av sju tillfrågade personer har svarat."),
    ],
)
def test_count_of_people_who_answered_agrees_with_the_numbers(
    answered: int, missing: int, sentence: str
) -> None:
    assert layout.people_answered(answered, missing) == sentence


def test_underlag_never_contradicts_itself(
    sessions: sessionmaker[Session], seed: Seed, round_id: int, settings: Settings
) -> None:
    def empty_group(b: Builder) -> None:
        round_ = b.session.get(Round, round_id)
        assert round_ is not None
        b.route(round_, b.group("rsg-tom", "RSG Utan ledamöter", "RSG"))

    seed(empty_group)

    yttrande = compiled(sessions, round_id, settings)
    lines = " ".join(layout.underlag_lines(yttrande))
    assert "RSG Utan ledamöter (ingen tillfrågad)" in lines
    assert "Kunskapsråd Hälsa och rehabilitering (ingen av 1 har svarat)" in lines
    assert "0 av" not in lines
    # Eva Holm was asked through the kunskapsråd: it is asked, not only told.
    assert lines.count("Kunskapsråd Hälsa och rehabilitering") == 1
    assert "Informerade" not in lines
    assert "Alla tillfrågade personer har svarat." not in lines
