"""Standing workers say they are alive: a row each in ``worker_beats``, renewed every few
seconds, removed when the worker stops. A command that finds a fresh one leaves its
mail and files to the workers; one whose worker was killed finds its row gone stale."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session, sessionmaker

from remiss.core.clock import machine_now
from remiss.core.models import WorkerBeat

log = logging.getLogger("remiss.worker")

# Seconds between beats.
EVERY = 2.0
# A beat older than this is a worker that is gone (killed, its host down).
FRESH = timedelta(seconds=15)
# Rows of workers gone this long are removed by the next worker that beats.
FORGOTTEN = timedelta(days=1)


def alive(session: Session) -> bool:
    """Whether a standing worker has said it is alive lately."""
    fresh = exists().where(WorkerBeat.seen_at >= machine_now() - FRESH)
    return bool(session.scalar(select(fresh)))


def beat(sessions: sessionmaker[Session], worker_id: str, started: bool = False) -> None:
    moment = machine_now()
    with sessions.begin() as session:
        if started:
            session.execute(delete(WorkerBeat).where(WorkerBeat.seen_at < moment - FORGOTTEN))
            session.add(
                WorkerBeat(
                    id=worker_id,
                    host=socket.gethostname()[:255],
                    pid=os.getpid(),
                    started_at=moment,
                    seen_at=moment,
                )
            )
        else:
            session.execute(
                update(WorkerBeat).where(WorkerBeat.id == worker_id).values(seen_at=moment)
            )


@contextmanager
def beating(sessions: sessionmaker[Session], stop: threading.Event) -> Iterator[str]:
    """Beat from a thread of its own until the block ends (or ``stop`` is set)."""
    worker_id = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    beat(sessions, worker_id, started=True)
    ended = threading.Event()

    def keep_beating() -> None:
        while not (ended.wait(EVERY) or stop.is_set()):
            try:
                beat(sessions, worker_id)
            except Exception:  # the database away: the next beat tries again
                log.warning("arbetaren kunde inte säga att den lever", exc_info=True)

    thread = threading.Thread(target=keep_beating, name="worker-beat", daemon=True)
    thread.start()
    try:
        yield worker_id
    finally:
        ended.set()
        thread.join()
        try:
            with sessions.begin() as session:
                session.execute(delete(WorkerBeat).where(WorkerBeat.id == worker_id))
        except Exception:
            log.warning("arbetaren kunde inte ta bort sin rad; den blir inaktuell", exc_info=True)
