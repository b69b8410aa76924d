"""The inbound SMTP listener (aiosmtpd): mail to svar+ and retur+ addresses, handed to the
one service (``handling``) and answered 250 only once what it did is committed.

In production the organisation's mail server forwards the svar+ and retur+ addresses here;
``remiss serve`` runs it on 127.0.0.1:REMISS_INBOUND_PORT (``remiss inbound``). Other
addresses are refused at RCPT (550), a message far over the size limit at DATA (552), and a
failure to handle one (the database away) is a 451, so that the sending server tries again.
The replies are in English and ASCII, as SMTP's are: mail servers read them.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session, sessionmaker

from remiss.core.settings import Settings
from remiss.inbound.handling import handle
from remiss.inbound.reading import SIZE_MOST
from remiss.mail.replies import parse

log = logging.getLogger("remiss.inbound")

IDENT = "remiss-inbound"
# Somewhat over the limit, so that a reply just over it is read and answered.
DATA_MOST = SIZE_MOST + 5 * 1024 * 1024


class InboundHandler:
    """aiosmtpd handler: accept our addresses, hand each message to ``handling.handle``."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        self.sessions = sessions
        self.settings = settings

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if parse(address) is None:
            return "550 5.1.1 No such recipient: only reply and return addresses are taken here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        sender = (envelope.mail_from or "").strip().strip("<>")
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(
                None, self._handle, content, sender, tuple(envelope.rcpt_tos)
            )
        except Exception:
            log.exception("inkommen e-post kunde inte hanteras; avsändaren får försöka igen")
            return "451 4.3.0 Cannot take the message just now, try again later"
        return "250 Message accepted"

    def _handle(self, raw: bytes, sender: str, recipients: tuple[str, ...]) -> None:
        with self.sessions() as session, session.begin():
            handle(
                session, self.settings, raw, via="smtp", envelope_from=sender,
                envelope_to=recipients,
            )  # fmt: skip


@dataclass
class Listening:
    host: str
    port: int
    controller: Controller

    def stop(self) -> None:
        self.controller.stop()


def start(
    sessions: sessionmaker[Session], settings: Settings, host: str = "127.0.0.1", port: int = 0
) -> Listening:
    """Listen on ``host``:``port`` (REMISS_INBOUND_PORT when 0) until ``stop``."""
    port = port or settings.inbound_port
    controller = Controller(
        InboundHandler(sessions, settings),
        hostname=host,
        port=port,
        ident=IDENT,
        data_size_limit=DATA_MOST,
    )
    controller.start()
    return Listening(host, port, controller)
