"""Domain errors: each carries a message a person can act on."""

from __future__ import annotations

from collections.abc import Sequence
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


class InputErrors(InputError):
    """Every error found in one input (a round file), each located: said all at once, one
    line each, so that one run names everything to fix."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        self.errors: list[InputError] = []
        for error in errors:
            for one in error.errors if isinstance(error, InputErrors) else [error]:
                if str(one) not in map(str, self.errors):
                    self.errors.append(one)
        first = self.errors[0]
        super().__init__(first.message, file=first.file, line=first.line, field=first.field)

    @staticmethod
    def of(errors: Sequence[InputError]) -> InputError:
        """The one error, or all of them (``errors`` is not empty)."""
        every = InputErrors(errors)
        return every.errors[0] if len(every.errors) == 1 else every

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)
