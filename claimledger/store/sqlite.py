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
from ..ledger.claims import ClaimIndex
from ..ledger.independence import origins
from ..ledger.near_duplicates import CopyIndex, signature, to_blob
from ..schema import Article, Extraction, Statement
from . import browse_sql, claims_sql, integrity

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
    ("003_claims", """
        ALTER TABLE statements ADD COLUMN content_start INTEGER;
        ALTER TABLE statements ADD COLUMN content_end INTEGER;
        ALTER TABLE statements ADD COLUMN origin_speaker TEXT;
        ALTER TABLE statements ADD COLUMN origin_anonymous INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE statements ADD COLUMN relayed_by TEXT;
        ALTER TABLE articles ADD COLUMN claims_assigned INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE claims (
            id INTEGER PRIMARY KEY,
            canonical TEXT NOT NULL,
            status TEXT NOT NULL,
            support_raw INTEGER NOT NULL DEFAULT 0, support_independent INTEGER NOT NULL DEFAULT 0,
            deny_raw INTEGER NOT NULL DEFAULT 0, deny_independent INTEGER NOT NULL DEFAULT 0,
            hedge_raw INTEGER NOT NULL DEFAULT 0, decline_raw INTEGER NOT NULL DEFAULT 0,
            statements INTEGER NOT NULL DEFAULT 0,
            first_seen TEXT, last_activity TEXT
        );
        CREATE TABLE claim_statements (
            statement_id INTEGER PRIMARY KEY REFERENCES statements(id) ON DELETE CASCADE,
            claim_id INTEGER NOT NULL REFERENCES claims(id),
            side TEXT NOT NULL,
            similarity REAL NOT NULL
        );
        CREATE INDEX claim_statements_claim ON claim_statements(claim_id);
        CREATE INDEX claims_status ON claims(status);
        CREATE INDEX claims_rank ON claims(support_independent, deny_independent);
        CREATE INDEX statements_origin ON statements(origin_speaker);
        CREATE VIRTUAL TABLE statements_fts USING fts5(content, speaker_entity, content='statements',
                                                       content_rowid='id');
        CREATE TRIGGER statements_fts_insert AFTER INSERT ON statements BEGIN
            INSERT INTO statements_fts (rowid, content, speaker_entity)
            VALUES (new.id, new.content, new.speaker_entity);
        END;
        CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements BEGIN
            INSERT INTO statements_fts (statements_fts, rowid, content, speaker_entity)
            VALUES ('delete', old.id, old.content, old.speaker_entity);
        END;
        INSERT INTO statements_fts (statements_fts) VALUES ('rebuild');
    """),
    ("004_case_insensitive_speaker_indexes", """
        CREATE INDEX statements_speaker_nocase ON statements(speaker_entity COLLATE NOCASE);
        CREATE INDEX statements_origin_nocase ON statements(origin_speaker COLLATE NOCASE);
    """),
    ("005_article_stances", """
        CREATE TABLE article_claims (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            claim_id INTEGER NOT NULL REFERENCES claims(id),
            stance TEXT NOT NULL,
            basis TEXT NOT NULL,
            PRIMARY KEY (article_id, claim_id)
        );
        CREATE INDEX article_claims_claim ON article_claims(claim_id);
        ALTER TABLE articles ADD COLUMN stances_assigned INTEGER NOT NULL DEFAULT 0;
    """),
    ("006_minhash_crc32", """
        UPDATE articles SET minhash = NULL;  -- signatures are recomputed with the new shingle hash on open
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

    def __init__(self, path: Union[str, Path] = DEFAULT_DB, check_same_thread: bool = True) -> None:
        """``check_same_thread=False`` lets a server share it between threads; the caller then
        serialises access (one writer at a time)."""
        try:
            self.conn = sqlite3.connect(str(path), check_same_thread=check_same_thread)
            self.conn.execute("PRAGMA foreign_keys = ON")
            # WAL with synchronous=NORMAL: a crash never corrupts or half-writes an article, and a commit
            # per article costs no fsync (only a power cut may drop the last commits, which a re-run re-adds).
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise LedgerError(str(path), problem=str(exc)) from None
        self.path = str(path)
        self._copies: Optional[CopyIndex] = None
        self._claims: Optional[tuple[ClaimIndex, int]] = None

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
        return self.article_id(text) is not None

    def article_id(self, text: str) -> Optional[int]:
        """The id of the stored article with this text (whitespace-normalised), if any."""
        row = self.conn.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash(text),)).fetchone()
        return row[0] if row else None

    def add(self, article: Article, extraction: Extraction) -> Optional[int]:
        """Store an article and its extraction; None when the same text is already stored."""
        minhash = signature(article.text)
        copies = self.copies()
        self.claim_index()
        original = copies.original_of(minhash)
        copy_of, similarity = original if original else (None, None)
        try:
            with self.conn:
                cursor = self.conn.execute(
                    "INSERT OR IGNORE INTO articles (content_hash, source, title, url, outlet, published, dateline,"
                    " text, extraction, minhash, copy_of, copy_similarity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (content_hash(article.text), article.source, article.title or extraction.title,
                     article.url or extraction.url, article.outlet or extraction.outlet,
                     extraction.published or article.published, extraction.dateline, article.text,
                     extraction.to_json(), to_blob(minhash), copy_of, similarity))
                if cursor.rowcount == 0:
                    return None
                article_id = cursor.lastrowid
                self.insert_statements(article_id, extraction.statements)
                self.assign_claims(article_id)
        except sqlite3.DatabaseError as exc:
            self._claims = None  # the in-memory index may hold what was rolled back: rebuild it
            raise LedgerError(self.path, problem=str(exc)) from None
        copies.add(article_id, minhash, copy_of)
        return article_id

    def insert_statements(self, article_id: int, statements: list[Statement]) -> None:
        self.conn.executemany(
            "INSERT INTO statements (article_id, position, speaker, speaker_entity, anonymous, affiliation,"
            " role, cue, cue_lemma, content, stance, hedges, date, medium, via, direct, content_start, content_end,"
            " origin_speaker, origin_anonymous, relayed_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(article_id, i, s.speaker, s.speaker_entity, int(s.anonymous), s.affiliation, s.role, s.cue,
              s.cue_lemma, s.content, s.stance, json.dumps(s.hedges), s.date, s.medium, s.via, int(s.direct),
              s.content_span[0], s.content_span[1], origin, int(anonymous), relay)
             for i, (s, (origin, anonymous, relay)) in enumerate(zip(statements, origins(statements)))])

    def claim_index(self) -> tuple[ClaimIndex, int]:
        """The claim index (and next claim id), built on first use; articles stored before
        claims (migration 003) or article stances (005) existed are assigned here, once."""
        if self._claims is None:
            try:
                self._claims = claims_sql.load_index(self.conn)
                pending = self.conn.execute("SELECT id FROM articles WHERE claims_assigned = 0 ORDER BY id").fetchall()
                for (article_id,) in pending:
                    with self.conn:
                        self.backfill_statements(article_id)
                        self.assign_claims(article_id)
                unjudged = self.conn.execute("SELECT id FROM articles WHERE stances_assigned = 0 ORDER BY id").fetchall()
                for (article_id,) in unjudged:
                    with self.conn:
                        claims_sql.assign_article_stances(self.conn, article_id)
            except sqlite3.DatabaseError as exc:
                self._claims = None
                raise LedgerError(self.path, problem=str(exc)) from None
        return self._claims

    def backfill_statements(self, article_id: int) -> None:
        record = json.loads(self.conn.execute("SELECT extraction FROM articles WHERE id = ?",
                                              (article_id,)).fetchone()[0])
        statements = [Statement(**{**s, "speaker_span": tuple(s["speaker_span"]) if s["speaker_span"] else None,
                                   "cue_span": tuple(s["cue_span"]), "content_span": tuple(s["content_span"])})
                      for s in record["statements"]]
        self.conn.execute("DELETE FROM statements WHERE article_id = ?", (article_id,))
        self.insert_statements(article_id, statements)

    def assign_claims(self, article_id: int) -> None:
        """Within the caller's transaction: the article's statements to claims, touched claims recounted."""
        index, next_id = self._claims
        touched, next_id = claims_sql.assign_article(self.conn, index, next_id, article_id)
        self._claims = (index, next_id)
        claims_sql.assign_article_stances(self.conn, article_id)
        for claim_id in touched:
            claims_sql.refresh_claim(self.conn, claim_id)

    def claims(self, **filters) -> list[claims_sql.ClaimSummary]:
        """Claims, most independently supported or denied first (filters: see claims_sql.list_claims)."""
        self.claim_index()
        return claims_sql.list_claims(self.conn, **filters)

    def claim(self, claim_id: int) -> Optional[claims_sql.ClaimPage]:
        self.claim_index()
        return claims_sql.claim_page(self.conn, claim_id)

    def claim_pages(self) -> Iterator[claims_sql.ClaimPage]:
        """Every claim's page, in claim id order (for exports)."""
        self.claim_index()
        for (claim_id,) in self.conn.execute("SELECT id FROM claims WHERE statements > 0 ORDER BY id").fetchall():
            yield claims_sql.claim_page(self.conn, claim_id)

    def entity(self, name: str) -> claims_sql.EntityPage:
        self.claim_index()
        return claims_sql.entity_page(self.conn, name)

    def copy_of(self, article_id: int) -> Optional[int]:
        row = self.conn.execute("SELECT copy_of FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def copies_of(self, article_id: int) -> list[tuple[int, str, float]]:
        """(id, source, similarity) of the stored copies of an article."""
        return browse_sql.copies_of(self.conn, article_id)

    def check(self) -> list[integrity.Problem]:
        """Every integrity problem found (an empty list for a sound ledger)."""
        self.claim_index()
        return integrity.check(self.conn)

    def counts(self) -> dict[str, int]:
        return {table: self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("articles", "statements", "claims")}

    def rows(self, limit: Optional[int] = None) -> Iterator[LedgerRow]:
        """Statements across articles, grouped by speaker, oldest first."""
        sql = ("SELECT a.id, a.published, a.outlet, a.source, s.speaker_entity, s.affiliation, s.stance, s.content,"
               " s.date, s.via FROM statements s JOIN articles a ON a.id = s.article_id"
               " ORDER BY lower(coalesce(s.speaker_entity, '~')), coalesce(s.date, a.published), a.id, s.position")
        if limit:
            sql += f" LIMIT {int(limit)}"
        for row in self.conn.execute(sql):
            yield LedgerRow(*row)
