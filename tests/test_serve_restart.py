"""``remiss serve`` killed outright (SIGKILL, OOM, a closed laptop) leaves nothing running,
and the next start needs no cleaning up: a Prefect server it left is known and stopped."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from flows.prefect_server import prefect_env, remember, stop_leftover

from remiss.cli.children import command_line, gone
from remiss.mail.sink import free_port
from tests.test_serve import get, serve_env, serving


def descendants(pid: int) -> set[int]:
    """Every process ``pid`` started, and they in turn, as /proc shows them now."""
    parents: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                stat = (proc / "stat").read_text()
            except OSError:
                continue
            parents[int(proc.name)] = int(stat.rpartition(")")[2].split()[1])
    found: set[int] = set()
    wanted = [pid]
    while wanted:
        parent = wanted.pop()
        children = {child for child, its in parents.items() if its == parent}
        found |= children
        wanted.extend(children)
    return found


def within(seconds: float, done: Callable[[], bool]) -> bool:
    """Whether ``done`` comes true within ``seconds`` (asked every tenth of a second: what a
    real process does in its own time)."""
    deadline = time.monotonic() + seconds
    pause = threading.Event()
    while not done():
        if time.monotonic() > deadline:
            return False
        pause.wait(0.1)
    return True


def everything_up(lines: list[str]) -> bool:
    """The web app listens, the Prefect server answers and the worker runs."""
    text = "".join(lines)
    return all(said in text for said in ("Uvicorn running", "Prefect: http", "Arbetaren körs"))


def test_serve_killed_outright_leaves_nothing_running_and_starts_again(tmp_path: Path) -> None:
    web, prefect = free_port(), free_port()
    env = serve_env(
        tmp_path, REMISS_PORT=str(web), REMISS_PREFECT_PORT=str(prefect),
        REMISS_SINK_PORT=str(free_port()), PREFECT_LOGGING_LEVEL="WARNING",
    )  # fmt: skip
    command = [str(Path(sys.executable).with_name("remiss")), "serve"]
    with serving(command, env, everything_up, within=240) as first:
        started = descendants(first.child.pid)  # the Prefect server and the worker
        assert len(started) >= 2, first.output
        first.child.kill()
        first.child.wait()
    # Started again at once, as `make run` is after a crash: whatever of the first is still
    # on its way out (the Prefect server stopping on its port) is no reason to refuse.
    with serving(command, env, everything_up, within=240) as second:
        assert get(f"http://127.0.0.1:{web}/login") == 200, second.output
        assert get(f"http://127.0.0.1:{prefect}/api/health") == 200
        assert "används redan" not in second.output
        # Nothing of the first is left running: it all went with it, by its parent-death
        # signal, or was stopped by the second.
        assert within(30, lambda: all(gone(pid) for pid in started)), [
            (pid, Path(f"/proc/{pid}/cmdline").read_bytes()) for pid in started if not gone(pid)
        ]
    assert second.child.returncode == 0, second.output


def test_a_prefect_server_left_by_an_earlier_serve_is_stopped(tmp_path: Path) -> None:
    # As a remiss that gave it no parent-death signal left it: in its own session, and
    # recorded in the data folder.
    data_dir, port = tmp_path / "var", free_port()
    env = {**os.environ, **prefect_env(data_dir, port)}
    env.pop("PREFECT_API_URL", None)
    prefect = Path(sys.executable).with_name("prefect")
    left = subprocess.Popen(
        [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        remember(data_dir, left.pid, port)
        assert within(30, lambda: bool(command_line(left.pid)))  # its program has started
        assert stop_leftover(data_dir) == left.pid
        assert left.wait(timeout=5) is not None
        assert stop_leftover(data_dir) is None  # nothing recorded any more
    finally:
        if left.poll() is None:
            left.kill()
            left.wait()


def test_a_recorded_process_id_now_someone_elses_is_left_alone(tmp_path: Path) -> None:
    # The server is long gone and its process id taken by something that is no Prefect
    # server of this data folder.
    data_dir, port = tmp_path / "var", free_port()
    (data_dir / "prefect").mkdir(parents=True)
    # A process that waits on its input until it is killed.
    other = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    try:
        remember(data_dir, other.pid, port)
        assert stop_leftover(data_dir) is None
        assert other.poll() is None
    finally:
        other.kill()
        other.wait()
