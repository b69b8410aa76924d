"""YAML with line numbers, so a bad field names its file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from remiss.errors import InputError

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


def _walk(node: yaml.Node, loc: Location, lines: dict[Location, int]) -> Any:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.safe_load(yaml.serialize(key_node)) if key_node.tag else key_node.value
            if key in result:
                raise InputError(
                    f"the key '{key}' appears twice",
                    line=key_node.start_mark.line + 1,
                )
            lines[(*loc, key)] = key_node.start_mark.line + 1
            result[key] = _walk(value_node, (*loc, key), lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, (*loc, i), lines) for i, item in enumerate(node.value)]
    return yaml.safe_load(yaml.serialize(node))


def load_text(text: str, source: str) -> Located:
    """Parse YAML text, keeping lines; syntax errors become InputError."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(f"not valid YAML: {exc.problem or exc}", file=source, line=line) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=source) from exc
    if node is None:
        raise InputError("the file is empty", file=source)
    lines: dict[Location, int] = {}
    try:
        data = _walk(node, (), lines)
    except InputError as exc:
        exc.file = source
        raise
    return Located(data=data, source=source, lines=lines)


def load_file(path: str | Path) -> Located:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError("no such file", file=path) from exc
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 text", file=path) from exc
    return load_text(text, str(path))


def _describe(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    message = str(error.get("msg", "invalid value"))
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return message


def format_loc(loc: Location) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validation_error(doc: Located, exc: ValidationError, base: Location = ()) -> InputError:
    """Turn the first pydantic error into an InputError pointing at the YAML line."""
    first = exc.errors()[0]
    loc: Location = (*base, *(p for p in first["loc"] if not str(p).startswith("function-")))
    message = _describe(dict(first))
    if first.get("type") not in {"missing", "extra_forbidden"} and "input" in first:
        value = first["input"]
        if isinstance(value, str | int | float):
            message += f" (got {value!r})"
    more = len(exc.errors()) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return doc.error(message, loc, field=format_loc(loc) or None)
