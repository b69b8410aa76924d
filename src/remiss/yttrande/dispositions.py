"""What became of each received comment: Med, Omformulerad or Ej med, and why not.

A comment is one submitted answer's text to one text question: the latest submitted
version of an invitation that counts (``respondents``). On the drafting page the drafter
says of each whether it is in the yttrande as written (Med), in other words
(Omformulerad), or not (Ej med, with the reason). The choice is kept with the answer
version it was made on, so a comment submitted again is weighed again. The sammanställning
ends with the table of them, and each respondent's copy of the sent yttrande lists their
own. Services here flush; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.clock import now
from remiss.core.errors import InputError, RoundNotFound
from remiss.core.models import Disposition, Round
from remiss.core.states import QuestionKind
from remiss.core.text import printable
from remiss.rounds.transitions import Action, require
from remiss.yttrande import wording
from remiss.yttrande.respondents import Invitee, invitees

# The stored word, and what the page, the mail and the sammanställning say.
CHOICES = {"med": "Med", "omformulerad": "Omformulerad", "ej-med": "Ej med"}
NOT_OUT = "ej-med"
REASON_MAX = 1000
SHORT = 120  # characters of a comment where it is quoted, not shown whole
FIELD, REASON = "utfall-", "skal-"  # the page's radio group and reason field, per comment


@dataclass(frozen=True)
class Comment:
    """One received comment, who gave it, and what became of it (None: not weighed yet)."""

    version_id: int
    invitation_id: int
    key: str
    question: str
    email: str
    groups: str
    region: str
    attribution: str
    text: str
    choice: str | None = None
    reason: str | None = None

    @property
    def field(self) -> str:
        """The comment's part of the page's field names: ``{version id}-{question key}``."""
        return f"{self.version_id}-{self.key}"

    @property
    def outcome(self) -> str:
        """ "Med", "Omformulerad", "Ej med"; "" while not weighed."""
        return CHOICES.get(self.choice or "", "")

    @property
    def short(self) -> str:
        return shorten(self.text)

    @property
    def line(self) -> str:
        """What became of it in one line: "Med", or "Ej med: Ligger utanför remissen."."""
        return f"{self.outcome}: {self.reason}" if self.reason else self.outcome


@dataclass(frozen=True)
class Point:
    """Comments of the same words (ignoring case, spacing and a final full stop), shown once."""

    text: str
    comments: tuple[Comment, ...]


def comments(
    session: Session, round_id: int, people: Sequence[Invitee] | None = None
) -> list[Comment]:
    """Every received comment of the round, by question, in the drafting page's order
    (``people``: the round's ``invitees`` when the caller has read them already)."""
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise RoundNotFound(round_id)
    if people is None:
        people = invitees(session, round_id)
    people = sorted((p for p in people if p.answer), key=_attribution_key)
    chosen = {
        (d.answer_version_id, d.question_key): d
        for d in session.scalars(select(Disposition).where(Disposition.round_id == round_id))
    }
    found = []
    for question in round_.questions:
        if question.kind != QuestionKind.TEXT:
            continue
        for person in people:
            text = person.value(question.key)
            if not text or person.answer is None:
                continue
            kept = chosen.get((person.answer.id, question.key))
            found.append(
                Comment(
                    version_id=person.answer.id,
                    invitation_id=person.answer.invitation_id,
                    key=question.key,
                    question=question.text,
                    email=person.email,
                    groups=person.group_names,
                    region=person.region,
                    attribution=person.attribution,
                    text=text,
                    choice=kept.choice if kept is not None else None,
                    reason=kept.reason if kept is not None else None,
                )
            )
    return found


def points(found: Iterable[Comment]) -> dict[str, list[Point]]:
    """Per question key, the comments grouped as the drafting page shows them."""
    grouped: dict[str, dict[str, list[Comment]]] = {}
    for comment in found:
        words = " ".join(comment.text.casefold().split()).rstrip(".")
        grouped.setdefault(comment.key, {}).setdefault(words, []).append(comment)
    return {
        key: [Point(same[0].text, tuple(same)) for same in by_words.values()]
        for key, by_words in grouped.items()
    }


def from_form(form: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """The posted choices, ``{field: (choice, reason)}``: a comment without a choice is left
    as it was (a radio group sends nothing until one is picked)."""
    return {
        name.removeprefix(FIELD): (value, form.get(REASON + name.removeprefix(FIELD), ""))
        for name, value in form.items()
        if name.startswith(FIELD) and value
    }


def save(session: Session, round_id: int, actor: str, posted: Mapping[str, tuple[str, str]]) -> int:
    """Keep the drafter's choices; return how many changed.

    Allowed while the yttrande is being made (as saving a draft is). An unknown choice, or
    Ej med without a reason, is an InputError naming the comment's field; a comment no
    longer received (submitted again since the page was read) is left alone.
    """
    round_ = session.get(Round, round_id, with_for_update=True, populate_existing=True)
    if round_ is None:
        raise RoundNotFound(round_id)
    require(session, round_, Action.SAVE_DRAFT)
    received = {c.field: c for c in comments(session, round_id)}
    wanted: dict[str, tuple[Comment, str, str | None]] = {}
    for field, (raw_choice, raw_reason) in posted.items():
        comment = received.get(field)
        if comment is None:
            continue
        choice = printable(raw_choice).strip()
        if choice not in CHOICES:
            raise InputError(f"okänt val: {choice[:40]}", field=FIELD + field)
        reason = printable(raw_reason).replace("\r\n", "\n").strip() or None
        if choice != NOT_OUT:
            reason = None
        elif reason is None:
            raise InputError(
                f"ange skälet till att synpunkten från {comment.attribution} inte kom med",
                field=REASON + field,
            )
        elif len(reason) > REASON_MAX:
            raise InputError(f"skälet får vara högst {REASON_MAX} tecken", field=REASON + field)
        if (comment.choice, comment.reason) != (choice, reason):
            wanted[field] = (comment, choice, reason)
    kept = {
        (d.answer_version_id, d.question_key): d
        for d in session.scalars(select(Disposition).where(Disposition.round_id == round_id))
    }
    moment = now()
    for comment, choice, reason in wanted.values():
        row = kept.get((comment.version_id, comment.key))
        if row is None:  # the round's row is locked: nobody else adds it meanwhile
            row = Disposition(
                round_id=round_id,
                invitation_id=comment.invitation_id,
                answer_version_id=comment.version_id,
                question_key=comment.key,
            )
            session.add(row)
        row.choice, row.reason = choice, reason
        row.decided_by, row.decided_at = actor, moment
    if wanted:
        audit.record(
            session,
            actor,
            "comment.disposition",
            round_id=round_id,
            changed=[
                {"answer": c.version_id, "question": c.key, "choice": choice}
                for c, choice, _reason in wanted.values()
            ],
        )
    session.flush()
    return len(wanted)


def of(session: Session, round_id: int) -> dict[int, list[Comment]]:
    """Each respondent's weighed comments, by invitation (what their mail lists)."""
    mine: dict[int, list[Comment]] = {}
    for comment in comments(session, round_id):
        if comment.choice is not None:
            mine.setdefault(comment.invitation_id, []).append(comment)
    return mine


def shorten(text: str, limit: int = SHORT) -> str:
    """The comment on one line, cut at a word with "…" when longer than ``limit``."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0] if " " in flat[: limit - 1] else flat[: limit - 1]
    return cut.rstrip(" ,.;:–-") + "…"


def _attribution_key(person: Invitee) -> tuple[str, str, str]:
    return (wording.sort_key(person.group_names), person.region_code, person.email)
