"""YAML files read fast, and an error in one named by its file and line.

The reading is ``yaml_reader``'s: plain data from libyaml's events, with the limits
counted as it reads. A file is first refused for its size in bytes or a control
character in it. No line is kept while reading: only a file with an error is read again,
once, for the lines (``Located.line_of``), which costs a second read on that path alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from remiss.core import yaml_reader
from remiss.core.errors import InputError, InputErrors
from remiss.core.yaml_messages import describe, is_type_tag
from remiss.core.yaml_reader import MAX_ALIASED_NODES as MAX_ALIASED_NODES
from remiss.core.yaml_reader import MAX_ALIASES as MAX_ALIASES
from remiss.core.yaml_reader import MAX_DEPTH as MAX_DEPTH
from remiss.core.yaml_reader import Location as Location
from remiss.core.yaml_reader import Problem
from remiss.core.yaml_reader import format_loc as format_loc

# A national directory (21 regions, 2,100 groups, 52,500 people with phone numbers) is
# 9.3 MB; this leaves it twice the room and bounds what any file costs to read.
MAX_BYTES = 20_000_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass
class Located:
    """Parsed YAML, and where in its text each key and list item is."""

    data: Any
    source: str
    # Values that could not be read (a date that is no date, a key given twice), each with
    # where it is, when the reader gathers them to say with the rest (``load_text``).
    # ``None`` where it is no value: a key.
    problems: list[Problem] = field(default_factory=list)
    text: str = ""
    _lines: dict[Location, int] | None = field(default=None, repr=False)

    def line_of(self, loc: Location) -> int | None:
        """The line of ``loc`` or of its nearest enclosing element."""
        if self._lines is None:
            self._lines = {}
            yaml_reader.read(self.text, self._lines)
        loc = tuple(loc)
        while True:
            if loc in self._lines:
                return self._lines[loc]
            if not loc:
                return None
            loc = loc[:-1]

    def error(self, message: str, loc: Location = (), field: str | None = None) -> InputError:
        return InputError(message, file=self.source, line=self.line_of(loc), field=field)


def load_text(text: str, source: str, *, gather: bool = False) -> Located:
    """Parse YAML text; syntax errors and hostile shapes become InputError naming
    ``source``, the line and the limit.

    Values that cannot be read are refused all at once; with ``gather`` they are kept in
    ``problems`` instead (read as None), for the caller to say with what it finds."""
    try:
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > MAX_BYTES:
            raise InputError(f"filen är för stor ({size} byte, högst {MAX_BYTES})")
        bad = _CONTROL.search(text)
        if bad:
            at = text.count("\n", 0, bad.start()) + 1
            raise InputError(f"otillåtet osynligt tecken U+{ord(bad.group()):04X}", line=at)
        data, problems = yaml_reader.read(text)
    except InputError as exc:
        exc.file = source
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        said = f"ogiltig YAML: {exc.problem or exc}"
        if exc.problem == "exceeded maximum nesting depth":  # libyaml's own limit, looking ahead
            said = f"för djupt nästlad (över {MAX_DEPTH} nivåer)"
        raise InputError(said, file=source, line=line) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"ogiltig YAML: {exc}", file=source) from exc
    for _, problem in problems:
        problem.file = source
    if problems and not gather:
        raise InputErrors.of([problem for _, problem in problems])
    return Located(data=data, source=source, problems=problems, text=text)


def load_file(path: str | Path, *, gather: bool = False) -> Located:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:  # refused before it is read
            raise InputError(f"filen är för stor ({size} byte, högst {MAX_BYTES})", file=path)
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError("filen finns inte", file=path) from exc
    except UnicodeDecodeError as exc:
        raise InputError("filen är inte UTF-8-text", file=path) from exc
    return load_text(text, str(path), gather=gather)


class UnknownField(InputError):
    """A field the file may not have: most often a misspelt one, so it is named first,
    before the "missing" it causes."""


def first_unknown(error: InputError) -> tuple[bool, int]:
    """The order errors are said in: unknown fields first, then by line."""
    return (not isinstance(error, UnknownField), error.line or 0)


def validation_errors(
    doc: Located, exc: ValidationError, where: Callable[[Location], Location] = lambda _: ()
) -> list[InputError]:
    """Every pydantic error as an InputError at its YAML line (``first_unknown``);
    ``where`` gives the part of the file an error's location is within. An error where a
    value could not be read (``doc.problems``) is that one, not another."""
    unread = [loc for loc, _ in doc.problems if loc is not None]
    found: list[InputError] = []
    seen: set[Location] = set()
    for error in exc.errors():
        raw = tuple(error["loc"])
        own: Location = tuple(p for p in raw if not is_type_tag(p))
        loc: Location = (*where(own), *own)
        # One error per place; a union's members each fail, and say one thing.
        tagged = next((i for i, p in enumerate(raw) if is_type_tag(p)), None)
        key = (*where(own), *raw[:tagged]) if tagged is not None else loc
        if key in seen or any(loc[: len(bad)] == bad for bad in unread):
            continue
        seen.add(key)
        message = describe(dict(error))
        line, field = doc.line_of(loc), format_loc(loc) or None
        if error.get("type") == "extra_forbidden":
            found.append(
                UnknownField(f"okänt fält '{loc[-1]}'", file=doc.source, line=line, field=field)
            )
            continue
        if error.get("type") not in {"missing", "value_error"} and "input" in error:
            value = error["input"]
            if isinstance(value, str | int | float):
                message += f" (angivet: {value!r})"
        found.append(InputError(message, file=doc.source, line=line, field=field))
    return sorted(found, key=first_unknown)


def validation_error(doc: Located, exc: ValidationError, base: Location = ()) -> InputError:
    """Every pydantic error of ``exc`` (within ``base``) at its YAML line: one, or all."""
    return InputErrors.of(validation_errors(doc, exc, lambda _: base))
