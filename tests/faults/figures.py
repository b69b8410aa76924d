"""The fault suite's figures: each test writes one line, the run prints them at the end."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parents[2] / ".pytest_cache" / "fault-figures"


def report(name: str, *, tried: int, delivered: int, lost: int, duplicated: int) -> str:
    """Keep this test's figures for the summary (xdist workers share the folder)."""
    line = f"{name}: tried {tried} / delivered {delivered} / lost {lost} / duplicated {duplicated}"
    FOLDER.mkdir(parents=True, exist_ok=True)
    (FOLDER / f"{name}.txt").write_text(line + "\n", encoding="utf-8")
    print(line)
    return line


def collect() -> list[str]:
    """Every figure written in this run, and the folder emptied for the next."""
    if not FOLDER.is_dir():
        return []
    lines = []
    for path in sorted(FOLDER.glob("*.txt")):
        lines.append(path.read_text(encoding="utf-8").strip())
        path.unlink()
    return lines
