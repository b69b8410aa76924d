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
from typing import TYPE_CHECKING

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from remiss.core.clock import now
from remiss.core.tokens import hash_token

if TYPE_CHECKING:
    pass

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
        if isinstance(token, str) and path.startswith("/f/"):
            return "f:" + hash_token(token)
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
