"""``remiss round compile``: compile the yttrande and write its files."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from remiss.cli import application, fail, round_app, shell


@round_app.command(
    "compile", help="Sammanställ yttrandet och skriv det som DOCX, HTML och/eller PDF."
)
@shell
def round_compile(
    round_ref: Annotated[str, typer.Argument(metavar="ROUND")],
    formats: Annotated[
        str, typer.Option("--format", help="Format att skriva: docx, html, pdf (kommaseparerade).")
    ] = "docx,html,pdf",
    out: Annotated[Path, typer.Option("--out", help="Katalog att skriva filerna i.")] = Path("."),
) -> None:
    """Compile the joint yttrande and write it as DOCX, HTML and/or PDF."""
    from flows._run import run_flow
    from flows.compile_response import compile_response

    from remiss.rounds.opening import find
    from remiss.yttrande import documents
    from remiss.yttrande.panel import version

    wanted = documents.parse_formats(formats)
    a = application()
    with a.sessions() as session:
        round_ = find(session, round_ref)
        round_id, reference = round_.id, round_.reference
    _check_writable(out)  # before compiling: a folder we cannot write to must change nothing
    result = run_flow(compile_response, round_id, "cli", False)
    with a.transaction() as session:  # a PDF printed now is kept on its version
        compiled = version(session, round_id, result["version"])
        assert compiled is not None
        for fmt in wanted:
            data = documents.content(compiled, fmt)
            if data is None:
                fail(f"version {compiled.number} saknar {fmt}")
                return
            path = out / documents.file_name(reference, fmt)
            path.write_bytes(data)
            typer.echo(str(path))
        checksum = compiled.checksum
    typer.echo(
        f"{reference}: yttrande version {result['version']} (sha256 {checksum[:12]})", err=True
    )


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        fail(f"--out: kan inte skriva i {folder} ({exc.strerror})")
