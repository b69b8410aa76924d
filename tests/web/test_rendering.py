"""The sammanställning's files are rendered once per version by a worker after the request
that compiled it, and downloads serve the stored files: neither closing nor a GET waits on
a renderer."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from remiss.app import App
from remiss.core.models import YttrandeVersion
from remiss.usecases.worker import Worker
from remiss.yttrande.version_files import render_pending, render_version
from tests.web.conftest import REVIEWER, Opened
from tests.web.test_yttrande_pages import answer, post
from tests.working import WorkedClient


def files(app: App, round_id: int) -> list[tuple[int, bool, bool, bool, bool]]:
    """Each version's number, whether its Word, HTML and PDF files are stored, and whether
    it is still pending for a worker."""
    with app.sessions() as session:
        rows = session.execute(
            select(
                YttrandeVersion.number, YttrandeVersion.docx, YttrandeVersion.html,
                YttrandeVersion.pdf, YttrandeVersion.files_pending,
            )
            .where(YttrandeVersion.round_id == round_id)
            .order_by(YttrandeVersion.number)
        ).all()  # fmt: skip
    return [
        (number, bool(docx), bool(html), pdf is not None, pending)
        for number, docx, html, pdf, pending in rows
    ]


def refuse_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("rendered while answering a request")

    for module in ("memo_docx", "memo_html", "memo_pdf"):
        monkeypatch.setattr(f"remiss.yttrande.render.{module}.render", refuse)


def test_closing_renders_nothing_and_a_worker_renders_the_files_after(
    coordinator: WorkedClient, opened: Opened, sample_directory: App,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    answer(coordinator, opened.token_for(REVIEWER), **{"q-stallningstagande": "Tillstyrker"})
    with monkeypatch.context() as during, coordinator.worker_stopped():
        refuse_rendering(during)
        assert post(coordinator, f"/rounds/{opened.round_id}/close").status_code == 303
        # Version 1 is stored as content only, pending for a worker.
        assert files(sample_directory, opened.round_id) == [(1, False, False, False, True)]
    done = Worker(sample_directory).drain()
    assert done.rendered == 3
    assert files(sample_directory, opened.round_id) == [(1, True, True, True, False)]

    with sample_directory.sessions() as session:
        stored = session.scalars(select(YttrandeVersion)).one()
        stored_files = {"docx": stored.docx, "html": stored.html.encode(), "pdf": stored.pdf}
    with monkeypatch.context() as during:
        refuse_rendering(during)
        for fmt, content in stored_files.items():
            download = coordinator.get(f"/rounds/{opened.round_id}/sammanstallning.{fmt}")
            assert download.status_code == 200 and download.content == content


def test_compiling_again_renders_the_new_version_once(
    coordinator: WorkedClient, opened: Opened, sample_directory: App
) -> None:
    answer(coordinator, opened.token_for(REVIEWER), **{"q-stallningstagande": "Tillstyrker"})
    assert post(coordinator, f"/rounds/{opened.round_id}/close").status_code == 303
    # The client's worker ran after the request.
    assert files(sample_directory, opened.round_id) == [(1, True, True, True, False)]

    assert post(coordinator, f"/rounds/{opened.round_id}/yttrande",
                summary="Regionerna tillstyrker.", signatory="Anna Berg").status_code == 303  # fmt: skip
    assert files(sample_directory, opened.round_id) == [
        (1, True, True, True, False),
        (2, True, True, True, False),
    ]
    # Nothing left to render: rendering again renders nothing.
    assert render_pending(sample_directory.sessions, [opened.round_id]) == 0
    assert Worker(sample_directory).drain().rendered == 0


def test_a_download_of_a_file_not_rendered_yet_says_so_and_renders_nothing(
    coordinator: WorkedClient, opened: Opened, sample_directory: App,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    answer(coordinator, opened.token_for(REVIEWER), **{"q-stallningstagande": "Tillstyrker"})
    with monkeypatch.context() as during, coordinator.worker_stopped():
        refuse_rendering(during)
        assert post(coordinator, f"/rounds/{opened.round_id}/close").status_code == 303
        waiting = coordinator.get(f"/rounds/{opened.round_id}/sammanstallning.pdf")
    assert waiting.status_code == 202
    assert waiting.headers["retry-after"] == "10"
    assert "PDF-filen för version 1 skapas just nu" in waiting.text
    assert files(sample_directory, opened.round_id) == [(1, False, False, False, True)]

    # The worker renders it (the client's own, after this request): then it is served.
    printed = coordinator.get(f"/rounds/{opened.round_id}/sammanstallning.pdf")
    assert printed.status_code == 202
    printed = coordinator.get(f"/rounds/{opened.round_id}/sammanstallning.pdf")
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")


def test_a_file_one_worker_rendered_is_not_rendered_again_by_another(
    coordinator: WorkedClient, opened: Opened, sample_directory: App
) -> None:
    answer(coordinator, opened.token_for(REVIEWER), **{"q-stallningstagande": "Tillstyrker"})
    with coordinator.worker_stopped():
        assert post(coordinator, f"/rounds/{opened.round_id}/close").status_code == 303
    with sample_directory.sessions() as session:
        version_id = session.scalars(select(YttrandeVersion.id)).one()
    first, second = Worker(sample_directory), Worker(sample_directory)
    assert first.drain().rendered == 3
    assert render_version(sample_directory.sessions, version_id) == 0
    assert second.drain().rendered == 0
