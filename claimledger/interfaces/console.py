"""Where the command line writes: tables to standard output, progress and errors to standard error,
and every library error as one line."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from rich.console import Console

from ..errors import ClaimledgerError, LedgerError
from ..extraction import ATTRIBUTION_MODES, ATTRIBUTION_VARIABLE
from ..store.database import is_postgres
from ..store.ledger import DEFAULT_DB, Ledger

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


DB = typer.Option(DEFAULT_DB, "--db", help="The ledger: a SQLite file, or a PostgreSQL URL (postgresql://USER@HOST/NAME).")


def open_ledger(db: str) -> Ledger:
    """An existing ledger, or one line saying why it cannot be opened."""
    if not is_postgres(db) and not Path(db).exists():
        fail_on_library_error(LedgerError(str(db), problem="no such ledger file (run `claimledger ingest` first)"))
    try:
        return Ledger(db)
    except ClaimledgerError as error:
        fail_on_library_error(error)
