"""What the lead group drafts from: every answer per question, and a proposed joint answer.

For a position question the proposal is what the groups agree on, or what most of them
hold, with the disagreement shown; for a text question it is the comments, one paragraph
each, without names. On the drafting page each comment stays traceable to its group and
region; in the yttrande nothing is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from remiss.core.states import QuestionKind
from remiss.yttrande import wording
from remiss.yttrande.compile import Invitee, invitees, load_round
from remiss.yttrande.model import NO_COMMENTS

ABSTAIN = wording.ABSTAIN  # "Avstår"


@dataclass(frozen=True)
class Given:
    """One respondent's answer to one question, as the drafting page shows it."""

    attribution: str  # "RPO Cancersjukdomar — Region Kalmar län"
    text: str


@dataclass(frozen=True)
class Point:
    """One comment to weigh, written once however many gave it, and who gave it."""

    text: str
    attributions: tuple[str, ...]  # shown on the drafting page only, never in the letter


@dataclass(frozen=True)
class Tally:
    """One position as it was given, how many answers gave it, and from where."""

    text: str  # "Tillstyrker"
    answers: int
    attributions: tuple[str, ...]  # each group and region once, in the order first given


@dataclass(frozen=True)
class QuestionDraft:
    """One question of the round: what was answered, and what is proposed."""

    key: str
    text: str
    kind: str
    choices: tuple[str, ...]  # a position question's options, and "Avstår"
    positions: tuple[Given, ...]  # who gave which position (position questions)
    comments: tuple[Given, ...]  # what was written (text questions)
    disagreement: tuple[str, ...]
    points: tuple[Point, ...]  # the comments grouped and de-duplicated
    position: str | None  # the proposed joint position
    proposed_text: str

    @property
    def is_position(self) -> bool:
        return self.kind == QuestionKind.POSITION

    @property
    def tallies(self) -> tuple[Tally, ...]:
        """The positions given, each once with its count: the most given first, a tie in
        the order of the question's choices."""
        found: dict[str, tuple[int, list[str]]] = {}
        for given in self.positions:
            count, where = found.get(given.text, (0, []))
            if given.attribution not in where:
                where.append(given.attribution)
            found[given.text] = (count + 1, where)
        order = {choice: i for i, choice in enumerate(self.choices)}
        ranked = sorted(found.items(), key=lambda kv: (-kv[1][0], order.get(kv[0], len(order))))
        return tuple(Tally(text, n, tuple(where)) for text, (n, where) in ranked)


def choices(options: Sequence[str]) -> tuple[str, ...]:
    """A position question's options, with "Avstår" for an answer that takes no position."""
    return (*options, ABSTAIN) if ABSTAIN not in options else tuple(options)


def propose(session: Session, round_id: int) -> list[QuestionDraft]:
    """Every question of the round with its answers and the proposed joint answer."""
    round_ = load_round(session, round_id)
    respondents = [p for p in invitees(session, round_id) if p.answer is not None]
    ordered = sorted(respondents, key=_attribution_key)
    result = []
    for question in round_.questions:
        if question.kind == QuestionKind.POSITION:
            options = list(question.options)
            stances = [(p, _position(p, question.key)) for p in ordered]
            stances = [(p, s) for p, s in stances if s]
            result.append(
                QuestionDraft(
                    key=question.key,
                    text=question.text,
                    kind=question.kind,
                    choices=choices(options),
                    positions=tuple(Given(p.attribution, s) for p, s in stances),
                    comments=(),
                    points=(),
                    disagreement=wording.disagreement(
                        [(g.name, p.region, s) for p, s in stances for g in p.groups], options
                    ),
                    position=joint_position([(p, s) for p, s in stances], options),
                    proposed_text="",
                )
            )
        else:
            comments = tuple(
                Given(p.attribution, p.value(question.key))
                for p in ordered
                if p.value(question.key)
            )
            grouped = points(comments)
            result.append(
                QuestionDraft(
                    key=question.key,
                    text=question.text,
                    kind=question.kind,
                    choices=(),
                    positions=(),
                    comments=comments,
                    points=grouped,
                    disagreement=(),
                    position=None,
                    proposed_text=as_list(grouped),
                )
            )
    return result


def points(comments: Sequence[Given]) -> tuple[Point, ...]:
    """The comments as points to weigh: the same text (ignoring case, spacing and a final
    full stop) once, with everyone who gave it, in the order first given."""
    found: dict[str, tuple[str, list[str]]] = {}
    for given in comments:
        key = " ".join(given.text.casefold().split()).rstrip(".")
        _first, who = found.setdefault(key, (given.text, []))
        if given.attribution not in who:
            who.append(given.attribution)
    return tuple(Point(text, tuple(who)) for text, who in found.values())


def as_list(grouped: Sequence[Point]) -> str:
    """The points as a list for the drafter to rewrite in the organisation's voice: a
    starting point, not a letter (no names, one dash per point)."""
    return "\n\n".join("– " + point.text for point in grouped)


def joint_position(stances: Sequence[tuple[Invitee, str]], options: Sequence[str]) -> str | None:
    """The groups' common position, or what most groups hold; None when they are even.

    Each group counts once, with its members' position (see ``wording.group_position``);
    "Inga synpunkter" takes no side. When the most common positions differ only by
    comments (tillstyrker, with or without), the one with comments is proposed.
    """
    by_group: dict[str, list[str]] = {}
    for person, position in stances:
        for group in person.groups or ():
            by_group.setdefault(group.name, []).append(position)
        if not person.groups:
            by_group.setdefault(person.attribution, []).append(position)
    held: Counter[str] = Counter()
    for answers in by_group.values():
        group_holds = wording.group_position(answers, options)
        if group_holds is not None and group_holds not in (NO_COMMENTS, wording.SPLIT):
            held[group_holds] += 1
    if not held:
        return None
    top = max(held.values())
    leaders = sorted(p for p, n in held.items() if n == top)
    if len(leaders) == 1:
        return leaders[0]
    if len({wording.base_option(p, options) for p in leaders}) == 1:
        return max(leaders, key=len)  # "Tillstyrker med synpunkter" over "Tillstyrker"
    return None


def _position(person: Invitee, key: str) -> str:
    assert person.answer is not None
    return person.value(key) or (NO_COMMENTS if person.answer.no_comments else "")


def _attribution_key(person: Invitee) -> tuple[str, str, str]:
    return (wording.sort_key(person.group_names), person.region_code, person.email)
