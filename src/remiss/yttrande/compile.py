"""Compile a round's submissions into the ``Yttrande`` model.

This is where the yttrande reads the database; the renderers only get the model.
Everything is sorted in Python (groups and people by Swedish name, regions by
code), so both databases and repeated runs give the same content.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from remiss.core import clock
from remiss.core.errors import RoundNotFound
from remiss.core.models import Group, Organisation, Round
from remiss.core.settings import Settings
from remiss.core.states import QuestionKind
from remiss.core.swedish import date_sv, datetime_sv
from remiss.directory.sync import organisation
from remiss.reviewers import attached
from remiss.yttrande import dispositions, forlopp, position_chart, positions, wording
from remiss.yttrande.model import (
    NO_COMMENTS,
    Answer,
    DispositionRow,
    GroupTally,
    Header,
    NonResponder,
    PersonAnswers,
    QuestionAnswer,
    Submission,
    TextSection,
    Underlag,
    Yttrande,
)
from remiss.yttrande.respondents import Invitee, group_key, invitees


def load_round(session: Session, round_id: int) -> Round:
    found = session.get(Round, round_id)
    if found is None:
        raise RoundNotFound(round_id)
    return found


def build(session: Session, round_id: int, settings: Settings) -> Yttrande:
    """Read the round and everything answered in it, and return the yttrande."""
    round_ = load_round(session, round_id)
    org = organisation(session)
    people = invitees(session, round_id)
    respondents = [p for p in people if p.answer is not None]
    consulted = _consulted(round_, people)
    day = document_date(round_, settings)
    files = attached.by_invitation(session, round_id)

    sections = tuple(
        positions.section(q.key, q.text, q.options, _stances(q.key, respondents))
        for q in round_.questions
        if q.kind == QuestionKind.POSITION
    )
    summary = (round_.summary or "").strip()
    generated = not summary
    if generated:
        asked = [q for q in round_.questions if q.kind == QuestionKind.POSITION]
        summary = "\n\n".join(
            positions.summary_line(
                q.text if len(asked) > 1 else None,
                q.options,
                _stances(q.key, respondents),
                [g.name for g in consulted],
            )
            for q in asked
        )

    return Yttrande(
        header=header(round_, org, day),
        opening=wording.internal_opening(org.name, round_.reference),
        summary=summary,
        summary_generated=generated,
        positions=sections,
        texts=tuple(
            TextSection(
                key=q.key,
                question=q.text,
                answers=tuple(
                    Answer(attribution=p.attribution, text=p.value(q.key))
                    for p in sorted(respondents, key=_attribution_key)
                    if p.value(q.key)
                ),
            )
            for q in round_.questions
            if q.kind == QuestionKind.TEXT
        ),
        underlag=_underlag(round_, people, consulted),
        appendix=tuple(_person_answers(p, round_, settings, files) for p in respondents),
        forlopp=forlopp.events(session, round_.id, settings.tz),
        dispositions=_dispositions(session, round_.id, people),
    )


def position_charts(session: Session, round_id: int) -> tuple[position_chart.PositionChart, ...]:
    """Each position question as a picture of the answers submitted so far (the pages')."""
    round_ = load_round(session, round_id)
    respondents = [p for p in invitees(session, round_id) if p.answer is not None]
    return tuple(
        position_chart.chart(
            positions.section(q.key, q.text, q.options, _stances(q.key, respondents)), q.options
        )
        for q in round_.questions
        if q.kind == QuestionKind.POSITION
    )


def _dispositions(
    session: Session, round_id: int, people: list[Invitee]
) -> tuple[DispositionRow, ...]:
    """Every comment and what became of it, once the drafter has weighed any."""
    found = dispositions.comments(session, round_id, people)
    if not any(c.choice for c in found):
        return ()
    return tuple(
        DispositionRow(
            question=c.question,
            group=c.groups,
            region=c.region,
            comment=c.short,
            outcome=c.outcome,
            reason=c.reason or "",
        )
        for c in found
    )


def header(round_: Round, org: Organisation, day: date) -> Header:
    """The letterhead both documents share: who, when, the references, to whom."""
    return Header(
        organisation=org.name,
        organisation_short=org.short,
        unit=org.unit,
        date=day.isoformat(),
        date_text=date_sv(day),
        their_reference=round_.reference,
        our_reference=round_.our_reference or None,
        recipient=round_.issuer,
        title=round_.title,
    )


def document_date(round_: Round, settings: Settings) -> date:
    moment = round_.closed_at if round_.closed_at is not None else clock.now()
    return moment.astimezone(settings.tz).date()


def _attribution_key(person: Invitee) -> tuple[str, str, str, str]:
    return (
        wording.sort_key(person.group_names),
        person.region_code,
        wording.sort_key(person.name),
        person.email,
    )


def _consulted(round_: Round, people: list[Invitee]) -> list[Group]:
    """Groups asked to answer: routed to or invited through, sorted by name."""
    groups = {
        rg.group.id: rg.group
        for rg in round_.routed_groups
        if not rg.group.informed or rg.group.id == round_.lead_group_id
    }
    for person in people:
        groups.update({g.id: g for g in person.groups})
    if round_.lead_group is not None:
        groups[round_.lead_group.id] = round_.lead_group
    return sorted(groups.values(), key=group_key)


def _stances(key: str, respondents: list[Invitee]) -> list[positions.Stance]:
    """What each respondent answered to a position question ('Inga synpunkter' counts)."""
    result = []
    for person in respondents:
        assert person.answer is not None
        value = person.value(key) or (NO_COMMENTS if person.answer.no_comments else "")
        if value:
            groups = tuple(g.name for g in person.groups)
            result.append(positions.Stance(groups, person.region, person.region_code, value))
    return result


def _underlag(round_: Round, people: list[Invitee], consulted: list[Group]) -> Underlag:
    tallies = []
    for group in consulted:
        members = [p for p in people if group in p.groups]
        tallies.append(
            GroupTally(
                name=group.name,
                answered=sum(1 for p in members if p.answer is not None),
                invited=len(members),
                lead=round_.lead_group_id == group.id,
            )
        )
    asked = {group.id for group in consulted}  # a group asked is not only told
    informed = sorted(
        (rg.group for rg in round_.routed_groups if rg.group.informed and rg.group.id not in asked),
        key=group_key,
    )
    return Underlag(
        groups=tuple(tallies),
        informed=tuple(g.name for g in informed),
        lead=round_.lead_group.name if round_.lead_group is not None else None,
        silent_groups=tuple(t.name for t in tallies if t.answered == 0),
        non_responders=tuple(
            NonResponder(name=p.name, groups=p.group_names, region=p.region)
            for p in people
            if p.answer is None
        ),
    )


def _person_answers(
    person: Invitee, round_: Round, settings: Settings, files: dict[int, tuple[str, ...]]
) -> PersonAnswers:
    assert person.answer is not None
    return PersonAnswers(
        name=person.name,
        role=person.role,
        groups=person.group_names,
        region=person.region,
        submitted_at=person.answer.created_at.isoformat(),
        submitted_text=datetime_sv(person.answer.created_at, settings.tz),
        no_comments=person.answer.no_comments,
        answers=tuple(
            QuestionAnswer(question=q.text, text=person.value(q.key))
            for q in round_.questions
            if person.value(q.key)
        ),
        on_behalf_of=person.on_behalf_of,
        submissions=tuple(
            Submission(
                number=version.number,
                submitted_at=version.created_at.isoformat(),
                submitted_text=datetime_sv(version.created_at, settings.tz),
            )
            for version in person.submissions
        ),
        attachments=files.get(person.answer.invitation_id, ()),
    )
