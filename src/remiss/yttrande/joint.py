"""The yttrande that is sent: one voice, from the current draft (or, before it, the proposal).

No reviewer's name, no per-person material, no list of who did not answer: that is the
sammanställning's. Built here from the database; the renderers (``render``) only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core import clock
from remiss.core.models import Membership, Organisation, Round
from remiss.core.settings import Settings
from remiss.core.states import QuestionKind
from remiss.directory import kinds
from remiss.directory.kinds import Signatory
from remiss.directory.sync import active_regions, organisation
from remiss.yttrande import decision_section, drafts, letter, proposal, wording
from remiss.yttrande.compile import header, load_round
from remiss.yttrande.model import Header

NOT_CHOSEN = "Ställningstagande är ännu inte valt."
PROPOSAL = "Förslag"
DRAFT = "Utkast"


@dataclass(frozen=True)
class Stand:
    """The joint position on one position question, as a sentence in the organisation's voice."""

    question: str  # its heading: the subject ("Definitionen av vården"), never a question
    sentence: str
    text: str  # the drafter's words on the position, if any
    key: str = ""  # the question's: a sender's svarsmall names its fields by it
    position: str | None = None  # as chosen ("Tillstyrker med synpunkter"), None if not


@dataclass(frozen=True)
class Comments:
    """The joint text on one question."""

    question: str
    text: str
    key: str = ""


@dataclass(frozen=True)
class Handlaggare:
    """The responsible officer, named with the yttrande: the lead group's processtöd."""

    name: str
    title: str  # "processtöd, RPO Kirurgi och plastikkirurgi"
    email: str
    phone: str | None

    def line(self) -> str:
        return ", ".join(p for p in (self.name, self.title, self.email, self.phone) if p)


@dataclass(frozen=True)
class JointAnswer:
    header: Header
    opening: str
    # "Förslag" (built from the answers, before any saved draft), "Utkast" (until the
    # decision on the current version), or None: the decided letter.
    status: str | None
    draft_number: int | None
    stands: tuple[Stand, ...]
    comments: tuple[Comments, ...]
    organisation: str
    signatory: str
    handlaggare: Handlaggare | None
    decision: tuple[str, ...] = ()  # the Beslut section, once decided
    signatories: tuple[Signatory, ...] = ()
    note: str | None = None  # why it is still an Utkast (a voided decision)
    reference_in_heading: bool = False  # a ministry's remiss: its dnr ends the heading

    @property
    def proposal(self) -> bool:
        return self.status == PROPOSAL

    @property
    def heading(self) -> str:
        dnr = f" ({self.header.their_reference})" if self.reference_in_heading else ""
        return f"Yttrande över remiss: {self.header.title}{dnr}"


def sentence(organisation_name: str, position: str | None, subject: str | None = None) -> str:
    """ "Sydöstra sjukvårdsregionen tillstyrker kunskapsstödet, med synpunkter." from a chosen
    position and what it is on."""
    if not position:
        return NOT_CHOSEN
    return wording.position_sentence(organisation_name, position, subject)


def no_comments(organisation_name: str) -> str:
    return f"{organisation_name} har inga synpunkter."


def build(session: Session, round_id: int, settings: Settings) -> JointAnswer:
    """The round's yttrande from its newest draft, or from the proposal before any.

    It is the decided letter (dated with the decision, with its Beslut section and
    signatories) only while the decided version is the current draft; else an Utkast.
    """
    round_ = load_round(session, round_id)
    org = organisation(session)
    draft = drafts.current(session, round_id)
    # The proposal reads every answer: only needed before the lead has saved a draft.
    proposed = {q.key: q for q in proposal.propose(session, round_id)} if draft is None else {}
    regions = active_regions(session)
    stands: list[Stand] = []
    comments: list[Comments] = []
    for question in round_.questions:
        if draft is not None:
            position = draft.positions.get(question.key) or None
            text = str(draft.texts.get(question.key, "")).strip()
        else:
            proposed_question = proposed[question.key]
            position, text = proposed_question.position, proposed_question.proposed_text.strip()
        if question.kind == QuestionKind.POSITION:
            on = letter.subject(round_, question)
            heading = wording.stand_heading(on, question.text, len(stands) + 1)
            sentence_ = sentence(org.name, position, on)
            stands.append(Stand(heading, sentence_, text, question.key, position))
        else:
            comments.append(Comments(question.text, text or no_comments(org.name), question.key))
    decided = is_decided(round_, draft.number if draft is not None else None)
    day = round_.decided_on if decided and round_.decided_on else _today(settings)
    return JointAnswer(
        header=header(round_, org, day),
        opening=wording.opening_joint(org.name, [r.name for r in regions]),
        status=None if decided else PROPOSAL if draft is None else DRAFT,
        draft_number=draft.number if draft is not None else None,
        stands=tuple(stands),
        comments=tuple(comments),
        organisation=org.name,
        signatory=(round_.signatory or "").strip() or kinds.default_signatory(org, round_.kind),
        handlaggare=handlaggare(session, round_),
        decision=decision_section.lines(session, round_, org, settings.tz, regions)
        if decided
        else (),
        signatories=signatories(round_, org),
        note=voided_note(round_, draft.number if draft is not None else None),
        reference_in_heading=letter.from_ministry(org, round_.kind),
    )


def is_decided(round_: Round, current_draft: int | None) -> bool:
    """Whether the decision stands: recorded, and on the version that is current."""
    return (
        round_.decided_at is not None
        and current_draft is not None
        and round_.decided_draft == current_draft
    )


def voided_note(round_: Round, current_draft: int | None) -> str | None:
    """What the Utkast says when a decision was made on an earlier version."""
    if round_.decided_at is not None or round_.decision_voided_at is None:
        return None
    return (
        f"Beslutet om version {round_.decided_draft} gäller inte längre: version "
        f"{current_draft} har sparats efter beslutet och är inte beslutad."
    )


def signatories(round_: Round, org: Organisation) -> tuple[Signatory, ...]:
    """Who signs by name: as recorded with the decision; else none when the coordinator named
    the round's signatory themselves (it is printed as given); else the kind's."""
    if round_.signatories:
        return tuple(Signatory.model_validate(s) for s in round_.signatories)
    if (round_.signatory or "").strip():
        return ()
    return tuple(kinds.default_signatories(org, round_.kind))


def _today(settings: Settings) -> date:
    return clock.now().astimezone(settings.tz).date()


def handlaggare(session: Session, round_: Round) -> Handlaggare | None:
    """The drafter with title, email and phone: "processtöd, RPO Cancersjukdomar"."""
    person = round_.drafter
    if person is None:
        return None
    role = session.scalar(
        select(Membership.role).where(
            Membership.person_id == person.id, Membership.group_id == round_.lead_group_id
        )
    )
    group = round_.lead_group.name if round_.lead_group is not None else None
    title = ", ".join(part for part in (role, group) if part)
    return Handlaggare(person.name, title, person.email, person.phone)
