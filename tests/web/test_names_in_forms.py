"""Names are data on the dashboard too: the round form and the directory upload refuse a
name with a line break or another control character, and open or change nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import csrf_of

NEW_ROUND = {
    "reference": "FORM-9",
    "title": "Formulärets remiss\r\nBcc: mallory@example.org",
    "issuer": "Socialstyrelsen",
    "areas": ["sallsynta-sjukdomar"],
    "deadline": "2026-04-14",
    "coordinator": "kansli@sosr.example.org",
}


def test_the_round_form_refuses_a_title_with_a_line_break(coordinator: TestClient) -> None:
    form = coordinator.get("/rounds/new")
    data = {"csrf_token": csrf_of(form.text), **NEW_ROUND}
    refused = coordinator.post("/rounds/new", data=data)
    assert refused.status_code == 422
    assert 'id="title-error"' in refused.text
    assert "Texten innehåller ett kontrolltecken (radbrytning eller liknande)" in refused.text
    assert 'value="FORM-9"' in refused.text
    assert coordinator.get("/").text.count("FORM-9") == 0
    data["title"] = "Formulärets\u202e remiss"
    assert 'id="title-error"' in coordinator.post("/rounds/new", data=data).text
    data["title"] = "Formulärets remiss"
    assert coordinator.post("/rounds/new", data=data, follow_redirects=False).status_code == 303


def test_the_directory_upload_refuses_a_group_name_with_a_line_break(
    coordinator: TestClient,
) -> None:
    page = coordinator.get("/directory")
    text = """\
regions:
  - {code: RJL, name: Region Jönköpings län}
groups:
  - key: rpo-ny
    name: "RPO Ny\\r\\nBcc: mallory@example.org"
    kind: RPO
    areas: [nytt-omrade]
"""
    files = {"file": ("katalog.yaml", text.encode(), "application/x-yaml")}
    refused = coordinator.post("/directory", data={"csrf_token": csrf_of(page.text)}, files=files)
    assert refused.status_code == 422
    assert "katalog.yaml:5: groups[0].name: innehåller ett kontrolltecken" in refused.text
    assert "RPO Ny" not in coordinator.get("/directory").text
