"""A file a worker cannot make is set aside with why: the rest are made, the download says
why instead of "being made" for ever, and a worker starting tries again.

The faults are real: a stored sammanställning whose content no renderer can read, and a
sender's svarsmall that is not a Word file.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import select

from remiss.app import App
from remiss.core.models import LetterFile, Svarsmall, YttrandeVersion
from remiss.usecases.worker import Worker
from remiss.yttrande import letter_store
from tests.web.conftest import Opened
from tests.working import WorkedClient, downloaded

BROKEN = {"heading": "Ett innehåll som ingen renderare kan läsa"}


def broken_version(app: App, round_id: int) -> int:
    with app.transaction() as session:
        version = YttrandeVersion(
            round_id=round_id, number=1, created_at=datetime(2026, 4, 1, tzinfo=UTC),
            checksum="0" * 64, content=BROKEN, docx=b"", html="", pdf=None, files_pending=True,
        )  # fmt: skip
        session.add(version)
        session.flush()
        return version.id


def set_aside(app: App) -> dict[int, tuple[bool, str | None]]:
    with app.sessions() as session:
        rows = session.execute(
            select(YttrandeVersion.id, YttrandeVersion.files_pending, YttrandeVersion.render_error)
        )
        return {id_: (pending, error) for id_, pending, error in rows}


def start_a_standing_worker(app: App) -> None:
    """A standing worker's start (``remiss worker``), stopped as soon as it is at work."""
    stop = threading.Event()
    Worker(app).run(stop, ready=stop.set)


def test_a_version_no_renderer_can_read_is_set_aside_and_the_download_says_why(
    coordinator: WorkedClient, opened: Opened, sample_directory: App
) -> None:
    app = sample_directory
    with coordinator.worker_stopped():
        broken = broken_version(app, opened.round_id)
        # The letter's PDF asked for after it: behind it in the worker's queue.
        assert coordinator.get(f"/rounds/{opened.round_id}/yttrande.pdf").status_code == 202

    Worker(app).drain()  # no exception: the worker goes on to the rest

    assert coordinator.get(f"/rounds/{opened.round_id}/yttrande.pdf").status_code == 200
    pending, error = set_aside(app)[broken]
    assert pending is False and error is not None and error.startswith("TypeError")
    page = coordinator.get(f"/rounds/{opened.round_id}/sammanstallning.pdf")
    assert page.status_code == 503
    assert "PDF-filen för version 1 kunde inte skapas: TypeError" in page.text
    assert "starta om arbetaren (remiss worker)" in page.text

    # A standing worker starting takes it up again (the machine may have been mended);
    # this content still cannot be read, so it is set aside again.
    start_a_standing_worker(app)
    assert set_aside(app)[broken] == (True, None)
    Worker(app).drain()
    assert set_aside(app)[broken][1] is not None


def test_a_svarsmall_that_is_not_a_word_file_is_said_once_not_made_for_ever(
    coordinator: WorkedClient, opened: Opened, sample_directory: App
) -> None:
    app = sample_directory
    with app.transaction() as session:
        session.add(
            Svarsmall(
                round_id=opened.round_id, name="svarsmall.docx", content=b"not a Word file",
                fields={}, created_at=datetime(2026, 4, 1, tzinfo=UTC),
            )
        )  # fmt: skip
    url = f"/rounds/{opened.round_id}/svarsmall.docx"

    page = downloaded(coordinator, url)

    assert page.status_code == 503
    assert "Yttrandet i avsändarens svarsmall kunde inte skapas:" in page.text
    # Asked again and again, it is not made again and again: the reason stands.
    assert coordinator.get(url).status_code == 503
    assert letter_store.render_pending(app.sessions, app.settings, most=10) == 0
    with app.sessions() as session:
        [(content, error)] = session.execute(select(LetterFile.content, LetterFile.error))
    assert content is None and error

    # A worker starting asks for it again (the machine may have been mended).
    start_a_standing_worker(app)
    with app.sessions() as session:
        assert session.scalars(select(LetterFile.error)).all() == [None]
