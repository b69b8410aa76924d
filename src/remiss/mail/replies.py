"""The addresses that bring mail back: svar+{key} for replies, retur+{key} for bounces.

A reply key is made from a personal link's token by a one-way function, and only its hash
is stored beside the token's (``InvitationToken.reply_hash``): the key reveals nothing of
the link, every email that carries a link answers to an address of its own, and a key
stops working with its links (a revoked or forwarded invitation). Base32 in lower case,
because mail systems may change the case of an address's local part.

The return key is random per message (``Message.return_key``), the envelope sender
retur+{key}@{REMISS_INBOUND_DOMAIN} (VERP): a delivery status notification comes back to
it and names the message that bounced.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import replace

from remiss.core.settings import Settings
from remiss.core.tokens import hash_token
from remiss.mail.catalogue import Email

REPLY_PREFIX = "svar"
RETURN_PREFIX = "retur"
# 26 characters of base32 (130 bits) for a reply key; 24 hex characters for a return key.
_REPLY_KEY = re.compile(r"^[a-z2-7]{26}$")
_RETURN_KEY = re.compile(r"^[0-9a-f]{24}$")


def reply_key(token: str) -> str:
    """The reply key of a link's token: nothing of the token can be read back from it."""
    digest = hashlib.sha256(b"remiss-reply\0" + token.encode("ascii", "replace")).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:26]


def reply_hash(token: str) -> str:
    """What is stored of the reply key of ``token``."""
    return hash_token(reply_key(token))


def reply_address(settings: Settings, token: str) -> str | None:
    """svar+{key}@{domain} for the email carrying ``token``'s link; None without a domain."""
    if not settings.inbound_domain:
        return None
    return f"{REPLY_PREFIX}+{reply_key(token)}@{settings.inbound_domain}"


def answerable(email: Email, settings: Settings, token: str) -> Email:
    """``email`` answering to the reply address of the link it carries (unchanged without
    REMISS_INBOUND_DOMAIN: it answers to the coordinator, as before)."""
    address = reply_address(settings, token)
    if address is None:
        return email
    return replace(email, message=replace(email.message, reply_to=address))


def new_return_key() -> str:
    return secrets.token_hex(12)


def return_address(domain: str | None, key: str | None, fallback: str) -> str:
    """The envelope sender of a message with ``key``: retur+{key}@{domain}, or ``fallback``."""
    if not domain or not key:
        return fallback
    return f"{RETURN_PREFIX}+{key}@{domain}"


def parse(address: str) -> tuple[str, str] | None:
    """("svar", key) or ("retur", key) for an address of ours, by its local part; else None."""
    local = address.strip().strip("<>").rpartition("@")[0].lower()
    prefix, plus, key = local.partition("+")
    if not plus:
        return None
    if prefix == REPLY_PREFIX and _REPLY_KEY.match(key):
        return REPLY_PREFIX, key
    if prefix == RETURN_PREFIX and _RETURN_KEY.match(key):
        return RETURN_PREFIX, key
    return None
