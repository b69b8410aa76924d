"""``remiss round set``: Vår referens and the recipient changed after opening, each change
audited; a bad address or a sent round changes nothing and says why in one line."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from remiss import app as runtime
from remiss.core import clock
from remiss.core.models import AuditEvent
from remiss.rounds.opening import find
from tests.conftest import EXAMPLES
from tests.mailcatcher import RunningCatcher
from tests.test_cli import run

ROUND = """\
reference: S2026/04512
title: "Framtidens hälso- och sjukvård (SOU 2026:12)"
kind: departementsremiss
issuer: Socialdepartementet
areas: [sallsynta-sjukdomar]
opens: 2026-02-16
deadline: 2026-05-29
coordinator: kansli@sosr.example.org
"""
DNR = "S2026/04512"


def opened(remiss: CliRunner, tmp_path: Path) -> None:
    run(remiss, "db", "upgrade")
    run(remiss, "directory", "import", str(EXAMPLES / "directory.yaml"))
    path = tmp_path / "remiss.yaml"
    path.write_text(ROUND, encoding="utf-8")
    code, _, err = run(remiss, "round", "open", str(path), "--now", "2026-02-16T09:00")
    assert code == 0, err


def stored() -> tuple[str | None, str | None, list[dict[str, object]]]:
    application = runtime.current()
    with application.sessions() as session:
        round_ = find(session, DNR)
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.round_id == round_.id, AuditEvent.action == "round.set")
            .order_by(AuditEvent.id)
        )
        return (
            round_.our_reference,
            round_.recipient,
            [{"actor": e.actor, **dict(e.detail)} for e in events],
        )


def test_round_set_changes_and_audits_both_fields(
    remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path
) -> None:
    opened(remiss, tmp_path)
    code, out, err = run(
        remiss, "round", "set", DNR, "--our-reference", "SÖSR-2026-031",
        "--recipient", "S.Registrator@Regeringskansliet.example.org",
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines() == [
        f"{DNR}: Vår referens: tom → SÖSR-2026-031",
        f"{DNR}: Mottagare: tom → s.registrator@regeringskansliet.example.org",
    ]
    assert stored() == (
        "SÖSR-2026-031",
        "s.registrator@regeringskansliet.example.org",
        [
            {"actor": "cli", "field": "our_reference", "before": None, "after": "SÖSR-2026-031"},
            {"actor": "cli", "field": "recipient", "before": None,
             "after": "s.registrator@regeringskansliet.example.org"},
        ],
    )  # fmt: skip
    code, out, err = run(remiss, "round", "set", DNR, "--our-reference", "SÖSR-2026-032")
    assert code == 0, err
    assert out == f"{DNR}: Vår referens: SÖSR-2026-031 → SÖSR-2026-032\n"
    assert stored()[:2] == ("SÖSR-2026-032", "s.registrator@regeringskansliet.example.org")
    assert len(stored()[2]) == 3


def test_round_set_refuses_a_bad_address_and_changes_nothing(
    remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path
) -> None:
    opened(remiss, tmp_path)
    code, _, err = run(
        remiss, "round", "set", DNR, "--our-reference", "SÖSR-2026-031",
        "--recipient", "registrator på departementet",
    )  # fmt: skip
    assert code == 1
    assert err == (
        f"remiss: {DNR}: mottagaren ska vara en e-postadress, inte 'registrator på "
        "departementet'; inget ändrades\n"
    )
    assert stored() == (None, None, [])
    code, _, err = run(remiss, "round", "set", DNR)
    assert code == 1 and err == "remiss: ange --our-reference eller --recipient\n"


def test_round_set_refuses_a_sent_round(
    remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path
) -> None:
    opened(remiss, tmp_path)
    with runtime.current().transaction() as session:
        find(session, DNR).sent_at = clock.now()
    code, _, err = run(
        remiss, "round", "set", DNR, "--recipient", "ny@regeringskansliet.example.org"
    )
    assert code == 1
    assert err == f"remiss: {DNR}: yttrandet är redan skickat; en skickad remiss ändras inte\n"
    assert stored() == (None, None, [])
