"""Security by default: CSRF on every POST, strict headers, rate limits.

CSRF tokens are signed with the app's key and bound to what the form acts on:
a reviewer's form to the hash of the personal link, a login confirmation to the
hash of the login link, everything else to a random value kept in the signed
session cookie.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import TYPE_CHECKING

from anyio import CapacityLimiter, to_thread
from anyio.lowlevel import RunVar
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from remiss.access import limits
from remiss.access.limits import Limit
from remiss.core.clock import now
from remiss.core.tokens import hash_token, looks_like_token

if TYPE_CHECKING:
    from remiss.app import App

CSRF_FIELD = "csrf_token"
SESSION_COOKIE = "remiss_session"
SESSION_MAX_AGE = 8 * 3600
# A session-bound form may sit open for a working day; a reviewer's for as long as the round.
SESSION_FORM_MAX_AGE = 12 * 3600

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class CsrfFailed(Exception):
    """A POST without a valid CSRF token for what it acts on."""


class Csrf:
    """Form tokens: ``<issued, hex seconds>.<HMAC-SHA256 of the binding and issued>``.

    One keyed hash each way, on every page and every POST; a token of the earlier
    serialised form (a form left open across an upgrade) is still taken.
    """

    def __init__(self, key: str) -> None:
        self._mac = hmac.new(f"remiss.csrf:{key}".encode(), digestmod=hashlib.sha256)
        self._earlier = URLSafeTimedSerializer(key, salt="remiss.csrf")

    def _signature(self, binding: str, issued: str) -> bytes:
        mac = self._mac.copy()
        mac.update(f"{binding}|{issued}".encode())
        return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=")

    @staticmethod
    def binding(request: Request, *, create: bool) -> str | None:
        token = request.path_params.get("token")
        path = str(request.scope.get("path", ""))
        if isinstance(token, str) and path.startswith("/r/"):
            return "r:" + hash_token(token)
        if isinstance(token, str) and path.startswith("/login/"):
            return "login:" + hash_token(token)
        nonce = request.session.get("csrf")
        if not isinstance(nonce, str):
            if not create:
                return None
            nonce = secrets.token_urlsafe(18)
            request.session["csrf"] = nonce
        return "s:" + nonce

    def issue(self, request: Request) -> str:
        binding = self.binding(request, create=True)
        assert binding is not None
        issued = f"{int(now().timestamp()):x}"
        return f"{issued}.{self._signature(binding, issued).decode()}"

    def valid(self, request: Request, value: str) -> bool:
        binding = self.binding(request, create=False)
        if binding is None:
            return False
        # A reviewer may write for days; the personal link is the real secret there.
        max_age = None if binding.startswith("r:") else SESSION_FORM_MAX_AGE
        issued, dot, signature = value.partition(".")
        if not dot or "." in signature or len(issued) > 12:
            return self._valid_earlier(value, binding, max_age)
        try:
            age = now().timestamp() - int(issued, 16)
        except ValueError:
            return False
        if max_age is not None and not -60 <= age <= max_age:
            return False
        # As bytes: whatever a client sent, never an error (str must be ASCII here).
        return hmac.compare_digest(signature.encode(), self._signature(binding, issued))

    def _valid_earlier(self, value: str, binding: str, max_age: int | None) -> bool:
        try:
            return bool(self._earlier.loads(value, max_age=max_age) == binding)
        except BadSignature:
            return False


async def verify_csrf(request: Request) -> None:
    """Refuse any POST whose form lacks the CSRF token bound to it."""
    if request.method != "POST":
        return
    form = await request.form()
    value = form.get(CSRF_FIELD)
    csrf: Csrf = request.app.state.csrf
    if not isinstance(value, str) or not csrf.valid(request, value):
        raise CsrfFailed


def new_session(request: Request, session_id: str) -> None:
    """Start a coordinator's cookie from scratch (nothing carried over from before login)."""
    request.session.clear()
    request.session["sid"] = session_id
    request.session["csrf"] = secrets.token_urlsafe(18)


class SecurityHeadersMiddleware:
    """Add the security headers to every response; keep pages out of shared caches."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                # A route may set its own policy for a response (the sink's HTML part).
                own = "content-security-policy" in headers
                for name, value in HEADERS.items():
                    if own and name in {"Content-Security-Policy", "X-Frame-Options"}:
                        continue
                    headers[name] = value
                if not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


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
