"""The ledger in SQLite: articles and their extractions, idempotent by content hash.

Each article is written in one transaction with its statements, so a failed
or interrupted ingest leaves the ledger as it was.  Schema changes are named
migrations applied in order and recorded in ``PRAGMA user_version``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional, Union

from ..errors import LedgerError
from ..ledger.near_duplicates import CopyIndex, signature, to_blob
from ..schema import Article, Extraction

DEFAULT_DB = "claimledger.db"

MIGRATIONS = (
    ("001_articles_and_statements", """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            content_hash TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL,
            title TEXT, url TEXT, outlet TEXT, published TEXT, dateline TEXT,
            text TEXT NOT NULL,
            extraction TEXT NOT NULL,
            ingested_at TEXT NOT NULL DEFAULT (datetime('now'))
        );
        CREATE TABLE statements (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            speaker TEXT, speaker_entity TEXT, anonymous INTEGER NOT NULL,
            affiliation TEXT, role TEXT, cue TEXT NOT NULL, cue_lemma TEXT NOT NULL,
            content TEXT NOT NULL, stance TEXT NOT NULL, hedges TEXT NOT NULL,
            date TEXT, medium TEXT, via INTEGER, direct INTEGER NOT NULL,
            UNIQUE (article_id, position)
        );
        CREATE INDEX statements_speaker ON statements(speaker_entity);
        CREATE INDEX statements_stance ON statements(stance);
    """),
    ("002_near_duplicate_copies", """
        ALTER TABLE articles ADD COLUMN minhash BLOB;
        ALTER TABLE articles ADD COLUMN copy_of INTEGER REFERENCES articles(id);
        ALTER TABLE articles ADD COLUMN copy_similarity REAL;
        CREATE INDEX articles_copy_of ON articles(copy_of);
    """),
)


def content_hash(text: str) -> str:
    """Hash of the article text with whitespace runs collapsed, so re-saved copies match."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


@dataclass
class LedgerRow:
    article_id: int
    published: Optional[str]
    outlet: Optional[str]
    source: str
    speaker_entity: Optional[str]
    affiliation: Optional[str]
    stance: str
    content: str
    date: Optional[str]
    via: Optional[int]


class Ledger:
    """A claimledger database file (or ``:memory:``)."""

    def __init__(self, path: Union[str, Path] = DEFAULT_DB) -> None:
        try:
            self.conn = sqlite3.connect(str(path))
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise LedgerError(str(path), problem=str(exc)) from None
        self.path = str(path)
        self._copies: Optional[CopyIndex] = None

    def copies(self) -> CopyIndex:
        """The near-duplicate index over every stored article, built on first use."""
        if self._copies is None:
            for article_id, text in self.conn.execute("SELECT id, text FROM articles WHERE minhash IS NULL").fetchall():
                with self.conn:  # articles stored before migration 002 get their signature once
                    self.conn.execute("UPDATE articles SET minhash = ? WHERE id = ?",
                                      (to_blob(signature(text)), article_id))
            self._copies = CopyIndex(self.conn.execute("SELECT id, minhash, copy_of FROM articles ORDER BY id"))
        return self._copies

    def migrate(self) -> None:
        applied = self.conn.execute("PRAGMA user_version").fetchone()[0]
        for number, (_name, sql) in enumerate(MIGRATIONS, start=1):
            if number > applied:
                with self.conn:
                    self.conn.executescript(sql)
                    self.conn.execute(f"PRAGMA user_version = {number}")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def has_article(self, text: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE content_hash = ?",
                                 (content_hash(text),)).fetchone() is not None

    def add(self, article: Article, extraction: Extraction) -> Optional[int]:
        """Store an article and its extraction; None when the same text is already stored."""
        record = extraction.to_dict()
        minhash = signature(article.text)
        copies = self.copies()
        original = copies.original_of(minhash)
        copy_of, similarity = original if original else (None, None)
        try:
            with self.conn:
                cursor = self.conn.execute(
                    "INSERT OR IGNORE INTO articles (content_hash, source, title, url, outlet, published, dateline,"
                    " text, extraction, minhash, copy_of, copy_similarity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (content_hash(article.text), article.source, extraction.title, extraction.url,
                     extraction.outlet, extraction.published, extraction.dateline, article.text,
                     json.dumps(record, ensure_ascii=False), to_blob(minhash), copy_of, similarity))
                if cursor.rowcount == 0:
                    return None
                article_id = cursor.lastrowid
                self.conn.executemany(
                    "INSERT INTO statements (article_id, position, speaker, speaker_entity, anonymous, affiliation,"
                    " role, cue, cue_lemma, content, stance, hedges, date, medium, via, direct)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(article_id, i, s.speaker, s.speaker_entity, int(s.anonymous), s.affiliation, s.role, s.cue,
                      s.cue_lemma, s.content, s.stance, json.dumps(s.hedges), s.date, s.medium, s.via,
                      int(s.direct)) for i, s in enumerate(extraction.statements)])
        except sqlite3.DatabaseError as exc:
            raise LedgerError(self.path, problem=str(exc)) from None
        copies.add(article_id, minhash, copy_of)
        return article_id

    def copy_of(self, article_id: int) -> Optional[int]:
        row = self.conn.execute("SELECT copy_of FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def copies_of(self, article_id: int) -> list[tuple[int, str, float]]:
        """(id, source, similarity) of the stored copies of an article."""
        return self.conn.execute("SELECT id, source, copy_similarity FROM articles WHERE copy_of = ? ORDER BY id",
                                 (article_id,)).fetchall()

    def counts(self) -> dict[str, int]:
        return {table: self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("articles", "statements")}

    def rows(self, limit: Optional[int] = None) -> Iterator[LedgerRow]:
        """Statements across articles, grouped by speaker, oldest first."""
        sql = ("SELECT a.id, a.published, a.outlet, a.source, s.speaker_entity, s.affiliation, s.stance, s.content,"
               " s.date, s.via FROM statements s JOIN articles a ON a.id = s.article_id"
               " ORDER BY lower(coalesce(s.speaker_entity, '~')), coalesce(s.date, a.published), a.id, s.position")
        if limit:
            sql += f" LIMIT {int(limit)}"
        for row in self.conn.execute(sql):
            yield LedgerRow(*row)
