"""The PDF of the sammanställning is printed once, after the compile that made it, and
downloads serve the stored file: neither closing nor a GET waits on WeasyPrint."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from remiss.app import App
from remiss.core.models import YttrandeVersion
from remiss.yttrande.printing import print_pending
from tests.web.conftest import REVIEWER, Opened
from tests.web.test_yttrande_pages import answer, post


def versions(app: App, round_id: int) -> list[tuple[int, bool]]:
    with app.sessions() as session:
        rows = session.execute(
            select(YttrandeVersion.number, YttrandeVersion.pdf.is_not(None))
            .where(YttrandeVersion.round_id == round_id)
            .order_by(YttrandeVersion.number)
        ).all()
    return [(number, bool(printed)) for number, printed in rows]


def test_closing_prints_the_pdf_after_the_response_and_downloads_serve_it(
    coordinator: TestClient, opened: Opened, sample_directory: App
) -> None:
    answer(coordinator, opened.token_for(REVIEWER), **{"q-stallningstagande": "Tillstyrker"})
    assert post(coordinator, f"/rounds/{opened.round_id}/close").status_code == 303
    # The test client runs the response's background work before it returns.
    assert versions(sample_directory, opened.round_id) == [(1, True)]
    with sample_directory.sessions() as session:
        stored = session.scalar(select(YttrandeVersion.pdf))
    download = coordinator.get(f"/rounds/{opened.round_id}/sammanstallning.pdf")
    assert download.status_code == 200 and download.content == stored

    # Compiling again with something new makes version 2 and prints it; version 1 is kept.
    assert post(coordinator, f"/rounds/{opened.round_id}/yttrande",
                summary="Regionerna tillstyrker.", signatory="Anna Berg").status_code == 303  # fmt: skip
    assert versions(sample_directory, opened.round_id) == [(1, True), (2, True)]
    # Nothing left to print: printing again prints nothing.
    assert print_pending(sample_directory.sessions, [opened.round_id]) == 0
