"""What every flow's task runs in: the process's runtime, as of a given moment.

A flow is a thin wrapper that Prefect schedules and retries; its task calls one use case
(``remiss.usecases``), which delivers and renders what it left before it returns.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from typing import Any, TypeVar

from prefect import Task
from prefect.context import FlowRunContext

from remiss.app import current
from remiss.core import clock
from remiss.usecases.runtime import Runtime, inline

R = TypeVar("R")


def call(task: Task[Any, R], *args: Any, **kwargs: Any) -> R:
    """Run ``task`` as a task run inside a flow run, or as a plain call outside one."""
    if FlowRunContext.get() is None:
        return task.fn(*args, **kwargs)
    return task(*args, **kwargs)


def at(now: str | None) -> AbstractContextManager[None]:
    """Run a block as of ``now`` (ISO 8601), or on the real clock when it is None."""
    return clock.pretending(datetime.fromisoformat(now)) if now else nullcontext()


@contextmanager
def running(now: str | None = None) -> Iterator[Runtime]:
    """The process's runtime for one task, as of ``now`` if given (a flow run is its own
    record in Prefect: nothing more is announced)."""
    with at(now):
        yield inline(current())
