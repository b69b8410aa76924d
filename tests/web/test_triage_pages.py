"""Triage and the register on the dashboard: a whole period decided in one form."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from remiss.app import App
from tests.conftest import EXAMPLES
from tests.mailcatcher import RunningCatcher
from tests.web.conftest import csrf_of

BATCH = EXAMPLES / "rounds" / "2026-02-nationella-kunskapsstod.yaml"


def register_period(coordinator: TestClient) -> None:
    page = coordinator.get("/rounds/new")
    files = {"file": ("period.yaml", BATCH.read_bytes(), "application/x-yaml")}
    data = {"csrf_token": csrf_of(page.text), "triage": "1"}
    done = coordinator.post("/rounds/upload", data=data, files=files, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/"


def test_a_period_is_registered_and_decided_in_one_form(
    coordinator: TestClient, sample_directory: App, smtp: RunningCatcher
) -> None:
    register_period(coordinator)
    home = coordinator.get("/").text
    assert "22 remisser registrerade som inkomna" in home
    assert "Inkomna remisser att besluta" in home
    assert home.count('name="decision-') == 22
    # Nobody is asked yet: the only mail so far is the coordinator's own login link.
    assert {r.envelope_to[0] for r in smtp.catcher.received} == {"kansli@sosr.example.org"}

    ids = [int(v) for v in re.findall(r'name="decision-(\d+)"', home)]
    form = {"csrf_token": csrf_of(home)}
    form[f"decision-{ids[0]}"] = "samordnas"
    form[f"decision-{ids[1]}"] = "avstår"
    form[f"reason-{ids[1]}"] = "Berör inte regionerna"
    form[f"decision-{ids[2]}"] = "per-region"
    form[f"decision-{ids[3]}"] = "något annat"
    done = coordinator.post("/triage", data=form, follow_redirects=False)
    assert done.status_code == 303
    after = coordinator.get("/").text
    assert "3 beslut sparade" in after and "okänt beslut" in after
    assert after.count('name="decision-') == 19

    page = coordinator.get(f"/rounds/{ids[1]}").text
    assert "avstår" in page and "Triage: avstår (Berör inte regionerna)" in page
    opened = coordinator.get(f"/rounds/{ids[0]}").text
    assert ">öppen<" in opened and "Triage: samordnas" in opened

    register = coordinator.get("/register")
    assert register.status_code == 200
    every = register.text.split('id="register-title"')[1]
    assert every.count("<tr>") == 23  # a header and 22 rounds
    assert "per region" in register.text and "inkommen" in register.text
    assert "Per remissperiod" in register.text and "Svarsfrekvens per grupp" in register.text
    assert 'role="img"' in register.text
    report = coordinator.get("/register/besvarade.docx")
    assert report.status_code == 200 and report.content[:2] == b"PK"
    csv_text = coordinator.get("/register.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("typ;avsändare;diarienummer")
    assert len(csv_text.splitlines()) == 23


def test_the_register_is_for_coordinators_only(client: TestClient) -> None:
    for path in ("/register", "/register.csv"):
        refused = client.get(path, follow_redirects=False)
        assert refused.status_code == 303 and refused.headers["location"] == "/login"
