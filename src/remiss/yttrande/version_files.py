"""Rendering each version's files once, from its stored content, in the formats asked for.

Compiling stores a version's content only, with ``files_pending`` set, so closing never
waits on a renderer. A worker renders what is pending (``usecases.worker``); a command
without one renders inline, the CLI's compile only in the formats it writes; a download
then serves the stored file. Each file is rendered at most once per version: one written
meanwhile by another worker is left as it is. A version a worker cannot render is set aside
with why (``set_aside``), so the rest are rendered and the download says it; a worker
starting tries again (``retry_set_aside``), after the machine is mended.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from remiss.core import progress
from remiss.core.models import YttrandeVersion
from remiss.yttrande.documents import FORMAT_NAMES, FORMATS
from remiss.yttrande.model import Yttrande

COLUMNS = {"docx": YttrandeVersion.docx, "html": YttrandeVersion.html, "pdf": YttrandeVersion.pdf}


def render(yttrande: Yttrande, fmt: str) -> bytes | str:
    """The yttrande in ``fmt``: Word or PDF bytes, or the HTML page as text."""
    # Each renderer imported where it renders: a process that makes no files loads none.
    from remiss.yttrande.render import memo_docx, memo_html, memo_pdf

    if fmt == "docx":
        return memo_docx.render(yttrande)
    if fmt == "html":
        return memo_html.render(yttrande)
    return memo_pdf.render(yttrande)


def unrendered(fmt: str) -> ColumnElement[bool]:
    """Whether a version's ``fmt`` file is still to be rendered."""
    if fmt == "pdf":
        return YttrandeVersion.pdf.is_(None)
    return func.length(COLUMNS[fmt]) == 0


def pending(
    session: Session, round_ids: Iterable[int], formats: Sequence[str] = FORMATS
) -> list[tuple[int, list[str]]]:
    """The given rounds' newest versions that lack a file in ``formats``, with those formats."""
    wanted = [fmt for fmt in FORMATS if fmt in formats]
    newest = (
        select(YttrandeVersion.round_id, func.max(YttrandeVersion.number).label("number"))
        .where(YttrandeVersion.round_id.in_(list(round_ids)))
        .group_by(YttrandeVersion.round_id)
        .subquery()
    )
    rows = session.execute(
        select(YttrandeVersion.id, *(unrendered(fmt) for fmt in wanted))
        .join(
            newest,
            (YttrandeVersion.round_id == newest.c.round_id)
            & (YttrandeVersion.number == newest.c.number),
        )
        .order_by(YttrandeVersion.id)
    ).all()
    found = [
        (row[0], [fmt for fmt, lacking in zip(wanted, row[1:], strict=True) if lacking])
        for row in rows
    ]
    return [(version_id, missing) for version_id, missing in found if missing]


def render_pending(
    sessions: sessionmaker[Session], round_ids: Iterable[int], formats: Sequence[str] = FORMATS
) -> int:
    """Render and keep the missing ``formats`` of each given round's newest version; how many.

    One short transaction per file, so no lock is held while a renderer works.
    """
    with sessions() as session:
        todo = pending(session, round_ids, formats)
    return sum(render_version(sessions, version_id, missing) for version_id, missing in todo)


def files_pending(session: Session, limit: int) -> list[int]:
    """Versions with a file still to render, oldest first: what a worker renders."""
    return list(
        session.scalars(
            select(YttrandeVersion.id)
            .where(YttrandeVersion.files_pending)
            .order_by(YttrandeVersion.id)
            .limit(limit)
        )
    )


def set_aside(sessions: sessionmaker[Session], version_id: int, why: str) -> None:
    """A version whose files cannot be rendered: no worker takes it again until one starts."""
    with sessions.begin() as session:
        session.execute(
            update(YttrandeVersion)
            .where(YttrandeVersion.id == version_id)
            .values(files_pending=False, render_error=why)
        )


def retry_set_aside(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        session.execute(
            update(YttrandeVersion)
            .where(YttrandeVersion.render_error.is_not(None))
            .values(files_pending=True, render_error=None)
        )


def render_version(
    sessions: sessionmaker[Session], version_id: int, formats: Sequence[str] = FORMATS
) -> int:
    """Render and keep version ``version_id``'s files in ``formats`` that it lacks; how many."""
    with sessions() as session:
        row = session.execute(
            select(YttrandeVersion.content, *(unrendered(fmt) for fmt in formats)).where(
                YttrandeVersion.id == version_id
            )
        ).first()
    if row is None:
        return 0
    yttrande = Yttrande.from_dict(row[0])
    rendered = 0
    for fmt, lacking in zip(formats, row[1:], strict=True):
        if not lacking:
            continue
        progress.step(f"skapar {FORMAT_NAMES[fmt]}-filen")
        content = render(yttrande, fmt)
        with sessions() as session, session.begin():
            done = session.execute(
                update(YttrandeVersion)
                .where(YttrandeVersion.id == version_id, unrendered(fmt))
                .values({COLUMNS[fmt]: content})
            )
            rendered += done.rowcount  # type: ignore[attr-defined]
    with sessions() as session, session.begin():
        # Every file there (whoever rendered it): no worker need look at it again.
        session.execute(
            update(YttrandeVersion)
            .where(YttrandeVersion.id == version_id, YttrandeVersion.files_pending)
            .where(*(~unrendered(fmt) for fmt in FORMATS))
            .values(files_pending=False)
        )
    return rendered
