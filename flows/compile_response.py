"""Compile a round's sammanställning on demand and, if asked, tell its coordinator.

Closing compiles by itself (flows/close_round.py and the sweep); this is for compiling
again, e.g. after answers allowed late. Compiling again with nothing new hands back the
version already kept, and the coordinator is told once per version.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from prefect import flow, task

from flows._run import call, running
from remiss.usecases.answering import compile_answer
from remiss.yttrande.documents import FORMATS


@task(name="compile-yttrande", retries=1, retry_delay_seconds=10)
def compile_task(round_id: int, actor: str, notify: bool, formats: list[str]) -> dict[str, Any]:
    """Compile and store; queue the coordinator's notice; deliver and render after."""
    with running() as rt:
        done = compile_answer(rt, round_id, actor, notify=notify, formats=formats)
    delivery = done.follow_up.delivery
    return {
        **asdict(done.compiled),
        "delivery": delivery.fields() if delivery is not None else None,
        "rendered": done.follow_up.rendered,
    }


@flow(name="compile-response")
def compile_response(
    round_id: int, actor: str = "schedule", notify: bool = True, formats: list[str] | None = None
) -> dict[str, Any]:
    """Compile the sammanställning of ``round_id``, render its files in ``formats`` (all by
    default) and, if asked, tell the coordinator."""
    return call(compile_task, round_id, actor, notify, formats or list(FORMATS))
