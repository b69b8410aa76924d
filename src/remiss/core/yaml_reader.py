"""YAML to plain data in one pass over libyaml's events, counting every limit as it reads.

``yaml.load`` with the C loader builds a tree of nodes (two marks each) before it makes a
value: a national directory (52,500 people, 9.3 MB) took 5.2 s of CPU and 325 MB. Built
from the parser's events instead, with PyYAML's own resolver and constructors for every
scalar that is not plain text, it takes 1.0 s, and memory is the data's own
(``bench/directory_import.py`` measures it beside ``yaml.load``).

What only an attack looks like is refused as it is met, so a hostile file stops within
its first lines: nesting deeper than ``MAX_DEPTH`` (aliases count with what they hold),
more than ``MAX_ALIASES`` aliases, or aliases that reach more than ``MAX_ALIASED_NODES``
parts in all (an alias re-uses what it points at: nested ones multiply, seven lines
reach half a million). The size of a file in bytes is its loader's to check before
reading (``yamlio``).

Lines are kept only when asked for (``read(..., lines={})``): the fast read keeps none,
and a file with an error is read again to find them.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from remiss.core.errors import InputError

Location = tuple[str | int, ...]
Problem = tuple[Location | None, InputError]

MAX_DEPTH = 40
MAX_ALIASES = 100
MAX_ALIASED_NODES = 20_000

_TEXT = "tag:yaml.org,2002:str"
_KEY = object()  # a mapping waits for its next key
_SKIPPED = object()  # the key could not be read or was given before: its value is dropped


class _Open:
    """A mapping or list being read: its value, where it is, what it waits for."""

    __slots__ = ("anchor", "height", "key", "loc", "start", "value")

    def __init__(self, value: Any, loc: Location, anchor: str | None, start: int) -> None:
        self.value = value
        self.loc = loc
        self.anchor = anchor
        self.start = start  # the count of parts when it opened
        self.key: Any = _KEY
        self.height = 1  # the levels it holds, itself included


def read(text: str, lines: dict[Location, int] | None = None) -> tuple[Any, list[Problem]]:
    """The data of the one document in ``text`` and the values that could not be read
    (read as None; a key that could not be read, or was given twice, is left out).

    ``lines``, when given, is filled with the line of every key and list item. Raises
    InputError for a shape only an attack has, and PyYAML's errors for bad syntax."""
    return _Reader(text, lines).run()


class _Reader:
    def __init__(self, text: str, lines: dict[Location, int] | None) -> None:
        self.loader = yaml.CSafeLoader(text)
        self.lines = lines
        self.open: list[_Open] = []
        self.anchors: dict[str, tuple[Any, int, int]] = {}  # value, parts, height
        self.parts = 0  # read so far, each alias counted as the parts it reaches
        self.aliases = 0
        self.aliased = 0
        self.problems: list[Problem] = []

    def run(self) -> tuple[Any, list[Problem]]:
        root: Any = None
        documents = 0
        try:
            while True:
                event: Any = self.loader.get_event()
                kind = type(event)
                if kind is ScalarEvent:
                    self.parts += 1
                    value = self.scalar(event)
                    if event.anchor:  # a key that could not be read is none to re-use
                        kept = None if value is _SKIPPED else value
                        self.anchor(event, event.anchor, kept, 1, 0)
                elif kind is MappingStartEvent or kind is SequenceStartEvent:
                    self.begin(event, {} if kind is MappingStartEvent else [])
                    continue
                elif kind is MappingEndEvent or kind is SequenceEndEvent:
                    done = self.open.pop()
                    value = done.value
                    if self.open:
                        parent = self.open[-1]
                        parent.height = max(parent.height, done.height + 1)
                    if done.anchor:
                        parts = self.parts - done.start + 1
                        self.anchor(event, done.anchor, value, parts, done.height)
                elif kind is AliasEvent:
                    value = self.alias(event)
                elif kind is DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        raise _at(event, "ogiltig YAML: filen har mer än ett dokument")
                    continue
                elif kind is StreamEndEvent:
                    if not documents:
                        raise InputError("filen är tom")
                    return root, self.problems
                else:
                    continue
                if self.open:
                    self.place(event, value)
                else:
                    root = value
        finally:
            self.loader.dispose()

    def begin(self, event: Any, value: dict[Any, Any] | list[Any]) -> None:
        if len(self.open) >= MAX_DEPTH:
            raise _at(event, f"för djupt nästlad (över {MAX_DEPTH} nivåer)")
        loc: Location = ()
        if self.open:
            top = self.open[-1]
            if type(top.value) is dict and top.key is _KEY:
                raise _at(event, "en nyckel måste vara text")
            loc = self.slot(top)
            if self.lines is not None and isinstance(top.value, list):
                self.lines[loc] = _line(event)
        elif self.lines is not None:
            self.lines[()] = _line(event)
        self.parts += 1
        self.open.append(_Open(value, loc, event.anchor, self.parts))

    def place(self, event: Any, value: Any) -> None:
        """Put a value read into the mapping or list being read."""
        top = self.open[-1]
        container = top.value
        if type(container) is list:
            if self.lines is not None:  # a mapping or list is where it began, not ended
                self.lines.setdefault((*top.loc, len(container)), _line(event))
            container.append(value)
        elif top.key is _KEY:
            if isinstance(value, dict | list):  # an alias to a mapping or a list
                raise _at(event, "en nyckel måste vara text")
            if value is not _SKIPPED and value in container:
                found = _at(event, f"nyckeln '{value}' förekommer två gånger")
                self.problems.append((None, found))
                value = _SKIPPED
            top.key = value
            if self.lines is not None and value is not _SKIPPED:
                self.lines[(*top.loc, value)] = _line(event)
        else:
            if top.key is not _SKIPPED:
                container[top.key] = value
            top.key = _KEY

    def slot(self, top: _Open) -> Location:
        """Where the next value read into ``top`` goes."""
        container = top.value
        return (*top.loc, len(container) if type(container) is list else top.key)

    def scalar(self, event: Any) -> Any:
        """A scalar's value; one YAML reads but Python cannot hold (year 0, 31 April) is
        a problem at its line, saying what was expected."""
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(ScalarNode, event.value, event.implicit)
        if tag == _TEXT:
            return event.value
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.loader.construct_document(node)
        except (ValueError, OverflowError, yaml.YAMLError) as exc:
            shown = str(event.value)[:40]
            if tag == "tag:yaml.org,2002:timestamp":
                why = "förväntade ett datum ÅÅÅÅ-MM-DD"
            else:
                why = (str(exc).strip().splitlines() or ["?"])[0]
            problem = _at(event, f"ogiltigt värde '{shown}' ({why})")
        top = self.open[-1] if self.open else None
        if top is not None and type(top.value) is dict and top.key is _KEY:
            self.problems.append((None, problem))
            return _SKIPPED
        loc = self.slot(top) if top is not None else ()
        problem.field = format_loc(loc) or None
        self.problems.append((loc, problem))
        return None

    def anchor(self, event: Any, name: str, value: Any, parts: int, height: int) -> None:
        if name in self.anchors:
            raise _at(event, f"ogiltig YAML: ankaret '&{name}' finns två gånger")
        self.anchors[name] = (value, parts, height)

    def alias(self, event: Any) -> Any:
        name = event.anchor
        if name not in self.anchors:
            if any(o.anchor == name for o in self.open):
                raise _at(event, "ett alias pekar på sig självt")
            raise _at(event, f"ogiltig YAML: aliaset '*{name}' pekar inte på något ankare")
        value, parts, height = self.anchors[name]
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise _at(event, f"för många alias (över {MAX_ALIASES})")
        self.aliased += parts
        self.parts += parts
        if self.aliased > MAX_ALIASED_NODES:
            raise _at(
                event,
                f"filen är för stor när alias räknas ut (över {MAX_ALIASED_NODES} delar "
                "nås genom alias)",
            )
        if len(self.open) + height > MAX_DEPTH:
            raise _at(event, f"för djupt nästlad (över {MAX_DEPTH} nivåer, med alias)")
        if self.open and height:
            parent = self.open[-1]
            parent.height = max(parent.height, height + 1)
        return value


def _line(event: Any) -> int:
    return int(event.start_mark.line) + 1


def _at(event: Any, message: str) -> InputError:
    return InputError(message, line=_line(event))


def format_loc(loc: Location) -> str:
    """``loc`` as a person reads it: ``groups[3].members[0].email``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
