"""A reviewer posts an answer onto a full disk: the page comes back as a 503 that says
nothing was saved, with the text still in its fields; once there is room, it saves.

A real full file system: a small tmpfs (needs root to mount; skipped otherwise) holding
the SQLite database and the data folder.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from remiss.app import App
from remiss.core.settings import Settings
from remiss.directory import sync as directory
from remiss.web import create_app
from remiss.web.rate_limits import RateLimiter
from remiss.web.reviewer import DATABASE_FAILED
from tests.conftest import EXAMPLES
from tests.mailcatcher import RunningCatcher
from tests.web.conftest import REVIEWER, csrf_of, invitation_state, open_round
from tests.working import WorkedClient

ANSWER = "Mitt noggranna svar om mastocytos, skrivet under en hel förmiddag: åäö."


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """An 8 MB tmpfs of its own."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("no tmpfs can be mounted here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def app_on_small_disk(
    small_disk: Path, sqlite_template: Path, smtp: RunningCatcher
) -> Iterator[App]:
    """The app over SQLite on the small disk, its data folder there too, the sample
    directory loaded (SQLite only: a PostgreSQL server's disk is not this test's)."""
    database = small_disk / "remiss.db"
    shutil.copy(sqlite_template, database)
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{database}",
        data_dir=small_disk / "var",
        base_url="http://remiss.test",
        secret_key="test-secret-key-not-for-production",
        mail_from="remiss@sosr.example.org",
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        sink_port=1,
    )
    application = App.create(settings)
    with application.transaction() as session:
        directory.apply(session, directory.load(EXAMPLES / "directory.yaml"))
    yield application
    application.close()


def test_an_answer_posted_onto_a_full_disk_comes_back_with_the_text_and_a_503(
    app_on_small_disk: App, small_disk: Path, smtp: RunningCatcher
) -> None:
    app = app_on_small_disk
    open_round(app)
    token = next(m.tokens()[-1] for m in reversed(smtp.catcher.to(REVIEWER)) if m.tokens())
    web = create_app(app, limiter=RateLimiter(capacity=1000, per_second=1))
    with WorkedClient(web, base_url="http://remiss.test") as client:
        form = {
            "csrf_token": csrf_of(client.get(f"/r/{token}").text),
            "action": "submit",
            "q-stallningstagande": "Tillstyrker med synpunkter",
            "q-innehall": ANSWER,
        }
        with client.worker_stopped():
            # The write-ahead log emptied, so that the answer's commit needs room it cannot
            # have (SQLite reuses a log's space once written), then no byte left.
            with closing(sqlite3.connect(small_disk / "remiss.db")) as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            try:
                (small_disk / "filler").write_bytes(b"\0" * shutil.disk_usage(small_disk).free)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
            assert shutil.disk_usage(small_disk).free < 4096
            refused = client.post(f"/r/{token}", data=form, follow_redirects=False)
        assert refused.status_code == 503
        assert refused.headers["Retry-After"] == "60"
        assert "Svaret är inte sparat" in refused.text
        assert DATABASE_FAILED in refused.text
        assert "Inget sparades, men det du skrev finns kvar nedan." in refused.text
        assert f"\n{ANSWER}</textarea>" in refused.text
        assert 'value="Tillstyrker med synpunkter" checked' in refused.text
        assert invitation_state(app, REVIEWER).versions == []

        (small_disk / "filler").unlink()
        sent = client.post(f"/r/{token}", data=form, follow_redirects=False)
        assert sent.status_code == 303
    [(_, kind, values, _)] = invitation_state(app, REVIEWER).versions
    assert (kind, values["innehall"]) == ("submitted", ANSWER)
