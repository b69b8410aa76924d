"""A closed-at-deadline round with N submitted answers, the data of ``bench/compile.py``.

Swedish answers of the lengths real rounds get: most people take a position, about half
write something under a question or two, a few write several paragraphs. Deterministic
(a fixed seed), written with bulk inserts so that seeding stays out of the measured time.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select
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

REFERENCE = "BENCH-2026-004"
POSITION = "stallningstagande"
OPTIONS = ["Tillstyrker", "Tillstyrker med synpunkter", "Avstyrker"]
QUESTIONS = [
    (POSITION, "position", "Ställer ni er bakom kunskapsstödet?"),
    ("innehall", "text", "Synpunkter på kunskapsstödets innehåll"),
    ("avsnitt", "text", "Synpunkter på specifika avsnitt (ange avsnitt och sida)"),
    ("konsekvenser", "text", "Organisatoriska och ekonomiska konsekvenser för verksamheten"),
    ("inforande", "text", "Behov av stöd vid införande och uppföljning"),
    ("ovrigt", "text", "Övriga synpunkter"),
]
REGIONS = [("RÖ", "Region Östergötland"), ("RJL", "Region Jönköpings län"),
           ("RKL", "Region Kalmar län")]  # fmt: skip
GROUPS = [
    "RPO Cancersjukdomar", "RPO Kirurgi och plastikkirurgi", "RPO Kvinnosjukdomar och förlossning",
    "RPO Medicinsk diagnostik", "RPO Primärvård", "RSG Läkemedel", "RSG Medicinsk teknik",
    "RPO Rörelseorganens sjukdomar", "RPO Hjärt- och kärlsjukdomar", "RPO Psykisk hälsa",
]  # fmt: skip
FIRST = ["Anna", "Per", "Karin", "Johan", "Maria", "Olof", "Eva", "Lars", "Kristina", "Åsa",
         "Björn", "Ingrid", "Mikael", "Sofia", "Göran", "Elin", "Mats", "Helena", "Örjan", "Lena"]  # fmt: skip
LAST = ["Andersson", "Wallin", "Kvist", "Fransson", "Ek", "Lind", "Sandberg", "Holm", "Strand",
        "Åkesson", "Björk", "Nyström", "Öberg", "Engström", "Lundqvist", "Sjögren", "Hedlund"]  # fmt: skip
SENTENCES = [
    "Vårdprogrammet är väl genomarbetat och tydligt förankrat i aktuell evidens.",
    "Avsnittet om uppföljning bör kompletteras med ansvarsfördelningen mellan regionerna.",
    "Vi saknar en beskrivning av hur primärvården ska involveras i rehabiliteringen.",
    "Rekommendationerna om bilddiagnostik kräver fler undersökningar än vi i dag kan erbjuda.",
    "Det behövs ytterligare en specialistsjuksköterska per enhet för att klara kontaktsjuksköterskeuppdraget.",
    "Ledtiderna i standardiserat vårdförlopp är svåra att nå utan utökad operationskapacitet.",
    "Patientperspektivet är väl beskrivet, men texten om närståendes stöd är kortfattad.",
    "Läkemedelskostnaderna kommer att öka påtagligt om rekommendationen i avsnitt 7 följs fullt ut.",
    "Vi föreslår att kvalitetsindikatorerna stäms av mot nationella kvalitetsregistret innan fastställandet.",
    "Terminologin bör harmoniseras med Socialstyrelsens termbank, särskilt i kapitel 5 och 9.",
    "Ur ett jämlikhetsperspektiv är det bra att regionala skillnader lyfts fram i inledningen.",
    "Införandet kräver utbildningsinsatser för både läkare och sjuksköterskor i alla tre regioner.",
    "Sidan 34 anger fel dosering för patienter med nedsatt njurfunktion; jämför FASS.",
    "Det är oklart vem som ansvarar för den multidisciplinära konferensen när patienten remitteras över regiongräns.",
    "Vi instämmer i förslaget om gemensamma regionala riktlinjer för palliativ vård i livets slutskede.",
    "Kapitlet om digitala vårdtjänster bör utvecklas, till exempel med egenmonitorering i hemmet.",
    "Uppföljningen efter fem år saknar stöd i de studier som refereras i avsnitt 11.",
    "Organisatoriskt innebär förslaget att mottagningarna behöver utökade öppettider på kvällstid.",
    "Konsekvenserna för de mindre sjukhusen i Västervik och Värnamo behöver belysas särskilt.",
    "Vi ser positivt på att rehabiliteringen tas upp redan vid diagnos och inte först efter behandling.",
    "Rekommendationen om genetisk utredning bör gälla alla patienter under 40 år, inte bara vid ärftlighet.",
    "Språket är på sina ställen svårtillgängligt för patienter; en kortversion vore värdefull.",
    "Beräkningen av kostnaderna i bilaga 2 bygger på priser från 2023 och behöver uppdateras.",
    "Det finns inget stöd i dag för att dela journalinformation mellan regionerna i den omfattning som föreslås.",
]


def answer_text(rng: random.Random) -> str:
    """One to three paragraphs; now and then a list written with line breaks."""
    paragraphs = []
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        sentences = rng.sample(SENTENCES, rng.randint(1, 4))
        if rng.random() < 0.1:
            paragraphs.append("\n".join(f"- {s}" for s in sentences))
        else:
            paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def answer_values(rng: random.Random) -> dict[str, str]:
    """A position for nearly everyone; text under a question or two for about half."""
    values = {POSITION: rng.choices(OPTIONS, weights=[6, 3, 1])[0]}
    if rng.random() < 0.55:
        for key, _, _ in rng.sample(QUESTIONS[1:], rng.choice([1, 1, 2, 2, 3])):
            values[key] = answer_text(rng)
    return values


def seed(session: Session, answers: int, silent: int = 50) -> int:
    """The organisation, its directory and a closed-at-deadline round; the round's id.

    ``answers`` people submitted an answer and ``silent`` more were asked and did not.
    """
    rng = random.Random(2026)
    session.add(Organisation(name="Sydöstra sjukvårdsregionen", short="SÖSR",
                             signatory="Samverkansnämndens presidium",
                             unit="Regionsjukvårdsledningen"))  # fmt: skip
    session.execute(insert(Region), [{"code": c, "name": n, "active": True} for c, n in REGIONS])
    region_ids = list(session.scalars(select(Region.id).order_by(Region.id)))
    session.execute(
        insert(Group),
        [{"key": f"grupp-{i}", "name": name, "kind": name.split()[0], "areas": ["cancer"],
          "active": True} for i, name in enumerate(GROUPS)],
    )  # fmt: skip
    group_ids = list(session.scalars(select(Group.id).order_by(Group.id)))
    total = answers + silent
    session.execute(
        insert(Person),
        [{"email": f"p{i}@bench.example.org", "region_id": region_ids[i % len(region_ids)],
          "name": f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i}",
          "active": True} for i in range(total)],
    )  # fmt: skip
    people = list(session.scalars(select(Person.id).order_by(Person.id)))
    deadline = date(2026, 3, 31)
    created = datetime(2026, 2, 16, 8, 0, tzinfo=UTC)
    round_ = Round(
        reference=REFERENCE, title="Bröstcancer, nationellt vårdprogram",
        kind="nationellt vårdprogram", issuer="RCC i samverkan", opens=date(2026, 2, 16),
        national_deadline=date(2026, 4, 14), internal_deadline=deadline,
        internal_deadline_at=datetime(2026, 3, 31, 22, 0, tzinfo=UTC),
        coordinator="kansli@bench.example.org", our_reference="SÖSR-2026-017",
        created_at=created, lead_group_id=group_ids[0],
    )  # fmt: skip
    session.add(round_)
    session.flush()
    session.execute(
        insert(Question),
        [{"round_id": round_.id, "position": n, "key": key, "kind": kind, "text": text,
          "options": OPTIONS if kind == "position" else [], "required": kind == "position"}
         for n, (key, kind, text) in enumerate(QUESTIONS)],
    )  # fmt: skip
    session.execute(
        insert(RoundGroup),
        [{"round_id": round_.id, "group_id": g, "reason": "lead" if n == 0 else "area"}
         for n, g in enumerate(group_ids)],
    )  # fmt: skip
    session.execute(
        insert(Invitation),
        [{"round_id": round_.id, "person_id": p, "status": "active", "created_at": created,
          "no_comments": False, "late_allowed": False,
          "submitted_at": created + timedelta(days=1 + i % 40, minutes=i) if i < answers else None}
         for i, p in enumerate(people)],
    )  # fmt: skip
    invitations = list(
        session.scalars(
            select(Invitation.id).where(Invitation.round_id == round_.id).order_by(Invitation.id)
        )
    )
    session.execute(
        insert(InvitationGroup),
        [{"invitation_id": inv, "group_id": group_ids[i % len(group_ids)],
          "role": "ordförande" if i < len(group_ids) else "ledamot"}
         for i, inv in enumerate(invitations)]
        + [{"invitation_id": inv, "group_id": group_ids[(i + 1) % len(group_ids)],
            "role": "ledamot"} for i, inv in enumerate(invitations) if i % 25 == 0],
    )  # fmt: skip
    session.execute(
        insert(AnswerVersion),
        [{"invitation_id": inv, "number": 1, "kind": "submitted", "values": answer_values(rng),
          "no_comments": False, "created_at": created + timedelta(days=1 + i % 40, minutes=i)}
         for i, inv in enumerate(invitations[:answers])],
    )  # fmt: skip
    return round_.id
