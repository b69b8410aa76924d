"""``remiss serve``: the web app, the scheduled flows, a worker and, with no SMTP server,
the sink."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer

from remiss.cli.children import dying_with, listener
from remiss.cli.process import application
from remiss.cli.shell import fail, shell

if TYPE_CHECKING:
    import uvicorn

commands = typer.Typer()


@commands.command(
    "serve",
    help="Kör webben, de schemalagda flödena, arbetaren och (utan SMTP) den lokala e-postsänkan.",
)
@shell
def serve(
    host: Annotated[str, typer.Option("--host", help="Adress att lyssna på.")] = "127.0.0.1",
    port: Annotated[
        int | None, typer.Option("--port", help="Port för webben (annars REMISS_PORT, 8000).")
    ] = None,
    prefect_port: Annotated[
        int | None,
        typer.Option(
            "--prefect-port",
            help="Port för den inbyggda Prefect-servern (annars REMISS_PREFECT_PORT, 4200).",
        ),
    ] = None,
    web_only: Annotated[
        bool,
        typer.Option(
            "--web-only", help="Bara webben: flödena körs av en Prefect-worker (produktion)."
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=32,
            help="Webbprocesser på samma port, med --web-only (annars REMISS_WEB_WORKERS, 1).",
        ),
    ] = None,
) -> None:
    """Serve the web app and the flows' deployments (the reminder sweep on its schedule)."""
    import uvicorn
    from flows.prefect_server import (
        announce,
        api_url_on,
        point_prefect_at,
        start_prefect_server,
        stop,
        stop_leftover,
        wait_until_up,
        withdraw,
    )

    from remiss.access import logins
    from remiss.core.db import upgrade
    from remiss.mail import sink
    from remiss.web.server import config, install_log_filter, serve_workers, settle

    a = application()
    # Until Prefect installs its own handler, a SIGTERM must still unwind through the
    # finally below, or the Prefect server (in its own session) would outlive us.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    s = a.settings.listening_on(host, port, prefect_port)
    if (example := s.example_left()) is not None:
        fail(example)
    if workers is not None:
        s = s.model_copy(update={"web_workers": workers})
    if s.web_workers > 1 and not web_only:
        fail(
            "flera webbprocesser (--workers, REMISS_WEB_WORKERS) bara med --web-only: "
            "schemat och Prefect-servern körs i en process"
        )
    embedded_prefect = not web_only and not s.prefect_api_url
    _refuse_taken_port(host, s.port, "webben (REMISS_PORT)")
    if embedded_prefect:
        if (left := stop_leftover(s.data_dir)) is not None:
            typer.echo(
                f"Stoppade Prefect-servern (process {left}) som en tidigare körning lämnade."
            )
        _refuse_taken_port("127.0.0.1", s.prefect_port, "Prefect-servern (REMISS_PREFECT_PORT)")
        # Every action done here, and the flows served here, go to the server started below.
        s = s.model_copy(update={"prefect_api_url": api_url_on(s.prefect_port)})
    a.settings = s
    # What this process worked out goes to every process it starts: the Prefect server, and
    # the flow runs that serve() starts as subprocesses, which read their settings anew.
    os.environ.update(s.environment())
    upgrade(a.engine)
    running_sink = None
    if s.uses_sink:
        if sink.is_running("127.0.0.1", s.sink_port):
            typer.echo(f"Lokal e-postsänka körs redan på port {s.sink_port}.")
        else:
            running_sink = sink.start(s.sink_dir, port=s.sink_port)
            typer.echo(
                f"Lokal e-postsänka på 127.0.0.1:{s.sink_port}; e-post sparas i {s.sink_dir}"
            )
    # What comes after a commit (mail, files, disagreements) is done by a worker: one here
    # beside the web, unless this is one of several web processes (compose runs the
    # workers as a service of their own).
    worker = None if web_only else _start_worker()
    # Replies and bounces come in through a listener of their own (``remiss inbound``).
    inbound = _start_worker("inbound") if s.inbound_domain and not web_only else None
    child = None
    if embedded_prefect:
        typer.echo("Startar Prefect-servern …")
        child = start_prefect_server(s.data_dir, s.prefect_port)
    if s.prefect_api_url:
        # Prefect itself, here and in the flow runs it starts, reads where its API is.
        point_prefect_at(s.prefect_api_url, s.data_dir if embedded_prefect else None)
    web_thread = None
    try:
        # Prefect is imported only once it points at its server (it reads its settings at
        # import), and before uvicorn sets up logging (Prefect's logging setup would mute it).
        from flows.events import announcer
        from flows.serving import serve_forever

        api_url = s.prefect_api_url
        told = announcer(api_url, s.prefect_event_timeout) if api_url else None
        web = uvicorn.Server(config(a, host, s.port, told))
        web.config.load()
        install_log_filter()  # after uvicorn configured its loggers
        typer.echo(f"remiss: http://{host}:{s.port}")
        coordinator = s.coordinators[0] if s.coordinators else None
        if coordinator:
            with a.transaction() as session:
                link = logins.login_link(session, s, coordinator)
            typer.echo(f"Logga in som {coordinator} (engångslänk, 30 minuter):\n{link}")
        else:
            typer.echo("Ange REMISS_COORDINATORS för att kunna logga in i översikten.")
        settle()
        if web_only and s.web_workers > 1:
            serve_workers(host, s.port, s.web_workers)
        elif web_only:
            web.run()
        else:
            # The web app answers while the Prefect server starts (10-30 s, most of the wait
            # for a first page): what is done meanwhile is told to a Prefect not yet there,
            # which drops it with a warning (flows/events.py), as when it is down.
            web_thread = threading.Thread(target=web.run, name="web", daemon=True)
            web_thread.start()
            if child is not None:
                wait_until_up(child, s.data_dir, s.prefect_port)
                # Commands run beside it (remiss round open, …) find it here and tell it.
                announce(s.data_dir, api_url_on(s.prefect_port))
            said = f"Prefect: http://127.0.0.1:{s.prefect_port}" if child is not None else None
            serve_forever(s.timezone, _AlreadyServing(web, web_thread, said))
    finally:
        if web_thread is not None:
            web.should_exit = True
            web_thread.join(timeout=10)
        if child is not None:
            withdraw(s.data_dir)
        stop(child)
        _stop_worker(worker)
        _stop_worker(inbound)
        if running_sink is not None:
            running_sink.stop()


class _AlreadyServing:
    """The web app, already answering on ``thread``, as ``serve_forever`` takes it: it runs
    the web app it is given once the flows are registered (then this says ``ready``, so
    that a line like "Prefect: …" means the flows can be run) and stops it on its way out."""

    def __init__(self, web: uvicorn.Server, thread: threading.Thread, ready: str | None) -> None:
        self.web, self.thread, self.ready = web, thread, ready

    def run(self) -> None:
        if self.ready:
            typer.echo(self.ready)
        self.thread.join()

    @property
    def should_exit(self) -> bool:
        return self.web.should_exit

    @should_exit.setter
    def should_exit(self, value: bool) -> None:
        self.web.should_exit = value


def _start_worker(name: str = "worker") -> subprocess.Popen[bytes]:
    """``remiss worker`` (or ``remiss inbound``) as a child that stops when this process
    ends, however it ends."""
    command = [sys.executable, "-c", "from remiss.cli import main; main()", name]
    return subprocess.Popen(command, preexec_fn=dying_with(os.getpid()))


def _stop_worker(worker: subprocess.Popen[bytes] | None) -> None:
    if worker is None or worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=30)  # it finishes the message on the wire, then stops
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _refuse_taken_port(host: str, port: int, what: str) -> None:
    """One line and exit 1 when something already listens where we would, naming it when
    the system lets us see who."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            holder = listener(port)
            by = f" av process {holder[0]} ({holder[1]})" if holder else ""
            fail(
                f"port {port} på {host} används redan{by}; välj en annan port för {what} "
                "eller stoppa det som lyssnar där"
            )


def _exit_on_signal(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)
