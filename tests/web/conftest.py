"""Personas and a running web app over the real database and a real SMTP catcher.

- the coordinator: kansli@sosr.example.org, listed in REMISS_COORDINATORS
- the reviewer: Fredrik Jönsson (RJL), member of RPO Sällsynta sjukdomar
- another reviewer: Ylva Forsberg (RJL), same group
- an outsider: someone in no group who coordinates nothing
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from remiss.app import App, deliver_outbox
from remiss.core.models import Invitation, Person, Round
from remiss.core.settings import Settings
from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from remiss.web import create_app
from remiss.web.rate_limits import RateLimiter
from tests.mailcatcher import MailCatcher, Received, RunningCatcher
from tests.working import WorkedClient

COORDINATOR = "kansli@sosr.example.org"
REVIEWER = "fredrik.jonsson@rjl.example.org"
ANOTHER_REVIEWER = "ylva.forsberg@rjl.example.org"
OUTSIDER = "mallory@example.org"

ROUND_YAML = """
reference: NHV-TEST-1
title: "Mastocytos, remissförslag nationell högspecialiserad vård"
kind: remissförslag
issuer: Socialstyrelsen
areas: [sallsynta-sjukdomar]
opens: 2026-02-16
deadline: 2026-04-14
internal_deadline: 2026-03-20
coordinator: kansli@sosr.example.org
questions: default
documents:
  - {title: Remissversion, url: "https://example.org/remissversion.pdf"}
"""

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LOGIN_LINK = re.compile(r"^https?://\S+/login/([A-Za-z0-9_-]{43})\r?$", re.MULTILINE)


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


@dataclass
class Opened:
    round_id: int
    catcher: MailCatcher

    def token_for(self, email: str) -> str:
        """The personal token in the latest message to ``email`` that holds one."""
        for received in reversed(self.catcher.to(email)):
            tokens = received.tokens()
            if tokens:
                return tokens[-1]
        raise AssertionError(f"no link mailed to {email}")


@pytest.fixture
def app(settings: Settings, smtp: RunningCatcher) -> Iterator[App]:
    """The application with a coordinator listed and mail going to the test SMTP server."""
    configured = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "coordinators": [COORDINATOR]}
    )
    application = App.create(configured)
    yield application
    application.close()


@pytest.fixture
def client(sample_directory: App) -> Iterator[TestClient]:
    web = create_app(sample_directory, limiter=RateLimiter(capacity=1000, per_second=1))
    with WorkedClient(web, base_url="http://remiss.test") as test_client:
        yield test_client


def open_round(app: App, text: str = ROUND_YAML) -> int:
    """Open the round(s) in ``text`` through the service, deliver the invitations; first id."""
    with app.transaction() as session:
        opened = rounds.open_rounds(session, app.settings, roundspec.loads(text), "test")
    deliver_outbox(app)
    return opened[0].round_id


@pytest.fixture
def opened(sample_directory: App, smtp: RunningCatcher) -> Opened:
    """A round open to RPO Sällsynta sjukdomar, its invitations delivered to the catcher."""
    return Opened(round_id=open_round(sample_directory), catcher=smtp.catcher)


def login(client: TestClient, catcher: MailCatcher, email: str = COORDINATOR) -> None:
    """Log in as ``email`` through the mailed one-time link."""
    form = client.get("/login")
    before = len(catcher.to(email))
    sent = client.post("/login", data={"email": email, "csrf_token": csrf_of(form.text)})
    assert sent.status_code == 200
    mails = catcher.to(email)
    assert len(mails) == before + 1, "no login link arrived"
    match = LOGIN_LINK.search(mails[-1].text())
    assert match, "the login email holds no link"
    confirm = client.get(f"/login/{match.group(1)}")
    done = client.post(
        f"/login/{match.group(1)}",
        data={"csrf_token": csrf_of(confirm.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303


@pytest.fixture
def coordinator(client: TestClient, smtp: RunningCatcher) -> TestClient:
    login(client, smtp.catcher)
    return client


@dataclass
class InvitationState:
    """A person's invitation as stored, read in a short transaction of its own."""

    id: int
    status: str
    opened_at: datetime | None
    draft_saved_at: datetime | None
    submitted_at: datetime | None
    no_comments: bool
    late_allowed: bool
    forwarded_from_id: int | None
    # (number, kind, values, no_comments)
    versions: list[tuple[int, str, dict[str, Any], bool]]


def invitation_state(app: App, email: str, round_id: int | None = None) -> InvitationState:
    with app.sessions() as session:
        query = select(Invitation).join(Person).where(Person.email == email)
        if round_id is not None:
            query = query.where(Invitation.round_id == round_id)
        found = session.scalars(query.order_by(Invitation.id.desc())).first()
        assert found is not None, f"{email} has no invitation"
        return InvitationState(
            id=found.id,
            status=found.status,
            opened_at=found.opened_at,
            draft_saved_at=found.draft_saved_at,
            submitted_at=found.submitted_at,
            no_comments=found.no_comments,
            late_allowed=found.late_allowed,
            forwarded_from_id=found.forwarded_from_id,
            versions=[(v.number, v.kind, dict(v.values), v.no_comments) for v in found.versions],
        )


def deadline_at(app: App, round_id: int) -> datetime:
    with app.sessions() as session:
        round_ = session.get(Round, round_id)
        assert round_ is not None
        return round_.internal_deadline_at


def received(catcher: MailCatcher, email: str, subject_start: str) -> list[Received]:
    return [m for m in catcher.to(email) if m.subject.strip().startswith(subject_start)]
