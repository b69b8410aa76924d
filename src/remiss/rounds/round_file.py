"""A round file's rounds, with every error in it found in one reading.

A file with a misspelt field, a date that is no date and an address without its domain
names all three at once, each with its line and what was expected (``InputErrors``), so
that one run of ``remiss round open`` (or one upload) shows everything to fix.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from remiss.core.errors import InputError, InputErrors
from remiss.core.yamlio import Located, Location, first_unknown, validation_errors
from remiss.rounds.spec import ROUND_FIELDS, ParsedRound, RoundSpec


def rounds_of(doc: Located) -> tuple[list[ParsedRound], dict[str, Any] | None]:
    """The rounds of a single-round or batch document and the batch's defaults (None for
    a single round); every
    error found (with the values ``doc`` could not read) raised at once: unknown fields
    first (most often misspelt ones), then in line order."""
    errors: list[InputError] = [problem for _, problem in doc.problems]
    data = doc.data
    if not isinstance(data, dict):
        errors.append(
            doc.error("förväntade en remiss, eller en samling med 'defaults' och 'rounds'")
        )
        raise InputErrors.of(errors)
    defaults: dict[str, Any] | None = None
    if "rounds" not in data:
        found = [_round(doc, data, (), {}, errors)]
    else:
        found, defaults = _batch(doc, data, errors)
    parsed = [item for item in found if item is not None]
    seen: set[str] = set()
    for item in parsed:
        if item.spec.reference in seen:
            errors.append(
                doc.error(
                    f"referensen '{item.spec.reference}' används två gånger i filen",
                    (*item.base, "reference"),
                )
            )
        seen.add(item.spec.reference)
    if errors:
        raise InputErrors.of(sorted(errors, key=first_unknown))
    return parsed, defaults


def _round(
    doc: Located, data: Any, base: Location, defaults: dict[str, Any], errors: list[InputError]
) -> ParsedRound | None:
    """One round, or None with what is wrong with it added to ``errors``."""
    if not isinstance(data, dict):
        errors.append(doc.error("förväntade en remiss (med reference, title, deadline …)", base))
        return None
    try:
        spec = RoundSpec.model_validate({**defaults, **data})
    except ValidationError as exc:

        def where(loc: Location) -> Location:
            # A field the round takes from the batch's defaults is wrong there.
            field = str(loc[0]) if loc else ""
            return base if (field in data or field not in defaults) else ("defaults",)

        errors.extend(validation_errors(doc, exc, where))
        return None
    return ParsedRound(spec=spec, doc=doc, base=base, own_fields=frozenset(data))


def _batch(
    doc: Located, data: dict[str, Any], errors: list[InputError]
) -> tuple[list[ParsedRound | None], dict[str, Any]]:
    """The rounds of a batch file, and its defaults (those it may have)."""
    for key in sorted(set(data) - {"defaults", "rounds"}):
        errors.append(
            doc.error(f"okänd nyckel '{key}' (förväntade 'defaults' och 'rounds')", (key,))
        )
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        errors.append(doc.error("'defaults' ska vara fält för remisserna", ("defaults",)))
        defaults = {}
    for key in defaults:
        if key not in ROUND_FIELDS:
            errors.append(
                doc.error(
                    f"okänt fält i defaults (tillåtna: {', '.join(sorted(ROUND_FIELDS))})",
                    ("defaults", key),
                    field=f"defaults.{key}",
                )
            )
    known = {key: value for key, value in defaults.items() if key in ROUND_FIELDS}
    rounds = data["rounds"]
    if not isinstance(rounds, list) or not rounds:
        errors.append(doc.error("'rounds' ska vara en lista med minst en remiss", ("rounds",)))
        return [], known
    return [_round(doc, item, ("rounds", i), known, errors) for i, item in enumerate(rounds)], known
