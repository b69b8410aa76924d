"""Email addresses: one normal form, so a person is found whatever the case."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ADDRESS = re.compile(
    r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


def normalise_email(value: str) -> str:
    """Return the address trimmed and lower-cased, or raise ValueError if it is not one."""
    address = value.strip().lower()
    if not _ADDRESS.match(address):
        raise ValueError(f"'{value}' är ingen giltig e-postadress")
    return address


@dataclass(frozen=True, slots=True)
class Addressee:
    """A person as far as mail to them needs: who, and where (not the directory's row)."""

    id: int
    name: str
    email: str
