"""``remiss serve`` starts what ``make run`` promises, and stops cleanly."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from remiss.mail.sink import free_port, is_running
from remiss.web.server import worker_socket
from tests.conftest import EXAMPLES
from tests.mailcatcher import LINK, RunningCatcher


def serve_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """This environment without its remiss and Prefect settings, a data folder in
    ``tmp_path``, output unbuffered, and ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REMISS_", "PREFECT_"))}
    env.update({"REMISS_DATA_DIR": str(tmp_path / "var"), "PYTHONUNBUFFERED": "1", **settings})
    return env


def get(url: str) -> int:
    """The HTTP status of a GET (an error page's too); 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except OSError:
        return 0


@dataclass
class Served:
    """A ``remiss serve`` running for a test, and everything it has printed so far."""

    child: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    @property
    def output(self) -> str:
        return "".join(self.lines)


@contextmanager
def serving(
    command: list[str], env: dict[str, str], up: Callable[[list[str]], bool], within: float
) -> Iterator[Served]:
    """``command`` started and its output read line by line until ``up`` says it serves
    (then drained on a thread, so that a full pipe never blocks it); stopped with SIGTERM
    at the block's end, its last words read. If it is not over ``within`` seconds after
    it started, it is killed rather than waited for."""
    child = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert child.stdout is not None
    served = Served(child)
    drain = threading.Thread(target=lambda: served.lines.extend(child.stdout or []), daemon=True)
    watchdog = threading.Timer(within, child.kill)
    watchdog.start()
    try:
        for line in child.stdout:
            served.lines.append(line)
            if up(served.lines):
                break
        drain.start()
        yield served
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=60)
        watchdog.cancel()
        if drain.ident is not None:
            drain.join(timeout=60)


def serving_flows(lines: list[str]) -> bool:
    """The web app listens and, once the Prefect server answers, the flows are served."""
    text = "".join(lines)
    return "Uvicorn running" in text and "Prefect: http" in text


def test_serve_starts_web_prefect_and_sink_prints_a_login_link_and_stops(tmp_path: Path) -> None:
    web, prefect, sink_port = free_port(), free_port(), free_port()
    env = serve_env(
        tmp_path, REMISS_COORDINATORS="kansli@sosr.example.org",
        REMISS_SINK_PORT=str(sink_port), PREFECT_LOGGING_LEVEL="WARNING",
    )  # fmt: skip
    remiss = Path(sys.executable).with_name("remiss")
    command = [str(remiss), "serve", "--port", str(web), "--prefect-port", str(prefect)]
    with serving(command, env, serving_flows, within=180) as served:
        text = served.output
        # The web app answers first, while the Prefect server starts.
        assert text.index("Uvicorn running") < text.index("Prefect: http"), text
        assert f"remiss: http://127.0.0.1:{web}" in text
        link = re.search(rf"http://127\.0\.0\.1:{web}/login/[A-Za-z0-9_-]{{43}}", text)
        assert link is not None, text
        assert get(link.group(0)) == 200  # the confirm page; the link is not used up
        assert get(f"http://127.0.0.1:{prefect}/api/health") == 200
        assert is_running("127.0.0.1", sink_port)
    code = served.child.returncode
    assert code in {0, -signal.SIGTERM, 128 + signal.SIGTERM}, served.output
    assert get(f"http://127.0.0.1:{prefect}/api/health") == 0  # the Prefect server went with it


ROUND = """\
reference: PORT-1
title: Portprov
issuer: Socialstyrelsen
groups: [rsg-halsodata]
opens: 2026-12-01
deadline: 2027-03-31
coordinator: kansli@sosr.example.org
"""

RUN_OPEN_ROUND = """
import sys
from prefect.deployments import run_deployment
run = run_deployment(
    "open-round/open-round",
    parameters={"path": sys.argv[1], "now": "2026-12-01T09:00:00+01:00", "actor": "test"},
    timeout=180,
)
print(run.state.type.value)
"""


EVENTS = """
import threading
from prefect.client.orchestration import get_client
from prefect.events.filters import EventFilter, EventNameFilter
wanted = EventFilter(event=EventNameFilter(prefix=["remiss."]))
for _ in range(300):  # the server stores what it is sent in its own time, in any order
    with get_client(sync_client=True) as client:
        events = client.read_events(filter=wanted, limit=50).events
    if any(event.event == "remiss.round.close" for event in events):
        break
    threading.Event().wait(0.1)
for event in events:
    print(event.event, event.resource.id, event.payload.get("actor"))
"""


def test_served_flows_and_the_prefect_ui_follow_the_moved_ports(
    tmp_path: Path, smtp: RunningCatcher
) -> None:
    web, prefect, sink_port = free_port(), free_port(), free_port()
    env = serve_env(
        tmp_path, REMISS_PORT=str(web), REMISS_PREFECT_PORT=str(prefect),
        REMISS_SINK_PORT=str(sink_port), REMISS_SMTP_HOST="127.0.0.1",
        REMISS_SMTP_PORT=str(smtp.port), PREFECT_LOGGING_LEVEL="WARNING",
        # The close told to Prefect is looked for below: on a loaded machine a new server
        # may take longer than the 3 s an action gives it.
        REMISS_PREFECT_EVENT_TIMEOUT="60",
    )  # fmt: skip
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "remiss"), "db", "upgrade"], env=env, check=True, capture_output=True
    )
    subprocess.run(
        [str(bin_dir / "remiss"), "directory", "import", str(EXAMPLES / "directory.yaml")],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    round_file = tmp_path / "round.yaml"
    round_file.write_text(ROUND, encoding="utf-8")

    command = [str(bin_dir / "remiss"), "serve"]
    with serving(command, env, serving_flows, within=240) as served:
        text = served.output
        assert f"Uvicorn running on http://127.0.0.1:{web}" in text, text

        with urllib.request.urlopen(f"http://127.0.0.1:{prefect}/ui-settings") as response:
            assert json.load(response)["api_url"] == f"http://127.0.0.1:{prefect}/api"

        # The open-round deployment this process serves runs as a flow run in a subprocess.
        run_env = {**env, "PREFECT_API_URL": f"http://127.0.0.1:{prefect}/api"}
        ran = subprocess.run(
            [sys.executable, "-c", RUN_OPEN_ROUND, str(round_file)],
            env=run_env, capture_output=True, text=True, timeout=240,
        )  # fmt: skip
        assert ran.stdout.strip().endswith("COMPLETED"), ran.stdout + ran.stderr
        invitations = smtp.catcher.wait_for(
            lambda: [m for m in smtp.catcher.received if "Portprov" in m.subject] or None,
            "the invitations of the served flow run",
        )
        links = [link for m in invitations for link, _ in LINK.findall(m.text())]
        assert links and all(link.startswith(f"http://127.0.0.1:{web}/r/") for link in links)

        # A command run beside it finds its Prefect server, and what it did shows there.
        closed = subprocess.run(
            [str(bin_dir / "remiss"), "round", "close", "PORT-1"],
            env=env, capture_output=True, text=True, timeout=240,
        )  # fmt: skip
        assert closed.returncode == 0, closed.stdout + closed.stderr
        assert f"Visas som händelser i Prefect (http://127.0.0.1:{prefect})" in closed.stderr
        # A bad round file says what is wrong with it and nothing else, whether the command
        # found the Prefect server by its data folder or was given its API.
        bad = tmp_path / "fel.yaml"
        wrong = ROUND.replace("PORT-1", "PORT-2").replace("rsg-halsodata", "rsg-finns-inte")
        bad.write_text(wrong, encoding="utf-8")
        for told in (env, run_env):
            refused = subprocess.run(
                [str(bin_dir / "remiss"), "round", "open", str(bad)],
                env=told, capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            assert (refused.returncode, refused.stdout) == (1, "")
            [line] = refused.stderr.splitlines()
            assert line.startswith(f"remiss: {bad}:4: PORT-2: groups: "), line
            assert "rsg-finns-inte" in line
        ran = subprocess.run(
            [sys.executable, "-c", EVENTS], env=run_env, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        assert any(
            line.startswith("remiss.round.close remiss.round.") and line.endswith(" cli")
            for line in ran.stdout.splitlines()
        ), ran.stdout + ran.stderr


def test_a_taken_port_gives_one_line_naming_who_holds_it_and_exit_1(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REMISS_", "PREFECT_"))}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env.update({"REMISS_DATA_DIR": str(tmp_path / "var"), "REMISS_PORT": str(port)})
        remiss = Path(sys.executable).with_name("remiss")
        done = subprocess.run(
            [str(remiss), "serve", "--web-only"], env=env, capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip
    assert done.returncode == 1
    # This test's process listens there, and is named.
    me = f"{os.getpid()} ({Path('/proc/self/comm').read_text().strip()})"
    assert done.stderr.strip() == (
        f"remiss: port {port} på 127.0.0.1 används redan av process {me}; välj en annan port "
        "för webben (REMISS_PORT) eller stoppa det som lyssnar där"
    )
    assert done.stdout == ""


def test_several_web_processes_serve_one_port_and_stop_together(tmp_path: Path) -> None:
    web, smtp = free_port(), free_port()
    env = serve_env(
        tmp_path, REMISS_SMTP_HOST="127.0.0.1", REMISS_SMTP_PORT=str(smtp), REMISS_WEB_WORKERS="2"
    )
    remiss = Path(sys.executable).with_name("remiss")
    command = [str(remiss), "serve", "--web-only", "--port", str(web)]

    def both_up(lines: list[str]) -> bool:
        # Each process listens once its app has started, and says so.
        return sum("Listening on 127.0.0.1" in seen for seen in lines) == 2

    with serving(command, env, both_up, within=120) as served:
        workers = {
            int(pid) for pid in re.findall(r"Started server process \[(\d+)\]", served.output)
        }
        assert len(workers) == 2, served.output
        # Each process listens on a socket of its own on the port (the system spreads the
        # connections over them); a shared socket left a burst of them all to one process.
        assert {listener_of(pid, web) for pid in workers} == set(listeners(web))
        assert len(listeners(web)) == 2
        unknown = "/r/" + "u" * 43
        assert [get(f"http://127.0.0.1:{web}/login") for _ in range(4)] == [200] * 4
        assert get(f"http://127.0.0.1:{web}{unknown}") == 404
    log = served.output
    assert served.child.returncode == 0, log
    # Every process keeps links out of its log, and every one stopped with the first.
    assert "/r/[dold]" in log and unknown not in log
    for pid in workers:
        assert (
            not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
        )


def listeners(port: int) -> list[str]:
    """The inodes of the sockets listening on ``port`` on 127.0.0.1 (from /proc/net/tcp)."""
    found = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == f"0100007F:{port:04X}" and fields[3] == "0A":  # LISTEN
            found.append(fields[9])
    return found


def listener_of(pid: int, port: int) -> str | None:
    """The inode of the socket process ``pid`` listens on ``port`` with, if it has one."""
    mine = set(listeners(port))
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd)
        if target.startswith("socket:[") and target[8:-1] in mine:
            return target[8:-1]
    return None


def test_several_web_processes_only_without_the_schedule(tmp_path: Path) -> None:
    env = serve_env(tmp_path, REMISS_PORT=str(free_port()))
    remiss = Path(sys.executable).with_name("remiss")
    done = subprocess.run(
        [str(remiss), "serve", "--workers", "2"], env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.startswith("remiss: flera webbprocesser (--workers, REMISS_WEB_WORKERS)")
    assert done.stderr.count("\n") == 1


def test_a_web_process_that_cannot_have_its_address_ends_as_failing_to_start() -> None:
    # What a web process does with its socket if the port was taken after the parent looked.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-c",
             f"from remiss.web.server import worker_socket; worker_socket('127.0.0.1', {port})"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 3  # uvicorn's STARTUP_FAILURE: its supervisor stops
    assert f"Could not listen on 127.0.0.1:{port}" in done.stderr


def test_a_web_process_is_given_connections_only_once_it_listens() -> None:
    # Its socket is bound when the process starts and listened on by uvicorn once the app
    # has started: until then a connection to the port goes to the others, or nowhere.
    port = free_port()
    sock = worker_socket("127.0.0.1", port)
    try:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
        sock.listen()
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    finally:
        sock.close()
