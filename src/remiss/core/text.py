"""Text as people type and paste it: without the control characters nothing can show.

NUL and the other non-printing control characters arrive with pasted text (and with
hostile input). PostgreSQL refuses NUL in text columns, Word files cannot hold most of
them, and no reader sees them: they are dropped at every text input. Newlines and tabs
stay.
"""

from __future__ import annotations

import re

# C0 controls but tab, line feed and carriage return; DEL; the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable(value: str) -> str:
    """``value`` without non-printing control characters (tabs and line breaks kept)."""
    return _CONTROL.sub("", value)


# What Excel would take for the start of a formula: reviewer text is data, never a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: str) -> str:
    """``value`` as a CSV cell Excel shows as text: a leading apostrophe before a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
