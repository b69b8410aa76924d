"""Settings: the REMISS_* environment (or a .env file), read once and passed in."""

from __future__ import annotations

import os
import secrets
from functools import cached_property
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SECRET_KEY_MIN = 32


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Everything remiss reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="REMISS_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str | None = None
    data_dir: Path = Path("./var")
    base_url: str = "http://127.0.0.1:8000"
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
    port: int = Field(default=8000, ge=1, le=65535)
    prefect_port: int = Field(default=4200, ge=1, le=65535)
    # Web processes serving the one port (``remiss serve --web-only``): one core each.
    web_workers: int = Field(default=1, ge=1, le=32)
    # Threads each web process runs its routes in: a few keep a burst's requests from
    # crowding one another off the core (and, on SQLite, queueing for its one writer).
    web_threads: int = Field(default=8, ge=1, le=200)
    # Proxies whose X-Forwarded-For names the real client (addresses or networks).
    trusted_proxies: Annotated[list[IPv4Network | IPv6Network], NoDecode] = []

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
    def _base_url(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("secret_key", mode="before")
    @classmethod
    def _empty_secret_key(cls, value: object) -> object:
        # REMISS_SECRET_KEY= (empty, as a copied .env file may say) is no key at all: one is
        # generated into the data folder, never the empty string used to sign.
        if isinstance(value, str) and not value.strip():
            return None
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

    @model_validator(mode="after")
    def _links_follow_the_port(self) -> Settings:
        # Unless REMISS_BASE_URL says otherwise, links point at where the web app listens.
        if "base_url" not in self.model_fields_set:
            # Straight into __dict__: a derived value must not count as set by the operator.
            self.__dict__["base_url"] = f"http://127.0.0.1:{self.port}"
        return self

    def on_ports(self, port: int | None = None, prefect_port: int | None = None) -> Settings:
        """These settings with the ports a command line gave; links follow the web port."""
        update: dict[str, object] = {}
        if port is not None:
            update["port"] = port
            if "base_url" not in self.model_fields_set:
                update["base_url"] = f"http://127.0.0.1:{port}"
        if prefect_port is not None:
            update["prefect_port"] = prefect_port
        changed = self.model_copy(update=update)
        # model_copy counts every updated field as set; the base URL stays derived.
        changed.__pydantic_fields_set__.discard("base_url")
        changed.__pydantic_fields_set__ |= self.model_fields_set & {"base_url"}
        return changed

    def environment(self) -> dict[str, str]:
        """These settings as REMISS_* variables, for the processes this one starts."""
        values = {
            "REMISS_DATABASE_URL": self.resolved_database_url,
            "REMISS_DATA_DIR": str(self.data_dir.resolve()),
            "REMISS_BASE_URL": self.base_url,
            "REMISS_PORT": str(self.port),
            "REMISS_PREFECT_PORT": str(self.prefect_port),
            "REMISS_SINK_PORT": str(self.sink_port),
            "REMISS_TIMEZONE": self.timezone,
            "REMISS_MAIL_FROM": self.mail_from,
            "REMISS_SMTP_SECURITY": self.smtp_security,
            "REMISS_SMTP_CONNECTIONS": str(self.smtp_connections),
            "REMISS_WEB_WORKERS": str(self.web_workers),
            "REMISS_WEB_THREADS": str(self.web_threads),
            "REMISS_REMINDER_DAYS": ",".join(str(d) for d in self.reminder_days),
            "REMISS_REMINDER_HOUR": str(self.reminder_hour),
            "REMISS_INTERNAL_MARGIN_DAYS": str(self.internal_margin_days),
            "REMISS_COORDINATORS": ",".join(self.coordinators),
            "REMISS_TRUSTED_PROXIES": ",".join(str(n) for n in self.trusted_proxies),
        }
        optional = {
            "REMISS_SMTP_HOST": self.smtp_host,
            "REMISS_SMTP_PORT": None if self.smtp_port is None else str(self.smtp_port),
            "REMISS_SMTP_USERNAME": self.smtp_username,
            "REMISS_SMTP_PASSWORD": self.smtp_password and self.smtp_password.get_secret_value(),
            "REMISS_SECRET_KEY": self.secret_key and self.secret_key.get_secret_value(),
        }
        values.update({name: value for name, value in optional.items() if value})
        return values

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
