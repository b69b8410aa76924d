"""The sammanställning (internal compilation) as plain data: what every renderer prints.

Built by ``compile.build`` from the database; renderers never query. Every field a
reader sees is already Swedish text, so the renderers only lay it out.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import typing
from dataclasses import dataclass
from typing import Any

NO_ANSWERS = "Inga synpunkter har inkommit."
NO_COMMENTS = "Inga synpunkter"


@dataclass(frozen=True)
class Header:
    organisation: str
    organisation_short: str
    unit: str
    date: str  # ISO date, the document's date
    date_text: str  # "14 april 2026"
    their_reference: str
    our_reference: str | None
    recipient: str
    title: str


@dataclass(frozen=True)
class PositionRow:
    """How many in one group and region gave one position."""

    group: str
    region: str
    position: str
    respondents: int


@dataclass(frozen=True)
class PositionSection:
    key: str
    question: str
    rows: tuple[PositionRow, ...]
    # Sentences naming who differs; empty when everyone who took a position agrees.
    disagreement: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    """One person's answer to a text question, verbatim, attributed to groups and region."""

    attribution: str
    text: str


@dataclass(frozen=True)
class TextSection:
    key: str
    question: str
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class GroupTally:
    name: str
    answered: int
    invited: int
    lead: bool


@dataclass(frozen=True)
class NonResponder:
    name: str
    groups: str
    region: str


@dataclass(frozen=True)
class Underlag:
    groups: tuple[GroupTally, ...]
    informed: tuple[str, ...]  # told, not asked (a kunskapsråd)
    lead: str | None
    silent_groups: tuple[str, ...]
    non_responders: tuple[NonResponder, ...]


@dataclass(frozen=True)
class QuestionAnswer:
    question: str
    text: str


@dataclass(frozen=True)
class Submission:
    """One submitted version of a person's answer."""

    number: int
    submitted_at: str  # ISO, UTC
    submitted_text: str  # "14 april 2026 kl. 09.30", local time


@dataclass(frozen=True)
class PersonAnswers:
    """One respondent in the appendix: the latest submitted version is the answer."""

    name: str
    role: str
    groups: str
    region: str
    submitted_at: str  # ISO, UTC
    submitted_text: str  # "14 april 2026 kl. 09.30", local time
    no_comments: bool
    answers: tuple[QuestionAnswer, ...]
    # Who it was forwarded from: the person first asked ("för Lars Lundqvist").
    on_behalf_of: str | None = None
    # Every submitted version, oldest first (the last is the answer above).
    submissions: tuple[Submission, ...] = ()
    # A line per file attached to the answer (its name, kind, size, tracked changes).
    attachments: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return f"{self.name}, för {self.on_behalf_of}" if self.on_behalf_of else self.name


@dataclass(frozen=True)
class Event:
    """One step of the Förlopp: what was done to the round, and when."""

    at: str  # ISO, UTC
    when: str  # "14 april 2026 kl. 09.30", local time
    text: str
    by: str  # "Karin Kvist (karin.kvist@example.org)"; empty for what the system did


@dataclass(frozen=True)
class DispositionRow:
    """What became of one received comment in the yttrande: the sammanställning's last table."""

    question: str
    group: str
    region: str
    comment: str  # shortened to a line
    outcome: str  # "Med", "Omformulerad", "Ej med"; "" while not weighed
    reason: str  # why not (Ej med); "" otherwise


@dataclass(frozen=True)
class Yttrande:
    header: Header
    opening: str
    summary: str
    summary_generated: bool
    positions: tuple[PositionSection, ...]
    texts: tuple[TextSection, ...]
    underlag: Underlag
    appendix: tuple[PersonAnswers, ...]
    # The round's process as the audit log holds it, by time: triage to sending.
    forlopp: tuple[Event, ...] = ()
    # Every comment and what became of it, once the drafter has weighed one; else empty.
    dispositions: tuple[DispositionRow, ...] = ()

    @property
    def heading(self) -> str:
        return f"Sammanställning: {self.header.title}"

    def to_dict(self) -> dict[str, Any]:
        """Return the model as JSON-ready dicts and lists.

        No comment weighed, no ``dispositions`` key (an answer without files, no
        ``attachments``): a version compiled before there were any keeps its checksum, and
        compiling it again gives the same version.
        """
        result = _plain(dataclasses.asdict(self))
        assert isinstance(result, dict)
        if not result["dispositions"]:
            del result["dispositions"]
        for person in result["appendix"]:  # the same for an answer without files
            if not person["attachments"]:
                del person["attachments"]
        return result

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Yttrande:
        """The model again from what ``to_dict`` gave (a stored version's content)."""
        result = _typed(cls, data)
        assert isinstance(result, Yttrande)
        return result

    def checksum(self) -> str:
        """Return the sha256 of the canonical JSON: equal content, equal checksum."""
        canonical = json.dumps(
            self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _typed(hint: Any, value: Any) -> Any:
    """``value`` from JSON as ``hint``: a dataclass from its dict, a tuple from its list.

    A field a version stored before it existed takes its default.
    """
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return hint(
            **{name: _typed(field, value[name]) for name, field in _fields(hint) if name in value}
        )
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        return tuple(_typed(item, v) for v in value)
    return value


@functools.cache
def _fields(cls: type) -> tuple[tuple[str, Any], ...]:
    """A dataclass's fields and their types, its string annotations resolved once."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def paragraphs(text: str) -> list[list[str]]:
    """Split reviewer text into paragraphs (at blank lines), each a list of its lines.

    Renderers print each paragraph as one paragraph and keep single line breaks
    inside it, so the text reads as the reviewer wrote it.
    """
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    result: list[list[str]] = []
    current: list[str] = []
    for line in normalised.split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            result.append(current)
            current = []
    if current:
        result.append(current)
    return result
