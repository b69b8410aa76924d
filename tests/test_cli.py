"""The command line, end to end: real database, real SMTP server, one line per error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from remiss import app as runtime
from remiss.app import App
from remiss.cli import app as cli_app
from remiss.reviewers import answers
from remiss.rounds.opening import find
from remiss.yttrande.versions import latest
from tests.conftest import EXAMPLES
from tests.mailcatcher import RunningCatcher

BATCH = str(EXAMPLES / "rounds" / "2026-02-nationella-kunskapsstod.yaml")


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    """One command, as if in a process of its own: it reads its environment anew."""
    runtime.use(None)
    result = runner.invoke(cli_app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_open_a_national_batch_from_the_command_line(
    remiss: CliRunner, smtp: RunningCatcher
) -> None:
    code, out, err = run(remiss, "db", "upgrade")
    assert code == 0, err
    code, out, err = run(remiss, "directory", "import", str(EXAMPLES / "directory.yaml"))
    assert code == 0, err
    assert "12 grupper" in out

    code, out, err = run(remiss, "round", "open", BATCH, "--now", "2026-02-16T09:00")
    assert code == 0, err
    assert out.count("Öppnade KS-2026-") == 22
    assert "Öppnade KS-2026-003 (id 3)" in out
    asked = sum(map(int, re.findall(r"— (\d+) inbjudningar", out)))
    assert asked + sum(map(int, re.findall(r"(\d+) för kännedom", out))) == 243
    # One email per person for all their rounds: 24 asked, 12 told (two kunskapsråd, and the
    # processtöd of the six RPO and RSG the batch reaches).
    assert "36 skickade" in out
    assert len(smtp.catcher.received) == 36
    assert sum(len(mail.tokens()) for mail in smtp.catcher.received) == asked

    code, out, err = run(remiss, "round", "open", BATCH, "--now", "2026-02-16T10:00")
    assert code == 0, err
    assert out.count("Redan öppnad") == 22
    assert "0 skickade" in out
    assert len(smtp.catcher.received) == 36

    code, out, _ = run(remiss, "round", "list")
    assert code == 0
    assert "KS-2026-003" in out and "0/7" in out

    code, out, _ = run(remiss, "round", "status", "KS-2026-003")
    assert code == 0
    assert "RPO Cancersjukdomar (ansvarig)" in out
    assert "Per Wallin" in out and "Ej öppnad" in out
    code, out, _ = run(remiss, "round", "status", "3")
    assert "KS-2026-003" in out


def test_bad_input_exits_non_zero_with_one_line_and_changes_nothing(
    remiss: CliRunner, tmp_path: Path, smtp: RunningCatcher
) -> None:
    run(remiss, "db", "upgrade")
    run(remiss, "directory", "import", str(EXAMPLES / "directory.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "reference: X-1\ntitle: T\nissuer: I\nareas: [nope]\n"
        "deadline: 2026-04-14\ncoordinator: kansli@sosr.example.org\n"
    )
    code, out, err = run(remiss, "round", "open", str(bad), "--now", "2026-02-16T09:00")
    assert code == 1
    assert err.strip().count("\n") == 0
    assert err.startswith(f"remiss: {bad}:4: ")
    assert "okänt område 'nope'" in err
    code, out, _ = run(remiss, "round", "list")
    assert "Inga remisser" in out
    assert smtp.catcher.received == []

    code, _, err = run(remiss, "round", "status", "NOPE-1")
    assert code == 1 and "ingen remiss" in err

    ok = tmp_path / "ok.yaml"
    ok.write_text(bad.read_text().replace("[nope]", "[cancersjukdomar]"))
    code, out, err = run(remiss, "round", "open", str(ok), "--now", "2026-02-16T09:00")
    assert code == 0, err
    sent = len(smtp.catcher.received)
    ok.write_text(ok.read_text().replace("title: T", "title: Ny titel"))
    code, out, err = run(remiss, "round", "open", str(ok), "--now", "2026-02-16T09:00")
    assert code == 1
    assert err.strip().count("\n") == 0
    assert "redan öppnad" in err and "title ('Ny titel' i filen, 'T' i remiss)" in err
    assert len(smtp.catcher.received) == sent

    from tests.web.test_hostile_input import ALIAS_BOMB

    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB)
    for command in (("directory", "import"), ("round", "open")):
        code, _, err = run(remiss, *command, str(bomb))
        assert code == 1
        assert err.strip() == (
            f"remiss: {bomb}:5: filen är för stor när alias räknas ut "
            "(över 20000 delar nås genom alias)"
        )

    code, _, err = run(remiss, "round", "open", str(tmp_path / "missing.yaml"))
    assert code == 1 and "filen finns inte" in err

    code, _, err = run(remiss, "round", "open", BATCH, "--now", "igår")
    assert code == 1 and "--now" in err


def test_extend_and_close_from_the_command_line(remiss: CliRunner, smtp: RunningCatcher) -> None:
    run(remiss, "db", "upgrade")
    run(remiss, "directory", "import", str(EXAMPLES / "directory.yaml"))
    run(remiss, "round", "open", BATCH, "--now", "2026-02-16T09:00")
    smtp.catcher.clear()
    code, out, err = run(
        remiss, "round", "extend", "KS-2026-022", "--deadline", "2026-04-02", "--now",
        "2026-03-01T09:00",
    )  # fmt: skip
    assert code == 0, err
    assert "2 april 2026" in out and "3 meddelade" in out
    assert len(smtp.catcher.received) == 3
    assert "Ny svarsdag 2 april 2026" in smtp.catcher.received[0].subject
    code, out, err = run(remiss, "round", "close", "KS-2026-022")
    assert code == 0, err
    code, out, _ = run(remiss, "round", "list")
    assert "KS-2026-022            inga svar" in out  # closed with nobody answering


def test_bad_settings_and_unreadable_files_give_one_line(
    remiss: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(remiss, "round", "open", str(tmp_path))
    assert code == 1
    assert err.strip() == f"remiss: {tmp_path}: filen kan inte läsas (Is a directory)"

    # An empty key is no key: one is generated into the data folder, never "" used to sign.
    monkeypatch.setenv("REMISS_SECRET_KEY", "")
    assert run(remiss, "round", "list")[0] == 0
    assert runtime.current().settings.secret_key is None
    assert len(runtime.current().settings.signing_key()) >= 32
    for short in ("x", "too-short-for-a-signing-key"):
        monkeypatch.setenv("REMISS_SECRET_KEY", short)
        for command in (("round", "list"), ("serve", "--web-only")):
            code, out, err = run(remiss, *command)
            assert code == 1, out
            assert err.strip().splitlines() == [
                "remiss: REMISS_SECRET_KEY: måste vara minst 32 tecken (ta bort raden så skapas "
                "en nyckel i datamappen, eller skapa en med: python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')"
            ]
    monkeypatch.delenv("REMISS_SECRET_KEY")

    monkeypatch.setenv("REMISS_SMTP_SECURITY", "ssl")
    code, _, err = run(remiss, "round", "list")
    assert code == 1
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("remiss: REMISS_SMTP_SECURITY: "), err


def elin_answers(remiss: CliRunner, smtp: RunningCatcher, values: dict[str, str]) -> App:
    """February's batch opened from the command line, Elin Blom's answer to KS-2026-022 in."""
    run(remiss, "db", "upgrade")
    run(remiss, "directory", "import", str(EXAMPLES / "directory.yaml"))
    run(remiss, "round", "open", BATCH, "--now", "2026-02-16T09:00")
    [invitation] = [r for r in smtp.catcher.to("elin.blom@rkl.example.org") if "3D" in r.subject]
    application = runtime.current()
    with application.transaction() as session:
        answers.submit(
            session, application.settings, invitation.tokens()[-1], values, no_comments=False
        )
    return application


def test_compile_writes_the_yttrande_and_the_sammanstallning(
    remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path
) -> None:
    application = elin_answers(
        remiss, smtp, {"stallningstagande": "Avstyrker", "ovrigt": "Elins synpunkt"}
    )
    assert run(remiss, "round", "close", "KS-2026-022")[0] == 0
    # The close flow rendered the new version in every format, after the close.
    with application.sessions() as session:
        version = latest(session, find(session, "KS-2026-022").id)
        assert version is not None and version.docx and version.html and version.pdf

    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    code, out, err = run(remiss, "round", "compile", "KS-2026-022", "--out", str(blocked / "x"))
    assert code == 1 and err.count("\n") == 1 and "--out" in err, (code, out, err)

    code, out, err = run(
        remiss, "round", "compile", "KS-2026-022", "--format", "docx,html", "--out",
        str(tmp_path / "ut"),
    )  # fmt: skip
    assert code == 0, err
    names = sorted(Path(line).name for line in out.splitlines())
    assert names == [
        "KS-2026-022-sammanstallning.docx",
        "KS-2026-022-sammanstallning.html",
        "KS-2026-022-yttrande.docx",
        "KS-2026-022-yttrande.html",
    ]
    assert "yttrandet från förslaget" in err
    sent = (tmp_path / "ut" / "KS-2026-022-yttrande.html").read_text(encoding="utf-8")
    internal = (tmp_path / "ut" / "KS-2026-022-sammanstallning.html").read_text(encoding="utf-8")
    assert "Sydöstra sjukvårdsregionen avstyrker kunskapsstödet." in sent
    assert "Elin Blom" not in sent
    assert "Elins synpunkt" in sent  # the proposal carries the comment, without the name
    assert "Elin Blom" in internal and "Elins synpunkt" in internal


def test_compile_renders_only_the_formats_it_writes_and_shows_its_steps(
    remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path
) -> None:
    application = elin_answers(remiss, smtp, {"stallningstagande": "Tillstyrker"})

    def stored() -> tuple[bool, bool, bool]:
        with application.sessions() as session:
            round_id = find(session, "KS-2026-022").id
            version = latest(session, round_id)
            assert version is not None and version.number == 1
            return bool(version.docx), bool(version.html), version.pdf is not None

    # The round is still open: compiling makes version 1, rendered in Word only.
    code, out, err = run(remiss, "round", "compile", "KS-2026-022", "--format", "docx",
                         "--out", str(tmp_path))  # fmt: skip
    assert code == 0, err
    assert sorted(Path(line).name for line in out.splitlines()) == [
        "KS-2026-022-sammanstallning.docx", "KS-2026-022-yttrande.docx",
    ]  # fmt: skip
    assert stored() == (True, False, False)
    # Not a terminal: one plain line per step on standard error.
    assert err.splitlines()[:3] == [
        "KS-2026-022: sammanställer svaren (1/3)",
        "KS-2026-022: skapar Word-filen (2/3)",
        "KS-2026-022: skriver filerna (3/3)",
    ]

    # The same version in PDF: only the PDF is rendered, and kept.
    code, out, err = run(remiss, "round", "compile", "KS-2026-022", "--format", "pdf",
                         "--out", str(tmp_path))  # fmt: skip
    assert code == 0, err
    assert stored() == (True, False, True)
    assert (tmp_path / "KS-2026-022-sammanstallning.pdf").read_bytes().startswith(b"%PDF")


def test_a_sample_opened_in_the_past_is_refused_and_shifted_to_today(
    remiss: CliRunner, smtp: RunningCatcher
) -> None:
    from datetime import UTC, datetime

    from remiss.core import clock

    run(remiss, "db", "upgrade")
    run(remiss, "directory", "import", str(EXAMPLES / "directory.yaml"))
    clock.set_now(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))  # "today", for real
    code, out, err = run(remiss, "round", "open", BATCH, "--now", "2026-02-16T09:00")
    assert code == 1 and err.count("\n") == 1
    assert "har redan passerat" in err and "--shift-to-today" in err
    assert smtp.catcher.received == []

    clock.set_now(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    code, out, err = run(remiss, "round", "open", BATCH, "--shift-to-today")
    assert code == 0, err
    assert out.count("Öppnade") == 22
    # Opened today; every internal deadline lies ahead, in Swedish words.
    # 16 February + 288 days is 1 December; 14 April moves to 27 January, ten working days
    # before it (holidays counted) is 13 January.
    assert out.count("intern svarsdag 13 januari 2027") == 22
