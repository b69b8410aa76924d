"""A directory upload shows what it will change and changes nothing until confirmed: on the
dashboard (a preview page and a confirming POST) and on the command line (a summary and a
question, ``--yes`` to skip it, a refusal where nobody can be asked)."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from remiss.app import App
from remiss.core.models import AuditEvent, Group, Person
from remiss.directory import changes as planned
from remiss.directory import sync as directory
from tests.conftest import EXAMPLES
from tests.test_cli import run
from tests.web.conftest import ANOTHER_REVIEWER, csrf_of, open_round

SAMPLE = (EXAMPLES / "directory.yaml").read_text(encoding="utf-8")
YLVA = "      - {name: Ylva Forsberg, email: ylva.forsberg@rjl.example.org, region: RJL, role: ledamot}\n"
EMMA = "      - {name: Emma Söderberg, email: emma.soderberg@rjl.example.org, region: RJL, role: ledamot}\n"
NORA = "      - {name: Nora Ny, email: nora.ny@rjl.example.org, region: RJL, role: ledamot}\n"
# Ylva leaves (she has an open invitation), Nora joins, Cecilia changes name, a group goes.
CHANGED = (
    SAMPLE.replace(YLVA, "")
    .replace(EMMA, EMMA + NORA)
    .replace("name: Cecilia Sjöberg,", "name: Cecilia Sjöberg Lind,")
)
CHANGED = CHANGED[: CHANGED.index("  - key: kr-halsa-rehab")]


def state(app: App) -> tuple[bool, bool, int, int]:
    """Ylva active, Nora known, active groups, directory imports in the log."""
    with app.sessions() as session:
        ylva = session.scalars(select(Person).where(Person.email == ANOTHER_REVIEWER)).one()
        nora = session.scalars(select(Person).where(Person.email == "nora.ny@rjl.example.org"))
        groups = len(list(session.scalars(select(Group).where(Group.active))))
        imports = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "directory.import")
        ).all()
        return ylva.active, nora.first() is not None, groups, len(imports)


def test_the_preview_lists_every_change_and_the_invitations_it_ends(
    sample_directory: App,
) -> None:
    open_round(sample_directory)  # Ylva Forsberg is asked through RPO Sällsynta sjukdomar
    before = state(sample_directory)
    with sample_directory.sessions() as session:
        changes = planned.preview(session, directory.loads(CHANGED))
        assert changes.fingerprint == planned.fingerprint(session)
    assert changes.new_people == [
        "Nora Ny <nora.ny@rjl.example.org> (RPO Lung- och allergisjukdomar)"
    ]
    assert changes.deactivated_people[0] == "Ylva Forsberg <ylva.forsberg@rjl.example.org>"
    assert len(changes.deactivated_people) == 4  # and the three in the group that goes
    assert changes.deactivated_groups == ["Kunskapsråd hälsa och rehabilitering (kr-halsa-rehab)"]
    assert (
        "Cecilia Sjöberg Lind <cecilia.sjoberg@rjl.example.org>",
        ["namn: Cecilia Sjöberg → Cecilia Sjöberg Lind"],
    ) in changes.changed_people
    [affected] = changes.affected
    assert (affected.reference, affected.name) == ("NHV-TEST-1", "Ylva Forsberg")
    assert state(sample_directory) == before  # nothing written
    with sample_directory.sessions() as session:
        assert planned.preview(session, directory.loads(SAMPLE)).empty


def test_the_dashboard_applies_an_upload_only_when_confirmed(
    coordinator: TestClient, sample_directory: App
) -> None:
    open_round(sample_directory)
    before = state(sample_directory)
    page = coordinator.get("/directory")
    files = {"file": ("katalog.yaml", CHANGED.encode(), "application/x-yaml")}
    preview = coordinator.post("/directory", data={"csrf_token": csrf_of(page.text)}, files=files)
    assert preview.status_code == 200
    text = " ".join(preview.text.split())
    assert "ingenting är ändrat ännu" in text
    assert "Nora Ny &lt;nora.ny@rjl.example.org&gt;" in text
    assert "Avaktiveras: personer (4)" in text and "Ylva Forsberg" in text
    assert "Öppna inbjudningar som inte längre kan besvaras (1)" in text
    assert "NHV-TEST-1" in text
    assert state(sample_directory) == before

    signed = re.search(r'name="upload" value="([^"]+)"', preview.text)
    assert signed is not None
    csrf = csrf_of(preview.text)
    tampered = coordinator.post(
        "/directory/confirm", data={"csrf_token": csrf, "upload": signed.group(1)[:-2] + "xx"}
    )
    assert tampered.status_code == 422 and "ladda upp filen igen" in tampered.text
    assert state(sample_directory) == before

    # The directory moved between the preview and the click: shown again, not applied.
    with sample_directory.transaction() as session:
        session.scalars(
            select(Person).where(Person.email == "per.wallin@rjl.example.org")
        ).one().phone = "1"
    moved = coordinator.post(
        "/directory/confirm", data={"csrf_token": csrf, "upload": signed.group(1)}
    )
    assert (
        moved.status_code == 200
        and "Katalogen har ändrats sedan du laddade upp filen" in moved.text
    )
    assert state(sample_directory)[:3] == before[:3]

    again = re.search(r'name="upload" value="([^"]+)"', moved.text)
    assert again is not None
    done = coordinator.post(
        "/directory/confirm", data={"csrf_token": csrf_of(moved.text), "upload": again.group(1)}
    )
    assert done.status_code == 200 and "Katalogen är uppdaterad" in done.text
    assert state(sample_directory) == (False, True, before[2] - 1, before[3] + 1)


def test_the_command_line_asks_before_it_changes_the_directory(
    remiss: CliRunner, tmp_path: Path, settings: object
) -> None:
    run(remiss, "db", "upgrade")
    code, out, err = run(remiss, "directory", "import", str(EXAMPLES / "directory.yaml"))
    assert code == 0 and "nya: 56 personer och 12 grupper" in out  # a first load: no question
    changed = tmp_path / "katalog.yaml"
    changed.write_text(CHANGED, encoding="utf-8")

    code, out, err = run(remiss, "directory", "import", str(changed))
    assert code == 1
    assert "Nya personer (1): Nora Ny" in out and "Avaktiveras, grupper (1)" in out
    assert err.strip() == (
        f"remiss: {changed}: katalogen skulle ändras (se ovan) och ingen kan tillfrågas här; "
        "kör med --yes för att tillämpa ändringarna"
    )
    code, out, _ = run(remiss, "directory", "import", str(EXAMPLES / "directory.yaml"))
    assert code == 0 and "56 personer" in out  # nothing changes: nothing to ask

    # On a terminal it asks; "n" changes nothing, "j" applies.
    bin_dir = Path(sys.executable).parent
    for answer, applied in (("n", "Ingenting ändrades."), ("j", "Katalogen inläst från")):
        said = on_a_terminal([str(bin_dir / "remiss"), "directory", "import", str(changed)], answer)
        assert "Tillämpa ändringarna? [j/N]" in said and applied in said, said
    code, out, _ = run(remiss, "directory", "import", str(EXAMPLES / "directory.yaml"), "--yes")
    assert code == 0 and "återaktiverade" in out


def on_a_terminal(command: list[str], answer: str) -> str:
    """Run ``command`` with a pseudo-terminal as its input and output; type ``answer``."""
    main, child = pty.openpty()
    process = subprocess.Popen(command, stdin=child, stdout=child, stderr=child, env=os.environ)
    os.close(child)
    os.write(main, f"{answer}\n".encode())
    output = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the other end closed: the process is done
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=120)
    os.close(main)
    return output.decode("utf-8", "replace")
