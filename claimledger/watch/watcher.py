"""The watcher: poll the sources that are due, ingest what is new through the same functions as
``ingest``, and hand on the alerts it fires (to ``watch --print`` and to a webhook).

Restart-safe by construction: an article and its alerts are stored in one transaction; a source's
validators and file states are stored only after its new articles, so a poll cut short is made
again in full (the content hash keeps stored articles from being stored twice); a webhook's cursor
moves past an alert only once the receiver took it."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Iterable, Iterator, Optional

from ..errors import ClaimledgerError, DeliveryFailed
from ..ingest.batch import ingest_articles
from ..ingest.readers import DEFAULT_MAX_BYTES, FETCH_TIMEOUT_S
from ..store.ledger import Ledger
from .rules import Alert, later, timestamp, utc_now
from .sources import Poll, WatchSource, poll
from .webhook import Webhook, send

KEEPS_FAILING = 3  # failed polls in a row after which a source is reported as failing
MAX_BACKOFF_S = 6 * 3600


@dataclass
class WatchOptions:
    model: Optional[str] = None
    timeout_s: float = FETCH_TIMEOUT_S
    max_bytes: int = DEFAULT_MAX_BYTES
    webhook: Optional[Webhook] = None
    fetchers: int = 8  # sources fetched at once: one slow site does not hold up the others
    idle_check_s: float = 5.0  # how often an idle watcher looks for sources added meanwhile


@dataclass
class RoundReport:
    number: int
    polled: int = 0
    not_modified: int = 0
    added: int = 0
    alerts: int = 0
    failures: list = field(default_factory=list)  # one line per failed source
    item_errors: list = field(default_factory=list)  # errors of single feed entries or files

    def line(self) -> str:
        parts = [f"round {self.number} at {datetime.now().strftime('%H:%M:%S')}: {self.polled} polled"
                 f"{f' ({self.not_modified} not modified)' if self.not_modified else ''}",
                 f"{self.added} new article{'' if self.added == 1 else 's'}",
                 f"{self.alerts} alert{'' if self.alerts == 1 else 's'} fired", f"{len(self.failures)} failed"]
        if self.item_errors:
            parts.append(f"{len(self.item_errors)} item error{'' if len(self.item_errors) == 1 else 's'}")
        return ", ".join(parts)


def backoff_s(interval_s: int, failures: int) -> float:
    """When to poll a source again after ``failures`` failed polls in a row: its interval, doubled for
    each failure after the first, capped, with jitter so failing sources do not retry in step."""
    return min(interval_s * 2 ** (failures - 1), max(MAX_BACKOFF_S, interval_s)) * random.uniform(0.8, 1.0)


class Watcher:
    def __init__(self, ledger: Ledger, options: Optional[WatchOptions] = None,
                 stop: Optional[threading.Event] = None, say: Callable[[str], None] = print,
                 on_alert: Optional[Callable[[Alert], None]] = None) -> None:
        """``say`` gets the round lines and errors; ``on_alert`` each alert fired from now on."""
        self.ledger = ledger
        self.options = options or WatchOptions()
        self.stop = stop or threading.Event()
        self.say = say
        self.on_alert = on_alert
        self.rounds = 0
        self.last_report: Optional[RoundReport] = None
        self.alerts_seen = ledger.latest_alert_id()
        self.delivery_failures = 0
        self.delivery_due = utc_now()
        if self.options.webhook is not None:  # a new webhook is sent the alerts fired from now on
            self.ledger.webhook_cursor(self.options.webhook.url)

    def run(self, once: bool = False) -> None:
        """Poll until stopped (SIGTERM, Ctrl-C: the watcher's ``stop``); ``once``: every source, one round."""
        while not self.stop.is_set():
            try:
                self.round(poll_all=once)
            except ClaimledgerError as error:  # the ledger itself failed: say so, try again later
                self.say(f"error {error}")
                if once:
                    raise
            if once:
                return
            due = self.ledger.next_poll_due()
            wait = (datetime.fromisoformat(due) - utc_now()).total_seconds() if due else 1e9
            self.stop.wait(max(0.05, min(wait, self.options.idle_check_s)))

    def round(self, poll_all: bool = False) -> Optional[RoundReport]:
        """Poll the due sources (``poll_all``: every source) and store what is new; deliver alerts.
        None when no source was due."""
        due = self.ledger.watched(None if poll_all else timestamp(utc_now()))
        report = None
        if due:
            self.rounds += 1
            report = RoundReport(self.rounds)
            first_alert = self.ledger.latest_alert_id()
            with ThreadPoolExecutor(min(self.options.fetchers, len(due))) as pool:
                for source, outcome in zip(due, pool.map(self.fetch, due)):
                    if self.stop.is_set():
                        break
                    self.store(source, outcome, report)
                    self.announce()
            report.alerts = self.ledger.latest_alert_id() - first_alert
            for line in (*report.item_errors, *report.failures):
                self.say(f"error {line}")
            self.say(report.line())
            self.last_report = report
        self.announce()
        self.deliver()
        return report

    def fetch(self, source: WatchSource):
        try:
            return poll(source, self.options.timeout_s, self.options.max_bytes)
        except ClaimledgerError as error:
            return error

    def store(self, source: WatchSource, outcome, report: RoundReport) -> None:
        report.polled += 1
        if isinstance(outcome, ClaimledgerError):
            failures = self.ledger.record_poll_failure(source.id, outcome.reason,
                                                       later(backoff_s(source.interval_s, source.failures + 1)))
            report.failures.append(f"{outcome}" + (f" (failing: {failures} polls in a row)"
                                                   if failures >= KEEPS_FAILING else ""))
            return
        assert isinstance(outcome, Poll)
        report.not_modified += outcome.not_modified
        summary = ingest_articles(self.until_stopped(outcome.items), self.ledger, self.options.model)
        report.added += summary.added
        report.item_errors += [str(error) for error in summary.failed]
        if not self.stop.is_set():  # stopped partway: the source stays due, to be polled in full
            self.ledger.record_poll(source.id, outcome, summary.added, later(source.interval_s))

    def until_stopped(self, items: Iterable) -> Iterator:
        for item in items:
            if self.stop.is_set():
                return
            yield item

    def announce(self) -> None:
        """Hand each alert fired since the last call to ``on_alert``, oldest first."""
        while self.on_alert is not None:
            fired = self.ledger.alerts(after_id=self.alerts_seen, limit=500, newest_first=False)
            if not fired:
                return
            for alert in fired:
                self.on_alert(alert)
            self.alerts_seen = fired[-1].id

    def deliver(self) -> None:
        """Send the webhook the alerts it has not acknowledged, in order; after a failure, wait longer
        before the next try (exponential, with jitter)."""
        webhook = self.options.webhook
        if webhook is None or utc_now() < self.delivery_due:
            return
        cursor = self.ledger.webhook_cursor(webhook.url)
        while not self.stop.is_set():
            pending = self.ledger.alerts(after_id=cursor, limit=100, newest_first=False)
            if not pending:
                return
            for alert in pending:
                try:
                    send(webhook, alert, self.stop)
                except DeliveryFailed as error:
                    self.ledger.record_delivery(webhook.url, cursor, error.reason)
                    self.delivery_failures += 1
                    pause = min(60 * 2 ** (self.delivery_failures - 1), MAX_BACKOFF_S) * random.uniform(0.8, 1.0)
                    self.delivery_due = utc_now() + timedelta(seconds=pause)
                    self.say(f"error {error} (next try in {pause:.0f} s)")
                    return
                cursor = alert.id
                self.ledger.record_delivery(webhook.url, cursor)
                self.delivery_failures = 0
