"""``remiss round disagreement ROUND --handled TEXT``: how a meningsskiljaktighet was handled,
kept on the round and carried, with the reports, by the sammanställning's Förlopp."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from remiss import app as runtime
from remiss.reviewers import answers
from remiss.rounds.opening import find
from tests.conftest import EXAMPLES
from tests.mailcatcher import RunningCatcher
from tests.test_cli import run
from tests.web.test_disagreement_once import FREDRIK, LARS, ROUND, TOLD

HANDLED = "Avstämt med båda grupperna den 18 februari; Region Östergötlands synpunkt tas med."


def answered_apart(remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path) -> None:
    """The round opened from the command line; two regions answer on opposite sides."""
    run(remiss, "db", "upgrade")
    run(remiss, "directory", "import", str(EXAMPLES / "directory.yaml"))
    (tmp_path / "round.yaml").write_text(ROUND, encoding="utf-8")
    code, _, err = run(remiss, "round", "open", str(tmp_path / "round.yaml"))
    assert code == 0, err
    application = runtime.current()
    for email, position in ((FREDRIK, "Tillstyrker"), (LARS, "Avstyrker")):
        token = smtp.catcher.to(email)[-1].tokens()[-1]
        with application.transaction() as session:
            answers.submit(
                session, application.settings, token, {"stallningstagande": position},
                no_comments=False,
            )  # fmt: skip


def test_the_handling_is_in_the_sammanstallnings_forlopp_beside_the_report(
    remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path
) -> None:
    answered_apart(remiss, smtp, tmp_path)

    code, out, err = run(remiss, "round", "disagreement", "KS-2026-040", "--handled", HANDLED)
    assert code == 0, err
    assert out.startswith("KS-2026-040: hanteringen av meningsskiljaktigheten är antecknad")
    with runtime.current().sessions() as session:
        assert find(session, "KS-2026-040").disagreement_handled == HANDLED

    code, out, err = run(remiss, "round", "compile", "KS-2026-040", "--format", "html",
                         "--out", str(tmp_path / "ut"))  # fmt: skip
    assert code == 0, err
    memo = (tmp_path / "ut" / "KS-2026-040-sammanstallning.html").read_text(encoding="utf-8")
    text = " ".join(memo.split())
    assert (
        "Meningsskiljaktighet om ”Ställer ni er bakom kunskapsstödet?” mejlades till "
        f"{len(TOLD)} mottagare" in text
    )
    assert f"Meningsskiljaktigheten hanterades: {HANDLED}" in text


def test_a_handling_without_words_or_for_no_round_is_refused_in_one_line(
    remiss: CliRunner, smtp: RunningCatcher, tmp_path: Path
) -> None:
    answered_apart(remiss, smtp, tmp_path)

    code, _, err = run(remiss, "round", "disagreement", "KS-2026-040", "--handled", " ")
    assert code == 1 and err.count("\n") == 1, err
    assert "--handled" in err and "inget ändrades" in err
    code, _, err = run(remiss, "round", "disagreement", "KS-9999", "--handled", HANDLED)
    assert code == 1 and err.count("\n") == 1 and "KS-9999" in err, err
    with runtime.current().sessions() as session:
        assert find(session, "KS-2026-040").disagreement_handled is None
