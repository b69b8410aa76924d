"""The yttrande's files are rendered once for what the letter says, by a worker, never in
the download: a download again is served as stored, a changed letter is rendered anew, and
until the worker has made it the page says it is being made."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from remiss.app import App
from remiss.core.models import LetterFile, Round
from remiss.usecases.worker import Worker
from tests.web.conftest import Opened
from tests.working import WorkedClient, downloaded


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
    first = downloaded(coordinator, url)
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
    changed = downloaded(coordinator, url)
    assert changed.status_code == 200 and changed.content != first.content
    assert kept(sample_directory) == [("pdf", True)]


@pytest.mark.parametrize(("fmt", "said", "magic"), [
    ("docx", "Word-filen med yttrandet skapas just nu", b"PK"),
    ("html", "HTML-filen med yttrandet skapas just nu", b"<!DOCTYPE html>"),
    ("pdf", "PDF-filen med yttrandet skapas just nu", b"%PDF"),
])  # fmt: skip
def test_a_download_before_the_worker_ran_says_so_and_renders_nothing(
    coordinator: WorkedClient, opened: Opened, sample_directory: App,
    monkeypatch: pytest.MonkeyPatch, fmt: str, said: str, magic: bytes,
) -> None:  # fmt: skip
    url = f"/rounds/{opened.round_id}/yttrande.{fmt}"
    with monkeypatch.context() as during, coordinator.worker_stopped():
        refuse_rendering(during)
        waiting = coordinator.get(url)
        assert waiting.status_code == 202 and waiting.headers["retry-after"] == "10"
        assert said in waiting.text
        assert coordinator.get(url).status_code == 202  # asked once, however often
        assert kept(sample_directory) == [(fmt, False)]
    assert Worker(sample_directory).drain().rendered == 1
    assert kept(sample_directory) == [(fmt, True)]
    with monkeypatch.context() as during:
        refuse_rendering(during)
        served = coordinator.get(url)
    assert served.status_code == 200 and served.content.startswith(magic)
