"""A round asks no more questions than the reviewer's form can post: one more is refused
when the round is opened, naming the file's line; the most allowed is answered through
the web, every question of it."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from remiss.app import App
from remiss.rounds.questions import QUESTIONS_MOST
from remiss.web.deps import ANSWER_FIELDS_MOST
from tests.conftest import EXAMPLES
from tests.mailcatcher import RunningCatcher
from tests.test_cli import run
from tests.web.conftest import (
    REVIEWER,
    ROUND_YAML,
    Opened,
    csrf_of,
    invitation_state,
    open_round,
)


def asking(n: int) -> str:
    """The test round, asking ``n`` text questions of its own."""
    listed = "".join(f"  - {{key: q{i}, kind: text, text: 'Fråga {i}'}}\n" for i in range(n))
    return ROUND_YAML.replace("questions: default\n", f"questions:\n{listed}")


def test_a_round_asking_more_than_the_form_takes_is_refused_when_opened(
    remiss: CliRunner, tmp_path: Path
) -> None:
    assert run(remiss, "db", "upgrade")[0] == 0
    assert run(remiss, "directory", "import", str(EXAMPLES / "directory.yaml"))[0] == 0
    path = tmp_path / "round.yaml"
    path.write_text(asking(QUESTIONS_MOST + 1), encoding="utf-8")
    line = asking(0).splitlines().index("questions:") + 1
    code, _, err = run(remiss, "round", "open", str(path), "--now", "2026-02-16T09:00")
    assert code == 1
    assert err.strip() == (
        f"remiss: {path}:{line}: questions: en remiss får ha högst {QUESTIONS_MOST} frågor "
        f"(fler tar granskarens formulär inte emot); här är de {QUESTIONS_MOST + 1}"
    )
    assert "Inga remisser" in run(remiss, "round", "list")[1]


def test_the_largest_round_allowed_is_answered_through_the_web(
    client: TestClient, sample_directory: App, smtp: RunningCatcher
) -> None:
    opened = Opened(open_round(sample_directory, asking(QUESTIONS_MOST)), smtp.catcher)
    token = opened.token_for(REVIEWER)
    page = client.get(f"/r/{token}")
    assert page.text.count("<textarea") == QUESTIONS_MOST
    form = {"csrf_token": csrf_of(page.text), "action": "submit", "system_level": "1"}
    # The forwarding fields belong to the answer's form too.
    form |= {"name": "", "email": "", "move_draft": "1"}
    form |= {f"q-q{i}": f"Svar {i}" for i in range(QUESTIONS_MOST)}
    assert len(form) == ANSWER_FIELDS_MOST
    sent = client.post(f"/r/{token}", data=form, follow_redirects=False)
    assert sent.status_code == 303
    [(_, kind, values, _)] = invitation_state(sample_directory, REVIEWER).versions
    assert kind == "submitted"
    assert values == {f"q{i}": f"Svar {i}" for i in range(QUESTIONS_MOST)}

    # A field more than any round's form has is no answer: refused, and nothing saved.
    form |= {"action": "draft", "q-extra": "Ett fält för mycket"}
    assert client.post(f"/r/{token}", data=form).status_code == 400
    assert len(invitation_state(sample_directory, REVIEWER).versions) == 1
