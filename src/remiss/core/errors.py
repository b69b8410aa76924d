"""Domain errors: each carries a message a person can act on."""

from __future__ import annotations

from pathlib import Path


class RemissError(Exception):
    """Base of every error the shells translate for a person."""


class NotFound(RemissError):
    """A round, group or invitation that does not exist."""


class RoundNotFound(NotFound):
    """No round by that id or reference: one wording wherever a round is looked up."""

    def __init__(self, ref: object) -> None:
        super().__init__(f"det finns ingen remiss med id eller referens '{ref}'")


class Refused(RemissError):
    """A valid request that the current state does not allow (late, double, closed)."""


class InputError(RemissError):
    """Bad input from a file or a form, located as precisely as we can."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"
