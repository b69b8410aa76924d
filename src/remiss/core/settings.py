"""Settings: the REMISS_* environment (or a .env file), read once and passed in."""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


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
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key
