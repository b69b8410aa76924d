"""A large directory and a round reaching all of it, for the launch's tests."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import func, insert, select

from remiss.app import App
from remiss.core.models import Group, Invitation, Membership, Person
from remiss.mail.sink import free_port
from remiss.mail.smtp import SmtpTarget

ROUND = """\
reference: LAUNCH-2026-001
title: "Bröstcancer, nationellt vårdprogram"
kind: nationellt vårdprogram
issuer: RCC i samverkan
areas: [launch]
deadline: 2026-04-14
coordinator: kansli@sosr.example.org
documents:
  - {title: Remissversion, url: "https://example.org/brostcancer.pdf"}
"""


def seed_people(app: App, n: int, groups: int = 4) -> None:
    """``n`` people in ``groups`` groups covering the area "launch"; every tenth in two."""
    with app.transaction() as s:
        s.execute(
            insert(Group),
            [{"key": f"launch-{g}", "name": f"RPO Grupp {g}", "kind": "RPO", "areas": ["launch"]}
             for g in range(groups)],
        )  # fmt: skip
        group_ids = list(s.scalars(select(Group.id).order_by(Group.id)))
        s.execute(
            insert(Person),
            [
                {"email": f"p{i}@launch.example.org", "name": f"Åsa Ö'Berg & <{i}>"}
                for i in range(n)
            ],
        )
        people = list(s.scalars(select(Person.id).order_by(Person.id)))
        s.execute(
            insert(Membership),
            [{"group_id": group_ids[i % groups], "person_id": p, "role": "ledamot"}
             for i, p in enumerate(people)]
            + [{"group_id": group_ids[(i + 1) % groups], "person_id": p, "role": "adjungerad"}
               for i, p in enumerate(people) if i % 10 == 0],
        )  # fmt: skip


class CountingServer:
    """A real SMTP server that counts recipients and, when the first message arrives,
    how many invitations the database holds."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.recipients: Counter[str] = Counter()
        self.invitations_at_first: int | None = None
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.invitations_at_first is None:
                with self.app.sessions() as s:
                    self.invitations_at_first = s.scalar(select(func.count(Invitation.id)))
            self.recipients.update(envelope.rcpt_tos)
        return "250 Message accepted"

    @property
    def target(self) -> SmtpTarget:
        return SmtpTarget(host="127.0.0.1", port=self.port)
