"""The coordinator's guide: open to all, linked from every page's footer, every picture it
shows on disk (made from the browser tests' screenshots, ``make guide-pictures``)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from remiss.web.guide import PICTURES
from remiss.web.pages import STATIC


def test_the_guide_is_open_linked_from_the_footer_and_shows_each_step(
    client: TestClient,
) -> None:
    login_page = client.get("/login").text
    assert '<a href="/guide">Guide för samordnare</a>' in login_page
    guide = client.get("/guide")
    assert guide.status_code == 200
    for step in ("Öppna en remiss", "Besluta om samordning", "Följa svaren", "Påminna",
                 "Stänga", "Utkastet till yttrande", "Förankra", "Besluta", "Skicka",
                 "Registret och översikten"):  # fmt: skip
        assert f"{step}</a></li>" in guide.text
    for name in PICTURES:
        assert f'src="/static/guide/{name}.png"' in guide.text
        assert (STATIC / "guide" / f"{name}.png").stat().st_size > 1000, name
        assert client.get(f"/static/guide/{name}.png").status_code == 200
