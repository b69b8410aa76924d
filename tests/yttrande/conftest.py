"""Fixtures for the yttrande tests: a real database seeded through ``seed.Builder``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.yttrande.seed import POSITION, Builder, answered_round, at


@pytest.fixture
def seed(sessions: sessionmaker[Session]) -> Callable[[Callable[[Builder], Any]], Any]:
    """Run a builder function in its own committed transaction and return its result."""

    def run(fn: Callable[[Builder], Any]) -> Any:
        with sessions.begin() as session:
            result = fn(Builder(session))
            session.flush()
            return result

    return run


@pytest.fixture
def round_id(seed: Callable[[Callable[[Builder], Any]], Any]) -> int:
    result = seed(answered_round)
    assert isinstance(result, int)
    return result


@pytest.fixture
def round_where(seed: Callable[[Callable[[Builder], Any]], Any]) -> Callable[..., int]:
    """Make a round where group N's one member gave the N-th position (None: no answer)."""

    def make(*positions: str | None) -> int:
        def fill(b: Builder) -> int:
            round_ = b.round("KS-2026-010", title="Analfissur, kliniskt kunskapsstöd")
            regions = ["RJL", "RKL", "RÖ"]
            for n, position in enumerate(positions, start=1):
                group = b.group(f"grupp-{n}", f"Grupp {n}")
                b.route(round_, group)
                person = b.person(f"Person {n}", regions[n % 3])
                invitation = b.invite(round_, person, group)
                if position is not None:
                    b.answer(invitation, {POSITION: position}, when=at(n))
            return round_.id

        result = seed(fill)
        assert isinstance(result, int)
        return result

    return make
