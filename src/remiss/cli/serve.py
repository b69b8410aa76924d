"""``remiss serve``: the web app, the scheduled flows and, with no SMTP server, the sink."""

from __future__ import annotations

import os
import signal
from types import FrameType
from typing import Annotated

import typer

from remiss.cli import app, application, shell


@app.command(
    "serve", help="Kör webben, de schemalagda flödena och (utan SMTP) den lokala e-postsänkan."
)
@shell
def serve(
    host: Annotated[str, typer.Option("--host", help="Adress att lyssna på.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port för webben.")] = 8000,
    prefect_port: Annotated[
        int, typer.Option("--prefect-port", help="Port för den inbyggda Prefect-servern.")
    ] = 4200,
    web_only: Annotated[
        bool,
        typer.Option(
            "--web-only", help="Bara webben: flödena körs av en Prefect-worker (produktion)."
        ),
    ] = False,
) -> None:
    """Serve the web app and the flows' deployments (the reminder sweep on its schedule)."""
    import uvicorn
    from flows.prefect_server import prefect_env, start_prefect_server, stop

    from remiss.access import logins
    from remiss.core.db import upgrade
    from remiss.mail import sink
    from remiss.web.server import config, install_log_filter

    # Until Prefect installs its own handler, a SIGTERM must still unwind through the
    # finally below, or the Prefect server (in its own session) would outlive us.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    a = application()
    if "base_url" not in a.settings.model_fields_set:
        # Links must point at where this server listens unless REMISS_BASE_URL says otherwise.
        shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
        a.settings = a.settings.model_copy(update={"base_url": f"http://{shown}:{port}"})
    s = a.settings
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
    child = None
    if not web_only and not os.environ.get("PREFECT_API_URL"):
        typer.echo("Startar Prefect-servern …")
        child = start_prefect_server(s.data_dir, prefect_port)
        os.environ.update(prefect_env(s.data_dir))
        os.environ["PREFECT_API_URL"] = f"http://127.0.0.1:{prefect_port}/api"
        typer.echo(f"Prefect: http://127.0.0.1:{prefect_port}")
    try:
        # Prefect is imported only once it points at its server (it reads its settings at
        # import), and before uvicorn sets up logging (Prefect's logging setup would mute it).
        from flows.serving import serve_forever

        web = uvicorn.Server(config(a, host, port))
        web.config.load()
        install_log_filter()  # after uvicorn configured its loggers
        typer.echo(f"remiss: http://{host}:{port}")
        coordinator = s.coordinators[0] if s.coordinators else None
        if coordinator:
            with a.transaction() as session:
                link = logins.login_link(session, s, coordinator)
            typer.echo(f"Logga in som {coordinator} (engångslänk, 30 minuter):\n{link}")
        else:
            typer.echo("Ange REMISS_COORDINATORS för att kunna logga in i översikten.")
        if web_only:
            web.run()
        else:
            serve_forever(s.timezone, web)
    finally:
        stop(child)
        if running_sink is not None:
            running_sink.stop()


def _exit_on_signal(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)
