"""Progress of a long command on standard error: a bar on a terminal, plain lines otherwise.

The steps are the ones the command names and the ones its services name as they begin
(``remiss.core.progress``), so a step deep inside a flow moves the bar too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from remiss.core import progress


@contextmanager
def shown(title: str, total: int) -> Iterator[Callable[[str], None]]:
    """Show ``title``'s ``total`` steps while the block runs; yields ``step(description)``."""
    console = Console(stderr=True)
    begun = 0
    if not console.is_terminal:

        def line(description: str) -> None:
            nonlocal begun
            begun += 1
            console.print(
                f"{title}: {description} ({begun}/{total})", highlight=False, soft_wrap=True
            )

        with progress.listening(line):
            yield line
        return

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as bar:
        task = bar.add_task(title, total=total)

        def advance(description: str) -> None:
            nonlocal begun
            bar.update(task, completed=min(begun, total), description=f"{title}: {description}")
            begun += 1

        with progress.listening(advance):
            yield advance
        bar.update(task, completed=total, description=f"{title}: klart")
