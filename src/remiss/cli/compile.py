"""``remiss round compile``: compile the sammanställning, write it and the yttrande."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from remiss.cli.process import application, runtime
from remiss.cli.shell import fail, shell

commands = typer.Typer()


@commands.command(
    "compile", help="Skriv yttrandet och sammanställningen som DOCX, HTML och/eller PDF."
)
@shell
def round_compile(
    round_ref: Annotated[str, typer.Argument(metavar="ROUND")],
    formats: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Format att skriva: docx, html, pdf, svarsmall (kommaseparerade); utan: "
            "docx, html, pdf och, när remissen har en, avsändarens svarsmall ifylld.",
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Katalog att skriva filerna i.")] = Path("."),
) -> None:
    """Write the yttrande and the sammanställning as DOCX, HTML and/or PDF."""
    from remiss.cli.progress import shown
    from remiss.rounds import svarsmall
    from remiss.rounds.opening import find
    from remiss.rounds.transitions import without_documents
    from remiss.usecases.answering import compile_answer
    from remiss.yttrande import documents, drafts, sending, to_folder
    from remiss.yttrande.svarsmall_letter import FMT

    asked = documents.parse_formats(formats or ",".join(documents.FORMATS), also=(FMT,))
    wanted = [f for f in asked if f != FMT]
    a = application()
    with a.sessions() as session:
        round_ = find(session, round_ref)
        round_id, reference = round_.id, round_.reference
        why = without_documents(session, round_)
        has_template = svarsmall.of(session, round_id) is not None
    if why is not None:
        fail(why)
    if FMT in asked and not has_template:
        fail(f"{reference}: remissen har ingen svarsmall (ange svarsmall: i remissfilen)")
    filled = FMT in asked or (formats is None and has_template)
    _check_writable(out)  # before compiling: a folder we cannot write to must change nothing
    # Steps: compiling, each file rendered (named by the rendering), writing.
    with shown(reference, total=len(wanted) + 2) as step:
        step("sammanställer svaren")
        done = compile_answer(runtime(), round_id, "cli", notify=False, formats=wanted)
        step("skriver filerna")
        with a.sessions() as session:
            written = to_folder.write(session, a.settings, round_id, wanted, out, svarsmall=filled)
            draft = drafts.current(session, round_id)
            sent = sending.sent_files(session, round_id)
    for path in written:
        typer.echo(str(path))
    source = f"utkast version {draft.number}" if draft is not None else "förslaget (inget utkast)"
    if sent is not None:
        source = f"det skickade yttrandet (utkast version {sent.draft_number}), byte för byte"
    typer.echo(
        f"{reference}: sammanställning version {done.compiled.version}; yttrandet från {source}",
        err=True,
    )


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        fail(f"--out: kan inte skriva i {folder} ({exc.strerror})")
