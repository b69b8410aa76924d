"""Position questions: the table of who took which position, and the generated summary line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from remiss.yttrande import wording
from remiss.yttrande.model import PositionRow, PositionSection


@dataclass(frozen=True)
class Stance:
    """One respondent's answer to a position question."""

    groups: tuple[str, ...]
    region: str
    region_code: str
    position: str


def section(
    key: str, question: str, options: Sequence[str], stances: Sequence[Stance]
) -> PositionSection:
    """Group · region · position rows, and who disagrees; a person counts in each group."""
    counts: dict[tuple[str, str, str], int] = {}
    codes: dict[str, str] = {}
    for stance in stances:
        codes[stance.region] = stance.region_code
        for group in stance.groups:
            cell = (group, stance.region, stance.position)
            counts[cell] = counts.get(cell, 0) + 1
    rows = sorted(
        (
            PositionRow(group=g, region=r, position=p, respondents=n)
            for (g, r, p), n in counts.items()
        ),
        key=lambda row: (
            wording.sort_key(row.group),
            codes.get(row.region, ""),
            wording.option_order(row.position, options),
        ),
    )
    return PositionSection(
        key=key,
        question=question,
        rows=tuple(rows),
        disagreement=wording.disagreement(
            [(g, s.region, s.position) for s in stances for g in s.groups], options
        ),
    )


def summary_line(
    question: str | None,
    options: Sequence[str],
    stances: Sequence[Stance],
    consulted: Sequence[str],
) -> str:
    """'Fyra av fem grupper tillstyrker, en med synpunkter.' (the question quoted first if given)"""
    given: dict[str, list[str]] = {}
    for stance in stances:
        for group in stance.groups:
            given.setdefault(group, []).append(stance.position)
    group_positions = {
        group: position
        for group, answers in given.items()
        if (position := wording.group_position(answers, options)) is not None
    }
    silent = sum(1 for group in set(consulted) if group not in group_positions)
    return wording.position_summary(question, group_positions, silent, options)
