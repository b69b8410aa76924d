"""Rate limits in the web process: guessing unknown links and asking for login links.

The counts live in the database (``access.limits``), so every web process sees them; a
reviewer's ordinary use of their own link is never counted as guessing, and a valid link
is served even to an address that has guessed its fill (behind a regional NAT, one
hospital's mistyped links must not lock out everyone there).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import TYPE_CHECKING

from anyio import CapacityLimiter, to_thread
from anyio.lowlevel import RunVar
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from remiss.access import limits
from remiss.access.limits import Limit
from remiss.core.tokens import hash_token, looks_like_token

if TYPE_CHECKING:
    from remiss.app import App


# Unknown links an address may try, and login links it may ask for: 20 and 10, then one a minute.
GUESSES = Limit(capacity=20, per_second=1 / 60)
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

    Whether a link is unknown only its route can tell (a 404, the same page for an unknown
    link as for a withdrawn one), so a link request is always let through, and only its
    404 takes a guess: with none left, the 404 is answered as 429 instead. A valid link is
    thus served to every address, limited by its own bucket alone. A 429 then says
    "unknown" as the 404 did, which tells a guesser nothing new: a link's 256 random bits
    are what keep it from being guessed; the allowance stops the stream of 404 pages.
    """

    def __init__(self, app: ASGIApp, limiter: RateLimiter, page: bytes, remiss: App) -> None:
        self.app = app
        self.limiter = limiter
        self.page = page
        self.remiss = remiss
        self.links = limits.LocalBuckets(limiter.link)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        parts = path.split("/")
        client = client_address(scope, self.remiss.settings.trusted_proxies)
        if parts[1:2] in (["r"], ["f"], ["login"]) and len(parts) >= 3 and parts[2]:
            if parts[1] == "r" and parts[3:] == ["oppnad"]:
                await self.app(scope, receive, send)
                return
            token = parts[2]
            if looks_like_token(token) and not self.links.take(f"{parts[1]}:{hash_token(token)}"):
                await self._too_many(send, self.limiter.link)
                return
            await self._serve_link(scope, receive, send, client)
            return
        login = path == "/login" and scope.get("method") == "POST"
        if login and not await self._count(self._take, "login:" + client, self.limiter.logins):
            await self._too_many(send, self.limiter.logins)
            return
        await self.app(scope, receive, send)

    async def _serve_link(self, scope: Scope, receive: Receive, send: Send, client: str) -> None:
        """Serve a link; its 404 takes one of ``client``'s guesses, or is a 429 when none
        is left.

        The 404 is held back until the route is done: the route may still hold a database
        session while it sends (on SQLite, this process's write lock), and the guess is
        counted in a transaction of its own.
        """
        held: list[Message] = []

        async def send_unless_unknown(message: Message) -> None:
            if held or (message["type"] == "http.response.start" and message["status"] == 404):
                held.append(message)
            else:
                await send(message)

        await self.app(scope, receive, send_unless_unknown)
        if not held:
            return
        if not await self._count(self._take, "guess:" + client, self.limiter.guesses):
            await self._too_many(send, self.limiter.guesses)
            return
        for message in held:
            await send(message)

    async def _count(self, read: Callable[..., bool], *args: object) -> bool:
        """``read(*args)`` (a count in the database) on a worker thread of its own: not in
        the queue for the routes' threads, where under load a request would wait for it as
        long again as for its route."""
        try:
            counters = _COUNTERS.get()
        except LookupError:  # the first in this event loop
            counters = CapacityLimiter(COUNTING_THREADS)
            _COUNTERS.set(counters)
        return await to_thread.run_sync(read, *args, limiter=counters)

    def _take(self, key: str, limit: Limit) -> bool:
        with self.remiss.transaction() as session:
            return limits.take(session, key, limit)

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
