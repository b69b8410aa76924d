"""Hours without a mail server fail nothing; when it returns every message goes once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from remiss import app as runtime
from remiss.app import App
from remiss.cli import app as cli
from remiss.core import clock
from remiss.core.models import Message
from remiss.mail.sink import free_port
from remiss.rounds import spec as roundspec
from remiss.rounds.opening import open_rounds
from tests.faults.conftest import tally
from tests.faults.figures import report
from tests.mailcatcher import RunningCatcher
from tests.working import WorkedClient

ROUND = """\
reference: OUTAGE-1
title: Avbrott i e-posten
issuer: Socialstyrelsen
areas: [cancersjukdomar, lakemedel-och-medicinteknik, halsodata]
deadline: 2026-04-14
coordinator: kansli@sosr.example.org
"""


def test_an_outage_of_hours_fails_nothing_and_every_message_arrives_once_after(
    sample_directory: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = sample_directory
    port = free_port()  # nothing listens here until the server "comes back"
    s = app.settings
    for name, value in {
        "REMISS_DATABASE_URL": s.resolved_database_url,
        "REMISS_DATA_DIR": str(s.data_dir),
        "REMISS_BASE_URL": s.base_url,
        "REMISS_MAIL_FROM": s.mail_from,
        "REMISS_SMTP_HOST": "127.0.0.1",
        "REMISS_SMTP_PORT": str(port),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with app.transaction() as session:
        [opened] = open_rounds(session, s, roundspec.loads(ROUND), "test")
    tried = opened.invitations + opened.informed  # a kunskapsråd is told too
    assert tried > 10

    def sweep(at: datetime) -> str:
        runtime.use(None)  # each sweep is a process of its own, as the schedule runs it
        with clock.frozen_at(at):  # at that time (a --now would move only the reminders)
            result = CliRunner().invoke(cli, ["reminders", "send"])
        assert result.exit_code == 0, result.output
        return result.output

    start = datetime.fromisoformat("2026-02-16T09:00:00+01:00")
    for quarter in range(12):  # three hours of sweeps, every 15 minutes
        output = sweep(start + timedelta(minutes=15 * quarter))
        assert "misslyckades" not in output and "väntar på e-postservern" in output
    with app.sessions() as session:
        states = dict(session.execute(select(Message.status, func.count()).group_by(Message.status)).all())  # fmt: skip
        attempts = session.scalar(select(func.max(Message.attempts)))
    assert states == {"pending": tried} and attempts == 0
    status = CliRunner().invoke(cli, ["round", "status", "OUTAGE-1"]).output
    assert "E-post väntar på e-postservern sedan 16 februari 2026 kl. 09.00" in status
    assert_the_dashboard_says_mail_waits(app)

    with RunningCatcher(port) as catcher:
        sweep(start + timedelta(hours=3, minutes=15))
        received = [r.envelope_to for r in catcher.received]
    delivered, lost, duplicated = tally(received, tried)
    report(f"outage-{app.engine.dialect.name}", tried=tried, delivered=delivered, lost=lost,
           duplicated=duplicated)  # fmt: skip
    assert (lost, duplicated) == (0, 0)
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Message).where(
            Message.status == "sent", Message.waiting_since.is_(None))) == tried  # fmt: skip


def assert_the_dashboard_says_mail_waits(app: App) -> None:

    from remiss.access.logins import login_link
    from remiss.web import create_app
    from tests.web.conftest import csrf_of

    with app.transaction() as session:
        link = login_link(session, app.settings, "kansli@sosr.example.org")
    with WorkedClient(create_app(app), base_url="http://remiss.test") as client:
        path = link.split("remiss.test", 1)[1]
        confirm = client.get(path)
        client.post(path, data={"csrf_token": csrf_of(confirm.text)})
        for page in ("/", "/rounds/1"):
            text = client.get(page).text
            assert "E-post väntar på e-postservern sedan 16 februari 2026 kl. 09.00" in text
