"""Text as people type and paste it: without the control characters nothing can show.

NUL and the other non-printing control characters arrive with pasted text (and with
hostile input). PostgreSQL refuses NUL in text columns, Word files cannot hold most of
them, and no reader sees them: they are dropped at every text input. Newlines and tabs
stay.

A name (a person's, a group's, a region's, a round's title) is one line: it goes into
mail headers, subjects and table cells, where a line break starts a header of its own.
Names with any control character in them, line breaks and tabs too, are refused where
they come in (``control_character``), never quietly changed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# C0 controls but tab, line feed and carriage return; DEL; the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable(value: str) -> str:
    """``value`` without non-printing control characters (tabs and line breaks kept)."""
    return _CONTROL.sub("", value)


NOT_IN_A_NAME = (
    "innehåller ett kontrolltecken (radbrytning eller liknande), som inte får finnas i ett namn"
)
# Line and paragraph separators are no control characters to Unicode (Zl, Zp), yet
# Python's str.splitlines() and many mail readers break lines at them.
_SEPARATORS = frozenset("\u2028\u2029")


def control_character(value: str) -> str | None:
    """The first character of ``value`` that has no place in a name, or None.

    Unicode's "other" characters: controls (line breaks and tabs among them), format
    characters (zero-width ones, the bidirectional overrides), surrogates, private-use
    and unassigned ones; and the line and paragraph separators.
    """
    if value.isprintable():  # no "other" and no separator at all: the common case, at C speed
        return None
    for char in value:
        if char in _SEPARATORS or unicodedata.category(char).startswith("C"):
            return char
    return None


def shown(value: str) -> str:
    """``value`` on one line: every character ``control_character`` finds as its escape."""
    return "".join(
        repr(char)[1:-1] if control_character(char) is not None else char for char in value
    )


Place = tuple[str | int, ...]


def controls_in(data: object, at: Place = ()) -> Iterator[tuple[Place, str]]:
    """Every key and text in ``data`` (parsed YAML: mappings, lists, scalars) with a
    character that has no place in a name, and where it is (a key's place ends in it)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and control_character(key) is not None:
                yield (*at, key), key
            yield from controls_in(value, (*at, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from controls_in(item, (*at, index))
    elif isinstance(data, str) and control_character(data.strip(" \t\r\n")) is not None:
        # Whitespace around a text is trimmed on reading (a block scalar ends in a line
        # break): only what stays counts.
        yield at, data


# What Excel would take for the start of a formula: reviewer text is data, never a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: str) -> str:
    """``value`` as a CSV cell Excel shows as text: a leading apostrophe before a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
