"""Replies and bounces read from a real IMAP mailbox (dovecot, started by the test) by the
sweep: a reply there is a draft, never submitted; a notification marks the invitation."""

from __future__ import annotations

import imaplib
from collections.abc import Iterator
from email.utils import parseaddr
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from pydantic import SecretStr

from remiss.app import App
from remiss.usecases.runtime import inline
from remiss.usecases.sweep import sweep
from tests.inbound import dovecot
from tests.inbound.conftest import DOMAIN, reply, return_key
from tests.inbound.test_bounces import REASON, bounced, notification
from tests.web.conftest import REVIEWER, Opened, invitation_state, received

pytestmark = pytest.mark.skipif(dovecot.binary() is None, reason="dovecot is not installed")


@pytest.fixture
def imap() -> Iterator[dovecot.Imap]:
    # Not under pytest's own temporary folder: dovecot's users could not reach into it.
    with TemporaryDirectory(prefix="remiss-dovecot-") as folder:
        Path(folder).chmod(0o755)
        with dovecot.running(Path(folder)) as server:
            yield server


def deliver(server: dovecot.Imap, raw: bytes) -> None:
    """Put a message into the mailbox, as the organisation's mail server would."""
    client = imaplib.IMAP4(server.host, server.port, timeout=10)
    try:
        client.login(server.username, server.password)
        status, _ = client.append("INBOX", None, None, raw)  # dated now by the server
        assert status == "OK"
    finally:
        client.logout()


def test_the_sweep_reads_replies_and_bounces_from_the_imap_mailbox(
    opened: Opened, app: App, imap: dovecot.Imap
) -> None:
    app.settings = app.settings.model_copy(
        update={
            "imap_host": imap.host, "imap_port": imap.port, "imap_username": imap.username,
            "imap_password": SecretStr(imap.password),
        }
    )  # fmt: skip
    invitation = received(opened.catcher, REVIEWER, "")[0]
    to = parseaddr(str(invitation.message["Reply-To"]))[1]
    deliver(imap, reply(to, "Kapitel 2 saknar en referens.").as_bytes())
    other = "ylva.forsberg@rjl.example.org"
    deliver(imap, notification(f"retur+{return_key(app, other)}@{DOMAIN}").as_bytes())

    swept = sweep(inline(app))
    assert swept.mailbox is not None and swept.mailbox.outcomes == {"draft": 1, "bounce": 1}
    state = invitation_state(app, REVIEWER, opened.round_id)
    assert state.submitted_at is None
    assert state.versions[-1][1:3] == ("draft", {"innehall": "Kapitel 2 saknar en referens."})
    assert received(opened.catcher, REVIEWER, "Ditt svar är sparat som utkast")
    assert bounced(app, other)[0] == REASON

    again = sweep(inline(app))  # read and marked seen: nothing more
    assert again.mailbox is not None and again.mailbox.read == 0
