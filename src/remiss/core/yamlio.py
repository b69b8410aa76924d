"""YAML with line numbers, so a bad field names its file and line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from remiss.core.errors import InputError

Location = tuple[str | int, ...]


@dataclass
class Located:
    """Parsed YAML plus the line of every mapping, key and list item in it."""

    data: Any
    source: str
    lines: dict[Location, int] = field(default_factory=dict)

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
            key = _scalar(key_node) if key_node.tag else key_node.value
            if key in result:
                raise InputError(
                    f"nyckeln '{key}' förekommer två gånger",
                    line=key_node.start_mark.line + 1,
                )
            lines[(*loc, key)] = key_node.start_mark.line + 1
            result[key] = _walk(value_node, (*loc, key), lines, budget, again)
        budget.open.discard(id(node))
        return result
    if isinstance(node, yaml.SequenceNode):
        budget.open.add(id(node))
        items = [_walk(item, (*loc, i), lines, budget, again) for i, item in enumerate(node.value)]
        budget.open.discard(id(node))
        return items
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    """A scalar's value; one YAML reads but Python cannot hold (year 0) names its line."""
    try:
        return yaml.safe_load(yaml.serialize(node))
    except (ValueError, OverflowError, yaml.YAMLError) as exc:
        shown = str(node.value)[:40]
        raise InputError(
            f"ogiltigt värde '{shown}' ({exc})", line=node.start_mark.line + 1
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


def load_text(text: str, source: str) -> Located:
    """Parse YAML text, keeping lines; syntax errors and hostile shapes become InputError."""
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
    try:
        data = _walk(node, (), lines, _Budget(aliases))
    except InputError as exc:
        exc.file = source
        raise
    return Located(data=data, source=source, lines=lines)


def load_file(path: str | Path) -> Located:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError("filen finns inte", file=path) from exc
    except UnicodeDecodeError as exc:
        raise InputError("filen är inte UTF-8-text", file=path) from exc
    return load_text(text, str(path))


_MESSAGES = {
    "missing": "obligatoriskt fält saknas",
    "extra_forbidden": "okänt fält",
    "date_type": "förväntade ett datum (ÅÅÅÅ-MM-DD)",
    "date_parsing": "förväntade ett datum (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_parsing": "förväntade ett datum (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_inexact": "förväntade ett datum utan klockslag (ÅÅÅÅ-MM-DD)",
    "string_type": "förväntade text",
    "list_type": "förväntade en lista",
    "dict_type": "förväntade en mappning (nyckel: värde)",
    "model_type": "förväntade en mappning (nyckel: värde)",
    "model_attributes_type": "förväntade en mappning (nyckel: värde)",
    "bool_parsing": "förväntade true eller false",
    "bool_type": "förväntade true eller false",
    "int_parsing": "förväntade ett heltal",
    "int_type": "förväntade ett heltal",
    "string_too_short": "får inte vara tomt",
    "too_short": "får inte vara tom",
    "string_too_long": "är för långt",
    "string_pattern_mismatch": "har fel format",
}


def _describe(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind == "literal_error":
        expected = (error.get("ctx") or {}).get("expected", "")
        return f"förväntade ett av: {expected}"
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    message = str(error.get("msg", "ogiltigt värde"))
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return message


def format_loc(loc: Location) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _is_type_tag(part: str | int) -> bool:
    """pydantic puts union member names (``str``, ``list[...]``) into error locations."""
    text = str(part)
    return isinstance(part, str) and (
        text.startswith("function-")
        or "[" in text
        or text in {"str", "int", "list", "dict"}
        or text[:1].isupper()
    )


def validation_error(doc: Located, exc: ValidationError, base: Location = ()) -> InputError:
    """Turn the first pydantic error into an InputError pointing at the YAML line."""
    # An unknown field is most often a misspelt one: name it before the "missing" it causes.
    errors = sorted(exc.errors(), key=lambda e: e.get("type") != "extra_forbidden")
    first = errors[0]
    loc: Location = (*base, *(p for p in first["loc"] if not _is_type_tag(p)))
    message = _describe(dict(first))
    if first.get("type") == "extra_forbidden":
        message = f"okänt fält '{loc[-1]}'"
    elif first.get("type") not in {"missing", "value_error"} and "input" in first:
        value = first["input"]
        if isinstance(value, str | int | float):
            message += f" (angivet: {value!r})"
    more = len(exc.errors()) - 1
    if more:
        message += f" (och {more} fel till)"
    return doc.error(message, loc, field=format_loc(loc) or None)
