"""deploy/.env.example copied and never filled in: ``remiss serve`` refuses its placeholder
mail server and database password outside development, in one line, and starts nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from remiss.core.settings import Settings

PUBLIC = "https://remiss.sosr.example.org"
EXAMPLE_DATABASE = "postgresql+psycopg://remiss:change-me@127.0.0.1:1/remiss"


def left(**values: str) -> str | None:
    """What ``Settings.example_left`` refuses of these settings (none of the environment)."""
    return Settings(_env_file=None, **values).example_left()  # type: ignore[arg-type]


def test_the_example_mail_server_and_password_are_refused_on_a_public_address() -> None:
    assert "smtp.example.org" in (left(base_url=PUBLIC, smtp_host="smtp.example.org") or "")
    assert "change-me" in (left(base_url=PUBLIC, database_url=EXAMPLE_DATABASE) or "")


def test_filled_in_settings_and_development_on_this_machine_are_not_refused() -> None:
    real = "postgresql+psycopg://remiss:s3cret-and-long@db/remiss"
    assert left(base_url=PUBLIC, smtp_host="smtp.sosr.se", database_url=real) is None
    assert left(base_url=PUBLIC) is None  # the sink, SQLite
    # Links to this machine: someone trying remiss out at it, not an installation.
    assert left(smtp_host="smtp.example.org", database_url=EXAMPLE_DATABASE) is None
    assert left(base_url="http://localhost:8000", smtp_host="smtp.example.org") is None


def serve(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REMISS_", "PREFECT_"))}
    env.update({"REMISS_DATA_DIR": str(tmp_path / "var"), "REMISS_BASE_URL": PUBLIC, **variables})
    remiss = Path(sys.executable).with_name("remiss")
    return subprocess.run(
        [str(remiss), "serve", "--web-only", "--port", "1"], env=env, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip


def test_serve_refuses_the_example_mail_server_in_one_line(tmp_path: Path) -> None:
    done = serve(tmp_path, REMISS_SMTP_HOST="smtp.example.org")

    assert done.returncode == 1
    assert done.stderr == (
        "remiss: REMISS_SMTP_HOST är exemplets smtp.example.org: ange er e-postserver "
        "(deploy/.env), eller lämna den tom för den lokala e-postsänkan\n"
    )
    assert done.stdout == ""


def test_serve_refuses_the_example_password_before_it_connects(tmp_path: Path) -> None:
    # Nothing listens on port 1: a connection would fail with another line.
    done = serve(tmp_path, REMISS_DATABASE_URL=EXAMPLE_DATABASE)

    assert done.returncode == 1
    assert done.stderr == (
        "remiss: databasens lösenord är exemplets change-me: byt POSTGRES_PASSWORD i "
        "deploy/.env (eller lösenordet i REMISS_DATABASE_URL)\n"
    )


def test_the_worker_refuses_the_example_mail_server_too(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("remiss")), "worker", "--once"],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("REMISS_", "PREFECT_"))},
            "REMISS_DATA_DIR": str(tmp_path / "var"),
            "REMISS_BASE_URL": PUBLIC,
            "REMISS_SMTP_HOST": "smtp.example.org",
        },
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.startswith("remiss: REMISS_SMTP_HOST är exemplets smtp.example.org")
