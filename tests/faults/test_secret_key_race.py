"""Several processes starting at once on one data folder with no REMISS_SECRET_KEY (the web
processes and workers of production) must sign with one key, or a session cookie or form
token signed by one would be refused by the other."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GENERATE = """
import sys
from pathlib import Path
from remiss.core.settings import Settings
sys.stdin.readline()  # start together
print(Settings(data_dir=Path(sys.argv[1]), secret_key=None).signing_key())
"""


def test_processes_starting_together_generate_one_key(tmp_path: Path) -> None:
    data = tmp_path / "data"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", GENERATE, str(data)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    keys = {child.communicate()[0].strip() for child in children}
    assert len(keys) == 1
    [key] = keys
    assert len(key) >= 32 and (data / "secret_key").read_text() == key
    assert (data / "secret_key").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in data.iterdir()] == ["secret_key"]  # nothing staged left behind
