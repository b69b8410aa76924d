"""Kinds of remiss and their defaults, from the directory's ``organisation: kinds:`` block.

A kind (kunskapsstöd, synpunktsinhämtning, rcc, nhv, riktlinjer, departementsremiss …)
may give the internal margin in working days, the signatory, the recipient of the answer,
whether it is answered jointly or per region, and the question set. A round names its
kind (by key, or by one of the kind's ``aliases``, e.g. "kliniskt kunskapsstöd"); the
round's own fields win over the kind's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from remiss.core.addresses import normalise_email
from remiss.core.models import Organisation


class Signatory(BaseModel):
    """A person who signs the yttrande: "Anna Berglund", "ordförande, Samverkansnämndens …"."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    name: str = Field(min_length=1, max_length=200)
    title: str = Field(default="", max_length=300)

    @classmethod
    def parse(cls, text: str) -> Signatory:
        """``"Anna Berglund, ordförande"`` -> name and title (split at the first comma)."""
        name, _, title = text.partition(",")
        return cls(name=name.strip(), title=title.strip())

    def line(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name


class Approver(BaseModel):
    """Someone the draft is anchored with before the decision (förankring)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    name: str = Field(min_length=1, max_length=200)
    title: str = Field(default="", max_length=300)
    email: str

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return normalise_email(value)


class KindSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    margin_days: int | None = Field(default=None, ge=0, le=60)
    signatory: str | None = None
    # The people who sign, by name and title; the body that decides stays ``signatory``.
    signatories: list[Signatory] = []
    approvers: list[Approver] = []
    # The Beslut section names who approved the decided version ("Förankrat med …").
    letter_names_approvers: bool = False
    # Each region records with the decision whether it takes its own decision too (NHV).
    own_decisions: bool = False
    recipient: str | None = None
    answer: Literal["joint", "per-region"] = "joint"
    questions: str | None = None
    # The sender's Word svarsmall (.docx) the yttrande is also filled into; a path relative
    # to the directory file is made absolute when it is loaded (``anchored``).
    svarsmall: str | None = Field(default=None, min_length=1, max_length=1000)
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


def anchored(kinds: dict[str, KindSpec], folder: Path) -> None:
    """Each kind's svarsmall named relative to the directory file, as a path from anywhere."""
    for spec in kinds.values():
        if spec.svarsmall and not Path(spec.svarsmall).expanduser().is_absolute():
            spec.svarsmall = str(folder / spec.svarsmall)


def default_signatory(org: Organisation, kind: str) -> str:
    """Who signs a round of ``kind`` unless the round names someone: the kind's, else the
    organisation's."""
    found = find(org.kinds, kind)
    return (found.signatory if found is not None else None) or org.signatory


def default_signatories(org: Organisation, kind: str) -> list[Signatory]:
    """Who signs a round of ``kind`` by name and title, unless the decision names others."""
    found = find(org.kinds, kind)
    return list(found.signatories) if found is not None else []
