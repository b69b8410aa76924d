"""The ``remiss`` command line: parse arguments, call one use case, print the result.

``commands`` assembles it from one module per concern; the shared ways of a command
(an error as one line, ``--now``) are in ``shell`` and its process's runtime in
``process``. Prefect is imported only by the commands that tell it something.
"""

import gc

# A command allocates most of what it ever will while importing, and most live seconds:
# collected as Python's defaults have it, a launch of 1,000 spent 100-170 ms of its
# 1.4 s of CPU in 340 collections. Less often here, and what the imports made is frozen
# out of later collections (``commands.main``); the standing ones (serve, worker) keep
# their modules for life as well.
gc.set_threshold(10_000, 20, 100)

from remiss.cli.commands import app, main  # noqa: E402  (after the collector is set)

__all__ = ["app", "main"]
