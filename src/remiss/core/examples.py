"""The project's sample data (directory and rounds), in a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path


def examples_dir() -> Path:
    packaged = Path(__file__).parents[1] / "_examples"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "examples"


def sample_directory() -> Path:
    return examples_dir() / "directory.yaml"
