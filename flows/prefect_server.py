"""The embedded Prefect server: a child ``prefect server start`` on SQLite in the data folder.

A temporary Prefect server cannot schedule flows, so ``remiss serve`` starts a real
one, waits for it to answer, and points this process at it before Prefect is
imported (Prefect reads its settings once, at import). This module must not
import Prefect for that reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit


def api_url_on(port: int) -> str:
    """The API of the embedded server listening on ``port``."""
    return f"http://127.0.0.1:{port}/api"


def point_prefect_at(api_url: str, data_dir: Path | None = None) -> None:
    """Point Prefect in this process and the ones it starts at the API at ``api_url``; with
    ``data_dir``, at the embedded server of that data folder, its home there too.

    Before Prefect is first imported here: it reads its settings then."""
    if data_dir is not None:
        port = urlsplit(api_url).port or 4200  # Prefect's own default
        os.environ.update(prefect_env(data_dir, port))
    os.environ["PREFECT_API_URL"] = api_url


def prefect_env(data_dir: Path, port: int) -> dict[str, str]:
    home = (data_dir / "prefect").resolve()
    home.mkdir(parents=True, exist_ok=True)
    return {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}",
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_UI_ENABLED": "true",
        # The UI calls the API where this server listens, not at Prefect's default port.
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_UI_API_URL": f"http://127.0.0.1:{port}/api",
    }


def healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def start_prefect_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """Start ``prefect server start`` as a child; ``wait_until_up`` waits for its API.

    The child is recorded in the data folder until it is stopped, so that one left behind
    is known by the next start (``stop_leftover``). It dies with this process however this
    one ends (a parent-death signal), and runs in a session of its own: a Ctrl+C in the
    terminal reaches remiss alone, which then stops it after what depends on it."""
    from remiss.cli.children import dying_with

    env = {**os.environ, **prefect_env(data_dir, port)}
    env.pop("PREFECT_API_URL", None)
    log = open(data_dir / "prefect" / "server.log", "ab")  # noqa: SIM115 - lives with the child
    prefect = Path(sys.executable).with_name("prefect")
    command = [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    child = subprocess.Popen(
        command,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=dying_with(os.getpid()),
    )
    remember(data_dir, child.pid, port)
    return child


def wait_until_up(
    child: subprocess.Popen[bytes], data_dir: Path, port: int, timeout: float = 120.0
) -> None:
    """Return once the server ``child`` answers on ``port``; stop it if it does not in time."""
    api_url = api_url_on(port)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(
                f"Prefect-servern avslutades direkt; se {data_dir / 'prefect' / 'server.log'}"
            )
        if healthy(api_url):
            return
        time.sleep(0.5)
    stop(child)
    raise RuntimeError(f"Prefect-servern svarade inte inom {timeout:.0f} s")


def stop(child: subprocess.Popen[bytes] | None) -> None:
    """Stop the Prefect server and whatever it started (it runs in its own session)."""
    from remiss.cli.children import stop_group

    if child is None:
        return
    stop_group(child.pid)
    child.wait(timeout=5)


def stop_leftover(data_dir: Path) -> int | None:
    """Stop the Prefect server a ``remiss serve`` of this data folder left running (killed
    before it could stop it, by an older remiss that gave it no parent-death signal, or
    still stopping when this one starts); the process id it had, if there was one.

    Stopped, not reused: a server reused would be no child of ours (no parent-death signal,
    nothing to wait on), and it may come from an older remiss or other settings; starting
    one anew costs some seconds the web app does not wait for. It is known by what the
    record in the data folder says, still true of the process: a ``prefect server start``
    on the recorded port, with its home in this data folder. Not by its /api/health: one
    still starting does not answer yet, and an answer would not say whose server it is."""
    from remiss.cli.children import command_line, environment_of, gone, stop_group

    try:
        recorded = json.loads(_record(data_dir).read_text(encoding="utf-8"))
        pid, port = int(recorded["pid"]), int(recorded["port"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    args = command_line(pid)
    home = prefect_env(data_dir, port)["PREFECT_HOME"]
    ours = (
        not gone(pid)
        and any(Path(arg).name == "prefect" for arg in args[:2])
        and _has(args, "server", "start")
        and _has(args, "--port", str(port))
        and environment_of(pid).get("PREFECT_HOME") == home
    )
    if ours:
        stop_group(pid)
    _record(data_dir).unlink(missing_ok=True)
    return pid if ours else None


def remember(data_dir: Path, pid: int, port: int) -> None:
    """Record in the data folder the Prefect server started for it, until it is stopped."""
    _record(data_dir).write_text(json.dumps({"pid": pid, "port": port}), encoding="utf-8")


def _has(args: list[str], *run: str) -> bool:
    """True when ``run`` appears in ``args`` as consecutive arguments."""
    return any(tuple(args[i : i + len(run)]) == run for i in range(len(args)))


def _record(data_dir: Path) -> Path:
    return data_dir / "prefect" / "server.json"


def _marker(data_dir: Path) -> Path:
    return data_dir / "prefect" / "api-url"


def announce(data_dir: Path, api_url: str) -> None:
    """Say, in the data folder, where the Prefect server ``remiss serve`` runs listens."""
    _marker(data_dir).write_text(api_url, encoding="utf-8")


def withdraw(data_dir: Path) -> None:
    """Take back what ``announce`` and ``start_prefect_server`` said in the data folder."""
    _marker(data_dir).unlink(missing_ok=True)
    _record(data_dir).unlink(missing_ok=True)


def running(data_dir: Path) -> str | None:
    """The API of the Prefect server ``remiss serve`` runs for this data folder, if it answers."""
    try:
        api_url = _marker(data_dir).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return api_url if api_url and healthy(api_url) else None
