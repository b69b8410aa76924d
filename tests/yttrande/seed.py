"""A round of the breast-cancer care programme, answered the ways real rounds are.

Built straight with the ORM. The personas:

- Per Wallin (RJL, chair of RPO Cancer and member of RPO Kirurgi) tillstyrker and writes
  two paragraphs; a later draft of his must not reach the yttrande.
- Karin Kvist (RKL, RPO Cancer) tillstyrker med synpunkter; her text holds markup and a
  Word field code that must stay literal text.
- Kristina Fransson (RÖ, RPO Kirurgi) first tillstyrker, then resubmits and avstyrker.
- Anna Ek (RJL, RSG Läkemedel) answers "Inga synpunkter".
- Johan Engström (RKL, RSG Läkemedel) forwards to Maria Lind (RKL), who tillstyrker.
- Olof Sandberg (RÖ, RPO Cancer) only saves a draft.
- Eva Holm (RKL, Kunskapsråd) says nothing: her group is silent.
- Bo Strand (RÖ, RPO Cancer) was revoked and is nobody's business.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core.models import (
    AnswerVersion,
    Group,
    Invitation,
    InvitationGroup,
    Organisation,
    Person,
    Question,
    Region,
    Round,
    RoundGroup,
)

POSITION = "stallningstagande"
DEFAULT_QUESTIONS: list[dict[str, Any]] = [
    {
        "key": POSITION,
        "kind": "position",
        "text": "Ställer ni er bakom kunskapsstödet?",
        "options": ["Tillstyrker", "Tillstyrker med synpunkter", "Avstyrker"],
        "required": True,
    },
    {"key": "innehall", "kind": "text", "text": "Synpunkter på kunskapsstödets innehåll"},
    {
        "key": "avsnitt",
        "kind": "text",
        "text": "Synpunkter på specifika avsnitt (ange avsnitt och sida)",
    },
    {
        "key": "konsekvenser",
        "kind": "text",
        "text": "Organisatoriska och ekonomiska konsekvenser för verksamheten",
    },
    {"key": "inforande", "kind": "text", "text": "Behov av stöd vid införande och uppföljning"},
    {"key": "ovrigt", "kind": "text", "text": "Övriga synpunkter"},
]

PER_TEXT = (
    "Vårdprogrammet är väl genomarbetat.\n\n"
    "Avsnittet om uppföljning bör dock kompletteras med\nansvarsfördelningen mellan regionerna."
)
KARIN_TEXT = (
    'Se avsnitt 4, "Behandling": <script>alert(1)</script>\n'
    "Mallen använder { MERGEFIELD Name } felaktigt, vilket bör rättas."
)
KRISTINA_TEXT = "Kräver fler operationssalar, minst två, vilket saknar finansiering."
MARIA_TEXT = "Inför en gemensam regional utbildningsdag."
DRAFT_TEXT = "UTKAST SOM ALDRIG SKICKADES IN"
LATE_DRAFT_TEXT = "ÄNDRING SOM BARA SPARADES SOM UTKAST"


def at(day: int, hour: int = 9, minute: int = 30) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


class Builder:
    """Adds organisation, regions, groups, people, rounds and answers to one session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.regions = {r.code: r for r in session.scalars(select(Region))}
        if not self.regions:
            self._directory()
        self.groups: dict[str, Group] = {}
        self.people: dict[str, Person] = {}

    def _directory(self) -> None:
        """The organisation and its three regions (and one region no longer active)."""
        self.session.add(
            Organisation(
                name="Sydöstra sjukvårdsregionen",
                short="SÖSR",
                signatory="Samverkansnämndens presidium",
                unit="Regionsjukvårdsledningen",
            )
        )
        for code, name in [
            ("RÖ", "Region Östergötland"),
            ("RJL", "Region Jönköpings län"),
            ("RKL", "Region Kalmar län"),
        ]:
            self.regions[code] = Region(code=code, name=name, active=True)
        self.session.add_all(self.regions.values())
        self.session.add(Region(code="RX", name="Region Nedlagd", active=False))

    def group(self, key: str, name: str, kind: str = "RPO") -> Group:
        group = Group(key=key, name=name, kind=kind, areas=[], active=True)
        self.session.add(group)
        self.groups[key] = group
        return group

    def person(self, name: str, region: str) -> Person:
        email = name.lower().replace(" ", ".").replace("ö", "o").replace("å", "a") + "@ex.org"
        person = Person(email=email, name=name, region=self.regions[region], active=True)
        self.session.add(person)
        self.people[name] = person
        return person

    def round(self, reference: str = "KS-2026-003", **fields: Any) -> Round:
        values: dict[str, Any] = {
            "reference": reference,
            "title": "Bröstcancer, nationellt vårdprogram",
            "kind": "nationellt vårdprogram",
            "issuer": "RCC i samverkan",
            "opens": date(2026, 2, 16),
            "national_deadline": date(2026, 4, 14),
            "internal_deadline": date(2026, 3, 31),
            "internal_deadline_at": datetime(2026, 3, 31, 22, 0, tzinfo=UTC),
            "coordinator": "kansli@sosr.example.org",
            "our_reference": "SÖSR-2026-017",
            "created_at": datetime(2026, 2, 16, 8, 0, tzinfo=UTC),
        }
        values.update(fields)
        round_ = Round(**values)
        self.session.add(round_)
        self.session.flush()
        for position, spec in enumerate(DEFAULT_QUESTIONS):
            self.session.add(Question(round_id=round_.id, position=position, **spec))
        return round_

    def route(self, round_: Round, *groups: Group, reason: str = "area") -> None:
        for group in groups:
            self.session.add(RoundGroup(round=round_, group=group, reason=reason))

    def invite(
        self,
        round_: Round,
        person: Person,
        *groups: Group,
        role: str = "ledamot",
        status: str = "active",
        forwarded_from: Invitation | None = None,
    ) -> Invitation:
        invitation = Invitation(
            round=round_,
            person=person,
            status=status,
            created_at=round_.created_at,
            forwarded_from_id=forwarded_from.id if forwarded_from else None,
        )
        self.session.add(invitation)
        for group in groups:
            self.session.add(InvitationGroup(invitation=invitation, group=group, role=role))
        self.session.flush()
        return invitation

    def answer(
        self,
        invitation: Invitation,
        values: dict[str, str],
        *,
        when: datetime,
        kind: str = "submitted",
        no_comments: bool = False,
    ) -> AnswerVersion:
        self.session.flush()
        number = len(invitation.versions) + 1
        version = AnswerVersion(
            invitation=invitation,
            number=number,
            kind=kind,
            values=values,
            no_comments=no_comments,
            created_at=when,
        )
        self.session.add(version)
        if kind == "submitted":
            invitation.submitted_at = invitation.submitted_at or when
            invitation.no_comments = no_comments
        else:
            invitation.draft_saved_at = when
        self.session.flush()
        return version


def answered_round(b: Builder) -> int:
    """The round of the module docstring; returns its id."""
    cancer = b.group("rpo-cancer", "RPO Cancersjukdomar")
    kirurgi = b.group("rpo-kirurgi", "RPO Kirurgi och plastikkirurgi")
    lakemedel = b.group("rsg-medicinsk-teknik", "RSG Medicinsk teknik", "RSG")
    rad = b.group("kr-halsa", "Kunskapsråd Hälsa och rehabilitering", "Kunskapsråd")
    round_ = b.round(lead_group=cancer)
    b.route(round_, cancer, reason="lead")
    b.route(round_, kirurgi, lakemedel, rad)

    per = b.invite(round_, b.person("Per Wallin", "RJL"), cancer, kirurgi, role="ordförande")
    b.answer(per, {POSITION: "Tillstyrker", "innehall": PER_TEXT}, when=at(2))
    b.answer(per, {POSITION: "Avstyrker", "innehall": LATE_DRAFT_TEXT}, when=at(3), kind="draft")

    karin = b.invite(round_, b.person("Karin Kvist", "RKL"), cancer)
    b.answer(
        karin,
        {POSITION: "Tillstyrker med synpunkter", "avsnitt": KARIN_TEXT, "ovrigt": ""},
        when=at(4, 14, 5),
    )

    kristina = b.invite(round_, b.person("Kristina Fransson", "RÖ"), kirurgi)
    b.answer(kristina, {POSITION: "Tillstyrker"}, when=at(5))
    b.answer(kristina, {POSITION: "Avstyrker", "konsekvenser": KRISTINA_TEXT}, when=at(6))

    anna = b.invite(round_, b.person("Anna Ek", "RJL"), lakemedel)
    b.answer(anna, {}, when=at(7), no_comments=True)

    johan = b.invite(round_, b.person("Johan Engström", "RKL"), lakemedel, status="forwarded")
    maria_person = b.person("Maria Lind", "RKL")
    maria_person.external = True
    maria = b.invite(round_, maria_person, forwarded_from=johan)
    b.answer(maria, {POSITION: "Tillstyrker", "inforande": MARIA_TEXT}, when=at(9))

    olof = b.invite(round_, b.person("Olof Sandberg", "RÖ"), cancer)
    b.answer(olof, {POSITION: "Avstyrker", "innehall": DRAFT_TEXT}, when=at(8), kind="draft")

    b.invite(round_, b.person("Eva Holm", "RKL"), rad)
    bo = b.invite(round_, b.person("Bo Strand", "RÖ"), cancer, status="revoked")
    b.answer(bo, {POSITION: "Avstyrker", "ovrigt": "Återkallad"}, when=at(2))
    return round_.id
