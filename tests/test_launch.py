"""Launching a round: invitations opened in batches and delivered (by a worker beside the
launch) while they are issued."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select

from remiss.app import App
from remiss.core.models import Group, Invitation, Membership, Message, Person, Round
from remiss.directory.sync import organisation
from remiss.mail import catalogue
from remiss.mail.rendering import to_mime
from remiss.rounds import issuing
from remiss.rounds import spec as roundspec
from remiss.rounds.invitations import calendar_attachment
from remiss.rounds.issuing import InvitationMail
from remiss.rounds.opening import open_rounds
from tests.launching import ROUND, CountingServer, seed_people
from tests.working import launched


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
    opened, delivery = launched(app, roundspec.loads(ROUND, "r.yaml"), server.target)
    assert [o.invitations for o in opened] == [2000]
    assert delivery.sent == 2000
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
        launched(app, parsed, server.target, batch=20)
    assert sum(server.recipients.values()) == 40  # the two batches committed went out
    monkeypatch.setattr(issuing, "issue", real_issue)

    [again], _ = launched(app, parsed, server.target, batch=20)
    assert again.resumed and not again.created and again.invitations == 60
    assert set(invitation_counts(app).values()) == {1} and len(invitation_counts(app)) == 100
    assert set(server.recipients.values()) == {1} and len(server.recipients) == 100

    [third], _ = launched(app, parsed, server.target, batch=20)
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
