"""A real IMAP server for the tests: Debian's dovecot, started on a free port with a
temporary configuration and one passwd-file user, and stopped after (no system service)."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from remiss.mail.sink import free_port

USER, PASSWORD = "remiss", "hemligt-i-test"


@dataclass(frozen=True)
class Imap:
    host: str
    port: int
    username: str
    password: str


def binary() -> str | None:
    return shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot",) if Path(p).exists()), None
    )


def _users() -> tuple[str, str, int, int]:
    """(internal user, login user, mail uid, mail gid): dovecot's own users as root."""
    if os.getuid() == 0:
        internal, login = pwd.getpwnam("dovecot"), pwd.getpwnam("dovenull")
        return internal.pw_name, login.pw_name, internal.pw_uid, internal.pw_gid
    me = pwd.getpwuid(os.getuid())
    return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid


@contextmanager
def running(folder: Path) -> Iterator[Imap]:
    """dovecot serving IMAP on 127.0.0.1 on a free port, its mail under ``folder``."""
    dovecot = binary()
    assert dovecot is not None
    internal, login, uid, gid = _users()
    for sub in ("run", "state", "mail"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "mail").chmod(0o777)
    folder.chmod(0o755)
    port = free_port()
    passwd = folder / "passwd"
    passwd.write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{folder}/mail/{USER}::\n")
    config = folder / "dovecot.conf"
    config.write_text(
        f"""base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
mail_location = maildir:~/Maildir
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name}
default_login_user = {login}
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = {passwd}
}}
userdb {{
  driver = passwd-file
  args = {passwd}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
    )
    # Without -F the master binds its listeners, then goes to the background: once this
    # returns, the port answers.
    with (folder / "start.log").open("wb") as said:  # the daemon keeps what it inherits
        subprocess.run(
            [dovecot, "-c", str(config)], check=True, stdin=subprocess.DEVNULL, stdout=said,
            stderr=said,
        )  # fmt: skip
    try:
        yield Imap("127.0.0.1", port, USER, PASSWORD)
    finally:
        # The master this configuration started (its master.pid), and no other.
        subprocess.run([dovecot, "-c", str(config), "stop"], check=False, capture_output=True)
