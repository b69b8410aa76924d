"""Bounces: a delivery status notification to a message's retur+ address, or the server's
permanent refusal at sending, marks the invitation "studsade" with the server's reason; the
coordinator sends it to another member of the group in one step."""

from __future__ import annotations

from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from remiss.app import App
from remiss.cli import app as cli
from remiss.core.models import Invitation, Person
from remiss.inbound import listener
from remiss.usecases.worker import Worker
from tests.inbound.conftest import DOMAIN, return_key, send
from tests.web.conftest import REVIEWER, ROUND_YAML, Opened, csrf_of, open_round, received

REASON = "550 5.1.1 <fredrik.jonsson@rjl.example.org>: Recipient address rejected"


def notification(to: str) -> MIMEMultipart:
    """A delivery status notification (RFC 3464) as Postfix writes one."""
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = "MAILER-DAEMON@mx.rjl.example.org (Mail Delivery System)"
    report["To"] = to
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = "<dsn-1@mx.rjl.example.org>"
    report.attach(MIMEText("Your message could not be delivered.", "plain"))
    status = EmailMessage()
    status.set_type("message/delivery-status")
    fields = (
        "Reporting-MTA: dns; mx.rjl.example.org\n\n"
        "Final-Recipient: rfc822; fredrik.jonsson@rjl.example.org\n"
        "Action: failed\nStatus: 5.1.1\n"
        f"Diagnostic-Code: smtp; {REASON}\n"
    )
    status.set_payload([_block(b) for b in fields.split("\n\n")])
    report.attach(status)
    return report


def _block(text: str) -> EmailMessage:
    block = EmailMessage()
    for line in text.strip().splitlines():
        name, _, value = line.partition(": ")
        block[name] = value
    return block


def bounced(app: App, email: str) -> tuple[str | None, str]:
    with app.sessions() as session:
        row = session.execute(
            select(Invitation.bounce_reason, Invitation.status)
            .join(Person)
            .where(Person.email == email)
            .order_by(Invitation.id.desc())
        ).first()
        assert row is not None
        return row[0], row[1]


def test_a_notification_to_the_return_address_marks_the_invitation_bounced(
    opened: Opened, app: App, listening: listener.Listening, remiss: CliRunner
) -> None:
    key = return_key(app, REVIEWER)
    dsn = notification(f"retur+{key}@{DOMAIN}")
    send(listening.port, dsn, sender="")  # MAIL FROM:<>, as notifications are sent
    reason, _ = bounced(app, REVIEWER)
    assert reason == REASON
    status = remiss.invoke(cli, ["round", "status", "NHV-TEST-1"])
    assert status.exit_code == 0, status.output
    line = next(li for li in status.output.splitlines() if "Fredrik Jönsson" in li)
    assert "Studsade" in line and "5.1.1" in line
    # Nobody is answered for a notification.
    Worker(app).drain()
    assert not received(opened.catcher, "mailer-daemon@mx.rjl.example.org", "")


def test_a_permanent_refusal_at_sending_shows_bounced_and_goes_to_a_colleague_in_one_step(
    sample_directory: App, smtp: object, coordinator: TestClient, remiss: CliRunner
) -> None:
    app = sample_directory
    # The test server refuses any recipient whose address begins "bounce" (550 5.1.1).
    with app.transaction() as session:
        session.execute(
            update(Person)
            .where(Person.email == REVIEWER)
            .values(email="bounce.fredrik@rjl.example.org")
        )
    round_id = open_round(app, ROUND_YAML)
    reason, _ = bounced(app, "bounce.fredrik@rjl.example.org")
    assert reason is not None and reason.startswith("550")
    status = remiss.invoke(cli, ["round", "status", "NHV-TEST-1"])
    assert "Studsade: 550" in status.output

    page = coordinator.get(f"/rounds/{round_id}")
    assert "Studsade: 550" in page.text and "Skicka dit i stället" in page.text
    with app.sessions() as session:
        invitation_id = session.scalar(
            select(Invitation.id).join(Person).where(Person.email.startswith("bounce."))
        )
    done = coordinator.post(
        f"/rounds/{round_id}/invitations/{invitation_id}/redirect",
        data={
            "csrf_token": csrf_of(page.text),
            "email": "fredrik.jonsson@rjl.example.org",
            "name": "Fredrik Jönsson",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert bounced(app, "bounce.fredrik@rjl.example.org")[1] == "forwarded"
    catcher = smtp.catcher  # type: ignore[attr-defined]
    assert received(catcher, REVIEWER, "")[-1].tokens()
    directory = coordinator.get("/directory").text
    assert "E-post studsade 16 februari 2026: 550" in directory
