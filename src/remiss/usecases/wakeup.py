"""What a worker waits on between looks: a stop, mail just queued, or the time.

On PostgreSQL every committed insert into the outbox notifies ``CHANNEL`` (a trigger,
migration 0021), and a worker listens on a connection of its own: it starts sending the
moment a batch of invitations is in, not at its next look. SQLite has no such thing: its
worker looks every ``POLL`` seconds, as a PostgreSQL worker also does for the rest of its
work (files to render, disagreements due, retries come due). A listener the database
dropped is opened again at the next wait; what was queued meanwhile is found by the look
that follows every wait.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import closing
from typing import Any

from sqlalchemy import Engine

log = logging.getLogger("remiss.worker")

CHANNEL = "remiss_outbox"
# How soon a listening worker sees that it is to stop, seconds.
STOP_SEEN = 0.2


class Alarm:
    """A worker's wait between looks, woken on PostgreSQL by mail committed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.can_listen = engine.dialect.name == "postgresql"
        self.connection: Any = None  # the driver's own connection, outside the pool
        self.failed = False  # the last attempt to listen failed (said once in the log)

    def listen(self) -> bool:
        """Listen from now on, if this database can tell; whether it does."""
        if not self.can_listen:
            return False
        if self.connection is None:
            try:
                dialect = self.engine.dialect
                args, kwargs = dialect.create_connect_args(self.engine.url)
                connection = dialect.connect(*args, **{"connect_timeout": 5, **kwargs})
                connection.autocommit = True
                connection.execute(f"LISTEN {CHANNEL}")
            except Exception as exc:
                self._lost(exc)
                return False
            self.connection, self.failed = connection, False
        return True

    def wait(self, stop: threading.Event, seconds: float) -> bool:
        """Until ``seconds`` have passed or mail was queued (then True), or ``stop`` is set
        (seen within ``STOP_SEEN`` seconds)."""
        if not self.listen():
            stop.wait(seconds)
            return False
        deadline = time.monotonic() + seconds
        try:
            while not stop.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                with closing(self.connection.notifies(timeout=min(left, STOP_SEEN))) as notes:
                    if next(notes, None) is None:
                        continue
                # The others that came meanwhile are read too: the look that follows takes
                # whatever was queued.
                with closing(self.connection.notifies(timeout=0)) as notes:
                    for _ in notes:
                        pass
                return True
        except Exception as exc:
            self._lost(exc)
            stop.wait(max(0.0, deadline - time.monotonic()))
        return False

    def _lost(self, exc: Exception) -> None:
        if not self.failed:
            log.warning("arbetaren lyssnar inte efter ny e-post, tittar bara: %s", exc)
        self.failed = True
        self.close()

    def close(self) -> None:
        if self.connection is not None:
            connection, self.connection = self.connection, None
            try:
                connection.close()
            except Exception:  # already gone with the database
                log.debug("the listener could not be closed", exc_info=True)
