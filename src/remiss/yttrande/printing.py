"""Printing each round's newest sammanställning to PDF once, after it is compiled.

WeasyPrint takes seconds for a long round (minutes for a thousand answers), so neither
closing nor a download waits on it: the flows that compile print the PDF as their next
task, the web after its response, and a download then serves the stored file. A
download that comes first still prints it (``documents.content``) and keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from remiss.core.errors import RemissError
from remiss.core.models import YttrandeVersion
from remiss.yttrande import pdf


def unprinted(session: Session, round_ids: Iterable[int]) -> list[int]:
    """The ids of the given rounds' newest versions that have no PDF yet."""
    newest = (
        select(YttrandeVersion.round_id, func.max(YttrandeVersion.number).label("number"))
        .where(YttrandeVersion.round_id.in_(list(round_ids)))
        .group_by(YttrandeVersion.round_id)
        .subquery()
    )
    return list(
        session.scalars(
            select(YttrandeVersion.id)
            .join(
                newest,
                (YttrandeVersion.round_id == newest.c.round_id)
                & (YttrandeVersion.number == newest.c.number),
            )
            .where(YttrandeVersion.pdf.is_(None))
            .order_by(YttrandeVersion.id)
        )
    )


def print_pending(sessions: sessionmaker[Session], round_ids: Iterable[int]) -> int:
    """Print and keep the PDF of each given round's newest version that lacks one; how many.

    One transaction per version, so printing never holds a lock while WeasyPrint works; a
    version printed meanwhile by a download is left as it is. Without WeasyPrint's system
    libraries nothing is printed (the download then says why).
    """
    with sessions() as session:
        pending = unprinted(session, round_ids)
    printed = 0
    for version_id in pending:
        with sessions() as session:
            html = session.scalar(
                select(YttrandeVersion.html).where(YttrandeVersion.id == version_id)
            )
        if html is None:
            continue
        try:
            content = pdf.from_html(html)
        except RemissError:
            return printed
        with sessions() as session, session.begin():
            done = session.execute(
                update(YttrandeVersion)
                .where(YttrandeVersion.id == version_id, YttrandeVersion.pdf.is_(None))
                .values(pdf=content)
            )
            printed += done.rowcount  # type: ignore[attr-defined]
    return printed
