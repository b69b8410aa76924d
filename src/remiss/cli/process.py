"""This command's process: its ``App``, the Prefect API it tells, the runtime of a use case.

Prefect is imported only by the commands that tell it something.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from remiss.app import App
    from remiss.core.settings import Settings
    from remiss.usecases.runtime import Runtime


def application() -> App:
    """This process's runtime (settings read from the environment once)."""
    from remiss.app import current

    return current()


def settings() -> Settings:
    return application().settings


def prefect_api() -> str | None:
    """The Prefect API this command tells what it does: the configured one, else the server
    ``remiss serve`` runs for this data folder, if it runs (what a command does then shows in
    its Prefect UI too)."""
    a = application()
    configured = a.settings.prefect_api_url
    # Prefect reads its settings when it is first imported: too late then to point it here.
    if configured or "prefect" in sys.modules:
        return configured
    from flows.prefect_server import point_prefect_at, running

    api_url = running(a.settings.data_dir)
    if api_url is None:
        return None
    point_prefect_at(api_url, a.settings.data_dir)
    a.settings = a.settings.model_copy(update={"prefect_api_url": api_url})
    typer.echo(f"Visas som händelser i Prefect ({api_url.removesuffix('/api')}).", err=True)
    return api_url


def runtime() -> Runtime:
    """This process's runtime for a use case: what it queues is delivered before it returns,
    and with a Prefect API (``prefect_api``) every action is told to Prefect as an event."""
    from remiss.usecases.runtime import inline

    api_url = prefect_api()
    if not api_url:
        return inline(application())
    from flows.events import announcer

    return inline(application(), announcer(api_url, settings().prefect_event_timeout))
