"""The one line a command or page says for a failure of the database, from real errors."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from remiss.core import failures
from remiss.core.models import Region


def test_two_writers_of_the_same_row_are_said_to_have_collided(session: Session) -> None:
    session.add(Region(code="RX", name="Region X"))
    session.commit()
    session.add(Region(code="RX", name="Region X igen"))
    with pytest.raises(IntegrityError) as raised:
        session.commit()
    session.rollback()
    said = failures.said(raised.value)
    assert said is not None and said.startswith("ändringen krockade med en annan")


def test_a_refusal_of_the_database_is_said_in_its_first_line(session: Session) -> None:
    with pytest.raises(DBAPIError) as raised:
        session.execute(text("select * from no_such_table"))
    session.rollback()
    said = failures.said(raised.value)
    assert said is not None and said.startswith("databasen vägrade: ")
    assert "\n" not in said


def test_anything_else_is_not_ours_to_say() -> None:
    assert failures.said(ValueError("x")) is None
