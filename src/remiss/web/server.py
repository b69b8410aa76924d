"""Serving the web app with uvicorn, with personal and login links kept out of the logs."""

from __future__ import annotations

import gc
import logging
import os
import re
import socket
import sys
from collections.abc import Callable
from typing import Any, cast

import uvicorn
from fastapi import FastAPI

from remiss.app import App
from remiss.usecases.runtime import Announcement
from remiss.web import create_app

_TOKEN_PATH = re.compile(r"/(r|login)/[A-Za-z0-9_-]{8,}")
REDACTED = "[dold]"


def redact(text: str) -> str:
    """Replace the token in every ``/r/<token>`` and ``/login/<token>`` path."""
    return _TOKEN_PATH.sub(lambda m: f"/{m.group(1)}/{REDACTED}", text)


class RedactTokens(logging.Filter):
    """A logging filter that removes link tokens from a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True


def install_log_filter() -> None:
    for name in ("uvicorn.access", "uvicorn.error", "uvicorn"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())


def config(
    app: App,
    host: str = "127.0.0.1",
    port: int = 8000,
    announcer: Callable[[Announcement], None] | None = None,
    **options: Any,
) -> uvicorn.Config:
    """The uvicorn configuration for the web app over ``app`` (telling ``announcer`` of
    every action, if given)."""
    web = create_app(app, announcer=announcer)
    return uvicorn.Config(web, host=host, port=port, proxy_headers=False, **options)


def settle() -> None:
    """Just before serving: the pages' templates compiled (not by each of the first
    requests' threads at once), and what starting allocated (modules, mappers, templates)
    kept out of the garbage collector's way. It lives as long as the process, and the
    collector would otherwise walk all of it again, many times a second under load."""
    from sqlalchemy.orm import configure_mappers

    from remiss.web.pages import environment

    configure_mappers()
    pages = environment()
    for name in pages.list_templates(extensions=["html"]):
        pages.get_template(name)
    gc.collect()
    gc.freeze()


def worker_app(announcer: Callable[[Announcement], None] | None = None) -> FastAPI:
    """The web app of one of several web processes (``remiss serve --web-only --workers
    N``), built in each by ``remiss.cli.webworker``. The settings come from the environment
    that ``remiss serve`` worked out and exported; each process has its own connections,
    its own delivery of the outbox (the outbox's claims keep them apart) and its own count
    of each link's requests."""
    from remiss.app import current

    install_log_filter()
    web = create_app(current(), announcer=announcer)
    settle()
    return web


class OwnSocket:
    """The address every web process listens on, each with a socket of its own.

    uvicorn hands its processes the sockets to serve by pickling them; this one unpickles
    as a new socket on the same port with ``SO_REUSEPORT`` (``worker_socket``), so the kernel spreads
    new connections evenly over the processes. Sharing one socket, whichever process
    accepted first took a whole burst of connections (its event loop accepts all that
    wait) and kept them for as long as they lived: under load one process worked flat
    out while the other idled.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return worker_socket, (self.host, self.port)


def worker_socket(host: str, port: int) -> socket.socket:
    """A web process's own socket on ``host``:``port``, which the other processes have
    too (SO_REUSEPORT). Bound, not yet listening: uvicorn listens on it once the app has
    started, so that no connection is given to a process still starting (it would wait
    there for seconds while the others serve). If the address cannot be had, the process
    ends as uvicorn's do when they cannot start, and the supervisor stops rather than
    starting it again and again."""
    from uvicorn.config import STARTUP_FAILURE

    sock = _Listener(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        logging.getLogger("uvicorn.error").error("Could not listen on %s:%d: %s", host, port, exc)
        sys.exit(STARTUP_FAILURE)
    return sock


class _Listener(socket.socket):
    """A web process's socket, which says in the log when it starts listening (uvicorn
    does not, on a socket handed to it): from then on the process takes connections."""

    def listen(self, *backlog: int) -> None:
        super().listen(*backlog)
        host, port = self.getsockname()[:2]
        logging.getLogger("uvicorn.error").info(
            "Listening on %s:%d (process %d)", host, port, os.getpid()
        )


WORKER_HEALTHCHECK_SECONDS = 30


def serve_workers(
    host: str, port: int, workers: int, app: str = "remiss.cli.webworker:worker_app"
) -> None:
    """``workers`` web processes on one port (the factory ``app``, by default
    ``worker_app``, in each), until a signal; each listens on a socket of its own
    (``OwnSocket``) where the system allows it."""
    from uvicorn.supervisors import Multiprocess

    # A process is given 30 s (uvicorn's default is 5) to answer the supervisor's health
    # ping: on a busy host a starting process (its imports) or a long request holding the
    # interpreter answers late, and one killed for that restarts into the same wait.
    workers_config = uvicorn.Config(
        app,
        factory=True,
        host=host,
        port=port,
        proxy_headers=False,
        workers=workers,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )
    if hasattr(socket, "SO_REUSEPORT") and port != 0:
        sockets = [cast(socket.socket, OwnSocket(host, port))]
    else:
        sockets = [workers_config.bind_socket()]
    Multiprocess(workers_config, sockets=sockets).run()
