"""A feed between whoever queues mail in batches and a deliverer sending it meanwhile.

The producer says when a batch is committed, and when it is done; a deliverer fed
this way waits for the next batch when the outbox runs dry, instead of stopping.
The producer in turn keeps at most ``ahead`` messages queued beyond what the
deliverer has handled, so the two share the machine rather than the producer racing
ahead; once the deliverer stops (done, or the server gone) nobody waits for it.
"""

from __future__ import annotations

import threading


class Feed:
    def __init__(self, ahead: int = 1000) -> None:
        self.ahead = ahead
        self._changed = threading.Condition()
        self._queued = 0
        self._handled = 0
        self._batches = 0
        self._closed = False
        self._stopped = False

    # The producer's side.

    def committed(self, messages: int) -> None:
        """A batch of ``messages`` is committed to the outbox."""
        with self._changed:
            self._queued += messages
            self._batches += 1
            self._changed.notify_all()

    def close(self) -> None:
        """Nothing more will be queued."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def wait_for_room(self) -> None:
        """Until the deliverer is within ``ahead`` messages of what was queued (or stopped)."""
        with self._changed:
            self._changed.wait_for(
                lambda: self._stopped or self._queued - self._handled < self.ahead
            )

    # The deliverer's side.

    def handled(self, messages: int = 1) -> None:
        with self._changed:
            self._handled += messages
            self._changed.notify_all()

    def stopped(self) -> None:
        """The deliverer has stopped: the producer must not wait for it."""
        with self._changed:
            self._stopped = True
            self._changed.notify_all()

    def state(self) -> tuple[int, bool]:
        """The batches committed so far, and whether the producer is done."""
        with self._changed:
            return self._batches, self._closed

    def wait_beyond(self, batches: int) -> None:
        """Until a batch after the first ``batches`` is committed, the producer is done, or
        the deliverer has stopped."""
        with self._changed:
            self._changed.wait_for(lambda: self._batches > batches or self._closed or self._stopped)
