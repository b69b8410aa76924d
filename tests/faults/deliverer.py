"""A delivery process of its own, for the crash test: the outbox, from the environment.

``python -m tests.faults.deliverer ISO-TIME`` delivers as of that moment, on the test's clock.
"""

from __future__ import annotations

import sys
from datetime import datetime

from remiss.app import current, deliver_outbox
from remiss.core import clock

if __name__ == "__main__":
    clock.set_now(datetime.fromisoformat(sys.argv[1]))
    deliver_outbox(current())
