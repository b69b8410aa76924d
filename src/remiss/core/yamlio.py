"""YAML with line numbers, so a bad field names its file and line."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from remiss.core.errors import InputError, InputErrors
from remiss.core.yaml_messages import describe, is_type_tag

Location = tuple[str | int, ...]


@dataclass
class Located:
    """Parsed YAML plus the line of every mapping, key and list item in it."""

    data: Any
    source: str
    lines: dict[Location, int] = field(default_factory=dict)
    # Values that could not be read (a date that is no date, a key given twice), each with
    # where it is, when the reader gathers them to say with the rest (``load_text``).
    # ``None`` where it is no value: a key.
    problems: list[tuple[Location | None, InputError]] = field(default_factory=list)

    def line_of(self, loc: Location) -> int | None:
        """The line of ``loc`` or of its nearest enclosing element."""
        loc = tuple(loc)
        while True:
            if loc in self.lines:
                return self.lines[loc]
            if not loc:
                return None
            loc = loc[:-1]

    def error(self, message: str, loc: Location = (), field: str | None = None) -> InputError:
        return InputError(message, file=self.source, line=self.line_of(loc), field=field)


# Directory and round files are a few hundred lines, a large region's directory (10,000
# people) some 115,000 parts in 1.3 MB; these limits leave them far room and refuse what
# only an attack looks like. An alias re-walks what it points at, so what aliases reach is
# counted on its own (nested aliases expand exponentially: seven lines reach half a
# million); the parts written out in the text are bounded by their number and characters;
# a nesting deep enough to exhaust the parser's recursion is refused outright.
MAX_CHARACTERS = 2_000_000
MAX_DEPTH = 40
MAX_ALIASES = 100
MAX_NODES = 250_000
MAX_ALIASED_NODES = 20_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class _Budget:
    """What a walk has reached through aliases; ``seen`` only when the text has any (a
    node met twice is met through an alias: the composer shares it)."""

    def __init__(self, aliases: int) -> None:
        self.aliased = 0
        self.seen: set[int] | None = set() if aliases else None
        self.open: set[int] = set()
        self.problems: list[tuple[Location | None, InputError]] = []

    def through_alias(self, node: yaml.Node, again: bool, line: int) -> bool:
        """Whether ``node`` is reached through an alias (``again``: its parent was)."""
        if self.seen is None:
            return False
        if not again and id(node) not in self.seen:
            self.seen.add(id(node))
            return False
        self.aliased += 1
        if self.aliased > MAX_ALIASED_NODES:
            raise InputError(
                f"filen är för stor när alias räknas ut (över {MAX_ALIASED_NODES} delar "
                "nås genom alias)",
                line=line,
            )
        return True


def _walk(
    node: yaml.Node,
    loc: Location,
    lines: dict[Location, int],
    budget: _Budget,
    again: bool = False,
) -> Any:
    line = node.start_mark.line + 1
    again = budget.through_alias(node, again, line)
    if id(node) in budget.open:
        raise InputError("ett alias pekar på sig självt", line=line)
    lines.setdefault(loc, line)
    if isinstance(node, yaml.MappingNode):
        budget.open.add(id(node))
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError("en nyckel måste vara text", line=key_node.start_mark.line + 1)
            try:
                key = _scalar(key_node) if key_node.tag else key_node.value
            except InputError as exc:
                budget.problems.append((None, exc))
                continue
            if key in result:
                found = InputError(
                    f"nyckeln '{key}' förekommer två gånger",
                    line=key_node.start_mark.line + 1,
                )
                budget.problems.append((None, found))
                continue
            lines[(*loc, key)] = key_node.start_mark.line + 1
            result[key] = _walk(value_node, (*loc, key), lines, budget, again)
        budget.open.discard(id(node))
        return result
    if isinstance(node, yaml.SequenceNode):
        budget.open.add(id(node))
        items = [_walk(item, (*loc, i), lines, budget, again) for i, item in enumerate(node.value)]
        budget.open.discard(id(node))
        return items
    try:
        return _scalar(node)
    except InputError as exc:
        exc.field = format_loc(loc) or None
        budget.problems.append((loc, exc))
        return None


def _scalar(node: yaml.Node) -> Any:
    """A scalar's value; one YAML reads but Python cannot hold (year 0, 31 April) names
    its line, and what was expected."""
    if node.tag == "tag:yaml.org,2002:null":
        return None
    try:
        return yaml.safe_load(yaml.serialize(node))
    except (ValueError, OverflowError, yaml.YAMLError) as exc:
        shown = str(node.value)[:40]
        if node.tag == "tag:yaml.org,2002:timestamp":
            why = "förväntade ett datum ÅÅÅÅ-MM-DD"
        else:
            why = (str(exc).strip().splitlines() or ["?"])[0]
        raise InputError(
            f"ogiltigt värde '{shown}' ({why})", line=node.start_mark.line + 1
        ) from exc


def _check_shape(text: str) -> int:
    """Refuse control characters, and nesting, parts or aliases beyond the limits, before
    composing; the number of aliases."""
    if len(text) > MAX_CHARACTERS:
        raise InputError(f"filen är för stor (över {MAX_CHARACTERS} tecken)")
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise InputError(f"otillåtet osynligt tecken U+{ord(bad.group()):04X}", line=line)
    depth = aliases = nodes = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        at = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
            nodes += 1
            if nodes > MAX_NODES:
                raise InputError(
                    f"filen har för många delar (över {MAX_NODES} nycklar, värden, listor "
                    "och mappningar)",
                    line=at,
                )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError(f"för djupt nästlad (över {MAX_DEPTH} nivåer)", line=at)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise InputError(f"för många alias (över {MAX_ALIASES})", line=at)
    return aliases


def load_text(text: str, source: str, *, gather: bool = False) -> Located:
    """Parse YAML text, keeping lines; syntax errors and hostile shapes become InputError.

    Values that cannot be read are refused all at once; with ``gather`` they are kept in
    ``problems`` instead (read as None), for the caller to say with what it finds."""
    try:
        aliases = _check_shape(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except InputError as exc:
        exc.file = source
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(f"ogiltig YAML: {exc.problem or exc}", file=source, line=line) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"ogiltig YAML: {exc}", file=source) from exc
    if node is None:
        raise InputError("filen är tom", file=source)
    lines: dict[Location, int] = {}
    budget = _Budget(aliases)
    try:
        data = _walk(node, (), lines, budget)
    except InputError as exc:
        exc.file = source
        raise
    for _, problem in budget.problems:
        problem.file = source
    if budget.problems and not gather:
        raise InputErrors.of([problem for _, problem in budget.problems])
    return Located(data=data, source=source, lines=lines, problems=budget.problems)


def load_file(path: str | Path, *, gather: bool = False) -> Located:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError("filen finns inte", file=path) from exc
    except UnicodeDecodeError as exc:
        raise InputError("filen är inte UTF-8-text", file=path) from exc
    return load_text(text, str(path), gather=gather)


def format_loc(loc: Location) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


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
