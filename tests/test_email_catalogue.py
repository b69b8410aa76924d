"""Every email in the catalogue renders with what its function gives, in both parts."""

from __future__ import annotations

import inspect
from datetime import UTC, date, datetime

import pytest

from remiss.core.models import Group, Organisation, Person, Round, YttrandeVersion
from remiss.mail import catalogue
from remiss.mail.catalogue import BatchItem, DigestItem, Email
from remiss.mail.rendering import Attachment, templates_dir

LINK = "https://remiss.example.org/r/" + "A" * 43
ORG = Organisation(name="Sydöstra sjukvårdsregionen", short="SÖSR", signatory="Presidiet")
ROUND = Round(
    id=7, reference="KS-2026-003", title="Bröstcancer, nationellt vårdprogram",
    issuer="RCC i samverkan", internal_deadline=date(2026, 3, 27),
    internal_deadline_at=datetime(2026, 3, 27, 23, 0, tzinfo=UTC),
    national_deadline=date(2026, 4, 14), coordinator="kansli@sosr.example.org",
    documents=[{"title": "Remissversion", "url": "https://example.org/a.pdf"}],
    lead_group=Group(key="rpo-cancer", name="RPO Cancersjukdomar"),
)  # fmt: skip
# Opened with ROUND, in the same period, with an earlier deadline.
OTHER = Round(
    id=8,
    reference="KS-2026-001",
    title="Akuta leukemier, Min vårdplan",
    issuer="RCC i samverkan",
    internal_deadline=date(2026, 3, 20),
    internal_deadline_at=datetime(2026, 3, 20, 23, 0, tzinfo=UTC),
    national_deadline=date(2026, 4, 14),
    coordinator="kansli@sosr.example.org",
    documents=[],
    batch="Remissperiod 16 februari 2026 – 14 april 2026",
    lead_group=ROUND.lead_group,
)
PERSON = Person(name="Karin Kvist", email="karin.kvist@rkl.example.org")
CALENDAR = Attachment("svarsdag.ics", b"BEGIN:VCALENDAR", "text", "calendar")
APPROVAL_LINK = "https://remiss.example.org/f/" + "F" * 43
DRAFT_PDF = Attachment("KS-2026-003-yttrande-utkast-2.pdf", b"%PDF", "application", "pdf")
VERSION = YttrandeVersion(number=2, created_at=datetime(2026, 3, 28, 8, 0, tzinfo=UTC))


REVIEWER_MAIL = {
    "invitation", "deadline_extended", "reminder", "reminder_now", "receipt", "late_answer",
    "invitation_batch", "reply_saved",
}  # fmt: skip


def every_email() -> dict[str, Email]:
    return {
        "invitation": catalogue.invitation(
            round_=ROUND, person=PERSON, org=ORG, groups=[ROUND.lead_group], link=LINK,
            calendar=CALENDAR, forwarded_by=Person(name="Per Wallin", email="p@example.org"),
        ),
        "deadline_extended": catalogue.deadline_extended(
            round_=ROUND, person=PERSON, org=ORG, previous="20 mars 2026", link=LINK,
            has_draft=True, calendar=CALENDAR,
        ),
        "reminder": catalogue.reminder_digest(
            person=PERSON, org=ORG,
            items=[DigestItem(ROUND, 1, LINK, "27 mars 2026", "om tre dagar", True)] * 2,
        ),
        "reminder_now": catalogue.reminder_now(
            round_=ROUND, person=PERSON, org=ORG, link=LINK, has_draft=False
        ),
        "forwarded": catalogue.forwarded(
            round_=ROUND, person=PERSON, org=ORG,
            colleague=Person(name="Maria Lind", email="maria.lind@rkl.example.org"),
            moved_draft=True,
        ),
        "late_answer": catalogue.late_answer(
            round_=ROUND, person=PERSON, org=ORG, link=LINK, has_draft=True
        ),
        "receipt": catalogue.receipt(
            round_=ROUND, person=PERSON, org=ORG, answers=[("Ställningstagande", "Tillstyrker")],
            submitted_at="16 mars 2026 kl. 09.15", version=1, link=LINK,
        ),
        "yttrande_ready": catalogue.yttrande_ready(
            round_=ROUND, org=ORG, version=VERSION, answered=5, invited=7,
            round_link="https://remiss.example.org/rounds/7",
        ),
        "information": catalogue.information(
            round_=ROUND, person=PERSON, org=ORG, groups=[ROUND.lead_group]
        ),
        "invitation_batch": catalogue.invitation_batch(
            person=PERSON, org=ORG, calendar=CALENDAR,
            items=[BatchItem(ROUND, (ROUND.lead_group,), LINK),
                   BatchItem(OTHER, (ROUND.lead_group,), LINK.replace("A", "B"))],
        ),
        "information_batch": catalogue.information_batch(
            person=PERSON, org=ORG,
            items=[BatchItem(ROUND, (ROUND.lead_group,)), BatchItem(OTHER, (ROUND.lead_group,))],
        ),
        "drafting": catalogue.drafting(
            round_=ROUND, person=PERSON, org=ORG, link="https://remiss.example.org/login/x",
            login_page="https://remiss.example.org/login", valid_for="tre dagar", answered=5,
            invited=7,
        ),
        "handed_over": catalogue.handed_over(
            round_=ROUND, org=ORG, author="Karin Kvist", number=3,
            handed_over="30 mars 2026 kl. 10.00",
            draft_link="https://remiss.example.org/rounds/7/utkast",
        ),
        "disagreement": catalogue.disagreement(
            round_=ROUND, org=ORG, to="kansli@sosr.example.org",
            items=[catalogue.Disagreement(
                "Ställer ni er bakom?",
                ("Grupper: RPO Cancersjukdomar (ansvarig grupp) tillstyrker; RPO Kirurgi "
                 "avstyrker.", "Regioner: Region Kalmar län tillstyrker; Region Östergötland "
                 "avstyrker."),
                joined="Region Östergötland avstyrker",
                minority="Motiveringar från minoriteten, som avstyrker",
                reasoning=(
                    catalogue.Reasoning("RPO Kirurgi, Region Östergötland", "Avstyrker",
                                        (("Övriga synpunkter", "Kräver fler salar.\nOch mer."),)),
                    catalogue.Reasoning("RPO Kirurgi, Region Östergötland", "Avstyrker", ()),
                ),
            )],
        ),
        "system_level": catalogue.system_level(
            round_=ROUND, org=ORG, to="anna.ekstrom@rjl.example.org",
            who="RPO Cancersjukdomar, Region Kalmar län",
            answers=[("Ställer ni er bakom?", "Avstyrker"), ("Övriga synpunkter", "Kostar.")],
            submitted_at="2 mars 2026 kl. 10.15",
        ),
        "closed_without_answers": catalogue.closed_without_answers(
            to="kansli@sosr.example.org", org=ORG, rounds=[ROUND, ROUND],
            base_url="https://remiss.example.org",
        ),
        "yttrande_sent": catalogue.yttrande_sent(
            round_=ROUND, org=ORG, to="registrator@example.org",
            attachments=[Attachment("KS-2026-003-yttrande.pdf", b"%PDF", "application", "pdf")],
            reference="KS-2026-003", copy_of=None,
        ),
        "per_region": catalogue.per_region(
            round_=ROUND, org=ORG, region="Region Kalmar län", to="registrator@rkl.example.org"
        ),
        "not_answering": catalogue.not_answering(
            round_=ROUND, org=ORG, to="registrator@example.org",
            regions="Region Jönköpings län, Region Kalmar län och Region Östergötland",
        ),
        "decision_voided": catalogue.decision_voided(
            round_=ROUND, org=ORG, author="Maria Lund (maria.lund@rjl.example.org)", number=3,
            decided=2, link="https://remiss.example.org/rounds/1#yttrande",
        ),
        "anchoring": catalogue.anchoring(
            round_=ROUND, org=ORG, name="Maria Holmgren", to="maria.holmgren@rog.example.org",
            link=APPROVAL_LINK, reply_by="8 april 2026", number=2, draft=DRAFT_PDF,
        ),
        "anchoring_new_version": catalogue.anchoring_new_version(
            round_=ROUND, org=ORG, name="Maria Holmgren", to="maria.holmgren@rog.example.org",
            link=APPROVAL_LINK, reply_by="8 april 2026", number=3, earlier="godkänt på version 2",
            draft=DRAFT_PDF,
        ),
        "anchoring_reminder": catalogue.anchoring_reminder(
            round_=ROUND, org=ORG, name="Maria Holmgren", to="maria.holmgren@rog.example.org",
            link=APPROVAL_LINK, reply_by="8 april 2026", number=2,
        ),
        "anchoring_answered": catalogue.anchoring_answered(
            round_=ROUND, org=ORG, name="Jonas Berg", title="ledamot, RSL AU", approved=False,
            comment="Stryk <andra> stycket.", number=2, waiting=1,
            link="https://remiss.example.org/rounds/7#forankring",
        ),
        "reply_saved": catalogue.reply_saved(
            round_=ROUND, person=PERSON, org=ORG, link=LINK, excerpt="Vi <tillstyrker>.",
        ),
        "reply_refused": catalogue.reply_refused(
            to="karin.kvist@rkl.example.org", org=ORG, subject="Sv: Remiss",
            reason="Remissen är stängd.", coordinator="kansli@sosr.example.org",
        ),
        "outcome_sent": catalogue.outcome_sent(
            round_=ROUND, org=ORG, name="Karin Kvist", to="karin.kvist@rkl.example.org",
            sent_on="den 9 april 2026",
            pdf=Attachment("KS-2026-003-yttrande.pdf", b"%PDF", "application", "pdf"),
            fates=[catalogue.Fate("Övriga synpunkter", "Inför en regional utbildningsdag.",
                                  "Ej med", "Ligger utanför remissen.")],
        ),
        "outcome_triaged": catalogue.outcome_triaged(
            round_=ROUND, org=ORG, name="Karin Kvist", to="karin.kvist@rkl.example.org",
            per_region=True, reason="Regional fråga",
        ),
        "login": catalogue.login(
            to="kansli@sosr.example.org", org=ORG, link="https://remiss.example.org/login/x",
            minutes=30, sent_at=datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
        ),
    }  # fmt: skip


@pytest.mark.parametrize("kind", sorted(every_email()))
def test_every_email_renders_its_subject_text_and_html(kind: str) -> None:
    email = every_email()[kind]
    assert email.kind == kind
    message = email.message
    assert message.subject and "\n" not in message.subject
    assert message.text.strip() and message.html.strip()
    assert "Sydöstra sjukvårdsregionen" in message.text
    if kind in REVIEWER_MAIL:
        # Reviewer mail: the personal link on a line of its own, and the sender's dnr named so.
        assert f"\n{LINK}\n" in message.text
    if kind.startswith("anchoring") and kind != "anchoring_answered":  # not to the coordinator
        # To an approver: their link on a line of its own, and the day an answer is asked for.
        assert f"\n{APPROVAL_LINK}\n" in message.text and "8 april 2026" in message.subject
    if kind.startswith("outcome_"):  # how the remiss ended, to everyone asked or told
        assert message.subject.startswith("Skickat: ")
    if kind in {"yttrande_sent", "not_answering"}:  # to the sender: their reference is "Er"
        assert message.subject.startswith("KS-2026-003")
        assert "Er referens: KS-2026-003" in message.text
    elif kind not in {"login", "closed_without_answers", "reply_refused"}:  # names no round
        assert "Avsändarens diarienummer" in message.text
        assert "Er referens" not in message.text + message.html


def test_every_template_belongs_to_a_catalogue_function() -> None:
    functions = {
        name
        for name, member in inspect.getmembers(catalogue, inspect.isfunction)
        if member.__module__.startswith(f"{catalogue.__name__}.") and not name.startswith("_")
    }
    kinds = set(every_email())
    assert len(functions) == len(kinds), "a catalogue function is missing from this test"
    stems = {
        path.name.split(".")[0]
        for path in templates_dir().glob("*.j2")
        if not path.name.startswith(("_", "base."))
    }
    assert stems == kinds
    for kind in kinds:
        for part in ("subject", "txt", "html"):
            assert (templates_dir() / f"{kind}.{part}.j2").exists(), f"{kind}.{part}.j2"
