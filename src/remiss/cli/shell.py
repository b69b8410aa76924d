"""What every command shares: a domain error as one line and exit 1, and its options parsed.

Every command exits non-zero with one clear line on standard error for bad input,
and changes nothing then.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError

from remiss.core import clock, failures
from remiss.core.errors import RemissError

F = TypeVar("F", bound=Callable[..., Any])
NowOption = Annotated[
    str | None,
    typer.Option("--now", help="Kör som om klockan vore denna (ISO 8601); för test och efterhand."),
]


def fail(message: str) -> None:
    """Say ``message`` on standard error and exit 1: one line, or one line for each error
    when an input holds several (``InputErrors``), each a line of its own."""
    for line in message.splitlines() or [""]:
        typer.echo(f"remiss: {line}", err=True)
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
            if exc.filename is None or failures.is_disk_full(exc):
                line = failures.said(exc)
                if line is None:
                    raise
                fail(f"{line} ({_logged(exc)})")
            fail(f"{exc.filename}: filen kan inte läsas ({exc.strerror})")
        except ValidationError as exc:
            # Domain input is validated into InputError; what arrives here is the settings.
            first = exc.errors()[0]
            name = "REMISS_" + "_".join(str(part) for part in first["loc"]).upper()
            fail(f"{name}: {first['msg'].removeprefix('Value error, ')}")
        except DBAPIError as exc:
            line = failures.said(exc)
            if line is None:
                raise
            fail(f"{line} ({_logged(exc)})")

    return wrapper  # type: ignore[return-value]


def _logged(exc: BaseException) -> str:
    """Write the traceback to the commands' log; where it went, or that it could not."""
    try:
        from remiss.app import current

        folder = current().settings.data_dir
    except Exception:  # the settings themselves may be what failed
        folder = Path(os.environ.get("REMISS_DATA_DIR", "var"))
    path = folder / "logs" / "remiss.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {datetime.now().isoformat(timespec='seconds')} {sys.argv[1:]}\n")
            log.write("".join(traceback.format_exception(exc)))
    except OSError:
        return "detaljerna kunde inte loggas"
    return f"detaljer i {path}"


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


# What a command says of its mail when a standing worker sends it.
BY_WORKER = "E-post: skickas av arbetaren (remiss worker)."


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
        clock.pretend(moment)
        return moment.isoformat()
    return None
