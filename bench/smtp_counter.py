"""An SMTP server that accepts everything and counts it, for the benchmarks.

    python bench/smtp_counter.py PORT STATS_FILE

Runs in a process of its own, as a real server would. On SIGTERM it writes what it
saw to STATS_FILE as JSON: messages accepted, their bytes, and the wall-clock time of
the first and the last acceptance (``time.time()``, comparable across processes).
"""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self) -> None:
        self.count = 0
        self.bytes = 0
        self.first: float | None = None
        self.last: float | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        moment = time.time()
        if self.first is None:
            self.first = moment
        self.last = moment
        self.count += 1
        self.bytes += len(envelope.original_content or b"")
        return "250 Message accepted"

    def stats(self) -> dict[str, Any]:
        return {"count": self.count, "bytes": self.bytes, "first": self.first, "last": self.last}


def main() -> None:
    port, stats_file = int(sys.argv[1]), Path(sys.argv[2])
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()
    stats_file.write_text(json.dumps(counter.stats()))


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
