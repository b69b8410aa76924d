"""The ``remiss`` command line, assembled: each module's commands under their names.

Every command module holds its own commands and knows nothing of the others; this
is the one place that says which command is called what and stands in which group.
"""

from __future__ import annotations

import gc
import sys

import typer

from remiss.cli import (
    anchoring,
    answering,
    compile,
    database,
    demo,
    details,
    directory,
    disagreement,
    inbound,
    register,
    reminders,
    round_status,
    rounds,
    serve,
    worker,
)

app = typer.Typer(
    help="remiss: remissrundor från inbjudan till gemensamt yttrande.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Databasen.", no_args_is_help=True)
directory_app = typer.Typer(help="Katalogen över grupper och personer.", no_args_is_help=True)
round_app = typer.Typer(help="Remissrundor.", no_args_is_help=True)
reminders_app = typer.Typer(help="Påminnelser.", no_args_is_help=True)

# In the order ``remiss --help`` and ``remiss round --help`` list them.
for module in (demo, register, serve, worker, inbound):
    app.add_typer(module.commands)
app.add_typer(db_app, name="db")
app.add_typer(directory_app, name="directory")
app.add_typer(round_app, name="round")
app.add_typer(reminders_app, name="reminders")
db_app.add_typer(database.commands)
directory_app.add_typer(directory.commands)
for module in (answering, anchoring, compile, details, disagreement, rounds, round_status):
    round_app.add_typer(module.commands)
reminders_app.add_typer(reminders.commands)
round_app.add_typer(inbound.round_commands)


def main() -> None:
    gc.freeze()  # the modules and what they made: never garbage, never looked at again
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
