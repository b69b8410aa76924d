"""The local mail view: newest first, fifty a page, searchable, dates as Swedes write them."""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from fastapi.testclient import TestClient

from remiss.app import App
from remiss.web import create_app
from remiss.web.rate_limits import RateLimiter
from tests.working import WorkedClient


def fill_sink(app: App, count: int) -> None:
    app.settings.sink_dir.parent.mkdir(parents=True, exist_ok=True)
    box = mailbox.Maildir(str(app.settings.sink_dir), create=True)
    start = datetime(2026, 2, 16, 8, 0, tzinfo=UTC)
    for n in range(count):
        message = EmailMessage()
        message["To"] = f"person{n}@{'rjl' if n % 2 else 'rog'}.example.org"
        message["Subject"] = f"Remiss {n:03d}"
        message["Date"] = format_datetime(start + timedelta(minutes=n))
        message.set_content("Hej")
        box.add(message)


def test_the_mail_view_is_newest_first_paged_and_searchable(
    coordinator: TestClient, sample_directory: App
) -> None:
    # The same database and key, with no SMTP server: mail stays in the sink folder.
    local = App.create(
        sample_directory.settings.model_copy(update={"smtp_host": None, "smtp_port": None})
    )
    fill_sink(local, 120)
    try:
        web = create_app(local, limiter=RateLimiter(capacity=1000, per_second=1))
        with WorkedClient(web, base_url="http://remiss.test") as client:
            client.cookies.update(coordinator.cookies)
            page = client.get("/mail").text
            assert "120 meddelanden, nyaste först; sida 1 av 3" in page
            assert page.index("Remiss 119") < page.index("Remiss 118")
            assert "Remiss 069" not in page and page.count('<li><a href="/mail/') == 50
            assert "16 februari 2026 kl. 10.59" in page  # 09.59 UTC, in Swedish time
            assert "+0000" not in page
            last = client.get("/mail?sida=3").text
            assert "Remiss 000" in last and "Föregående sida" in last and "Nästa sida" not in last
            found = client.get("/mail", params={"q": "@RJL"}).text
            assert "60 meddelanden som matchar" in found
            assert client.get("/mail", params={"q": "Remiss 007"}).text.count('href="/mail/') == 1
            assert client.get("/mail?sida=99999").status_code == 200  # the last page, calmly
    finally:
        local.close()
