"""A reminder sweep in a process of its own, for the concurrency tests (spawn-safe)."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def sweep_in_process(settings: dict[str, Any], moment: str, barrier: Any, results: Any) -> None:
    """Build an engine of this process's own, wait for the others, queue what is due."""
    from remiss.app import App
    from remiss.core import clock
    from remiss.core.settings import Settings
    from remiss.rounds.reminders import queue_reminders

    configured = Settings(_env_file=None, **settings)
    clock.set_now(datetime.fromisoformat(moment))
    application = App.create(configured)
    try:
        barrier.wait(timeout=60)
        with application.transaction() as session:
            report = queue_reminders(session, configured)
        results.put((report.reminders, report.digests, report.people))
    except Exception as exc:
        results.put(("error", repr(exc), []))
    finally:
        application.close()
