"""Coordinator login by one-time link: only a hash is kept, a link works once, for 30 minutes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from remiss.access import limits
from remiss.access.coordinators import may_log_in
from remiss.access.limits import Limit
from remiss.core import audit
from remiss.core.addresses import normalise_email
from remiss.core.clock import now
from remiss.core.errors import InputError
from remiss.core.models import LoginToken
from remiss.core.settings import Settings
from remiss.core.text import printable
from remiss.core.tokens import hash_token, new_token
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox

VALID_FOR = timedelta(minutes=30)
# Links mailed to one address: five at once, then one every ten minutes.
PER_ACCOUNT = Limit(capacity=5, per_second=1 / 600)
NEUTRAL = "Om adressen är behörig har en inloggningslänk skickats. Den gäller i 30 minuter."


def issue(session: Session, email: str, valid_for: timedelta = VALID_FOR) -> tuple[LoginToken, str]:
    """A new one-time login link for ``email``: its row, and the token (never stored)."""
    token = new_token()
    moment = now()
    row = LoginToken(
        token_hash=hash_token(token),
        email=email,
        created_at=moment,
        expires_at=moment + valid_for,
    )
    session.add(row)
    session.flush()
    return row, token


def url(settings: Settings, token: str) -> str:
    return f"{settings.base_url}/login/{token}"


def request_login(session: Session, settings: Settings, email: str) -> str:
    """Mail a login link if ``email`` may log in; answer the same neutral words either way."""
    try:
        address = normalise_email(printable(email))
    except ValueError as exc:
        raise InputError("Skriv en giltig e-postadress.", field="email") from exc
    if not may_log_in(session, settings, address):
        return NEUTRAL
    if not limits.take(session, "login-account:" + address, PER_ACCOUNT):
        # Nobody fills a coordinator's inbox with links; the answer stays the same.
        return NEUTRAL
    row, token = issue(session, address)
    message = catalogue.login(
        to=address,
        org=organisation(session),
        link=url(settings, token),
        minutes=int(VALID_FOR.total_seconds() // 60),
        sent_at=now(),
    )
    outbox.queue(session, settings, key=f"login:{row.id}", email=message)
    audit.record(session, address, "login.request")
    return NEUTRAL


def login_link(session: Session, settings: Settings, email: str) -> str:
    """A working one-time login link for ``email``, for the operator starting the service."""
    _row, token = issue(session, normalise_email(email))
    return url(settings, token)


def is_valid(session: Session, token: str) -> bool:
    """Whether a link could still log someone in; uses nothing up."""
    row = session.scalars(
        select(LoginToken).where(LoginToken.token_hash == hash_token(token))
    ).first()
    return row is not None and row.used_at is None and row.expires_at > now()


def redeem(session: Session, token: str) -> str | None:
    """Use a login link: the email it was for, or None. A link works only once."""
    moment = now()
    claimed = session.execute(
        update(LoginToken)
        .where(
            LoginToken.token_hash == hash_token(token),
            LoginToken.used_at.is_(None),
            LoginToken.expires_at > moment,
        )
        .values(used_at=moment)
        .returning(LoginToken.email)
    ).first()
    if claimed is None:
        return None
    email = str(claimed[0])
    audit.record(session, email, "login")
    return email
