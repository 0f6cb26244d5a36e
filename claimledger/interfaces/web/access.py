"""How the web app reaches the ledger: many readers, one writer.

Each server thread reads through its own read-only SQLite connection (WAL lets readers run beside
the writer).  Ingest goes through a single ``Ledger`` behind a lock, and extraction, the slow part,
runs before the lock is taken so readers and other uploads are not held up by it."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Optional

from ...extraction.pipeline import extract_many
from ...schema import Article
from ...store.sqlite import Ledger


class LedgerAccess:
    def __init__(self, db: Path, model: Optional[str] = None) -> None:
        self.db = Path(db)
        self.model = model
        self.writer = Ledger(self.db, check_same_thread=False)
        self.writer.claim_index()  # assign whatever an older ledger left unassigned, before anyone reads
        self.write_lock = threading.Lock()
        self.extract_lock = threading.Lock()
        self.local = threading.local()

    def reader(self) -> sqlite3.Connection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(f"{self.db.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
            self.local.conn = conn
        return conn

    def add(self, article: Article) -> tuple[Optional[int], int]:
        """Extract and store one article: (its id, or None when the text is already stored; statements)."""
        with self.extract_lock:  # one pipeline (load_model keeps it) shared by the server's threads
            extraction = next(extract_many([article], model=self.model))
        with self.write_lock:
            article_id = self.writer.add(article, extraction)
        return article_id, len(extraction.statements)

    def article_id_of(self, text: str) -> Optional[int]:
        with self.write_lock:
            return self.writer.article_id(text)

    def close(self) -> None:
        self.writer.close()

