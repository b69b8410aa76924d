"""What an area is called: the Swedish name a coordinator reads for an area's slug.

A directory names areas by slug (``barns-och-ungdomars-halsa``), written without å, ä and
ö. The name shown is, first, that of a group whose name is the area's
("RPO Barns och ungdomars hälsa"), then the national programme area's, then that of the
one RPO or RSG that covers only it; only failing all three the slug with spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from remiss.core.models import Group

# The national programme areas (NPO) and the support areas regions keep groups for.
NATIONAL = (
    "Akut vård",
    "Barns och ungdomars hälsa",
    "Cancersjukdomar",
    "Endokrina sjukdomar",
    "Hjärt- och kärlsjukdomar",
    "Hud- och könssjukdomar",
    "Hälsodata",
    "Infektionssjukdomar",
    "Kirurgi och plastikkirurgi",
    "Kvinnosjukdomar och förlossning",
    "Levnadsvanor",
    "Lung- och allergisjukdomar",
    "Läkemedel och medicinteknik",
    "Mag- och tarmsjukdomar",
    "Medicinsk diagnostik",
    "Nervsystemets sjukdomar",
    "Njur- och urinvägssjukdomar",
    "Perioperativ vård, intensivvård och transplantation",
    "Primärvård",
    "Psykisk hälsa",
    "Rehabilitering, habilitering och försäkringsmedicin",
    "Reumatiska sjukdomar",
    "Rörelseorganens sjukdomar",
    "Sällsynta sjukdomar",
    "Tandvård",
    "Äldres hälsa",
    "Ögonsjukdomar",
)

_PLAIN = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
_KINDS = ("RPO", "RSG", "NPO")


def slug(name: str) -> str:
    """'Barns och ungdomars hälsa' → 'barns-och-ungdomars-halsa'."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold().translate(_PLAIN)).strip("-")


def _without_kind(name: str) -> str:
    head, _, rest = name.partition(" ")
    return rest if head.upper() in _KINDS and rest else name


_NATIONAL = {slug(name): name for name in NATIONAL}


def area_name(area: str, groups: Iterable[Group]) -> str:
    """The name a coordinator reads for ``area``, in Swedish with its å, ä and ö."""
    groups = list(groups)
    for group in groups:
        if slug(_without_kind(group.name)) == area:
            return _without_kind(group.name)
    if area in _NATIONAL:
        return _NATIONAL[area]
    for group in groups:
        if group.areas == [area] and group.kind.upper() in ("RPO", "RSG"):
            return _without_kind(group.name)
    return area.replace("-", " ").capitalize()


def area_names(areas: Iterable[str], groups: Iterable[Group]) -> dict[str, str]:
    """Each area by its name."""
    groups = list(groups)
    return {area: area_name(area, groups) for area in areas}
