"""Files attached to an answer: Word (.docx), PDF or ODT, at most ``FILES_MOST`` to an
answer and ``FILE_MOST`` bytes each, each checked for what it claims to be before it is kept.

A file is what its name says when its bytes say so too: a PDF begins ``%PDF-``; a .docx is
a zip whose ``[Content_Types].xml`` names a Word document; an .odt is a zip whose first
entry ``mimetype`` names an OpenDocument text. Anything else is refused with a sentence the
reviewer can act on, and nothing of the answer is saved (the page keeps what was typed).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core.clock import now
from remiss.core.errors import InputError
from remiss.core.models import AnswerAttachment, AnswerVersion
from remiss.core.text import printable
from remiss.reviewers import word_changes

FILES_MOST = 5
FILE_MOST = 20 * 1024 * 1024
KINDS = {"docx": "Word", "pdf": "PDF", "odt": "ODT"}
_WORD_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_ODT_TYPE = b"application/vnd.oasis.opendocument.text"
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
}
HINT = (
    f"Du kan bifoga Word- (.docx), PDF- eller ODT-filer, högst {FILES_MOST} till ett svar "
    f"och högst {FILE_MOST // (1024 * 1024)} MB var."
)


class NotAccepted(InputError):
    """A file that may not be attached; nothing of the answer was saved."""

    def __init__(self, message: str) -> None:
        super().__init__(
            message + " Inget sparades: det du skrev finns kvar nedan.", field="bilagor"
        )


@dataclass(frozen=True)
class Incoming:
    """A file as it came, by the page or by reply."""

    filename: str
    content: bytes


def clean_name(filename: str) -> str:
    """The file's own name without any folder, control characters or excess length."""
    name = printable(filename).replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem, dot, ext = name.rpartition(".")
    if len(name) > 200:
        name = (stem[:190] + dot + ext[:8]) if dot else name[:200]
    return name or "bilaga"


def kind_of(filename: str, content: bytes) -> str:
    """The kind (docx, pdf, odt) ``content`` is, if it is what ``filename`` says; else
    ``NotAccepted`` saying why."""
    name = clean_name(filename)
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    if ext not in KINDS:
        raise NotAccepted(f"Filen ”{name}” kan inte bifogas. {HINT}")
    if not content:
        raise NotAccepted(f"Filen ”{name}” är tom.")
    if len(content) > FILE_MOST:
        raise NotAccepted(f"Filen ”{name}” är större än {FILE_MOST // (1024 * 1024)} MB. {HINT}")
    if not _is(ext, content):
        raise NotAccepted(
            f"Filen ”{name}” är inte en riktig {KINDS[ext]}-fil, fast namnet säger det. "
            "Spara den på nytt i rätt format och försök igen."
        )
    return ext


def _is(ext: str, content: bytes) -> bool:
    if ext == "pdf":
        return content.startswith(b"%PDF-")
    if not content.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            if ext == "odt":
                first = package.infolist()[0]
                return first.filename == "mimetype" and package.read(first)[:100] == _ODT_TYPE
            types = package.getinfo("[Content_Types].xml")
            if types.file_size > 1024 * 1024 or "word/document.xml" not in package.namelist():
                return False
            return _WORD_TYPE in package.read(types)
    except (zipfile.BadZipFile, KeyError, IndexError, OSError, RuntimeError, ValueError):
        return False


def check(files: Sequence[Incoming], already: int = 0) -> list[tuple[Incoming, str]]:
    """``files`` with their kinds, if all may be attached to an answer that holds
    ``already``; ``NotAccepted`` for the first that may not."""
    if already + len(files) > FILES_MOST:
        raise NotAccepted(
            f"Ett svar kan ha högst {FILES_MOST} bilagor"
            + (f", och det har redan {already}." if already else ".")
        )
    return [(incoming, kind_of(incoming.filename, incoming.content)) for incoming in files]


def count(session: Session, invitation_id: int) -> int:
    """How many files the invitation's answer holds (all of its versions')."""
    return len(
        session.scalars(
            select(AnswerAttachment.id).where(AnswerAttachment.invitation_id == invitation_id)
        ).all()
    )


def attach(
    session: Session, invitation_id: int, number: int, files: Sequence[tuple[Incoming, str]]
) -> list[AnswerAttachment]:
    """Store ``files`` (checked) with the answer version ``number``, if the answer has room
    for them; a Word file's tracked changes and comments are read now."""
    if not files:
        return []
    check([incoming for incoming, _kind in files], count(session, invitation_id))
    version_id = session.scalar(
        select(AnswerVersion.id).where(
            AnswerVersion.invitation_id == invitation_id, AnswerVersion.number == number
        )
    )
    assert version_id is not None, "the version is written before its files"
    kept = []
    for incoming, kind in files:
        changes: list[dict[str, str]] = []
        if kind == "docx":
            try:
                changes = word_changes.read(incoming.content)
            except word_changes.Unreadable as exc:
                raise NotAccepted(
                    f"Filen ”{clean_name(incoming.filename)}” gick inte att läsa som "
                    "Word-dokument. Spara den på nytt och försök igen."
                ) from exc
        row = AnswerAttachment(
            invitation_id=invitation_id,
            version_id=version_id,
            number=number,
            filename=clean_name(incoming.filename),
            kind=kind,
            size=len(incoming.content),
            sha256=hashlib.sha256(incoming.content).hexdigest(),
            content=incoming.content,
            changes=changes,
            created_at=now(),
        )
        session.add(row)
        kept.append(row)
    session.flush()
    return kept


@dataclass(frozen=True)
class Listed:
    """A file as pages and the sammanställning list it (its bytes left in the database)."""

    id: int
    invitation_id: int
    number: int
    filename: str
    kind: str
    size: int
    changes: list[dict[str, str]]

    @property
    def size_sv(self) -> str:
        kb = max(1, round(self.size / 1024))
        return f"{kb} kB" if kb < 1024 else f"{self.size / (1024 * 1024):.1f} MB".replace(".", ",")


def of_invitations(session: Session, invitation_ids: Sequence[int]) -> dict[int, list[Listed]]:
    """The files of each invitation's answer, oldest first."""
    rows = session.execute(
        select(
            AnswerAttachment.id,
            AnswerAttachment.invitation_id,
            AnswerAttachment.number,
            AnswerAttachment.filename,
            AnswerAttachment.kind,
            AnswerAttachment.size,
            AnswerAttachment.changes,
        )
        .where(AnswerAttachment.invitation_id.in_(list(invitation_ids)))
        .order_by(AnswerAttachment.id)
    )
    listed: dict[int, list[Listed]] = {}
    for row in rows:
        listed.setdefault(row.invitation_id, []).append(Listed(*row))
    return listed


def on_page(session: Session, invitation_id: int) -> list[Listed]:
    """The files of the invitation's answer, for its reviewer's page (``page.read`` has
    found the invitation by its link already)."""
    return of_invitations(session, [invitation_id]).get(invitation_id, [])


def file(session: Session, attachment_id: int, round_id: int) -> AnswerAttachment | None:
    """The file ``attachment_id`` if it belongs to an answer in ``round_id``."""
    found = session.get(AnswerAttachment, attachment_id)
    if found is None or found.invitation.round_id != round_id:
        return None
    return found


def acceptable(files: Sequence[tuple[str, bytes]]) -> tuple[list[tuple[Incoming, str]], list[str]]:
    """Of the files a reply carried, those that may be attached (with their kinds) and the
    names of those that may not; files of other kinds (a signature's logo) are left out."""
    taken: list[tuple[Incoming, str]] = []
    refused: list[str] = []
    for name, content in files:
        if clean_name(name).rpartition(".")[2].lower() not in KINDS:
            continue
        try:
            taken.append((Incoming(name, content), kind_of(name, content)))
        except NotAccepted:
            refused.append(clean_name(name))
    refused.extend(clean_name(incoming.filename) for incoming, _kind in taken[FILES_MOST:])
    return taken[:FILES_MOST], refused


def attach_what_fits(
    session: Session, invitation_id: int, number: int, files: Sequence[tuple[Incoming, str]]
) -> list[str]:
    """Store as many of ``files`` (checked) as the answer has room for; the names of the rest."""
    room = max(0, FILES_MOST - count(session, invitation_id))
    kept: list[tuple[Incoming, str]] = []
    left: list[str] = []
    for incoming, kind in files:
        if len(kept) >= room:
            left.append(clean_name(incoming.filename))
            continue
        try:
            with session.begin_nested():
                attach(session, invitation_id, number, [(incoming, kind)])
            kept.append((incoming, kind))
        except NotAccepted:
            left.append(clean_name(incoming.filename))
    return left
