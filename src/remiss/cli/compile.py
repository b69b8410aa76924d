"""``remiss round compile``: compile the yttrande and write its files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from remiss.cli import application, fail, round_app, shell


def file_stem(reference: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", reference).strip("-") or "remiss"


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
    from remiss.yttrande.versions import latest

    wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    if not wanted:
        fail("--format: ange minst ett av docx, html, pdf")
    a = application()
    with a.sessions() as session:
        round_ = find(session, round_ref)
        round_id, reference = round_.id, round_.reference
    result = run_flow(compile_response, round_id, wanted, "cli", False)
    out.mkdir(parents=True, exist_ok=True)
    with a.sessions() as session:
        version = latest(session, round_id)
        assert version is not None
        contents = {"docx": version.docx, "html": version.html.encode("utf-8"), "pdf": version.pdf}
        for fmt in wanted:
            data = contents[fmt]
            if not data:
                fail(f"version {version.number} saknar {fmt}")
            path = out / f"{file_stem(reference)}-yttrande.{fmt}"
            path.write_bytes(data or b"")
            typer.echo(str(path))
    typer.echo(
        f"{reference}: yttrande version {result['version']} (sha256 {result['checksum'][:12]})",
        err=True,
    )
