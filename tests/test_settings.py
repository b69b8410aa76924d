"""Settings: read once from the environment, handed on whole to the processes started."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from remiss.core.settings import Settings


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No REMISS_* or PREFECT_API_URL variable from the machine running the tests."""
    for name in list(os.environ):
        if name.upper().startswith("REMISS_") or name.upper() == "PREFECT_API_URL":
            monkeypatch.delenv(name)
    return monkeypatch


def read(monkeypatch: pytest.MonkeyPatch, variables: dict[str, str]) -> Settings:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return Settings(_env_file=None)


def test_settings_built_from_their_environment_are_the_same_settings(
    clean_environment: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    original = Settings(
        _env_file=None,
        data_dir=tmp_path / "var",
        database_url="postgresql+psycopg://remiss@db.example.org/remiss",
        base_url="https://remiss.example.org",
        secret_key="k" * 48,
        smtp_host="smtp.example.org",
        smtp_port=587,
        smtp_username="remiss",
        smtp_password="hemligt",
        smtp_security="starttls",
        smtp_timeout=12.5,
        reminder_days=[10, 3, 1],
        coordinators=["kansli@sosr.example.org", "stab@sosr.example.org"],
        trusted_proxies=["10.0.0.0/8", "::1"],
        prefect_api_url="http://127.0.0.1:4999/api",
        web_workers=3,
    )

    environment = original.environment()

    assert environment["REMISS_SMTP_PASSWORD"] == "hemligt"
    assert environment["REMISS_PREFECT_API_URL"] == "http://127.0.0.1:4999/api"
    assert read(clean_environment, environment) == original


def test_the_defaults_come_back_the_same_and_unset_settings_are_left_out(
    clean_environment: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    original = Settings(_env_file=None, data_dir=tmp_path / "var", port=8123)

    environment = original.environment()

    assert environment["REMISS_BASE_URL"] == "http://127.0.0.1:8123"
    assert "REMISS_SMTP_HOST" not in environment
    assert "REMISS_SECRET_KEY" not in environment
    assert "REMISS_PREFECT_API_URL" not in environment
    assert read(clean_environment, environment) == original


def test_the_prefect_api_is_the_one_prefect_itself_reads(
    clean_environment: pytest.MonkeyPatch,
) -> None:
    settings = read(clean_environment, {"PREFECT_API_URL": "http://prefect.example.org/api"})

    assert settings.prefect_api_url == "http://prefect.example.org/api"


def test_remiss_own_prefect_api_wins_over_prefect_s(
    clean_environment: pytest.MonkeyPatch,
) -> None:
    settings = read(
        clean_environment,
        {
            "PREFECT_API_URL": "http://prefect.example.org/api",
            "REMISS_PREFECT_API_URL": "http://127.0.0.1:4999/api",
        },
    )

    assert settings.prefect_api_url == "http://127.0.0.1:4999/api"


def test_an_empty_prefect_api_is_none(clean_environment: pytest.MonkeyPatch) -> None:
    assert read(clean_environment, {"PREFECT_API_URL": ""}).prefect_api_url is None


def test_links_follow_the_port_the_web_app_listens_on(
    clean_environment: pytest.MonkeyPatch,
) -> None:
    settings = read(clean_environment, {"REMISS_PORT": "8123"})

    assert settings.base_url == "http://127.0.0.1:8123"
    assert settings.listening_on(port=8200).base_url == "http://127.0.0.1:8200"
    assert settings.listening_on("0.0.0.0", 8200).base_url == "http://127.0.0.1:8200"
    assert settings.listening_on("10.1.2.3").base_url == "http://10.1.2.3:8123"


def test_links_to_a_base_url_elsewhere_stay_there(clean_environment: pytest.MonkeyPatch) -> None:
    settings = read(clean_environment, {"REMISS_BASE_URL": "https://remiss.example.org/"})

    moved = settings.listening_on("10.1.2.3", 8200, 4300)

    assert (moved.base_url, moved.port, moved.prefect_port) == (
        "https://remiss.example.org",
        8200,
        4300,
    )
