"""The processes ``remiss serve`` starts, and the ones in its way.

Its children die with it, however it ends (a parent-death signal on Linux); a process group
is stopped as a whole, asked first; and a port someone already listens on is traced to the
process that holds it, so that the line saying so can name it. Nothing here imports more
than the standard library: ``flows/prefect_server.py`` uses it before Prefect is loaded.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def dying_with(parent: int) -> Callable[[], None]:
    """What a child runs before its program (``preexec_fn``): SIGTERM to it when ``parent``
    dies (Linux); at once if it already has, between the fork and this."""

    def die_with_parent() -> None:
        with suppress(OSError, AttributeError):
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
            # The signal comes when the thread that forked ends: the caller forks from the
            # thread that lives as long as the process (the main one).
            if os.getppid() != parent:
                os._exit(1)

    return die_with_parent


def gone(pid: int) -> bool:
    """True when ``pid`` runs no more (a zombie nobody has reaped yet counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    return stat.rpartition(")")[2].split()[0] in {"Z", "X"}


def stop_group(leader: int, grace: float = 15.0) -> None:
    """SIGTERM to the process group ``leader`` leads, SIGKILL if it is still there after
    ``grace`` seconds; return once the leader is gone."""
    for signum, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(leader, signum)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if gone(leader):
                return
            time.sleep(0.1)


def command_line(pid: int) -> list[str]:
    """The arguments ``pid`` runs with; none when it is gone or not ours to read."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def environment_of(pid: int) -> dict[str, str]:
    """The environment ``pid`` started with; empty when it is not ours to read."""
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    pairs = (part.decode(errors="replace").partition("=") for part in raw.split(b"\0"))
    return {name: value for name, _, value in pairs if name}


def listener(port: int) -> tuple[int, str] | None:
    """The process listening on TCP ``port`` (any address), with its name, when this system
    says (Linux: /proc/net/tcp and tcp6, then whose open files hold that socket) and lets
    us see it (a process of another user does not show its files)."""
    sockets = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with suppress(OSError):
            for row in Path(table).read_text().splitlines()[1:]:
                fields = row.split()
                local, state, inode = fields[1], fields[3], fields[9]
                if state == "0A" and int(local.rpartition(":")[2], 16) == port:  # 0A: LISTEN
                    sockets.add(f"socket:[{inode}]")
    if not sockets:
        return None
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with suppress(OSError):
            for fd in (proc / "fd").iterdir():
                with suppress(OSError):
                    if os.readlink(fd) in sockets:
                        pid = int(proc.name)
                        return pid, _name(pid)
    return None


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"
