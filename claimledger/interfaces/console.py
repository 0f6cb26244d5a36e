"""Where the command line writes: tables to standard output, progress and errors to standard error,
and every library error as one line."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from ..errors import ClaimledgerError

PIPED_WIDTH = 160  # tables written to a file or pipe get room for their text instead of 80 columns
out = Console(width=None if sys.stdout.isatty() else PIPED_WIDTH)
err = Console(stderr=True)


def report(error: ClaimledgerError) -> None:
    err.print(f"[red]error[/red] {error}", markup=True, highlight=False, soft_wrap=True)


def fail_on_library_error(error: ClaimledgerError) -> None:
    report(error)
    raise typer.Exit(2)
