"""The sammanställning's files are rendered once per version after the response that compiled
it, and downloads serve the stored files: neither closing nor a GET waits on a renderer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import BackgroundTasks
from fastapi.testclient import TestClient
from sqlalchemy import select

from remiss.app import App
from remiss.core.models import YttrandeVersion
from remiss.web.orchestration import Orchestrator
from remiss.yttrande.version_files import render_pending, render_version
from tests.web.conftest import REVIEWER, Opened
from tests.web.test_yttrande_pages import answer, post


def files(app: App, round_id: int) -> list[tuple[int, bool, bool, bool]]:
    """Each version's number and whether its Word, HTML and PDF files are stored."""
    with app.sessions() as session:
        rows = session.execute(
            select(
                YttrandeVersion.number, YttrandeVersion.docx, YttrandeVersion.html,
                YttrandeVersion.pdf,
            )
            .where(YttrandeVersion.round_id == round_id)
            .order_by(YttrandeVersion.number)
        ).all()  # fmt: skip
    return [(number, bool(docx), bool(html), pdf is not None) for number, docx, html, pdf in rows]


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> list[Callable[[], Any]]:
    """The renderings the web asks for, held instead of run after the response."""
    later: list[Callable[[], Any]] = []

    def hold_round(sessions: Any, round_ids: Any, formats: Any) -> None:
        later.append(lambda: render_pending(sessions, round_ids, formats))

    def hold_version(self: Orchestrator, background: object, version_id: int, fmt: str) -> None:
        later.append(lambda: render_version(self.app.sessions, version_id, [fmt]))

    # What a route's use case leaves for after the response (``web.deps.web_runtime``).
    monkeypatch.setattr("remiss.web.deps.render_pending", hold_round)
    monkeypatch.setattr(Orchestrator, "render_version_later", hold_version)
    return later


def refuse_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("rendered while answering a request")

    for module in ("memo_docx", "memo_html", "memo_pdf"):
        monkeypatch.setattr(f"remiss.yttrande.render.{module}.render", refuse)


def test_closing_renders_nothing_and_the_files_come_after_the_response(
    coordinator: TestClient, opened: Opened, sample_directory: App,
    held: list[Callable[[], Any]], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    answer(coordinator, opened.token_for(REVIEWER), **{"q-stallningstagande": "Tillstyrker"})
    with monkeypatch.context() as during:
        refuse_rendering(during)
        assert post(coordinator, f"/rounds/{opened.round_id}/close").status_code == 303
        # Before the work after the response: version 1 is stored, as content only.
        assert files(sample_directory, opened.round_id) == [(1, False, False, False)]
    assert len(held) == 1
    assert held.pop()() == 3
    assert files(sample_directory, opened.round_id) == [(1, True, True, True)]

    with sample_directory.sessions() as session:
        stored = session.scalars(select(YttrandeVersion)).one()
        stored_files = {"docx": stored.docx, "html": stored.html.encode(), "pdf": stored.pdf}
    with monkeypatch.context() as during:
        refuse_rendering(during)
        for fmt, content in stored_files.items():
            download = coordinator.get(f"/rounds/{opened.round_id}/sammanstallning.{fmt}")
            assert download.status_code == 200 and download.content == content
    assert held == []  # nothing was asked for: every file was there


def test_compiling_again_renders_the_new_version_once(
    coordinator: TestClient, opened: Opened, sample_directory: App
) -> None:
    answer(coordinator, opened.token_for(REVIEWER), **{"q-stallningstagande": "Tillstyrker"})
    assert post(coordinator, f"/rounds/{opened.round_id}/close").status_code == 303
    # The test client runs the response's background work before it returns.
    assert files(sample_directory, opened.round_id) == [(1, True, True, True)]

    assert post(coordinator, f"/rounds/{opened.round_id}/yttrande",
                summary="Regionerna tillstyrker.", signatory="Anna Berg").status_code == 303  # fmt: skip
    assert files(sample_directory, opened.round_id) == [
        (1, True, True, True),
        (2, True, True, True),
    ]
    # Nothing left to render: rendering again renders nothing.
    assert render_pending(sample_directory.sessions, [opened.round_id]) == 0


def test_a_download_of_a_file_not_rendered_yet_asks_for_it_and_says_so(
    coordinator: TestClient, opened: Opened, sample_directory: App,
    held: list[Callable[[], Any]], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    answer(coordinator, opened.token_for(REVIEWER), **{"q-stallningstagande": "Tillstyrker"})
    assert post(coordinator, f"/rounds/{opened.round_id}/close").status_code == 303
    held.clear()  # the rendering after closing never ran (a worker stopped, say)

    with monkeypatch.context() as during:
        refuse_rendering(during)
        waiting = coordinator.get(f"/rounds/{opened.round_id}/sammanstallning.pdf")
    assert waiting.status_code == 202
    assert waiting.headers["retry-after"] == "10"
    assert "PDF-filen för version 1 skapas just nu" in waiting.text
    assert files(sample_directory, opened.round_id) == [(1, False, False, False)]

    # Only the PDF was asked for, and only the PDF is rendered.
    assert [run() for run in held] == [1]
    assert files(sample_directory, opened.round_id) == [(1, False, False, True)]
    printed = coordinator.get(f"/rounds/{opened.round_id}/sammanstallning.pdf")
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")


def test_a_file_asked_for_again_while_it_renders_is_rendered_once(
    coordinator: TestClient, opened: Opened, sample_directory: App,
    held: list[Callable[[], Any]], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    answer(coordinator, opened.token_for(REVIEWER), **{"q-stallningstagande": "Tillstyrker"})
    assert post(coordinator, f"/rounds/{opened.round_id}/close").status_code == 303
    monkeypatch.undo()  # the orchestrator's own queueing from here
    with sample_directory.sessions() as session:
        version_id = session.scalars(select(YttrandeVersion.id)).one()
    orchestrator = Orchestrator(sample_directory)
    first, again = BackgroundTasks(), BackgroundTasks()

    orchestrator.render_version_later(first, version_id, "pdf")
    orchestrator.render_version_later(again, version_id, "pdf")  # a reload meanwhile

    assert (len(first.tasks), len(again.tasks)) == (1, 0)
    asyncio.run(first())
    assert files(sample_directory, opened.round_id) == [(1, False, False, True)]
    later = BackgroundTasks()
    orchestrator.render_version_later(later, version_id, "pdf")  # done: may be asked again
    assert len(later.tasks) == 1
