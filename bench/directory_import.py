"""A national directory imported: ``remiss directory import`` of 21 regions × 100 groups ×
25 people (52,500 people, 2,100 groups, 9.3 MB), generated here.

    .venv/bin/python bench/directory_import.py [--people 52500] [--repeat 3] [--postgres URL]

Each turn runs, one after another on a fresh database each: the command from cold as a
coordinator runs it (the database migrated before); its baseline, PyYAML's C loader and
pydantic reading and checking the same file in a process of their own; and, in this
process, the import's work (read, check, write, commit) for 2,500 people and for all.
Prints, from the turn with the median ratio:

- ``directory-import-N``: seconds of the command, start to exit, against the baseline
  (goal: value ≤ 30).
- ``directory-import-per-person``: the command's milliseconds a person, against the
  baseline's (goal: value ≤ 0.6).
- ``directory-import-flatness``: the work's milliseconds a person for N against 2,500
  (goal: ratio ≤ 1.2; the command's fixed start is left out, as it would flatter).
- ``directory-reader-N``: CPU seconds of the reader (``remiss.core.yamlio``) against
  ``yaml.load`` with the C loader, the same text (no goal: what reading from the events
  gains over the simple way).

No assertions; not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from common import cache_bytecode, database_url, drop_created, median_turn, result

from remiss.core import yamlio
from remiss.core.db import make_engine, session_factory, upgrade
from remiss.directory import sync

REGIONS = [f"R{r:02d}" for r in range(21)]
PER_GROUP = 25
SMALL = 2_500
BASELINE = """
import sys, yaml
from remiss.directory.sync import DirectorySpec
with open(sys.argv[1], encoding="utf-8") as file:
    DirectorySpec.model_validate(yaml.load(file.read(), Loader=yaml.CSafeLoader))
"""


def national(people: int) -> str:
    """The directory file: every region with its registrar, groups of 25 spread over the
    regions, each person with name, email, region, role and phone, as written by hand."""
    lines = ["organisation:", "  name: Sveriges sjukvårdsregioner", "  short: SVR", "regions:"]
    for code in REGIONS:
        lines += [f"  - code: {code}", f"    name: Region {code}",
                  f"    registrar: registrator@{code.lower()}.example.org"]  # fmt: skip
    lines.append("groups:")
    for g in range(people // PER_GROUP):
        region = REGIONS[g % len(REGIONS)]
        lines += [f"  - key: {region.lower()}-rpo-{g}", f"    name: RPO Programområde {g}",
                  "    kind: RPO", f"    areas: [område-{g % 40}]", "    members:"]  # fmt: skip
        for i in range(PER_GROUP):
            n = g * PER_GROUP + i
            lines += [
                f"      - name: Förnamn Efternamnsson {n}",
                f"        email: fornamn.efternamnsson{n}@{region.lower()}.example.org",
                f"        region: {region}",
                f"        role: {'ordförande' if i == 0 else 'ledamot'}",
                f'        phone: "010-{n:06d}"',
            ]
    return "\n".join(lines) + "\n"


def fresh(folder: Path, label: str, postgres: str | None) -> str:
    """A migrated, empty database."""
    url = database_url(folder, label, postgres)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def command(folder: Path, path: Path, url: str) -> float:
    """Seconds of ``remiss directory import`` from its start to its exit."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("REMISS_", "PREFECT_"))},
        "REMISS_DATABASE_URL": url,
        "REMISS_DATA_DIR": str(folder / "data"),
    }
    remiss = Path(sys.executable).with_name("remiss")
    start = time.perf_counter()
    done = subprocess.run([str(remiss), "directory", "import", str(path)], env=env,
                          capture_output=True, text=True)  # fmt: skip
    took = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"remiss directory import failed: {done.stderr.strip()}")
    print(f"#   {done.stdout.strip()}", flush=True)
    return took


def baseline(path: Path) -> float:
    """Seconds of a process that reads the file with the C loader and checks it."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", BASELINE, str(path)], check=True)
    return time.perf_counter() - start


def work(path: Path, url: str) -> float:
    """Seconds of the import's work in this process: read, check, write, commit."""
    engine = make_engine(url)
    sessions = session_factory(engine)
    start = time.perf_counter()
    spec = sync.load(path)
    with sessions.begin() as session:
        sync.apply(session, spec, actor="bench")
    took = time.perf_counter() - start
    engine.dispose()
    return took


def reading(text: str) -> tuple[float, float]:
    """CPU seconds of the reader and of ``yaml.load`` with the C loader, in turn."""
    start = time.process_time()
    yamlio.load_text(text, "national.yaml")
    ours = time.process_time() - start
    start = time.process_time()
    yaml.load(text, Loader=yaml.CSafeLoader)
    return ours, time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=52_500)
    parser.add_argument("--repeat", type=int, default=3, help="turns; the median is shown")
    parser.add_argument("--postgres", metavar="URL", help="import into PostgreSQL")
    args = parser.parse_args()
    n = args.people
    cache_bytecode()
    turns = []
    with tempfile.TemporaryDirectory(prefix="remiss-directory-") as tmp:
        folder = Path(tmp)
        big, small = folder / "national.yaml", folder / "small.yaml"
        big.write_text(national(n), encoding="utf-8")
        small.write_text(national(SMALL), encoding="utf-8")
        print(f"# {n} people, {n // PER_GROUP} groups, {big.stat().st_size} bytes", flush=True)
        try:
            # First, so that no timed command compiles what Python has not cached yet, and
            # no timed work configures the mappers or fills the statement cache.
            command(folder, small, fresh(folder, "warm", args.postgres))
            work(small, fresh(folder, "warmer", args.postgres))
            for turn in range(args.repeat):
                took = command(folder, big, fresh(folder, f"command{turn}", args.postgres))
                base = baseline(big)
                few = work(small, fresh(folder, f"small{turn}", args.postgres)) / SMALL
                many = work(big, fresh(folder, f"big{turn}", args.postgres)) / n
                ours, loader = reading(big.read_text(encoding="utf-8"))
                turns.append((took, base, few, many, ours, loader))
                print(f"# turn {turn + 1}: command {took:.2f} s, baseline {base:.2f} s; work "
                      f"{few * 1000:.3f} ms a person for {SMALL}, {many * 1000:.3f} for {n}; "
                      f"reader {ours:.2f} s CPU, yaml.load {loader:.2f} s", flush=True)  # fmt: skip
        finally:
            drop_created()
    took, base, _ = median_turn([(t[0], t[1]) for t in turns])
    many, few, _ = median_turn([(t[3], t[2]) for t in turns])
    ours, loader, _ = median_turn([(t[4], t[5]) for t in turns])
    result(f"directory-import-{n}", took, base, took / base, "s", "value ≤ 30")
    result("directory-import-per-person", took / n * 1000, base / n * 1000, took / base, "ms",
           "value ≤ 0.6")  # fmt: skip
    result("directory-import-flatness", many * 1000, few * 1000, many / few, "ms",
           "ratio ≤ 1.2")  # fmt: skip
    result(f"directory-reader-{n}", ours, loader, ours / loader, "s")


if __name__ == "__main__":
    main()
