"""The ``remiss`` command line: parse arguments, call one service, print the result.

One module per concern registers its commands on the shared Typer apps below.

Every command exits non-zero with one clear line on standard error for bad input,
and changes nothing then. Prefect is imported only by the commands that run flows.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from pydantic import ValidationError

from remiss.core import clock
from remiss.core.errors import RemissError
from remiss.core.settings import Settings

if TYPE_CHECKING:
    from remiss.app import App
    from remiss.usecases.runtime import Runtime

app = typer.Typer(
    help="remiss: remissrundor från inbjudan till gemensamt yttrande.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Databasen.", no_args_is_help=True)
directory_app = typer.Typer(help="Katalogen över grupper och personer.", no_args_is_help=True)
round_app = typer.Typer(help="Remissrundor.", no_args_is_help=True)
reminders_app = typer.Typer(help="Påminnelser.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(directory_app, name="directory")
app.add_typer(round_app, name="round")
app.add_typer(reminders_app, name="reminders")

F = TypeVar("F", bound=Callable[..., Any])
NowOption = Annotated[
    str | None,
    typer.Option("--now", help="Kör som om klockan vore denna (ISO 8601); för test och efterhand."),
]


def fail(message: str) -> None:
    typer.echo(f"remiss: {message}", err=True)
    raise typer.Exit(code=1)


def shell(func: F) -> F:
    """Turn a domain error into one line on stderr and exit code 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RemissError as exc:
            fail(str(exc))
        except FileNotFoundError as exc:
            fail(f"{exc.filename}: filen finns inte")
        except OSError as exc:
            if exc.filename is None:
                raise
            fail(f"{exc.filename}: filen kan inte läsas ({exc.strerror})")
        except ValidationError as exc:
            # Domain input is validated into InputError; what arrives here is the settings.
            first = exc.errors()[0]
            name = "REMISS_" + "_".join(str(part) for part in first["loc"]).upper()
            fail(f"{name}: {first['msg'].removeprefix('Value error, ')}")

    return wrapper  # type: ignore[return-value]


def settings() -> Settings:
    return application().settings


def parse_now(value: str | None, tz: Any) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        fail(
            f"--now: förväntade en tidpunkt i ISO 8601, t.ex. 2026-03-01T08:00 (angivet: {value!r})"
        )
        raise  # unreachable; fail exits
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment


def delivery_line(report: dict[str, Any]) -> str:
    """What delivery came to, saying only what happened: "e-post: 4 skickade, 1 misslyckades"."""
    parts = [f"{report['sent']} skickade"]
    if report.get("retrying"):
        parts.append(f"{report['retrying']} försöks igen")
    if report.get("failed"):
        parts.append(f"{report['failed']} misslyckades")
    if report.get("waiting"):
        parts.append(f"{report['waiting']} väntar på e-postservern")
    return "e-post: " + ", ".join(parts)


def parse_date(text: str, option: str) -> date:
    """A date option, or one line naming the option and exit 1."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option}: förväntade ett datum ÅÅÅÅ-MM-DD (angivet: {text!r})")
        raise


def set_clock(value: str | None, tz: Any) -> str | None:
    moment = parse_now(value, tz)
    if moment is not None:
        clock.set_now(moment)
        return moment.isoformat()
    return None


def use_running_prefect() -> None:
    """With no PREFECT_API_URL, run flows on the Prefect server that ``remiss serve`` runs for
    this data folder, if it runs: what a command does then shows in its Prefect UI too.

    Before Prefect is first imported (it reads its settings then)."""
    import os
    import sys

    if os.environ.get("PREFECT_API_URL") or "prefect" in sys.modules:
        return
    from flows.prefect_server import prefect_env, running

    data_dir = application().settings.data_dir
    api_url = running(data_dir)
    if api_url is None:
        return
    port = int(api_url.rsplit(":", 1)[1].split("/", 1)[0])
    os.environ.update(prefect_env(data_dir, port))
    os.environ["PREFECT_API_URL"] = api_url
    typer.echo(f"Visas som händelser i Prefect ({api_url.removesuffix('/api')}).", err=True)


def runtime() -> Runtime:
    """This process's runtime for a use case: what it queues is delivered before it returns,
    and with a Prefect API (``PREFECT_API_URL``, or the one ``remiss serve`` runs for this
    data folder) every action is told to Prefect as an event."""
    import os

    from remiss.usecases.runtime import inline

    use_running_prefect()
    api_url = os.environ.get("PREFECT_API_URL")
    if not api_url:
        return inline(application())
    from flows.events import announcer

    return inline(application(), announcer(api_url))


def application() -> App:
    """This process's runtime (settings read from the environment once)."""
    from remiss.app import current

    return current()


# --- db -----------------------------------------------------------------------------------


@db_app.command("upgrade", help="Uppdatera databasen till senaste schemat.")
@shell
def db_upgrade() -> None:
    """Apply the database migrations."""
    from remiss.core.db import upgrade

    a = application()
    upgrade(a.engine)
    typer.echo(f"Databasen är uppdaterad ({a.engine.url.render_as_string(hide_password=True)}).")


# --- directory ----------------------------------------------------------------------------


@directory_app.command(
    "import", help="Läs in eller synkronisera regioner, grupper och personer från en YAML-fil."
)
@shell
def directory_import(
    file: Path,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Läs bara in om katalogen är tom.")
    ] = False,
) -> None:
    """Load or re-sync regions, groups and people from a directory YAML file."""
    from sqlalchemy import func, select

    from remiss.core.models import Group
    from remiss.directory import sync as directory

    a = application()
    if if_empty:
        with a.sessions() as session:
            if session.scalar(select(func.count()).select_from(Group)):
                typer.echo("Katalogen finns redan; ingen import.")
                return
    spec = directory.load(file)
    with a.transaction() as session:
        result = directory.apply(session, spec, actor="cli")
    typer.echo(f"Katalogen inläst från {file}: {result.summary()}")


def load_commands() -> None:
    """Import every command module: each registers its commands on the apps above."""
    from remiss.cli import (  # noqa: F401
        answering,
        compile,
        demo,
        details,
        register,
        reminders,
        rounds,
        serve,
    )


def main() -> None:
    load_commands()

    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
