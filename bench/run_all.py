"""Run every benchmark on SQLite, and on PostgreSQL when it answers; end with a table.

Each benchmark prints its own report and one line per goal, ``name: value baseline
ratio [unit] [| goal]``; this collects those lines into one table, with each goal and
whether this run met it. PostgreSQL is the server at ``REMISS_BENCH_POSTGRES``
(default: the local one, user postgres).

    .venv/bin/python bench/run_all.py        (what ``make bench`` runs)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from common import cache_bytecode
from sqlalchemy import create_engine, text

HERE = Path(__file__).resolve().parent
BENCHES = [
    ["delivery.py"],
    ["reminders.py"],
    ["directory_import.py"],
    ["launch.py", "10000"],
    ["launch.py", "1000"],
    ["startup.py"],
    ["compile.py"],
    ["documents.py"],
    ["reviewer_load.py"],
]
NUMBER = r"(-?\d+(?:\.\d+)?)"
GOAL = rf"(value|ratio) ([≤≥]) {NUMBER}"
LINE = re.compile(rf"^([\w.-]+): {NUMBER} {NUMBER} {NUMBER}(?: ([^\s|]+))?(?: \| {GOAL})?$")
POSTGRES = os.environ.get(
    "REMISS_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def postgres_answers(url: str) -> bool:
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # any failure to connect means: no PostgreSQL here
        return False


def met(value: str, ratio: str, column: str, bound: str, limit: str) -> str:
    """Whether a result line's goal holds: ``yes`` or ``NO``; empty without a goal."""
    if not column:
        return ""
    measured = float(value if column == "value" else ratio)
    held = measured <= float(limit) if bound == "≤" else measured >= float(limit)
    return "yes" if held else "NO"


def run(bench: list[str], postgres: str | None) -> list[tuple[str, ...]]:
    """Run one benchmark, its output shown as it comes; return its table rows."""
    command = [sys.executable, str(HERE / bench[0]), *bench[1:]]
    command += ["--postgres", postgres] if postgres else []
    print(f"\n== {' '.join(bench)} on {'PostgreSQL' if postgres else 'SQLite'}", flush=True)
    rows: list[tuple[str, ...]] = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            found = LINE.match(line.strip())
            if found:
                name, value, baseline, ratio, unit, column, bound, limit = found.groups("")
                goal = f"{column} {bound} {limit}" if column else ""
                rows.append((name, value, baseline, ratio, unit, goal,
                             met(value, ratio, column, bound, limit)))  # fmt: skip
    if process.returncode:
        rows.append((" ".join(bench), "failed", "", "", f"exit {process.returncode}", "", ""))
    return rows


def main() -> None:
    cache_bytecode()  # every benchmark's processes keep their bytecode, as installed ones do
    databases: list[tuple[str, str | None]] = [("SQLite", None)]
    if postgres_answers(POSTGRES):
        databases.append(("PostgreSQL", POSTGRES))
    else:
        print("PostgreSQL does not answer: SQLite only", flush=True)
    table = [
        (label, *row) for label, url in databases for bench in BENCHES for row in run(bench, url)
    ]
    header = ("database", "name", "value", "baseline", "ratio", "unit", "goal", "met")
    widths = [max(len(str(r[i])) for r in [header, *table]) for i in range(len(header))]
    print()
    for row in [header, tuple("-" * w for w in widths), *table]:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)))
    if any(row[2] == "failed" for row in table):
        sys.exit(1)


if __name__ == "__main__":
    main()
