"""Rate limits in the web process: guessing unknown links and asking for login links.

The counts live in the database (``access.limits``), so every web process sees them; a
reviewer's ordinary use of their own link is never counted as guessing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import TYPE_CHECKING

from anyio import CapacityLimiter, to_thread
from anyio.lowlevel import RunVar
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from remiss.access import limits
from remiss.access.limits import Limit
from remiss.core.clock import now
from remiss.core.tokens import hash_token, looks_like_token

if TYPE_CHECKING:
    from remiss.app import App


# Unknown links an address may try, and login links it may ask for: 20 and 10, then one a minute.
GUESSES = Limit(capacity=20, per_second=1 / 60)
# How long a client seen with guesses left is taken as still having some (other web
# processes may count its guesses meanwhile), and how many such clients are kept. It
# bounds how long a link's page may still be served to a client that used up its guesses
# through another process; not how many guesses it gets: a guess this process counts ends
# what it knew of the client, so the next request reads the count again.
GUESSES_KNOWN_FOR = timedelta(seconds=10)
KNOWN_CLIENTS_MOST = 100_000
LOGINS = Limit(capacity=10, per_second=1 / 60)
# Threads a web process reads and writes these counts on, beside the routes' threads
# (one limiter per event loop, as anyio keeps the routes').
COUNTING_THREADS = 2
_COUNTERS: RunVar[CapacityLimiter] = RunVar("remiss_counting_threads")


@dataclass(frozen=True)
class RateLimiter:
    """The limits: per personal link, per address guessing links, per address logging in.

    ``capacity`` and ``per_second`` are a personal link's own limit, so that reviewers
    behind one hospital NAT or proxy never share one; unknown links (a 404) and login
    requests are counted per client address instead.
    """

    capacity: float = 30
    per_second: float = 0.5
    guesses: Limit = GUESSES
    logins: Limit = LOGINS

    @property
    def link(self) -> Limit:
        return Limit(capacity=self.capacity, per_second=self.per_second)


def client_address(scope: Scope, trusted: Sequence[IPv4Network | IPv6Network]) -> str:
    """Who is asking: the socket's peer, or, from a trusted proxy, the forwarded client.

    X-Forwarded-For is read from the right: each trusted proxy appends the address it
    saw, so the first address from the right that is not a trusted proxy is the client.
    A forwarded header from anyone else is ignored (it could say anything).
    """
    peer = str((scope.get("client") or ("unknown", 0))[0])
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    forwarded = [
        part.strip()
        for name, value in scope.get("headers", [])
        if name == b"x-forwarded-for"
        for part in value.decode("latin-1").split(",")
    ]
    address = peer
    for candidate in reversed([part for part in forwarded if part]):
        try:
            ip_address(candidate)
        except ValueError:
            return address
        address = candidate
        if not _is_trusted(candidate, trusted):
            return candidate
    return address


def _is_trusted(address: str, trusted: Sequence[IPv4Network | IPv6Network]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip.version == network.version and ip in network for network in trusted)


class RateLimitMiddleware:
    """Answer 429 with a Swedish page when a link, a guesser or a login asks too often.

    Guesses and logins are counted in the database (``access.limits``), so that every web
    process sees the same counts; a link's own count is kept in this process's memory
    (``LocalBuckets``). The "opened" ping of a reviewer's page counts nothing.
    """

    def __init__(self, app: ASGIApp, limiter: RateLimiter, page: bytes, remiss: App) -> None:
        self.app = app
        self.limiter = limiter
        self.page = page
        self.remiss = remiss
        self.links = limits.LocalBuckets(limiter.link)
        # Clients seen with guesses left, and until when that is taken as still so.
        self._may_guess: dict[str, datetime] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        parts = path.split("/")
        client = client_address(scope, self.remiss.settings.trusted_proxies)
        if parts[1:2] in (["r"], ["login"]) and len(parts) >= 3 and parts[2]:
            if parts[1] == "r" and parts[3:] == ["oppnad"]:
                await self.app(scope, receive, send)
                return
            refused = await self._admit_link(client, parts[1], parts[2])
            if refused is not None:
                await self._too_many(send, refused)
                return
            status = await self._serve(scope, receive, send)
            if status == 404:
                self._may_guess.pop(client, None)
                await self._count(self._take, "guess:" + client, self.limiter.guesses)
            return
        login = path == "/login" and scope.get("method") == "POST"
        if login and not await self._count(self._take, "login:" + client, self.limiter.logins):
            await self._too_many(send, self.limiter.logins)
            return
        await self.app(scope, receive, send)

    async def _admit_link(self, client: str, kind: str, token: str) -> Limit | None:
        """The limit that refuses this link request, or None to serve it.

        Whether the client may still guess is read from the database at most once every
        ten seconds while it may (``GUESSES_KNOWN_FOR``): a reviewer's page and submit do
        not each wait for that read (nor do fifty reviewers behind one hospital address).
        A guess this process counts is read anew at once; one counted by another process
        is seen within the ten seconds.
        """
        moment = now()
        if self._may_guess.get(client, moment) <= moment:
            if not await self._count(self._has_guesses_left, client):
                return self.limiter.guesses
            if len(self._may_guess) >= KNOWN_CLIENTS_MOST:
                self._may_guess.clear()
            self._may_guess[client] = moment + GUESSES_KNOWN_FOR
        if looks_like_token(token) and not self.links.take(f"{kind}:{hash_token(token)}"):
            return self.limiter.link
        return None

    async def _count(self, read: Callable[..., bool], *args: object) -> bool:
        """``read(*args)`` (a count in the database) on a worker thread of its own: not in
        the queue for the routes' threads, where under load it would wait once before the
        request and again for its route."""
        try:
            counters = _COUNTERS.get()
        except LookupError:  # the first in this event loop
            counters = CapacityLimiter(COUNTING_THREADS)
            _COUNTERS.set(counters)
        return await to_thread.run_sync(read, *args, limiter=counters)

    def _has_guesses_left(self, client: str) -> bool:
        with self.remiss.reading() as session:
            return limits.has_left(session, "guess:" + client, self.limiter.guesses)

    def _take(self, key: str, limit: Limit) -> bool:
        with self.remiss.transaction() as session:
            return limits.take(session, key, limit)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> int:
        status = 0

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        await self.app(scope, receive, send_and_note)
        return status

    async def _too_many(self, send: Send, limit: Limit) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"retry-after", str(limit.retry_after).encode()),
                    (b"content-length", str(len(self.page)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": self.page})
