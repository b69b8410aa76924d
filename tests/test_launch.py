"""Launching a round: invitations opened in batches and delivered while they are issued."""

from __future__ import annotations

import re
import threading
from collections import Counter
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, insert, select

from remiss.app import App
from remiss.core.models import Group, Invitation, Membership, Message, Person, Round
from remiss.directory.sync import organisation
from remiss.mail import catalogue
from remiss.mail.delivery import SmtpTarget
from remiss.mail.rendering import to_mime
from remiss.mail.sink import free_port
from remiss.rounds import issuing
from remiss.rounds import spec as roundspec
from remiss.rounds.invitations import calendar_attachment
from remiss.rounds.issuing import InvitationMail
from remiss.rounds.launch import launch
from remiss.rounds.opening import open_rounds

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


@pytest.fixture
def server(app: App) -> Any:
    counting = CountingServer(app)
    counting.controller.start()
    yield counting
    counting.controller.stop()


def invitation_counts(app: App) -> Counter[int]:
    with app.sessions() as s:
        return Counter(s.scalars(select(Invitation.person_id)))


def test_a_launch_of_2000_sends_every_invitation_once_the_first_before_the_last_is_created(
    app: App, server: CountingServer
) -> None:
    seed_people(app, 2000)
    launched = launch(app.sessions, app.settings, roundspec.loads(ROUND, "r.yaml"), server.target)
    assert [o.invitations for o in launched.opened] == [2000]
    assert launched.delivery.sent == 2000
    assert sorted(server.recipients) == sorted(f"p{i}@launch.example.org" for i in range(2000))
    assert set(server.recipients.values()) == {1}
    assert set(invitation_counts(app).values()) == {1}
    assert server.invitations_at_first is not None and server.invitations_at_first < 2000


def test_a_launch_cut_short_is_finished_by_running_it_again_sending_nothing_twice(
    app: App, server: CountingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_people(app, 100)
    parsed = roundspec.loads(ROUND, "r.yaml")
    real_issue = issuing.issue
    calls = []

    def failing_third(*args: Any) -> int:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the machine went down")
        return real_issue(*args)

    monkeypatch.setattr(issuing, "issue", failing_third)
    with pytest.raises(RuntimeError):
        launch(app.sessions, app.settings, parsed, server.target, batch=20)
    assert sum(server.recipients.values()) == 40  # the two batches committed went out
    monkeypatch.setattr(issuing, "issue", real_issue)

    [again] = launch(app.sessions, app.settings, parsed, server.target, batch=20).opened
    assert again.resumed and not again.created and again.invitations == 60
    assert set(invitation_counts(app).values()) == {1} and len(invitation_counts(app)) == 100
    assert set(server.recipients.values()) == {1} and len(server.recipients) == 100

    [third] = launch(app.sessions, app.settings, parsed, server.target, batch=20).opened
    assert not third.resumed and third.invitations == 0
    assert sum(server.recipients.values()) == 100


def _normalised(raw: bytes) -> str:
    """Boundaries, Message-ID and Date are different in every message, by design."""
    text = re.sub(r"={15}\d{19}==", "BOUNDARY", raw.decode("ascii"))
    text = re.sub(r"(Message-ID|Date): [^\r]*", r"\1: …", text)
    return re.sub(r"DTSTAMP:\S+", "DTSTAMP:…", text)


def test_a_batch_issued_invitation_is_the_email_the_catalogue_makes_byte_for_byte(
    app: App,
) -> None:
    seed_people(app, 30)
    with app.transaction() as s:  # a name too long for one encoded word: folded
        [group] = s.scalars(select(Group).where(Group.key == "launch-0"))
        s.add(
            Membership(
                group=group, person=Person(email="l@launch.example.org", name="Långt Namn " * 9)
            )
        )
    with app.transaction() as s:
        open_rounds(s, app.settings, roundspec.loads(ROUND, "r.yaml"))
    with app.sessions() as s:
        round_ = s.scalars(select(Round)).one()
        mail = InvitationMail(s, app.settings, round_)
        org = organisation(s)
        people = s.scalars(select(Person).order_by(Person.id)).all()
        for invitation in s.scalars(select(Invitation).order_by(Invitation.id)).all():
            person = next(p for p in people if p.id == invitation.person_id)
            groups = [g.group for g in invitation.groups]
            token = "T" * 43
            rendered = mail.render(person, groups, token, invitation.id)
            email = catalogue.invitation(
                round_=round_, person=person, org=org, groups=groups,
                link=f"{app.settings.base_url}/r/{token}",
                calendar=calendar_attachment(app.settings, round_, invitation),
            )  # fmt: skip
            _message_id, raw = to_mime(email.message, app.settings)
            assert _normalised(rendered.raw) == _normalised(raw)
            assert rendered.subject == email.message.subject
            assert rendered.expires_at == email.expires_at
        assert s.scalar(select(func.count(Message.id)).where(Message.kind == "invitation")) == 31
