"""Fault tests: real processes, real SMTP servers, and a database both can reach."""

from __future__ import annotations

import os
from pathlib import Path

from remiss.app import App
from remiss.mail import outbox
from remiss.mail.catalogue import Email
from remiss.mail.rendering import OutgoingEmail


def queue_many(app: App, n: int, prefix: str = "fault") -> None:
    """``n`` small messages to ``n`` different people, in one transaction."""
    with app.transaction() as s:
        for i in range(n):
            message = OutgoingEmail(
                to=f"person{i}@example.org",
                subject=f"Meddelande {i}",
                text=f"Hej {i}\n",
                html=f"<p>Hej {i}</p>",
            )
            outbox.queue(s, app.settings, key=f"{prefix}:{i}", email=Email("fault", message))


def tally(received: list[list[str]], n: int) -> tuple[int, int, int]:
    """(delivered people, lost, duplicated) from what the server received."""
    people = [address for envelope in received for address in envelope]
    unique = set(people)
    return len(unique), n - len(unique), len(people) - len(unique)


def remiss_env(app: App, folder: Path, smtp_port: int, **more: str) -> dict[str, str]:
    """The environment of a remiss process of its own over ``app``'s database, mailing to
    the server on ``smtp_port``: this one's, without its own REMISS_ and PREFECT_ settings."""
    s = app.settings
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("REMISS_", "PREFECT_"))},
        "REMISS_DATABASE_URL": s.resolved_database_url,
        "REMISS_DATA_DIR": str(folder / "var"),
        "REMISS_SMTP_HOST": "127.0.0.1",
        "REMISS_SMTP_PORT": str(smtp_port),
        "REMISS_MAIL_FROM": s.mail_from,
        **more,
    }
