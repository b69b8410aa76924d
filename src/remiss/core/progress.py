"""The steps of long work, told to whoever listens in this process (the CLI's progress bar).

A service names each step as it begins; with nobody listening (the web, a worker) that
costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

Listener = Callable[[str], None]
_listeners: list[Listener] = []


def step(description: str) -> None:
    """Tell every listener that the step ``description`` begins."""
    for listener in list(_listeners):
        listener(description)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Call ``listener`` with each step begun in this process while the block runs."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)
