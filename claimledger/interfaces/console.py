"""Where the command line writes: tables to standard output, progress and errors to standard error,
and every library error as one line."""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console

from ..errors import ClaimledgerError
from ..extraction import ATTRIBUTION_MODES, ATTRIBUTION_VARIABLE

PIPED_WIDTH = 160  # tables written to a file or pipe get room for their text instead of 80 columns
out = Console(width=None if sys.stdout.isatty() else PIPED_WIDTH)
err = Console(stderr=True)


def report(error: ClaimledgerError) -> None:
    err.print(f"[red]error[/red] {error}", markup=True, highlight=False, soft_wrap=True)


def fail_on_library_error(error: ClaimledgerError) -> None:
    report(error)
    raise typer.Exit(2)


def choose_attribution(mode: str) -> str:
    """Validate --attribution and make it the process's mode: extraction workers inherit it."""
    if mode not in ATTRIBUTION_MODES:
        raise typer.BadParameter(f"expected one of {', '.join(ATTRIBUTION_MODES)}")
    os.environ[ATTRIBUTION_VARIABLE] = mode
    return mode


ATTRIBUTION = typer.Option("learned", "--attribution", callback=choose_attribution,
                           help="learned: the trained span tagger (most accurate); rules: the hand-written rules "
                                "(faster, for bulk work). See the README's 'Attribution modes'.")
