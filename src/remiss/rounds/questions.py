"""Question sets (svarsmallar): shipped by name, or given inline in a round file.

The shipped sets: ``default`` (a national kunskapsstöd; also called ``kunskapsstod``),
``nhv``, ``rcc`` (a nationellt vårdprogram) and ``departementsremiss`` (an SOU or a Ds).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from remiss.core.errors import InputError
from remiss.core.states import QuestionKind
from remiss.core.yamlio import load_file, validation_error

SETS_DIR = Path(__file__).parent / "question_sets"
NO_COMMENTS = "Inga synpunkter"
# Other names of a shipped set: the directory's kinds name the kunskapsstöd's by its kind.
ALIASES = {"kunskapsstod": "default", "kunskapsstöd": "default"}
# The most questions a round may ask: the reviewer's form posts a field for each, and the
# web reads a form of no more fields than these and its own two (``web.deps``).
QUESTIONS_MOST = 500


# A field of a sender's Word template (svarsmall): a name its ``{{ … }}`` tags can use.
TEMPLATE_FIELD = r"^[A-Za-z_][A-Za-z0-9_]*$"


class TemplateFields(BaseModel):
    """The fields of the sender's svarsmall that one question's joint answer fills."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    position: str | None = Field(default=None, pattern=TEMPLATE_FIELD, max_length=100)
    text: str | None = Field(default=None, pattern=TEMPLATE_FIELD, max_length=100)


class QuestionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    key: str = Field(min_length=1, pattern=r"^[a-z0-9_]+$")
    kind: Literal["position", "text"]
    text: str = Field(min_length=1)
    options: list[str] = []
    required: bool = False
    # What a position question takes a position on ("kunskapsstödet"): the yttrande names it.
    subject: str | None = Field(default=None, min_length=1, max_length=200)
    # Which fields of a svarsmall (the sender's Word file) its joint position and text fill;
    # without it, ``{key}`` (and ``{key}_text`` for a position question's text).
    template_fields: TemplateFields | None = None

    @model_validator(mode="after")
    def _options(self) -> QuestionSpec:
        if self.kind == QuestionKind.POSITION and len(self.options) < 2:
            raise ValueError("en ställningstagandefråga behöver minst två svarsalternativ")
        if self.kind == QuestionKind.TEXT and self.options:
            raise ValueError("en textfråga har inga svarsalternativ")
        if self.kind == QuestionKind.TEXT and self.subject:
            raise ValueError("bara en ställningstagandefråga har ett subject (vad den gäller)")
        if (
            self.kind == QuestionKind.TEXT
            and self.template_fields
            and self.template_fields.position
        ):
            raise ValueError(
                "bara en ställningstagandefråga fyller ett fält med ställningstagandet"
            )
        return self


class QuestionSetSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = "inline"
    # What a coordinator reads in the form ("Kunskapsstöd, svarsmall"); the name when absent.
    title: str | None = None
    questions: list[QuestionSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_keys(self) -> QuestionSetSpec:
        keys = [q.key for q in self.questions]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"frågornas nycklar måste vara unika: {', '.join(duplicates)}")
        return self


def available() -> list[str]:
    return sorted(p.stem for p in SETS_DIR.glob("*.yaml"))


def titled() -> list[tuple[str, str]]:
    """Every shipped set as (name, the title a coordinator reads)."""
    return [(name, named(name).title or name) for name in available()]


@lru_cache(maxsize=16)
def named(name: str) -> QuestionSetSpec:
    """The shipped question set called ``name`` (or one of its ``ALIASES``)."""
    path = SETS_DIR / f"{ALIASES.get(name, name)}.yaml"
    if not path.is_file():
        raise InputError(f"okänd frågemall '{name}' (finns: {', '.join(available())})")
    doc = load_file(path)
    try:
        return QuestionSetSpec.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error(doc, exc) from exc


def shipped_subject(set_name: str, key: str, text: str) -> str | None:
    """The subject the shipped set ``set_name`` gives the question ``key`` worded ``text``.

    For a round's question stored without one: only a question worded as the set words
    it now took it from this set, so a set reworded since names nothing.
    """
    try:
        found = named(set_name)
    except InputError:
        return None  # an inline set, or one no longer shipped
    return next((q.subject for q in found.questions if q.key == key and q.text == text), None)
