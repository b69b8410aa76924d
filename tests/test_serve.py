"""``remiss serve`` starts what ``make run`` promises, and stops cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from remiss.sink import free_port, is_running


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
        }
    )
    remiss = Path(sys.executable).with_name("remiss")
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        child = subprocess.Popen(
            [str(remiss), "serve", "--port", str(web), "--prefect-port", str(prefect)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            # Starting Prefect's server takes a while; poll, never sleep a fixed time.
            deadline = time.monotonic() + 150
            while time.monotonic() < deadline and get(f"http://127.0.0.1:{web}/login") != 200:
                assert child.poll() is None, log.read_text()
                time.sleep(0.2)
            text = log.read_text()
            assert "Uvicorn running" in text, text
            assert f"remiss: http://127.0.0.1:{web}" in text
            link = re.search(rf"http://127\.0\.0\.1:{web}/login/[A-Za-z0-9_-]{{43}}", text)
            assert link is not None, text
            assert get(link.group(0)) == 200  # the confirm page; the link is not used up
            assert get(f"http://127.0.0.1:{prefect}/api/health") == 200
            assert is_running("127.0.0.1", sink_port)
        finally:
            child.send_signal(signal.SIGTERM)
            code = child.wait(timeout=60)
    assert code in {0, -signal.SIGTERM, 128 + signal.SIGTERM}, log.read_text()
    assert get(f"http://127.0.0.1:{prefect}/api/health") == 0  # the Prefect server went with it
