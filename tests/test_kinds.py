"""Kinds of remiss: a round takes its kind's defaults from the directory; its own fields win."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from remiss.app import App
from remiss.core import clock
from remiss.core.errors import InputError
from remiss.core.models import Round
from remiss.core.workdays import working_days_before
from remiss.directory import kinds
from remiss.directory import sync as directory
from remiss.rounds import spec as roundspec
from remiss.rounds.opening import open_rounds
from remiss.yttrande import joint
from tests.conftest import EXAMPLES

NHV = EXAMPLES / "rounds" / "2026-nhv-remissforslag.yaml"


@pytest.fixture
def with_kinds(app: App) -> App:
    text = (EXAMPLES / "directory.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "      signatory: Samverkansnämndens presidium\n      recipient: registrator@socialstyrelsen",
        "      signatory: Samverkansnämndens presidium (NHV)\n      recipient: registrator@socialstyrelsen",
        1,
    )
    with app.transaction() as session:
        directory.apply(session, directory.loads(text))
    clock.set_now(datetime(2026, 2, 23, 8, 0, tzinfo=UTC))
    return app


def test_an_nhv_round_takes_the_recipient_and_signatory_of_its_kind(with_kinds: App) -> None:
    with with_kinds.transaction() as session:
        opened = open_rounds(session, with_kinds.settings, roundspec.load(NHV), "test")
        round_ = session.get(Round, opened[0].round_id)
        assert round_ is not None and round_.kind == "remissförslag"  # an alias of nhv
        assert round_.recipient == "registrator@socialstyrelsen.example.org"
        answer = joint.build(session, round_.id, with_kinds.settings)
        assert answer.signatory == "Samverkansnämndens presidium (NHV)"
        # The round's own signatory wins over the kind's.
        round_.signatory = "Regiondirektörerna"
        assert (
            joint.build(session, round_.id, with_kinds.settings).signatory == "Regiondirektörerna"
        )


def test_a_kind_sets_the_margin_and_a_rounds_own_field_wins(with_kinds: App) -> None:
    text = """
rounds:
  - {reference: D-1, title: Departementsremiss, kind: departementsremiss, issuer: Socialdepartementet,
     areas: [cancersjukdomar], deadline: 2026-05-29, coordinator: kansli@sosr.example.org}
  - {reference: D-2, title: Med egen mottagare, kind: departementsremiss, issuer: Socialdepartementet,
     areas: [cancersjukdomar], deadline: 2026-05-29, coordinator: kansli@sosr.example.org,
     recipient: s.registrator@regeringskansliet.example.org}
"""
    with with_kinds.transaction() as session:
        first, second = open_rounds(session, with_kinds.settings, roundspec.loads(text), "test")
        d1, d2 = session.get(Round, first.round_id), session.get(Round, second.round_id)
        assert d1 is not None and d2 is not None
        # 15 working days, the kind's margin, not the setting's 10.
        assert d1.internal_deadline == working_days_before(date(2026, 5, 29), 15)
        assert (
            d1.recipient is None and d2.recipient == "s.registrator@regeringskansliet.example.org"
        )


def test_a_kind_with_a_bad_field_names_the_line(app: App) -> None:
    text = (EXAMPLES / "directory.yaml").read_text(encoding="utf-8")
    text = text.replace("      margin_days: 5\n", "      margin_days: fem\n", 1)
    with pytest.raises(InputError) as raised:
        directory.loads(text, "katalog.yaml")
    assert "katalog.yaml" in str(raised.value) and "margin_days" in str(raised.value)
    assert kinds.find(None, "nhv") is None
