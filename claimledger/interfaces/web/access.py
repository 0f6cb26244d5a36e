"""How the web app reaches the ledger: many readers, one writer.

Reads go through a read-only connection per server thread (the async endpoints all run on the event
loop's; SQLite's WAL, like PostgreSQL, lets readers run beside the writer).  Ingest, verdicts, merges,
the watchlist and alert rules go through a single ``Ledger`` behind a lock, and extraction, the slow
part, runs before the lock is taken so readers and other uploads are not held up by it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Optional, Sequence, Union

from ...extraction.pipeline import extract_many
from ...ledger.reviews import Merge, Verdict
from ...schema import Article
from ...store.database import Database
from ...store.ledger import Ledger
from ...watch.rules import AlertRule
from ...watch.sources import WatchSource


class LedgerAccess:
    def __init__(self, db: Union[str, Path], model: Optional[str] = None) -> None:
        self.db = db
        self.model = model
        self.writer = Ledger(db, check_same_thread=False)
        self.write_lock = threading.Lock()
        self.extract_lock = threading.Lock()
        self.local = threading.local()
        self.readers: list[Database] = []

    def reader(self) -> Database:
        """This thread's read-only connection, opened again when the server dropped it."""
        database = getattr(self.local, "database", None)
        if database is None or database.broken:
            database = self.local.database = Database(self.db, read_only=True, check_same_thread=False)
            self.readers.append(database)
        return database

    def add(self, article: Article) -> tuple[Optional[int], int]:
        """Extract and store one article: (its id, or None when the text is already stored; statements)."""
        with self.extract_lock:  # one pipeline (load_model keeps it) shared by the server's threads
            extraction = next(extract_many([article], model=self.model))
        with self.write_lock:
            article_id = self.writer.add(article, extraction)
        return article_id, len(extraction.statements)

    def record_verdict(self, verdict: Verdict) -> Verdict:
        with self.write_lock:
            return self.writer.record_verdict(verdict)

    def merge_claims(self, claim_ids: Sequence[int], into: int, reason: str, merged_by: str) -> list[Merge]:
        with self.write_lock:
            return self.writer.merge_claims(claim_ids, into, reason, merged_by)

    def watch(self, target: str, interval_s: int) -> WatchSource:
        with self.write_lock:
            return self.writer.watch(target, interval_s)

    def unwatch(self, source_id: int) -> WatchSource:
        with self.write_lock:
            return self.writer.unwatch(source_id)

    def add_alert_rule(self, rule: AlertRule) -> AlertRule:
        with self.write_lock:
            return self.writer.add_alert_rule(rule)

    def remove_alert_rule(self, rule_id: int) -> None:
        with self.write_lock:
            self.writer.remove_alert_rule(rule_id)

    def article_id_of(self, text: str) -> Optional[int]:
        with self.write_lock:
            return self.writer.article_id(text)

    def close(self) -> None:
        for database in self.readers:
            database.close()
        self.writer.close()

