"""Security by default: CSRF on every POST, strict headers, a small rate limiter.

CSRF tokens are signed with the app's key and bound to what the form acts on:
a reviewer's form to the hash of the personal link, a login confirmation to the
hash of the login link, everything else to a random value kept in the signed
session cookie.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from remiss.core.clock import now
from remiss.core.tokens import hash_token

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
    def __init__(self, key: str) -> None:
        self.serializer = URLSafeTimedSerializer(key, salt="remiss.csrf")

    @staticmethod
    def binding(request: Request, *, create: bool) -> str | None:
        token = request.path_params.get("token")
        path = request.url.path
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
        return str(self.serializer.dumps(binding))

    def valid(self, request: Request, value: str) -> bool:
        binding = self.binding(request, create=False)
        if binding is None:
            return False
        # A reviewer may write for days; the personal link is the real secret there.
        max_age = None if binding.startswith("r:") else SESSION_FORM_MAX_AGE
        try:
            return bool(self.serializer.loads(value, max_age=max_age) == binding)
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


def new_session(request: Request, email: str) -> None:
    """Start a coordinator's session from scratch (nothing carried over from before login)."""
    request.session.clear()
    request.session["email"] = email
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


@dataclass
class RateLimiter:
    """A token bucket per client address and path prefix, held in memory."""

    capacity: float = 30
    per_second: float = 0.5
    prefixes: tuple[str, ...] = ("/r/", "/login")
    max_keys: int = 10_000
    buckets: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def prefix_of(self, path: str) -> str | None:
        return next((p for p in self.prefixes if path.startswith(p)), None)

    def allow(self, client: str, prefix: str) -> bool:
        moment = now().timestamp()
        key = (client, prefix)
        with self.lock:
            tokens, last = self.buckets.get(key, (self.capacity, moment))
            tokens = min(self.capacity, tokens + max(0.0, moment - last) * self.per_second)
            if len(self.buckets) >= self.max_keys and key not in self.buckets:
                self._prune(moment)
            if tokens < 1:
                self.buckets[key] = (tokens, moment)
                return False
            self.buckets[key] = (tokens - 1, moment)
            return True

    def _prune(self, moment: float) -> None:
        full = self.capacity / self.per_second
        for key, (_tokens, last) in list(self.buckets.items()):
            if moment - last >= full:
                del self.buckets[key]
        if len(self.buckets) >= self.max_keys:
            self.buckets.clear()

    def retry_after(self) -> int:
        return max(1, round(1 / self.per_second))


class RateLimitMiddleware:
    """Answer 429 with a Swedish page when one address asks too often for links or logins."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter, page: bytes) -> None:
        self.app = app
        self.limiter = limiter
        self.page = page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            prefix = self.limiter.prefix_of(str(scope.get("path", "")))
            client = scope.get("client") or ("unknown", 0)
            if prefix is not None and not self.limiter.allow(str(client[0]), prefix):
                await send(
                    {
                        "type": "http.response.start",
                        "status": 429,
                        "headers": [
                            (b"content-type", b"text/html; charset=utf-8"),
                            (b"retry-after", str(self.limiter.retry_after()).encode()),
                            (b"content-length", str(len(self.page)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": self.page})
                return
        await self.app(scope, receive, send)
