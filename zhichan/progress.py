"""Progress reporting shared by every long operation.

Services take an optional ``progress`` callable and call it with ``(done, total)``; they never
import rich. The CLI passes :func:`rich_progress`'s callback, the jobs runner passes one that
stores progress in the workflow database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

ProgressCallback = Callable[[int, int | None], None]


def console() -> Console:
    """The terminal of a command, made when the command runs (so the width, COLUMNS, is the one it
    runs with, not the one of whoever imported the module first)."""
    return Console()


def no_progress(done: int, total: int | None) -> None:
    """The default callback: report nothing."""


@contextmanager
def rich_progress(description: str, total: int | None = None) -> Iterator[ProgressCallback]:
    """A rich progress bar for the CLI; yields the callback to hand to a service."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        transient=False,
    ) as bar:
        task = bar.add_task(description, total=total)

        def update(done: int, new_total: int | None) -> None:
            bar.update(task, completed=done, total=new_total if new_total is not None else total)

        yield update
