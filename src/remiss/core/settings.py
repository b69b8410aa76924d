"""Settings: the REMISS_* environment (or a .env file), read once and passed in."""

from __future__ import annotations

import os
import secrets
from functools import cached_property
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from pydantic import AliasChoices, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SECRET_KEY_MIN = 32
# What deploy/.env.example says until an operator fills it in: refused outside development.
EXAMPLE_SMTP_HOST = "smtp.example.org"
EXAMPLE_PASSWORD = "change-me"
# Hosts that mean this machine (or every address of it): links to it name 127.0.0.1.
LOOPBACK_OR_ANY = frozenset({"127.0.0.1", "localhost", "0.0.0.0", "::", "::1"})


def local_url(port: int, host: str = "127.0.0.1") -> str:
    """Where a web app listening on ``host``:``port`` is reached from this machine."""
    return f"http://{'127.0.0.1' if host in LOOPBACK_OR_ANY else host}:{port}"


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Everything remiss reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="REMISS_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_by_name=True,
    )

    database_url: str | None = None
    data_dir: Path = Path("./var")
    port: int = Field(default=8000, ge=1, le=65535)
    # Where the links in emails point; unset (or empty), where the web app listens.
    base_url: str = Field(default="", validate_default=True)
    secret_key: SecretStr | None = None
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: str = "none"
    smtp_connections: int = Field(default=8, ge=1, le=64)
    smtp_timeout: float = 30.0
    mail_from: str = "remiss@localhost"
    timezone: str = "Europe/Stockholm"
    reminder_days: Annotated[list[int], NoDecode] = [7, 2]
    reminder_hour: int = Field(default=8, ge=0, le=23)
    internal_margin_days: int = Field(default=10, ge=0)
    coordinators: Annotated[list[str], NoDecode] = []
    sink_port: int = 8025
    prefect_port: int = Field(default=4200, ge=1, le=65535)
    # The Prefect API each action is told to, by its own name or by the one Prefect reads;
    # unset, none (``remiss serve`` sets it to the Prefect server it starts).
    prefect_api_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REMISS_PREFECT_API_URL", "PREFECT_API_URL")
    )
    # Seconds an action may spend telling Prefect before it goes on without (the event is
    # dropped with a warning): an action never waits long for Prefect or fails with it.
    prefect_event_timeout: float = Field(default=3.0, gt=0, le=120)
    # Web processes serving the one port (``remiss serve --web-only``): one core each.
    web_workers: int = Field(default=1, ge=1, le=32)
    # Threads each web process runs its routes in: a few keep a burst's requests from
    # crowding one another off the core (and, on SQLite, queueing for its one writer).
    web_threads: int = Field(default=8, ge=1, le=200)
    # /oversikt and its feed: the public overview of the joint answers (false: 404).
    public_overview: bool = True
    # Proxies whose X-Forwarded-For names the real client (addresses or networks).
    trusted_proxies: Annotated[list[IPv4Network | IPv6Network], NoDecode] = []
    # Replies and bounces: the domain of the svar+ and retur+ addresses (unset: neither),
    # the port the inbound SMTP listener takes on 127.0.0.1, and a mailbox the sweep reads.
    inbound_domain: str | None = None
    inbound_port: int = Field(default=2525, ge=1, le=65535)
    imap_host: str | None = None
    imap_port: int | None = Field(default=None, ge=1, le=65535)
    imap_username: str | None = None
    imap_password: SecretStr | None = None
    imap_folder: str = "INBOX"

    @field_validator("reminder_days", mode="before")
    @classmethod
    def _reminder_days(cls, value: object) -> object:
        value = _split_csv(value)
        if isinstance(value, list):
            return sorted({int(v) for v in value}, reverse=True)
        return value

    @field_validator("coordinators", mode="before")
    @classmethod
    def _coordinators(cls, value: object) -> object:
        value = _split_csv(value)
        if isinstance(value, list):
            return [str(v).strip().lower() for v in value]
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _trusted_proxies(cls, value: object) -> object:
        value = _split_csv(value)
        if isinstance(value, list):
            return [ip_network(str(v), strict=False) for v in value]
        return value

    @field_validator("smtp_security")
    @classmethod
    def _security(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in {"none", "starttls", "tls"}:
            raise ValueError("must be none, starttls or tls")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        ZoneInfo(value)
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str, info: ValidationInfo) -> str:
        port = info.data.get("port", cls.model_fields["port"].default)
        return value.rstrip("/") or local_url(port)

    @field_validator("secret_key", "prefect_api_url", "inbound_domain", "imap_host", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        # REMISS_SECRET_KEY= (empty, as a copied .env file may say) is no key at all: one is
        # generated into the data folder, never the empty string used to sign.
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("inbound_domain")
    @classmethod
    def _inbound_domain(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().lower()
        if not value or any(c in value for c in "@ <>,;") or value.startswith("."):
            raise ValueError("måste vara ett domännamn, till exempel svar.example.org")
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_key(cls, value: SecretStr | None) -> SecretStr | None:
        # An empty or short key lets anyone sign a coordinator's session: never start with one.
        if value is not None and len(value.get_secret_value()) < SECRET_KEY_MIN:
            raise ValueError(
                f"måste vara minst {SECRET_KEY_MIN} tecken (ta bort raden så skapas en nyckel "
                "i datamappen, eller skapa en med: python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')"
            )
        return value

    def listening_on(
        self, host: str = "127.0.0.1", port: int | None = None, prefect_port: int | None = None
    ) -> Settings:
        """These settings for a web app on ``host`` and the ports a command line gave.

        Links that pointed where the web app listened point where it listens now; a
        REMISS_BASE_URL elsewhere (a proxy, a public name) stays as it is."""
        web_port = self.port if port is None else port
        update: dict[str, object] = {"port": web_port}
        if prefect_port is not None:
            update["prefect_port"] = prefect_port
        if self.base_url == local_url(self.port):
            update["base_url"] = local_url(web_port, host)
        return self.model_copy(update=update)

    def environment(self) -> dict[str, str]:
        """These settings as REMISS_* variables, for the processes this one starts."""
        prefix = self.model_config.get("env_prefix", "")
        return {
            f"{prefix}{name}".upper(): _as_variable(value)
            for name in type(self).model_fields
            if (value := getattr(self, name)) is not None
        }

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'remiss.db').resolve()}"

    @property
    def uses_sink(self) -> bool:
        """True when no SMTP server is configured and the local sink stands in."""
        return not self.smtp_host

    @property
    def development(self) -> bool:
        """True when links point at this machine: remiss runs for whoever sits at it."""
        return urlsplit(self.base_url).hostname in LOOPBACK_OR_ANY

    def example_left(self) -> str | None:
        """The line refusing to start when deploy/.env.example's placeholders are still set,
        outside development (a copied .env that was never filled in)."""
        if self.development:
            return None
        if (self.smtp_host or "").strip().lower() == EXAMPLE_SMTP_HOST:
            return (
                f"REMISS_SMTP_HOST är exemplets {EXAMPLE_SMTP_HOST}: ange er e-postserver "
                "(deploy/.env), eller lämna den tom för den lokala e-postsänkan"
            )
        password = urlsplit(self.database_url or "").password
        if password is not None and unquote(password) == EXAMPLE_PASSWORD:
            return (
                f"databasens lösenord är exemplets {EXAMPLE_PASSWORD}: byt POSTGRES_PASSWORD "
                "i deploy/.env (eller lösenordet i REMISS_DATABASE_URL)"
            )
        return None

    @property
    def sink_dir(self) -> Path:
        return self.data_dir / "mail"

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    def signing_key(self) -> str:
        """Return the secret key, generating one into the data folder the first time."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # Several processes may start on one data folder at once: the first to create the
        # file (atomically, complete) wins and every other reads its key.
        staged = path.with_name(f".secret_key.{secrets.token_hex(8)}")
        staged.write_text(secrets.token_urlsafe(48))
        staged.chmod(0o600)
        try:
            os.link(staged, path)
        except FileExistsError:
            pass
        finally:
            staged.unlink()
        return path.read_text().strip()


def _as_variable(value: object) -> str:
    """A setting's value as its variable says it (lists comma-separated, paths absolute)."""
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, Path):
        return str(value.resolve())
    if isinstance(value, list):
        return ",".join(_as_variable(item) for item in value)
    return str(value)
