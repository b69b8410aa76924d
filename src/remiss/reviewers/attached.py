"""The files of a round's submitted answers, per respondent, as the drafting page and the
sammanställning list them. A file attached to a draft stays the reviewer's until they submit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from remiss.core.models import AnswerAttachment, AnswerVersion, Invitation, Person
from remiss.core.states import VersionKind
from remiss.reviewers.attachments import KINDS, Listed


@dataclass(frozen=True)
class Answered:
    """One respondent's submitted answer and its files."""

    invitation_id: int
    name: str
    files: list[Listed]


def line(file: Listed) -> str:
    """How the sammanställning lists a file: its name, kind and size, and for a Word file
    how many tracked changes and comments it holds."""
    said = f"{file.filename} ({KINDS.get(file.kind, file.kind)}, {file.size_sv}"
    if file.kind == "docx":
        said += (
            f"; {len(file.changes)} spårade ändringar och kommentarer"
            if file.changes
            else ("; inga spårade ändringar eller kommentarer")
        )
    return said + ")"


def by_invitation(session: Session, round_id: int) -> dict[int, tuple[str, ...]]:
    """The lines of each submitted answer's files in ``round_id``, by invitation."""
    return {
        a.invitation_id: tuple(line(f) for f in a.files) for a in submitted_files(session, round_id)
    }


def submitted_files(session: Session, round_id: int) -> list[Answered]:
    """Every respondent of ``round_id`` whose submitted answer holds files, by name."""
    submitted = (
        select(AnswerVersion.invitation_id, func.max(AnswerVersion.number).label("number"))
        .join(Invitation, Invitation.id == AnswerVersion.invitation_id)
        .where(Invitation.round_id == round_id, AnswerVersion.kind == VersionKind.SUBMITTED)
        .group_by(AnswerVersion.invitation_id)
        .subquery()
    )
    rows = session.execute(
        select(
            AnswerAttachment.id, AnswerAttachment.invitation_id, AnswerAttachment.number,
            AnswerAttachment.filename, AnswerAttachment.kind, AnswerAttachment.size,
            AnswerAttachment.changes, Person.name,
        )
        .join(submitted, submitted.c.invitation_id == AnswerAttachment.invitation_id)
        .join(Invitation, Invitation.id == AnswerAttachment.invitation_id)
        .join(Person, Person.id == Invitation.person_id)
        .where(AnswerAttachment.number <= submitted.c.number)
        .order_by(Person.name, AnswerAttachment.id)
    )  # fmt: skip
    answered: dict[int, Answered] = {}
    for row in rows:
        entry = answered.setdefault(row.invitation_id, Answered(row.invitation_id, row.name, []))
        entry.files.append(Listed(*row[:7]))
    return list(answered.values())
