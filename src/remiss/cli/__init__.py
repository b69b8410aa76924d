"""The ``remiss`` command line: parse arguments, call one use case, print the result.

``commands`` assembles it from one module per concern; the shared ways of a command
(an error as one line, ``--now``) are in ``shell`` and its process's runtime in
``process``. Prefect is imported only by the commands that tell it something.
"""

from remiss.cli.commands import app, main

__all__ = ["app", "main"]
