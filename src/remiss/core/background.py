"""Work done in the background of a web process, one run at a time however many ask.

Every answer asks for its round's disagreement to be looked at and for the outbox to be
delivered once its response has gone. Asked while a run is under way, no second run
starts beside it (they would do the same work side by side, for the same rows): the run
under way does what was asked for meanwhile, once per key however many asked for it,
before it ends. With a ``pause``, what was asked for during a run is done that long
after it, on a thread of its own, together with whatever else is asked for by then: a
burst of answers is looked at by a few runs, not one run after the other for as long as
the burst lasts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from typing import Any

log = logging.getLogger(__name__)


class Coalesced:
    """``work(key)`` for every key asked for, by one thread at a time."""

    def __init__(self, work: Callable[[Any], object], pause: float = 0.0) -> None:
        self._work = work
        self._pause = pause
        self._lock = threading.Lock()
        self._due: dict[Hashable, None] = {}  # in the order asked
        self._running = False
        self._later: threading.Timer | None = None  # the run a pause put off
        self._later_owed = False  # and it has not started yet

    def ask(self, key: Hashable = None) -> None:
        """Do ``work(key)`` now; if a run is under way, leave it to that run and return."""
        with self._lock:
            self._due[key] = None
            if self._running:
                return
            self._running = True
        self._run()

    def leave_to_run(self, key: Hashable = None) -> bool:
        """Leave ``work(key)`` to the run under way (or put off by a pause) and return True;
        False when none is, and nothing is done: ``ask`` then. Never waits for work, so an
        event loop may call it, and a thread is needed only for a run to start."""
        with self._lock:
            if not self._running:
                return False
            self._due[key] = None
            return True

    def _run(self) -> None:
        try:
            while batch := self._take_due():
                for n, key in enumerate(batch):
                    try:
                        self._work(key)
                    except BaseException:
                        self._put_back(batch[n + 1 :])
                        raise
                if self._pause and self._put_off():
                    return
        except BaseException:
            with self._lock:
                self._running = False
            raise

    def _put_off(self) -> bool:
        """With keys asked for during the run: leave them to a run after the pause."""
        with self._lock:
            if not self._due:
                return False
            self._later = threading.Timer(self._pause, self._run_later)
            self._later.daemon = True
            self._later_owed = True
            self._later.start()
            return True

    def _run_later(self) -> None:
        with self._lock:
            if not self._later_owed:
                return  # ``finish`` did it
            self._later_owed = False
        try:
            self._run()
        except Exception:
            log.exception("background work failed")

    def finish(self) -> None:
        """Do now what a pause put off, and put nothing off any more (the process is
        about to stop: a timer's thread would not outlive it)."""
        with self._lock:
            self._pause = 0.0
            owed, later = self._later_owed, self._later
            self._later_owed = False
        if owed:
            self._run()
        elif later is not None:
            later.join()  # its run is under way: let it end

    def _take_due(self) -> list[Hashable]:
        """Every key asked for, in the order asked; none (and the run ends) when none was."""
        with self._lock:
            batch = list(self._due)
            self._due.clear()
            if not batch:
                self._running = False
            return batch

    def _put_back(self, keys: list[Hashable]) -> None:
        with self._lock:
            self._due = dict.fromkeys([*keys, *self._due])
