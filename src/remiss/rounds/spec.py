"""Round files: one round, or a batch with shared ``defaults``, validated with pydantic.

Every error names the file, the line and what was expected. Deadline and routing
checks that need the database live in ``rounds.plan``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from remiss.core.addresses import normalise_email
from remiss.core.errors import InputError
from remiss.core.swedish import date_sv
from remiss.core.text import NOT_IN_A_NAME, control_character
from remiss.core.yamlio import Located, Location, load_file, load_text
from remiss.rounds.questions import QUESTIONS_MOST, QuestionSetSpec, QuestionSpec

ROUND_FIELDS = {
    "reference",
    "title",
    "kind",
    "issuer",
    "areas",
    "groups",
    "lead",
    "opens",
    "deadline",
    "internal_deadline",
    "questions",
    "coordinator",
    "documents",
    "our_reference",
    "period",
    "recipient",
    "svarsmall",
}


def _one_line(value: str) -> str:
    if control_character(value) is not None:
        raise PydanticCustomError("control_character", NOT_IN_A_NAME)
    return value


# A name or reference: it goes into mail subjects and headers, so it is one line.
Name = Annotated[str, AfterValidator(_one_line)]


class DocumentSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Name = Field(min_length=1)
    url: str = Field(min_length=1, pattern=r"^https?://\S+$")


class RoundSpec(BaseModel):
    """What a coordinator states about one round; the YAML file and the form both give it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reference: Name = Field(min_length=1, max_length=100)
    title: Name = Field(min_length=1, max_length=500)
    kind: Name = ""
    issuer: Name = Field(min_length=1)
    areas: list[Name] = []
    groups: list[Name] = []
    lead: Name | None = None
    opens: date | None = None
    deadline: date
    internal_deadline: date | None = None
    questions: str | list[QuestionSpec] | QuestionSetSpec = "default"
    coordinator: str
    documents: list[DocumentSpec] = []
    our_reference: Name | None = None
    period: Name | None = None
    # Where the yttrande is sent (the sender's registry); from the kind when absent.
    recipient: str | None = None
    # The sender's Word svarsmall (.docx) the yttrande is also filled into, relative to the
    # round file; from the kind when absent.
    svarsmall: str | None = Field(default=None, min_length=1, max_length=1000)

    @field_validator("reference", mode="before")
    @classmethod
    def _reference(cls, value: Any) -> Any:
        # A sender's dnr may be a bare number in YAML (reference: 12); it is still a name.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("coordinator")
    @classmethod
    def _coordinator(cls, value: str) -> str:
        return normalise_email(value)

    @field_validator("recipient")
    @classmethod
    def _recipient(cls, value: str | None) -> str | None:
        return normalise_email(value) if value else None

    @field_validator("questions")
    @classmethod
    def _answerable(
        cls, value: str | list[QuestionSpec] | QuestionSetSpec
    ) -> str | list[QuestionSpec] | QuestionSetSpec:
        # A round that asks more than the reviewer's form can post would open and then
        # take no answer at all (a shipped set, named, asks a handful).
        if isinstance(value, str):
            return value
        asked = len(value.questions if isinstance(value, QuestionSetSpec) else value)
        if asked > QUESTIONS_MOST:
            raise ValueError(
                f"en remiss får ha högst {QUESTIONS_MOST} frågor (fler tar granskarens "
                f"formulär inte emot); här är de {asked}"
            )
        return value

    @field_validator("documents", mode="before")
    @classmethod
    def _documents(cls, value: Any) -> Any:
        # A bare URL is a document too; its title is the last part of the path.
        if isinstance(value, list):
            return [
                {"title": v.rstrip("/").rsplit("/", 1)[-1] or v, "url": v}
                if isinstance(v, str)
                else v
                for v in value
            ]
        return value

    def question_set(self) -> QuestionSetSpec:
        from remiss.rounds.questions import named

        if isinstance(self.questions, str):
            return named(self.questions)
        if isinstance(self.questions, QuestionSetSpec):
            return self.questions
        return QuestionSetSpec(name="inline", questions=self.questions)

    @property
    def question_set_name(self) -> str:
        if isinstance(self.questions, str):
            return self.questions
        if isinstance(self.questions, QuestionSetSpec):
            return self.questions.name
        return "inline"


@dataclass
class ParsedRound:
    """A validated round and where it came from, to locate later errors."""

    spec: RoundSpec
    doc: Located | None = None
    base: Location = ()
    own_fields: frozenset[str] = frozenset()
    # The folder of the file it came from (a svarsmall is named relative to it); None when
    # uploaded, which may then name none.
    folder: Path | None = None

    def error(self, message: str, field: str | None = None) -> InputError:
        if self.doc is None:
            return InputError(message, field=field)
        if field is None or field in self.own_fields or not self.base:
            loc: Location = (*self.base, field) if field else self.base
        else:
            loc = ("defaults", field)
        return self.doc.error(
            message, loc, field=f"{self.spec.reference}: {field}" if field else self.spec.reference
        )


def parse(doc: Located) -> list[ParsedRound]:
    """Validate a single-round or batch document into rounds; every error in it is said
    at once, in the file's order (``InputErrors``), with the values ``doc`` could not read."""
    from remiss.rounds.round_file import rounds_of  # its parts; it imports this module

    parsed, defaults = rounds_of(doc)
    if defaults is None:  # a single round: the period is its own
        return parsed
    if "period" not in defaults:
        label = period_label(parsed)
        for p in parsed:
            if p.spec.period is None:
                p.spec.period = label
    return parsed


def period_label(parsed: list[ParsedRound]) -> str:
    """The heading a batch without a ``period`` is shown under: its first and last day."""
    opens = [p.spec.opens for p in parsed if p.spec.opens]
    deadlines = [p.spec.deadline for p in parsed]
    return (
        f"Remissperiod {date_sv(min(opens))} – {date_sv(max(deadlines))}"
        if opens
        else f"Sista svarsdag {date_sv(max(deadlines))}"
    )


def load(path: str | Path) -> list[ParsedRound]:
    folder = Path(path).resolve().parent
    return [replace(p, folder=folder) for p in parse(load_file(path, gather=True))]


def loads(text: str, source: str = "<round>") -> list[ParsedRound]:
    return parse(load_text(text, source, gather=True))


def shift(parsed: list[ParsedRound], days: int) -> list[ParsedRound]:
    """The same rounds with every date moved ``days`` days (a sample made to start today).

    A period heading made from the file's dates is made again from the moved ones; one the
    file names is kept as written.
    """
    if days == 0:
        return parsed
    step = timedelta(days=days)
    made = period_label(parsed) if parsed else None
    moved = []
    for item in parsed:
        spec = item.spec
        update = {
            name: value + step
            for name in ("opens", "deadline", "internal_deadline")
            if (value := getattr(spec, name)) is not None
        }
        moved.append(replace(item, spec=spec.model_copy(update=update)))
    if made is not None:
        label = period_label(moved)
        moved = [
            replace(m, spec=m.spec.model_copy(update={"period": label}))
            if m.spec.period == made
            else m
            for m in moved
        ]
    return moved


def days_to_today(parsed: list[ParsedRound], today: date) -> int:
    """How far the file's first opening day lies before ``today``, in days."""
    starts = [p.spec.opens for p in parsed if p.spec.opens is not None]
    return (today - min(starts)).days if starts else 0
