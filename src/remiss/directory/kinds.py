"""Kinds of remiss and their defaults, from the directory's ``organisation: kinds:`` block.

A kind (kunskapsstöd, synpunktsinhämtning, rcc, nhv, riktlinjer, departementsremiss …)
may give the internal margin in working days, the signatory, the recipient of the answer,
whether it is answered jointly or per region, and the question set. A round names its
kind (by key, or by one of the kind's ``aliases``, e.g. "kliniskt kunskapsstöd"); the
round's own fields win over the kind's.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from remiss.core.addresses import normalise_email
from remiss.core.models import Organisation


class KindSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    margin_days: int | None = Field(default=None, ge=0, le=60)
    signatory: str | None = None
    recipient: str | None = None
    answer: Literal["joint", "per-region"] = "joint"
    questions: str | None = None
    aliases: list[str] = []

    @field_validator("recipient")
    @classmethod
    def _recipient(cls, value: str | None) -> str | None:
        return normalise_email(value) if value else None


def find(kinds: dict[str, Any] | None, kind: str) -> KindSpec | None:
    """The defaults of ``kind`` (matched by key or alias, ignoring case), or None."""
    wanted = kind.strip().casefold()
    if not wanted:
        return None
    for key, value in (kinds or {}).items():
        spec = KindSpec.model_validate(value)
        if wanted == key.casefold() or wanted in (a.casefold() for a in spec.aliases):
            return spec
    return None


def default_signatory(org: Organisation, kind: str) -> str:
    """Who signs a round of ``kind`` unless the round names someone: the kind's, else the
    organisation's."""
    found = find(org.kinds, kind)
    return (found.signatory if found is not None else None) or org.signatory
