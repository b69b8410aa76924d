"""The yttrande's files are rendered once for what the letter says: a download again is
served as stored, a changed letter is rendered anew, and a large one is left to a worker
while the page says it is being made."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from remiss.app import App
from remiss.core.models import LetterFile, Round
from remiss.usecases.worker import Worker
from remiss.yttrande import letter_store
from tests.web.conftest import Opened
from tests.working import WorkedClient


def refuse_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("rendered again")

    monkeypatch.setattr("remiss.yttrande.render.letter_files.render", refuse)


def kept(app: App) -> list[tuple[str, bool]]:
    with app.sessions() as session:
        rows = session.execute(select(LetterFile.fmt, LetterFile.content).order_by(LetterFile.id))
        return [(fmt, content is not None) for fmt, content in rows]


def test_the_same_letter_downloaded_again_is_served_as_stored(
    coordinator: WorkedClient, opened: Opened, sample_directory: App,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    url = f"/rounds/{opened.round_id}/yttrande.pdf"
    first = coordinator.get(url)
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    assert kept(sample_directory) == [("pdf", True)]
    with monkeypatch.context() as during:
        refuse_rendering(during)
        again = coordinator.get(url)
    assert again.status_code == 200 and again.content == first.content

    # What the letter says changes: it is rendered anew, and the old file goes.
    with sample_directory.transaction() as session:
        round_ = session.get(Round, opened.round_id)
        assert round_ is not None
        round_.signatory = "Anna Berg, ordförande"
    changed = coordinator.get(url)
    assert changed.status_code == 200 and changed.content != first.content
    assert kept(sample_directory) == [("pdf", True)]


def test_a_large_letter_is_left_to_a_worker_and_the_page_says_so(
    coordinator: WorkedClient, opened: Opened, sample_directory: App,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(letter_store, "INLINE_MOST", 10)  # every letter counts as large
    url = f"/rounds/{opened.round_id}/yttrande.docx"
    with monkeypatch.context() as during, coordinator.worker_stopped():
        refuse_rendering(during)
        waiting = coordinator.get(url)
        assert waiting.status_code == 202
        assert "Word-filen med yttrandet skapas just nu" in waiting.text
        assert coordinator.get(url).status_code == 202  # asked once, however often
        assert kept(sample_directory) == [("docx", False)]
    assert Worker(sample_directory).drain().rendered == 1
    assert kept(sample_directory) == [("docx", True)]
    with monkeypatch.context() as during:
        refuse_rendering(during)
        served = coordinator.get(url)
    assert served.status_code == 200 and served.content.startswith(b"PK")
