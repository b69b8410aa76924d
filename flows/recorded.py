"""The web app's own orchestrating actions, run as Prefect flow runs.

A coordinator who opens, closes or sends from the dashboard waits for the answer, so the
action runs in the request, in the web's own transaction; with a Prefect API configured it
runs inside a flow run of the same name as the deployment's flow (``open-round``,
``close-round``, ``send-yttrande``, ``deliver-outbox``), so the Prefect UI shows every
state change, not only the scheduled ones. The parameters recorded are the action's own
(round, actor); the body is handed over in a context variable, because a flow's
parameters must be plain values.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from prefect import flow

T = TypeVar("T")
_body: ContextVar[Callable[[], Any]] = ContextVar("body")


@flow(name="web-action", validate_parameters=False, persist_result=False)
def web_action(action: str, parameters: dict[str, Any]) -> Any:
    """Run the action handed over by ``record`` (``parameters`` are for the record)."""
    return _body.get()()


def record(action: str, parameters: dict[str, Any], body: Callable[[], T]) -> T:
    """Run ``body`` as a flow run named ``action``; its exception is the caller's."""
    token = _body.set(body)
    try:
        named = web_action.with_options(name=action, flow_run_name=f"{action} (webben)")
        result: T = named(action, parameters)
        return result
    finally:
        _body.reset(token)
