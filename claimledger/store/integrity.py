"""``claimledger check``: verify a ledger's integrity and name every problem found.

Checks the database file itself, its references, that each article's hash matches its text, that
each stored statement matches its article's extraction and lies at the offsets it claims, that every
claim's counts agree with its members, and that the full-text index agrees with the statements."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from .claims_sql import COUNTED_COLUMNS, claim_figures


@dataclass
class Problem:
    check: str
    detail: str

    def __str__(self) -> str:
        return f"{self.check}: {self.detail}"


def database_file(conn: sqlite3.Connection) -> list[Problem]:
    found = [Problem("database", row[0]) for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
    found += [Problem("reference", f"{table} row {rowid} points to a missing {parent} row")
              for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")]
    return found


def article_hashes(conn: sqlite3.Connection) -> list[Problem]:
    from .sqlite import content_hash

    return [Problem("article hash", f"article {article_id}: its hash does not match its text")
            for article_id, stored, text in conn.execute("SELECT id, content_hash, text FROM articles")
            if not isinstance(text, str) or content_hash(text) != stored]


def statements_match_articles(conn: sqlite3.Connection) -> list[Problem]:
    """Each stored statement is one of its article's extracted statements, at its offsets in the text."""
    found = []
    for article_id, text, extraction in conn.execute("SELECT id, text, extraction FROM articles"):
        try:
            extracted = json.loads(extraction)["statements"]
        except (TypeError, ValueError, KeyError):
            found.append(Problem("extraction", f"article {article_id}: its stored extraction is not readable"))
            continue
        stored = conn.execute("SELECT position, content, content_start, content_end FROM statements"
                              " WHERE article_id = ? ORDER BY position", (article_id,)).fetchall()
        if [row[0] for row in stored] != list(range(len(extracted))):
            found.append(Problem("statements", f"article {article_id}: positions {[row[0] for row in stored][:10]} "
                                               f"stored, {len(extracted)} statements in its extraction"))
            continue
        for position, content, start, end in stored:
            expected = extracted[position].get("content") if isinstance(extracted[position], dict) else None
            if content != expected or (start is not None and (text or "")[start:end] != content):
                found.append(Problem("statement span", f"article {article_id} statement {position}: its content "
                                                       "is not the text at its offsets"))
    return found


def claim_counts(conn: sqlite3.Connection) -> list[Problem]:
    found = []
    for row in conn.execute(f"SELECT id, {', '.join(COUNTED_COLUMNS)} FROM claims").fetchall():
        stored = dict(zip(COUNTED_COLUMNS, row[1:]))
        expected = claim_figures(conn, row[0])
        differing = [f"{c} {stored[c]} (members give {expected[c]})" for c in COUNTED_COLUMNS if stored[c] != expected[c]]
        if differing:
            found.append(Problem("claim counts", f"claim {row[0]}: " + ", ".join(differing)))
    return found


def search_index(conn: sqlite3.Connection) -> list[Problem]:
    try:
        with conn:  # the check is written as an INSERT: end its implicit transaction
            conn.execute("INSERT INTO statements_fts (statements_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError as error:
        return [Problem("search index", f"the full-text index disagrees with the statements ({error})")]
    return []


CHECKS = (database_file, article_hashes, statements_match_articles, claim_counts, search_index)


def check(conn: sqlite3.Connection) -> list[Problem]:
    problems = []
    for run in CHECKS:
        problems += run(conn)
    return problems
