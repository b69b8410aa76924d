"""What the letter that goes out takes from its kind of remiss.

The kind's question set gives each position its subject (the sentence names it:
"… tillstyrker kunskapsstödet, med synpunkter."). Regeringskansliet's remisser (kind
``departementsremiss``) also want the ministry's dnr last in the heading, and the dnr
with the organisation's name in the mail's subject and in the files' names
("S2026/04512 Sydöstra sjukvårdsregionen").
"""

from __future__ import annotations

from remiss.core.models import Organisation, Question, Round
from remiss.directory import kinds
from remiss.rounds.questions import shipped_subject
from remiss.yttrande import documents

MINISTRY = "departementsremiss"


def kind_key(org: Organisation, kind: str | None) -> str:
    """The key of the directory's kind that ``kind`` names (by key or alias), else ``kind``."""
    kind = (kind or "").strip()
    if not kind:
        return ""
    for key, spec in (org.kinds or {}).items():
        if kinds.find({key: spec}, kind) is not None:
            return key
    return kind


def from_ministry(org: Organisation, kind: str | None) -> bool:
    """Whether a round of ``kind`` answers a ministry (Regeringskansliet)."""
    return kind_key(org, kind).casefold() == MINISTRY


def subject(round_: Round, question: Question) -> str | None:
    """What a position question takes a position on: its own subject, copied from its set
    at opening, else its shipped set's (a round opened before questions carried one)."""
    if question.subject:
        return question.subject
    return shipped_subject(round_.question_set, question.key, question.text)


def reference_line(round_: Round, org: Organisation) -> str:
    """How the sent yttrande is named: the sender's dnr, and for a ministry the organisation
    too ("S2026/04512 Sydöstra sjukvårdsregionen")."""
    if from_ministry(org, round_.kind):
        return f"{round_.reference} {org.name}"
    return round_.reference


def file_name(round_: Round, org: Organisation, fmt: str) -> str:
    """The yttrande's file: ``S2026_04512_Sydöstra_sjukvårdsregionen-yttrande.pdf`` for a
    ministry, ``KS-2026-003-yttrande.pdf`` otherwise."""
    return documents.file_name(reference_line(round_, org), fmt, document="yttrande")
