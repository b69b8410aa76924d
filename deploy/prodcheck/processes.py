"""The processes of the topology: started in their own sessions, logged to files, stopped
in reverse order (SIGTERM, then SIGKILL for what does not stop)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


class CheckFailed(Exception):
    """The check found production not working; the message says what."""


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Supervisor:
    logs: Path
    started: list[Process] = field(default_factory=list)

    def start(self, name: str, command: list[str], env: dict[str, str], cwd: Path) -> Process:
        log = self.logs / f"{name}.log"
        with log.open("ab") as out:
            popen = subprocess.Popen(
                command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        process = Process(name, popen, log)
        self.started.append(process)
        return process

    def run(self, name: str, command: list[str], env: dict[str, str], cwd: Path) -> str:
        """Run a one-off command to its end; its output, or CheckFailed with it."""
        done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
        output = done.stdout + done.stderr
        (self.logs / f"{name}.log").write_text(output, encoding="utf-8")
        if done.returncode != 0:
            raise CheckFailed(f"{name} avslutades med {done.returncode}:\n{output[-3000:]}")
        return output

    def wait_until(
        self, what: str, ready: Callable[[], bool], process: Process | None, timeout: float
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process is not None and process.popen.poll() is not None:
                raise CheckFailed(f"{process.name} avslutades:\n{process.tail()}")
            if ready():
                return
            time.sleep(0.25)
        tail = process.tail() if process else ""
        raise CheckFailed(f"{what} inom {timeout:.0f} s uteblev\n{tail}")

    def stop_all(self) -> None:
        for process in reversed(self.started):
            _signal(process, signal.SIGTERM)
        # A Prefect worker stops on the second signal (the first lets its runs finish).
        time.sleep(1)
        for process in reversed(self.started):
            if process.popen.poll() is None:
                _signal(process, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in reversed(self.started):
            try:
                process.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal(process, signal.SIGKILL)
                process.popen.wait(timeout=10)
        self.started.clear()


def _signal(process: Process, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.popen.pid, sig)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False
