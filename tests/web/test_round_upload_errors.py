"""An uploaded round file with several errors lists each at the top of the page, with its
line, and opens nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.test_round_file_errors import THREE
from tests.web.conftest import csrf_of


def test_an_upload_with_three_errors_lists_the_three(coordinator: TestClient) -> None:
    form = coordinator.get("/rounds/new")
    files = {"file": ("tre-fel.yaml", THREE.encode(), "application/x-yaml")}
    refused = coordinator.post(
        "/rounds/upload", data={"csrf_token": csrf_of(form.text)}, files=files
    )
    assert refused.status_code == 422
    summary = refused.text.split('id="upload-summary"')[1].split("</div>")[0]
    assert summary.count('<li><a href="#round-file">tre-fel.yaml:') == 3
    for line in (5, 6, 7):
        assert f"tre-fel.yaml:{line}: " in summary
    assert "Filen har 3 fel, som listas överst på sidan." in refused.text
    assert "FEL-1" not in coordinator.get("/").text
