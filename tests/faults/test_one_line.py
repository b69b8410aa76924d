"""What remiss stands on fails, and a command says one line: the database away, the disk
full. Real processes, a real database port with nothing listening, a real full file
system (a small tmpfs, where the test may mount one)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from remiss.mail.sink import free_port

REMISS = str(Path(sys.executable).with_name("remiss"))
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    import os

    base = {k: v for k, v in os.environ.items() if not k.startswith(("REMISS_", "PREFECT_"))}
    return subprocess.run(
        [REMISS, *args], env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


def test_a_database_that_does_not_answer_is_one_line_and_the_traceback_is_logged(
    tmp_path: Path,
) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/postgres"
    env = {"REMISS_DATABASE_URL": url, "REMISS_DATA_DIR": str(tmp_path / "var")}
    line = one_line(run(env, "register"))
    assert line.startswith("remiss: databasen svarar inte")
    log = tmp_path / "var" / "logs" / "remiss.log"
    assert str(log) in line
    assert "Traceback" in log.read_text(encoding="utf-8")


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs, nearly filled, with a migrated database on it."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("no tmpfs can be mounted here (needs root)")
    try:
        env = {"REMISS_DATA_DIR": str(folder / "var")}
        done = run(env, "db", "upgrade")
        assert done.returncode == 0, done.stderr
        # Fill what is left but a few pages: the directory's rows no longer fit.
        free = shutil.disk_usage(folder).free
        (folder / "filler").write_bytes(b"\0" * max(0, free - 8192))
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_is_one_line_and_nothing_half_written(full_disk: Path) -> None:
    env = {"REMISS_DATA_DIR": str(full_disk / "var")}
    line = one_line(run(env, "directory", "import", str(EXAMPLES / "directory.yaml")))
    assert line.startswith("remiss: disken är full (eller kan inte skrivas): inget sparades")
    (full_disk / "filler").unlink()
    # Room again: the import goes through whole.
    done = run(env, "directory", "import", str(EXAMPLES / "directory.yaml"))
    assert done.returncode == 0, done.stderr
