"""Running the flows' tasks with or without a Prefect API.

With a Prefect API (``remiss serve``, a deployment, production) a flow's tasks are
tracked task runs with retries. The CLI without one runs the same flow body
through ``flow.fn`` and each task's function directly, so a command does not pay
for starting a temporary Prefect server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from typing import Any, TypeVar

from prefect import Flow, Task
from prefect.context import FlowRunContext

from remiss.app import App, current
from remiss.core import clock

R = TypeVar("R")


def call(task: Task[Any, R], *args: Any, **kwargs: Any) -> R:
    """Run ``task`` as a task run inside a flow run, or as a plain call outside one."""
    if FlowRunContext.get() is None:
        return task.fn(*args, **kwargs)
    return task(*args, **kwargs)


def at(now: str | None) -> AbstractContextManager[None]:
    """Run a block as of ``now`` (ISO 8601), or on the real clock when it is None."""
    return clock.frozen_at(datetime.fromisoformat(now)) if now else nullcontext()


def prefect_available() -> bool:
    return bool(os.environ.get("PREFECT_API_URL"))


def run_flow(flow: Flow[Any, R], *args: Any, **kwargs: Any) -> R:
    """Run a flow tracked by Prefect when an API is configured, else its body directly."""
    if prefect_available():
        return flow(*args, **kwargs)
    return flow.fn(*args, **kwargs)


@contextmanager
def running(now: str | None = None) -> Iterator[App]:
    """The process's runtime for one task, as of ``now`` if given."""
    with at(now):
        yield current()
