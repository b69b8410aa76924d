"""The sender's svarsmall: a Word file whose ``{{ field }}`` tags the yttrande fills.

RCC, Socialstyrelsen and NHV ship answer templates. A round (or its kind) names one as a
``.docx``; it is read, checked and stored with the round when the round is opened, so a
template that is missing, not a Word file, or asks for a field nobody fills is refused then,
naming the file and the field, and never fails a download later. What fills each field is
the question set's (``template_fields`` per question) and the letter's header (below).

The tags are docxtpl's (Jinja in the Word file), filled in a sandbox with every value
escaped: a sender's file or a reviewer's text can add words, never markup or code.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy.orm import Session

from remiss.core.clock import now
from remiss.core.errors import InputError
from remiss.core.models import Svarsmall
from remiss.core.states import QuestionKind
from remiss.rounds.questions import QuestionSetSpec

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

# A sender's template is a few pages; this leaves room for a logo and refuses a mistake.
MOST_BYTES = 10_000_000

# The letter's own fields, whatever the question set: the name a template uses, and what it
# holds. Every question adds its own (``fields``).
HEADER_FIELDS = {
    "titel": "remissens titel",
    "er_referens": "avsändarens diarienummer",
    "var_referens": "vår referens (tomt utan)",
    "datum": "yttrandets datum, 14 april 2026",
    "organisation": "organisationens namn",
    "mottagare": "avsändaren",
    "inledning": "meningen att yttrandet lämnas gemensamt",
    "undertecknare": "den som undertecknar",
    "underskrifter": "undertecknarna med titel, en per rad",
    "handlaggare": "handläggaren med titel, e-post och telefon",
    "status": "Förslag eller Utkast före beslutet, annars tomt",
    "beslut": "beslutsmeningen, när beslutet är fattat",
}
POSITION, TEXT = "position", "text"
# Not allowed in a Word file's XML (the bell, \a, marks a new paragraph for Listing).
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Prepared:
    """A svarsmall read and checked, to be kept with its round."""

    name: str
    content: bytes
    fields: dict[str, str]  # each field the template uses -> what fills it


def fields(questions: QuestionSetSpec) -> dict[str, str]:
    """Every field a svarsmall may use with this question set, and what fills it: a header
    name, or ``{question key}.position`` / ``{question key}.text``."""
    known = {name: name for name in HEADER_FIELDS}
    for question in questions.questions:
        named = question.template_fields
        wanted: list[tuple[str, str]] = []
        if question.kind == QuestionKind.POSITION:
            wanted.append((named.position if named and named.position else question.key, POSITION))
            wanted.append((named.text if named and named.text else f"{question.key}_text", TEXT))
        else:
            wanted.append((named.text if named and named.text else question.key, TEXT))
        for field, what in wanted:
            if field in known:
                raise InputError(
                    f"fältet '{field}' i svarsmallen fylls redan av "
                    f"{_described(known[field])}; ge frågan '{question.key}' ett annat "
                    "namn under template_fields",
                    field="questions",
                )
            known[field] = f"{question.key}.{what}"
    return known


def prepare(path_text: str, folder: Path | None, questions: QuestionSetSpec) -> Prepared:
    """Read and check the svarsmall at ``path_text`` (relative to ``folder``, the round or
    directory file's); InputError naming the file, and the field when one is wrong."""
    path = Path(path_text).expanduser()
    if not path.is_absolute():
        if folder is None:
            raise InputError(
                f"{path_text}: en relativ sökväg utgår från filen den står i, och den här "
                "laddades upp; ange svarsmallens hela sökväg, eller importera filen från disk"
            )
        path = folder / path
    if path.suffix.lower() != ".docx":
        raise InputError(f"{path_text}: svarsmallen ska vara en Word-fil (.docx)")
    try:
        size = path.stat().st_size
        if size > MOST_BYTES:
            raise InputError(
                f"{path_text}: svarsmallen är {size // 1_000_000} MB; högst "
                f"{MOST_BYTES // 1_000_000} MB"
            )
        content = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path_text}: filen finns inte ({path})") from exc
    except OSError as exc:
        raise InputError(f"{path_text}: filen går inte att läsa ({exc.strerror})") from exc
    return Prepared(path.name, content, check(path_text, content, fields(questions)))


def check(name: str, content: bytes, known: Mapping[str, str]) -> dict[str, str]:
    """The fields ``content`` uses, each with what fills it; refused, naming ``name`` and the
    field, unless it is a Word file whose every field is ``known`` and that fills."""
    try:
        used = template(content).get_undeclared_template_variables(jinja_env=_environment())
    except TemplateError as exc:
        raise InputError(f"{name}: ett fält i svarsmallen går inte att läsa ({exc})") from exc
    except Exception as exc:
        # Whatever python-docx makes of a file that is not one (a zip of something else, a
        # .doc renamed, a macro template): it is not a Word document to fill.
        raise InputError(f"{name}: är inte en Word-fil (.docx) som går att öppna") from exc
    unknown = sorted(used - set(known))
    if unknown:
        listed = ", ".join(sorted(known))
        raise InputError(
            f"{name}: fältet '{unknown[0]}' i svarsmallen finns inte i frågemallens koppling "
            f"(kända fält: {listed})",
            field=unknown[0],
        )
    if not used:
        raise InputError(f"{name}: svarsmallen har inga fält ({{{{ namn }}}}) att fylla i")
    taken = {field: known[field] for field in sorted(used)}
    try:  # filled once now, so that filling it later cannot fail
        fill(content, taken, {source: "text" for source in taken.values()})
    except Exception as exc:
        raise InputError(f"{name}: svarsmallen går inte att fylla i ({exc})") from exc
    return taken


def template(content: bytes) -> DocxTemplate:
    from docxtpl import DocxTemplate  # python-docx: only where a Word file is read

    return DocxTemplate(io.BytesIO(content))


def fill(content: bytes, taken: Mapping[str, str], values: Mapping[str, str]) -> bytes:
    """The template ``content`` with each field in ``taken`` holding its source's value.

    Paragraphs (text split at blank lines) become paragraphs of the template's style, single
    line breaks stay line breaks."""
    from docxtpl import Listing

    document = template(content)
    context = {
        field: Listing(_as_paragraphs(values.get(source, ""))) for field, source in taken.items()
    }
    document.render(context, jinja_env=_environment(), autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def keep(session: Session, round_id: int, prepared: Prepared) -> None:
    session.add(
        Svarsmall(
            round_id=round_id,
            name=prepared.name,
            content=prepared.content,
            fields=prepared.fields,
            created_at=now(),
        )
    )


def of(session: Session, round_id: int) -> Svarsmall | None:
    return session.get(Svarsmall, round_id)


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def _as_paragraphs(text: str) -> str:
    blocks = re.split(r"\n\s*\n", NOT_IN_XML.sub("", text.replace("\r\n", "\n")).strip())
    return "\a".join(block.strip("\n") for block in blocks)


def _described(source: str) -> str:
    key, _, what = source.partition(".")
    if not what:
        return f"brevets {HEADER_FIELDS[key]}"
    return f"frågan '{key}' ({'ställningstagandet' if what == POSITION else 'texten'})"
