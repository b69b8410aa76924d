"""The emails of coordinating a round: to the coordinator, the drafter, the informed, the
sender of the remiss and the regions' registrars; and the coordinator's login link."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from remiss.core.models import Organisation, Person, Round, YttrandeVersion
from remiss.core.swedish import date_sv, number_sv
from remiss.mail.catalogue._base import Email, compose, until
from remiss.mail.rendering import Attachment


def yttrande_ready(
    *,
    round_: Round,
    org: Organisation,
    version: YttrandeVersion,
    answered: int,
    invited: int,
    round_link: str,
) -> Email:
    """The coordinator's notice that collecting ended: the sammanställning, who drafts."""
    return compose(
        "yttrande_ready",
        round_.coordinator,
        None,
        None,
        (),
        round=round_,
        org=org,
        version=version,
        answered=answered,
        invited=invited,
        round_link=round_link,
        docx_link=f"{round_link}/sammanstallning.docx",
        drafter=round_.drafter,
        lead=round_.lead_group,
        national_deadline=date_sv(round_.national_deadline),
    )


def drafting(
    *,
    round_: Round,
    person: Person,
    org: Organisation,
    link: str,
    login_page: str,
    valid_for: str,
    answered: int,
    invited: int,
) -> Email:
    """To the lead's processtöd when collecting ends: draft the joint answer (a login link)."""
    return compose(
        "drafting",
        person.email,
        person.name,
        round_.coordinator,
        (),
        round=round_,
        person=person,
        org=org,
        lead=round_.lead_group,
        link=link,
        login_page=login_page,
        valid_for=valid_for,
        answered=answered,
        invited=invited,
        national_deadline=date_sv(round_.national_deadline),
    )


def handed_over(
    *,
    round_: Round,
    org: Organisation,
    author: str,
    number: int,
    handed_over: str,
    draft_link: str,
) -> Email:
    """To the coordinator: the lead has handed the draft over."""
    return compose(
        "handed_over",
        round_.coordinator,
        None,
        None,
        (),
        round=round_,
        org=org,
        author=author,
        number=number,
        handed_over=handed_over,
        draft_link=draft_link,
        national_deadline=date_sv(round_.national_deadline),
    )


@dataclass(frozen=True)
class Reasoning:
    """What one respondent on the minority's side wrote: by group and region, no name."""

    who: str  # "RPO Kirurgi och plastikkirurgi, Region Östergötland"
    position: str  # "Avstyrker"
    comments: tuple[tuple[str, str], ...]  # (question, what they wrote)


@dataclass(frozen=True)
class Disagreement:
    """One position question on which groups or regions differ, who holds what, and the
    minority's reasoning."""

    question: str
    sides: tuple[str, ...]  # "Grupper: RPO Cancersjukdomar tillstyrker; RPO Kirurgi avstyrker."
    joined: str = ""  # who joined a side since the last report: "Region Kalmar län tillstyrker"
    minority: str = ""  # the heading of the reasoning: "De som avstyrker"
    reasoning: tuple[Reasoning, ...] = ()


def disagreement(
    *, round_: Round, org: Organisation, to: str, items: Sequence[Disagreement]
) -> Email:
    """Meningsskiljaktighet: who holds which position (groups and regions, never persons),
    and what the minority wrote."""
    return until(
        round_.internal_deadline_at,
        compose(
            "disagreement",
            to,
            None,
            round_.coordinator,
            (),
            round=round_,
            org=org,
            lead=round_.lead_group,
            items=list(items),
            internal_deadline=date_sv(round_.internal_deadline),
        ),
    )


def system_level(
    *,
    round_: Round,
    org: Organisation,
    to: str,
    who: str,
    answers: Sequence[tuple[str, str]],
    submitted_at: str,
) -> Email:
    """An answer marked as having consequences at system level, at once to the informed
    groups' members and the coordinator: by group and region, as the disagreement."""
    return compose(
        "system_level",
        to,
        None,
        round_.coordinator,
        (),
        round=round_,
        org=org,
        lead=round_.lead_group,
        who=who,
        answers=list(answers),
        submitted_at=submitted_at,
        internal_deadline=date_sv(round_.internal_deadline),
    )


def closed_without_answers(
    *, to: str, org: Organisation, rounds: Sequence[Round], base_url: str
) -> Email:
    """One digest per sweep of the coordinator's rounds that closed with nobody answering."""
    return compose(
        "closed_without_answers",
        to,
        None,
        None,
        (),
        org=org,
        rounds=list(rounds),
        count_sv=number_sv(len(rounds)),
        base_url=base_url,
    )


def yttrande_sent(
    *,
    round_: Round,
    org: Organisation,
    to: str,
    attachments: Sequence[Attachment],
    reference: str,
    copy_of: str | None = None,
) -> Email:
    """The decided yttrande to the sender of the remiss (or the coordinator's copy), the
    subject beginning with ``reference``: the sender's dnr (for a ministry, with the
    organisation's name: ``letter.reference_line``)."""
    return compose(
        "yttrande_sent",
        to,
        None,
        round_.coordinator,
        tuple(attachments),
        round=round_,
        org=org,
        copy_of=copy_of,
        reference=reference,
    )


def per_region(*, round_: Round, org: Organisation, region: str, to: str) -> Email:
    """To a region's registrar: this remiss is answered per region, with its documents."""
    return compose(
        "per_region",
        to,
        None,
        round_.coordinator,
        (),
        round=round_,
        org=org,
        region=region,
        reason=round_.triage_reason,
        national_deadline=date_sv(round_.national_deadline),
    )


def not_answering(*, round_: Round, org: Organisation, to: str, regions: str) -> Email:
    """To the sender: the organisation does not answer this remiss jointly."""
    return compose(
        "not_answering", to, None, round_.coordinator, (), round=round_, org=org, regions=regions
    )


def decision_voided(
    *, round_: Round, org: Organisation, author: str, number: int, decided: int, link: str
) -> Email:
    """To the coordinator: a draft saved after the decision voided it."""
    return compose(
        "decision_voided",
        round_.coordinator,
        None,
        None,
        (),
        round=round_,
        org=org,
        author=author,
        number=number,
        decided=decided,
        link=link,
        national_deadline=date_sv(round_.national_deadline),
    )


def login(*, to: str, org: Organisation, link: str, minutes: int, sent_at: datetime) -> Email:
    """A coordinator's one-time login link, no use once it has run out."""
    return until(
        sent_at + timedelta(minutes=minutes),
        compose("login", to, None, None, (), org=org, link=link, minutes=minutes),
    )
