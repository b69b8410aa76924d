"""Work done in the background of a web process, one run at a time however many ask.

Every answer asks for its round's disagreement to be looked at and for the outbox to be
delivered once its response has gone. Asked while a run is under way, no second run
starts beside it (they would do the same work side by side, for the same rows): the run
under way does what was asked for meanwhile, once per key however many asked for it,
before it ends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any


class Coalesced:
    """``work(key)`` for every key asked for, by one thread at a time."""

    def __init__(self, work: Callable[[Any], object]) -> None:
        self._work = work
        self._lock = threading.Lock()
        self._due: dict[Hashable, None] = {}  # in the order asked
        self._running = False

    def ask(self, key: Hashable = None) -> None:
        """Do ``work(key)`` now; if a run is under way, leave it to that run and return."""
        with self._lock:
            self._due[key] = None
            if self._running:
                return
            self._running = True
        try:
            while (due := self._next()) is not None:
                self._work(due[0])
        except BaseException:
            with self._lock:
                self._running = False
            raise

    def _next(self) -> tuple[Hashable] | None:
        """The next key asked for, or None (and the run ends) when there is none."""
        with self._lock:
            if not self._due:
                self._running = False
                return None
            key = next(iter(self._due))
            del self._due[key]
            return (key,)
