"""What a disagreement email says of one question, in Swedish: where the groups and the
regions stand, who joined a side since the last report, and the minority's reasoning.

Groups and regions only, never a person's name: the reasoning is attributed to the
respondent's groups and region ("RPO Kirurgi och plastikkirurgi, Region Östergötland").
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from remiss.core.swedish import sort_key
from remiss.core.text import printable
from remiss.mail import catalogue
from remiss.reviewers.majorities import AGAINST, FOR, GROUP, SPLIT, Picture, Stance
from remiss.yttrande import wording


def item(
    picture: Picture,
    verbs: Mapping[str, str],
    comments: Mapping[int, list[tuple[str, str]]],
    joined: Collection[tuple[str, str, str, str]],
) -> catalogue.Disagreement:
    """The email's part on one question.

    ``verbs`` words each side ("tillstyrker", "avstyrker"); ``comments`` holds each
    minority respondent's comments on the question as (question, text); ``joined`` the
    holders new since the last report (none before the first).
    """
    sides = [
        line
        for label, held, lead in (
            ("Grupper", picture.groups, picture.lead),
            ("Regioner", picture.regions, None),
        )
        if (line := _line(label, held, verbs, lead))
    ]
    minority = picture.minority()
    return catalogue.Disagreement(
        question=picture.question,
        sides=tuple(sides),
        joined=_joined(joined, verbs),
        minority=_heading(minority, picture.stances, verbs),
        reasoning=tuple(
            catalogue.Reasoning(who(s), s.position, tuple(comments.get(s.respondent, ())))
            for s in sorted(minority, key=lambda s: (sort_key(who(s)), s.respondent))
        ),
    )


def who(stance: Stance) -> str:
    """'RPO Cancersjukdomar och RPO Kirurgi, Region Jönköpings län'."""
    groups = wording.join_sv(sorted(stance.groups, key=sort_key))
    return ", ".join(part for part in (groups, stance.region) if part) or "Utan grupp och region"


def comments_on(
    questions: Sequence[Any], key: str, values: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """A respondent's comments on the position question ``key``: the text questions named
    for it (``{key}_…``, as NHV's ``definition_synpunkter``) and those named for no
    position question (``ovrigt``, and every text of a set with one position question)."""
    positions = [q.key for q in questions if q.kind == "position"]
    found = []
    for q in questions:
        if q.kind == "position":
            continue
        owner = next((p for p in positions if q.key.startswith(f"{p}_")), None)
        given = values.get(q.key)
        text = printable(given) if isinstance(given, str) else ""
        if owner in (key, None) and text.strip():
            found.append((q.text, text.strip()))
    return found


def _line(label: str, held: Mapping[str, str], verbs: Mapping[str, str], lead: str | None) -> str:
    """'Grupper: RPO A tillstyrker; RPO B avstyrker; inom RPO C är ställningstagandet delat.'"""
    parts = []
    for side in (FOR, AGAINST, SPLIT):
        names = sorted((n for n, s in held.items() if s == side), key=sort_key)
        named = [f"{n} (ansvarig grupp)" if n == lead else n for n in names]
        if not named:
            continue
        if side == SPLIT:
            parts.append(f"inom {wording.join_sv(named)} är ställningstagandet delat")
        else:
            parts.append(f"{wording.join_sv(named)} {verbs[side]}")
    return f"{label}: {'; '.join(parts)}." if parts else ""


def _joined(joined: Collection[tuple[str, str, str, str]], verbs: Mapping[str, str]) -> str:
    """'Region Kalmar län tillstyrker; RPO Kirurgi avstyrker'."""
    parts = []
    for _key, _kind, name, side in sorted(joined, key=lambda h: (h[1] != GROUP, sort_key(h[2]))):
        if side == SPLIT:
            parts.append(f"inom {name} är ställningstagandet delat")
        else:
            parts.append(f"{name} {verbs[side]}")
    return "; ".join(parts)


def _heading(
    minority: Sequence[Stance], everyone: Sequence[Stance], verbs: Mapping[str, str]
) -> str:
    if len(minority) == len(everyone):
        return f"Motiveringar från båda sidor (lika många {verbs[FOR]} som {verbs[AGAINST]})"
    return f"Motiveringar från minoriteten, som {verbs[minority[0].side]}"
