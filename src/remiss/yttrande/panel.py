"""What a round's page shows of its yttrande: the versions, the coordinator's text, checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from remiss.core.models import Round, YttrandeVersion
from remiss.directory import kinds
from remiss.directory.sync import organisation
from remiss.rounds import svarsmall
from remiss.yttrande import drafts, joint
from remiss.yttrande.versions import SIGNATORY_MAX

# A summary is a few paragraphs; ten thousand characters is four printed pages.
SUMMARY_MAX = 10_000


@dataclass(frozen=True)
class VersionRow:
    number: int
    created_at: datetime
    checksum: str

    @property
    def short_checksum(self) -> str:
        return self.checksum[:12]


@dataclass
class Panel:
    """What the round page's yttrande section shows, and what the form holds."""

    versions: list[VersionRow]
    summary: str
    signatory: str
    default_signatory: str
    compile_error: str | None = None
    errors: dict[str, str] = field(default_factory=dict)
    # Drafting the yttrande that is sent.
    drafter: str | None = None
    draft_number: int | None = None
    draft_saved_at: datetime | None = None
    handed_over_at: datetime | None = None
    # The sender's svarsmall the yttrande is also filled into: its file name, if any.
    svarsmall: str | None = None

    @property
    def latest(self) -> VersionRow | None:
        return self.versions[-1] if self.versions else None


def panel(
    session: Session,
    round_: Round,
    *,
    summary: str | None = None,
    signatory: str | None = None,
    errors: dict[str, str] | None = None,
) -> Panel:
    """The yttrande section of ``round_``'s page; typed values win over stored ones."""
    # Only the columns the list shows: each stored version also holds its documents.
    rows = session.scalars(
        select(YttrandeVersion)
        .where(YttrandeVersion.round_id == round_.id)
        .options(
            load_only(YttrandeVersion.number, YttrandeVersion.created_at, YttrandeVersion.checksum)
        )
        .order_by(YttrandeVersion.number)
    )
    default_signatory = kinds.default_signatory(organisation(session), round_.kind)
    draft = drafts.current(session, round_.id)
    return Panel(
        versions=[VersionRow(r.number, r.created_at, r.checksum) for r in rows],
        summary=(round_.summary or "") if summary is None else summary,
        signatory=(round_.signatory or default_signatory) if signatory is None else signatory,
        default_signatory=default_signatory,
        compile_error=round_.compile_error if round_.compile_pending else None,
        errors=errors or {},
        drafter=_line(joint.handlaggare(session, round_)),
        draft_number=draft.number if draft is not None else None,
        draft_saved_at=draft.created_at if draft is not None else None,
        handed_over_at=round_.handed_over_at,
        svarsmall=template.name if (template := svarsmall.of(session, round_.id)) else None,
    )


def form_errors(summary: str, signatory: str) -> dict[str, str]:
    """What is wrong with the coordinator's summary and signatory, by field, in Swedish."""
    errors = {}
    length = len(summary.replace("\r\n", "\n").strip())
    if length > SUMMARY_MAX:
        errors["summary"] = (
            f"Sammanfattningen får vara högst {_count(SUMMARY_MAX)} tecken; "
            f"den är nu {_count(length)}. Korta den och spara igen."
        )
    if len(signatory.strip()) > SIGNATORY_MAX:
        errors["signatory"] = f"Undertecknaren får vara högst {SIGNATORY_MAX} tecken."
    return errors


def _count(n: int) -> str:
    """'10 000': Swedish digit grouping, with a space that does not break."""
    return f"{n:,}".replace(",", "\u00a0")


def version(session: Session, round_id: int, number: int | None) -> YttrandeVersion | None:
    """Version ``number`` of the round, or its latest when ``number`` is None."""
    query = select(YttrandeVersion).where(YttrandeVersion.round_id == round_id)
    if number is None:
        query = query.order_by(YttrandeVersion.number.desc()).limit(1)
    else:
        query = query.where(YttrandeVersion.number == number)
    return session.scalars(query).first()


def _line(officer: joint.Handlaggare | None) -> str | None:
    return officer.line() if officer is not None else None
