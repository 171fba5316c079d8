"""Progress display on stderr for batch work (silent when stderr is not a terminal)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

stderr = Console(stderr=True, soft_wrap=True)


@contextmanager
def record_progress(description: str) -> Iterator[Progress]:
    """A progress line counting records of unknown total: reports, rejects, elapsed time."""
    with Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"),
                  TextColumn("{task.fields[reports]} reports, {task.fields[rejects]} rejects"),
                  TimeElapsedColumn(), console=stderr, transient=True,
                  disable=not stderr.is_terminal) as progress:
        progress.add_task(description, reports=0, rejects=0)
        yield progress
