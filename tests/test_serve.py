"""``remiss serve`` starts what ``make run`` promises, and stops cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

from remiss.mail.sink import free_port, is_running


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except OSError:
        return 0


def test_serve_starts_web_prefect_and_sink_prints_a_login_link_and_stops(tmp_path: Path) -> None:
    web, prefect, sink_port = free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REMISS_", "PREFECT_"))}
    env.update(
        {
            "REMISS_DATA_DIR": str(tmp_path / "var"),
            "REMISS_COORDINATORS": "kansli@sosr.example.org",
            "REMISS_SINK_PORT": str(sink_port),
            "PYTHONUNBUFFERED": "1",
            "PREFECT_LOGGING_LEVEL": "WARNING",
        }
    )
    remiss = Path(sys.executable).with_name("remiss")
    child = subprocess.Popen(
        [str(remiss), "serve", "--port", str(web), "--prefect-port", str(prefect)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert child.stdout is not None
    lines: list[str] = []
    # If it never comes up, end it rather than wait forever on its output.
    watchdog = threading.Timer(180, child.kill)
    watchdog.start()
    try:
        # Read what it prints, line by line, until the web server says it listens.
        for line in child.stdout:
            lines.append(line)
            if "Uvicorn running" in line:
                break
        text = "".join(lines)
        assert "Uvicorn running" in text, text
        # Keep draining, so a full pipe never blocks it.
        threading.Thread(target=lambda: lines.extend(child.stdout or []), daemon=True).start()
        assert f"remiss: http://127.0.0.1:{web}" in text
        link = re.search(rf"http://127\.0\.0\.1:{web}/login/[A-Za-z0-9_-]{{43}}", text)
        assert link is not None, text
        assert get(link.group(0)) == 200  # the confirm page; the link is not used up
        assert get(f"http://127.0.0.1:{prefect}/api/health") == 200
        assert is_running("127.0.0.1", sink_port)
    finally:
        child.send_signal(signal.SIGTERM)
        code = child.wait(timeout=60)
        watchdog.cancel()
    assert code in {0, -signal.SIGTERM, 128 + signal.SIGTERM}, "".join(lines)
    assert get(f"http://127.0.0.1:{prefect}/api/health") == 0  # the Prefect server went with it
