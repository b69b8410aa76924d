"""The reviewer's page under load: many reviewers at once read their page and submit.

Builds a database (a SQLite file, or a fresh PostgreSQL database with ``--postgres``)
with a round open to ``--reviewers`` people, its invitations delivered, and a personal
link for each. Then starts the web app as production runs it (``remiss serve
--web-only --workers 2``: uvicorn in two processes as deploy/.env.example has it, eight
route threads each, the default rate limits, behind a trusted proxy that names each
client in X-Forwarded-For) with a ``remiss worker`` beside it, and an SMTP server that
counts the receipts the worker sends. ``--clients``
concurrent clients, each on links of its own, open a page and submit an answer (the CSRF
token and the options read from that page), one reviewer after the other, for
``--seconds`` after a warm-up.

The baseline, in the same run: a bare FastAPI app under uvicorn with the same server
settings and as many processes (``--workers``, served as remiss serves them: each
process on a socket of its own), one endpoint inserting one row into a
fresh database of the same kind (through the same engine setup), loaded by the same
clients.

    .venv/bin/python bench/reviewer_load.py [--clients 50] [--seconds 10] [--repeat 3]
                                            [--workers 2] [--postgres URL]

The app and the baseline take turns, ``--repeat`` times each; the figures are the turns'
medians, the throughput's ratio the median of each turn's ratio against the baseline
beside it. Prints each turn's ratio and p99, then ``reviewer-load-throughput: rps
baseline ratio`` (requests per second; goal: the median ratio ≥ 0.5),
``reviewer-load-p99: ms baseline ratio`` (the median turn's p99 of the requests begun
and ended in the measured seconds; goal ≤ 1,000 ms) and ``reviewer-load-errors: n
baseline ratio`` (anything but the page's 200 and the submit's 303, or no answer at all;
goal none).
No assertions; not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from common import counting_server, database_url, drop_created, result
from launch import round_yaml, seed_directory
from sqlalchemy import select

from remiss.app import App, deliver_outbox
from remiss.core.db import upgrade
from remiss.core.models import Invitation
from remiss.core.settings import Settings
from remiss.mail.sink import free_port
from remiss.rounds import opening
from remiss.rounds import spec as roundspec
from remiss.rounds.invitations import issue_token

HERE = Path(__file__).resolve().parent
SECRET_KEY = "bench-secret-key-0123456789-abcdefghijklmnop"
WARMUP = 3.0  # seconds of load before the measurement starts
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
RADIO = re.compile(r'type="radio" name="(q-[a-z0-9_]+)" value="([^"]*)"')
TEXTAREA = re.compile(r'<textarea id="q-[a-z0-9_]+" name="(q-[a-z0-9_]+)"')
ANSWER = (
    "Kunskapsstödet är väl genomarbetat. Avsnittet om uppföljning bör kompletteras med "
    "hur regionerna ska rapportera, och tidplanen för införandet behöver ses över."
)


def build(url: str, folder: Path, smtp_port: int, reviewers: int) -> list[str]:
    """A round open to ``reviewers`` people, invitations delivered; one link per person."""
    settings = Settings(
        _env_file=None,
        database_url=url,
        data_dir=folder / "data",
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        mail_from="remiss@bench.example.org",
        secret_key=SECRET_KEY,
    )
    app = App.create(settings)
    try:
        upgrade(app.engine)
        with app.transaction() as session:
            seed_directory(session, reviewers)
        with app.transaction() as session:
            opening.open_rounds(session, settings, roundspec.loads(round_yaml()), "bench")
        deliver_outbox(app)
        # The links the invitations carried were mailed, never stored: issue one more each.
        with app.transaction() as session:
            ids = session.scalars(select(Invitation.id).order_by(Invitation.id)).all()
            return [issue_token(session, invitation_id, "resend") for invitation_id in ids]
    finally:
        app.close()


@dataclass
class Tally:
    """Every request: when it ended, how long it took, and whether it was what we expected."""

    ended: list[float] = field(default_factory=list)
    took: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)

    async def request(self, call: Awaitable[httpx.Response], expect: int) -> httpx.Response | None:
        start = time.monotonic()
        response: httpx.Response | None = None
        try:
            response = await call
            outcome = "" if response.status_code == expect else str(response.status_code)
        except httpx.HTTPError as exc:
            outcome = type(exc).__name__
        end = time.monotonic()
        self.ended.append(end)
        self.took.append(end - start)
        if outcome:
            self.failures[outcome] += 1
            return None
        return response


@dataclass(frozen=True)
class Measured:
    rps: float
    p50: float  # ms
    p99: float  # ms
    errors: int
    failures: Counter[str]
    cpu: float  # the server process's CPU time per request, ms
    kernel: float  # the share of it in the kernel
    clients: float  # the load generator's (this process's) CPU time per request, ms


def measure(
    tally: Tally, start: float, end: float, cpu: tuple[float, float], own: float
) -> Measured:
    """The rate of what ended within [start, end]; the latencies' p50 and p99 of what also
    began in it (the first requests, queued at cold processes, began in the warm-up and
    some ended just after it); all errors."""
    within = [(e, t) for e, t in zip(tally.ended, tally.took, strict=True) if start <= e <= end]
    took = sorted(t for e, t in within if e - t >= start)

    def quantile(q: float) -> float:
        return took[min(len(took) - 1, int(q * len(took)))] * 1000 if took else 0.0

    # Errors are counted over the whole run, the warm-up and the last answers included.
    return Measured(len(within) / (end - start), quantile(0.5), quantile(0.99),
                    sum(tally.failures.values()), tally.failures,
                    sum(cpu) * 1000 / max(len(within), 1), cpu[1] / max(sum(cpu), 1e-9),
                    own * 1000 / max(len(within), 1))  # fmt: skip


Work = Callable[[httpx.AsyncClient, int, float, Tally], Awaitable[None]]


def cpu_seconds(pid: int) -> tuple[float, float]:
    """The CPU time process ``pid`` and its children (a server's workers) have used so
    far: (user, system)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    user, system = int(fields[11]) / tick, int(fields[12]) / tick
    for child in children:
        more = cpu_seconds(int(child))
        user, system = user + more[0], system + more[1]
    return user, system


async def load(base: str, clients: int, seconds: float, work: Work, server: int) -> Measured:
    """``clients`` concurrent clients, each running ``work`` until the time is up."""
    tally = Tally()
    begin = time.monotonic()
    until = begin + WARMUP + seconds

    async def server_cpu() -> tuple[tuple[float, float], float]:
        await asyncio.sleep(WARMUP)
        user, system = cpu_seconds(server)
        own = time.process_time()
        await asyncio.sleep(seconds)
        later = cpu_seconds(server)
        return (later[0] - user, later[1] - system), time.process_time() - own

    async def client(n: int) -> None:
        # Each client comes through the proxy from an address of its own.
        headers = {"X-Forwarded-For": f"10.1.{n // 250}.{n % 250 + 1}"}
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as http:
            await work(http, n, until, tally)

    cpu = asyncio.create_task(server_cpu())
    await asyncio.gather(*(client(n) for n in range(clients)))
    return measure(tally, begin + WARMUP, until, *(await cpu))


def reviewers_work(tokens: list[str], clients: int) -> tuple[Work, list[int]]:
    """Each client answers for its own share of the links, one after the other."""
    used = [0] * clients

    async def work(http: httpx.AsyncClient, n: int, until: float, tally: Tally) -> None:
        rng = random.Random(n)
        for token in tokens[n::clients]:
            if time.monotonic() >= until:
                return
            used[n] += 1
            page = await tally.request(http.get(f"/r/{token}"), 200)
            if page is None:
                continue
            csrf = CSRF.search(page.text)
            options: dict[str, list[str]] = {}
            for name, value in RADIO.findall(page.text):
                options.setdefault(name, []).append(html.unescape(value))
            form = {"csrf_token": csrf.group(1) if csrf else "", "action": "submit"}
            form.update({name: rng.choice(values) for name, values in options.items()})
            form.update({name: ANSWER for name in TEXTAREA.findall(page.text)[:1]})
            await tally.request(http.post(f"/r/{token}", data=form), 303)

    return work, used


async def bare_work(http: httpx.AsyncClient, n: int, until: float, tally: Tally) -> None:
    while time.monotonic() < until:
        await tally.request(http.post("/rows", data={"text": ANSWER}), 200)


def bare_app() -> Any:
    """The baseline: a bare FastAPI app, one endpoint inserting one row into the database
    at ``BENCH_BARE_URL`` (made by uvicorn in each of its processes)."""
    from fastapi import FastAPI, Form
    from sqlalchemy import Column, DateTime, Integer, MetaData, Table, Text, func, insert

    from remiss.core.db import make_engine

    engine = make_engine(os.environ["BENCH_BARE_URL"])
    rows = Table(
        "rows", MetaData(),
        Column("id", Integer, primary_key=True),
        Column("text", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), server_default=func.now()),
    )  # fmt: skip
    rows.metadata.create_all(engine, checkfirst=True)
    web = FastAPI()

    @web.post("/rows")
    def add(text: str = Form()) -> dict[str, int]:
        with engine.begin() as conn:
            row = conn.execute(insert(rows).values(text=text).returning(rows.c.id)).one()
        return {"id": row.id}

    return web


def bare_server(port: int, url: str, workers: int) -> None:
    """The baseline's uvicorn, with as many processes as the app gets (run in a process)."""
    import uvicorn

    from remiss.web.server import serve_workers

    os.environ["BENCH_BARE_URL"] = url
    if workers == 1:
        uvicorn.run(bare_app(), host="127.0.0.1", port=port, proxy_headers=False)
    else:
        bare_app()  # the table, made once before the processes start
        # As ``remiss serve --workers`` serves (a socket of its own in each process).
        serve_workers("127.0.0.1", port, workers, app="reviewer_load:bare_app")


@contextmanager
def running(command: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[int]:
    """A server process on ``port``, up and answering; stopped with SIGTERM at exit."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise SystemExit(f"{command[0]} exited: {log.read_text()[-2000:]}")
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"nothing answers on port {port}") from None
                time.sleep(0.2)
        yield process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def server_environment(url: str, folder: Path, port: int, smtp_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REMISS_", "PREFECT_"))}
    env.update(
        {
            "REMISS_DATABASE_URL": url,
            "REMISS_DATA_DIR": str(folder / "data"),
            "REMISS_SECRET_KEY": SECRET_KEY,
            "REMISS_BASE_URL": f"http://127.0.0.1:{port}",
            "REMISS_SMTP_HOST": "127.0.0.1",
            "REMISS_SMTP_PORT": str(smtp_port),
            "REMISS_MAIL_FROM": "remiss@bench.example.org",
            # The proxy in front names the client; only it is believed (deploy/.env.example).
            "REMISS_TRUSTED_PROXIES": "127.0.0.1/32",
            "PREFECT_HOME": str(folder / "prefect-home"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
        }
    )
    return env


def report(label: str, measured: Measured) -> None:
    failures = ", ".join(f"{k} ×{v}" for k, v in measured.failures.most_common()) or "none"
    print(f"# {label}: {measured.rps:.0f} requests/s, p50 {measured.p50:.0f} ms, "
          f"p99 {measured.p99:.0f} ms, server CPU {measured.cpu:.1f} ms a request "
          f"({measured.kernel:.0%} in the kernel), clients' CPU {measured.clients:.1f} ms; "
          f"errors: {failures}",
          flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured, after a warm-up")
    parser.add_argument("--repeat", type=int, default=3,
                        help="app and baseline in turn, this many times each (medians)")  # fmt: skip
    parser.add_argument("--reviewers", type=int, help="people in the round (80 per client a turn)")
    parser.add_argument("--postgres", metavar="URL", help="build the databases on PostgreSQL")
    # What deploy/.env.example runs (REMISS_WEB_WORKERS).
    parser.add_argument("--workers", type=int, default=2,
                        help="web processes, for the app and the baseline alike")  # fmt: skip
    parser.add_argument("--bare-server", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        bare_server(int(args.bare_server[0]), args.bare_server[1], args.workers)
        return
    reviewers = args.reviewers or 80 * args.clients * args.repeat
    with tempfile.TemporaryDirectory(prefix="remiss-reviewers-") as tmp:
        folder = Path(tmp)
        try:
            run(folder, args, reviewers)
        finally:
            drop_created()


def run(folder: Path, args: argparse.Namespace, reviewers: int) -> None:
    """The app and the baseline in turn, ``args.repeat`` times each: the machine's speed
    drifts over a minute, and each pair of turns meets the same drift."""
    clients, seconds, workers = args.clients, args.seconds, args.workers
    smtp_port = free_port()
    with counting_server(smtp_port, folder) as counted:
        url = database_url(folder, "reviewers", args.postgres)
        started = time.monotonic()
        tokens = build(url, folder, smtp_port, reviewers)
        print(f"# a round open to {len(tokens)} reviewers, built in "
              f"{time.monotonic() - started:.0f} s; {clients} clients, {seconds:.0f} s "
              f"after {WARMUP:.0f} s of warm-up, app and baseline in turn ×{args.repeat}",
              flush=True)  # fmt: skip
        bare_url = database_url(folder, "bare", args.postgres)
        apps: list[Measured] = []
        bares: list[Measured] = []
        answered = 0
        for turn in range(args.repeat):
            share = tokens[turn :: args.repeat]
            measured, used = app_turn(folder, url, smtp_port, share, clients, seconds, workers)
            answered += used
            apps.append(measured)
            report(f"reviewer page + submit, turn {turn + 1}", measured)
            bares.append(bare_turn(folder, bare_url, smtp_port, clients, seconds, workers))
            report(f"bare FastAPI, one row inserted, turn {turn + 1}", bares[-1])
    print(f"# {answered} reviewers answered; {counted.count} messages mailed in all "
          f"(invitations, receipts, disagreement); {workers} web "
          f"process{'es' if workers > 1 else ''} each", flush=True)  # fmt: skip

    def median(values: list[float]) -> float:
        return statistics.median(values)

    rps = median([m.rps for m in apps]), median([m.rps for m in bares])
    p99 = median([m.p99 for m in apps]), median([m.p99 for m in bares])
    p50 = median([m.p50 for m in apps]), median([m.p50 for m in bares])
    # Each turn's ratio against the baseline beside it; their median.
    ratios = [a.rps / b.rps for a, b in zip(apps, bares, strict=True)]
    ratio = median(ratios)
    errors = sum(m.errors for m in apps), sum(m.errors for m in bares)
    print(
        f"# each turn's ratio {' '.join(f'{r:.2f}' for r in ratios)}, p99 "
        f"{' '.join(f'{m.p99:.0f}' for m in apps)} ms (the medians below)",
        flush=True,
    )
    result("reviewer-load-throughput", rps[0], rps[1], ratio, "req/s", "ratio ≥ 0.5")
    result("reviewer-load-p99", p99[0], p99[1], p99[0] / p99[1], "ms", "value ≤ 1000")
    result("reviewer-load-p50", p50[0], p50[1], p50[0] / p50[1], "ms")
    result("reviewer-load-errors", errors[0], errors[1], errors[0] / max(errors[1], 1), "errors",
           "value ≤ 0")  # fmt: skip


def app_turn(
    folder: Path, url: str, smtp_port: int, tokens: list[str], clients: int, seconds: float,
    workers: int,
) -> tuple[Measured, int]:  # fmt: skip
    """One turn of the app under load, on links no turn used before; (measured, answered)."""
    port = free_port()
    env = server_environment(url, folder, port, smtp_port)
    remiss = str(Path(sys.executable).with_name("remiss"))
    command = [remiss, "serve", "--web-only", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers)]  # fmt: skip
    work, used = reviewers_work(tokens, clients)
    log = folder / "remiss.log"
    # A worker beside the web, as production runs one: it sends the receipts and looks at
    # the disagreements the answers leave, on the same two cores.
    with (folder / "worker.log").open("ab") as worker_log:
        worker = subprocess.Popen(
            [remiss, "worker"], env=env, stdout=worker_log, stderr=subprocess.STDOUT
        )
    try:
        with running(command, env, port, log) as server:
            measured = asyncio.run(load(f"http://127.0.0.1:{port}", clients, seconds, work, server))
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    if max(used) >= len(tokens) // clients:
        print("# some clients ran out of reviewers: give --reviewers more", flush=True)
    text = log.read_text(errors="replace")
    if "Traceback" in text:
        print("# the server logged errors:\n" + text[text.index("Traceback") :][:3000], flush=True)
    return measured, sum(used)


def bare_turn(
    folder: Path, bare_url: str, smtp_port: int, clients: int, seconds: float, workers: int
) -> Measured:
    port = free_port()
    command = [sys.executable, __file__, "--bare-server", str(port), bare_url,
               "--workers", str(workers)]  # fmt: skip
    with running(command, server_environment(bare_url, folder, port, smtp_port), port,
                 folder / "bare.log") as server:  # fmt: skip
        return asyncio.run(load(f"http://127.0.0.1:{port}", clients, seconds, bare_work, server))


if __name__ == "__main__":
    main()
