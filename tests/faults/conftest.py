"""Fault tests: real processes, real SMTP servers, and a database both can reach."""

from __future__ import annotations

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
