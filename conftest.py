"""The test run's summary, in the process that prints it (also under pytest-xdist)."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The fault suite's figures (tried / delivered / lost / duplicated), after the run."""
    from tests.faults.figures import collect

    if hasattr(terminalreporter.config, "workerinput"):
        return  # a pytest-xdist worker: the controlling process prints the summary
    lines = collect()
    if lines:
        terminalreporter.section("faults")
        for line in lines:
            terminalreporter.write_line(line)
