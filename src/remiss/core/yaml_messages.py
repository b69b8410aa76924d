"""What a pydantic error in a YAML file says to the person who wrote the file, in Swedish."""

from __future__ import annotations

from typing import Any

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


def describe(error: dict[str, Any]) -> str:
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


def is_type_tag(part: str | int) -> bool:
    """pydantic puts union member names (``str``, ``list[...]``) into error locations."""
    text = str(part)
    return isinstance(part, str) and (
        text.startswith("function-")
        or "[" in text
        or text in {"str", "int", "list", "dict"}
        or text[:1].isupper()
    )
