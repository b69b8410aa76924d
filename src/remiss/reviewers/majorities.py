"""Where groups and regions stand on a position question, and whether that is a disagreement.

A position is for (Tillstyrker, with or without comments) or against (Avstyrker); Avstår
and "Inga synpunkter" count for neither side. A group's position is what most of its
respondents hold, a region's what most of its respondents across the round hold; as many
for as against is a split group or region. A question is a disagreement to report when two
groups or two regions hold opposite positions, or when the lead group is split: one
dissenting person in a group that otherwise agrees is not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from remiss.yttrande import wording
from remiss.yttrande.model import NO_COMMENTS

FOR, AGAINST, SPLIT = "for", "against", "split"
GROUP, REGION = "group", "region"
# Neither side, whatever a question's options say.
NEUTRAL = frozenset({wording.ABSTAIN, NO_COMMENTS})


@dataclass(frozen=True)
class Stance:
    """One respondent's side on one question, and what they answer for."""

    respondent: int  # the invitation
    groups: tuple[str, ...]
    region: str  # "" when the person has none
    side: str  # FOR | AGAINST
    position: str  # as given: "Tillstyrker med synpunkter"


def directions(options: Sequence[str]) -> tuple[str, str] | None:
    """The question's (for, against) directions: its first and last, comments aside.

    ("Tillstyrker", "Avstyrker") of the shipped sets, ("Ställer sig bakom", "Ställer sig
    inte bakom") of a vårdprogram's; None for a question with no two directions.
    """
    found = list(dict.fromkeys(wording.base_option(o, options) for o in options))
    found = [d for d in found if d not in NEUTRAL]
    return (found[0], found[-1]) if len(found) >= 2 else None


def side(position: str, options: Sequence[str]) -> str | None:
    """FOR, AGAINST, or None for a position on neither side."""
    ends = directions(options)
    if ends is None or position in NEUTRAL:
        return None
    base = wording.base_option(position, options)
    return FOR if base == ends[0] else AGAINST if base == ends[1] else None


def majority(sides: Iterable[str]) -> str | None:
    """What most hold: FOR, AGAINST, SPLIT for as many of each, None for nobody."""
    count = Counter(sides)
    if not count:
        return None
    if count[FOR] == count[AGAINST]:
        return SPLIT
    return FOR if count[FOR] > count[AGAINST] else AGAINST


@dataclass(frozen=True)
class Picture:
    """One position question: where each group and region stands."""

    key: str
    question: str
    groups: dict[str, str]  # name -> FOR | AGAINST | SPLIT
    regions: dict[str, str]
    lead: str | None
    stances: tuple[Stance, ...]

    @property
    def lead_split(self) -> bool:
        return self.lead is not None and self.groups.get(self.lead) == SPLIT

    @property
    def escalates(self) -> bool:
        """Two groups or two regions on opposite sides, or the lead group split."""
        return _opposed(self.groups.values()) or _opposed(self.regions.values()) or self.lead_split

    def holders(self) -> set[tuple[str, str, str, str]]:
        """Who is on a side, as [key, GROUP | REGION, name, side]: what a report tells and
        what joining a side is measured against. A split counts only for the lead group."""
        held = {(self.key, GROUP, n, s) for n, s in self.groups.items() if s != SPLIT}
        held |= {(self.key, REGION, n, s) for n, s in self.regions.items() if s != SPLIT}
        if self.lead_split and self.lead is not None:
            held.add((self.key, GROUP, self.lead, SPLIT))
        return held

    def minority(self) -> tuple[Stance, ...]:
        """The respondents on the side fewer hold (both sides, when as many hold each)."""
        count = Counter(s.side for s in self.stances)
        if count[FOR] == count[AGAINST]:
            return self.stances
        fewer = FOR if count[FOR] < count[AGAINST] else AGAINST
        return tuple(s for s in self.stances if s.side == fewer)


def _opposed(sides: Iterable[str]) -> bool:
    held = set(sides)
    return FOR in held and AGAINST in held


def look(key: str, question: str, stances: Sequence[Stance], lead: str | None) -> Picture:
    """Each group's and region's position from its respondents' (each respondent once)."""
    by_group: dict[str, list[str]] = {}
    by_region: dict[str, list[str]] = {}
    for stance in stances:
        for group in stance.groups:
            by_group.setdefault(group, []).append(stance.side)
        if stance.region:
            by_region.setdefault(stance.region, []).append(stance.side)
    return Picture(
        key=key,
        question=question,
        groups=_positions(by_group),
        regions=_positions(by_region),
        lead=lead,
        stances=tuple(stances),
    )


def _positions(sides: dict[str, list[str]]) -> dict[str, str]:
    held = {name: majority(given) for name, given in sides.items()}
    return {name: position for name, position in held.items() if position is not None}
