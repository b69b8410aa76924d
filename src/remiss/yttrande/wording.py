"""How the yttrande phrases lists, counts, positions and disagreements in Swedish."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from remiss.core.swedish import number_sv, sort_key
from remiss.yttrande.model import NO_COMMENTS

SPLIT = "olika ställningstaganden"
# The joint answer's choice beside a question's options: no position taken.
ABSTAIN = "Avstår"
# Words that put a question to the reader: the yttrande's headings never do.
ADDRESSING = frozenset({"ni", "er", "ert", "era"})


def join_sv(items: Sequence[str]) -> str:
    """'A', 'A och B', 'A, B och C'."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} och {items[-1]}"


def internal_opening(organisation: str, reference: str) -> str:
    """The sammanställning's first paragraph: what it is, and that it is not sent."""
    return (
        f"Intern sammanställning för {organisation} av de svar som har kommit in på remissen "
        f"(avsändarens diarienummer {reference}). Den skickas inte: det gemensamma yttrandet "
        "är ett eget dokument utan namn på dem som har svarat."
    )


def opening_joint(organisation: str, regions: Sequence[str]) -> str:
    """The yttrande's first paragraph: invited to answer, and answering jointly for the regions."""
    who = f"{organisation} ({join_sv(regions)})" if regions else organisation
    text = (
        f"{who} har beretts tillfälle att yttra sig över rubricerad remiss "
        "och lämnar följande samordnade yttrande."
    )
    if regions:
        text += f" Yttrandet lämnas gemensamt för {join_sv(regions)}."
    return text


def base_option(option: str, options: Sequence[str]) -> str:
    """Return the direction of a position: 'Tillstyrker med synpunkter' → 'Tillstyrker'."""
    bases = [o for o in options if o != option and option.startswith(o + " ")]
    return min(bases, key=len) if bases else option


def verb(position: str) -> str:
    """How a position reads after 'grupper': 'tillstyrker', 'har inga synpunkter'."""
    if position == NO_COMMENTS:
        return "har inga synpunkter"
    if position == SPLIT:
        return f"har lämnat {SPLIT}"
    if _is_verb(position):
        return position[0].lower() + position[1:]
    return f"svarar ”{position}”"


def position_sentence(organisation: str, position: str, subject: str | None = None) -> str:
    """The organisation's position, naming what it is on: 'Sydöstra sjukvårdsregionen
    tillstyrker kunskapsstödet, med synpunkter.' from 'Tillstyrker med synpunkter'.

    An option 'X med Y' reads 'x <subject>, med Y'; 'Avstår' reads 'avstår från att ta
    ställning till <subject>'. Without a subject the position reads as it is written.
    """
    thing = (subject or "").strip()
    if position == ABSTAIN:
        return f"{organisation} avstår från att ta ställning{f' till {thing}' if thing else ''}."
    if position == NO_COMMENTS and thing:
        return f"{organisation} har inga synpunkter på {thing}."
    if not thing or not _is_verb(position):
        return f"{organisation} {verb(position)}."
    head, with_, rest = position.partition(" med ")
    qualifier = f", med {rest}" if with_ else ""
    return f"{organisation} {head[0].lower()}{head[1:]} {thing}{qualifier}."


def stand_heading(subject: str | None, question: str, number: int) -> str:
    """A position's heading in the yttrande: its subject ('Definitionen av vården').

    Never a question put to the reviewers ('Tillstyrker ni …?'): the yttrande speaks to
    the sender. Without a subject, the question's words if they are no such question,
    else 'Ställningstagande 2'.
    """
    thing = (subject or "").strip()
    if thing:
        return thing[0].upper() + thing[1:]
    words = {w.strip(".,;:!?()").casefold() for w in question.split()}
    if question.strip() and not question.strip().endswith("?") and not words & ADDRESSING:
        return question.strip()
    return f"Ställningstagande {number}"


def _is_verb(position: str) -> bool:
    # A Swedish present-tense verb first: tillstyrker, avstyrker, ställer (sig bakom).
    words = position.split()
    return bool(words) and words[0].lower().endswith("r")


def _count(n: int, capital: bool = False) -> str:
    word = number_sv(n)
    return word[0].upper() + word[1:] if capital else word


def _groups(n: int) -> str:
    return "grupp" if n == 1 else "grupper"


def group_position(positions: Iterable[str], options: Sequence[str]) -> str | None:
    """One group's position from its members' positions, or SPLIT when they differ.

    'Inga synpunkter' gives way to any real position; members who agree in
    direction count as the one that added comments.
    """
    given = set(positions)
    real = given - {NO_COMMENTS}
    if not real:
        return NO_COMMENTS if given else None
    if len(real) == 1:
        return next(iter(real))
    if len({base_option(p, options) for p in real}) > 1:
        return SPLIT
    variants = sorted(p for p in real if base_option(p, options) != p)
    return variants[0] if len(variants) == 1 else base_option(variants[0], options)


def option_order(position: str, options: Sequence[str]) -> int:
    if position in options:
        return options.index(position)
    return len(options) + (1 if position == NO_COMMENTS else 2 if position == SPLIT else 0)


def position_summary(
    question: str | None, group_positions: Mapping[str, str], silent: int, options: Sequence[str]
) -> str:
    """'Två av tre grupper tillstyrker, en med synpunkter. En grupp har inte tagit ställning.'

    Counts are of the groups asked (those that took a position and those that did not).
    ``question`` is quoted before the sentences when the round has several position
    questions; the summary never addresses anyone ("ni").
    """
    total = len(group_positions)
    asked = total + silent
    sentences: list[str] = []
    if total == 0:
        if asked <= 1:
            sentences.append(
                "Ingen grupp har tagit ställning."
                if asked == 0
                else "Den tillfrågade gruppen har inte tagit ställning."
            )
        else:
            sentences.append(
                f"Ingen av de {_count(asked)} tillfrågade grupperna har tagit ställning."
            )
    buckets: dict[str, Counter[str]] = {}
    for position in group_positions.values():
        buckets.setdefault(base_option(position, options), Counter())[position] += 1
    ordered = sorted(
        buckets.items(), key=lambda item: (-sum(item[1].values()), option_order(item[0], options))
    )
    for index, (base, exact) in enumerate(ordered):
        n = sum(exact.values())
        if len(exact) == 1:
            phrase = verb(next(iter(exact)))
        else:
            variants = sorted(
                (p for p in exact if p != base), key=lambda p: option_order(p, options)
            )
            phrase = verb(base) + "".join(
                f", {_count(exact[v])} {v[len(base) :].strip()}" for v in variants
            )
        if index > 0:
            sentences.append(f"{_count(n, capital=True)} {_groups(n)} {phrase}.")
        elif asked == 1:
            sentences.append(f"Den tillfrågade gruppen {phrase}.")
        elif n == asked == 2:
            sentences.append(f"Båda grupperna {phrase}.")
        elif n == asked:
            sentences.append(f"Alla {_count(n)} grupper {phrase}.")
        else:
            sentences.append(f"{_count(n, capital=True)} av {_count(asked)} grupper {phrase}.")
    if silent and total:
        sentences.append(
            f"{_count(silent, capital=True)} {_groups(silent)} har inte tagit ställning."
        )
    lead = [f"”{question.strip()}”"] if question and question.strip() else []
    return " ".join([*lead, *sentences]).strip()


def disagreement(
    stances: Sequence[tuple[str, str, str]], options: Sequence[str]
) -> tuple[str, ...]:
    """Name who differs, from (group, region, position) of every respondent.

    Positions that agree in direction (tillstyrker, with or without comments) do
    not disagree; 'Inga synpunkter' disagrees with nobody.
    """
    real = [(g, r, base_option(p, options)) for g, r, p in stances if p != NO_COMMENTS]
    if len({p for _, _, p in real}) < 2:
        return ()
    lines: list[str] = []
    for label, index in (("Grupperna", 0), ("Regionerna", 1)):
        line = _differ(label, [(s[index], s[2]) for s in real], options)
        if line:
            lines.append(line)
    by_group: dict[str, dict[str, set[str]]] = {}
    for group, region, position in real:
        by_group.setdefault(group, {}).setdefault(region, set()).add(position)
    for group in sorted(by_group, key=sort_key):
        regions = by_group[group]
        if len(set().union(*regions.values())) > 1:
            # A region whose members differ is named once, as split, never on both sides.
            within = [(r, next(iter(ps)) if len(ps) == 1 else SPLIT) for r, ps in regions.items()]
            lines.append(f"Inom {group} går ställningstagandena isär: {_stated(within, options)}.")
    return tuple(lines)


def _differ(label: str, pairs: Sequence[tuple[str, str]], options: Sequence[str]) -> str | None:
    directions: dict[str, set[str]] = {}
    for who, position in pairs:
        directions.setdefault(who, set()).add(position)
    labelled = [(who, next(iter(ps)) if len(ps) == 1 else SPLIT) for who, ps in directions.items()]
    if len({p for _, p in labelled}) < 2:
        return None
    return f"{label} skiljer sig åt: {_stated(labelled, options)}."


def _stated(pairs: Sequence[tuple[str, str]], options: Sequence[str]) -> str:
    """'A och B tillstyrker; C avstyrker' from (who, position) pairs."""
    by_position: dict[str, set[str]] = {}
    for who, position in pairs:
        by_position.setdefault(position, set()).add(who)
    parts = []
    for position in sorted(by_position, key=lambda p: option_order(p, options)):
        names = sorted(by_position[position], key=sort_key)
        if position == SPLIT:
            parts.append(f"inom {join_sv(names)} är ställningstagandet delat")
        else:
            parts.append(f"{join_sv(names)} {verb(position)}")
    return "; ".join(parts)
