"""Opening a round from the dashboard form: the same checks as a round file, per field."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy.orm import Session

from remiss.core.errors import InputError
from remiss.core.settings import Settings
from remiss.core.swedish import sort_key
from remiss.directory.areas import area_names
from remiss.directory.routing import Route, active_groups, is_support, known_areas, route
from remiss.rounds import deadline_days
from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from remiss.rounds.questions import titled
from remiss.rounds.spec import ParsedRound, RoundSpec

FIELDS = (
    "reference",
    "our_reference",
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
    "recipient",
    "documents",
    "period",
)
# Each field as the form names it, so that an error summary says which field is wrong.
LABELS = {
    "reference": "Er referens (diarienummer)",
    "our_reference": "Vår referens",
    "title": "Titel",
    "kind": "Typ av remiss",
    "issuer": "Avsändare",
    "areas": "Områden",
    "groups": "Fler grupper",
    "lead": "Ansvarig grupp",
    "opens": "Remissen öppnar",
    "deadline": "Nationell sista svarsdag",
    "internal_deadline": "Intern svarsdag",
    "questions": "Frågemall",
    "coordinator": "Samordnarens e-postadress",
    "recipient": "Mottagare av yttrandet",
    "documents": "Remisshandlingar",
    "period": "Remissperiod",
}

_MESSAGES = {
    "missing": "Fältet behöver fyllas i.",
    "string_too_short": "Fältet behöver fyllas i.",
    "string_too_long": "Texten är för lång.",
    "date_from_datetime_parsing": "Ange ett datum (ÅÅÅÅ-MM-DD).",
    "date_parsing": "Ange ett datum (ÅÅÅÅ-MM-DD).",
    "date_type": "Ange ett datum (ÅÅÅÅ-MM-DD).",
    "string_pattern_mismatch": "Har fel format.",
    "control_character": (
        "Texten innehåller ett kontrolltecken (radbrytning eller liknande), som inte får "
        "finnas här."
    ),
}


class FormErrors(InputError):
    """Errors of the round form, one message per field."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("Formuläret innehåller fel.")
        self.fields = fields


@dataclass
class FormChoices:
    areas: list[tuple[str, str]]  # (slug, the name a coordinator reads)
    groups: list[tuple[str, str]]  # (key, name)
    question_sets: list[tuple[str, str]] = field(default_factory=titled)


def choices(session: Session) -> FormChoices:
    groups = active_groups(session)
    named = area_names(known_areas(groups), groups)
    return FormChoices(
        areas=sorted(named.items(), key=lambda pair: sort_key(pair[1])),
        groups=sorted(((g.key, g.name) for g in groups), key=lambda pair: sort_key(pair[1])),
    )


def _documents(text: str) -> list[dict[str, str]]:
    """One document a line: ``Titel | https://…`` or just the address."""
    documents = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        title, _, address = line.rpartition("|")
        address = address.strip()
        if not address.startswith(("http://", "https://")) or " " in address:
            raise FormErrors(
                {"documents": f"Rad {number}: ange 'Titel | https://…' eller en webbadress."}
            )
        documents.append(
            {"title": title.strip() or address.rstrip("/").rsplit("/", 1)[-1], "url": address}
        )
    return documents


def _message(error: dict[str, object]) -> str:
    kind = str(error.get("type", ""))
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    message = str(error.get("msg", "Ogiltigt värde."))
    return message.removeprefix("Value error, ")


def parse(form: dict[str, str | list[str]]) -> ParsedRound:
    """Validate the form into a round, or raise FormErrors naming every bad field."""

    def text(name: str) -> str:
        value = form.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    def many(name: str) -> list[str]:
        value = form.get(name, [])
        return [v for v in ([value] if isinstance(value, str) else value) if v]

    data: dict[str, object] = {
        "reference": text("reference"),
        "title": text("title"),
        "kind": text("kind"),
        "issuer": text("issuer"),
        "areas": many("areas"),
        "groups": many("groups"),
        "lead": text("lead") or None,
        "opens": text("opens") or None,
        "deadline": text("deadline") or None,
        "internal_deadline": text("internal_deadline") or None,
        "coordinator": text("coordinator"),
        "period": text("period") or None,
        "our_reference": text("our_reference") or None,
        "recipient": text("recipient") or None,
        "documents": _documents(text("documents")),
    }
    if text("questions"):
        # Left empty, the round takes its kind's set (a departementsremiss its own), else default.
        data["questions"] = text("questions")
    try:
        spec = RoundSpec.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "reference"
            errors.setdefault(name if name in FIELDS else "reference", _message(dict(error)))
        raise FormErrors(errors) from exc
    return ParsedRound(spec=spec)


def open_from_form(
    session: Session,
    settings: Settings,
    form: dict[str, str | list[str]],
    actor: str,
    *,
    triage: bool = False,
) -> rounds.OpenedRound:
    """Open the round the form describes; deadline and routing errors land on their field."""
    parsed = parse(form)
    try:
        [opened] = rounds.open_rounds(session, settings, [parsed], actor, triage=triage)
    except InputError as exc:
        name = (exc.field or "").rsplit(": ", 1)[-1]
        raise FormErrors({name if name in FIELDS else "reference": exc.message}) from exc
    if not opened.created:
        raise FormErrors({"reference": f"En remiss med referensen {opened.reference} finns redan."})
    return opened


def open_from_file(
    session: Session,
    settings: Settings,
    text: str,
    source: str,
    actor: str,
    *,
    triage: bool = False,
) -> list[rounds.OpenedRound]:
    """Open (or register) every round of an uploaded round or batch file; errors name the line."""
    parsed = roundspec.loads(text, source)
    return rounds.open_rounds(session, settings, parsed, actor, triage=triage)


@dataclass(frozen=True)
class Preview:
    """Who an invitation would reach, before anything is sent."""

    groups: list[tuple[str, str]]  # (group name, why it is routed)
    people: int
    informed: int
    told_as: str = ""  # who the informed are: "kunskapsråd", "processtöd" or both
    warnings: list[str] = field(default_factory=list)  # deadlines on a day off


REASONS = {"area": "område", "named": "vald", "lead": "ansvarig grupp"}


def preview(session: Session, form: dict[str, str | list[str]]) -> Preview:
    """Route the form's round without opening it: which groups, how many people."""
    spec = parse(form).spec
    try:
        routed = route(session, spec.areas, spec.groups, spec.lead)
    except InputError as exc:
        raise FormErrors({exc.field or "areas": exc.message}) from exc
    groups = []
    for group, why in routed.groups:
        lead = group.id == routed.lead.id
        told = " – för kännedom" if group.informed and not lead else ""
        groups.append((group.name + told, "ansvarig grupp" if lead else REASONS.get(why, why)))
    return Preview(
        groups=groups,
        people=len(routed.people),
        informed=len(routed.informed),
        told_as=told_as(routed),
        warnings=deadline_days.warnings(spec),
    )


def told_as(routed: Route) -> str:
    """Who a route tells rather than asks, in words: kunskapsråd, processtöd, or both."""
    roles = {
        "processtöd" if is_support(role) else "kunskapsråd"
        for _person, memberships in routed.informed.values()
        for _group, role in memberships
    }
    return " och ".join(sorted(roles))
